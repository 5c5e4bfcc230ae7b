//! The official JSON Schema Test Suite (draft-07, vendored in
//! `tests/json-schema-test-suite`) through the generator: every schema of the
//! suite becomes a message, and every test instance must get the suite's
//! verdict from the generated crate, both from the raw validator
//! (`Message::validate_json`) and from the typed parse (`Event::parse`, the
//! path a delivery takes). Strict mode throughout.
//!
//! Each schema is wrapped in an envelope, `{"case": "<name>", "data":
//! <instance>}`, whose `case` is a `const`: the generated `Event::parse`
//! routes each body to its schema's message, as it routes real deliveries.
//! The schema itself sits in `components/schemas/<name>`, its local `$ref`s
//! rewritten to point there.
//!
//! The crate must also pass clippy, and every schema goes through the
//! differential harness (`asyncapi_tests::differential`): `SUITE_BODIES`
//! generated bodies and mutations (default 1,000) judged by the raw validator
//! and the reference, which must agree on verdicts and pointers.
//!
//! Each exception is listed with its reason: schemas the generator refuses
//! ([`REFUSED`]), schemas some of whose instances we judge otherwise
//! ([`DIFFERENCES`]: formats we do not check), and schemas with valid
//! instances that the Rust types cannot hold, which the typed parse refuses
//! with a `representable` violation ([`UNREPRESENTABLE`]). Every list is
//! checked to be exact (an entry that no longer applies fails the test too),
//! so none can hide a regression or go stale.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use asyncapi_codegen::diagnostic::Severity;
use asyncapi_codegen::ir::schema::Member;
use asyncapi_codegen::{Options, Runtime};
use asyncapi_rt::format::Format;
use asyncapi_tests::e2e::{Workspace, workspace_root};
use serde_json::{Map, Value, json};

/// The suite's files this test runs, under `tests/json-schema-test-suite/draft7`.
fn suite_files() -> Vec<PathBuf> {
    let root = workspace_root().join("tests/json-schema-test-suite/draft7");
    let mut files = Vec::new();
    collect_json_files(&root, &mut files);
    files.sort();
    files
}

fn collect_json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the suite's folder is readable") {
        let path = entry.expect("a readable entry").path();
        if path.is_dir() {
            collect_json_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

/// One schema of the suite and its test instances.
struct Group {
    /// The message's name: the file's path under `draft7` (dots for slashes)
    /// and the group's index, `optional.format.date-time.0`.
    name: String,
    description: String,
    schema: Value,
    tests: Vec<Instance>,
}

struct Instance {
    description: String,
    data: Value,
    valid: bool,
}

fn groups() -> Vec<Group> {
    let root = workspace_root().join("tests/json-schema-test-suite/draft7");
    let mut groups = Vec::new();
    for path in suite_files() {
        let relative = path.strip_prefix(&root).expect("a suite file is under its root");
        let stem = relative.with_extension("").to_string_lossy().replace(['/', '\\'], ".");
        let text = std::fs::read_to_string(&path).expect("a suite file is readable");
        let file: Vec<Value> = serde_json::from_str(&text).expect("a suite file is a JSON array");
        for (index, group) in file.into_iter().enumerate() {
            let text = |key: &str| group[key].as_str().expect("a suite group's text").to_owned();
            let tests = group["tests"]
                .as_array()
                .expect("a suite group's tests")
                .iter()
                .map(|test| Instance {
                    description: test["description"].as_str().expect("a test's description").to_owned(),
                    data: test["data"].clone(),
                    valid: test["valid"].as_bool().expect("a test's verdict"),
                })
                .collect();
            groups.push(Group {
                name: format!("{stem}.{index}"),
                description: text("description"),
                schema: group["schema"].clone(),
                tests,
            });
        }
    }
    groups
}

/// `schema`, moved to `#/components/schemas/<name>`: its document-local
/// `$ref`s (`#...`) are rewritten to point into its new place. Only members
/// that hold schemas are walked ([`Member::of`], as the generator reads
/// them): an `enum` value that looks like a `$ref` is data.
fn relocate(schema: &Value, name: &str) -> Value {
    let Value::Object(object) = schema else { return schema.clone() };
    let mut moved = Map::new();
    for (key, value) in object {
        let value = match (key.as_str(), Member::of(key), value) {
            // A JSON pointer into the document; `#foo` (a plain name) is left alone.
            ("$ref", _, Value::String(target)) if target == "#" || target.starts_with("#/") => {
                Value::String(format!("#/components/schemas/{name}{}", &target[1..]))
            }
            (_, Member::Schemas, Value::Array(items)) => {
                Value::Array(items.iter().map(|item| relocate(item, name)).collect())
            }
            (_, Member::Schemas, _) => relocate(value, name),
            (_, Member::NamedSchemas, Value::Object(members)) => Value::Object(
                members.iter().map(|(member, value)| (member.clone(), relocate(value, name))).collect(),
            ),
            _ => value.clone(),
        };
        moved.insert(key.clone(), value);
    }
    Value::Object(moved)
}

/// An AsyncAPI document receiving one message per group, on one channel.
fn document(groups: &[&Group]) -> Value {
    let mut messages = Map::new();
    let mut schemas = Map::new();
    for group in groups {
        let name = &group.name;
        messages.insert(
            name.clone(),
            json!({
                "name": name,
                "summary": group.description,
                "payload": {
                    "type": "object",
                    "required": ["case", "data"],
                    "properties": {
                        "case": {"const": name},
                        "data": {"$ref": format!("#/components/schemas/{name}")},
                    },
                },
            }),
        );
        schemas.insert(name.clone(), relocate(&group.schema, name));
    }
    let references: Vec<Value> =
        groups.iter().map(|group| json!({"$ref": format!("#/components/messages/{}", group.name)})).collect();
    json!({
        "asyncapi": "2.6.0",
        "info": {"title": "JSON Schema Test Suite", "version": "draft-07"},
        "channels": {"suite": {"subscribe": {"message": {"oneOf": references}}}},
        "components": {"messages": messages, "schemas": schemas},
    })
}

/// Whether `schema` (a schema, or anything inside one) names a format the
/// generated validators do not check.
fn uses_unchecked_format(schema: &Value) -> bool {
    match schema {
        Value::Object(members) => members.iter().any(|(key, value)| match (key.as_str(), value) {
            ("format", Value::String(name)) => !Format::ALL.iter().any(|format| format.name() == name),
            _ => uses_unchecked_format(value),
        }),
        Value::Array(items) => items.iter().any(uses_unchecked_format),
        _ => false,
    }
}

fn options() -> Options {
    let mut options = Options::new("suite.json");
    options.crate_name = Some("json-schema-suite".to_owned());
    options.runtime = Runtime::Path(asyncapi_tests::e2e::RUNTIME_PATH.to_owned());
    options
}

/// Why a schema that only a base URI (`$id`) explains is refused.
const ID_BASE: &str = "a `$ref` that only its `$id` base explains: AsyncAPI tools resolve `$ref`s against the \
     document, so the generator says where it ignores the `$id` rather than guess";
/// Why a schema naming a document on the network is refused.
const NETWORK: &str = "a `$ref` to a document on the network: the generator reads files, never URLs";

/// Schemas the generator refuses (with a located error), by group name, and why.
const REFUSED: &[(&str, &str)] = &[
    ("definitions.0", "a `$ref` to the draft-07 meta-schema by its URL: not bundled, and never fetched"),
    ("ref.7", "a `$ref` to the draft-07 meta-schema by its URL: not bundled, and never fetched"),
    ("optional.id.0", ID_BASE),
    ("optional.unknownKeyword.0", ID_BASE),
    ("optional.cross-draft.0", NETWORK),
    ("ref.14", "a `$ref` to a plain-name fragment (`#foo`) set by `$id`: only JSON pointers are resolved"),
    ("ref.6", ID_BASE),
    ("ref.12", ID_BASE),
    ("ref.15", ID_BASE),
    ("ref.16", ID_BASE),
    ("ref.18", ID_BASE),
    ("ref.19", ID_BASE),
    ("ref.20", ID_BASE),
    ("ref.21", ID_BASE),
    ("ref.26", ID_BASE),
    ("ref.27", ID_BASE),
    ("ref.31", ID_BASE),
    ("refRemote.3", ID_BASE),
    ("refRemote.4", ID_BASE),
    ("refRemote.5", ID_BASE),
    ("refRemote.6", ID_BASE),
    ("refRemote.7", ID_BASE),
    ("refRemote.9", ID_BASE),
    ("ref.28", NETWORK),
    ("ref.29", NETWORK),
    ("ref.30", NETWORK),
    ("refRemote.0", NETWORK),
    ("refRemote.1", NETWORK),
    ("refRemote.2", NETWORK),
    ("refRemote.8", NETWORK),
    ("refRemote.10", NETWORK),
];

/// Groups some of whose instances we judge otherwise than the suite, and
/// why: each must still differ somewhere (else it is stale), and only where
/// the reason says (the raw validator and the typed parse alike). None today:
/// the last ones were `idn-email` and `idn-hostname`, before they were checked.
const DIFFERENCES: &[(&str, &str)] = &[];

/// Groups with valid instances that the typed parse refuses, with a
/// `representable` violation (the raw validator accepts them, as the suite
/// does), grouped by why; each violation's message must say that why.
const UNREPRESENTABLE: &[Unrepresentable] = &[
    Unrepresentable {
        reason: "a schema without `type` is typed by the one kind of value its keywords are about (an object, \
         an array, a string, a number); a value of another kind, which those keywords let through, \
         does not fit that Rust type",
        says_it: another_kind,
        groups: &[
            "additionalItems.4",
            "additionalProperties.0",
            "contains.0",
            "contains.3",
            "dependencies.0",
            "dependencies.1",
            "exclusiveMaximum.0",
            "exclusiveMinimum.0",
            "format.0",
            "format.1",
            "format.2",
            "format.3",
            "format.4",
            "format.5",
            "format.6",
            "format.7",
            "format.8",
            "format.9",
            "format.10",
            "format.11",
            "format.16",
            "format.12",
            "format.13",
            "format.14",
            "format.15",
            "items.0",
            "items.1",
            "maxItems.0",
            "maxLength.0",
            "maxProperties.0",
            "maximum.0",
            "minItems.0",
            "minLength.0",
            "minProperties.0",
            "minimum.0",
            "minimum.1",
            "multipleOf.0",
            "optional.content.0",
            "optional.content.1",
            "optional.content.2",
            "optional.format.date-time.0",
            "optional.format.date.0",
            "optional.format.email.0",
            "optional.format.idn-email.0",
            "optional.format.idn-hostname.0",
            "optional.format.hostname.0",
            "optional.format.ipv4.0",
            "optional.format.ipv6.0",
            "optional.format.iri-reference.0",
            "optional.format.iri.0",
            "optional.format.json-pointer.0",
            "optional.format.relative-json-pointer.0",
            "optional.format.uri-template.0",
            "optional.format.regex.0",
            "optional.format.time.0",
            "optional.format.uri-reference.0",
            "optional.format.uri.0",
            "pattern.0",
            "patternProperties.0",
            "properties.0",
            "properties.5",
            "propertyNames.0",
            "ref.0",
            "required.0",
            "required.4",
        ],
    },
    Unrepresentable {
        reason: "an integer beyond 64 bits (`1e308`) is an integer to JSON Schema, and no `i64` holds it",
        says_it: a_float_for_an_integer,
        groups: &["optional.bignum.0", "optional.float-overflow.0"],
    },
    Unrepresentable {
        reason: "a whole float from 2^53 on (`9007199254740992.0`) may not be the integer that was written \
         (`9007199254740993.0` reads the same): an integer field refuses it rather than guess",
        says_it: a_float_for_an_integer,
        groups: &["const.13"],
    },
];

/// Groups whose valid instances the typed parse refuses, and why.
struct Unrepresentable {
    reason: &'static str,
    /// Whether a violation's message says that reason.
    says_it: fn(&str) -> bool,
    groups: &'static [&'static str],
}

/// serde's word for a value of a kind the Rust type does not hold.
fn another_kind(message: &str) -> bool {
    message.contains("invalid type:") && !a_float_for_an_integer(message)
}

/// serde's word for a float where an integer field is.
fn a_float_for_an_integer(message: &str) -> bool {
    message.contains("invalid type: floating point") && message.contains("expected i64")
}

/// What the generated crate said of one instance (written by the runner).
#[derive(serde::Deserialize)]
struct Outcome {
    name: String,
    description: String,
    /// `Message::validate_json` accepted it.
    raw: bool,
    /// What `Event::parse` made of it: `valid`, `invalid`, or
    /// `unrepresentable` (refused only because the Rust types cannot hold it).
    typed: String,
    /// Why it is unrepresentable.
    unrepresentable: Vec<String>,
    /// Anything wrong besides the verdicts: a violation outside `/data`, a
    /// body routed to another message.
    problems: Vec<String>,
}

#[test]
fn the_generated_crate_gives_the_suites_verdicts() {
    let groups = groups();
    let (accepted, refused) = generate_each(&groups);
    let mut failures = Vec::new();
    for (name, why) in &refused {
        if !REFUSED.iter().any(|(listed, _)| listed == name) {
            failures.push(format!("{name} is refused, and not listed in REFUSED: {why}"));
        }
    }
    for (name, _) in REFUSED {
        if !refused.contains_key(name) {
            failures.push(format!("{name} is listed in REFUSED, but generates"));
        }
    }
    let outcomes = judge_with_the_generated_crate(&accepted);
    let tally = Tally::of(&accepted, &outcomes, &mut failures);
    let summary = format!(
        "json_schema_suite: {} schemas, {} generated ({} refused), {} instances judged by the raw \
         validator and the typed parse: {} valid ones the Rust types cannot hold (in {} schemas), \
         {} judged otherwise (in {} schemas whose format is not checked)\n",
        groups.len(),
        accepted.len(),
        refused.len(),
        outcomes.len(),
        tally.unrepresentable,
        tally.unrepresentable_groups.len(),
        tally.differing,
        tally.differing_groups.len(),
    );
    std::io::stdout().write_all(summary.as_bytes()).expect("stdout is writable");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Generates each group's document alone: the groups that generate, and the
/// first error of each refused one (a refusal must not hide the others).
fn generate_each(groups: &[Group]) -> (Vec<&Group>, BTreeMap<&str, String>) {
    let (mut accepted, mut refused) = (Vec::new(), BTreeMap::new());
    for group in groups {
        let text = document(&[group]).to_string();
        match asyncapi_codegen::generate_from_text(&text, "suite.json", &options()) {
            Ok(_) => accepted.push(group),
            Err(diagnostics) => {
                let first = diagnostics.iter().find(|d| d.severity == Severity::Error);
                refused.insert(group.name.as_str(), first.map(|d| d.message.clone()).unwrap_or_default());
            }
        }
    }
    (accepted, refused)
}

/// Generates one crate from every accepted group, checks it with clippy,
/// and has its runner judge every instance.
fn judge_with_the_generated_crate(accepted: &[&Group]) -> Vec<Outcome> {
    let text = document(accepted).to_string();
    let generated =
        asyncapi_codegen::generate_from_text(&text, "suite.json", &options()).unwrap_or_else(|diagnostics| {
            panic!("the suite's accepted schemas do not generate together:\n{diagnostics}")
        });
    let workspace = Workspace::create("json-schema-suite");
    let crate_name = generated.crate_name.clone();
    asyncapi_codegen::write::write(&workspace.dir().join(&crate_name), &generated.files)
        .expect("the crate can be written");
    let cases: BTreeMap<&str, Vec<(&str, &Value)>> = accepted
        .iter()
        .map(|group| {
            let tests = group.tests.iter().map(|test| (test.description.as_str(), &test.data)).collect();
            (group.name.as_str(), tests)
        })
        .collect();
    let cases = serde_json::to_string(&cases).expect("the cases serialize");
    std::fs::write(workspace.dir().join("cases.json"), cases).expect("the cases can be written");
    let unchecked: Vec<&str> = accepted
        .iter()
        .filter(|group| uses_unchecked_format(&group.schema))
        .map(|group| group.name.as_str())
        .collect();
    let unchecked = serde_json::to_string(&unchecked).expect("the names serialize");
    std::fs::write(workspace.dir().join("unchecked.json"), unchecked).expect("the names can be written");
    let without_valid: Vec<String> = accepted
        .iter()
        .filter(|group| !group.tests.iter().any(|test| test.valid))
        .map(|group| format!("{}/{}", crate_name.replace('-', "_"), group.name))
        .collect();
    let without_valid = serde_json::to_string(&without_valid).expect("the names serialize");
    std::fs::write(workspace.dir().join("without_valid.json"), without_valid)
        .expect("the names can be written");
    workspace.write_manifest(&[crate_name.clone(), "runner".to_owned()]);
    workspace.write_runner("suite-runner", std::slice::from_ref(&crate_name), RUNNER_TEST);
    // Whatever the schemas, the generated crate is clippy clean.
    workspace.clippy("suite-runner", &[]);
    workspace.cargo(&["test", "--quiet", "-p", "suite-runner", "--", "--nocapture"], &[]);
    let results =
        std::fs::read_to_string(workspace.dir().join("results.json")).expect("the runner wrote results");
    let outcomes: Vec<Outcome> = serde_json::from_str(&results).expect("the results are JSON");
    let instances: usize = accepted.iter().map(|group| group.tests.len()).sum();
    assert_eq!(outcomes.len(), instances, "the runner judged every instance once");
    outcomes
}

/// The outcomes against the suite's verdicts and our lists.
#[derive(Default)]
struct Tally<'a> {
    /// Valid instances the typed parse cannot hold (and why, by group).
    unrepresentable: usize,
    unrepresentable_groups: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// Instances judged otherwise than the suite (as `DIFFERENCES` allows).
    differing: usize,
    differing_groups: BTreeSet<&'a str>,
}

impl<'a> Tally<'a> {
    /// Tallies `outcomes`, adding every outcome no list explains, and every
    /// list entry that explains nothing, to `failures`.
    fn of(accepted: &[&'a Group], outcomes: &'a [Outcome], failures: &mut Vec<String>) -> Self {
        let expected: BTreeMap<(&str, &str), bool> = accepted
            .iter()
            .flat_map(|group| {
                group.tests.iter().map(|test| ((group.name.as_str(), test.description.as_str()), test.valid))
            })
            .collect();
        let mut tally = Tally::default();
        for outcome in outcomes {
            let (name, description) = (outcome.name.as_str(), outcome.description.as_str());
            let valid = expected[&(name, description)];
            failures
                .extend(outcome.problems.iter().map(|problem| format!("{name}: {description}: {problem}")));
            let typed_agrees = match outcome.typed.as_str() {
                "valid" => valid,
                "invalid" => !valid,
                _ => {
                    tally.unrepresentable += 1;
                    if outcome.unrepresentable.is_empty() {
                        failures
                            .push(format!("{name}: {description}: refused, with no violation to say why"));
                    }
                    let why = outcome.unrepresentable.iter().map(String::as_str);
                    tally.unrepresentable_groups.entry(name).or_default().extend(why);
                    valid
                }
            };
            if outcome.raw == valid && typed_agrees {
                continue;
            }
            tally.differing += 1;
            tally.differing_groups.insert(name);
            // A format we do not check lets every string through, in both paths.
            let explained = DIFFERENCES.iter().any(|(listed, _)| *listed == name)
                && !valid
                && outcome.raw
                && outcome.typed == "valid";
            if !explained {
                failures.push(format!(
                    "{name}: {description}: the suite says {}, the raw validator {}, the typed parse {}",
                    verdict(valid),
                    verdict(outcome.raw),
                    outcome.typed
                ));
            }
        }
        for (name, _) in DIFFERENCES {
            if !tally.differing_groups.contains(name) {
                failures.push(format!("{name} is listed in DIFFERENCES, but we agree with the suite on it"));
            }
        }
        for (name, why) in &tally.unrepresentable_groups {
            let Some(entry) = UNREPRESENTABLE.iter().find(|entry| entry.groups.contains(name)) else {
                failures.push(format!("{name} has valid instances the typed parse cannot hold: {why:?}"));
                continue;
            };
            for message in why.iter().filter(|message| !(entry.says_it)(message)) {
                failures.push(format!("{name}: `{message}` is not why it is listed ({})", entry.reason));
            }
        }
        let listed: BTreeSet<&str> =
            UNREPRESENTABLE.iter().flat_map(|entry| entry.groups.iter().copied()).collect();
        for name in listed {
            if !tally.unrepresentable_groups.contains_key(name) {
                failures
                    .push(format!("{name} is listed in UNREPRESENTABLE, but the typed parse holds it all"));
            }
        }
        tally
    }
}

fn verdict(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

/// The runner's test: judges every instance of `cases.json` with the
/// generated crate, and writes `results.json`.
const RUNNER_TEST: &str = r#"//! Written by tests/json_schema_suite.rs.

use asyncapi_rt::message::Mode;
use asyncapi_rt::violation::Keyword;
use json_schema_suite::{Event, Message};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn judge_every_instance() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let text = std::fs::read_to_string(format!("{dir}/cases.json")).expect("the cases are readable");
    let cases: BTreeMap<String, Vec<(String, Value)>> = serde_json::from_str(&text).expect("the cases parse");
    let mut outcomes = Vec::new();
    for (name, tests) in &cases {
        let message = Message::from_name(name).expect("every case names a message");
        for (description, data) in tests {
            let body = json!({"case": name, "data": data});
            let mut problems = Vec::new();
            let raw = message.validate_json(&body, Mode::Strict);
            let typed = Event::parse(body.to_string().as_bytes(), Mode::Strict);
            if let Err(violations) = &raw {
                problems.extend(
                    violations.iter().filter(|v| !v.pointer.starts_with("/data")).map(|v| format!("raw: {v}")),
                );
            }
            // The typed parse's verdict: `valid`, `invalid`, or, for a body the
            // Rust types cannot hold, `unrepresentable` and why.
            let (typed, unrepresentable) = match &typed {
                Ok(event) => {
                    if event.message() != message {
                        problems.push(format!("routed to {}", event.message().name()));
                    }
                    ("valid", Vec::new())
                }
                Err(rejection) if rejection.message.as_deref() != Some(name.as_str()) => {
                    problems.push(format!("rejected as another message's: {rejection}"));
                    ("invalid", Vec::new())
                }
                Err(rejection) => {
                    let (held, others): (Vec<_>, Vec<_>) =
                        rejection.violations.iter().partition(|v| v.keyword == Keyword::Representable);
                    let raw_pointers: BTreeSet<&str> =
                        raw.as_ref().err().into_iter().flatten().map(|v| v.pointer.as_str()).collect();
                    let typed_pointers: BTreeSet<&str> = others.iter().map(|v| v.pointer.as_str()).collect();
                    if typed_pointers != raw_pointers {
                        problems.push(format!(
                            "the typed parse reports {typed_pointers:?}, the raw validator {raw_pointers:?}"
                        ));
                    }
                    if others.is_empty() {
                        ("unrepresentable", held.iter().map(|v| v.message.clone()).collect())
                    } else {
                        ("invalid", Vec::new())
                    }
                }
            };
            outcomes.push(json!({
                "name": name,
                "description": description,
                "raw": raw.is_ok(),
                "typed": typed,
                "unrepresentable": unrepresentable,
                "problems": problems,
            }));
        }
    }
    std::fs::write(format!("{dir}/results.json"), Value::Array(outcomes).to_string())
        .expect("the results can be written");
}

/// The differential harness on every schema of the suite (but those using a
/// format we do not check, where the reference is stricter by design):
/// generated bodies and their mutations, against the reference validator.
#[test]
fn generated_bodies_agree_with_the_reference() {
    use asyncapi_tests::differential::{self, Config, NoValidBody};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let text = std::fs::read_to_string(format!("{dir}/unchecked.json")).expect("the names are readable");
    let unchecked: BTreeSet<String> = serde_json::from_str(&text).expect("the names parse");
    let cases = std::env::var("SUITE_BODIES").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    let subjects = asyncapi_tests::subjects!(json_schema_suite)
        .into_iter()
        .filter(|(name, _, _)| !unchecked.contains(name.trim_start_matches("json_schema_suite/")))
        .collect();
    // A group none of whose instances is valid may accept nothing: its runs may see no valid body.
    let text = std::fs::read_to_string(format!("{dir}/without_valid.json")).expect("the names are readable");
    let no_valid_body = NoValidBody::Also(serde_json::from_str(&text).expect("the names parse"));
    let (summary, unclean) = differential::run_all(subjects, &Config { cases, no_valid_body, ..Config::default() });
    println!("json_schema_suite: {summary} ({} schemas with unchecked formats left out)", unchecked.len());
    let failures: Vec<String> = unclean.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
"#;
