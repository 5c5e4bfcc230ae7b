//! A message's correlation ID, read where its document's `correlationId`
//! says (`$message.header#/correlation_id`, `$message.payload#/meta/id`).
//!
//! Generated code reads a payload property it can reach through its types
//! directly; these functions cover the rest: headers, and payload locations
//! the types cannot follow (inside arrays, maps or unions). A payload is read
//! as parsed: a string as it came, other values as they serialize again (a
//! number as JSON writes it, a date-time in RFC 3339). An ID is a scalar: an
//! object or an array found there reads as none.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

/// The value at `pointer` in the headers: its first token names the header
/// (case-insensitively); further tokens point into the header's text read as
/// JSON (`/MQMD/CorrelId`). `None` when there is no such value, or the header
/// is not UTF-8.
pub fn in_headers<'a>(headers: &'a http::HeaderMap, pointer: &[&str]) -> Option<Cow<'a, str>> {
    let (name, inside) = pointer.split_first()?;
    let text = std::str::from_utf8(headers.get(*name)?.as_bytes()).ok()?;
    if inside.is_empty() {
        return Some(Cow::Borrowed(text));
    }
    let json: Value = serde_json::from_str(text).ok()?;
    scalar_text(follow(&json, inside)?).map(Cow::Owned)
}

/// The value at `pointer` (its tokens, unescaped) in `message` as JSON.
pub fn in_payload<T: Serialize>(message: &T, pointer: &[&str]) -> Option<Cow<'static, str>> {
    let json = serde_json::to_value(message).ok()?;
    scalar_text(follow(&json, pointer)?).map(Cow::Owned)
}

/// A typed value as correlation text: a string as it is, other values as
/// their JSON (`42`, `true`); `None` for `null`.
pub fn text<T: Serialize>(value: &T) -> Option<Cow<'static, str>> {
    scalar_text(&serde_json::to_value(value).ok()?).map(Cow::Owned)
}

fn follow<'v>(mut value: &'v Value, pointer: &[&str]) -> Option<&'v Value> {
    for token in pointer {
        value = match value {
            Value::Object(object) => object.get(*token)?,
            Value::Array(items) => items.get(array_index(token)?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// An array index as RFC 6901 writes one: digits, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if digits && (token == "0" || !token.starts_with('0')) { token.parse().ok() } else { None }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn headers_are_read_by_name_and_into_their_json() {
        let mut headers = http::HeaderMap::new();
        headers.insert("correlation_id", "abc-1".parse().unwrap());
        headers.insert("mqmd", r#"{"CorrelId": 7, "Format": "MQSTR"}"#.parse().unwrap());
        headers.insert("latin-1", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
        headers.insert("utf-8", http::HeaderValue::from_bytes("café".as_bytes()).unwrap());
        assert_eq!(in_headers(&headers, &["Correlation_ID"]).as_deref(), Some("abc-1"));
        assert!(matches!(in_headers(&headers, &["correlation_id"]), Some(Cow::Borrowed(_))));
        assert_eq!(in_headers(&headers, &["MQMD", "CorrelId"]).as_deref(), Some("7"));
        assert_eq!(in_headers(&headers, &["MQMD", "Format"]).as_deref(), Some("MQSTR"));
        assert_eq!(in_headers(&headers, &["MQMD", "Missing"]), None);
        assert_eq!(in_headers(&headers, &["correlation_id", "inside"]), None);
        assert_eq!(in_headers(&headers, &["latin-1"]), None);
        assert_eq!(in_headers(&headers, &["utf-8"]).as_deref(), Some("café"));
        assert_eq!(in_headers(&headers, &["MQMD"]).as_deref(), Some(r#"{"CorrelId": 7, "Format": "MQSTR"}"#));
        assert_eq!(in_headers(&headers, &["not a name"]), None);
        assert_eq!(in_headers(&headers, &["absent"]), None);
        assert_eq!(in_headers(&headers, &[]), None);
    }

    #[test]
    fn payloads_are_followed_through_objects_and_arrays() {
        let message = json!({"meta": {"ids": ["first", 2]}, "empty": null});
        assert_eq!(in_payload(&message, &["meta", "ids", "0"]).as_deref(), Some("first"));
        assert_eq!(in_payload(&message, &["meta", "ids", "1"]).as_deref(), Some("2"));
        assert_eq!(in_payload(&message, &["meta", "ids", "2"]), None);
        assert_eq!(in_payload(&message, &["meta", "ids", "x"]), None);
        assert_eq!(in_payload(&message, &["meta", "ids", "01"]), None);
        assert_eq!(in_payload(&message, &["meta", "ids", "+1"]), None);
        assert_eq!(in_payload(&message, &["meta", "ids"]), None, "an array is no ID");
        assert_eq!(in_payload(&message, &["meta"]), None, "an object is no ID");
        assert_eq!(in_payload(&json!(true), &[]).as_deref(), Some("true"));
        assert_eq!(in_payload(&message, &["empty"]), None);
        assert_eq!(text(&4810975311936405773_u64).as_deref(), Some("4810975311936405773"));
        assert_eq!(text(&"id").as_deref(), Some("id"));
        assert_eq!(text(&Option::<u8>::None), None);
    }
}
