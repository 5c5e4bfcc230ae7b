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

/// Validates `message`, serializes it as JSON and signs it with `signer`.
pub fn prepare<T: Serialize>(
    channel: String,
    message: &T,
    check: CheckTyped<T>,
    signer: Option<&Signer>,
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
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(Outgoing { channel, headers, body: Bytes::from(body) })
}
