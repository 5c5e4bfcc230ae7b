//! What becomes of one delivery, as one JSON line: the logic of the `inspect`
//! example every generated crate has, the tool to reach for when a delivery
//! was refused.

use std::borrow::Cow;
use std::io::{self, Read};

use http::HeaderMap;
use serde::Serialize;

use crate::message::{Rejection, RejectionKind};
use crate::violation::Violations;

use crate::dispatch::{Delivery, Inbound};
use crate::message::Mode;
use crate::signature::{FixedClock, Secret, SignatureScheme, Verifier};

/// A body as `inspect` reads it: never more than one byte past the limit, so
/// that a huge input costs no memory and an endless one no time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The body, or its first `limit + 1` bytes when it is larger.
    pub bytes: Vec<u8>,
    /// Its size in bytes, when known: past the limit, only a file's is.
    pub size: Option<u64>,
}

impl Body {
    /// A body already in memory.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self { size: Some(bytes.len() as u64), bytes }
    }

    /// Reads `source` up to one byte past `limit`.
    pub fn read(source: impl Read, limit: usize) -> io::Result<Self> {
        let mut bytes = Vec::new();
        let held = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        source.take(held).read_to_end(&mut bytes)?;
        let size = (bytes.len() <= limit).then_some(bytes.len() as u64);
        Ok(Self { bytes, size })
    }

    /// Reads the file at `path` as [`Body::read`] does, its size from the
    /// file system.
    pub fn read_file(path: &std::path::Path, limit: usize) -> io::Result<Self> {
        let file = std::fs::File::open(path)?;
        let length = file.metadata().ok().filter(std::fs::Metadata::is_file).map(|metadata| metadata.len());
        let body = Self::read(file, limit)?;
        Ok(Self { size: body.size.or(length), ..body })
    }
}

/// One delivery to inspect.
#[derive(Debug, Clone, Copy)]
pub struct Inspection<'a> {
    pub body: &'a Body,
    /// The headers it came with: the signature (and timestamp) among them when
    /// the signature is checked, and those the message's headers schema
    /// describes, which are validated.
    pub headers: &'a HeaderMap,
    /// How the sender signs ([`SignatureScheme::default`] unless told otherwise).
    pub scheme: &'a SignatureScheme,
    /// Webhook secrets; the signature is checked when there is at least one.
    pub secrets: &'a [String],
    /// The channel it came on, for documents routed by channel.
    pub channel: Option<&'a str>,
    pub mode: Mode,
    /// The largest body accepted, as the receiver's
    /// ([`DEFAULT_BODY_LIMIT`](crate::dispatch::DEFAULT_BODY_LIMIT) by default).
    pub body_limit: usize,
    /// When a delivery captured earlier came, in Unix seconds: its signed
    /// timestamp is judged as of then. `None` for now.
    pub received_at: Option<u64>,
}

/// The exit code of a usage error, as `sysexits.h` has it (not clap's 2,
/// which is `inspect`'s code for unauthenticated deliveries).
pub const EXIT_USAGE: u8 = 64;

/// The verdict: one JSON line, and the exit code (0 dispatched, 1 rejected,
/// 2 unauthenticated, 4 too large, [`EXIT_USAGE`] when the secrets or the
/// scheme cannot verify anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub line: String,
    pub exit_code: u8,
}

/// Inspects one delivery, in the receiver's order: size, signature, then
/// parsing and validation (of the headers too).
pub fn inspect<E: Inbound + Serialize>(inspection: &Inspection<'_>) -> Report {
    let body = inspection.body;
    if body.bytes.len() > inspection.body_limit {
        let line = TooLarge { outcome: "too_large", size: body.size, limit: inspection.body_limit };
        return report(&line, 4);
    }
    let signature_checked = !inspection.secrets.is_empty();
    if signature_checked {
        let secrets = inspection.secrets.iter().map(|secret| Secret::from(secret.as_str()));
        let verifier = match Verifier::new(inspection.scheme.clone(), secrets) {
            Ok(verifier) => match inspection.received_at {
                Some(seconds) => verifier.with_clock(FixedClock::at_unix(seconds)),
                None => verifier,
            },
            Err(error) => {
                return report(&Failure { outcome: "error", reason: &error.to_string() }, EXIT_USAGE);
            }
        };
        if let Err(error) = verifier.verify(inspection.headers, &body.bytes) {
            return unauthenticated(&error.to_string());
        }
    }
    let mut delivery = Delivery::new(inspection.headers.clone(), body.bytes.clone());
    delivery.channel = inspection.channel.map(str::to_owned);
    let signature = if signature_checked { "verified" } else { "not_checked" };
    match E::parse(&delivery, inspection.mode) {
        Ok(event) => {
            let line = Dispatched {
                outcome: "dispatched",
                event: event.name(),
                key: event.dedupe_key(),
                correlation: event.correlation_id(inspection.headers),
                signature,
                mode: inspection.mode,
                message: &event,
            };
            report(&line, 0)
        }
        Err(Rejection { kind, message, violations }) => {
            let line = Rejected {
                outcome: "rejected",
                event: message.as_deref(),
                reason: kind,
                signature,
                mode: inspection.mode,
                violations: &violations,
            };
            report(&line, 1)
        }
    }
}

// The lines, as structs so that their fields (and the message's) keep their order.

#[derive(Serialize)]
struct Dispatched<'a, E> {
    outcome: &'static str,
    event: &'a str,
    key: Option<&'a str>,
    /// Only where the document places one and the delivery holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation: Option<Cow<'a, str>>,
    signature: &'static str,
    mode: Mode,
    message: &'a E,
}

#[derive(Serialize)]
struct Rejected<'a> {
    outcome: &'static str,
    event: Option<&'a str>,
    reason: RejectionKind,
    signature: &'static str,
    mode: Mode,
    violations: &'a Violations,
}

#[derive(Serialize)]
struct TooLarge {
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    limit: usize,
}

/// `unauthenticated`, or `error`: the outcome and why.
#[derive(Serialize)]
struct Failure<'a> {
    outcome: &'static str,
    reason: &'a str,
}

fn report(line: &impl Serialize, exit_code: u8) -> Report {
    match serde_json::to_string(line) {
        Ok(line) => Report { line, exit_code },
        Err(error) => Report {
            line: format!(r#"{{"outcome":"error","reason":"cannot write the report: {error}"}}"#),
            exit_code: 3,
        },
    }
}

fn unauthenticated(reason: &str) -> Report {
    report(&Failure { outcome: "unauthenticated", reason }, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_read_no_further_than_past_its_limit() {
        let input = vec![b'x'; 10_000];
        let body = Body::read(&input[..], 4).unwrap();
        assert_eq!((body.bytes.len(), body.size), (5, None));
        // An endless input ends as soon as it passes the limit.
        let body = Body::read(std::io::repeat(b'x'), 4).unwrap();
        assert_eq!((body.bytes.len(), body.size), (5, None));
        let body = Body::read(&input[..], 10_000).unwrap();
        assert_eq!(body, Body::new(input.clone()));
        let body = Body::read(&input[..], usize::MAX).unwrap();
        assert_eq!(body.size, Some(10_000));
    }

    #[test]
    fn a_files_size_is_known_past_the_limit() {
        let path = std::env::temp_dir().join(format!("asyncapi-rt-inspect-{}", std::process::id()));
        std::fs::write(&path, [b'x'; 100]).unwrap();
        let body = Body::read_file(&path, 10);
        std::fs::remove_file(&path).unwrap();
        let body = body.unwrap();
        assert_eq!((body.bytes.len(), body.size), (11, Some(100)));
    }
}
