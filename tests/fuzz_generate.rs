//! Fuzzes the generator with broken and odd documents: every seed document (the
//! official 2.6.0 examples, GoToWebinar's, ours) is mutated (see
//! `asyncapi_tests::document_mutations`) and run through the whole
//! pipeline. Whatever the document, the generator must end with either
//!
//! - diagnostics: at least one error, each located, none an internal error; or
//! - a crate: every Rust file parses, and generating again gives the same
//!   files (the drift check relies on it).
//!
//! It must never panic. The crates of the first `GENERATE_FUZZ_COMPILE` cases
//! (default 200) are also written into one workspace, checked by clippy with
//! `-D warnings` (a generated crate must compile cleanly whatever the
//! document), and their validators diffed against the reference on
//! `GENERATE_FUZZ_BODIES` bodies per message (default 300), as the corpus'
//! are. `GENERATE_FUZZ_CASES` (default 1,000) sets the number of documents,
//! `GENERATE_FUZZ_SEED` the seed and `GENERATE_FUZZ_FIRST_CASE` the first
//! case run (to replay one).

use std::io::Write;
use std::path::PathBuf;

use asyncapi_codegen::diagnostic::{Diagnostics, Severity};
use asyncapi_codegen::{Generated, Options, Runtime};
use asyncapi_tests::document_mutations::{self, NAMES};
use asyncapi_tests::e2e::{self, RUNTIME_PATH, Workspace, workspace_root};
use asyncapi_tests::rng::Rng;
use serde_json::Value;

const DEFAULT_SEED: u64 = 0x6765_6e65_7261_7465;

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

/// One case: a mutated seed, its text, and the options it runs with.
struct Case {
    seed: String,
    text: String,
    options: Options,
}

fn case(seeds: &[(String, Value)], rng: &mut Rng, crate_name: Option<String>) -> Case {
    let (seed, original) = rng.pick(seeds).expect("seed documents");
    let document = document_mutations::mutate(original, rng);
    let text = if rng.chance(0.5) {
        serde_json::to_string_pretty(&document)
    } else {
        serde_json::to_string(&document)
    }
    .expect("a Value serializes");
    let mut options = Options::new("fuzz.json");
    options.crate_name = crate_name;
    options.runtime = Runtime::Path(RUNTIME_PATH.to_owned());
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
    // Both ends of the mutations must be reached, or the run tested little.
    if cases >= 100 {
        assert!(generated_count * 10 >= cases && refused * 10 >= cases, "{summary}");
    }
    if compile > 0 && cases > 0 {
        assert!(!crates.is_empty(), "no generated crate to compile: {summary}");
    }
    if !crates.is_empty() {
        check_crates(&crates);
        let summary = format!(
            "fuzz_generate: {} generated crates pass clippy -D warnings and the differential\n",
            crates.len()
        );
        std::io::stdout().write_all(summary.as_bytes()).expect("stdout is writable");
    }
}

/// Writes the crates, each with the document it came from (`fuzz.json`),
/// into one workspace; runs clippy over them, then the differential harness
/// over every message (`GENERATE_FUZZ_BODIES` bodies each, default 300).
fn check_crates(crates: &[(Generated, String)]) {
    let workspace = Workspace::create("fuzz-generate");
    let mut members = Vec::new();
    for (generated, document) in crates {
        let dir = workspace.dir().join(&generated.crate_name);
        asyncapi_codegen::write::write(&dir, &generated.files).expect("the crate can be written");
        std::fs::write(dir.join("fuzz.json"), document).expect("the document can be written");
        members.push(generated.crate_name.clone());
    }
    workspace.write_manifest(&[members.clone(), vec!["runner".to_owned()]].concat());
    workspace.write_runner(
        "fuzz-runner",
        &members,
        &RUNNER_TEST.replace("CRATES", &e2e::crate_idents(&members)),
    );
    workspace.clippy("fuzz-runner", &["--keep-going"]);
    workspace.cargo(&["test", "--quiet", "-p", "fuzz-runner", "--", "--nocapture"], &[]);
}

/// The runner's test; `CRATES` becomes the list of fuzzed crates.
const RUNNER_TEST: &str = r#"//! Written by tests/fuzz_generate.rs: every message of every fuzzed crate
//! against the reference validator.

use asyncapi_tests::differential::{self, Config, NoValidBody};

#[test]
fn fuzzed_validators_agree_with_the_reference() {
    let cases = std::env::var("GENERATE_FUZZ_BODIES").ok().and_then(|n| n.parse().ok()).unwrap_or(300);
    // Mutated schemas may accept nothing (a `false`, bounds that cross).
    let config = Config { cases, no_valid_body: NoValidBody::Any, ..Config::default() };
    let (summary, unclean) = differential::run_all(asyncapi_tests::subjects!(CRATES), &config);
    // The generator accepts ECMA-262 patterns (as `regress` reads them); the
    // reference's regex dialect lacks some (named back-references): it cannot
    // judge those messages, which says nothing of ours.
    let (unjudged, failures): (Vec<_>, Vec<_>) = unclean.iter().partition(|report| {
        report.mismatches.is_empty()
            && report.failure.as_deref().is_some_and(|failure| failure.contains("is not a \"regex\""))
    });
    println!("fuzz_generate: {summary}; {} messages with patterns the reference cannot read", unjudged.len());
    let failures: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
"#;
