//! A message's correlation ID, read where its document's `correlationId`
//! says (`$message.header#/correlation_id`, `$message.payload#/meta/id`).
//!
//! Generated code reads a payload property it can reach through its types
//! directly; these functions cover the rest: headers, and payload locations
//! the types cannot follow (inside arrays, maps or unions).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

/// The value at `pointer` in the headers: its first token names the header
/// (case-insensitively); further tokens point into the header's text read as
/// JSON (`/MQMD/CorrelId`). `None` when there is no such value, or the header
/// is not valid UTF-8.
pub fn in_headers<'a>(headers: &'a http::HeaderMap, pointer: &[&str]) -> Option<Cow<'a, str>> {
    let (name, inside) = pointer.split_first()?;
    let text = headers.get(*name)?.to_str().ok()?;
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
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
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
        assert_eq!(in_headers(&headers, &["Correlation_ID"]).as_deref(), Some("abc-1"));
        assert!(matches!(in_headers(&headers, &["correlation_id"]), Some(Cow::Borrowed(_))));
        assert_eq!(in_headers(&headers, &["MQMD", "CorrelId"]).as_deref(), Some("7"));
        assert_eq!(in_headers(&headers, &["MQMD", "Format"]).as_deref(), Some("MQSTR"));
        assert_eq!(in_headers(&headers, &["MQMD", "Missing"]), None);
        assert_eq!(in_headers(&headers, &["correlation_id", "inside"]), None);
        assert_eq!(in_headers(&headers, &["latin-1"]), None);
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
        assert_eq!(in_payload(&message, &["empty"]), None);
        assert_eq!(text(&4810975311936405773_u64).as_deref(), Some("4810975311936405773"));
        assert_eq!(text(&"id").as_deref(), Some("id"));
        assert_eq!(text(&Option::<u8>::None), None);
    }
}
