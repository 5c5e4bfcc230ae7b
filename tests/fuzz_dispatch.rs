//! A seeded fuzz harness over the dispatcher's input: arbitrary bytes, mutated
//! real samples and arbitrary header names and values (non-UTF-8 included),
//! with valid, wrong, tampered, duplicated, missing and garbage signatures,
//! through the generated crate's `Dispatcher::dispatch` (and the `inspect`
//! logic). Each case asserts that nothing panics and that the outcome agrees
//! with what was sent:
//!
//! - a body over the limit is `TooLarge`, whatever else it is;
//! - a genuinely signed body is never `Unauthenticated`: it is handled (or a
//!   duplicate, exactly when its key was handled before) if and only if it
//!   parses, and otherwise the rejected method gets its exact bytes;
//! - anything else is `Unauthenticated` and reaches no method;
//! - the handler never fails here, so neither `HandlerFailed` nor `StoreFailed`.
//!
//! `FUZZ_CASES` sets the number of cases (20,000 by default), `FUZZ_SEED` the
//! seed. A failing case prints both, and its index; `FUZZ_FIRST_CASE` starts
//! there. A million cases, in release mode:
//!
//! `FUZZ_CASES=1000000 cargo test --release -p asyncapi-tests --test fuzz_dispatch -- --nocapture`

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use asyncapi_rt::dedupe::MemoryDedupe;
use asyncapi_rt::dispatch::{Inbound, Outcome};
use asyncapi_rt::http::header::CONTENT_TYPE;
use asyncapi_rt::http::{HeaderMap, HeaderName, HeaderValue};
use asyncapi_rt::inspect::{Body, Inspection, inspect};
use asyncapi_rt::signature::{
    DEFAULT_SIGNATURE_HEADER, DEFAULT_TIMESTAMP_HEADER, FixedClock, Secret, SignatureScheme, Signer,
    TimestampPolicy, Verifier,
};
use asyncapi_tests::rng::Rng;
use bytes::Bytes;
use gotowebinar_webhooks::{Delivery, Dispatcher, Event, Handler, Mode, Rejection, RejectionKind, types};

const OLD_SECRET: &str = "fuzz-old-secret";
const NEW_SECRET: &str = "fuzz-new-secret";
const NOW: u64 = 1_790_000_000;
const TOLERANCE: u64 = 300;
const BODY_LIMIT: usize = 2048;
const SAMPLES: [&[u8]; 2] = [
    include_bytes!("samples/registrant-joined.numeric-keys.json"),
    include_bytes!("samples/webinar-created.json"),
];

// ---------------------------------------------------------------------------
// The handler: counts calls and keeps the last bytes.
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Counting {
    typed: AtomicUsize,
    rejected: AtomicUsize,
    last_body: Mutex<Bytes>,
    last_rejection: Mutex<Option<Rejection>>,
}

impl Counting {
    fn typed(&self, delivery: &Delivery) -> Result<(), std::convert::Infallible> {
        self.typed.fetch_add(1, Ordering::SeqCst);
        *self.last_body.lock().unwrap_or_else(PoisonError::into_inner) = delivery.body.clone();
        Ok(())
    }

    fn counts(&self) -> (usize, usize) {
        (self.typed.load(Ordering::SeqCst), self.rejected.load(Ordering::SeqCst))
    }
}

impl Handler for Counting {
    type Error = std::convert::Infallible;

    async fn on_registrant_added(
        &self,
        _: types::RegistrantAdded,
        delivery: &Delivery,
    ) -> Result<(), Self::Error> {
        self.typed(delivery)
    }

    async fn on_registrant_joined(
        &self,
        _: types::RegistrantJoined,
        delivery: &Delivery,
    ) -> Result<(), Self::Error> {
        self.typed(delivery)
    }

    async fn on_webinar_created(
        &self,
        _: types::WebinarCreated,
        delivery: &Delivery,
    ) -> Result<(), Self::Error> {
        self.typed(delivery)
    }

    async fn on_webinar_changed(
        &self,
        _: types::WebinarChanged,
        delivery: &Delivery,
    ) -> Result<(), Self::Error> {
        self.typed(delivery)
    }

    async fn on_rejected(&self, rejection: Rejection, delivery: &Delivery) -> Result<(), Self::Error> {
        self.rejected.fetch_add(1, Ordering::SeqCst);
        *self.last_body.lock().unwrap_or_else(PoisonError::into_inner) = delivery.body.clone();
        *self.last_rejection.lock().unwrap_or_else(PoisonError::into_inner) = Some(rejection);
        Ok(())
    }
}

/// Runs a future that never waits: the dispatcher with an in-memory store and
/// a handler that returns at once must finish on its first polls.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..16 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
    panic!("the dispatch waited on nothing");
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/// One element of a list that is never empty.
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    rng.pick(items).expect("picks are from non-empty lists")
}

/// Pieces that steer mutations towards the parser's interesting paths.
const FRAGMENTS: &[&str] = &[
    r#""eventName":"registrant.added""#,
    r#""eventName":"registrant.joined""#,
    r#""eventName":"webinar.created""#,
    r#""eventName":"webinar.changed""#,
    r#""eventName":"webinar.deleted""#,
    r#""eventName":null"#,
    r#""eventKey":123456789012345678901234567890"#,
    r#""eventKey":-1"#,
    r#""eventKey":1.5"#,
    r#""webinarKey":18446744073709551616"#,
    r#""joinTime":1e999"#,
    r#""email":"not an email""#,
    r#""timestamp":"2026-13-45T99:99:99Z""#,
    r#""status":"DELETED""#,
    r#""times":[{"startTime":"x"}]"#,
    r#""\ud800""#,
    r#""\u0000""#,
    "\"\u{fffd}\u{1f600}\"",
    "null",
    "true",
    "-0",
    "[]",
    "{}",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    " ",
];

fn valid_body(rng: &mut Rng, key: &str) -> Vec<u8> {
    let mut value: serde_json::Value = match rng.below(4) {
        0 => serde_json::json!({
            "eventName": "registrant.added", "eventVersion": "1.0.0", "product": "g2w",
            "webinarKey": rng.next_u64(), "registrantKey": rng.next_u64().to_string(),
            "email": format!("r{}@example.com", rng.below(1000)),
        }),
        1 => serde_json::json!({
            "eventName": "webinar.changed", "eventVersion": "1.0.0", "product": "g2w",
            "webinarKey": rng.next_u64().to_string(), "status": "UPDATED",
            "times": [{"startTime": "2026-09-10T16:00:00Z", "endTime": "2026-09-10T17:00:00Z"}],
        }),
        n => serde_json::from_slice(SAMPLES[n - 2]).unwrap_or_default(),
    };
    value["eventKey"] = if rng.chance(0.2) {
        // Real traffic sends some keys as numbers.
        serde_json::Value::from(rng.next_u64())
    } else {
        serde_json::Value::from(key)
    };
    serde_json::to_vec(&value).unwrap_or_default()
}

fn mutate(rng: &mut Rng, body: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let at = rng.below(body.len() + 1);
        match rng.below(8) {
            0 if !body.is_empty() => {
                let i = rng.below(body.len());
                body[i] ^= 1 << rng.below(8);
            }
            1 if !body.is_empty() => {
                let i = rng.below(body.len());
                body[i] = *pick(rng, b"\"{}[]\\,:0-e.\x00\xff\x80 ");
            }
            2 => {
                let end = (at + rng.below(16)).min(body.len());
                body.drain(at..end);
            }
            3 => {
                let fragment = pick(rng, FRAGMENTS).as_bytes();
                body.splice(at..at, fragment.iter().copied());
            }
            4 => body.truncate(at),
            5 => {
                let end = (at + rng.below(32)).min(body.len());
                let copy = body[at..end].to_vec();
                body.splice(at..at, copy);
            }
            6 => {
                let depth = 1 + rng.below(300);
                let open = if rng.chance(0.5) { b'[' } else { b'{' };
                body.splice(at..at, std::iter::repeat_n(open, depth));
            }
            _ => {
                let len = rng.below(8);
                let noise = rng.bytes(len);
                body.splice(at..at, noise);
            }
        }
    }
}

/// A header value: visible ASCII, tabs and obs-text (non-UTF-8), as `HeaderValue` allows.
fn header_value(rng: &mut Rng) -> HeaderValue {
    let len = rng.below(40);
    let bytes: Vec<u8> = (0..len)
        .map(|_| match rng.below(3) {
            0 => 0x20 + rng.below(0x5f) as u8,
            1 => 0x80 + rng.below(0x80) as u8,
            _ => *pick(rng, b"\t =;,\"abcdefABCDEF0123456789+/"),
        })
        .collect();
    HeaderValue::from_bytes(&bytes).unwrap_or(HeaderValue::from_static(""))
}

fn header_name(rng: &mut Rng) -> HeaderName {
    const NAMES: &[&str] =
        &["content-type", "x-webhook-event", "user-agent", "x-forwarded-for", "content-length"];
    if rng.chance(0.4) {
        let name: &&'static str = pick(rng, NAMES);
        return HeaderName::from_static(name);
    }
    let len = 1 + rng.below(24);
    let name: String = (0..len)
        .map(|_| *pick(rng, b"abcdefghijklmnopqrstuvwxyz0123456789-_!#$%&'*+.^`|~") as char)
        .collect();
    HeaderName::from_bytes(name.as_bytes()).unwrap_or(CONTENT_TYPE)
}

/// Signature spellings the default scheme accepts.
fn spell(rng: &mut Rng, mac: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let text = match rng.below(6) {
        0 => const_hex::encode(mac),
        1 => const_hex::encode_upper(mac),
        2 => base64::engine::general_purpose::STANDARD.encode(mac),
        3 => base64::engine::general_purpose::STANDARD_NO_PAD.encode(mac),
        4 => format!("sha256={}", const_hex::encode(mac)),
        _ => format!(" Sha256={} ", base64::engine::general_purpose::STANDARD.encode(mac)),
    };
    text.into_bytes()
}

/// How the case is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signing {
    /// By a configured secret, over the bytes sent (and a fresh timestamp).
    Genuine,
    /// By a configured secret, over other bytes.
    Tampered,
    /// By a secret the receiver does not have.
    WrongSecret,
    /// A genuine signature, sent twice.
    Twice,
    /// Random bytes.
    Garbage,
    /// No signature header.
    Missing,
    /// Genuine, with a timestamp outside the tolerance (timestamped receiver only).
    Stale,
    /// Genuine, without the timestamp header (timestamped receiver only).
    NoTimestamp,
}

struct Receiver {
    dispatcher: Dispatcher<Counting>,
    timestamped: bool,
    mode: Mode,
    /// Each handled (message, key): keys are each message's own.
    seen: HashSet<(&'static str, String)>,
}

impl Receiver {
    fn new(timestamped: bool, mode: Mode) -> Self {
        let scheme = scheme(timestamped);
        let secrets = [Secret::from(OLD_SECRET), Secret::from(NEW_SECRET)];
        let verifier = match Verifier::new(scheme, secrets) {
            Ok(verifier) => verifier.with_clock(FixedClock::at_unix(NOW)),
            Err(error) => panic!("{error}"),
        };
        let dispatcher = Dispatcher::new(Counting::default(), verifier)
            .with_dedupe(MemoryDedupe::new().with_capacity(usize::MAX))
            .with_mode(mode)
            .with_body_limit(BODY_LIMIT);
        Self { dispatcher, timestamped, mode, seen: HashSet::new() }
    }
}

fn scheme(timestamped: bool) -> SignatureScheme {
    let timestamp = timestamped
        .then(|| TimestampPolicy { tolerance: Duration::from_secs(TOLERANCE), ..TimestampPolicy::default() });
    SignatureScheme { timestamp, ..SignatureScheme::default() }
}

/// One case: the delivery, and what was meant by it.
struct Case {
    headers: HeaderMap,
    body: Vec<u8>,
    signing: Signing,
}

fn generate(rng: &mut Rng, timestamped: bool, replays: &mut Vec<(HeaderMap, Vec<u8>)>) -> Case {
    // An exact replay of an earlier genuine delivery.
    if !replays.is_empty() && rng.chance(0.05) {
        let (headers, body) = pick(rng, replays).clone();
        return Case { headers, body, signing: Signing::Genuine };
    }
    let key = format!("fuzz-{}", rng.below(1 << 20));
    let mut body = match rng.below(10) {
        0 => {
            let len = rng.below(300);
            rng.bytes(len)
        }
        1 => {
            let mut soup = Vec::new();
            for _ in 0..rng.below(20) {
                soup.extend_from_slice(pick(rng, FRAGMENTS).as_bytes());
            }
            soup
        }
        2..=5 => {
            let mut body = valid_body(rng, &key);
            mutate(rng, &mut body);
            body
        }
        6 => {
            let mut body = SAMPLES[rng.below(2)].to_vec();
            mutate(rng, &mut body);
            body
        }
        7 => {
            // Over the limit (or just at it).
            let mut body = valid_body(rng, &key);
            let pad = BODY_LIMIT.saturating_sub(body.len()) + rng.below(3);
            body.extend(std::iter::repeat_n(b' ', pad));
            body
        }
        _ => valid_body(rng, &key),
    };
    let mut signing = *pick(
        rng,
        &[
            Signing::Genuine,
            Signing::Genuine,
            Signing::Genuine,
            Signing::Genuine,
            Signing::Tampered,
            Signing::WrongSecret,
            Signing::Twice,
            Signing::Garbage,
            Signing::Missing,
            Signing::Stale,
            Signing::NoTimestamp,
        ],
    );
    if !timestamped && matches!(signing, Signing::Stale | Signing::NoTimestamp) {
        signing = Signing::Genuine;
    }

    let secret = match signing {
        Signing::WrongSecret => "not-a-configured-secret",
        _ if rng.chance(0.5) => OLD_SECRET,
        _ => NEW_SECRET,
    };
    let signer = match Signer::new(scheme(timestamped), Secret::from(secret)) {
        Ok(signer) => signer,
        Err(error) => panic!("{error}"),
    };
    let at = match signing {
        Signing::Stale if rng.chance(0.5) => NOW - TOLERANCE - 1 - rng.below(1 << 30) as u64,
        Signing::Stale => NOW + TOLERANCE + 1 + rng.below(1 << 30) as u64,
        _ => NOW - TOLERANCE + rng.below(2 * TOLERANCE as usize + 1) as u64,
    };
    let mut headers = signer.sign_at(&body, at);
    // Respell the MAC in any accepted encoding (the MAC is the same).
    if let Some(mac) =
        headers.get(DEFAULT_SIGNATURE_HEADER).and_then(|value| const_hex::decode(value.as_bytes()).ok())
    {
        let spelled = spell(rng, &mac);
        if let Ok(value) = HeaderValue::from_bytes(&spelled) {
            headers.insert(DEFAULT_SIGNATURE_HEADER, value);
        }
    }
    match signing {
        Signing::Tampered => {
            let before = body.clone();
            while body == before {
                mutate(rng, &mut body);
            }
        }
        Signing::Twice => {
            if let Some(value) = headers.get(DEFAULT_SIGNATURE_HEADER).cloned() {
                headers.append(DEFAULT_SIGNATURE_HEADER, value);
            }
        }
        Signing::Garbage => {
            headers.insert(DEFAULT_SIGNATURE_HEADER, header_value(rng));
        }
        Signing::Missing => {
            headers.remove(DEFAULT_SIGNATURE_HEADER);
        }
        Signing::NoTimestamp => {
            headers.remove(DEFAULT_TIMESTAMP_HEADER);
        }
        Signing::Genuine | Signing::WrongSecret | Signing::Stale => {}
    }
    // Arbitrary other headers; the signature's own are left as chosen above.
    for _ in 0..rng.below(4) {
        let name = header_name(rng);
        if name != DEFAULT_SIGNATURE_HEADER && name != DEFAULT_TIMESTAMP_HEADER {
            headers.append(name, header_value(rng));
        }
    }
    if rng.chance(0.6) {
        let content_type =
            if rng.chance(0.8) { HeaderValue::from_static("application/json") } else { header_value(rng) };
        headers.insert(CONTENT_TYPE, content_type);
    }
    if signing == Signing::Genuine && body.len() <= BODY_LIMIT && rng.chance(0.2) {
        if replays.len() >= 64 {
            let slot = rng.below(replays.len());
            replays[slot] = (headers.clone(), body.clone());
        } else {
            replays.push((headers.clone(), body.clone()));
        }
    }
    Case { headers, body, signing }
}

// ---------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------

/// Dispatches `case` and checks the outcome; its label.
fn check(receiver: &mut Receiver, case: &Case) -> &'static str {
    let delivery = Delivery::new(case.headers.clone(), case.body.clone());
    let expected = <Event as Inbound>::parse(&delivery, receiver.mode);
    let before = receiver.dispatcher.handler().counts();
    let outcome = run(receiver.dispatcher.dispatch(delivery));
    let label = outcome.label();
    let after = receiver.dispatcher.handler().counts();
    let handler = receiver.dispatcher.handler();
    let last_body = handler.last_body.lock().unwrap_or_else(PoisonError::into_inner).clone();

    assert_eq!(
        outcome.status().as_u16() / 100 == 2,
        matches!(outcome, Outcome::Handled { .. } | Outcome::Duplicate { .. } | Outcome::Rejected(_))
    );
    if case.body.len() > BODY_LIMIT {
        assert!(
            matches!(outcome, Outcome::TooLarge { size, limit } if size == case.body.len() && limit == BODY_LIMIT),
            "{outcome:?}"
        );
        assert_eq!(after, before, "an oversized body reached a method");
        return label;
    }
    if case.signing != Signing::Genuine {
        assert!(matches!(outcome, Outcome::Unauthenticated(_)), "{:?} signature: {outcome:?}", case.signing);
        assert_eq!(after, before, "an unauthenticated delivery reached a method");
        return label;
    }
    // Judged without the parser under test: bytes that are not JSON are never
    // a message.
    if serde_json::from_slice::<serde::de::IgnoredAny>(&case.body).is_err() {
        assert!(
            matches!(&outcome, Outcome::Rejected(rejection) if rejection.kind == RejectionKind::NotJson),
            "not JSON, yet {outcome:?}"
        );
    }
    match (outcome, expected) {
        (Outcome::Handled { message, key }, Ok(event)) => {
            assert_eq!(message, event.name());
            assert_eq!(key.as_deref(), event.dedupe_key());
            let key = key.unwrap_or_else(|| panic!("every message of this document has a key"));
            assert!(receiver.seen.insert((message, key)), "handled a key already handled");
            assert_eq!(after, (before.0 + 1, before.1));
            assert_eq!(last_body, case.body);
        }
        (Outcome::Duplicate { message, key }, Ok(event)) => {
            assert_eq!(message, event.name());
            assert_eq!(Some(key.as_str()), event.dedupe_key());
            assert!(receiver.seen.contains(&(message, key)), "a duplicate of a key never handled");
            assert_eq!(after, before, "a duplicate reached a method");
        }
        (Outcome::Rejected(rejection), Err(expected)) => {
            assert_eq!(rejection, expected);
            assert_eq!(after, (before.0, before.1 + 1));
            assert_eq!(last_body, case.body, "the rejected method got other bytes");
            let got = handler.last_rejection.lock().unwrap_or_else(PoisonError::into_inner).clone();
            assert_eq!(got, Some(expected));
        }
        (outcome, expected) => panic!("a genuine delivery: {outcome:?}, but it parses as {expected:?}"),
    }
    label
}

/// The `inspect` logic on the same delivery, headers and all, judged as of
/// the receiver's clock: no panic, and the receiver's verdict.
fn check_inspect(case: &Case, receiver: &Receiver) {
    let secrets = [OLD_SECRET.to_owned(), NEW_SECRET.to_owned()];
    let body = Body::new(case.body.clone());
    let scheme = scheme(receiver.timestamped);
    let checked = Inspection {
        body: &body,
        headers: &case.headers,
        scheme: &scheme,
        secrets: &secrets,
        channel: None,
        mode: receiver.mode,
        body_limit: BODY_LIMIT,
        received_at: Some(NOW),
    };
    let report = inspect::<Event>(&checked);
    assert!(serde_json::from_str::<serde_json::Value>(&report.line).is_ok(), "{}", report.line);
    if case.body.len() > BODY_LIMIT {
        // As the receiver: refused before anything else.
        assert_eq!(report.exit_code, 4, "{}", report.line);
        return;
    }
    let delivery = Delivery::new(case.headers.clone(), case.body.clone());
    let parses = <Event as Inbound>::parse(&delivery, receiver.mode).is_ok();
    let expected = match case.signing {
        Signing::Genuine => u8::from(!parses),
        Signing::Tampered
        | Signing::WrongSecret
        | Signing::Twice
        | Signing::Garbage
        | Signing::Missing
        | Signing::Stale
        | Signing::NoTimestamp => 2,
    };
    assert_eq!(report.exit_code, expected, "{:?}: {}", case.signing, report.line);
    let unchecked = Inspection { secrets: &[], ..checked };
    assert_eq!(inspect::<Event>(&unchecked).exit_code, u8::from(!parses));
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => {
            value.trim().replace('_', "").parse().unwrap_or_else(|_| panic!("{name}={value} is not a number"))
        }
        Err(_) => default,
    }
}

#[test]
fn the_dispatcher_survives_arbitrary_deliveries() {
    let cases = env_number("FUZZ_CASES", 20_000);
    let seed = env_number("FUZZ_SEED", 0x0ddc_0ffe_e156_600d);
    let first = env_number("FUZZ_FIRST_CASE", 0);
    let started = Instant::now();
    let mut receivers = [Receiver::new(false, Mode::Lenient), Receiver::new(true, Mode::Strict)];
    let mut replays = [Vec::new(), Vec::new()];
    let mut signings = std::collections::BTreeMap::new();
    let mut labels = std::collections::BTreeMap::new();
    for index in first..first + cases {
        let mut rng = Rng::new(seed).fork(index);
        let which = rng.below(2);
        let receiver = &mut receivers[which];
        let case = generate(&mut rng, receiver.timestamped, &mut replays[which]);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let label = check(receiver, &case);
            if index % 4 == 0 {
                check_inspect(&case, receiver);
            }
            label
        }));
        let label = result.unwrap_or_else(|panic| {
            eprintln!(
                "fuzz case {index} failed (FUZZ_SEED={seed} FUZZ_FIRST_CASE={index}): signing {:?}, headers {:?}, \
                 body {:?}",
                case.signing,
                case.headers,
                String::from_utf8_lossy(&case.body)
            );
            std::panic::resume_unwind(panic)
        });
        *signings.entry(format!("{:?}", case.signing)).or_insert(0u64) += 1;
        *labels.entry(label).or_insert(0u64) += 1;
    }
    let [lenient, strict] = &receivers;
    eprintln!(
        "{cases} fuzz cases (seed {seed}) in {:?}: outcomes {labels:?}; signings {signings:?}; handler calls \
         (typed, rejected): lenient {:?}, strict {:?}; keys handled: {}",
        started.elapsed(),
        lenient.dispatcher.handler().counts(),
        strict.dispatcher.handler().counts(),
        lenient.seen.len() + strict.seen.len(),
    );
    // Every kind of outcome, and every way of signing, was exercised.
    for label in ["handled", "duplicate", "rejected", "unauthenticated", "too_large"] {
        assert!(cases < 1_000 || labels.contains_key(label), "no case was {label}: {labels:?}");
    }
    for signing in
        ["Genuine", "Tampered", "WrongSecret", "Twice", "Garbage", "Missing", "Stale", "NoTimestamp"]
    {
        assert!(
            cases < 1_000 || signings.contains_key(signing),
            "no case was signed {signing}: {signings:?}"
        );
    }
}
