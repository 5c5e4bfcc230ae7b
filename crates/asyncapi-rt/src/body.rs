//! What a body is at a glance, read from its bytes without parsing it into
//! values: its JSON kind (from its first significant byte, for documents whose
//! messages differ in kind, an object event and a string heartbeat, before they
//! differ in content), a guess at its discriminator value, and the
//! discriminator members read for certain ([`probe`]).

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, MapAccess, SeqAccess, Visitor};

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

/// The value of a discriminator member, as [`probe`] read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Tag<'b> {
    /// A string: borrowed from the body unless it holds escapes.
    Text(Cow<'b, str>),
    /// Any other JSON value, which names no message.
    NotText(JsonKind),
    /// Not in the body.
    #[default]
    Missing,
}

impl Tag<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Tag::Text(text) => Some(text),
            Tag::NotText(_) | Tag::Missing => None,
        }
    }
}

/// The top-level members `names` of the JSON object in `body`, read to route
/// it: everything else is skipped, nothing allocated but unescaped strings. A
/// member written twice counts as its last occurrence, as a
/// `serde_json::Value` (and so the validators) reads it.
///
/// A body that is not JSON, or not an object, is rejected as such.
pub fn probe<'b, const N: usize>(body: &'b [u8], names: [&str; N]) -> Result<[Tag<'b>; N], Rejection> {
    // UTF-8 checked once, for the whole body: the members skipped are checked too.
    let text = std::str::from_utf8(body).map_err(|error| Rejection::not_json(&error))?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = (&mut deserializer)
        .deserialize_map(Members { names })
        .and_then(|tags| deserializer.end().map(|()| tags));
    read.map_err(|error| match error.classify() {
        // Not an object: serde_json says so before reading the rest, which
        // `unexpected_kind` reads to tell another kind from a broken body.
        serde_json::error::Category::Data => unexpected_kind(body, &[JsonKind::Object]),
        _ => Rejection::not_json(&error),
    })
}

/// [`probe`]'s visitor of the body's object.
struct Members<'n, const N: usize> {
    names: [&'n str; N],
}

impl<'de, const N: usize> Visitor<'de> for Members<'_, N> {
    type Value = [Tag<'de>; N];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut tags = std::array::from_fn(|_| Tag::Missing);
        // Keys are JSON strings, so every key is a `Tag::Text`.
        while let Some(key) = map.next_key::<Tag<'de>>()? {
            match self.names.iter().position(|name| key.as_str() == Some(name)) {
                Some(index) => tags[index] = map.next_value()?,
                None => {
                    map.next_value::<Tag<'de>>()?;
                }
            }
        }
        Ok(tags)
    }
}

impl<'de> de::Deserialize<'de> for Tag<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TagVisitor)
    }
}

/// Reads any JSON value as a [`Tag`], skipping what is not a string. What it
/// skips is checked as a `serde_json::Value` would check it, and so as the
/// validators read the body: strings with their escapes, numbers in range,
/// nesting within serde_json's depth limit (serde's `IgnoredAny` checks less,
/// and would take for JSON what the validators call broken).
struct TagVisitor;

impl<'de> Visitor<'de> for TagVisitor {
    type Value = Tag<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Tag::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Tag::Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Tag::Text(Cow::Owned(text)))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Tag::NotText(JsonKind::Boolean))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Tag::NotText(JsonKind::Number))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Tag::NotText(JsonKind::Number))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Tag::NotText(JsonKind::Number))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Tag::NotText(JsonKind::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Tag<'de>>()?.is_some() {}
        Ok(Tag::NotText(JsonKind::Array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<Tag<'de>, Tag<'de>>()?.is_some() {}
        Ok(Tag::NotText(JsonKind::Object))
    }
}

/// The rejection of `body`, whose JSON kind no message has (theirs are
/// `expected`); one that is not JSON at all is rejected as such.
pub fn unexpected_kind(body: &[u8], expected: &[JsonKind]) -> Rejection {
    let parsed = std::str::from_utf8(body)
        .map_err(|error| Rejection::not_json(&error))
        .and_then(|text| serde_json::from_str::<Tag<'_>>(text).map_err(|error| Rejection::not_json(&error)));
    if let Err(not_json) = parsed {
        return not_json;
    }
    let expected: Vec<&str> = expected.iter().map(|kind| kind.name()).collect();
    let found = json_kind(body).map_or("empty", JsonKind::name);
    Rejection {
        kind: RejectionKind::UnknownMessage,
        message: None,
        violations: Violation {
            pointer: String::new(),
            keyword: Keyword::Type,
            message: format!("the body is {found}; messages here are {}", expected.join(" or ")),
        }
        .into(),
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
    fn probes_read_the_named_top_level_members() {
        let body = br#"{"n":{"kind":"nested"},"kind":"order","sub\u0074ype":"a\u002eb","count":3}"#;
        let [kind, subtype, count, absent] =
            probe(body, ["kind", "subtype", "count", "absent"]).expect("an object");
        assert_eq!(kind, Tag::Text(Cow::Borrowed("order")), "the top-level member, not the nested one");
        assert!(matches!(kind, Tag::Text(Cow::Borrowed(_))), "borrowed when unescaped");
        assert_eq!(subtype.as_str(), Some("a.b"), "escapes in names and values are read");
        assert_eq!(count, Tag::NotText(JsonKind::Number));
        assert_eq!(absent, Tag::Missing);
        for (value, kind) in [
            ("true", JsonKind::Boolean),
            ("null", JsonKind::Null),
            ("[1, [2]]", JsonKind::Array),
            (r#"{"kind": "x"}"#, JsonKind::Object),
            ("1.5", JsonKind::Number),
            ("-1", JsonKind::Number),
        ] {
            let body = format!(r#"{{"kind": {value}}}"#);
            assert_eq!(probe(body.as_bytes(), ["kind"]).expect("an object"), [Tag::NotText(kind)], "{value}");
        }
    }

    #[test]
    fn a_repeated_member_counts_as_its_last_occurrence() {
        let [kind] = probe(br#"{"kind":"a","kind":"b"}"#, ["kind"]).expect("an object");
        assert_eq!(kind.as_str(), Some("b"));
        let value: serde_json::Value = serde_json::from_slice(br#"{"kind":"a","kind":"b"}"#).expect("JSON");
        assert_eq!(value["kind"], "b", "as serde_json::Value reads it");
    }

    #[test]
    fn probes_reject_what_is_not_a_json_object() {
        for body in [&b"[1]"[..], b"\"kind\"", b"3"] {
            let rejection = probe(body, ["kind"]).expect_err("not an object");
            assert_eq!(rejection.kind, RejectionKind::UnknownMessage, "{body:?}");
            assert_eq!(rejection.violations.iter().next().map(|v| v.keyword), Some(Keyword::Type));
        }
        // Broken bodies that start like another kind are not JSON either; nor is
        // a member skipped that is not UTF-8.
        for body in [
            &b"{"[..],
            b"",
            b"{\"kind\":\"a\"} x",
            b"{\"kind\":\"\xff\"}",
            b"{\"x\":\"\xff\",\"kind\":\"nope\"}",
            b"[",
            b"[1,",
            b"123abc",
            b"nullx",
            br#"{"x":"\ud800","kind":"nope"}"#,
            br#"{"x":1e999,"kind":"nope"}"#,
        ] {
            let rejection = probe(body, ["kind"]).expect_err("not JSON");
            assert_eq!(rejection.kind, RejectionKind::NotJson, "{body:?}");
            assert!(serde_json::from_slice::<serde_json::Value>(body).is_err(), "the validators agree");
        }
        // Nested deeper than serde_json reads a `Value`.
        let deep = format!(r#"{{"x":{}{},"kind":"nope"}}"#, "[".repeat(200), "]".repeat(200));
        assert_eq!(probe(deep.as_bytes(), ["kind"]).expect_err("too deep").kind, RejectionKind::NotJson);
    }

    #[test]
    fn rejections_say_what_was_expected() {
        let rejection = unexpected_kind(b"[1]", &[JsonKind::Object, JsonKind::String]);
        assert_eq!(rejection.kind, RejectionKind::UnknownMessage);
        assert_eq!(
            rejection.violations.iter().next().map(|v| v.message.as_str()),
            Some("the body is an array; messages here are an object or a string")
        );
        for body in [&b"<xml/>"[..], b"[1,", b"[}", b"123abc", b"\"x\" junk", b"nullx", b"[\"\xff\"]"] {
            assert_eq!(unexpected_kind(body, &[JsonKind::Object]).kind, RejectionKind::NotJson, "{body:?}");
        }
    }
}
