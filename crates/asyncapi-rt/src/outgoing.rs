//! Messages the user sends: serialized, validated and, when the document's
//! message declares a signature header, signed.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};
use serde::Serialize;

use crate::message::CheckTyped;
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

/// Validates `message`, serializes it as JSON and signs it with `signer`;
/// `content_type` (a JSON media type, `application/json` when it cannot be a
/// header value) goes in its `Content-Type`.
pub fn prepare<T: Serialize>(
    channel: String,
    message: &T,
    check: CheckTyped<T>,
    signer: Option<&Signer>,
    content_type: &'static str,
) -> Result<Outgoing, Violations> {
    let mut violations = Violations::new();
    check(message, &mut Path::root(), &mut violations);
    violations.into_result()?;
    let body = serde_json::to_vec(message).map_err(|error| {
        let mut violations = Violations::new();
        violations.push(&Path::root(), Keyword::Representable, format!("cannot be written as JSON: {error}"));
        violations
    })?;
    let mut headers = signer.map(|signer| signer.sign(&body)).unwrap_or_default();
    let content_type =
        HeaderValue::from_str(content_type).unwrap_or_else(|_| HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_TYPE, content_type);
    Ok(Outgoing { channel, headers, body: Bytes::from(body) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anything<'v>(_: &'v u32, _: &mut Path<'v>, _: &mut Violations) {}

    fn odd<'v>(value: &'v u32, at: &mut Path<'v>, out: &mut Violations) {
        if value.is_multiple_of(2) {
            out.push(at, Keyword::MultipleOf, "must be odd");
        }
    }

    #[test]
    fn sends_json_with_the_messages_content_type() {
        let sent = prepare("a".to_owned(), &7, anything, None, "application/cloudevents+json").unwrap();
        assert_eq!(sent.body.as_ref(), b"7");
        assert_eq!(sent.headers[CONTENT_TYPE], "application/cloudevents+json");
        // A content type no header can hold falls back to JSON's own.
        let sent = prepare("a".to_owned(), &7, anything, None, "application/json\n").unwrap();
        assert_eq!(sent.headers[CONTENT_TYPE], "application/json");
    }

    #[test]
    fn an_invalid_message_is_not_sent() {
        let violations = prepare("a".to_owned(), &2, odd, None, "application/json").unwrap_err();
        assert_eq!(violations.len(), 1);
    }
}
