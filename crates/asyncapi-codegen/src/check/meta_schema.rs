//! Validation against the official AsyncAPI 2.6.0 meta-schema (embedded; see
//! `meta-schema/README.md` for its origin and license).

use std::sync::LazyLock;

use asyncapi_rt::format::Format;
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::formats::SchemaFormat;
use crate::load::{Site, Sources};

const META_SCHEMA: &str = include_str!("../../meta-schema/asyncapi-2.6.0.json");

/// At most this many meta-schema errors are reported: past that, the rest is noise.
const MAX_ERRORS: usize = 20;

static VALIDATOR: LazyLock<Result<Validator, String>> = LazyLock::new(|| {
    let schema = meta_schema()?;
    jsonschema::draft7::new(&schema).map_err(|e| e.to_string())
});

const DEFINITIONS: &str = "http://asyncapi.com/definitions/2.6.0/";

/// The embedded meta-schema, where the specification's text is looser than it,
/// or where this generator checks a node better after following its `$ref`s.
///
/// - The 2.6.0 text lets `components.messageTraits` and
///   `components.operationTraits` hold Reference Objects (as every other
///   component map does), but the meta-schema only takes traits written in
///   place there. Its maps accept a Reference too.
/// - The meta-schema checks an OpenAPI or Avro payload as written, so it
///   refuses one that is a `$ref` to its schema, as most are. Those payloads
///   are checked by the [`crate::formats`] stage instead, after it has
///   followed the references: Avro's rules by its translator, OpenAPI
///   schemas by the lint, once they are JSON Schema.
fn meta_schema() -> Result<Value, String> {
    let mut schema: Value = serde_json::from_str(META_SCHEMA).map_err(|e| e.to_string())?;
    let components = &mut schema["definitions"][format!("{DEFINITIONS}components.json")]["properties"];
    for map in ["messageTraits", "operationTraits"] {
        let member = &mut components[map]["additionalProperties"];
        let written = member.take();
        if written.is_null() {
            return Err(format!("`components.{map}` has no `additionalProperties` to extend"));
        }
        *member = serde_json::json!({
            "oneOf": [{ "$ref": format!("{DEFINITIONS}Reference.json") }, written]
        });
    }
    let message = &mut schema["definitions"][format!("{DEFINITIONS}message.json")];
    let Some(Value::Array(payload_rules)) = message.pointer_mut("/oneOf/1/oneOf/1/allOf") else {
        return Err("the message definition has no `allOf` of payload rules".to_owned());
    };
    let before = payload_rules.len();
    payload_rules.retain(|rule| {
        let formats = rule.pointer("/if/properties/schemaFormat/enum").and_then(Value::as_array);
        let translated = |format: &Value| {
            format.as_str().and_then(SchemaFormat::parse).is_some_and(|f| f != SchemaFormat::JsonSchema)
        };
        !formats.is_some_and(|formats| formats.iter().any(translated))
    });
    if payload_rules.len() != before - 2 {
        return Err("the message definition's OpenAPI and Avro payload rules were not found".to_owned());
    }
    Ok(schema)
}

/// The meta-schema's definitions (as [`meta_schema`] adjusts them), each
/// under its own `$id`: for schemas that refer to them.
pub(super) fn definitions() -> Result<Value, String> {
    Ok(meta_schema()?["definitions"].take())
}

/// What a part of the document in another file can be, by the name of its
/// definition in the meta-schema. (Declared in the order of [`Part::ALL`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Server,
    ChannelItem,
    Parameter,
    Message,
    MessageTrait,
    OperationTrait,
}

impl Part {
    const ALL: [Part; 6] = [
        Part::Server,
        Part::ChannelItem,
        Part::Parameter,
        Part::Message,
        Part::MessageTrait,
        Part::OperationTrait,
    ];

    fn definition(self) -> &'static str {
        match self {
            Part::Server => "server",
            Part::ChannelItem => "channelItem",
            Part::Parameter => "parameter",
            Part::Message => "message",
            Part::MessageTrait => "messageTrait",
            Part::OperationTrait => "operationTrait",
        }
    }
}

/// A validator per [`Part`], in the order of [`Part::ALL`]: the meta-schema's
/// definitions under a root that refers to the part's (each definition
/// carries its own `$id`).
static PART_VALIDATORS: LazyLock<Result<Vec<Validator>, String>> = LazyLock::new(|| {
    let mut schema = meta_schema()?;
    let definitions = schema["definitions"].take();
    Part::ALL
        .iter()
        .map(|part| {
            let id = format!("{DEFINITIONS}{}.json", part.definition());
            let root = serde_json::json!({ "$ref": id, "definitions": definitions });
            jsonschema::draft7::new(&root).map_err(|e| e.to_string())
        })
        .collect()
});

/// Validates the root file of the document against the meta-schema.
pub fn validate(sources: &Sources) -> Diagnostics {
    match &*VALIDATOR {
        Ok(validator) => report(validator, sources, &sources.root_site()),
        Err(reason) => does_not_compile(reason),
    }
}

/// Validates `site`, a node of another file than the root (which [`validate`]
/// covers) that the document uses as a `part`.
pub fn validate_part(sources: &Sources, site: &Site, part: Part) -> Diagnostics {
    match &*PART_VALIDATORS {
        Ok(validators) => report(&validators[part as usize], sources, site),
        Err(reason) => does_not_compile(reason),
    }
}

fn does_not_compile(reason: &str) -> Diagnostics {
    Diagnostic::error(format!("the embedded meta-schema does not compile: {reason}")).into()
}

/// The errors of the node at `site` against `validator`.
fn report(validator: &Validator, sources: &Sources, site: &Site) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let Some(node) = sources.get(site) else { return diagnostics };
    for error in validator.iter_errors(node).filter(|e| !is_pattern_format(e)).take(MAX_ERRORS) {
        let error = most_relevant(&error);
        if is_pattern_format(error) {
            continue;
        }
        let at = Site::new(site.file, format!("{}{}", site.pointer, error.instance_path().as_str()));
        if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
            // Each unknown field at its own line, where the reader must fix it.
            for name in unexpected {
                diagnostics.push(
                    Diagnostic::error(format!("{PREFIX}{UNKNOWN}`{name}`"))
                        .at(sources.locate(&at.join(name))),
                );
            }
            continue;
        }
        let escaped = escaped_uri(error);
        if let Some((written, escaped)) = &escaped
            && at.pointer.ends_with("/$ref")
            && Format::UriReference.is_valid(escaped)
        {
            // Components named `Billing Receipt Created` are common (see
            // `rules`), and the official parser follows references to them
            // as written.
            diagnostics.push(
                Diagnostic::warning(format!("`$ref` `{written}` holds characters a URI must escape"))
                    .at(sources.locate(&at))
                    .with_help(format!("write `{escaped}`; other tools may refuse this one")),
            );
            continue;
        }
        let mut diagnostic =
            Diagnostic::error(format!("{PREFIX}{}", describe(error))).at(sources.locate(&at));
        if let Some((_, escaped)) = escaped {
            diagnostic = diagnostic.with_help(format!("escape what URIs cannot hold: `{escaped}`"));
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// For a URI (a `$ref`) that is not one because of characters URIs escape,
/// the URI as written and escaped: names with spaces are common in
/// `components`.
fn escaped_uri(error: &ValidationError<'_>) -> Option<(String, String)> {
    let ValidationErrorKind::Format { format } = error.kind() else { return None };
    let Value::String(text) = error.instance().as_ref() else { return None };
    if !format.starts_with("uri") {
        return None;
    }
    let mut escaped = String::new();
    for c in text.chars() {
        match c {
            ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => {
                escaped.push_str(&format!("%{:02X}", u32::from(c)));
            }
            c => escaped.push(c),
        }
    }
    (escaped != *text).then(|| (text.clone(), escaped))
}

/// For "matches none of the alternatives" errors, the one error of the
/// [alternative meant](meant_alternative) that reaches deepest into the
/// document (then one not [off target](is_off_target)); other errors as they are.
pub(super) fn most_relevant<'a, 'i>(error: &'a ValidationError<'i>) -> &'a ValidationError<'i> {
    meant_alternative(error)
        .and_then(|leaves| {
            leaves.into_iter().max_by_key(|e| (e.instance_path().as_str().len(), !is_off_target(e)))
        })
        .unwrap_or(error)
}

/// For "matches none of the alternatives" errors, the errors of the
/// alternative the author most likely meant, each its most relevant: the
/// alternative whose errors reach deepest into the document, then the one that
/// is not a `$ref` or a different type altogether, then the one with the
/// fewest errors. `None` for other errors.
pub(crate) fn meant_alternative<'a, 'i>(
    error: &'a ValidationError<'i>,
) -> Option<Vec<&'a ValidationError<'i>>> {
    let context = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => context,
        _ => return None,
    };
    context
        .iter()
        .filter(|branch| !branch.is_empty())
        .map(|branch| branch.iter().map(most_relevant).collect())
        .max_by_key(|leaves: &Vec<&ValidationError<'i>>| {
            let depth = leaves.iter().map(|e| e.instance_path().as_str().len()).max().unwrap_or(0);
            let off_target = leaves.iter().filter(|e| is_off_target(e)).count();
            (depth, usize::MAX - off_target, usize::MAX - leaves.len())
        })
}

/// `format: regex` errors: the meta-schema's regex engine is not the one the
/// generated code uses; the lints check patterns with that one, and say more.
fn is_pattern_format(error: &ValidationError<'_>) -> bool {
    matches!(error.kind(), ValidationErrorKind::Format { format } if format == "regex")
}

/// Errors that say the node is another kind of thing altogether (a `$ref`, or a
/// value of another type), rather than a flawed version of the right thing.
fn is_off_target(error: &ValidationError<'_>) -> bool {
    match error.kind() {
        ValidationErrorKind::Required { property } => property.as_str() == Some("$ref"),
        ValidationErrorKind::Type { .. } => true,
        _ => false,
    }
}

const PREFIX: &str = "not valid AsyncAPI 2.6: ";
const MISSING: &str = "missing required field ";
const UNKNOWN: &str = "unknown field ";

/// Whether the diagnostic (one of ours) is about the fields of its node: a
/// problem deeper down cannot be why a field is missing or unknown.
pub fn is_about_fields(diagnostic: &Diagnostic) -> bool {
    diagnostic
        .message
        .strip_prefix(PREFIX)
        .is_some_and(|text| text.starts_with(MISSING) || text.starts_with(UNKNOWN))
}

pub(super) fn describe(error: &ValidationError<'_>) -> String {
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!("{MISSING}`{}`", property.as_str().unwrap_or("?"))
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            "this node matches none of the forms AsyncAPI allows here".to_owned()
        }
        _ => {
            let text = error.to_string();
            if text.chars().count() > 200 {
                let cut: String = text.chars().take(200).collect();
                format!("{cut}...")
            } else {
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The meta-schema's diagnostics for a root document written in `text`.
    fn validate_text(text: &str) -> Diagnostics {
        validate(&Sources::from_text(text, "d.yaml").unwrap())
    }

    /// A document whose one message is the Reference Object `{$ref: reference}`.
    fn message_reference(reference: &str) -> String {
        format!(
            "asyncapi: 2.6.0\ninfo: {{title: t, version: '1'}}\nchannels:\n  a:\n    subscribe:\n      message: {{$ref: '{reference}'}}\n"
        )
    }

    #[test]
    fn the_embedded_meta_schema_compiles() {
        assert!(VALIDATOR.is_ok(), "{:?}", VALIDATOR.as_ref().err());
    }

    #[test]
    fn every_part_has_a_validator() {
        let validators = PART_VALIDATORS.as_ref().expect("the parts' validators compile");
        assert_eq!(validators.len(), Part::ALL.len());
        for (index, part) in Part::ALL.iter().enumerate() {
            assert_eq!(*part as usize, index, "{part:?} is declared in the order of `Part::ALL`");
        }
    }

    #[test]
    fn parts_are_checked_as_what_they_are() {
        let text = "M:\n  payloads: {type: object}\nT:\n  headers: {type: object}\n  payload: {}\nP:\n  schema: {type: string}\n  location: 1\nV:\n  name: v\n  payload: {type: object}\n";
        let sources = Sources::from_text(text, "parts.yaml").unwrap();
        let at = |pointer: &str| Site::new(sources.root(), pointer.to_owned());
        let message = validate_part(&sources, &at("/M"), Part::Message);
        let first = message.iter().next().expect("`payloads` is no message field");
        assert!(first.message.contains("`payloads`"), "{}", first.message);
        assert_eq!(first.location.as_ref().unwrap().pointer, "/M/payloads");
        // A trait has no payload; a parameter's location is a string.
        assert!(
            validate_part(&sources, &at("/T"), Part::MessageTrait)
                .iter()
                .any(|d| d.message.contains("`payload`"))
        );
        assert!(validate_part(&sources, &at("/P"), Part::Parameter).has_errors());
        assert!(!validate_part(&sources, &at("/V"), Part::Message).has_errors());
        // An operation trait has no message.
        assert!(
            validate_part(&sources, &at("/V"), Part::OperationTrait)
                .iter()
                .any(|d| d.message.contains("`payload`"))
        );
    }

    #[test]
    fn component_traits_may_be_references_as_the_specification_says() {
        let document = |traits: &str| {
            format!(
                "asyncapi: 2.6.0\ninfo: {{title: t, version: '1'}}\nchannels: {{}}\ncomponents:\n{traits}"
            )
        };
        let referred = document(
            "  messageTraits:\n    m: {$ref: 'lib.yaml#/m'}\n  operationTraits:\n    o: {$ref: 'lib.yaml#/o'}\n",
        );
        let sources = Sources::from_text(&referred, "asyncapi.yaml").unwrap();
        assert!(!validate(&sources).has_errors(), "{:?}", validate(&sources));
        // Traits written in place are still checked as traits.
        let written =
            document("  messageTraits:\n    m: {payload: {}}\n  operationTraits:\n    o: {message: {}}\n");
        let sources = Sources::from_text(&written, "asyncapi.yaml").unwrap();
        let errors: Vec<String> = validate(&sources).iter().map(|d| d.message.clone()).collect();
        assert!(errors.iter().any(|e| e.contains("`payload`")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("`message`")), "{errors:?}");
    }

    #[test]
    fn points_into_the_alternative_the_author_meant() {
        let text = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  a:\n    subscribe:\n      message:\n        payload: {type: string}\n        bogus: 1\n";
        let diagnostics = validate_text(text);
        let first = diagnostics.iter().next().expect("an unknown message field is invalid");
        assert_eq!(first.message, "not valid AsyncAPI 2.6: unknown field `bogus`");
        let location = first.location.as_ref().unwrap();
        assert_eq!(location.pointer, "/channels/a/subscribe/message/bogus");
        assert_eq!(location.line, Some(8), "at the field's own line");
    }

    #[test]
    fn a_reference_with_spaces_is_a_warning_with_its_escaped_spelling() {
        let diagnostics = validate_text(&message_reference("#/components/messages/Billing Receipt"));
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
        let warning = diagnostics.iter().next().expect("a space is not allowed in a URI");
        assert_eq!(
            warning.message,
            "`$ref` `#/components/messages/Billing Receipt` holds characters a URI must escape"
        );
        assert_eq!(warning.location.as_ref().unwrap().pointer, "/channels/a/subscribe/message/$ref");
        assert_eq!(
            warning.help.as_deref(),
            Some("write `#/components/messages/Billing%20Receipt`; other tools may refuse this one")
        );
    }

    #[test]
    fn a_reference_that_escaping_does_not_mend_is_an_error() {
        let diagnostics = validate_text(&message_reference("#/components/messages/%zz Receipt"));
        let error = diagnostics.iter().next().expect("`%zz` is no escape");
        assert!(error.is_error() && error.message.contains("uri-reference"), "{error:?}");
        assert_eq!(
            error.help.as_deref(),
            Some("escape what URIs cannot hold: `#/components/messages/%zz%20Receipt`")
        );
    }

    #[test]
    fn each_unknown_field_is_its_own_error() {
        let text = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannel: {}\nchannels: {}\nservers: {}\nextra: 1\n";
        let found: Vec<(String, Option<usize>)> = validate_text(text)
            .iter()
            .map(|d| (d.message.clone(), d.location.as_ref().and_then(|l| l.line)))
            .collect();
        assert_eq!(
            found,
            [
                ("not valid AsyncAPI 2.6: unknown field `channel`".to_owned(), Some(3)),
                ("not valid AsyncAPI 2.6: unknown field `extra`".to_owned(), Some(6)),
            ]
        );
    }
}
