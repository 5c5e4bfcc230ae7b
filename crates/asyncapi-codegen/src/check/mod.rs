//! Stage 2, check: is this an AsyncAPI 2.6 document we can generate from?
//!
//! First the questions with one precise answer (is it AsyncAPI at all, which
//! version, unknown schema `type` names, unsupported `schemaFormat`s, duplicate
//! `operationId`s, and the specification's rules the meta-schema does not
//! say), then the official 2.6.0 meta-schema for everything else, and the
//! official binding schemas for bindings (warnings only). A
//! meta-schema error on a node that already has a precise diagnostic is dropped:
//! the precise one says the same thing better.

mod bindings;
mod lint;
mod meta_schema;
mod rules;

pub use lint::pattern_problem;
pub(crate) use meta_schema::meant_alternative;
pub use meta_schema::{Part, validate_part};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Sources;

/// The AsyncAPI version this generator reads.
pub const SUPPORTED_VERSION: &str = "2.6.0";

/// Earlier 2.x versions, read as 2.6.0: each 2.x version only adds to the one
/// before, so their documents are 2.6.0 documents.
const EARLIER_VERSIONS: [&str; 6] = ["2.0.0", "2.1.0", "2.2.0", "2.3.0", "2.4.0", "2.5.0"];

/// The meta-schema validator recurses along the document's nesting (which
/// loading bounds).
const META_SCHEMA_STACK: usize = 64 * 1024 * 1024;

/// Checks the document; errors in the result stop generation.
pub fn check(sources: &Sources) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let read_as_supported = match check_kind_and_version(sources) {
        Ok(read_as_supported) => read_as_supported,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return diagnostics;
        }
    };
    // The passes are independent: the schemas' (the meta-schema's, then the
    // bindings') run beside the lint.
    let ((meta, bindings), mut precise) = crate::threads::beside(
        META_SCHEMA_STACK,
        || (meta_schema::validate(sources), bindings::check(sources)),
        || lint::lint(sources),
    );
    precise.extend(rules::check(sources));
    precise.extend(bindings);
    // Only an error says what a meta-schema error would: a warning leaves it standing.
    let precise_pointers: Vec<String> = precise
        .iter()
        .filter(|d| d.is_error() && d.location.is_some())
        .map(|d| d.pointer().to_owned())
        .collect();
    diagnostics.extend(precise);
    for diagnostic in meta {
        let pointer = diagnostic.pointer();
        let below =
            |p: &String| p.starts_with(&format!("{pointer}/")) && !meta_schema::is_about_fields(&diagnostic);
        let covered = precise_pointers.iter().any(|p| p == pointer || below(p))
            // The 2.6.0 meta-schema wants `asyncapi: 2.6.0`; the warning says why it need not be.
            || (read_as_supported.is_some() && pointer == "/asyncapi");
        if !covered {
            diagnostics.push(diagnostic);
        }
    }
    if let Some(warning) = read_as_supported {
        diagnostics.push(warning);
    }
    diagnostics
}

/// Whether the document is AsyncAPI in a version we read; an earlier 2.x
/// version comes back as the warning that says how it is read.
fn check_kind_and_version(sources: &Sources) -> Result<Option<Diagnostic>, Diagnostic> {
    let root = sources.root_site();
    let Some(Value::Object(document)) = sources.get(&root) else {
        return Err(Diagnostic::error("this is not an AsyncAPI document: the top level is not a mapping")
            .at(sources.locate(&root)));
    };
    match document.get("asyncapi") {
        Some(Value::String(version)) if version == SUPPORTED_VERSION => Ok(None),
        Some(Value::String(version)) if EARLIER_VERSIONS.contains(&version.as_str()) => Ok(Some(
            Diagnostic::warning(format!("AsyncAPI {version} document read as {SUPPORTED_VERSION}"))
                .at(sources.locate(&root.join("asyncapi")))
                .with_help(format!(
                    "each 2.x version only adds to the one before; set `asyncapi: {SUPPORTED_VERSION}` to silence this"
                )),
        )),
        Some(Value::String(version)) => Err(Diagnostic::error(format!(
            "unsupported AsyncAPI version `{version}`: this generator reads AsyncAPI {SUPPORTED_VERSION}"
        ))
        .at(sources.locate(&root.join("asyncapi")))
        .with_help(if version.starts_with('3') {
            "AsyncAPI 3 documents are structured differently and are not supported"
        } else {
            "AsyncAPI 2.0.0 to 2.6.0 documents are read"
        })),
        Some(other) => Err(Diagnostic::error(format!(
            "`asyncapi` must be the version string \"{SUPPORTED_VERSION}\", found {other}"
        ))
        .at(sources.locate(&root.join("asyncapi")))
        .with_help("quote the version: asyncapi: '2.6.0'")),
        None => {
            let message = if let Some(version) = document.get("openapi").or_else(|| document.get("swagger")) {
                let version = version.as_str().unwrap_or("?");
                format!("this is an OpenAPI {version} document, not an AsyncAPI document")
            } else {
                "this is not an AsyncAPI document: it has no `asyncapi` field".to_owned()
            };
            Err(Diagnostic::error(message)
                .at(sources.locate(&root))
                .with_help(format!("an AsyncAPI document starts with `asyncapi: {SUPPORTED_VERSION}`")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        let sources = Sources::from_text(text, "doc.yaml").unwrap();
        check(&sources).errors().map(|d| d.message.clone()).collect()
    }

    const MINIMAL: &str = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels: {}\n";

    #[test]
    fn accepts_a_minimal_document() {
        assert_eq!(errors(MINIMAL), Vec::<String>::new());
    }

    #[test]
    fn names_the_kind_of_document_it_got() {
        assert_eq!(
            errors("openapi: 3.0.0\ninfo: {}\n"),
            ["this is an OpenAPI 3.0.0 document, not an AsyncAPI document"]
        );
        assert_eq!(errors("a: 1\n"), ["this is not an AsyncAPI document: it has no `asyncapi` field"]);
        assert_eq!(errors("- 1\n"), ["this is not an AsyncAPI document: the top level is not a mapping"]);
        assert_eq!(
            errors(&MINIMAL.replace("2.6.0", "3.0.0")),
            ["unsupported AsyncAPI version `3.0.0`: this generator reads AsyncAPI 2.6.0"]
        );
    }

    #[test]
    fn reads_earlier_2x_documents_as_2_6_with_a_warning() {
        let sources = Sources::from_text(&MINIMAL.replace("2.6.0", "2.3.0"), "doc.yaml").unwrap();
        let diagnostics = check(&sources);
        assert_eq!(diagnostics.errors().count(), 0, "{diagnostics}");
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["AsyncAPI 2.3.0 document read as 2.6.0"]);
        assert_eq!(diagnostics.iter().next().unwrap().location.as_ref().unwrap().pointer, "/asyncapi");
        // Still checked against 2.6.0, the top level included.
        let invalid = format!("{}servers:\n  s: {{url: x}}\n", MINIMAL.replace("2.6.0", "2.0.0"));
        assert_eq!(errors(&invalid).len(), 1);
        assert_eq!(
            errors("asyncapi: 2.0.0\ninfo: {title: t, version: '1'}\nchannel: {}\n"),
            [
                "not valid AsyncAPI 2.6: missing required field `channels`",
                "not valid AsyncAPI 2.6: unknown field `channel`"
            ]
        );
        assert_eq!(
            errors(&MINIMAL.replace("2.6.0", "2.7.0")),
            ["unsupported AsyncAPI version `2.7.0`: this generator reads AsyncAPI 2.6.0"]
        );
    }

    #[test]
    fn a_precise_error_covers_what_it_explains_and_nothing_else() {
        // The meta-schema's view of `type: strin` is dropped for the precise
        // error; the missing `info` is another problem.
        assert_eq!(
            errors(
                "asyncapi: 2.6.0\nchannels:\n  a:\n    subscribe:\n      message:\n        payload: {type: strin}\n"
            ),
            ["unknown type `strin`", "not valid AsyncAPI 2.6: missing required field `info`"]
        );
    }

    #[test]
    fn a_warning_covers_nothing() {
        // The server's name gets a warning; its missing protocol is still an error.
        let sources =
            Sources::from_text(&format!("{MINIMAL}servers:\n  a.b: {{url: x}}\n"), "doc.yaml").unwrap();
        let diagnostics = check(&sources);
        let warning = diagnostics.warnings().next().expect("`.` is not allowed in server names");
        assert_eq!(warning.location.as_ref().unwrap().pointer, "/servers/a.b");
        let errors: Vec<&str> = diagnostics.errors().map(|d| d.message.as_str()).collect();
        assert_eq!(errors, ["not valid AsyncAPI 2.6: missing required field `protocol`"]);
    }

    #[test]
    fn meta_schema_violations_are_reported_at_their_node() {
        let sources =
            Sources::from_text(&format!("{MINIMAL}servers:\n  s: {{url: x}}\n"), "doc.yaml").unwrap();
        let diagnostics = check(&sources);
        let error = diagnostics.errors().next().expect("a server without protocol is invalid");
        let location = error.location.as_ref().unwrap();
        assert_eq!(location.pointer, "/servers/s");
        assert_eq!(location.line, Some(5));
    }
}
