//! Every official AsyncAPI 2.6.0 example (vendored in `tests/corpus/asyncapi-2.6/examples`,
//! the five `social-media` documents included) and our own test documents
//! (`tests/documents`) become crates that compile without warnings, pass
//! clippy, and pass their generated tests (every message example parses,
//! validates and writes back to an equal JSON value).
//!
//! All crates go into one workspace under `target/e2e/corpus`, so that their
//! dependencies compile once; its build output stays in `target/e2e/target`
//! between runs.
//!
//! Then the third-party documents vendored in `tests/corpus/third-party` (the
//! test fixtures and examples of AsyncAPI's own tools, see its README): each
//! generates and passes the same checks, except those listed in
//! [`THIRD_PARTY_REFUSED`], which must be refused with the error listed.
//!
//! `CORPUS_EXTRA` (folders or files, separated by `:`) adds documents found
//! elsewhere, searched recursively for `asyncapi: 2.x` files. They go through
//! the same checks when they generate; the ones the generator refuses are
//! listed with their first error, since third-party documents are often
//! invalid or ambiguous.

use std::io::Write;
use std::path::{Path, PathBuf};

use asyncapi_codegen::{Options, Runtime};
use asyncapi_tests::e2e::{self, Workspace, workspace_root};

/// A document to generate, and why it needs any non-default option.
struct Document {
    path: PathBuf,
    name: String,
    /// Why the document needs `--allow-ambiguous-routing`, when it does.
    ambiguous: Option<&'static str>,
    /// `--lenient-numeric-strings` patterns (GoToWebinar's, as `cargo xtask codegen` uses them).
    lenient: &'static [&'static str],
    /// Whether the generator must accept it.
    expected: Expected,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expected {
    Generates,
    /// Refused, with an error whose message starts with this text.
    Refused(&'static str),
    /// From `CORPUS_EXTRA`: refusals are listed, not failures.
    Unknown,
}

const LENIENT: [(&str, &[&str]); 1] = [("gotowebinar-webhooks", &["*Key"])];

fn corpus_dir() -> PathBuf {
    workspace_root().join("tests/corpus/asyncapi-2.6/examples")
}

/// Documents two of whose received messages cannot be told apart, and why.
const AMBIGUOUS: [(&str, &str); 2] = [
    (
        "slack-rtm",
        "botAdded and botChanged have identical payloads, both `type: bot_added` (an upstream slip)",
    ),
    ("oneof", "test2's two anonymous messages have no property with a fixed value, and any object fits both"),
];

fn third_party_dir() -> PathBuf {
    workspace_root().join("tests/corpus/third-party")
}

/// Third-party documents the generator must refuse (by path under
/// [`third_party_dir`]): the start of the first error, and why it is right.
const THIRD_PARTY_REFUSED: [(&str, &str, &str); 4] = [
    (
        "converter-0.9.0/test/input/2.0.0/streetlights.json",
        "not valid AsyncAPI 2.6: unknown field `name`",
        "a converter input: its parameters carry a `name`, which 2.x Parameter Objects do not have",
    ),
    (
        "generator-2.5.0/test/docs/apiwithref.json",
        "remote reference `https://schema.example.com/crm/shared.json` is not supported",
        "a `$ref` to the network, to a host that does not exist",
    ),
    (
        "java-spring-template-0.27.0/tests/user_examples/ota_issue_156.yml",
        "parameter `env` is not in the channel name `ic.ix.ota.request.env`",
        "a user's report of a broken document: its channels declare a parameter their names do not use \
         (`request.env`, not `request.{env}`), which AsyncAPI's own linter refuses too",
    ),
    (
        "java-spring-template-1.6.0/tests/user_examples/issue_156.yml",
        "parameter `env` is not in the channel name `request.env`",
        "the same report, later: it also refers to schemas it does not define",
    ),
];

/// Third-party documents two of whose received messages cannot be told apart
/// (by path under [`third_party_dir`]), and why.
const THIRD_PARTY_AMBIGUOUS: [(&str, &str); 2] = [
    (
        "java-spring-cloud-stream-template-0.13.4/test/mocks/animals.yaml",
        "CatMessage and DogMessage share one channel and no property with a fixed value",
    ),
    (
        "java-spring-template-1.6.0/tests/mocks/map-format.yml",
        "success-response and failure-response differ only in what `success` and `meta` hold, and neither is required",
    ),
];

/// The vendored third-party documents, named `third-party-<path>`.
fn third_party_documents() -> Vec<Document> {
    let root = third_party_dir();
    let mut paths = Vec::new();
    collect_asyncapi_files(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let relative =
                path.strip_prefix(&root).expect("under the folder").to_string_lossy().replace('\\', "/");
            let stem = relative.rsplit_once('.').map_or(relative.as_str(), |(stem, _)| stem);
            let name = format!("third-party-{}", slug(stem));
            let expected = THIRD_PARTY_REFUSED
                .iter()
                .find(|(listed, ..)| *listed == relative)
                .map_or(Expected::Generates, |(_, error, _)| Expected::Refused(error));
            let ambiguous =
                THIRD_PARTY_AMBIGUOUS.iter().find(|(listed, _)| *listed == relative).map(|(_, why)| *why);
            Document { path, name, ambiguous, lenient: &[], expected }
        })
        .collect()
}

fn documents() -> Vec<Document> {
    let corpus = corpus_dir();
    assert!(corpus.is_dir(), "the official examples are expected at {}", corpus.display());
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("the corpus folder is readable")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yml"))
        .collect();
    for service in ["backend", "comments-service", "frontend", "notification-service", "public-api"] {
        paths.push(corpus.join("social-media").join(service).join("asyncapi.yaml"));
    }
    paths.push(workspace_root().join("spec/gotowebinar-webhooks.asyncapi.yaml"));
    let ours = workspace_root().join("tests/documents");
    if let Ok(entries) = std::fs::read_dir(&ours) {
        paths.extend(
            entries
                .map(|entry| entry.expect("a readable entry").path())
                .filter(|path| path.to_string_lossy().ends_with(".asyncapi.yaml")),
        );
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = path.to_string_lossy();
            let name = if text.contains("social-media") {
                let service =
                    path.parent().and_then(Path::file_name).map(|s| s.to_string_lossy().into_owned());
                format!("social-media-{}", service.unwrap_or_default())
            } else {
                let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
                file.trim_end_matches(".yml").trim_end_matches(".asyncapi.yaml").to_owned()
            };
            let ambiguous = AMBIGUOUS.iter().find(|(doc, _)| *doc == name).map(|(_, why)| *why);
            let lenient = LENIENT
                .iter()
                .find(|(doc, _)| *doc == name)
                .map(|(_, patterns)| *patterns)
                .unwrap_or_default();
            Document { path, name, ambiguous, lenient, expected: Expected::Generates }
        })
        .collect()
}

/// The documents `CORPUS_EXTRA` names: its files, and the AsyncAPI 2.x files
/// under its folders.
fn extra_documents() -> Vec<Document> {
    let Ok(list) = std::env::var("CORPUS_EXTRA") else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    for root in std::env::split_paths(&list) {
        collect_asyncapi_files(&root, &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .enumerate()
        .map(|(index, path)| {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let name = format!("extra-{index}-{}", slug(&stem));
            Document { name, path, ambiguous: None, lenient: &[], expected: Expected::Unknown }
        })
        .collect()
}

/// `text`'s runs of ASCII letters and digits, lowercased and joined by `-`: a
/// crate name's part.
fn slug(text: &str) -> String {
    let words: Vec<&str> =
        text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.join("-").to_ascii_lowercase()
}

fn collect_asyncapi_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).unwrap_or_else(|e| panic!("CORPUS_EXTRA: {}: {e}", path.display()));
        for entry in entries {
            collect_asyncapi_files(&entry.expect("a readable entry").path(), out);
        }
    } else if std::fs::read_to_string(path).is_ok_and(|text| {
        text.lines().any(|line| {
            let line = line.trim_start_matches('{').trim();
            line.starts_with("asyncapi: 2.")
                || line.starts_with("asyncapi: '2.")
                || line.starts_with("asyncapi: \"2.")
                || line.starts_with("\"asyncapi\": \"2.")
        })
    }) {
        out.push(path.to_owned());
    }
}

/// A crate generated outside any workspace carries its runtime and builds with a
/// plain `cargo build`.
#[test]
fn a_crate_generated_elsewhere_builds_on_its_own() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("gotowebinar-webhooks");
    let mut options = Options::new(workspace_root().join("spec/gotowebinar-webhooks.asyncapi.yaml"));
    options.lenient_numeric_strings = vec!["*Key".to_owned()];
    let generated =
        asyncapi_codegen::generate(&options).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    assert_eq!(generated.crate_name, "go-to-webinar-webhook-events", "named after the document's title");
    asyncapi_codegen::write::write(&out, &generated.files).expect("the crate can be written");
    assert!(out.join("asyncapi-rt/Cargo.toml").is_file(), "the runtime travels with the crate");
    for text in generated.files.values() {
        assert!(
            !text.contains("/work/") && !text.contains(&*workspace_root().to_string_lossy()),
            "no absolute path"
        );
    }
    e2e::cargo(&out, &["build", "--quiet"], &[]);
}

#[test]
fn every_document_generates_a_crate_that_compiles_cleanly_and_passes_its_tests() {
    let workspace = Workspace::create("corpus");
    let mut members = Vec::new();
    let (mut messages, mut types) = (0, 0);
    let extra = extra_documents();
    let extra_count = extra.len();
    let mut refused = Vec::new();
    let third_party = third_party_documents();
    let third_party_count = third_party.len();
    let mut refused_as_listed = Vec::new();
    for document in documents().into_iter().chain(third_party).chain(extra) {
        let mut options = Options::new(&document.path);
        options.crate_name = Some(document.name.clone());
        options.spec_name = Some(format!("{}.yaml", document.name));
        options.runtime = Runtime::Path(e2e::RUNTIME_PATH.to_owned());
        options.allow_ambiguous_routing = document.ambiguous.is_some();
        options.lenient_numeric_strings = document.lenient.iter().map(|p| (*p).to_owned()).collect();
        let generated = match (asyncapi_codegen::generate(&options), document.expected) {
            (Ok(_), Expected::Refused(error)) => {
                panic!("{} is listed as refused ({error}) but generates", document.path.display())
            }
            (Ok(generated), _) => generated,
            (Err(diagnostics), Expected::Refused(error)) => {
                let first = diagnostics.errors().next().map(|e| e.message.as_str()).unwrap_or_default();
                assert!(
                    first.starts_with(error),
                    "{} is refused otherwise than listed:\n{diagnostics}",
                    document.path.display()
                );
                refused_as_listed.push(document.name);
                continue;
            }
            (Err(diagnostics), Expected::Unknown) => {
                let first =
                    diagnostics.errors().next().map(|error| error.message.clone()).unwrap_or_default();
                refused.push(format!("{}: {first}", document.path.display()));
                continue;
            }
            (Err(diagnostics), Expected::Generates) => {
                panic!("{} does not generate:\n{diagnostics}", document.path.display())
            }
        };
        if let Some(reason) = document.ambiguous {
            assert!(
                generated.warnings.iter().any(|w| w.message.contains("cannot be told apart")),
                "{} is listed as ambiguous ({reason}) but no longer is",
                document.name
            );
        }
        let out = workspace.dir().join(&document.name);
        asyncapi_codegen::write::write(&out, &generated.files).expect("the crate can be written");
        messages += generated.stats.messages;
        types += generated.stats.types;
        members.push(document.name);
    }
    workspace.write_manifest(&[members.clone(), vec!["runner".to_owned()]].concat());
    // The runner names these crates: one missing fails its build, never a test quietly.
    let test = RUNNER_TEST
        .replace("CRATES", &e2e::crate_idents(&members))
        .replace("KEYWORDS", "keywords")
        .replace("HEADERS", "headers")
        .replace("CHANNELS", "routed_by_channel")
        .replace("CORRELATED", "correlated")
        .replace("TYPED", "constructs, keywords");
    workspace.write_runner("corpus-runner", &members, &test);

    workspace.clippy("corpus-runner", &[]);
    // Only the integration tests (the message examples, the differential runner):
    // clippy has compiled everything else.
    workspace.cargo(&["test", "--quiet", "--workspace", "--test", "*", "--", "--nocapture"], &[]);
    workspace.cargo(
        &["doc", "--quiet", "--no-deps", "--workspace", "--exclude", "corpus-runner"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    // Written to stdout directly, past the test harness's capture, so that every
    // run's log (CI's included) shows what the corpus covered.
    assert_eq!(refused_as_listed.len(), THIRD_PARTY_REFUSED.len(), "every listed refusal is vendored");
    let mut summary = format!("corpus: {} documents, {messages} messages, {types} types\n", members.len());
    summary.push_str(&format!(
        "third-party: {third_party_count} documents, {} generated, {} refused as listed\n",
        third_party_count - refused_as_listed.len(),
        refused_as_listed.len()
    ));
    if extra_count > 0 {
        summary.push_str(&format!(
            "CORPUS_EXTRA: {extra_count} documents, {} refused by the generator:\n",
            refused.len()
        ));
        for line in &refused {
            summary.push_str(&format!("  {line}\n"));
        }
    }
    std::io::stdout().write_all(summary.as_bytes()).expect("stdout is writable");
}

/// The runner's test; `CRATES` becomes the list of generated crates.
const RUNNER_TEST: &str = r#"//! Written by tests/corpus.rs: every message of every generated crate against
//! the reference validator, the keyword cases, the header cases, and the typed
//! parse of the constructs and keywords crates against the reference.

use asyncapi_rt::message::Mode;
use asyncapi_tests::differential::{self, Config};
use serde_json::Value;

fn cases() -> usize {
    std::env::var("CORPUS_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000)
}

#[test]
fn generated_validators_agree_with_the_reference() {
    let config = Config { cases: cases(), ..Config::default() };
    let (summary, unclean) = differential::run_all(asyncapi_tests::subjects!(CRATES), &config);
    println!("{summary}");
    let failures: Vec<String> = unclean.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

macro_rules! keyword_cases {
    ($krate:ident) => {{
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../../tests/documents/keywords.cases.json");
        let text = std::fs::read_to_string(path).expect("the keyword cases are readable");
        let cases = differential::load_cases(&text).expect("the keyword cases parse");
        let mut failures = Vec::new();
        let mut count = 0;
        for name in cases.keys() {
            assert!(
                $krate::Message::ALL.iter().any(|message| message.name() == name),
                "keyword cases for `{name}`, which names no message: they would never run"
            );
        }
        for message in $krate::Message::ALL {
            let Some(message_cases) = cases.get(message.name()) else { continue };
            count += message_cases.len();
            let check = move |value: &Value| message.validate_json(value, Mode::Strict);
            failures.extend(differential::run_cases(message.name(), message_cases, &check));
            failures.extend(differential::check_cases_against_reference(message.name(), message.schema(), message_cases));
        }
        println!("keyword cases: {count}");
        assert!(count > 0, "no keyword case ran");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }};
}
#[test]
fn keyword_cases_hold() {
    keyword_cases!(KEYWORDS);
}

/// The typed parse (`Event::parse`, a delivery's path) on the same bodies,
/// for the crates whose messages are routed by their names: in strict mode it
/// must accept what the reference accepts, and report the same pointers.
macro_rules! typed_differential {
    ($($krate:ident),*) => {{
        let config = Config { cases: cases(), ..Config::default() };
        let (mut messages, mut bodies, mut unrepresentable) = (0, 0, 0);
        let mut failures: Vec<String> = Vec::new();
        $(
            for message in $krate::Message::ALL {
                if !$krate::Event::NAMES.contains(&message.name()) {
                    continue;
                }
                let validate = move |value: &Value| message.validate_json(value, Mode::Strict);
                let parse = move |body: &[u8], mode: Mode| {
                    let accepts = || {
                        serde_json::from_slice::<Value>(body)
                            .is_ok_and(|value| message.validate_json(&value, mode).is_ok())
                    };
                    let parsed = $krate::Event::parse(body, mode).map(|event| event.name());
                    differential::as_seen_from(message.name(), parsed, accepts)
                };
                let name = format!("{}/{}", stringify!($krate), message.name());
                let report = differential::run_typed(&name, message.schema(), &validate, &parse, &config);
                messages += 1;
                bodies += report.typed;
                unrepresentable += report.unrepresentable.len();
                if !report.is_clean() {
                    failures.push(report.to_string());
                }
            }
        )*
        println!(
            "typed differential: {messages} messages, {bodies} bodies through the typed parse, \
             {unrepresentable} valid ones the Rust types cannot hold"
        );
        assert!(messages > 0, "no message was routed by its name");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }};
}
#[test]
fn typed_parses_agree_with_the_reference() {
    typed_differential!(TYPED);
}

/// Header sets, and the pointers of their violations, for `headers.asyncapi.yaml`.
const HEADER_CASES: &[(&[(&str, &str)], &[&str])] = &[
    (&[("x-count", "7")], &[]),
    (
        &[("x-count", "0"), ("x-ratio", "0.5"), ("x-flag", "true"), ("x-mode", "fast"),
          ("x-sent", "2026-11-27T08:00:00Z"), ("x-name", "short"), ("x-other", "ignored")],
        &[],
    ),
    (&[], &[""]),
    (&[("x-count", "101")], &["/X-Count"]),
    (&[("x-count", "-1")], &["/X-Count"]),
    (&[("x-count", "many")], &["/X-Count"]),
    (&[("x-count", "1.5")], &["/X-Count"]),
    (&[("x-count", "7"), ("x-ratio", "1")], &["/X-Ratio"]),
    (&[("x-count", "7"), ("x-ratio", "low")], &["/X-Ratio"]),
    (&[("x-count", "7"), ("x-flag", "yes")], &["/X-Flag"]),
    (&[("x-count", "7"), ("x-mode", "medium")], &["/X-Mode"]),
    (&[("x-count", "7"), ("x-sent", "yesterday")], &["/X-Sent"]),
    (&[("x-count", "7"), ("x-name", "too long")], &["/X-Name"]),
    (&[("x-count", "101"), ("x-mode", "medium"), ("x-name", "too long")], &["/X-Count", "/X-Mode", "/X-Name"]),
];

macro_rules! header_cases {
    ($krate:ident) => {{
        use asyncapi_rt::dispatch::{Delivery, Inbound};
        use asyncapi_rt::http::{HeaderMap, HeaderName, HeaderValue};
        let mut failures = Vec::new();
        for mode in [Mode::Lenient, Mode::Strict] {
            for (pairs, expected) in HEADER_CASES {
                let mut headers = HeaderMap::new();
                for (name, value) in *pairs {
                    headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
                }
                let delivery = Delivery::new(headers, &b"{\"value\": 1}"[..]);
                let mut found: Vec<String> = match <$krate::Event as Inbound>::parse(&delivery, mode) {
                    Ok(_) => Vec::new(),
                    Err(rejection) => rejection.violations.iter().map(|v| v.pointer.clone()).collect(),
                };
                found.sort();
                if found != *expected {
                    failures.push(format!("{mode:?} {pairs:?}: expected {expected:?}, found {found:?}"));
                }
            }
        }
        println!("header cases: {}", 2 * HEADER_CASES.len());
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }};
}
#[test]
fn header_cases_hold() {
    header_cases!(HEADERS);
}

/// What `publish::send_reading` of `headers.asyncapi.yaml` writes, the
/// receiving side reads back as it went, payload and headers; headers that
/// break their schema or cannot be HTTP headers are refused all at once.
macro_rules! sent_readings {
    ($krate:ident) => {{
        use asyncapi_rt::dispatch::{Delivery, Inbound};
        use asyncapi_rt::violation::Keyword;
        use $krate::types::{Reading, ReadingHeaders, XMode};
        let reading = Reading { value: Some(2.5) };
        let headers = ReadingHeaders {
            x_count: 7,
            x_ratio: Some(0.9146155235219107),
            x_flag: Some(false),
            x_mode: Some(XMode::Slow),
            x_sent: Some("2026-11-28T08:00:00+01:00".parse().expect("a date-time")),
            x_name: Some("short".to_owned()),
        };
        let sent = $krate::publish::send_reading(&reading, &headers).expect("a valid reading is sent");
        assert_eq!(sent.channel, "commands");
        assert_eq!(sent.headers["x-sent"], "2026-11-28T08:00:00+01:00");
        let delivery = Delivery::new(sent.headers.clone(), sent.body.clone());
        for mode in [Mode::Lenient, Mode::Strict] {
            let event = <$krate::Event as Inbound>::parse(&delivery, mode).expect("what is sent reads back");
            assert_eq!(event, $krate::Event::Reading(reading.clone()));
            assert_eq!(ReadingHeaders::from_headers(&sent.headers, mode), Ok(headers.clone()));
        }
        let bad = ReadingHeaders { x_count: 101, x_name: Some("a\nb".to_owned()), ..headers.clone() };
        let violations = $krate::publish::send_reading(&reading, &bad).expect_err("bad headers are not sent");
        let found: Vec<_> = violations.iter().map(|v| (v.pointer.as_str(), v.keyword)).collect();
        assert_eq!(found, [("/X-Count", Keyword::Maximum), ("/X-Name", Keyword::Representable)]);
        // Floats JSON cannot write (it writes `null`) are refused, in the payload and the headers.
        let nan = ReadingHeaders { x_ratio: Some(f64::NAN), ..headers };
        let violations = $krate::publish::send_reading(&Reading { value: Some(f64::INFINITY) }, &nan)
            .expect_err("no NaN is sent");
        let found: Vec<_> = violations.iter().map(|v| (v.pointer.as_str(), v.keyword)).collect();
        assert_eq!(found, [("/value", Keyword::Representable), ("/X-Ratio", Keyword::Representable)]);
    }};
}
#[test]
fn sent_readings_read_back() {
    sent_readings!(HEADERS);
}

/// Deliveries routed by channel (`routed-by-channel.asyncapi.yaml`) reach their
/// handler with the parameters of the address they arrived on; an address
/// whose parameters break their schemas is rejected as invalid (naming the
/// channel's message), one that matches no channel as unknown.
macro_rules! channel_parameters {
    ($krate:ident) => {{
        use std::sync::Mutex;
        use std::task::{Context, Poll, Waker};
        use asyncapi_rt::dispatch::{Delivery, Outcome};
        use asyncapi_rt::message::Rejection;
        use asyncapi_rt::signature::Verifier;
        use $krate::{channels, types};

        #[derive(Default)]
        struct Recorder(Mutex<Vec<String>>);
        impl Recorder {
            fn record(&self, call: String) -> Result<(), std::convert::Infallible> {
                self.0.lock().expect("not poisoned").push(call);
                Ok(())
            }
        }
        impl $krate::Handler for Recorder {
            type Error = std::convert::Infallible;
            async fn on_turn_on(&self, _: types::Command, parameters: channels::TurnOnParameters, _: &Delivery) -> Result<(), Self::Error> {
                self.record(format!("on {}", parameters.light_id))
            }
            async fn on_dim(&self, _: types::Command, parameters: channels::DimParameters, _: &Delivery) -> Result<(), Self::Error> {
                self.record(format!("dim {} to {}", parameters.light_id, parameters.level))
            }
            async fn on_status(&self, _: types::Command, _: &Delivery) -> Result<(), Self::Error> {
                self.record("status".to_owned())
            }
            async fn on_rejected(&self, rejection: Rejection, _: &Delivery) -> Result<(), Self::Error> {
                let pointers: Vec<&str> = rejection.violations.iter().map(|v| v.pointer.as_str()).collect();
                self.record(format!("rejected {:?} {:?} {pointers:?}", rejection.kind, rejection.message))
            }
        }

        let dispatcher = $krate::Dispatcher::new(Recorder::default(), Verifier::accept_unsigned_insecure());
        let deliveries = [
            "lights/porch-1/on",
            "lights/porch-1/dim/40",
            "status",
            "lights/Porch/on",
            "lights/porch-1/dim/140",
            "lights/porch-1/off",
        ];
        for channel in deliveries {
            let delivery = Delivery::new(Default::default(), &b"{}"[..]).on_channel(channel);
            let mut dispatch = std::pin::pin!(dispatcher.dispatch(delivery));
            let outcome = match dispatch.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => panic!("{channel}: the dispatch waited on nothing"),
            };
            assert!(matches!(outcome, Outcome::Handled { .. } | Outcome::Rejected(_)), "{channel}: {outcome:?}");
        }
        let calls = dispatcher.handler().0.lock().expect("not poisoned").clone();
        assert_eq!(
            calls,
            [
                "on porch-1",
                "dim porch-1 to 40",
                "status",
                "rejected Invalid Some(\"command\") [\"/lightId\"]",
                "rejected Invalid Some(\"command\") [\"/level\"]",
                "rejected UnknownMessage None [\"\"]",
            ]
        );
        // What is written of an event is its message alone.
        let event = $krate::Event::parse_on_channel("lights/a/on", b"{}", Mode::Strict).expect("a valid delivery");
        assert_eq!(serde_json::to_string(&event).expect("serializes"), "{}");
    }};
}
#[test]
fn channel_parameters_reach_the_handler() {
    channel_parameters!(CHANNELS);
}

/// `Event::correlation_id` (`correlated.asyncapi.yaml`) finds each message's
/// ID where its `correlationId` says: a header, JSON inside a header, a
/// payload property at any depth (borrowed when a string), or through the
/// payload's JSON where the types do not lead; `inspect` prints it.
macro_rules! correlation_ids {
    ($krate:ident) => {{
        use std::borrow::Cow;
        let mut headers = asyncapi_rt::http::HeaderMap::new();
        headers.insert("x-request-id", "req-7".parse().expect("a header value"));
        headers.insert("trace", "{\"id\": \"t-1\"}".parse().expect("a header value"));
        let event = |body: &str| $krate::Event::parse(body.as_bytes(), Mode::Strict).expect(body);
        let id = |body: &str| event(body).correlation_id(&headers).map(Cow::into_owned);
        assert_eq!(id("{\"kind\": \"started\"}").as_deref(), Some("req-7"));
        assert_eq!(id("{\"kind\": \"finished\", \"job\": {\"id\": \"j-1\"}}").as_deref(), Some("j-1"));
        assert_eq!(id("{\"kind\": \"finished\", \"job\": {}}"), None);
        assert_eq!(id("{\"kind\": \"finished\"}"), None);
        assert_eq!(id("{\"kind\": \"failed\", \"attempt\": 3}").as_deref(), Some("3"));
        assert_eq!(id("{\"kind\": \"retried\", \"attempts\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}").as_deref(), Some("b"));
        assert_eq!(id("{\"kind\": \"retried\", \"attempts\": [{\"id\": \"a\"}]}"), None);
        assert_eq!(id("{\"kind\": \"noted\"}").as_deref(), Some("t-1"));
        assert_eq!(id("{\"kind\": \"misplaced\", \"id\": \"m\"}"), None);
        assert_eq!(id("{\"kind\": \"plain\"}"), None);
        let finished = event("{\"kind\": \"finished\", \"job\": {\"id\": \"j-1\"}}");
        assert!(matches!(finished.correlation_id(&headers), Some(Cow::Borrowed("j-1"))));
        assert_eq!(event("{\"kind\": \"started\"}").correlation_id(&Default::default()), None);
        // `inspect` prints the ID where there is one.
        let inspected = |body: &str| {
            let body = asyncapi_rt::inspect::Body::new(body.as_bytes().to_vec());
            let inspection = asyncapi_rt::inspect::Inspection {
                body: &body,
                headers: &headers,
                scheme: &Default::default(),
                secrets: &[],
                channel: None,
                mode: Mode::Strict,
                body_limit: 1024,
                received_at: None,
            };
            let report = asyncapi_rt::inspect::inspect::<$krate::Event>(&inspection);
            serde_json::from_str::<serde_json::Value>(&report.line).expect("a JSON line")
        };
        assert_eq!(inspected("{\"kind\": \"started\"}")["correlation"], "req-7");
        assert_eq!(inspected("{\"kind\": \"plain\"}").get("correlation"), None);
    }};
}
#[test]
fn correlation_ids_are_found_where_the_document_says() {
    correlation_ids!(CORRELATED);
}
"#;
