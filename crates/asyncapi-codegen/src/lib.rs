//! asyncapi-codegen: an AsyncAPI 2.6 document in, a Rust crate out, with types
//! for every message, validators for everything the schemas say, and a
//! dispatcher that routes each delivery to a typed handler method.
//!
//! The pipeline, one stage per module:
//!
//! | stage | module | does |
//! |---|---|---|
//! | load | [`load`] | reads YAML/JSON files, external `$ref`s, node positions |
//! | formats | [`formats`] | rewrites OpenAPI 3.0 and Avro payloads as JSON Schema |
//! | check | [`check`] | the official 2.6.0 meta-schema and precise rules |
//! | resolve | [`resolve`] | follows `$ref`s, merges message traits |
//! | IR | [`ir`] | schemas, named types, messages, routing; every name |
//! | emit | [`emit`] | Rust code through `quote!`, syn and prettyplease |
//! | write | [`write`](mod@write) | writes the crate, or compares it (`--check`) |
//!
//! ```no_run
//! let options = asyncapi_codegen::Options::new("spec/api.yaml");
//! match asyncapi_codegen::generate(&options) {
//!     Ok(generated) => asyncapi_codegen::write::write(std::path::Path::new("out"), &generated.files).map(drop)?,
//!     Err(diagnostics) => eprintln!("{diagnostics}"),
//! }
//! # Ok::<(), std::io::Error>(())
//! ```

// The module docs are written for the generator's maintainers, and link to
// private items: `cargo doc --document-private-items` resolves them all.
#![allow(rustdoc::private_intra_doc_links)]

pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod formats;
pub mod ir;
pub mod load;
pub mod pointer;
pub mod resolve;
mod runtime;
mod threads;
pub mod write;

use std::path::{Path, PathBuf};

use diagnostic::{Diagnostic, Diagnostics};
use emit::Files;
use load::Sources;

/// Where a generated crate finds the runtime crate `asyncapi-rt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A copy written next to the generated crate (`asyncapi-rt/`): the crate
    /// builds anywhere, on its own.
    Vendored,
    /// An existing `asyncapi-rt` at this path, relative to the generated crate
    /// (`../asyncapi-rt` inside this workspace).
    Path(String),
}

/// What to generate, beyond what the document says.
#[derive(Debug, Clone)]
pub struct Options {
    /// The document's root file.
    pub spec: PathBuf,
    /// How generated files name the document; by default the path as given
    /// when it is relative, else the file name (never an absolute path).
    pub spec_name: Option<String>,
    /// The Cargo package name; by default made from `info.title`.
    pub crate_name: Option<String>,
    pub runtime: Runtime,
    /// Property-name patterns (`*` matches any run of characters) whose
    /// `type: string` values also accept JSON integers, kept digit for digit:
    /// what real traffic does that the document does not say. Strict mode still
    /// reports them.
    pub lenient_numeric_strings: Vec<String>,
    /// Generate even when two received messages cannot be told apart; a body
    /// then goes to the first of them (each such case is a warning).
    pub allow_ambiguous_routing: bool,
    /// The property that identifies a delivery, for de-duplication; by default
    /// found from the document.
    pub dedupe_key: Option<String>,
    /// The command that regenerates the crate, quoted in the do-not-edit headers.
    pub regenerate: Option<String>,
}

impl Options {
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Options {
            spec: spec.into(),
            spec_name: None,
            crate_name: None,
            runtime: Runtime::Vendored,
            lenient_numeric_strings: Vec::new(),
            allow_ambiguous_routing: false,
            dedupe_key: None,
            regenerate: None,
        }
    }

    fn spec_name(&self) -> String {
        if let Some(name) = &self.spec_name {
            return name.clone();
        }
        let name = if self.spec.is_absolute() {
            self.spec.file_name().map(PathBuf::from).unwrap_or_default()
        } else {
            self.spec.clone()
        };
        name.to_string_lossy().replace('\\', "/")
    }
}

/// A generated crate: its files, and the warnings met on the way.
#[derive(Debug)]
pub struct Generated {
    /// Every file, by path relative to the crate's folder.
    pub files: Files,
    pub warnings: Diagnostics,
    /// The package name.
    pub crate_name: String,
    /// How much the document held.
    pub stats: Stats,
}

/// Counts of what a generated crate holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub messages: usize,
    pub types: usize,
    /// Operation-message pairs the user receives (`Event` variants).
    pub received: usize,
    /// Operation-message pairs the user sends (`publish` constructors).
    pub sent: usize,
}

/// Runs the whole pipeline on `options.spec`.
pub fn generate(options: &Options) -> Result<Generated, Diagnostics> {
    with_deep_stack(|| {
        let spec_name = options.spec_name();
        let sources = Sources::load(&options.spec, &spec_name)?;
        generate_from(sources, options, &spec_name)
    })
}

/// Runs the pipeline on a document held in memory (it cannot reference files).
pub fn generate_from_text(text: &str, name: &str, options: &Options) -> Result<Generated, Diagnostics> {
    with_deep_stack(|| {
        let sources = Sources::from_text(text, name).map_err(Diagnostics::from)?;
        generate_from(sources, options, name)
    })
}

/// The stages walk schemas recursively, a few frames per nesting level (and per
/// `$ref` followed); the check stage bounds the depth, this stack holds it.
const STACK_SIZE: usize = 256 * 1024 * 1024;

fn with_deep_stack(
    work: impl FnOnce() -> Result<Generated, Diagnostics> + Send,
) -> Result<Generated, Diagnostics> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().name("asyncapi-codegen".to_owned()).stack_size(STACK_SIZE);
        match worker.spawn_scoped(scope, work) {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(error) => {
                Err(Diagnostic::error(format!("cannot start the generator's thread: {error}")).into())
            }
        }
    })
}

fn generate_from(mut sources: Sources, options: &Options, spec_name: &str) -> Result<Generated, Diagnostics> {
    // Names found from the title are valid by construction; a given one is checked.
    if let Some(name) = &options.crate_name
        && let Some(problem) = ir::naming::crate_name_problem(name)
    {
        return Err(Diagnostic::error(format!("cannot name the generated crate `{name}`: {problem}"))
            .with_help("pass another --crate-name")
            .into());
    }
    // Payloads in other schema languages are JSON Schema from here on; an Avro
    // schema that cannot be read stops here, before the check would misread it.
    let mut warnings = formats::translate(&mut sources);
    if warnings.has_errors() {
        return Err(warnings);
    }
    warnings.extend(check::check(&sources));
    if warnings.has_errors() {
        return Err(warnings);
    }
    let document = resolve::resolve(&mut sources)?;
    let type_options = ir::TypeOptions { lenient_numeric_strings: options.lenient_numeric_strings.clone() };
    let api_options = ir::ApiOptions {
        allow_ambiguous_routing: options.allow_ambiguous_routing,
        dedupe_key: options.dedupe_key.clone(),
    };
    let (ir, ir_warnings) = ir::build(&document, &sources, &type_options, &api_options)?;
    warnings.extend(ir_warnings);

    let crate_name = options.crate_name.clone().unwrap_or_else(|| ir::naming::crate_name(&document.title));
    let regenerate = options
        .regenerate
        .clone()
        .unwrap_or_else(|| format!("run `asyncapi-codegen generate {spec_name}` again"));
    let runtime_path = match &options.runtime {
        Runtime::Vendored => runtime::VENDORED_DIR.to_owned(),
        Runtime::Path(path) => path.clone(),
    };
    let settings = emit::Settings {
        crate_name: &crate_name,
        crate_version: ir::naming::crate_version(&document.version),
        spec: spec_name,
        regenerate: &regenerate,
        runtime_path,
    };
    let mut files = emit::emit(&ir, &settings).map_err(|error| {
        Diagnostics::from(Diagnostic::error(format!("internal error, please report it: {error}")))
    })?;
    if options.runtime == Runtime::Vendored {
        files.extend(runtime::vendored_files());
    }
    let stats = Stats {
        messages: ir.api.messages.len(),
        types: ir.types.types.len(),
        received: ir.api.receives.len(),
        sent: ir.api.sends.len(),
    };
    Ok(Generated { files, warnings, crate_name, stats })
}

/// Whether `dir` holds exactly what `generated` would write there.
pub fn check_dir(dir: &Path, generated: &Generated) -> std::io::Result<write::Comparison> {
    write::compare(dir, &generated.files)
}
