//! Channel addresses with parameters (`smartylighting/{streetlightId}/dim`):
//! matched against templates, parameters read and checked against their schemas.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::message::{CheckJson, HeaderKind, Mode};
use crate::path::Path;
use crate::violation::{Keyword, Violation, Violations};

/// A piece of an address template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Literal(&'static str),
    /// A parameter: a non-empty run of characters up to the next literal,
    /// within one level of the address (no `/`: `users/{id}` is not
    /// `users/5/profile`).
    Parameter,
}

/// The parameter values of `address` if it fits `parts`, in template order.
pub fn match_template<'a>(address: &'a str, parts: &[Part]) -> Option<Vec<&'a str>> {
    let mut rest = address;
    let mut values = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        match part {
            Part::Literal(text) => rest = rest.strip_prefix(text)?,
            Part::Parameter => {
                let level = rest.find('/').unwrap_or(rest.len());
                let end = match parts.get(index + 1) {
                    // The first occurrence: one after this level would leave a `/` in the value.
                    Some(Part::Literal(next)) => rest.find(next)?,
                    // Two parameters in a row cannot be told apart (the
                    // generator refuses such templates): the first takes all
                    // of the level but its last character.
                    Some(Part::Parameter) => rest[..level].char_indices().last()?.0,
                    None => level,
                };
                let value = &rest[..end];
                if value.is_empty() || value.contains('/') {
                    return None;
                }
                values.push(value);
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty().then_some(values)
}

/// Reads parameter `name` from its text: checked against its schema, then
/// typed; `None` when it cannot be, with the reasons in `out` (under `/name`).
pub fn parameter<T: DeserializeOwned>(
    name: &str,
    text: &str,
    kind: HeaderKind,
    check: CheckJson,
    out: &mut Violations,
) -> Option<T> {
    let json = match kind {
        HeaderKind::Scalar => serde_json::from_str::<Value>(text)
            .ok()
            .filter(|v| v.is_number() || v.is_boolean())
            .unwrap_or_else(|| Value::String(text.to_owned())),
        HeaderKind::Text => Value::String(text.to_owned()),
    };
    let before = out.len();
    {
        let mut at = Path::root();
        at.push_key(name);
        check(&json, &mut at, out, Mode::Lenient);
    }
    if out.len() > before {
        return None;
    }
    match serde_json::from_value(json) {
        Ok(value) => Some(value),
        Err(error) => {
            out.push_violation(Violation {
                pointer: format!("/{name}"),
                keyword: Keyword::Representable,
                message: format!("cannot be represented in Rust: {error}"),
            });
            None
        }
    }
}

/// A parameter value as it is written in an address (strings without quotes).
pub fn text_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREETLIGHT: [Part; 3] = [Part::Literal("lights/"), Part::Parameter, Part::Literal("/dim")];

    #[test]
    fn matches_templates() {
        assert_eq!(match_template("lights/42/dim", &STREETLIGHT), Some(vec!["42"]));
        assert_eq!(match_template("lights//dim", &STREETLIGHT), None);
        assert_eq!(match_template("lights/42/dim/x", &STREETLIGHT), None);
        assert_eq!(match_template("other/42/dim", &STREETLIGHT), None);
        let two = [Part::Parameter, Part::Literal("/"), Part::Parameter];
        assert_eq!(match_template("room/chat", &two), Some(vec!["room", "chat"]));
        assert_eq!(match_template("exact", &[Part::Literal("exact")]), Some(vec![]));
        // A parameter holds one level of the address.
        let user = [Part::Literal("users/"), Part::Parameter];
        assert_eq!(match_template("users/5", &user), Some(vec!["5"]));
        assert_eq!(match_template("users/5/profile", &user), None);
        assert_eq!(match_template("lights/4/2/dim", &STREETLIGHT), None);
        let dotted = [Part::Literal("a."), Part::Parameter, Part::Literal(".b")];
        assert_eq!(match_template("a.x.y.b", &dotted), Some(vec!["x.y"]));
        // Side by side (refused by the generator), and no panic on any character.
        let adjacent = [Part::Literal("rooms/"), Part::Parameter, Part::Parameter];
        assert_eq!(match_template("rooms/xé", &adjacent), Some(vec!["x", "é"]));
        assert_eq!(match_template("rooms/é", &adjacent), None);
        assert_eq!(match_template("rooms/ab/c", &adjacent), None);
        assert_eq!(match_template("lights/ab/ééé/dim", &STREETLIGHT), None);
    }

    fn positive<'v>(value: &'v Value, at: &mut Path<'v>, out: &mut Violations, _: Mode) {
        if value.as_i64().is_none_or(|n| n < 0) {
            out.push(at, Keyword::Minimum, "must be a non-negative integer");
        }
    }

    #[test]
    fn reads_and_checks_parameters() {
        let mut out = Violations::new();
        assert_eq!(parameter::<i64>("n", "42", HeaderKind::Scalar, positive, &mut out), Some(42));
        assert_eq!(parameter::<i64>("n", "-1", HeaderKind::Scalar, positive, &mut out), None);
        assert_eq!(out.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(), ["/n"]);
        assert_eq!(text_of(&"a b"), "a b");
        assert_eq!(text_of(&42), "42");
    }
}
