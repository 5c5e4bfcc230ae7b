//! What a body is at a glance: its JSON kind, read from its first significant
//! byte, for documents whose messages differ in kind (an object event and a
//! string heartbeat) before they differ in content.

use crate::message::{Rejection, RejectionKind};
use crate::violation::{Keyword, Violation};

/// The kind of a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonKind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

impl JsonKind {
    pub fn name(self) -> &'static str {
        match self {
            JsonKind::Object => "an object",
            JsonKind::Array => "an array",
            JsonKind::String => "a string",
            JsonKind::Number => "a number",
            JsonKind::Boolean => "a boolean",
            JsonKind::Null => "null",
        }
    }
}

/// The kind of the JSON value `body` starts with (after whitespace and a UTF-8
/// byte order mark); `None` when it starts with nothing JSON allows. Whether the
/// rest is JSON is for the parser to say.
pub fn json_kind(body: &[u8]) -> Option<JsonKind> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let first = body.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
    Some(match first {
        b'{' => JsonKind::Object,
        b'[' => JsonKind::Array,
        b'"' => JsonKind::String,
        b'-' | b'0'..=b'9' => JsonKind::Number,
        b't' | b'f' => JsonKind::Boolean,
        b'n' => JsonKind::Null,
        _ => return None,
    })
}

/// The rejection of a body whose kind no message has.
pub fn unexpected_kind(found: Option<JsonKind>, expected: &[JsonKind]) -> Rejection {
    let expected: Vec<&str> = expected.iter().map(|kind| kind.name()).collect();
    let message = match found {
        Some(kind) => format!("the body is {}; messages here are {}", kind.name(), expected.join(" or ")),
        None => "the body is not JSON".to_owned(),
    };
    let (kind, keyword) = match found {
        Some(_) => (RejectionKind::UnknownMessage, Keyword::Type),
        None => (RejectionKind::NotJson, Keyword::Json),
    };
    Rejection {
        kind,
        message: None,
        violations: Violation { pointer: String::new(), keyword, message }.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_kind_from_the_first_significant_byte() {
        assert_eq!(json_kind(b"  {\"a\":1}"), Some(JsonKind::Object));
        assert_eq!(json_kind(b"\xEF\xBB\xBF[1]"), Some(JsonKind::Array));
        assert_eq!(json_kind(b"\"\\r\\n\""), Some(JsonKind::String));
        assert_eq!(json_kind(b"-1"), Some(JsonKind::Number));
        assert_eq!(json_kind(b"true"), Some(JsonKind::Boolean));
        assert_eq!(json_kind(b"null"), Some(JsonKind::Null));
        assert_eq!(json_kind(b"  "), None);
        assert_eq!(json_kind(b"<xml/>"), None);
    }

    #[test]
    fn rejections_say_what_was_expected() {
        let rejection = unexpected_kind(Some(JsonKind::Array), &[JsonKind::Object, JsonKind::String]);
        assert_eq!(rejection.kind, RejectionKind::UnknownMessage);
        assert_eq!(
            rejection.violations.iter().next().map(|v| v.message.as_str()),
            Some("the body is an array; messages here are an object or a string")
        );
        assert_eq!(unexpected_kind(None, &[JsonKind::Object]).kind, RejectionKind::NotJson);
    }
}
