//! What a body is at a glance, read from its bytes without parsing: its JSON
//! kind (from its first significant byte, for documents whose messages differ
//! in kind, an object event and a string heartbeat, before they differ in
//! content), and a guess at its discriminator value.

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

/// A guess at the value of string member `property` of the object in `body`:
/// the first `"property": "value"` in the bytes whose value needs no escape.
///
/// Only a guess (the first such member may be nested, or sit inside a string),
/// so a caller must confirm it: generated code parses the body as the message
/// the guess names, whose type requires exactly that value, and goes the
/// careful way when that parse fails. It spares valid deliveries a full pass
/// over the body to find the discriminator before the typed parse.
pub fn sniff_string<'b>(body: &'b [u8], property: &str) -> Option<&'b str> {
    let name = property.as_bytes();
    if name.is_empty() || name.iter().any(|b| matches!(b, b'"' | b'\\') || *b < 0x20) {
        return None;
    }
    // Candidates are the quotes followed by the name and a closing quote. The
    // discriminator usually comes first, so walking quotes stops early, where
    // a substring finder would cost more to build than the search.
    for quote in memchr::memchr_iter(b'"', body) {
        let start = quote + 1;
        let quoted = body[start..].starts_with(name) && body.get(start + name.len()) == Some(&b'"');
        if !quoted {
            continue;
        }
        let rest = skip_whitespace(&body[start + name.len() + 1..]);
        let Some(rest) = rest.strip_prefix(b":") else { continue };
        let Some(value) = skip_whitespace(rest).strip_prefix(b"\"") else { continue };
        let end = memchr::memchr2(b'"', b'\\', value)?;
        return match value[end] {
            b'"' => std::str::from_utf8(&value[..end]).ok(),
            _ => None,
        };
    }
    None
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')).unwrap_or(bytes.len());
    &bytes[start..]
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
    fn sniffs_the_first_member_with_a_plain_string_value() {
        assert_eq!(
            sniff_string(br#"{"eventName":"registrant.added","a":1}"#, "eventName"),
            Some("registrant.added")
        );
        assert_eq!(sniff_string(b"{ \"a\": 1,\n  \"eventName\" :\t\"x.y\" }", "eventName"), Some("x.y"));
        // The first occurrence that is a member name and has a string value.
        let body = br#"{"note":"eventName","eventName ":"no","n":{"eventName":2},"eventName":"yes"}"#;
        assert_eq!(sniff_string(body, "eventName"), Some("yes"));
        // A nested member comes first: the guess is wrong, which callers confirm.
        assert_eq!(sniff_string(br#"{"n":{"k":"a"},"k":"b"}"#, "k"), Some("a"));
        assert_eq!(sniff_string(br#"{"myk":"a","k":"b"}"#, "k"), Some("b"));
        assert_eq!(
            sniff_string(br#"{"eventName":"a\u002eb"}"#, "eventName"),
            None,
            "escapes are not guessed"
        );
        assert_eq!(sniff_string(br#"{"eventName":"unterminated"#, "eventName"), None);
        assert_eq!(sniff_string(br#"{"other":"x"}"#, "eventName"), None);
        assert_eq!(sniff_string(br#"{"eventName":"x"}"#, ""), None);
        assert_eq!(sniff_string(br#"{"a\"b":"x"}"#, "a\"b"), None, "names that need escapes are not guessed");
        assert_eq!(sniff_string(b"{\"k\":\"\xff\"}", "k"), None, "not UTF-8");
        assert_eq!(sniff_string(br#"{"k":"#, "k"), None);
        assert_eq!(sniff_string(br#"k":"v""#, "k"), None, "no quote before the name");
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
