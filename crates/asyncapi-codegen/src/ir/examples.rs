//! Message examples against their message's schemas. The generated crate
//! tests each example; one that breaks its payload or headers schema would
//! fail the user's `cargo test` over a mistake in the document, so it is a
//! warning here, naming every violation, and it gets no test.

use asyncapi_rt::format::Format;
use jsonschema::Validator;
use serde_json::Value;

use super::api::MessageDef;
use super::bundle;
use super::schema::SchemaArena;
use crate::check::meant_alternative;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Sources;

/// At most this many violations are listed per example.
const MAX_LISTED: usize = 5;

/// Violations longer than this many characters (they quote the value) are cut.
const MAX_VIOLATION: usize = 160;

/// Keeps in each message only the examples its schemas accept, and warns of
/// the others.
pub fn check(
    messages: &mut [MessageDef],
    arena: &SchemaArena,
    sources: &Sources,
    diagnostics: &mut Diagnostics,
) {
    for message in messages {
        if message.examples.is_empty() {
            continue;
        }
        let validator = |schema: Option<&(_, _)>| {
            schema.and_then(|(_, id)| validator(&bundle::bundle(sources, &arena.get(*id).site)))
        };
        let payload = validator(message.payload.as_ref());
        let headers = validator(message.headers.as_ref());
        let label = message.label.clone();
        message.examples.retain(|example| {
            let mut violations = Vec::new();
            for (part, value, validator) in
                [("payload", &example.payload, &payload), ("headers", &example.headers, &headers)]
            {
                if let (Some(value), Some(validator)) = (value, validator) {
                    for error in validator.iter_errors(value) {
                        // Of a `oneOf` none of whose alternatives holds, what
                        // breaks the one the author meant.
                        let leaves = meant_alternative(&error).unwrap_or_else(|| vec![&error]);
                        violations.extend(leaves.into_iter().map(|leaf| {
                            let pointer = leaf.instance_path().as_str();
                            let at = if pointer.is_empty() {
                                part.to_owned()
                            } else {
                                format!("{part} {pointer}")
                            };
                            format!("{at}: {}", shortened(&leaf.to_string()))
                        }));
                    }
                }
            }
            if violations.is_empty() {
                return true;
            }
            let name = example.name.as_deref().map(|name| format!(" `{name}`")).unwrap_or_default();
            let mut listed = violations.iter().take(MAX_LISTED).cloned().collect::<Vec<_>>().join("; ");
            if violations.len() > MAX_LISTED {
                listed.push_str(&format!("; and {} more", violations.len() - MAX_LISTED));
            }
            diagnostics.push(
                Diagnostic::warning(format!(
                    "example{name} of message `{label}` breaks its schema: {listed}"
                ))
                .at(sources.locate(&example.site))
                .with_help("fix the example or the schema; the generated crate does not test this example"),
            );
            false
        });
    }
}

/// The reference validator for a bundled schema, with this generator's own
/// format checks (those the generated validators run). `None` when it cannot
/// read the schema: the generated tests then judge the examples.
fn validator(schema: &Value) -> Option<Validator> {
    let mut options = jsonschema::draft7::options().should_validate_formats(true);
    for format in Format::ALL {
        options = options.with_format(format.name(), move |text: &str| format.is_valid(text));
    }
    options.build(schema).ok()
}

fn shortened(text: &str) -> String {
    match text.char_indices().nth(MAX_VIOLATION) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}
