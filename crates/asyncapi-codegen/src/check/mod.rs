//! Stage 2, check: is this an AsyncAPI 2.6 document we can generate from?
//!
//! First the questions with one precise answer (is it AsyncAPI at all, which
//! version, unknown schema `type` names, unsupported `schemaFormat`s, duplicate
//! `operationId`s), then the official 2.6.0 meta-schema for everything else. A
//! meta-schema error on a node that already has a precise diagnostic is dropped:
//! the precise one says the same thing better.

mod lint;
mod meta_schema;

pub use lint::pattern_problem;
pub use meta_schema::{Part, validate_part};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Sources;

/// The AsyncAPI version this generator reads.
pub const SUPPORTED_VERSION: &str = "2.6.0";

/// The meta-schema validator recurses along the document's nesting (which
/// loading bounds).
const META_SCHEMA_STACK: usize = 64 * 1024 * 1024;

/// Checks the document; errors in the result stop generation.
pub fn check(sources: &Sources) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    if let Err(diagnostic) = check_kind_and_version(sources) {
        diagnostics.push(diagnostic);
        return diagnostics;
    }
    // The two passes are independent: the meta-schema's runs beside the lint.
    let (meta, precise) =
        crate::threads::beside(META_SCHEMA_STACK, || meta_schema::validate(sources), || lint::lint(sources));
    let precise_pointers: Vec<String> =
        precise.iter().filter_map(|d| d.location.as_ref().map(|l| l.pointer.clone())).collect();
    diagnostics.extend(precise);
    for diagnostic in meta {
        let pointer = diagnostic.location.as_ref().map(|l| l.pointer.as_str()).unwrap_or("");
        let covered = precise_pointers.iter().any(|p| p == pointer || p.starts_with(&format!("{pointer}/")));
        if !covered {
            diagnostics.push(diagnostic);
        }
    }
    diagnostics
}

fn check_kind_and_version(sources: &Sources) -> Result<(), Diagnostic> {
    let root = sources.root_site();
    let Some(Value::Object(document)) = sources.get(&root) else {
        return Err(Diagnostic::error("this is not an AsyncAPI document: the top level is not a mapping")
            .at(sources.locate(&root)));
    };
    match document.get("asyncapi") {
        Some(Value::String(version)) if version == SUPPORTED_VERSION => Ok(()),
        Some(Value::String(version)) => Err(Diagnostic::error(format!(
            "unsupported AsyncAPI version `{version}`: this generator reads AsyncAPI {SUPPORTED_VERSION}"
        ))
        .at(sources.locate(&root.join("asyncapi")))
        .with_help(if version.starts_with('2') {
            "AsyncAPI 2.x documents are upward compatible: set `asyncapi: 2.6.0` and fix what the check reports"
        } else {
            "AsyncAPI 3 documents are structured differently and are not supported"
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
