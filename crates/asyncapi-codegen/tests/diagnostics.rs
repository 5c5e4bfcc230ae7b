//! Broken documents through the real command line: each must exit with 1 (no
//! panic, no hang), write nothing, and print a located diagnostic that says
//! what is wrong; and every example of the AsyncAPI 2.6 corpus must pass the
//! check stage.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(60);

fn broken_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken")
}

/// What a run printed and how it ended.
struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs the CLI in `tests/broken` (so diagnostics name files as written below),
/// killing it past the deadline.
fn run_cli(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asyncapi-codegen"))
        .args(args)
        .current_dir(broken_dir())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI starts");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    // Read on a thread so that a full pipe cannot block the child.
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the CLI can be waited for") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`asyncapi-codegen {}` still runs after {DEADLINE:?}: a hang", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = reader.join().expect("the reader thread ends").expect("stderr is UTF-8");
    Run { code: status.code(), stderr }
}

/// One broken document and what its first diagnostic must say.
struct Case {
    /// The document, relative to `tests/broken`.
    document: &'static str,
    /// A part of the message.
    message: &'static str,
    /// `file:line:column` after `-->`.
    location: &'static str,
    /// The pointer after `= at:`.
    pointer: String,
    /// A part of a `= help:` or `= note:` line, when there must be one.
    extra: Option<&'static str>,
}

fn check_case(case: &Case) {
    let out = tempfile::tempdir().expect("a temporary folder");
    let out_dir = out.path().join("generated");
    let out_arg = out_dir.to_str().expect("a UTF-8 temporary path");
    let run = run_cli(&["generate", case.document, "--out", out_arg]);
    let stderr = &run.stderr;
    let context = format!("{}:\n{stderr}", case.document);
    assert_eq!(run.code, Some(1), "exit code of {context}");
    for panic_text in ["panicked", "RUST_BACKTRACE", "stack overflow", "internal error"] {
        assert!(!stderr.contains(panic_text), "`{panic_text}` in the output of {context}");
    }
    assert!(!out_dir.exists(), "{} wrote {}", case.document, out_dir.display());

    // The first diagnostic: `error: message`, `  --> location`, snippet, `= at:`.
    let first = stderr.split("\n\n").next().unwrap_or_default();
    let mut lines = first.lines();
    let headline = lines.next().unwrap_or_default();
    assert!(headline.starts_with("error: "), "first line of {context}");
    assert!(
        headline.contains(case.message),
        "expected `{}` in the first diagnostic of {context}",
        case.message
    );
    let arrow = format!("  --> {}", case.location);
    assert_eq!(lines.next(), Some(arrow.as_str()), "location in {context}");
    // The snippet: an empty gutter line, the numbered line, the caret.
    let line_number = case.location.rsplit(':').nth(1).expect("file:line:column");
    let snippet: Vec<&str> = lines.by_ref().take(3).collect();
    assert_eq!(snippet.len(), 3, "snippet in {context}");
    assert!(snippet[0].trim_end().ends_with('|'), "snippet gutter in {context}");
    assert!(snippet[1].trim_start().starts_with(&format!("{line_number} |")), "snippet line in {context}");
    assert!(snippet[2].trim_end().ends_with('^'), "caret in {context}");
    let at = format!("   = at: {}", case.pointer);
    assert_eq!(lines.next(), Some(at.as_str()), "pointer in {context}");
    if let Some(extra) = case.extra {
        assert!(
            first
                .lines()
                .any(|l| (l.starts_with("   = help: ") || l.starts_with("   = note: ")) && l.contains(extra)),
            "expected a help or note with `{extra}` in {context}"
        );
    }
}

macro_rules! broken {
    ($($name:ident: $document:literal => $message:literal at $location:literal, $pointer:expr $(, $extra:literal)?;)*) => {
        $(
            #[test]
            fn $name() {
                check_case(&Case {
                    document: $document,
                    message: $message,
                    location: $location,
                    pointer: $pointer.to_string(),
                    extra: None $(.or(Some($extra)))?,
                });
            }
        )*

        /// Every document in `tests/broken` has a case (parts of documents excepted).
        #[test]
        fn every_broken_document_is_tested() {
            let tested = [$($document),*];
            let mut documents: Vec<String> = std::fs::read_dir(broken_dir())
                .expect("tests/broken exists")
                .map(|entry| entry.expect("a readable folder").path())
                .filter(|path| path.is_file())
                .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            documents.sort();
            let untested: Vec<&String> = documents.iter().filter(|d| !tested.contains(&d.as_str())).collect();
            assert!(untested.is_empty(), "documents without a case: {untested:?}");
        }
    };
}

const ROOT: &str = "(document root)";

broken! {
    unresolved_local_ref: "unresolved-local-ref.yaml"
        => "unresolved reference `#/components/messages/UserSignedUp`"
        at "unresolved-local-ref.yaml:9:9", "/channels/user~1signedup/subscribe/message/$ref";
    unresolved_local_ref_in_json: "unresolved-local-ref.json"
        => "did you mean `#/components/schemas/User`?"
        at "unresolved-local-ref.json:8:24", "/channels/user~1signedup/subscribe/message/payload/$ref";
    unresolved_file_ref_in_a_referenced_file: "unresolved-file-ref.yaml"
        => "unresolved file reference `../schemas/order.yaml#/Order`: cannot read schemas/order.yaml: no such file"
        at "parts/messages.yaml:5:5", "/OrderPlaced/payload/$ref", "relative to the file they are written in";
    file_ref_to_a_missing_file: "file-ref-missing-file.yaml"
        => "unresolved file reference `parts/does-not-exist.yaml#/User`"
        at "file-ref-missing-file.yaml:10:11", "/channels/user~1signedup/subscribe/message/payload/$ref";
    file_ref_to_a_missing_pointer: "file-ref-missing-pointer.yaml"
        => "nothing at `#/Usr` in parts/schemas.yaml: the file has no member `Usr`; did you mean `#/User`?"
        at "file-ref-missing-pointer.yaml:10:11", "/channels/user~1signedup/subscribe/message/payload/$ref";
    reference_cycle_through_all_of: "allof-cycle.yaml"
        => "reference cycle through `allOf`: `#/components/schemas/A` -> `#/components/schemas/B` -> `#/components/schemas/A`"
        at "allof-cycle.yaml:19:11", "/components/schemas/B/allOf/0/$ref";
    reference_cycle_of_bare_refs: "ref-cycle.yaml"
        => "reference cycle: `#/components/schemas/a` -> `#/components/schemas/b` -> `#/components/schemas/a`"
        at "ref-cycle.yaml:16:7", "/components/schemas/b/$ref", "must end at a schema";
    message_that_refers_to_itself: "message-ref-cycle.yaml"
        => "reference cycle: `#/components/messages/UserSignedUp` leads back to itself"
        at "message-ref-cycle.yaml:13:7", "/components/messages/UserSignedUp/$ref";
    wrong_asyncapi_version: "wrong-version.yaml"
        => "unsupported AsyncAPI version `1.2.0`: this generator reads AsyncAPI 2.6.0"
        at "wrong-version.yaml:1:1", "/asyncapi", "2.0.0 to 2.6.0 documents are read";
    asyncapi_3: "version-3.yaml"
        => "unsupported AsyncAPI version `3.0.0`"
        at "version-3.yaml:1:1", "/asyncapi";
    openapi_document: "openapi.yaml"
        => "this is an OpenAPI 3.0.3 document, not an AsyncAPI document"
        at "openapi.yaml:1:1", ROOT;
    not_asyncapi_at_all: "not-asyncapi.yaml"
        => "this is not an AsyncAPI document: it has no `asyncapi` field"
        at "not-asyncapi.yaml:2:1", ROOT, "starts with `asyncapi: 2.6.0`";
    yaml_syntax_error: "yaml-syntax.yaml"
        => "invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping that starts at line 9, column 18)"
        at "yaml-syntax.yaml:10:1", "/channels/user~1signedup/subscribe/message/payload",
        "add the missing `}`";
    yaml_syntax_error_in_a_referenced_file: "syntax-error-in-referenced-file.yaml"
        => "invalid YAML: did not find expected ',' or '}'"
        at "parts/broken-messages.yaml:6:12", "/UserSignedUp/payload/properties/id",
        "referenced from syntax-error-in-referenced-file.yaml:9:9";
    tab_indentation: "tab-indented.yaml"
        => "invalid YAML: found character that cannot start any token"
        at "tab-indented.yaml:3:1", ROOT, "never tabs";
    json_syntax_error: "json-syntax.json"
        => "invalid JSON: trailing comma"
        at "json-syntax.json:5:24", "/channels";
    duplicate_yaml_key: "duplicate-key.yaml"
        => "duplicate key `id`"
        at "duplicate-key.yaml:14:13", "/channels/user~1signedup/subscribe/message/payload/properties/id",
        "merge the two `id` entries";
    two_yaml_documents: "two-documents.yaml"
        => "the file holds more than one YAML document"
        at "two-documents.yaml:6:1", ROOT;
    not_utf8: "latin1.yaml"
        => "the file is not UTF-8 text: byte 0xE9"
        at "latin1.yaml:3:13", ROOT;
    empty_file: "empty.yaml"
        => "the file is empty"
        at "empty.yaml:1:1", ROOT;
    top_level_list: "top-level-list.yaml"
        => "this is not an AsyncAPI document: the top level is not a mapping"
        at "top-level-list.yaml:1:1", ROOT;
    unknown_type_name: "unknown-type.yaml"
        => "unknown type `strng`"
        at "unknown-type.yaml:13:15", "/channels/user~1signedup/subscribe/message/payload/properties/email/type",
        "did you mean `string`?";
    meta_schema_in_a_referenced_file: "meta-schema-in-referenced-file.yaml"
        => "not valid AsyncAPI 2.6: unknown field `payloads`"
        at "parts/typo-message.yaml:3:3", "/UserSignedUp/payloads";
    repeated_channel_parameter: "repeated-parameter.yaml"
        => "the channel address `rooms/{id}/copy/{id}` names the parameter `id` more than once"
        at "repeated-parameter.yaml:6:3", "/channels/rooms~1{id}~1copy~1{id}", "a parameter of its own";
    duplicate_operation_id: "duplicate-operation-id.yaml"
        => "duplicate operationId `onUserEvent`"
        at "duplicate-operation-id.yaml:13:7", "/channels/user~1deleted/subscribe/operationId",
        "first used at duplicate-operation-id.yaml:8:7";
    meta_schema_violation: "meta-schema.yaml"
        => "not valid AsyncAPI 2.6: missing required field `protocol`"
        at "meta-schema.yaml:6:3", "/servers/production";
    unsupported_schema_format: "raml.yaml"
        => "unsupported schemaFormat `application/raml+yaml;version=1.0`"
        at "raml.yaml:9:9", "/channels/user~1signedup/subscribe/message/schemaFormat", "Avro 1.x schemas";
    avro_undefined_type: "avro-undefined-type.yaml"
        => "invalid Avro schema: unknown type `Address`: a named type must be defined before it is used"
        at "avro-undefined-type.yaml:15:31", "/channels/user~1signedup/subscribe/message/payload/fields/1/type";
    remote_ref: "remote-ref.yaml"
        => "remote reference `https://example.com/schemas/user.json` is not supported"
        at "remote-ref.yaml:10:11", "/channels/user~1signedup/subscribe/message/payload/$ref";
    invalid_pattern: "bad-pattern.yaml"
        => "`^[A-Z+$` is not a valid ECMA-262 regular expression"
        at "bad-pattern.yaml:14:15", "/channels/user~1signedup/subscribe/message/payload/properties/code/pattern";
    ambiguous_received_messages: "ambiguous.yaml"
        => "messages `UserCreated`, `UserUpdated` cannot be told apart"
        at "ambiguous.yaml:20:5", "/components/messages/UserUpdated", "--allow-ambiguous-routing";
    content_encoding: "content-encoding.yaml"
        => "64 is not of type \"string\""
        at "content-encoding.yaml:14:15", "/channels/files/subscribe/message/payload/properties/data/contentEncoding";
    billion_laughs: "billion-laughs.yaml"
        => "YAML aliases expand this document to more than 2000000 nodes"
        at "billion-laughs.yaml:10:12", "/x-lol/l6";
    deep_nesting: "deep-nesting.yaml"
        => "the document nests mappings and sequences more than 128 levels deep"
        at "deep-nesting.yaml:132:257",
        format!("/components/schemas/Deep{}", "/items".repeat(124));
}

#[test]
fn a_missing_document_is_an_error_not_a_panic() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let run = run_cli(&["generate", "no-such-file.yaml", "--out", out.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("cannot read no-such-file.yaml: no such file"), "{}", run.stderr);
}

#[test]
fn a_crate_name_cargo_refuses_is_an_error_not_a_panic() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let out = out.path().to_str().unwrap();
    for (name, problem) in [
        ("a b", "only ASCII letters, digits, `-` and `_`"),
        ("9lives", "starts with an ASCII letter"),
        ("type", "a Rust keyword"),
    ] {
        let run = run_cli(&["generate", "ambiguous.yaml", "--out", out, "--crate-name", name]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(run.stderr.contains(&format!("cannot name the generated crate `{name}`")), "{}", run.stderr);
        assert!(run.stderr.contains(problem), "{}", run.stderr);
    }
}

#[test]
fn the_check_command_reports_the_same_way() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let run = run_cli(&["check", "unknown-type.yaml", "--out", out.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("  --> unknown-type.yaml:13:15\n"), "{}", run.stderr);
}

/// The official AsyncAPI 2.6 examples, vendored in the workspace's `tests/corpus`.
fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/asyncapi-2.6/examples");
    assert!(dir.is_dir(), "the AsyncAPI 2.6 example corpus is missing: expected it at {}", dir.display());
    dir
}

fn documents_under(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("a readable folder").map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            documents_under(&path, found);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml" || e == "json") {
            found.push(path);
        }
    }
}

#[test]
fn every_corpus_example_passes_the_check_stage() {
    let root = corpus_dir();
    let mut documents = Vec::new();
    documents_under(&root, &mut documents);
    // The common files of the social-media example are fragments, not documents.
    documents.retain(|path| !path.strip_prefix(&root).unwrap().starts_with("social-media/common"));
    assert!(documents.len() >= 15, "only {} documents in {}", documents.len(), root.display());
    let mut failures = Vec::new();
    for path in &documents {
        let name = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        match asyncapi_codegen::load::Sources::load(path, &name) {
            Ok(sources) => {
                let diagnostics = asyncapi_codegen::check::check(&sources);
                if diagnostics.has_errors() {
                    failures.push(format!("{diagnostics}"));
                }
            }
            Err(diagnostics) => failures.push(format!("{diagnostics}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} example(s) fail the check stage:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `check` passes on what `generate` wrote, and fails (exit 1) once a
/// generated file is edited by hand.
#[test]
fn the_check_command_fails_on_a_stale_crate() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "asyncapi: 2.6.0\ninfo: {title: Stale, version: '1'}\nchannels:\n  a:\n    subscribe:\n      message: {payload: {type: string}}\n",
    )
    .expect("written");
    let (spec, out) = (spec.to_str().unwrap(), dir.path().join("out"));
    let out = out.to_str().unwrap();
    assert_eq!(run_cli(&["generate", spec, "--out", out]).code, Some(0));
    assert_eq!(run_cli(&["check", spec, "--out", out]).code, Some(0));
    let lib = dir.path().join("out/src/lib.rs");
    let edited = std::fs::read_to_string(&lib).expect("generated") + "// edited by hand\n";
    std::fs::write(&lib, edited).expect("written");
    let run = run_cli(&["check", spec, "--out", out]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("is not what `generate` would write"), "{}", run.stderr);
}
