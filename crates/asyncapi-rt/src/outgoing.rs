//! Messages the user sends: serialized, validated and, when the document's
//! message declares a signature header, signed; their declared headers
//! written as HTTP headers.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, header::CONTENT_TYPE};
use serde::Serialize;
use serde_json::Value;

use crate::message::{CheckTyped, HeaderKind, Validate, header_json};
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

/// Validates `message`, serializes it as JSON and signs it with `signer`.
///
/// `headers` are the message's declared headers, as [`write_headers`] wrote
/// them, or what was wrong with them: those violations are returned with the
/// message's, all at once. `content_type` (a JSON media type,
/// `application/json` when it cannot be a header value) is the `Content-Type`
/// unless `headers` set one; the signature header is the signer's, whatever
/// `headers` say.
pub fn prepare<T: Serialize>(
    channel: String,
    message: &T,
    check: CheckTyped<T>,
    headers: Result<HeaderMap, Violations>,
    signer: Option<&Signer>,
    content_type: &'static str,
) -> Result<Outgoing, Violations> {
    let mut violations = Violations::new();
    check(message, &mut Path::root(), &mut violations);
    let mut headers = headers.unwrap_or_else(|found| {
        violations.extend(found.into_vec());
        HeaderMap::new()
    });
    violations.into_result()?;
    let body = serde_json::to_vec(message).map_err(|error| {
        let mut violations = Violations::new();
        violations.push(&Path::root(), Keyword::Representable, format!("cannot be written as JSON: {error}"));
        violations
    })?;
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

/// A typed header set, validated, written as HTTP headers under the names its
/// fields serialize to: a string as itself, any other value as its JSON text,
/// so that [`parse_headers`](crate::message::parse_headers) reads back the same
/// values (`declared` says how it reads each one). A value that would not come
/// back as it went (a control character, which no header can hold; spaces at
/// its edges, which HTTP drops; an object, read back as a string; the string
/// `"7"` where the header reads numbers) is a `representable` violation at its
/// pointer, returned with every other one.
pub fn write_headers<T: Serialize + Validate>(
    headers: &T,
    declared: &[(&str, HeaderKind)],
) -> Result<HeaderMap, Violations> {
    let mut violations = Violations::new();
    headers.validate_at(&mut Path::root(), &mut violations);
    write(headers, declared, violations)
}

/// [`write_headers`] without the validation, adding to `violations`.
fn write(
    headers: &impl Serialize,
    declared: &[(&str, HeaderKind)],
    mut violations: Violations,
) -> Result<HeaderMap, Violations> {
    let object = match serde_json::to_value(headers) {
        Ok(Value::Object(object)) => object,
        Ok(other) => {
            let message = format!("a header set is an object, not `{other}`");
            violations.push(&Path::root(), Keyword::Representable, message);
            return Err(violations);
        }
        Err(error) => {
            let message = format!("cannot be written as JSON: {error}");
            violations.push(&Path::root(), Keyword::Representable, message);
            return Err(violations);
        }
    };
    let mut map = HeaderMap::with_capacity(object.len());
    for (name, value) in &object {
        let mut at = Path::root();
        at.push_key(name);
        let kind = declared
            .iter()
            .find(|(declared, _)| declared == name)
            .map_or(HeaderKind::Text, |&(_, kind)| kind);
        match header(name, value, kind) {
            Ok((name, value)) => {
                map.append(name, value);
            }
            Err(why) => violations.push(&at, Keyword::Representable, why),
        }
    }
    violations.into_result().map(|()| map)
}

/// One header, or why `value` cannot be sent as one.
fn header(name: &str, value: &Value, kind: HeaderKind) -> Result<(HeaderName, HeaderValue), String> {
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
    let read_back = header_json(text.into_owned(), kind);
    if read_back != *value {
        return Err(format!("{value} cannot be a header value: its text reads back as {read_back}"));
    }
    Ok((header_name, header_value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Mode;
    use crate::message::headers_json;
    use crate::signature::{Secret, SignatureScheme};
    use serde_json::json;

    fn anything<'v>(_: &'v u32, _: &mut Path<'v>, _: &mut Violations) {}

    fn odd<'v>(value: &'v u32, at: &mut Path<'v>, out: &mut Violations) {
        if value.is_multiple_of(2) {
            out.push(at, Keyword::MultipleOf, "must be odd");
        }
    }

    fn no_headers() -> Result<HeaderMap, Violations> {
        Ok(HeaderMap::new())
    }

    #[test]
    fn sends_json_with_the_messages_content_type() {
        let sent = prepare("a".to_owned(), &7, anything, no_headers(), None, "application/cloudevents+json")
            .unwrap();
        assert_eq!(sent.body.as_ref(), b"7");
        assert_eq!(sent.headers[CONTENT_TYPE], "application/cloudevents+json");
        // A content type no header can hold falls back to JSON's own.
        let sent = prepare("a".to_owned(), &7, anything, no_headers(), None, "application/json\n").unwrap();
        assert_eq!(sent.headers[CONTENT_TYPE], "application/json");
    }

    #[test]
    fn an_invalid_message_is_not_sent() {
        let violations =
            prepare("a".to_owned(), &2, odd, no_headers(), None, "application/json").unwrap_err();
        assert_eq!(violations.len(), 1);
    }

    #[test]
    fn declared_headers_go_with_the_message_and_their_violations_with_its_own() {
        let headers = json!({"X-Count": 3, "Content-Type": "application/json"});
        let declared = write(&headers, &[("X-Count", HeaderKind::Scalar)], Violations::new());
        let sent =
            prepare("a".to_owned(), &7, anything, declared.clone(), None, "application/x+json").unwrap();
        assert_eq!(sent.headers["x-count"], "3");
        assert_eq!(sent.headers[CONTENT_TYPE], "application/json", "the declared one wins");
        let bad = write(&json!({"X-Name": "a\nb"}), &[], Violations::new());
        let violations = prepare("a".to_owned(), &2, odd, bad, None, "application/json").unwrap_err();
        let pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["", "/X-Name"]);
    }

    #[test]
    fn the_signature_is_the_signers_whatever_the_headers_say() {
        let scheme = SignatureScheme::default();
        let signer = Signer::new(scheme.clone(), Secret::new("s3cret")).unwrap();
        let mut forged = serde_json::Map::new();
        forged.insert(scheme.header.to_string(), json!("forged"));
        let declared = write(&forged, &[], Violations::new());
        let sent =
            prepare("a".to_owned(), &7, anything, declared, Some(&signer), "application/json").unwrap();
        let values: Vec<_> = sent.headers.get_all(&scheme.header).iter().collect();
        assert_eq!(values, [&signer.sign(b"7")[&scheme.header]]);
    }

    #[test]
    fn headers_are_written_as_they_read_back() {
        let declared =
            [("X-Count", HeaderKind::Scalar), ("X-Flag", HeaderKind::Scalar), ("X-Name", HeaderKind::Text)];
        let headers = json!({"X-Count": 7, "X-Flag": true, "X-Name": "café 7", "X-Extra": "x"});
        let map = write(&headers, &declared, Violations::new()).unwrap();
        assert_eq!(map["x-count"], "7");
        assert_eq!(map["x-name"].as_bytes(), "café 7".as_bytes());
        let mut all = declared.to_vec();
        all.push(("X-Extra", HeaderKind::Text));
        assert_eq!(headers_json(&map, &all, Mode::Strict), headers);
    }

    /// A typed header set, as generated code has them.
    #[derive(Serialize)]
    struct Counted {
        #[serde(rename = "X-Count")]
        count: u32,
        #[serde(rename = "X-Name")]
        name: String,
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

    #[test]
    fn typed_headers_are_validated_and_written() {
        let declared = [("X-Count", HeaderKind::Scalar), ("X-Name", HeaderKind::Text)];
        let map = write_headers(&Counted { count: 7, name: "seven".to_owned() }, &declared).unwrap();
        assert_eq!(
            (&map["x-count"], &map["x-name"]),
            (&HeaderValue::from(7), &HeaderValue::from_static("seven"))
        );
        let violations =
            write_headers(&Counted { count: 101, name: "a\0b".to_owned() }, &declared).unwrap_err();
        let found: Vec<_> = violations.iter().map(|v| (v.pointer.as_str(), v.keyword)).collect();
        assert_eq!(found, [("/X-Count", Keyword::Maximum), ("/X-Name", Keyword::Representable)]);
    }

    #[test]
    fn a_value_that_would_not_read_back_is_refused_with_every_other() {
        let declared = [("X-Scalar", HeaderKind::Scalar)];
        let headers = json!({
            "X-Control": "a\r\nInjected: yes",
            "X-Edge": " padded",
            "X-Object": {"a": 1},
            "X-Scalar": "7",
            "Bad Name": "x",
            "X-Fine": "fine",
        });
        let violations = write(&headers, &declared, Violations::new()).unwrap_err();
        let mut pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
        pointers.sort_unstable();
        assert_eq!(pointers, ["/Bad Name", "/X-Control", "/X-Edge", "/X-Object", "/X-Scalar"]);
        assert!(violations.iter().all(|v| v.keyword == Keyword::Representable));
        let scalar = violations.iter().find(|v| v.pointer == "/X-Scalar").unwrap();
        assert!(scalar.message.contains("reads back as 7"), "{scalar}");
        let not_an_object = write(&json!(["X-A"]), &[], Violations::new()).unwrap_err();
        assert_eq!(not_an_object.iter().next().unwrap().pointer, "");
    }
}
