//! Examples and defaults against the schemas they illustrate: a value its own
//! schema refuses is a mistake in the document, and a warning here that names
//! every violation.
//!
//! - Message examples become tests of the generated crate. One that breaks its
//!   payload or headers schema would fail the user's `cargo test` over the
//!   document's mistake, so it gets no test.
//! - A schema's `default`, `example` and `examples` become field docs
//!   ("Default: ...", "Example: ..."), which must not show a value the
//!   validators refuse.

use asyncapi_rt::format::Format;
use jsonschema::Validator;
use serde_json::Value;

use super::api::MessageDef;
use super::bundle;
use super::schema::SchemaArena;
use crate::check::meant_alternative;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Site, Sources};

/// At most this many violations are listed per value.
const MAX_LISTED: usize = 5;

/// Violations longer than this many characters (they quote the value) are cut.
const MAX_VIOLATION: usize = 160;

/// Keeps in each message only the examples its schemas accept, and warns of
/// the others.
pub fn check_messages(
    messages: &mut [MessageDef],
    arena: &SchemaArena,
    sources: &Sources,
    diagnostics: &mut Diagnostics,
) {
    for message in messages {
        if message.examples.is_empty() {
            continue;
        }
        // The payload's or the headers' (type, schema), when the message has them.
        let validator_of = |part: Option<&(_, _)>| {
            part.and_then(|(_, id)| validator(&bundle::bundle(sources, &arena.get(*id).site)))
        };
        let payload = validator_of(message.payload.as_ref());
        let headers = validator_of(message.headers.as_ref());
        let label = message.label.clone();
        message.examples.retain(|example| {
            let mut found = Vec::new();
            for (part, value, validator) in
                [("payload", &example.payload, &payload), ("headers", &example.headers, &headers)]
            {
                if let (Some(value), Some(validator)) = (value, validator) {
                    found.extend(violations(validator, value, part));
                }
            }
            if found.is_empty() {
                return true;
            }
            let name = example.name.as_deref().map(|name| format!(" `{name}`")).unwrap_or_default();
            diagnostics.push(
                Diagnostic::warning(format!(
                    "example{name} of message `{label}` breaks its schema: {}",
                    listed(&found)
                ))
                .at(sources.locate(&example.site))
                .with_help("fix the example or the schema; the generated crate does not test this example"),
            );
            false
        });
    }
}

/// Warns of each `default`, `example` and `examples` value that breaks the
/// schema it is written in.
pub fn check_schemas(arena: &SchemaArena, sources: &Sources, diagnostics: &mut Diagnostics) {
    for id in arena.ids() {
        let node = arena.get(id);
        // Boolean schemas hold no annotations.
        let Some(Value::Object(schema)) = sources.get(&node.site) else { continue };
        let mut values: Vec<(&Value, Site, &str)> = Vec::new();
        for keyword in ["default", "example"] {
            if let Some(value) = schema.get(keyword) {
                values.push((value, node.site.join(keyword), keyword));
            }
        }
        if let Some(Value::Array(examples)) = schema.get("examples") {
            let site = node.site.join("examples");
            values.extend(
                examples.iter().enumerate().map(|(index, value)| (value, site.item(index), "example")),
            );
        }
        if values.is_empty() {
            continue;
        }
        let Some(validator) = validator(&bundle::bundle(sources, &node.site)) else { continue };
        for (value, site, what) in values {
            let found: Vec<String> = violations(&validator, value, "").collect();
            if !found.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "{what} {} breaks its schema: {}",
                        shortened(&value.to_string()),
                        listed(&found)
                    ))
                    .at(sources.locate(&site))
                    .with_help("fix the value or the schema: the generated docs show it"),
                );
            }
        }
    }
}

/// What `validator` refuses in `value`, each as `part /pointer: message` (the
/// part names what `value` is in a larger whole, if anything). Of
/// a `oneOf` none of whose alternatives holds, what breaks the one the author
/// meant.
fn violations<'v>(
    validator: &'v Validator,
    value: &'v Value,
    part: &'v str,
) -> impl Iterator<Item = String> + 'v {
    validator.iter_errors(value).flat_map(move |error| {
        let leaves = meant_alternative(&error).unwrap_or_else(|| vec![&error]);
        leaves
            .into_iter()
            .map(|leaf| {
                let at = [part, leaf.instance_path().as_str()]
                    .into_iter()
                    .filter(|text| !text.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let message = shortened(&leaf.to_string());
                if at.is_empty() { message } else { format!("{at}: {message}") }
            })
            .collect::<Vec<_>>()
    })
}

/// The first [`MAX_LISTED`] violations, and how many more there are.
fn listed(violations: &[String]) -> String {
    let mut text = violations.iter().take(MAX_LISTED).cloned().collect::<Vec<_>>().join("; ");
    if violations.len() > MAX_LISTED {
        text.push_str(&format!("; and {} more", violations.len() - MAX_LISTED));
    }
    text
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
