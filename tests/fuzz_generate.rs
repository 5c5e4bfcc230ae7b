//! Fuzzes the generator with broken and odd documents: every seed document (the
//! official 2.6.0 examples, GoToWebinar's, ours) is mutated the way a person
//! editing a spec gets things wrong or a tool writes surprising constructs
//! (nodes removed, swapped for other values or for other parts of the
//! document, `$ref`s to anywhere, schema keywords with odd values, keys renamed
//! to Rust keywords and colliding spellings) and run through the whole
//! pipeline. Whatever the document, the generator must end with either
//!
//! - diagnostics: at least one error, each located, none an internal error; or
//! - a crate: every Rust file parses, and generating again gives the same
//!   files (the drift check relies on it).
//!
//! It must never panic. The crates of the first `GENERATE_FUZZ_COMPILE` cases
//! (default 200) are also written into one workspace and checked by clippy
//! with `-D warnings`, as the corpus' crates are: a generated crate must
//! compile cleanly whatever the document. `GENERATE_FUZZ_CASES` (default
//! 1,000) sets the number of documents, `GENERATE_FUZZ_SEED` the seed and
//! `GENERATE_FUZZ_FIRST_CASE` the first case run (to replay one).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use asyncapi_codegen::diagnostic::{Diagnostics, Severity};
use asyncapi_codegen::{Generated, Options, Runtime};
use asyncapi_tests::rng::Rng;
use serde_json::{Map, Value, json};

const DEFAULT_SEED: u64 = 0x6765_6e65_7261_7465;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").to_path_buf()
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|text| {
        text.replace(['_', ','], "").parse().unwrap_or_else(|_| panic!("{name} must be a number, not {text}"))
    })
}

/// The documents mutations start from: every single-file document we have.
fn seeds() -> Vec<(String, Value)> {
    let root = workspace_root();
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in ["tests/corpus/asyncapi-2.6/examples", "tests/documents", "spec"] {
        let entries = std::fs::read_dir(root.join(dir)).expect("a seed folder is readable");
        paths.extend(entries.map(|entry| entry.expect("a readable entry").path()).filter(|path| {
            let name = path.to_string_lossy();
            name.ends_with(".yml") || name.ends_with(".yaml")
        }));
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a seed document is readable");
            let value: Value = serde_yaml::from_str(&text)
                .unwrap_or_else(|error| panic!("{} is not YAML: {error}", path.display()));
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            (name, value)
        })
        .collect()
}

/// One step from the document's root to a node.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every node's path, the root's (empty) first.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(here.clone());
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    here.push(Step::Key(key.clone()));
                    walk(child, here, out);
                    here.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    here.push(Step::Index(index));
                    walk(child, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Key(key) => node.get(key),
        Step::Index(index) => node.get(index),
    })
}

fn node_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Key(key) => node.get_mut(key),
        Step::Index(index) => node.get_mut(index),
    })
}

/// The JSON pointer of a path, for `$ref`s.
fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

/// Names that trip code generators: Rust keywords and prelude names, names
/// the generated crate uses itself, spellings that collide once converted to
/// Rust case, and names with nothing to convert.
const NAMES: &[&str] = &[
    "",
    "type",
    "Self",
    "self",
    "super",
    "crate",
    "match",
    "async",
    "r#type",
    "_",
    "__",
    "1st",
    "a-b",
    "a_b",
    "A B",
    "aB",
    "AB",
    "ab",
    "-",
    "ü",
    "🙂",
    "$ref",
    "Event",
    "Inbound",
    "Message",
    "Handler",
    "Dispatcher",
    "Value",
    "String",
    "Option",
    "Result",
    "Box",
    "Vec",
    "std",
    "core",
    "serde",
    "on_rejected",
    "validate",
    "eventKey",
    "EventKey",
    "event_key",
    "x-extension",
    "{id}",
    "default",
    "Default",
    "None",
    "Some",
    "Ok",
];

const PATTERNS: &[&str] = &[
    "^[a-z]+$",
    "",
    "\\d{3}-\\d{4}",
    "^(?=a)a$",
    "(?<name>x)\\k<name>",
    "\\p{L}+",
    "[",
    "\\",
    "a{2,1}",
    "(a+)+$",
    "^[^/]+/[^/]+$",
    "\\u{1F600}",
    "[\\s\\S]",
    "\\bword\\b",
    "$^",
    "x*?",
];

const FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "regex",
    "int32",
    "int64",
    "float",
    "binary",
    "byte",
    "password",
    "duration",
    "json-pointer",
    "unknown",
];

const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null"];

const KEYWORDS: &[&str] = &[
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependencies",
    "items",
    "additionalItems",
    "contains",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "format",
    "discriminator",
    "$ref",
    "default",
    "examples",
    "title",
    "description",
    "readOnly",
    "deprecated",
    "x-extension",
];

/// Mutates documents, knowing the document it works on (for `$ref` targets,
/// transplants and names).
struct Mutator<'a> {
    rng: &'a mut Rng,
    /// Property names and keys found in the document.
    names: Vec<String>,
    /// Pointers of the document's nodes.
    pointers: Vec<String>,
}

impl Mutator<'_> {
    fn name(&mut self) -> String {
        if self.rng.chance(0.5)
            && let Some(name) = self.rng.pick(&self.names)
        {
            return name.clone();
        }
        (*self.rng.pick(NAMES).expect("names")).to_owned()
    }

    fn number(&mut self) -> Value {
        match self.rng.below(10) {
            0 => json!(0),
            1 => json!(-1),
            2 => json!(u64::MAX),
            3 => json!(i64::MIN),
            4 => json!(1e308),
            5 => json!(-0.0),
            6 => json!(0.1),
            7 => json!(1.5),
            8 => json!(1e-9),
            _ => json!(self.rng.below(100)),
        }
    }

    fn count(&mut self) -> Value {
        match self.rng.below(6) {
            0 => json!(0),
            1 => json!(u64::MAX),
            2 => json!(1.5),
            3 => json!(-1),
            _ => json!(self.rng.below(12)),
        }
    }

    fn scalar(&mut self) -> Value {
        match self.rng.below(8) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.chance(0.5)),
            2 | 3 => self.number(),
            4 => json!(self.rng.pick(FORMATS).expect("formats")),
            5 => json!(self.rng.pick(PATTERNS).expect("patterns")),
            _ => json!(self.name()),
        }
    }

    fn any(&mut self, depth: usize) -> Value {
        match self.rng.below(if depth == 0 { 6 } else { 8 }) {
            0..=3 => self.scalar(),
            4 => json!({}),
            5 => json!([]),
            6 => Value::Array((0..self.rng.between(1, 3)).map(|_| self.any(depth - 1)).collect()),
            _ => {
                let mut map = Map::new();
                for _ in 0..self.rng.between(1, 3) {
                    let key = self.name();
                    let value = self.any(depth - 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
        }
    }

    fn reference(&mut self) -> Value {
        let target = match self.rng.below(8) {
            0 => "#/components/schemas/missing".to_owned(),
            1 => "other.yaml#/components/schemas/x".to_owned(),
            2 => "https://example.com/schema.json".to_owned(),
            3 => "#".to_owned(),
            _ => format!("#{}", self.rng.pick(&self.pointers).cloned().unwrap_or_default()),
        };
        json!(target)
    }

    /// A small schema: one to three keywords, nested `depth` levels at most.
    fn schema(&mut self, depth: usize) -> Value {
        if depth == 0 || self.rng.chance(0.3) {
            return match self.rng.below(4) {
                0 => Value::Bool(self.rng.chance(0.5)),
                1 => json!({ "$ref": self.reference() }),
                _ => json!({ "type": self.rng.pick(TYPES).expect("types") }),
            };
        }
        let mut map = Map::new();
        for _ in 0..self.rng.between(1, 3) {
            let keyword = *self.rng.pick(KEYWORDS).expect("keywords");
            let value = self.keyword_value(keyword, depth - 1);
            map.insert(keyword.to_owned(), value);
        }
        Value::Object(map)
    }

    /// A value for `keyword`, of the shape the keyword takes most of the time.
    fn keyword_value(&mut self, keyword: &str, depth: usize) -> Value {
        if self.rng.chance(0.1) {
            return self.any(1);
        }
        match keyword {
            "type" if self.rng.chance(0.3) => {
                Value::Array((0..self.rng.between(1, 3)).map(|_| json!(self.rng.pick(TYPES))).collect())
            }
            "type" => json!(self.rng.pick(TYPES)),
            "enum" | "examples" => Value::Array((0..self.rng.below(5)).map(|_| self.any(1)).collect()),
            "const" | "default" => self.any(2),
            "required" => Value::Array((0..self.rng.below(4)).map(|_| json!(self.name())).collect()),
            "properties" | "patternProperties" | "dependencies" => {
                let mut map = Map::new();
                for _ in 0..self.rng.between(1, 3) {
                    let key = if keyword == "patternProperties" {
                        (*self.rng.pick(PATTERNS).expect("patterns")).to_owned()
                    } else {
                        self.name()
                    };
                    let value = if keyword == "dependencies" && self.rng.chance(0.5) {
                        Value::Array((0..self.rng.below(3)).map(|_| json!(self.name())).collect())
                    } else {
                        self.schema(depth)
                    };
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            "items" if self.rng.chance(0.4) => {
                Value::Array((0..self.rng.below(3)).map(|_| self.schema(depth)).collect())
            }
            "allOf" | "anyOf" | "oneOf" => {
                Value::Array((0..self.rng.below(4)).map(|_| self.schema(depth)).collect())
            }
            "additionalProperties"
            | "additionalItems"
            | "items"
            | "contains"
            | "propertyNames"
            | "not"
            | "if"
            | "then"
            | "else" => self.schema(depth),
            "minProperties" | "maxProperties" | "minItems" | "maxItems" | "minLength" | "maxLength" => {
                self.count()
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => self.number(),
            "uniqueItems" | "readOnly" | "deprecated" => Value::Bool(self.rng.chance(0.5)),
            "pattern" => json!(self.rng.pick(PATTERNS)),
            "format" => json!(self.rng.pick(FORMATS)),
            "$ref" => self.reference(),
            _ => json!(self.name()),
        }
    }

    /// Applies one mutation somewhere in `document`.
    fn mutate(&mut self, document: &mut Value) {
        let all = paths(document);
        // Most mutations go into schemas, where the meta-schema lets most
        // through and the generator has the most to get wrong.
        let in_schemas: Vec<&Vec<Step>> = all.iter().filter(|path| in_schema(path)).collect();
        let path = match self.rng.pick(&in_schemas) {
            Some(path) if self.rng.chance(0.7) => (*path).clone(),
            _ => match self.rng.pick(&all) {
                Some(path) => path.clone(),
                None => return,
            },
        };
        match self.rng.below(9) {
            // Remove the node (the root stays an object).
            0 => {
                if let Some((last, parent)) = path.split_last()
                    && let Some(parent) = node_mut(document, parent)
                {
                    match (parent, last) {
                        (Value::Object(map), Step::Key(key)) => {
                            map.shift_remove(key);
                        }
                        (Value::Array(items), Step::Index(index)) if *index < items.len() => {
                            items.remove(*index);
                        }
                        _ => {}
                    }
                }
            }
            // Swap it for an arbitrary value.
            1 => {
                let value = self.any(2);
                if let Some(node) = node_mut(document, &path) {
                    *node = value;
                }
            }
            // Swap it for another part of the document.
            2 => {
                let donor = self.rng.pick(&all).and_then(|from| node(document, from)).cloned();
                if let (Some(donor), Some(node)) = (donor, node_mut(document, &path)) {
                    *node = donor;
                }
            }
            // Swap it for a `$ref` to anywhere.
            3 => {
                let reference = json!({ "$ref": self.reference() });
                if let Some(node) = node_mut(document, &path) {
                    *node = reference;
                }
            }
            // Rename a key.
            4 => {
                if let Some((Step::Key(key), parent)) = path.split_last() {
                    let new_key = self.name();
                    if let Some(Value::Object(map)) = node_mut(document, parent)
                        && let Some(value) = map.shift_remove(key)
                    {
                        map.insert(new_key, value);
                    }
                }
            }
            // Copy a member under a new key next to it.
            5 => {
                if let Some((Step::Key(key), parent)) = path.split_last() {
                    let new_key = self.name();
                    if let Some(Value::Object(map)) = node_mut(document, parent)
                        && let Some(value) = map.get(key).cloned()
                    {
                        map.insert(new_key, value);
                    }
                }
            }
            // Add or change a schema keyword on an object (most nodes worth it
            // are schemas).
            _ => {
                let keyword = *self.rng.pick(KEYWORDS).expect("keywords");
                let value = self.keyword_value(keyword, 2);
                if let Some(Value::Object(map)) = node_mut(document, &path) {
                    map.insert(keyword.to_owned(), value);
                }
            }
        }
    }
}

/// Whether a path leads into a schema (a payload, headers, a component schema).
fn in_schema(path: &[Step]) -> bool {
    path.iter().any(
        |step| matches!(step, Step::Key(key) if key == "payload" || key == "headers" || key == "schemas"),
    )
}

fn names_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if out.len() < 200 && !key.starts_with('$') {
                    out.push(key.clone());
                }
                names_in(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| names_in(item, out)),
        _ => {}
    }
}

/// One case: a mutated seed, its text, and the options it runs with.
struct Case {
    seed: String,
    text: String,
    options: Options,
}

fn case(seeds: &[(String, Value)], rng: &mut Rng, crate_name: Option<String>) -> Case {
    let (seed, original) = rng.pick(seeds).expect("seed documents");
    let mut document = original.clone();
    let mut names = Vec::new();
    names_in(&document, &mut names);
    let pointers = paths(&document).iter().map(|path| pointer(path)).collect();
    let mut mutator = Mutator { rng, names, pointers };
    for _ in 0..mutator.rng.between(1, 4) {
        mutator.mutate(&mut document);
    }
    let text = if rng.chance(0.5) {
        serde_json::to_string_pretty(&document)
    } else {
        serde_json::to_string(&document)
    }
    .expect("a Value serializes");
    let mut options = Options::new("fuzz.json");
    options.crate_name = crate_name;
    options.runtime = Runtime::Path("../../../../crates/asyncapi-rt".to_owned());
    options.allow_ambiguous_routing = rng.chance(0.5);
    if rng.chance(0.3) {
        options.lenient_numeric_strings = vec![if rng.chance(0.5) { "*Key" } else { "*" }.to_owned()];
    }
    if rng.chance(0.1) {
        options.dedupe_key = Some(rng.pick(NAMES).copied().unwrap_or_default().to_owned());
    }
    Case { seed: seed.clone(), text, options }
}

/// What the generator made of a case.
type Outcome = std::thread::Result<Result<Generated, Diagnostics>>;

/// The crate a case generated (`None` when it was refused as it should be), or
/// what is wrong with its outcome.
fn judge(case: &Case, outcome: Outcome) -> Result<Option<Generated>, String> {
    let result = outcome.map_err(|panic| {
        let text = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!("panicked: {text}")
    })?;
    match result {
        Err(diagnostics) => {
            let text = diagnostics.to_string();
            if !diagnostics.has_errors() {
                return Err(format!("failed without an error:\n{text}"));
            }
            if text.contains("internal error") {
                return Err(format!("an internal error:\n{text}"));
            }
            if let Some(unlocated) =
                diagnostics.iter().find(|d| d.severity == Severity::Error && d.location.is_none())
            {
                return Err(format!("an error that says not where: {}", unlocated.message));
            }
            Ok(None)
        }
        Ok(generated) => {
            for (path, text) in &generated.files {
                if path.ends_with(".rs")
                    && let Err(error) = syn::parse_file(text)
                {
                    return Err(format!("{path} is not Rust: {error}"));
                }
            }
            let again = asyncapi_codegen::generate_from_text(&case.text, "fuzz.json", &case.options)
                .map_err(|diagnostics| format!("the second run failed:\n{diagnostics}"))?;
            if again.files != generated.files {
                let path = generated
                    .files
                    .iter()
                    .find(|(path, text)| again.files.get(*path) != Some(text))
                    .map(|(path, _)| path.clone())
                    .unwrap_or_default();
                return Err(format!("a second run writes another {path}"));
            }
            Ok(Some(generated))
        }
    }
}

#[test]
fn broken_and_odd_documents_end_in_a_crate_or_diagnostics() {
    let seeds = seeds();
    let cases = env_number("GENERATE_FUZZ_CASES").unwrap_or(1_000);
    let seed = env_number("GENERATE_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let first = env_number("GENERATE_FUZZ_FIRST_CASE").unwrap_or(0);
    let compile = env_number("GENERATE_FUZZ_COMPILE").unwrap_or(200);
    let mut failures = Vec::new();
    let (mut generated_count, mut refused) = (0u64, 0u64);
    let mut crates: Vec<(Generated, String)> = Vec::new();
    for index in first..first + cases {
        let mut rng = Rng::new(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // Compiled crates need names of their own; the others are named from
        // their (mutated) titles.
        let compiled = index < first + compile;
        let case = case(&seeds, &mut rng, compiled.then(|| format!("fuzz-{index}")));
        let outcome = std::panic::catch_unwind(|| {
            asyncapi_codegen::generate_from_text(&case.text, "fuzz.json", &case.options)
        });
        match judge(&case, outcome) {
            Ok(Some(generated)) => {
                generated_count += 1;
                if compiled {
                    crates.push((generated, case.text));
                }
            }
            Ok(None) => refused += 1,
            Err(problem) => {
                failures.push(format!(
                    "case {index} (GENERATE_FUZZ_SEED={seed} GENERATE_FUZZ_FIRST_CASE={index} GENERATE_FUZZ_CASES=1, from {}): {problem}",
                    case.seed
                ));
                if failures.len() == 1 {
                    let dump = workspace_root().join("target/fuzz-generate-failure.json");
                    let _ = std::fs::write(&dump, &case.text);
                }
            }
        }
    }
    let summary = format!(
        "fuzz_generate: {cases} documents (seed {seed}): {generated_count} generated, {refused} refused with diagnostics, {} wrong\n",
        failures.len()
    );
    std::io::stdout().write_all(summary.as_bytes()).expect("stdout is writable");
    assert!(
        failures.is_empty(),
        "{} cases went wrong; the first document is in target/fuzz-generate-failure.json:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if !crates.is_empty() {
        compile_all(&crates);
        let summary = format!("fuzz_generate: {} generated crates pass clippy -D warnings\n", crates.len());
        std::io::stdout().write_all(summary.as_bytes()).expect("stdout is writable");
    }
}

/// Writes the crates, each with the document it came from (`fuzz.json`), into
/// one workspace and runs clippy over it.
fn compile_all(crates: &[(Generated, String)]) {
    let root = workspace_root();
    let dir = root.join("target/e2e/fuzz-generate");
    let _ = std::fs::remove_dir_all(&dir);
    let mut members = Vec::new();
    for (generated, document) in crates {
        let name = &generated.crate_name;
        asyncapi_codegen::write::write(&dir.join(name), &generated.files).expect("the crate can be written");
        std::fs::write(dir.join(name).join("fuzz.json"), document).expect("the document can be written");
        members.push(format!("\"{name}\""));
    }
    let manifest = format!(
        // The corpus workspace's profile, so that both share compiled dependencies.
        "# Written by tests/fuzz_generate.rs.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev.package.\"*\"]\nopt-level = 1\ndebug = false\n\n[profile.dev]\ndebug = \"line-tables-only\"\n",
        members.join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("the workspace manifest can be written");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock can be copied");
    let status = Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--quiet",
            "--keep-going",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target/e2e/target"))
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "clippy failed on fuzzed crates in {}", dir.display());
}
