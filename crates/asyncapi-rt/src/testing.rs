//! Signed deliveries for users' own tests: exercise a handler through the real
//! dispatcher, signature included, without GoTo (or any sender).

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};
use serde::Serialize;

use crate::dispatch::Delivery;
use crate::signature::{ConfigError, Secret, SignatureScheme, Signer};

/// The headers that sign `body` with `secret` under the default scheme (HMAC-SHA256,
/// hex, in `X-Webhook-Signature`).
pub fn sign(body: &[u8], secret: &str) -> Result<HeaderMap, ConfigError> {
    Ok(Signer::new(SignatureScheme::default(), Secret::from(secret))?.sign(body))
}

/// A delivery of `body`, signed with `secret` under the default scheme, with a
/// JSON content type.
pub fn signed_delivery(body: impl Into<Bytes>, secret: &str) -> Result<Delivery, ConfigError> {
    let body = body.into();
    let mut headers = sign(&body, secret)?;
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(Delivery::new(headers, body))
}

/// A signed delivery of a typed message, serialized as the sender would.
pub fn delivery_of<T: Serialize>(message: &T, secret: &str) -> Result<Delivery, TestingError> {
    let body = serde_json::to_vec(message).map_err(TestingError::Serialize)?;
    signed_delivery(body, secret).map_err(TestingError::Config)
}

/// Why a test delivery could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TestingError {
    #[error("cannot serialize the message: {0}")]
    Serialize(serde_json::Error),
    #[error("cannot sign: {0}")]
    Config(ConfigError),
}
