//! Webhook signature verification: HMAC over the raw body, several secrets at
//! once, optional signed timestamps.
//!
//! # The default scheme is an assumption
//!
//! GoToWebinar signs each webhook delivery and sends the signature in the
//! `X-Webhook-Signature` header, but does not publish how the signature is
//! computed. [`SignatureScheme::default()`] is therefore an assumption, the most
//! common scheme among webhook senders, to be checked against a real delivery:
//!
//! - the MAC is HMAC-SHA256 over the raw body bytes, exactly as received;
//! - the key is the UTF-8 bytes of the secret configured for the webhook;
//! - the header holds the MAC in hex (either case) or standard base64 (padded
//!   or not), optionally after a `sha256=` prefix;
//! - no timestamp is signed.
//!
//! If deliveries fail verification, every part of this is configurable through
//! the public fields of [`SignatureScheme`], including a signed timestamp
//! ([`TimestampPolicy`]: the MAC then covers `"{timestamp}.{body}"`, and stale
//! deliveries are refused, which defeats replays).
//!
//! Verification compares MACs in constant time, accepts any of several secrets
//! (to rotate a secret, configure the new one next to the old one, then remove
//! the old one once the sender uses the new one), and never prints a secret.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Length in bytes of an HMAC-SHA256 tag.
const MAC_LEN: usize = 32;

/// The header the default scheme reads the signature from.
pub const DEFAULT_SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-webhook-signature");

/// The header [`TimestampPolicy::default()`] reads the timestamp from.
pub const DEFAULT_TIMESTAMP_HEADER: HeaderName = HeaderName::from_static("x-webhook-timestamp");

/// How far a signed timestamp may be from the receiver's clock, either way, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Standard alphabet, padding optional: senders differ on padding, and it carries
/// no information.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A webhook secret. Its `Debug` output is redacted and it has no `Display`, so
/// it cannot end up in logs by accident.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A secret from raw key bytes (a text secret is its UTF-8 bytes; see the
    /// `From` implementations).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The secrets of a comma-separated list (as the receiver example reads
    /// `WEBHOOK_SECRETS`), each trimmed, empty ones left out: so a secret
    /// cannot hold a comma, nor begin or end with a space.
    pub fn list(secrets: &str) -> Vec<Secret> {
        secrets.split(',').map(str::trim).filter(|secret| !secret.is_empty()).map(Secret::from).collect()
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<Vec<u8>> for Secret {
    fn from(secret: Vec<u8>) -> Self {
        Self::new(secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How the MAC is written in the signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Encoding {
    /// Hex or base64 accepted; [`Signer`] writes lowercase hex.
    #[default]
    #[cfg_attr(feature = "cli", value(help = "hex (either case) or standard base64"))]
    HexOrBase64,
    /// Hex only, either case; [`Signer`] writes lowercase.
    #[cfg_attr(feature = "cli", value(help = "hex only, either case"))]
    Hex,
    /// Standard base64 only, padded or not; [`Signer`] writes it padded.
    #[cfg_attr(feature = "cli", value(help = "standard base64 only, padded or not"))]
    Base64,
}

impl Encoding {
    fn accepts_hex(self) -> bool {
        matches!(self, Encoding::HexOrBase64 | Encoding::Hex)
    }

    fn accepts_base64(self) -> bool {
        matches!(self, Encoding::HexOrBase64 | Encoding::Base64)
    }

    fn encode(self, mac: &[u8]) -> String {
        match self {
            Encoding::HexOrBase64 | Encoding::Hex => const_hex::encode(mac),
            Encoding::Base64 => BASE64.encode(mac),
        }
    }
}

/// A signed timestamp: the sender puts the time of sending, in Unix seconds, in
/// `header`, and the MAC covers `"{timestamp}.{body}"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampPolicy {
    /// The header holding the timestamp.
    pub header: HeaderName,
    /// How far the timestamp may be from the receiver's clock, in either direction.
    pub tolerance: Duration,
}

impl Default for TimestampPolicy {
    /// `X-Webhook-Timestamp`, five minutes.
    fn default() -> Self {
        Self { header: DEFAULT_TIMESTAMP_HEADER, tolerance: DEFAULT_TOLERANCE }
    }
}

/// Where the signature is and what it covers. `Default` is the documented
/// assumption about GoToWebinar (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureScheme {
    /// The header holding the signature.
    pub header: HeaderName,
    /// How the MAC is written in the header.
    pub encoding: Encoding,
    /// A prefix the MAC may follow in the header, such as `sha256=` (compared
    /// ASCII case-insensitively, and optional). [`Signer`] does not write it.
    pub prefix: Option<String>,
    /// `Some` if the sender signs a timestamp.
    pub timestamp: Option<TimestampPolicy>,
}

impl Default for SignatureScheme {
    fn default() -> Self {
        Self {
            header: DEFAULT_SIGNATURE_HEADER,
            encoding: Encoding::HexOrBase64,
            prefix: Some("sha256=".to_owned()),
            timestamp: None,
        }
    }
}

impl SignatureScheme {
    /// Whether deliveries can verify under this scheme at all.
    fn check(&self) -> Result<(), ConfigError> {
        match &self.timestamp {
            Some(policy) if policy.header == self.header => Err(ConfigError::SameHeader(self.header.clone())),
            _ => Ok(()),
        }
    }
}

/// The time source for timestamp checks; injectable so tests can fix it.
pub trait Clock: Send + Sync {
    fn now(&self) -> SystemTime;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// A clock stopped `seconds` after the Unix epoch; a time beyond what
    /// `SystemTime` holds is halved until it fits (far in the future either way).
    pub fn at_unix(seconds: u64) -> Self {
        let mut seconds = seconds;
        loop {
            if let Some(time) = UNIX_EPOCH.checked_add(Duration::from_secs(seconds)) {
                return Self(time);
            }
            seconds /= 2;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A verifier or signer could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret was given: deliveries could not be authenticated.
    #[error(
        "no webhook secret configured: refusing to accept deliveries nobody can authenticate \
         (Verifier::accept_unsigned_insecure() opts out explicitly)"
    )]
    NoSecret,
    /// The secret at this position (from 0) is empty, which authenticates nothing.
    #[error("webhook secret #{index} is empty")]
    EmptySecret { index: usize },
    /// The HMAC implementation refused the secret at this position as a key.
    /// HMAC takes keys of any length, so this is not expected to happen.
    #[error("webhook secret #{index} cannot key HMAC-SHA256")]
    InvalidSecret { index: usize },
    /// The scheme reads the signature and the signed timestamp from the same
    /// header, so no delivery could verify.
    #[error("the signature and the signed timestamp cannot both be in header `{0}`")]
    SameHeader(HeaderName),
}

/// Why a delivery failed verification. Messages name headers, never secrets or
/// received values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature header is absent.
    #[error("missing signature header `{0}`")]
    MissingHeader(HeaderName),
    /// A header the verification reads is present more than once, so which
    /// value is meant is ambiguous.
    #[error("header `{0}` appears more than once")]
    DuplicateHeader(HeaderName),
    /// The signature header is empty or not in an accepted encoding.
    #[error("the signature in header `{0}` is empty or not in an accepted encoding")]
    Undecodable(HeaderName),
    /// The signature decodes, but not to a MAC's length.
    #[error("the signature is {found} {} long, expected {expected}", if *found == 1 { "byte" } else { "bytes" })]
    WrongLength { expected: usize, found: usize },
    /// No configured secret gives this signature for this body.
    #[error("the signature does not match the body under any configured secret")]
    Mismatch,
    /// The scheme signs a timestamp, and its header is absent.
    #[error("missing timestamp header `{0}`")]
    MissingTimestamp(HeaderName),
    /// The timestamp header is not a number of Unix seconds.
    #[error("timestamp header `{0}` is not a number of Unix seconds")]
    InvalidTimestamp(HeaderName),
    /// The signature is valid, but the signed timestamp is further from the
    /// receiver's clock than the tolerance: a replay, or a clock far off.
    #[error(
        "the signed timestamp is {}s away from now, more than the {}s tolerated",
        skew.as_secs(),
        tolerance.as_secs()
    )]
    StaleTimestamp { skew: Duration, tolerance: Duration },
}

/// Checks the signature of webhook deliveries.
#[derive(Clone)]
pub struct Verifier {
    scheme: SignatureScheme,
    keys: Keys,
    clock: Arc<dyn Clock>,
}

#[derive(Clone)]
enum Keys {
    /// HMAC states keyed with each secret, cloned per verification so the key
    /// schedule runs once.
    Secrets(Vec<HmacSha256>),
    /// The explicit opt-out: everything verifies.
    Unsigned,
}

impl Verifier {
    /// A verifier accepting deliveries signed with any of `secrets`. At least one
    /// secret is required, and none may be empty.
    pub fn new(
        scheme: SignatureScheme,
        secrets: impl IntoIterator<Item = Secret>,
    ) -> Result<Self, ConfigError> {
        scheme.check()?;
        let keys = secrets
            .into_iter()
            .enumerate()
            .map(|(index, secret)| keyed_mac(&secret, index))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(ConfigError::NoSecret);
        }
        Ok(Self { scheme, keys: Keys::Secrets(keys), clock: Arc::new(SystemClock) })
    }

    /// A verifier that accepts every delivery, signed or not. Anyone who can
    /// reach the endpoint can then forge events: only for local development, or
    /// behind something else that authenticates the sender.
    pub fn accept_unsigned_insecure() -> Self {
        Self { scheme: SignatureScheme::default(), keys: Keys::Unsigned, clock: Arc::new(SystemClock) }
    }

    /// Replaces the clock that signed timestamps are checked against.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    pub fn scheme(&self) -> &SignatureScheme {
        &self.scheme
    }

    /// Whether this verifier is the insecure opt-out.
    pub fn is_insecure(&self) -> bool {
        matches!(self.keys, Keys::Unsigned)
    }

    /// Checks that `body` is signed as the scheme says by one of the secrets.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
        let Keys::Secrets(keys) = &self.keys else {
            return Ok(());
        };
        let scheme = &self.scheme;
        let value = single_header(headers, &scheme.header)?
            .ok_or_else(|| SignatureError::MissingHeader(scheme.header.clone()))?;
        let tag = decode_mac(value.as_bytes(), scheme)?;

        let timestamp = match &scheme.timestamp {
            None => None,
            Some(policy) => {
                let value = single_header(headers, &policy.header)?
                    .ok_or_else(|| SignatureError::MissingTimestamp(policy.header.clone()))?;
                let text = value.as_bytes().trim_ascii();
                let seconds = parse_unix_seconds(text)
                    .ok_or_else(|| SignatureError::InvalidTimestamp(policy.header.clone()))?;
                Some((policy, text, seconds))
            }
        };

        let signed_prefix = timestamp.map(|(_, text, _)| text);
        let matches =
            keys.iter().any(|key| mac_over(key.clone(), signed_prefix, body).verify_slice(&tag).is_ok());
        if !matches {
            return Err(SignatureError::Mismatch);
        }

        // Checked after the MAC, so that a stale-timestamp error always means a
        // genuine delivery arriving late or replayed.
        if let Some((policy, _, seconds)) = timestamp {
            let skew = Duration::from_secs(unix_seconds(self.clock.now()).abs_diff(seconds));
            if skew > policy.tolerance {
                return Err(SignatureError::StaleTimestamp { skew, tolerance: policy.tolerance });
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Verifier");
        match &self.keys {
            Keys::Secrets(keys) => debug.field("scheme", &self.scheme).field("secrets", &keys.len()),
            Keys::Unsigned => debug.field("secrets", &"none: accepting unsigned deliveries (INSECURE)"),
        };
        debug.finish_non_exhaustive()
    }
}

/// Produces the headers a sender following a scheme would send: for tests, and
/// for users who relay deliveries.
#[derive(Clone)]
pub struct Signer {
    scheme: SignatureScheme,
    key: HmacSha256,
    clock: Arc<dyn Clock>,
}

impl Signer {
    pub fn new(scheme: SignatureScheme, secret: Secret) -> Result<Self, ConfigError> {
        scheme.check()?;
        Ok(Self { scheme, key: keyed_mac(&secret, 0)?, clock: Arc::new(SystemClock) })
    }

    /// Replaces the clock that timestamps come from.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The headers signing `body` now: the signature, and the timestamp if the
    /// scheme signs one.
    pub fn sign(&self, body: &[u8]) -> HeaderMap {
        self.sign_at(body, unix_seconds(self.clock.now()))
    }

    /// As [`Signer::sign`], with the given timestamp (Unix seconds), which is
    /// ignored if the scheme does not sign timestamps.
    pub fn sign_at(&self, body: &[u8], timestamp: u64) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let timestamp_text = timestamp.to_string();
        let signed_prefix = match &self.scheme.timestamp {
            Some(policy) => {
                headers.insert(policy.header.clone(), HeaderValue::from(timestamp));
                Some(timestamp_text.as_bytes())
            }
            None => None,
        };
        let mac = mac_over(self.key.clone(), signed_prefix, body).finalize().into_bytes();
        let value = HeaderValue::try_from(self.scheme.encoding.encode(&mac))
            .expect("hex and base64 are visible ASCII, valid in a header value");
        headers.insert(self.scheme.header.clone(), value);
        headers
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").field("scheme", &self.scheme).finish_non_exhaustive()
    }
}

fn keyed_mac(secret: &Secret, index: usize) -> Result<HmacSha256, ConfigError> {
    if secret.0.is_empty() {
        return Err(ConfigError::EmptySecret { index });
    }
    HmacSha256::new_from_slice(&secret.0).map_err(|_| ConfigError::InvalidSecret { index })
}

/// The MAC state after `"{timestamp}."` (when signed) and the body.
fn mac_over(mut mac: HmacSha256, timestamp: Option<&[u8]>, body: &[u8]) -> HmacSha256 {
    if let Some(timestamp) = timestamp {
        mac.update(timestamp);
        mac.update(b".");
    }
    mac.update(body);
    mac
}

/// The only value of `name`, `None` if absent.
fn single_header<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'a HeaderValue>, SignatureError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(SignatureError::DuplicateHeader(name.clone()));
    }
    Ok(first)
}

/// The MAC bytes in a signature header value. Works on bytes, since header
/// values need not be UTF-8. Decodes into an array, without allocating: this
/// runs on every delivery, and a vector-building hex decoder cost a third as
/// much as the MAC itself.
fn decode_mac(value: &[u8], scheme: &SignatureScheme) -> Result<[u8; MAC_LEN], SignatureError> {
    let value = value.trim_ascii();
    let rest = without_prefix(value, scheme);
    // The prefix is optional, and may look like the start of a MAC (`a` before
    // hex): what does not decode after it is tried whole.
    let prefixed = rest.len() < value.len();
    mac_in(rest, scheme.encoding)
        .or_else(|| if prefixed { mac_in(value, scheme.encoding) } else { None })
        .ok_or_else(|| not_a_mac(rest, scheme))
}

/// The MAC `value` holds in `encoding`, if it holds one.
fn mac_in(value: &[u8], encoding: Encoding) -> Option<[u8; MAC_LEN]> {
    let mut mac = [0; MAC_LEN];
    // A hex MAC is also valid base64 (of another length), so each encoding is
    // tried only at the length a MAC has in it.
    if encoding.accepts_hex()
        && value.len() == 2 * MAC_LEN
        && const_hex::decode_to_slice(value, &mut mac).is_ok()
    {
        return Some(mac);
    }
    if encoding.accepts_base64() && BASE64.decode_slice(value, &mut mac) == Ok(MAC_LEN) {
        return Some(mac);
    }
    None
}

/// `value` after the scheme's prefix (any case), or all of it when it lacks one.
fn without_prefix<'a>(value: &'a [u8], scheme: &SignatureScheme) -> &'a [u8] {
    match &scheme.prefix {
        Some(prefix) => match value.split_at_checked(prefix.len()) {
            Some((head, rest)) if head.eq_ignore_ascii_case(prefix.as_bytes()) => rest,
            _ => value,
        },
        None => value,
    }
}

/// Why a (prefix-less) signature value holds no MAC: it decodes to the wrong
/// length, or not at all. Prefers the hex reading, as [`decode_mac`] does.
fn not_a_mac(value: &[u8], scheme: &SignatureScheme) -> SignatureError {
    let hex_len = (scheme.encoding.accepts_hex()
        && value.len().is_multiple_of(2)
        && value.iter().all(u8::is_ascii_hexdigit))
    .then_some(value.len() / 2);
    let base64_len = || {
        let decoded = scheme.encoding.accepts_base64().then(|| BASE64.decode(value).ok()).flatten();
        decoded.map(|bytes| bytes.len())
    };
    match hex_len.or_else(base64_len) {
        Some(found) if !value.is_empty() => SignatureError::WrongLength { expected: MAC_LEN, found },
        _ => SignatureError::Undecodable(scheme.header.clone()),
    }
}

/// Decimal digits only: no sign, no spaces, no fraction.
fn parse_unix_seconds(text: &[u8]) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// Whole seconds since the Unix epoch; 0 for a clock set before it.
fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn headers(pairs: &[(&HeaderName, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            let value = HeaderValue::from_bytes(value).expect("test header value");
            map.append((*name).clone(), value);
        }
        map
    }

    fn verifier(secrets: &[&str]) -> Verifier {
        Verifier::new(SignatureScheme::default(), secrets.iter().map(|s| Secret::from(*s)))
            .expect("valid configuration")
    }

    fn signer(secret: &str) -> Signer {
        Signer::new(SignatureScheme::default(), secret.into()).expect("valid configuration")
    }

    fn mac(secret: &str, body: &[u8]) -> Vec<u8> {
        let signed = signer(secret).sign(body);
        let value = signed.get(&DEFAULT_SIGNATURE_HEADER).expect("signature header");
        const_hex::decode(value.as_bytes()).expect("hex")
    }

    fn timestamped_scheme() -> SignatureScheme {
        SignatureScheme { timestamp: Some(TimestampPolicy::default()), ..SignatureScheme::default() }
    }

    /// A verifier of `timestamped_scheme` with secret `k`, its clock at `NOW`.
    fn timestamped_verifier() -> Verifier {
        Verifier::new(timestamped_scheme(), ["k".into()])
            .expect("verifier")
            .with_clock(FixedClock::at_unix(NOW))
    }

    /// RFC 4231 section 4 (cases 1 to 4, 6 and 7): key, data, HMAC-SHA-256.
    fn rfc_4231() -> [(Vec<u8>, &'static [u8], &'static str); 6] {
        [
            (vec![0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (vec![0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (
                (0x01..=0x19).collect(),
                &[0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size \
                  data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ]
    }

    #[test]
    fn rfc_4231_vectors_sign_and_verify() {
        for (key, data, expected) in rfc_4231() {
            let signer = Signer::new(SignatureScheme::default(), Secret::new(key.clone())).expect("signer");
            let signed = signer.sign(data);
            assert_eq!(
                signed.get(&DEFAULT_SIGNATURE_HEADER).map(|v| v.as_bytes()),
                Some(expected.as_bytes())
            );

            let verifier = Verifier::new(SignatureScheme::default(), [Secret::new(key)]).expect("verifier");
            let headers = headers(&[(&DEFAULT_SIGNATURE_HEADER, expected.as_bytes())]);
            assert_eq!(verifier.verify(&headers, data), Ok(()));
        }
    }

    #[test]
    fn rfc_4231_case_5_truncated_output() {
        // Case 5 specifies only the first 128 bits of the output.
        let key = [0x0c; 20];
        let signer = Signer::new(SignatureScheme::default(), Secret::new(key)).expect("signer");
        let signed = signer.sign(b"Test With Truncation");
        let value = signed.get(&DEFAULT_SIGNATURE_HEADER).expect("signature header");
        assert!(value.as_bytes().starts_with(b"a3b6167473100ee06e0c796c2955552b"));
        // A truncated MAC is not accepted: the whole tag is required.
        let verifier = Verifier::new(SignatureScheme::default(), [Secret::new(key)]).expect("verifier");
        let truncated = headers(&[(&DEFAULT_SIGNATURE_HEADER, b"a3b6167473100ee06e0c796c2955552b")]);
        assert_eq!(
            verifier.verify(&truncated, b"Test With Truncation"),
            Err(SignatureError::WrongLength { expected: 32, found: 16 })
        );
    }

    #[test]
    fn accepts_hex_in_either_case_and_base64_with_or_without_padding_and_prefix() {
        let body = br#"{"eventName":"registrant.added"}"#;
        let mac = mac("s3cret", body);
        let lower = const_hex::encode(&mac);
        let padded = base64::engine::general_purpose::STANDARD.encode(&mac);
        let unpadded = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&mac);
        assert!(padded.ends_with('=') && !unpadded.ends_with('='));
        let verifier = verifier(&["s3cret"]);
        for value in [
            lower.clone(),
            lower.to_uppercase(),
            padded.clone(),
            unpadded,
            format!("sha256={lower}"),
            format!("SHA256={padded}"),
            format!(" {lower} "),
        ] {
            let headers = headers(&[(&DEFAULT_SIGNATURE_HEADER, value.as_bytes())]);
            assert_eq!(verifier.verify(&headers, body), Ok(()), "{value}");
        }
    }

    #[test]
    fn encoding_policy_restricts_what_is_accepted_and_what_is_written() {
        let body = b"body";
        let mac = mac("k", body);
        let hex_value = const_hex::encode(&mac);
        let base64_value = base64::engine::general_purpose::STANDARD.encode(&mac);
        let hex_only = SignatureScheme { encoding: Encoding::Hex, ..SignatureScheme::default() };
        let base64_only = SignatureScheme { encoding: Encoding::Base64, ..SignatureScheme::default() };
        let hex_verifier = Verifier::new(hex_only, ["k".into()]).expect("verifier");
        let base64_verifier = Verifier::new(base64_only.clone(), ["k".into()]).expect("verifier");

        let as_hex = headers(&[(&DEFAULT_SIGNATURE_HEADER, hex_value.as_bytes())]);
        let as_base64 = headers(&[(&DEFAULT_SIGNATURE_HEADER, base64_value.as_bytes())]);
        assert_eq!(hex_verifier.verify(&as_hex, body), Ok(()));
        assert_eq!(
            hex_verifier.verify(&as_base64, body),
            Err(SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER))
        );
        assert_eq!(base64_verifier.verify(&as_base64, body), Ok(()));
        // 64 hex digits are also base64, of 48 bytes.
        assert_eq!(
            base64_verifier.verify(&as_hex, body),
            Err(SignatureError::WrongLength { expected: 32, found: 48 })
        );

        let signed = Signer::new(base64_only, "k".into()).expect("signer").sign(body);
        assert_eq!(
            signed.get(&DEFAULT_SIGNATURE_HEADER).map(|v| v.as_bytes()),
            Some(base64_value.as_bytes())
        );
    }

    #[test]
    fn custom_header_and_no_prefix() {
        let header = HeaderName::from_static("x-signature");
        let scheme = SignatureScheme { header: header.clone(), prefix: None, ..SignatureScheme::default() };
        let verifier = Verifier::new(scheme.clone(), ["k".into()]).expect("verifier");
        let signed = Signer::new(scheme, "k".into()).expect("signer").sign(b"x");
        assert!(signed.contains_key(&header) && !signed.contains_key(&DEFAULT_SIGNATURE_HEADER));
        assert_eq!(verifier.verify(&signed, b"x"), Ok(()));
        let value = format!("sha256={}", const_hex::encode(mac("k", b"x")));
        let prefixed = headers(&[(&header, value.as_bytes())]);
        assert_eq!(verifier.verify(&prefixed, b"x"), Err(SignatureError::Undecodable(header)));
    }

    #[test]
    fn a_prefix_that_looks_like_the_start_of_a_mac_stays_optional() {
        let scheme = SignatureScheme {
            encoding: Encoding::Hex,
            prefix: Some("a".to_owned()),
            ..SignatureScheme::default()
        };
        let verifier = Verifier::new(scheme, ["k".into()]).expect("verifier");
        // A body whose MAC under `k` starts with `a`.
        let body = (0..)
            .map(|n: u32| n.to_string().into_bytes())
            .find(|body| mac("k", body)[0] >> 4 == 0xa)
            .expect("one in sixteen does");
        let hex = const_hex::encode(mac("k", &body));
        for value in [hex.clone(), format!("a{hex}"), format!("A{hex}")] {
            let signed = headers(&[(&DEFAULT_SIGNATURE_HEADER, value.as_bytes())]);
            assert_eq!(verifier.verify(&signed, &body), Ok(()), "{value}");
        }
        // Neither reading decodes: the error is about what follows the prefix.
        let short = headers(&[(&DEFAULT_SIGNATURE_HEADER, format!("a{}", &hex[..62]).as_bytes())]);
        assert_eq!(
            verifier.verify(&short, &body),
            Err(SignatureError::WrongLength { expected: 32, found: 31 })
        );
    }

    #[test]
    fn a_scheme_with_one_header_for_signature_and_timestamp_is_refused() {
        let header = HeaderName::from_static("x-a");
        let scheme = SignatureScheme {
            header: header.clone(),
            timestamp: Some(TimestampPolicy { header: header.clone(), tolerance: DEFAULT_TOLERANCE }),
            ..SignatureScheme::default()
        };
        let refused = ConfigError::SameHeader(header);
        assert_eq!(Verifier::new(scheme.clone(), ["k".into()]).err(), Some(refused.clone()));
        assert_eq!(Signer::new(scheme, "k".into()).err(), Some(refused.clone()));
        assert_eq!(
            refused.to_string(),
            "the signature and the signed timestamp cannot both be in header `x-a`"
        );
    }

    #[test]
    fn rotation_accepts_every_configured_secret_and_no_other() {
        let body = b"payload";
        let verifier = verifier(&["old-secret", "new-secret"]);
        assert_eq!(verifier.verify(&signer("old-secret").sign(body), body), Ok(()));
        assert_eq!(verifier.verify(&signer("new-secret").sign(body), body), Ok(()));
        assert_eq!(verifier.verify(&signer("other-secret").sign(body), body), Err(SignatureError::Mismatch));
    }

    #[test]
    fn refuses_tampered_bodies_and_broken_signatures() {
        let body = b"{\"amount\":1}";
        let verifier = verifier(&["k"]);
        let signed = signer("k").sign(body);
        assert_eq!(verifier.verify(&signed, b"{\"amount\":9}"), Err(SignatureError::Mismatch));
        assert_eq!(verifier.verify(&signed, b""), Err(SignatureError::Mismatch));

        let good = const_hex::encode(mac("k", body));
        let mut flipped = good.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        // The hex decoder would take a `0x` prefix, which no scheme allows.
        let zero_x = format!("0x{good}");
        let longer = format!("{good}00");
        let cases: [(&[u8], SignatureError); 8] = [
            (&flipped, SignatureError::Mismatch),
            (&good.as_bytes()[..62], SignatureError::WrongLength { expected: 32, found: 31 }),
            (zero_x.as_bytes(), SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER)),
            (longer.as_bytes(), SignatureError::WrongLength { expected: 32, found: 33 }),
            (b"", SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER)),
            (b"sha256=", SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER)),
            (b"not a signature", SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER)),
            (&[0xff, 0xfe, 0x80, b'a'], SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER)),
        ];
        for (value, expected) in cases {
            let headers = headers(&[(&DEFAULT_SIGNATURE_HEADER, value)]);
            assert_eq!(verifier.verify(&headers, body), Err(expected), "{value:?}");
        }
    }

    #[test]
    fn missing_and_duplicate_headers() {
        let verifier = verifier(&["k"]);
        assert_eq!(
            verifier.verify(&HeaderMap::new(), b"x"),
            Err(SignatureError::MissingHeader(DEFAULT_SIGNATURE_HEADER))
        );
        let good = const_hex::encode(mac("k", b"x"));
        let twice = headers(&[
            (&DEFAULT_SIGNATURE_HEADER, good.as_bytes()),
            (&DEFAULT_SIGNATURE_HEADER, good.as_bytes()),
        ]);
        assert_eq!(
            verifier.verify(&twice, b"x"),
            Err(SignatureError::DuplicateHeader(DEFAULT_SIGNATURE_HEADER))
        );
    }

    #[test]
    fn no_panic_on_arbitrary_header_bytes() {
        let verifier = Verifier::new(timestamped_scheme(), ["k".into()]).expect("verifier");
        let mut values: Vec<Vec<u8>> = (0x20..=0xffu8).filter(|b| *b != 0x7f).map(|b| vec![b; 64]).collect();
        values.push(vec![0xc3]);
        values.push("sha256=".bytes().chain([0xe2, 0x82]).collect());
        values.push(b"=".repeat(44));
        for value in &values {
            let headers = headers(&[(&DEFAULT_SIGNATURE_HEADER, value), (&DEFAULT_TIMESTAMP_HEADER, value)]);
            assert!(verifier.verify(&headers, b"x").is_err());
        }
    }

    #[test]
    fn a_list_of_secrets_is_split_at_commas_and_trimmed() {
        let secrets = Secret::list(" old , new,, ");
        assert_eq!(
            secrets.iter().map(|secret| secret.0.as_slice()).collect::<Vec<_>>(),
            [&b"old"[..], b"new"]
        );
        assert!(Secret::list(" , ").is_empty());
        // No secret at all: the verifier refuses to be built, so the receiver does not start.
        assert!(Verifier::new(SignatureScheme::default(), Secret::list("")).is_err());
    }

    #[test]
    fn a_clock_beyond_what_system_time_holds_is_far_in_the_future() {
        let far = FixedClock::at_unix(u64::MAX);
        assert!(far.now() > FixedClock::at_unix(NOW).now());
        let verifier = Verifier::new(timestamped_scheme(), ["k".into()]).expect("verifier").with_clock(far);
        let signer = Signer::new(timestamped_scheme(), "k".into()).expect("signer");
        assert!(
            matches!(
                verifier.verify(&signer.sign_at(b"event", NOW), b"event"),
                Err(SignatureError::StaleTimestamp { .. })
            ),
            "too old by far"
        );
    }

    #[test]
    fn timestamp_within_tolerance_both_ways_is_accepted() {
        let body = b"event";
        let verifier = timestamped_verifier();
        let signer = Signer::new(timestamped_scheme(), "k".into()).expect("signer");
        for at in [NOW, NOW - 300, NOW + 300] {
            let signed = signer.sign_at(body, at);
            assert_eq!(
                signed.get(&DEFAULT_TIMESTAMP_HEADER).map(|v| v.as_bytes()),
                Some(at.to_string().as_bytes())
            );
            assert_eq!(verifier.verify(&signed, body), Ok(()), "signed at {at}");
        }
        // `sign` takes its timestamp from the signer's clock.
        let now_signer = signer.clone().with_clock(FixedClock::at_unix(NOW));
        assert_eq!(verifier.verify(&now_signer.sign(body), body), Ok(()));
    }

    #[test]
    fn timestamp_outside_tolerance_is_refused() {
        let body = b"event";
        let verifier = timestamped_verifier();
        let signer = Signer::new(timestamped_scheme(), "k".into()).expect("signer");
        for (at, skew) in [(NOW - 301, 301), (NOW + 301, 301), (0, NOW)] {
            assert_eq!(
                verifier.verify(&signer.sign_at(body, at), body),
                Err(SignatureError::StaleTimestamp {
                    skew: Duration::from_secs(skew),
                    tolerance: DEFAULT_TOLERANCE
                })
            );
        }
        let strict = SignatureScheme {
            timestamp: Some(TimestampPolicy {
                tolerance: Duration::from_secs(10),
                ..TimestampPolicy::default()
            }),
            ..SignatureScheme::default()
        };
        let strict_verifier =
            Verifier::new(strict, ["k".into()]).expect("verifier").with_clock(FixedClock::at_unix(NOW));
        assert!(matches!(
            strict_verifier.verify(&signer.sign_at(body, NOW - 11), body),
            Err(SignatureError::StaleTimestamp { .. })
        ));
    }

    /// A stale timestamp is reported only for a genuine MAC: a forgery is a
    /// mismatch, however old its timestamp; and a timestamp header is read
    /// once, trimmed.
    #[test]
    fn the_mac_is_checked_before_the_timestamp_and_the_timestamp_is_read_once() {
        let body = b"event";
        let verifier = timestamped_verifier();
        let forger = Signer::new(timestamped_scheme(), "not k".into()).expect("signer");
        assert_eq!(verifier.verify(&forger.sign_at(body, NOW - 3600), body), Err(SignatureError::Mismatch));

        let signer = Signer::new(timestamped_scheme(), "k".into()).expect("signer");
        let mut twice = signer.sign_at(body, NOW);
        twice.append(DEFAULT_TIMESTAMP_HEADER, HeaderValue::from(NOW));
        assert_eq!(
            verifier.verify(&twice, body),
            Err(SignatureError::DuplicateHeader(DEFAULT_TIMESTAMP_HEADER))
        );

        let mut spaced = signer.sign_at(body, NOW);
        let padded = HeaderValue::from_str(&format!(" {NOW} ")).expect("a header value");
        spaced.insert(DEFAULT_TIMESTAMP_HEADER, padded);
        assert_eq!(verifier.verify(&spaced, body), Ok(()));
    }

    #[test]
    fn timestamp_is_covered_by_the_mac() {
        let body = b"event";
        let verifier = timestamped_verifier();
        let timestamped = Signer::new(timestamped_scheme(), "k".into()).expect("signer");
        let mut signed = timestamped.sign_at(body, NOW - 10);
        signed.insert(DEFAULT_TIMESTAMP_HEADER, HeaderValue::from(NOW));
        assert_eq!(verifier.verify(&signed, body), Err(SignatureError::Mismatch));
        // Without a timestamp policy, the MAC is over the body alone.
        let plain = signer("k").sign(body);
        let with_policy = timestamped.sign_at(body, NOW);
        assert_ne!(plain.get(&DEFAULT_SIGNATURE_HEADER), with_policy.get(&DEFAULT_SIGNATURE_HEADER));
        assert!(!plain.contains_key(&DEFAULT_TIMESTAMP_HEADER));
    }

    #[test]
    fn timestamp_missing_or_invalid_is_refused() {
        let body = b"event";
        let verifier = timestamped_verifier();
        let mut signed = Signer::new(timestamped_scheme(), "k".into()).expect("signer").sign_at(body, NOW);
        let signature = signed.remove(&DEFAULT_SIGNATURE_HEADER).expect("signature");
        let only_signature = headers(&[(&DEFAULT_SIGNATURE_HEADER, signature.as_bytes())]);
        assert_eq!(
            verifier.verify(&only_signature, body),
            Err(SignatureError::MissingTimestamp(DEFAULT_TIMESTAMP_HEADER))
        );
        for bad in
            [&b""[..], b"-5", b"+1700000000", b"1700000000.5", b"soon", b"99999999999999999999", &[0xff]]
        {
            let headers = headers(&[
                (&DEFAULT_SIGNATURE_HEADER, signature.as_bytes()),
                (&DEFAULT_TIMESTAMP_HEADER, bad),
            ]);
            assert_eq!(
                verifier.verify(&headers, body),
                Err(SignatureError::InvalidTimestamp(DEFAULT_TIMESTAMP_HEADER)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn configuration_requires_a_non_empty_secret() {
        assert!(matches!(Verifier::new(SignatureScheme::default(), []), Err(ConfigError::NoSecret)));
        assert!(matches!(
            Verifier::new(SignatureScheme::default(), ["a".into(), "".into()]),
            Err(ConfigError::EmptySecret { index: 1 })
        ));
        assert!(matches!(
            Signer::new(SignatureScheme::default(), "".into()),
            Err(ConfigError::EmptySecret { index: 0 })
        ));
        assert!(ConfigError::NoSecret.to_string().contains("accept_unsigned_insecure"));
        assert_eq!(ConfigError::EmptySecret { index: 1 }.to_string(), "webhook secret #1 is empty");
        assert_eq!(
            ConfigError::InvalidSecret { index: 0 }.to_string(),
            "webhook secret #0 cannot key HMAC-SHA256"
        );
    }

    #[test]
    fn insecure_opt_out_accepts_everything() {
        let verifier = Verifier::accept_unsigned_insecure();
        assert!(verifier.is_insecure());
        assert!(!self::verifier(&["k"]).is_insecure());
        assert_eq!(verifier.verify(&HeaderMap::new(), b"anything"), Ok(()));
        let garbage = headers(&[(&DEFAULT_SIGNATURE_HEADER, b"garbage")]);
        assert_eq!(verifier.verify(&garbage, b"anything"), Ok(()));
        assert!(format!("{verifier:?}").contains("INSECURE"));
    }

    #[test]
    fn secrets_never_appear_in_debug_or_errors() {
        let secret = "hunter2-very-secret";
        assert_eq!(format!("{:?}", Secret::from(secret)), "Secret(<redacted>)");
        let verifier = verifier(&[secret, "another-one"]);
        let signer = signer(secret);
        let body = b"x";
        let mut outputs = vec![
            format!("{verifier:?}"),
            format!("{signer:?}"),
            format!("{:?}", Secret::new(secret.as_bytes().to_vec())),
        ];
        let failures = [
            verifier.verify(&HeaderMap::new(), body),
            verifier.verify(&self::signer("wrong").sign(body), body),
            verifier.verify(&headers(&[(&DEFAULT_SIGNATURE_HEADER, b"zz")]), body),
        ];
        for failure in failures {
            let error = failure.expect_err("verification fails");
            outputs.push(error.to_string());
            outputs.push(format!("{error:?}"));
        }
        for output in outputs {
            assert!(!output.contains(secret) && !output.contains("another-one"), "{output}");
        }
        assert!(format!("{verifier:?}").contains("secrets: 2"));
    }

    #[test]
    fn error_messages_are_clear() {
        let name = DEFAULT_SIGNATURE_HEADER;
        assert_eq!(
            SignatureError::MissingHeader(name.clone()).to_string(),
            "missing signature header `x-webhook-signature`"
        );
        assert_eq!(
            SignatureError::WrongLength { expected: 32, found: 31 }.to_string(),
            "the signature is 31 bytes long, expected 32"
        );
        assert_eq!(
            SignatureError::WrongLength { expected: 32, found: 1 }.to_string(),
            "the signature is 1 byte long, expected 32"
        );
        assert_eq!(
            SignatureError::StaleTimestamp { skew: Duration::from_secs(301), tolerance: DEFAULT_TOLERANCE }
                .to_string(),
            "the signed timestamp is 301s away from now, more than the 300s tolerated"
        );
        assert!(SignatureError::Undecodable(name).to_string().contains("x-webhook-signature"));
    }

    #[test]
    fn system_clock_is_after_the_epoch() {
        assert!(unix_seconds(SystemClock.now()) > NOW);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(1)), 0);
    }
}
