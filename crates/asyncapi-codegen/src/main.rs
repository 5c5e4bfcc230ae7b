//! The `asyncapi-codegen` command line: `generate` writes a crate, `check`
//! says whether a folder holds exactly what `generate` would write.

use std::path::PathBuf;
use std::process::ExitCode;

use asyncapi_codegen::{Options, Runtime};

/// Generation builds and drops millions of small token and syntax-tree nodes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "asyncapi-codegen",
    version,
    about = "Generates a typed, validated Rust crate from an AsyncAPI 2.6 document"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes the crate generated from SPEC into --out.
    Generate(Generation),
    /// Exits 0 when --out holds exactly what `generate` would write, else prints
    /// a unified diff per differing file, names missing and extra files, and exits 1.
    Check(Generation),
}

#[derive(Args)]
struct Generation {
    /// The AsyncAPI 2.6 document (YAML or JSON).
    spec: PathBuf,
    /// The crate's folder.
    #[arg(long)]
    out: PathBuf,
    /// The package name (default: from the document's title).
    #[arg(long)]
    crate_name: Option<String>,
    /// Depend on an existing asyncapi-rt at this path (relative to the crate)
    /// instead of writing a copy into the crate's folder.
    #[arg(long)]
    runtime_path: Option<String>,
    /// Accept JSON integers for `type: string` properties whose name matches
    /// this pattern (`*` matches anything; repeatable), keeping every digit.
    #[arg(long = "lenient-numeric-strings", value_name = "PATTERN")]
    lenient_numeric_strings: Vec<String>,
    /// Generate even when received messages cannot be told apart (a body goes to
    /// the first of them).
    #[arg(long)]
    allow_ambiguous_routing: bool,
    /// The property that identifies a delivery, for de-duplication (default:
    /// found from the document).
    #[arg(long)]
    dedupe_key: Option<String>,
    /// How generated files name the document (default: SPEC as given, or its file
    /// name when absolute).
    #[arg(long)]
    spec_name: Option<String>,
    /// The command the do-not-edit headers tell readers to run.
    #[arg(long)]
    regenerate_command: Option<String>,
}

impl Generation {
    fn options(&self) -> Options {
        Options {
            spec: self.spec.clone(),
            spec_name: self.spec_name.clone(),
            crate_name: self.crate_name.clone(),
            runtime: match &self.runtime_path {
                Some(path) => Runtime::Path(path.clone()),
                None => Runtime::Vendored,
            },
            lenient_numeric_strings: self.lenient_numeric_strings.clone(),
            allow_ambiguous_routing: self.allow_ambiguous_routing,
            dedupe_key: self.dedupe_key.clone(),
            regenerate: self.regenerate_command.clone(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (generation, check) = match &cli.command {
        Command::Generate(generation) => (generation, false),
        Command::Check(generation) => (generation, true),
    };
    let generated = match asyncapi_codegen::generate(&generation.options()) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            return ExitCode::from(1);
        }
    };
    for warning in generated.warnings.iter() {
        eprint!("{warning}");
    }
    let out = &generation.out;
    if check {
        match asyncapi_codegen::check_dir(out, &generated) {
            Ok(comparison) if comparison.is_clean() => ExitCode::SUCCESS,
            Ok(comparison) => {
                print!("{comparison}");
                eprintln!(
                    "{} is not what `generate` would write from {}",
                    out.display(),
                    generation.spec.display()
                );
                ExitCode::from(1)
            }
            Err(error) => {
                eprintln!("error: cannot read {}: {error}", out.display());
                ExitCode::from(1)
            }
        }
    } else {
        match asyncapi_codegen::write::write(out, &generated.files) {
            Ok(written) => {
                eprintln!(
                    "generated crate `{}` in {}: {} file(s) written, {} unchanged, {} removed",
                    generated.crate_name,
                    out.display(),
                    written.changed.len(),
                    written.unchanged,
                    written.removed.len()
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", out.display());
                ExitCode::from(1)
            }
        }
    }
}
