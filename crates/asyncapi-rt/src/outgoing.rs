//! Messages the user sends: validated, serialized and, when the document's
//! message declares a signature header, signed; their declared headers
//! written as HTTP headers.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, header::CONTENT_TYPE};
use serde::Serialize;
use serde_json::Value;

use crate::message::{CheckJson, CheckTyped, HeaderKind, Mode, Validate, header_json};
use crate::path::Path;
use crate::signature::Signer;
use crate::violation::{Keyword, Violations};

/// A message ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The channel address to publish on, parameters filled in.
    pub channel: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Validates `message` (`check`), serializes it as JSON and signs it with
/// `signer`. The JSON is checked against the schema too (`raw`): what the
/// Rust value cannot show, such as a float that is not a number (NaN and the
/// infinities, which JSON writes as `null`), is a `representable` violation.
///
/// `headers` are the message's declared headers, as [`write_headers`] wrote
/// them, or what was wrong with them: those violations are returned with the
/// message's, all at once. `content_type` (a JSON media type,
/// `application/json` when it cannot be a header value) is the `Content-Type`
/// unless `headers` set one; the signature headers are the signer's, whatever
/// `headers` say.
pub fn prepare<T: Serialize>(
    channel: String,
    message: &T,
    check: CheckTyped<T>,
    raw: CheckJson,
    headers: Result<HeaderMap, Violations>,
    signer: Option<&Signer>,
    content_type: &'static str,
) -> Result<Outgoing, Violations> {
    let mut violations = Violations::new();
    check(message, &mut Path::root(), &mut violations);
    let body = violations.into_result().and_then(|()| written(message, raw));
    let (body, mut headers) = match (body, headers) {
        (Ok(body), Ok(headers)) => (body, headers),
        (body, headers) => {
            let mut violations = body.err().unwrap_or_default();
            violations.extend(headers.err().into_iter().flat_map(Violations::into_vec));
            return Err(violations);
        }
    };
    if !headers.contains_key(CONTENT_TYPE) {
        let content_type = HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_TYPE, content_type);
    }
    if let Some(signer) = signer {
        // `extend` replaces what `headers` held under the signer's names.
        headers.extend(signer.sign(&body));
    }
    Ok(Outgoing { channel, headers, body: Bytes::from(body) })
}

/// `message` as JSON, once the JSON passes `raw` too (each of its violations
/// is one the Rust value hid, recorded as `representable`).
fn written<T: Serialize>(message: &T, raw: CheckJson) -> Result<Vec<u8>, Violations> {
    let mut violations = Violations::new();
    // Read back rather than built with `to_value`, which may reorder the properties.
    let read_back =
        serde_json::to_vec(message).map_err(|error| format!("cannot be written as JSON: {error}")).and_then(
            |body| Ok((serde_json::from_slice::<Value>(&body).map_err(|error| error.to_string())?, body)),
        );
    match read_back {
        Ok((json, body)) => {
            as_written(&json, raw, &mut violations);
            violations.into_result().map(|()| body)
        }
        Err(why) => {
            violations.push(&Path::root(), Keyword::Representable, why);
            Err(violations)
        }
    }
}

/// The violations of `json`, as written from a typed value that passed its own
/// check: all `representable`.
fn as_written(json: &Value, raw: CheckJson, violations: &mut Violations) {
    let mut found = Violations::new();
    raw(json, &mut Path::root(), &mut found, Mode::Strict);
    for mut violation in found.into_vec() {
        violation.message = format!("as written in JSON, {}", violation.message);
        violation.keyword = Keyword::Representable;
        violations.push_violation(violation);
    }
}

/// A typed header set, validated, written as HTTP headers under the names its
/// fields serialize to: a string as itself, any other value as its JSON text.
/// A declared header (in `declared`, which says how each one reads) is written
/// so that [`parse_headers`](crate::message::parse_headers) reads back the
/// same value, in [`Mode::Strict`] (in [`Mode::Lenient`], `Content-Type`
/// reads as its bare media type); the others (from `additionalProperties`)
/// are sent, but not read back. A value that cannot go as it is (a control
/// character, which no header can hold; spaces at its edges, which HTTP
/// drops; an object, read back as a string; the string `"7"` where the header
/// reads numbers; a name that differs from another only in case, which HTTP
/// ignores) is a `representable` violation at its pointer, returned with
/// every other one.
pub fn write_headers<T: Serialize + Validate>(
    headers: &T,
    declared: &[(&str, HeaderKind)],
    raw: CheckJson,
) -> Result<HeaderMap, Violations> {
    let mut violations = Violations::new();
    headers.validate_at(&mut Path::root(), &mut violations);
    let json = match serde_json::to_value(headers) {
        Ok(json) => json,
        Err(error) => {
            let message = format!("cannot be written as JSON: {error}");
            violations.push(&Path::root(), Keyword::Representable, message);
            return Err(violations);
        }
    };
    let Value::Object(object) = &json else {
        let message = format!("a header set is an object, not `{json}`");
        violations.push(&Path::root(), Keyword::Representable, message);
        return Err(violations);
    };
    if violations.is_empty() {
        as_written(&json, raw, &mut violations);
    }
    write(object, declared, violations)
}

/// The headers of `object`, adding what cannot be sent to `violations`.
fn write(
    object: &serde_json::Map<String, Value>,
    declared: &[(&str, HeaderKind)],
    mut violations: Violations,
) -> Result<HeaderMap, Violations> {
    let mut map = HeaderMap::new();
    for (name, value) in object {
        let mut at = Path::root();
        at.push_key(name);
        let kind = declared.iter().find(|(declared, _)| declared == name).map(|&(_, kind)| kind);
        let (name, value) = match header(name, value, kind) {
            Ok(header) => header,
            Err(why) => {
                violations.push(&at, Keyword::Representable, why);
                continue;
            }
        };
        if map.contains_key(&name) {
            let why = format!("`{name}` is another header's name: HTTP header names ignore case");
            violations.push(&at, Keyword::Representable, why);
        } else if map.try_append(name, value).is_err() {
            violations.push(&Path::root(), Keyword::Representable, "too many headers for one message");
            break;
        }
    }
    violations.into_result().map(|()| map)
}

/// One header, or why `value` cannot be sent as one; a declared one (of
/// `kind`) must read back as it went.
fn header(name: &str, value: &Value, kind: Option<HeaderKind>) -> Result<(HeaderName, HeaderValue), String> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` cannot be an HTTP header name"))?;
    let text = match value {
        Value::String(text) => Cow::Borrowed(text.as_str()),
        other => Cow::Owned(other.to_string()),
    };
    if text.starts_with([' ', '\t']) || text.ends_with([' ', '\t']) {
        return Err(format!("{value} cannot be a header value: HTTP drops the spaces at its edges"));
    }
    let header_value = HeaderValue::from_bytes(text.as_bytes())
        .map_err(|_| format!("{value} cannot be a header value: it holds a control character"))?;
    if let Some(kind) = kind {
        let read_back = header_json(text.into_owned(), kind);
        if read_back != *value {
            return Err(format!("{value} cannot be a header value: its text reads back as {read_back}"));
        }
    }
    Ok((header_name, header_value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::headers_json;
    use crate::signature::{Secret, SignatureScheme};
    use serde_json::json;

    fn anything<T>(_: &T, _: &mut Path<'_>, _: &mut Violations) {}

    fn any_json<'v>(_: &'v Value, _: &mut Path<'v>, _: &mut Violations, _: Mode) {}

    fn odd<'v>(value: &'v u32, at: &mut Path<'v>, out: &mut Violations) {
        if value.is_multiple_of(2) {
            out.push(at, Keyword::MultipleOf, "must be odd");
        }
    }

    /// The raw check of `type: number`, or of an object whose `X-Ratio` is one.
    fn numbers<'v>(value: &'v Value, at: &mut Path<'v>, out: &mut Violations, _: Mode) {
        match value {
            Value::Object(object) => {
                if let Some(ratio) = object.get("X-Ratio").filter(|ratio| !ratio.is_number()) {
                    at.push_key("X-Ratio");
                    numbers(ratio, at, out, Mode::Strict);
                    at.pop();
                }
            }
            Value::Number(_) => {}
            _ => out.push(at, Keyword::Type, "must be a number"),
        }
    }

    fn no_headers() -> Result<HeaderMap, Violations> {
        Ok(HeaderMap::new())
    }

    /// `json`'s members written as headers, without validation.
    fn written_headers(json: &Value, declared: &[(&str, HeaderKind)]) -> Result<HeaderMap, Violations> {
        write(json.as_object().expect("an object"), declared, Violations::new())
    }

    #[test]
    fn sends_json_with_the_messages_content_type() {
        let sent = prepare(
            "a".to_owned(),
            &7,
            anything,
            any_json,
            no_headers(),
            None,
            "application/cloudevents+json",
        )
        .unwrap();
        assert_eq!(sent.body.as_ref(), b"7");
        assert_eq!(sent.headers[CONTENT_TYPE], "application/cloudevents+json");
        // A content type no header can hold falls back to JSON's own.
        let sent = prepare("a".to_owned(), &7, anything, any_json, no_headers(), None, "application/json\n")
            .unwrap();
        assert_eq!(sent.headers[CONTENT_TYPE], "application/json");
    }

    #[test]
    fn an_invalid_message_is_not_sent() {
        let violations =
            prepare("a".to_owned(), &2, odd, any_json, no_headers(), None, "application/json").unwrap_err();
        assert_eq!(violations.len(), 1);
    }

    #[test]
    fn a_float_json_cannot_hold_is_not_sent() {
        let sent = prepare("a".to_owned(), &0.5, anything, numbers, no_headers(), None, "application/json");
        assert_eq!(sent.unwrap().body.as_ref(), b"0.5");
        for float in [f64::NAN, f64::INFINITY] {
            let violations =
                prepare("a".to_owned(), &float, anything, numbers, no_headers(), None, "application/json")
                    .unwrap_err();
            let violation = violations.iter().next().unwrap();
            assert_eq!((violation.pointer.as_str(), violation.keyword), ("", Keyword::Representable));
            assert_eq!(violation.message, "as written in JSON, must be a number");
        }
    }

    #[test]
    fn declared_headers_go_with_the_message_and_their_violations_with_its_own() {
        let headers = json!({"X-Count": 3, "Content-Type": "application/json"});
        let declared = written_headers(&headers, &[("X-Count", HeaderKind::Scalar)]);
        let sent =
            prepare("a".to_owned(), &7, anything, any_json, declared, None, "application/x+json").unwrap();
        assert_eq!(sent.headers["x-count"], "3");
        assert_eq!(sent.headers[CONTENT_TYPE], "application/json", "the declared one wins");
        let bad = written_headers(&json!({"X-Name": "a\nb"}), &[]);
        let violations =
            prepare("a".to_owned(), &2, odd, any_json, bad, None, "application/json").unwrap_err();
        let pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["", "/X-Name"]);
    }

    #[test]
    fn the_signature_is_the_signers_whatever_the_headers_say() {
        let scheme = SignatureScheme::default();
        let signer = Signer::new(scheme.clone(), Secret::new("s3cret")).unwrap();
        let mut forged = serde_json::Map::new();
        forged.insert(scheme.header.to_string(), json!("forged"));
        let declared = written_headers(&Value::Object(forged), &[]);
        let sent =
            prepare("a".to_owned(), &7, anything, any_json, declared, Some(&signer), "application/json")
                .unwrap();
        let values: Vec<_> = sent.headers.get_all(&scheme.header).iter().collect();
        assert_eq!(values, [&signer.sign(b"7")[&scheme.header]]);
    }

    #[test]
    fn declared_headers_are_written_as_they_read_back_and_others_as_text() {
        let declared =
            [("X-Count", HeaderKind::Scalar), ("X-Flag", HeaderKind::Scalar), ("X-Name", HeaderKind::Text)];
        let headers = json!({"X-Count": 7, "X-Flag": true, "X-Name": "café 7"});
        let map = written_headers(&headers, &declared).unwrap();
        assert_eq!(map["x-count"], "7");
        assert_eq!(map["x-name"].as_bytes(), "café 7".as_bytes());
        assert_eq!(headers_json(&map, &declared, Mode::Strict), headers);
        // Headers no property declares (a map of `additionalProperties`) are sent, not read back.
        let map = written_headers(&json!({"X-Extra": 7, "X-Other": {"a": 1}}), &declared).unwrap();
        assert_eq!(
            (&map["x-extra"], &map["x-other"]),
            (&HeaderValue::from(7), &HeaderValue::from_static(r#"{"a":1}"#))
        );
    }

    /// A typed header set, as generated code has them.
    #[derive(Serialize)]
    struct Counted {
        #[serde(rename = "X-Count")]
        count: u32,
        #[serde(rename = "X-Name")]
        name: String,
        #[serde(rename = "X-Ratio", skip_serializing_if = "Option::is_none")]
        ratio: Option<f64>,
    }

    impl Validate for Counted {
        fn validate_at<'v>(&'v self, at: &mut Path<'v>, out: &mut Violations) {
            if self.count > 100 {
                at.push_key("X-Count");
                out.push(at, Keyword::Maximum, "must be at most 100");
                at.pop();
            }
        }
    }

    const COUNTED: [(&str, HeaderKind); 3] =
        [("X-Count", HeaderKind::Scalar), ("X-Name", HeaderKind::Text), ("X-Ratio", HeaderKind::Scalar)];

    #[test]
    fn typed_headers_are_validated_and_written() {
        let counted = Counted { count: 7, name: "seven".to_owned(), ratio: Some(0.9146155235219107) };
        let map = write_headers(&counted, &COUNTED, numbers).unwrap();
        assert_eq!(
            (&map["x-count"], &map["x-name"], &map["x-ratio"]),
            (
                &HeaderValue::from(7),
                &HeaderValue::from_static("seven"),
                &HeaderValue::from_static("0.9146155235219107")
            )
        );
        let counted = Counted { count: 101, name: "a\0b".to_owned(), ratio: None };
        let violations = write_headers(&counted, &COUNTED, numbers).unwrap_err();
        let found: Vec<_> = violations.iter().map(|v| (v.pointer.as_str(), v.keyword)).collect();
        assert_eq!(found, [("/X-Count", Keyword::Maximum), ("/X-Name", Keyword::Representable)]);
        // NaN passes the typed check, but JSON writes it `null`, which no number header reads as.
        let counted = Counted { count: 1, name: "one".to_owned(), ratio: Some(f64::NAN) };
        let violations = write_headers(&counted, &COUNTED, numbers).unwrap_err();
        let found: Vec<_> = violations.iter().map(|v| (v.pointer.as_str(), v.keyword)).collect();
        assert_eq!(found, [("/X-Ratio", Keyword::Representable)]);
    }

    impl Validate for u32 {
        fn validate_at<'v>(&'v self, _: &mut Path<'v>, _: &mut Violations) {}
    }

    #[test]
    fn a_header_set_is_an_object() {
        let violations = write_headers(&7_u32, &[], any_json).unwrap_err();
        assert_eq!(violations.iter().next().unwrap().pointer, "");
    }

    #[test]
    fn a_value_that_cannot_go_as_it_is_is_refused_with_every_other() {
        let declared = [("X-Scalar", HeaderKind::Scalar), ("X-Object", HeaderKind::Text)];
        let headers = json!({
            "X-Control": "a\r\nInjected: yes",
            "X-Edge": " padded",
            "X-Object": {"a": 1},
            "X-Scalar": "7",
            "Bad Name": "x",
            "X-Fine": "fine",
            "x-fine": "again",
        });
        let violations = written_headers(&headers, &declared).unwrap_err();
        let mut pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
        pointers.sort_unstable();
        assert_eq!(pointers, ["/Bad Name", "/X-Control", "/X-Edge", "/X-Object", "/X-Scalar", "/x-fine"]);
        assert!(violations.iter().all(|v| v.keyword == Keyword::Representable));
        let scalar = violations.iter().find(|v| v.pointer == "/X-Scalar").unwrap();
        assert!(scalar.message.contains("reads back as 7"), "{scalar}");
        let again = violations.iter().find(|v| v.pointer == "/x-fine").unwrap();
        assert!(again.message.contains("ignore case"), "{again}");
    }

    #[test]
    fn more_headers_than_a_map_holds_are_refused_not_a_panic() {
        let many: serde_json::Map<String, Value> =
            (0..40_000).map(|n| (format!("x-{n}"), json!("v"))).collect();
        let violations = written_headers(&Value::Object(many), &[]).unwrap_err();
        let violation = violations.iter().next().unwrap();
        assert_eq!(
            (violation.pointer.as_str(), violation.message.as_str()),
            ("", "too many headers for one message")
        );
    }
}
