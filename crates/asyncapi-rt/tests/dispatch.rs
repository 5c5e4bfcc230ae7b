//! The dispatcher, tested through a small hand-written protocol (no generated
//! crate): every outcome and its status, signatures (encodings, rotation,
//! tampering, timestamps), de-duplication (duplicates, failures, cancellation,
//! panics, concurrency), the body limit, configuration, and the test helpers.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use asyncapi_rt::body::Tag;
use asyncapi_rt::dedupe::{Claim, ClaimToken, DedupeError, DedupeStore, MemoryDedupe, NoDedupe};
use asyncapi_rt::dispatch::{DEFAULT_BODY_LIMIT, Delivery, Dispatcher, Inbound, Outcome, Route};
use asyncapi_rt::message::{Mode, Rejection, RejectionKind};
use asyncapi_rt::signature::{
    ConfigError, DEFAULT_SIGNATURE_HEADER, DEFAULT_TIMESTAMP_HEADER, Encoding, FixedClock, Secret,
    SignatureError, SignatureScheme, Signer, TimestampPolicy, Verifier,
};
use asyncapi_rt::testing::{self, TestingError};
use asyncapi_rt::violation::{Keyword, Violation, Violations};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::Value;

const SECRET: &str = "dispatch-test-secret";

// ---------------------------------------------------------------------------
// A tiny protocol: `{"kind":"order","id":"...","total":n}` carries a
// de-duplication key (its id); `{"kind":"ping"}` carries none. Deliveries may
// only come on the channel `shop`, when they name one.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Msg {
    Order { id: String, total: u64 },
    Ping,
}

impl Inbound for Msg {
    fn parse(delivery: &Delivery, mode: Mode) -> Result<Self, Rejection> {
        if let Some(channel) = delivery.channel.as_deref().filter(|channel| *channel != "shop") {
            return Err(Rejection::unknown_channel(channel));
        }
        let [kind] = asyncapi_rt::body::probe(&delivery.body, ["kind"])?;
        let value: Value =
            serde_json::from_slice(&delivery.body).map_err(|error| Rejection::not_json(&error))?;
        match kind.as_str() {
            Some("order") => {
                let mut violations = Violations::new();
                let id = value.get("id").and_then(Value::as_str);
                let total = value.get("total").and_then(Value::as_u64);
                if id.is_none() {
                    violations.push_violation(violation("", Keyword::Required, "`id` is required"));
                }
                if total.is_none() {
                    violations.push_violation(violation("/total", Keyword::Type, "expected an integer"));
                }
                let extra = value.as_object().map_or(0, |object| object.len().saturating_sub(3));
                if mode == Mode::Strict && extra > 0 {
                    violations.push_violation(violation("", Keyword::AdditionalProperties, "unknown field"));
                }
                match (id, total) {
                    (Some(id), Some(total)) if violations.is_empty() => {
                        Ok(Msg::Order { id: id.to_owned(), total })
                    }
                    _ => Err(Rejection::invalid("order", violations)),
                }
            }
            Some("ping") => Ok(Msg::Ping),
            _ => Err(Rejection::unknown("kind", &kind, &["order", "ping"])),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Msg::Order { .. } => "order",
            Msg::Ping => "ping",
        }
    }

    fn dedupe_key(&self) -> Option<&str> {
        match self {
            Msg::Order { id, .. } => Some(id),
            Msg::Ping => None,
        }
    }

    /// An order's correlation ID is its `X-Request-Id` header.
    fn correlation_id<'a>(&'a self, headers: &'a HeaderMap) -> Option<Cow<'a, str>> {
        CORRELATION_READS.with(|reads| reads.set(reads.get() + 1));
        match self {
            Msg::Order { .. } => asyncapi_rt::correlation::in_headers(headers, &["X-Request-Id"]),
            Msg::Ping => None,
        }
    }
}

thread_local! {
    /// How many times this thread read a message's correlation ID.
    static CORRELATION_READS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn violation(pointer: &str, keyword: Keyword, message: &str) -> Violation {
    Violation { pointer: pointer.to_owned(), keyword, message: message.to_owned() }
}

/// What the handler was called with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Order { id: String, total: u64 },
    Ping,
    Rejected { kind: RejectionKind, message: Option<String>, body: Bytes },
}

#[derive(Debug)]
struct HandlerError(&'static str);

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for HandlerError {}

/// A handler recording its calls, told to fail, stall or panic on the next
/// orders, or to hold every order until let go.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<Call>>,
    fail_orders: AtomicUsize,
    stall_orders: AtomicUsize,
    panic_orders: AtomicUsize,
    yield_in_orders: AtomicBool,
    hold_orders: AtomicBool,
    started_orders: AtomicUsize,
    fail_rejected: AtomicBool,
}

impl Recorder {
    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn record(&self, call: Call) {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).push(call);
    }

    /// Takes one of `counter`'s remaining units, if any.
    fn take(counter: &AtomicUsize) -> bool {
        counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
    }
}

impl Route<Recorder> for Msg {
    type Error = HandlerError;

    async fn route(self, handler: &Recorder, _delivery: &Delivery) -> Result<(), HandlerError> {
        match self {
            Msg::Order { id, total } => {
                handler.started_orders.fetch_add(1, Ordering::SeqCst);
                if handler.yield_in_orders.load(Ordering::SeqCst) {
                    tokio::task::yield_now().await;
                }
                while handler.hold_orders.load(Ordering::SeqCst) {
                    tokio::task::yield_now().await;
                }
                if Recorder::take(&handler.stall_orders) {
                    std::future::pending::<()>().await;
                }
                if Recorder::take(&handler.panic_orders) {
                    panic!("the order handler panicked (on purpose)");
                }
                if Recorder::take(&handler.fail_orders) {
                    return Err(HandlerError("the order handler failed"));
                }
                handler.record(Call::Order { id, total });
            }
            Msg::Ping => handler.record(Call::Ping),
        }
        Ok(())
    }

    async fn reject(
        handler: &Recorder,
        rejection: Rejection,
        delivery: &Delivery,
    ) -> Result<(), HandlerError> {
        if handler.fail_rejected.load(Ordering::SeqCst) {
            return Err(HandlerError("the rejected handler failed"));
        }
        handler.record(Call::Rejected {
            kind: rejection.kind,
            message: rejection.message,
            body: delivery.body.clone(),
        });
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn verifier(secrets: &[&str]) -> Verifier {
    Verifier::new(SignatureScheme::default(), secrets.iter().map(|secret| Secret::from(*secret)))
        .expect("a valid verifier")
}

fn dispatcher() -> Dispatcher<Msg, Recorder> {
    Dispatcher::new(Recorder::default(), verifier(&[SECRET]))
}

fn order(id: &str, total: u64) -> String {
    format!(r#"{{"kind":"order","id":"{id}","total":{total}}}"#)
}

fn signed(body: impl Into<Bytes>) -> Delivery {
    testing::signed_delivery(body, SECRET).expect("signs")
}

fn with_signature(body: impl Into<Bytes>, value: &[u8]) -> Delivery {
    let mut headers = HeaderMap::new();
    headers.insert(DEFAULT_SIGNATURE_HEADER, HeaderValue::from_bytes(value).expect("a header value"));
    Delivery::new(headers, body)
}

fn hex_mac(secret: &str, body: &[u8]) -> String {
    let headers = testing::sign(body, secret).expect("signs");
    let value = headers.get(DEFAULT_SIGNATURE_HEADER).expect("a signature");
    value.to_str().expect("hex is ASCII").to_owned()
}

fn order_call(id: &str, total: u64) -> Call {
    Call::Order { id: id.to_owned(), total }
}

/// A store whose claim, completion and release can be made to fail, counting
/// releases.
#[derive(Default)]
struct FlakyStore {
    inner: MemoryDedupe,
    fail_claims: AtomicBool,
    fail_completes: AtomicBool,
    fail_releases: AtomicBool,
    releases: AtomicUsize,
}

impl DedupeStore for FlakyStore {
    async fn claim(&self, key: &str) -> Result<Claim, DedupeError> {
        if self.fail_claims.load(Ordering::SeqCst) {
            let cause = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
            return Err(DedupeError::with_source("store unreachable", cause));
        }
        self.inner.claim(key).await
    }

    async fn complete(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        if self.fail_completes.load(Ordering::SeqCst) {
            return Err(DedupeError::new("store unreachable"));
        }
        self.inner.complete(key, token).await
    }

    async fn release(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        self.releases.fetch_add(1, Ordering::SeqCst);
        if self.fail_releases.load(Ordering::SeqCst) {
            return Err(DedupeError::new("store unreachable"));
        }
        self.inner.release(key, token).await
    }
}

/// A store whose release never completes, as a network store's might.
struct SlowReleaseStore(MemoryDedupe);

impl DedupeStore for SlowReleaseStore {
    async fn claim(&self, key: &str) -> Result<Claim, DedupeError> {
        self.0.claim(key).await
    }

    async fn complete(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        self.0.complete(key, token).await
    }

    async fn release(&self, _key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
        std::future::pending().await
    }
}

/// A store whose `complete` waits for ever, as a network store's might when
/// the request is cancelled meanwhile; settled without waiting, it records
/// the key at once (a network store would spawn the write).
#[derive(Default)]
struct SlowCompleteStore {
    inner: MemoryDedupe,
    abandoned_completes: Arc<AtomicUsize>,
}

impl DedupeStore for SlowCompleteStore {
    async fn claim(&self, key: &str) -> Result<Claim, DedupeError> {
        self.inner.claim(key).await
    }

    async fn complete(&self, _key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
        std::future::pending().await
    }

    async fn release(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        self.inner.release(key, token).await
    }

    fn complete_abandoned(&self, key: &str, token: ClaimToken) {
        self.abandoned_completes.fetch_add(1, Ordering::SeqCst);
        self.inner.complete_abandoned(key, token);
    }
}

// ---------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_new_message_is_handled_and_its_duplicate_acknowledged_without_a_call() {
    let dispatcher = dispatcher();
    let body = order("o-1", 12);
    let first = dispatcher.dispatch(signed(body.clone())).await;
    assert!(
        matches!(&first, Outcome::Handled { message: "order", key: Some(key) } if key == "o-1"),
        "{first:?}"
    );
    assert_eq!(
        (first.status(), first.label(), first.message(), first.key()),
        (StatusCode::OK, "handled", Some("order"), Some("o-1"))
    );

    let second = dispatcher.dispatch(signed(body)).await;
    assert!(matches!(&second, Outcome::Duplicate { message: "order", key } if key == "o-1"), "{second:?}");
    assert_eq!(
        (second.status(), second.label(), second.message(), second.key()),
        (StatusCode::OK, "duplicate", Some("order"), Some("o-1"))
    );

    // The key is what counts, not the bytes: the same id with another body is a duplicate.
    let same_key = dispatcher.dispatch(signed(order("o-1", 99))).await;
    assert_eq!(same_key.label(), "duplicate");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-1", 12)]);
}

#[tokio::test]
async fn a_message_without_a_key_is_handled_every_time() {
    let dispatcher = dispatcher();
    for _ in 0..3 {
        let outcome = dispatcher.dispatch(signed(r#"{"kind":"ping"}"#)).await;
        assert!(matches!(outcome, Outcome::Handled { message: "ping", key: None }), "{outcome:?}");
        assert_eq!(outcome.key(), None);
    }
    assert_eq!(dispatcher.handler().calls(), [Call::Ping, Call::Ping, Call::Ping]);
}

#[tokio::test]
async fn genuine_deliveries_that_cannot_be_typed_reach_the_rejected_method_with_their_bytes() {
    let dispatcher = dispatcher();
    let cases: [(&[u8], RejectionKind, Option<&str>); 6] = [
        (b"{not json", RejectionKind::NotJson, None),
        (&[0xff, 0xfe, 0x00, 0x80], RejectionKind::NotJson, None),
        (b"", RejectionKind::NotJson, None),
        (br#"{"kind":"refund","id":"r-1"}"#, RejectionKind::UnknownMessage, Some("refund")),
        (br#"{"id":"r-2"}"#, RejectionKind::UnknownMessage, None),
        (br#"{"kind":"order","id":"o-9","total":"ten"}"#, RejectionKind::Invalid, Some("order")),
    ];
    let mut expected = Vec::new();
    for (body, kind, message) in cases {
        let outcome = dispatcher.dispatch(signed(body.to_vec())).await;
        let Outcome::Rejected(rejection) = &outcome else { panic!("{body:?}: {outcome:?}") };
        assert_eq!(rejection.kind, kind, "{body:?}");
        assert_eq!(rejection.message.as_deref(), message, "{body:?}");
        assert!(!rejection.violations.is_empty());
        assert_eq!(
            (outcome.status(), outcome.label(), outcome.message(), outcome.key()),
            (StatusCode::ACCEPTED, "rejected", message, None)
        );
        expected.push(Call::Rejected {
            kind,
            message: message.map(str::to_owned),
            body: Bytes::copy_from_slice(body),
        });
    }
    assert_eq!(dispatcher.handler().calls(), expected);
}

#[tokio::test]
async fn a_rejected_delivery_is_not_deduplicated() {
    // An invalid order has no key the dispatcher can trust: every copy is handed over.
    let dispatcher = dispatcher();
    let body = r#"{"kind":"order","id":"o-1"}"#;
    for _ in 0..2 {
        assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "rejected");
    }
    assert_eq!(dispatcher.handler().calls().len(), 2);
    // And it claimed nothing: the valid order with that id is handled.
    assert_eq!(dispatcher.dispatch(signed(order("o-1", 1))).await.label(), "handled");
}

#[tokio::test]
async fn unauthenticated_deliveries_reach_no_method_and_claim_no_key() {
    let dispatcher = dispatcher();
    let body = order("o-7", 70);
    let good = hex_mac(SECRET, body.as_bytes());
    let mut twice = signed(body.clone());
    twice.headers.append(DEFAULT_SIGNATURE_HEADER, HeaderValue::from_str(&good).expect("hex"));
    let mut flipped = good.clone().into_bytes();
    flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };

    let cases: Vec<(&str, Delivery, SignatureError)> = vec![
        ("unsigned", Delivery::new(HeaderMap::new(), body.clone()), {
            SignatureError::MissingHeader(DEFAULT_SIGNATURE_HEADER)
        }),
        (
            "forged with another secret",
            {
                let mut delivery = testing::signed_delivery(body.clone(), "not-the-secret").expect("signs");
                delivery.body = Bytes::from(body.clone());
                delivery
            },
            SignatureError::Mismatch,
        ),
        (
            "tampered body",
            {
                let mut delivery = signed(body.clone());
                delivery.body = Bytes::from(order("o-7", 7000));
                delivery
            },
            SignatureError::Mismatch,
        ),
        ("one digit flipped", with_signature(body.clone(), &flipped), SignatureError::Mismatch),
        ("truncated signature", with_signature(body.clone(), &good.as_bytes()[..40]), {
            SignatureError::WrongLength { expected: 32, found: 20 }
        }),
        ("garbage", with_signature(body.clone(), b"not a signature"), {
            SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER)
        }),
        ("non-UTF-8 signature", with_signature(body.clone(), &[0xe2, 0x82, 0xac, 0xff]), {
            SignatureError::Undecodable(DEFAULT_SIGNATURE_HEADER)
        }),
        ("two signatures", twice, SignatureError::DuplicateHeader(DEFAULT_SIGNATURE_HEADER)),
    ];
    for (case, delivery, expected) in cases {
        let outcome = dispatcher.dispatch(delivery).await;
        let Outcome::Unauthenticated(error) = &outcome else { panic!("{case}: {outcome:?}") };
        assert_eq!(error, &expected, "{case}");
        assert_eq!(
            (outcome.status(), outcome.label(), outcome.message(), outcome.key()),
            (StatusCode::UNAUTHORIZED, "unauthenticated", None, None)
        );
    }
    assert_eq!(dispatcher.handler().calls(), []);
    // None of them claimed the key: the genuine delivery is handled.
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "handled");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-7", 70)]);
}

#[tokio::test]
async fn the_body_limit_is_checked_first_and_reaches_no_method() {
    let dispatcher = dispatcher().with_body_limit(64);
    assert_eq!(dispatcher.body_limit(), 64);
    let padded = |len: usize| {
        let body = format!(r#"{{"kind":"ping","pad":"{}"}}"#, "x".repeat(len));
        body.into_bytes()
    };
    let at_limit = padded(64 - padded(0).len());
    assert_eq!(at_limit.len(), 64);
    let over = padded(65 - padded(0).len());

    assert_eq!(dispatcher.dispatch(signed(at_limit)).await.label(), "handled");
    let outcome = dispatcher.dispatch(signed(over.clone())).await;
    assert!(matches!(outcome, Outcome::TooLarge { size: 65, limit: 64 }), "{outcome:?}");
    assert_eq!(
        (outcome.status(), outcome.label(), outcome.message(), outcome.key()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large", None, None)
    );
    // Before the signature: an oversized body costs no HMAC, signed or not.
    let unsigned = dispatcher.dispatch(Delivery::new(HeaderMap::new(), over)).await;
    assert!(matches!(unsigned, Outcome::TooLarge { size: 65, limit: 64 }), "{unsigned:?}");
    assert_eq!(dispatcher.handler().calls(), [Call::Ping]);

    assert_eq!(self::dispatcher().body_limit(), DEFAULT_BODY_LIMIT);
    assert_eq!(DEFAULT_BODY_LIMIT, 1024 * 1024);
}

#[tokio::test]
async fn a_failed_handler_answers_500_and_releases_the_key_for_the_retry() {
    let dispatcher = dispatcher();
    dispatcher.handler().fail_orders.store(1, Ordering::SeqCst);
    let body = order("o-3", 3);
    let failed = dispatcher.dispatch(signed(body.clone())).await;
    let Outcome::HandlerFailed { message, error } = &failed else { panic!("{failed:?}") };
    assert_eq!((*message, error.0), (Some("order"), "the order handler failed"));
    assert_eq!(
        (failed.status(), failed.label(), failed.message(), failed.key()),
        (StatusCode::INTERNAL_SERVER_ERROR, "handler_failed", Some("order"), None)
    );
    assert_eq!(dispatcher.handler().calls(), []);

    // The sender retries: handled this time, then acknowledged as a duplicate.
    assert_eq!(dispatcher.dispatch(signed(body.clone())).await.label(), "handled");
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "duplicate");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-3", 3)]);
}

#[tokio::test]
async fn a_failed_rejected_method_answers_500() {
    let dispatcher = dispatcher();
    dispatcher.handler().fail_rejected.store(true, Ordering::SeqCst);
    let outcome = dispatcher.dispatch(signed("nope")).await;
    assert!(matches!(outcome, Outcome::HandlerFailed { message: None, .. }), "{outcome:?}");
    assert_eq!(outcome.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(outcome.message(), None);
    // The retry gets there once the method works again.
    dispatcher.handler().fail_rejected.store(false, Ordering::SeqCst);
    assert_eq!(dispatcher.dispatch(signed("nope")).await.label(), "rejected");
}

#[tokio::test]
async fn a_failing_store_answers_503_and_reaches_no_method() {
    let store = FlakyStore::default();
    store.fail_claims.store(true, Ordering::SeqCst);
    let dispatcher = dispatcher().with_dedupe(store);
    let body = order("o-4", 4);
    let outcome = dispatcher.dispatch(signed(body.clone())).await;
    let Outcome::StoreFailed(error) = &outcome else { panic!("{outcome:?}") };
    assert_eq!(error.to_string(), "store unreachable");
    assert!(std::error::Error::source(error).is_some());
    assert_eq!(
        (outcome.status(), outcome.label(), outcome.message(), outcome.key()),
        (StatusCode::SERVICE_UNAVAILABLE, "store_failed", None, None)
    );
    // Messages without a key do not need the store.
    assert_eq!(dispatcher.dispatch(signed(r#"{"kind":"ping"}"#)).await.label(), "handled");
    assert_eq!(dispatcher.handler().calls(), [Call::Ping]);
}

#[tokio::test]
async fn a_release_failure_answers_500_and_holds_retries_off_for_the_lease() {
    let now = Arc::new(Mutex::new(Instant::now()));
    let clock = Arc::clone(&now);
    let inner = MemoryDedupe::new()
        .with_lease(Duration::from_secs(60))
        .with_clock(move || *clock.lock().unwrap_or_else(PoisonError::into_inner));
    let store = FlakyStore { inner, ..FlakyStore::default() };
    store.fail_releases.store(true, Ordering::SeqCst);
    let dispatcher = dispatcher().with_dedupe(store);
    dispatcher.handler().fail_orders.store(1, Ordering::SeqCst);
    let body = order("o-5", 5);
    assert_eq!(dispatcher.dispatch(signed(body.clone())).await.label(), "handler_failed");
    // Documented: the claim could not be released, so retries are asked to wait
    // (503) until its lease ends; they are never acknowledged unhandled.
    let retry = dispatcher.dispatch(signed(body.clone())).await;
    assert_eq!((retry.status(), retry.label()), (StatusCode::SERVICE_UNAVAILABLE, "in_progress"));
    assert_eq!(dispatcher.handler().calls(), []);
    *now.lock().unwrap_or_else(PoisonError::into_inner) += Duration::from_secs(60);
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "handled");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-5", 5)]);
}

#[tokio::test]
async fn a_completion_failure_still_answers_200() {
    let store = FlakyStore::default();
    store.fail_completes.store(true, Ordering::SeqCst);
    let dispatcher = dispatcher().with_dedupe(store);
    let body = order("o-13", 13);
    let outcome = dispatcher.dispatch(signed(body.clone())).await;
    assert_eq!((outcome.status(), outcome.label()), (StatusCode::OK, "handled"));
    // The claim stays unsettled until its lease ends: copies are asked to wait.
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "in_progress");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-13", 13)]);
}

#[tokio::test]
async fn a_copy_arriving_mid_handling_waits_and_the_event_survives_the_first_copys_failure() {
    let dispatcher = Arc::new(dispatcher());
    let handler = dispatcher.handler();
    handler.hold_orders.store(true, Ordering::SeqCst);
    handler.fail_orders.store(1, Ordering::SeqCst);
    let body = order("o-11", 11);
    let first = {
        let (dispatcher, delivery) = (Arc::clone(&dispatcher), signed(body.clone()));
        tokio::spawn(async move { dispatcher.dispatch(delivery).await.label() })
    };
    while handler.started_orders.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    // The first copy is being handled: the second is neither handled nor
    // acknowledged, but sent back to be retried.
    let second = dispatcher.dispatch(signed(body.clone())).await;
    assert!(matches!(&second, Outcome::InProgress { message: "order", key } if key == "o-11"), "{second:?}");
    assert_eq!(
        (second.status(), second.label(), second.message(), second.key()),
        (StatusCode::SERVICE_UNAVAILABLE, "in_progress", Some("order"), Some("o-11"))
    );
    handler.hold_orders.store(false, Ordering::SeqCst);
    assert_eq!(first.await.expect("no panic"), "handler_failed");
    // The sender retries both copies: one is handled, the other a duplicate.
    assert_eq!(dispatcher.dispatch(signed(body.clone())).await.label(), "handled");
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "duplicate");
    assert_eq!(handler.calls(), [order_call("o-11", 11)]);
}

#[tokio::test]
async fn a_cancelled_handler_releases_the_key_for_the_retry() {
    let store = Arc::new(FlakyStore::default());
    let dispatcher = dispatcher().with_dedupe(SharedStore(Arc::clone(&store)));
    dispatcher.handler().stall_orders.store(1, Ordering::SeqCst);
    let body = order("o-6", 6);
    // The sender hangs up while the handler is still at work: the request's
    // future is dropped.
    let cancelled =
        tokio::time::timeout(Duration::from_millis(20), dispatcher.dispatch(signed(body.clone()))).await;
    assert!(cancelled.is_err(), "the stalled handler must not finish");
    assert_eq!(store.releases.load(Ordering::SeqCst), 1, "the key was given back");
    // The retry is handled, not taken for a duplicate.
    assert_eq!(dispatcher.dispatch(signed(body.clone())).await.label(), "handled");
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "duplicate");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-6", 6)]);
    assert_eq!(store.releases.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_request_cancelled_after_its_handler_answered_records_the_key() {
    let store = SlowCompleteStore::default();
    let abandoned_completes = Arc::clone(&store.abandoned_completes);
    let dispatcher = dispatcher().with_dedupe(store);
    let body = order("o-14", 14);
    // The handler answered; the sender hangs up while the key is being recorded.
    let cancelled =
        tokio::time::timeout(Duration::from_millis(20), dispatcher.dispatch(signed(body.clone()))).await;
    assert!(cancelled.is_err(), "recording the key never finishes");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-14", 14)]);
    assert_eq!(abandoned_completes.load(Ordering::SeqCst), 1, "the key was recorded");
    // The sender's retry is a duplicate: not held off, not handled again.
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "duplicate");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-14", 14)]);
}

#[tokio::test]
async fn a_panicking_handler_releases_the_key_for_the_retry() {
    let dispatcher = Arc::new(dispatcher());
    dispatcher.handler().panic_orders.store(1, Ordering::SeqCst);
    let body = order("o-8", 8);
    let task = {
        let (dispatcher, delivery) = (Arc::clone(&dispatcher), signed(body.clone()));
        tokio::spawn(async move { dispatcher.dispatch(delivery).await.label() })
    };
    let joined = task.await;
    assert!(joined.is_err_and(|error| error.is_panic()), "the handler panicked");
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "handled");
    assert_eq!(dispatcher.handler().calls(), [order_call("o-8", 8)]);
}

#[tokio::test]
async fn a_store_that_cannot_release_without_waiting_keeps_an_abandoned_key() {
    // Documented: the default `release_abandoned` polls once; a store that must
    // wait should override it. The dispatcher neither hangs nor panics.
    let dispatcher = dispatcher().with_dedupe(SlowReleaseStore(MemoryDedupe::new()));
    dispatcher.handler().stall_orders.store(1, Ordering::SeqCst);
    let body = order("o-10", 10);
    let cancelled =
        tokio::time::timeout(Duration::from_millis(20), dispatcher.dispatch(signed(body.clone()))).await;
    assert!(cancelled.is_err());
    assert_eq!(dispatcher.dispatch(signed(body)).await.label(), "in_progress");
}

#[tokio::test(flavor = "current_thread")]
async fn concurrent_copies_are_handled_once() {
    let dispatcher = Arc::new(dispatcher());
    dispatcher.handler().yield_in_orders.store(true, Ordering::SeqCst);
    let mut tasks = tokio::task::JoinSet::new();
    for copy in 0..32u64 {
        let dispatcher = Arc::clone(&dispatcher);
        tasks.spawn(async move {
            let id = format!("o-{}", copy % 4);
            dispatcher.dispatch(signed(order(&id, copy % 4))).await.label()
        });
    }
    let mut labels = BTreeMap::new();
    while let Some(label) = tasks.join_next().await {
        *labels.entry(label.expect("no panic")).or_insert(0) += 1;
    }
    // Copies that arrived while their first was being handled were asked to
    // retry; retried, they are duplicates.
    assert_eq!(labels.get("handled"), Some(&4), "{labels:?}");
    assert_eq!(labels.get("duplicate").unwrap_or(&0) + labels.get("in_progress").unwrap_or(&0), 28);
    assert!(labels.contains_key("in_progress"), "the handler yields, so copies overlap: {labels:?}");
    for n in 0..4u64 {
        let retry = dispatcher.dispatch(signed(order(&format!("o-{n}"), n))).await;
        assert_eq!(retry.label(), "duplicate");
    }
    let mut calls = dispatcher.handler().calls();
    calls.sort_by_key(|call| format!("{call:?}"));
    assert_eq!(calls, (0..4).map(|n| order_call(&format!("o-{n}"), n)).collect::<Vec<_>>());
}

#[tokio::test]
async fn another_store_can_be_plugged_in() {
    let dispatcher = dispatcher().with_dedupe(NoDedupe);
    for _ in 0..2 {
        assert_eq!(dispatcher.dispatch(signed(order("o-1", 1))).await.label(), "handled");
    }
    assert_eq!(dispatcher.handler().calls().len(), 2);
}

#[tokio::test]
async fn the_mode_and_the_channel_reach_the_parser() {
    let body = r#"{"kind":"order","id":"o-2","total":2,"note":"extra"}"#;
    let lenient = dispatcher();
    assert_eq!(lenient.dispatch(signed(body)).await.label(), "handled");
    let strict = dispatcher().with_mode(Mode::Strict);
    let outcome = strict.dispatch(signed(body)).await;
    let Outcome::Rejected(rejection) = &outcome else { panic!("{outcome:?}") };
    assert_eq!(
        rejection.violations.iter().map(|v| v.keyword).collect::<Vec<_>>(),
        [Keyword::AdditionalProperties]
    );

    let on_shop = lenient.dispatch(signed(r#"{"kind":"ping"}"#).on_channel("shop")).await;
    assert_eq!(on_shop.label(), "handled");
    let elsewhere = lenient.dispatch(signed(r#"{"kind":"ping"}"#).on_channel("warehouse")).await;
    let Outcome::Rejected(rejection) = &elsewhere else { panic!("{elsewhere:?}") };
    assert_eq!(rejection.kind, RejectionKind::UnknownMessage);
}

// ---------------------------------------------------------------------------
// Signatures through the dispatcher
// ---------------------------------------------------------------------------

#[tokio::test]
async fn hex_base64_and_prefixed_signatures_are_accepted() {
    use base64::Engine as _;
    let dispatcher = dispatcher();
    type Encode = fn(&[u8]) -> String;
    let encodings: [(&str, Encode); 6] = [
        ("lowercase hex", |mac| const_hex::encode(mac)),
        ("uppercase hex", |mac| const_hex::encode_upper(mac)),
        ("padded base64", |mac| base64::engine::general_purpose::STANDARD.encode(mac)),
        ("unpadded base64", |mac| base64::engine::general_purpose::STANDARD_NO_PAD.encode(mac)),
        ("prefixed hex", |mac| format!("sha256={}", const_hex::encode(mac))),
        ("prefixed base64", |mac| {
            format!("SHA256={}", base64::engine::general_purpose::STANDARD.encode(mac))
        }),
    ];
    for (index, (encoding, encode)) in encodings.into_iter().enumerate() {
        let body = order(&format!("enc-{index}"), 1);
        let mac = const_hex::decode(hex_mac(SECRET, body.as_bytes())).expect("hex");
        let outcome = dispatcher.dispatch(with_signature(body, encode(&mac).as_bytes())).await;
        assert_eq!(outcome.label(), "handled", "{encoding}: {outcome:?}");
    }
    assert_eq!(dispatcher.handler().calls().len(), 6);
}

#[tokio::test]
async fn rotation_accepts_the_old_and_the_new_secret() {
    let dispatcher = Dispatcher::<Msg, _>::new(Recorder::default(), verifier(&["old-secret", "new-secret"]));
    let old = testing::signed_delivery(order("r-1", 1), "old-secret").expect("signs");
    let new = testing::signed_delivery(order("r-2", 2), "new-secret").expect("signs");
    let other = testing::signed_delivery(order("r-3", 3), "other-secret").expect("signs");
    assert_eq!(dispatcher.dispatch(old).await.label(), "handled");
    assert_eq!(dispatcher.dispatch(new).await.label(), "handled");
    let outcome = dispatcher.dispatch(other).await;
    assert!(matches!(outcome, Outcome::Unauthenticated(SignatureError::Mismatch)), "{outcome:?}");
    // A retry signed with the other secret is still the same event.
    let resent = testing::signed_delivery(order("r-1", 1), "new-secret").expect("signs");
    assert_eq!(dispatcher.dispatch(resent).await.label(), "duplicate");
    assert_eq!(dispatcher.handler().calls(), [order_call("r-1", 1), order_call("r-2", 2)]);
}

#[tokio::test]
async fn signed_timestamps_are_checked_against_a_fixed_clock() {
    const NOW: u64 = 1_800_000_000;
    let scheme = SignatureScheme {
        encoding: Encoding::Base64,
        timestamp: Some(TimestampPolicy { tolerance: Duration::from_secs(60), ..TimestampPolicy::default() }),
        ..SignatureScheme::default()
    };
    let verifier = Verifier::new(scheme.clone(), [Secret::from(SECRET)])
        .expect("verifier")
        .with_clock(FixedClock::at_unix(NOW));
    let dispatcher = Dispatcher::<Msg, _>::new(Recorder::default(), verifier);
    let signer = Signer::new(scheme, Secret::from(SECRET)).expect("signer");
    let deliver = |id: &str, at: u64| {
        let body = order(id, at);
        Delivery::new(signer.sign_at(body.as_bytes(), at), body)
    };
    for (id, at) in [("t-1", NOW), ("t-2", NOW - 60), ("t-3", NOW + 60)] {
        assert_eq!(dispatcher.dispatch(deliver(id, at)).await.label(), "handled", "{at}");
    }
    for (id, at) in [("t-4", NOW - 61), ("t-5", NOW + 61)] {
        let outcome = dispatcher.dispatch(deliver(id, at)).await;
        assert!(
            matches!(&outcome, Outcome::Unauthenticated(SignatureError::StaleTimestamp { skew, .. })
                if *skew == Duration::from_secs(61)),
            "{outcome:?}"
        );
    }
    // The timestamp is signed: moving it is a forgery, not a stale delivery.
    let mut moved = deliver("t-6", NOW - 3600);
    moved.headers.insert(DEFAULT_TIMESTAMP_HEADER, HeaderValue::from(NOW));
    let outcome = dispatcher.dispatch(moved).await;
    assert!(matches!(outcome, Outcome::Unauthenticated(SignatureError::Mismatch)), "{outcome:?}");
    let mut missing = deliver("t-7", NOW);
    missing.headers.remove(DEFAULT_TIMESTAMP_HEADER);
    let outcome = dispatcher.dispatch(missing).await;
    assert!(matches!(outcome, Outcome::Unauthenticated(SignatureError::MissingTimestamp(_))), "{outcome:?}");
    assert_eq!(dispatcher.handler().calls().len(), 3);
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[tokio::test]
async fn without_a_secret_there_is_no_verifier_unless_explicitly_insecure() {
    let none: [Secret; 0] = [];
    assert_eq!(Verifier::new(SignatureScheme::default(), none).err(), Some(ConfigError::NoSecret));
    assert_eq!(
        Verifier::new(SignatureScheme::default(), [Secret::from("")]).err(),
        Some(ConfigError::EmptySecret { index: 0 })
    );

    let insecure = Dispatcher::<Msg, _>::new(Recorder::default(), Verifier::accept_unsigned_insecure());
    assert!(format!("{insecure:?}").contains("INSECURE"));
    let unsigned = Delivery::new(HeaderMap::new(), order("u-1", 1));
    assert_eq!(insecure.dispatch(unsigned).await.label(), "handled");
    let garbage = with_signature(order("u-2", 2), b"garbage");
    assert_eq!(insecure.dispatch(garbage).await.label(), "handled");
    // The body limit still holds.
    let insecure = insecure.with_body_limit(4);
    let outcome = insecure.dispatch(Delivery::new(HeaderMap::new(), order("u-3", 3))).await;
    assert_eq!(outcome.label(), "too_large");
}

#[test]
fn the_dispatchers_debug_output_shows_no_secret() {
    let secrets = ["first-very-secret-value", "second-very-secret-value"];
    let dispatcher = Dispatcher::<Msg, _>::new(Recorder::default(), verifier(&secrets)).with_body_limit(4096);
    let with_store = Dispatcher::<Msg, _>::new(Recorder::default(), verifier(&secrets)).with_dedupe(NoDedupe);
    for debug in [format!("{dispatcher:?}"), format!("{dispatcher:#?}"), format!("{with_store:?}")] {
        for secret in secrets {
            assert!(!debug.contains(secret), "{debug}");
            assert!(!debug.contains(&const_hex::encode(secret)), "{debug}");
        }
        assert!(debug.contains("Dispatcher") && debug.contains("secrets: 2"), "{debug}");
    }
    assert!(format!("{dispatcher:?}").contains("body_limit: 4096"));
}

/// A `tracing` subscriber that keeps what it is told: every span's name and
/// fields (as recorded, late ones included) and every event's fields.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Logged>>);

#[derive(Default)]
struct Logged {
    spans: Vec<(&'static str, Vec<(String, String)>)>,
    events: Vec<Vec<(String, String)>>,
}

/// Field values as text.
struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl tracing::Subscriber for Recording {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut logged = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        logged.spans.push((span.metadata().name(), fields));
        tracing::span::Id::from_u64(logged.spans.len() as u64)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut logged = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let index = span.into_u64() as usize - 1;
        values.record(&mut Fields(&mut logged.spans[index].1));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap_or_else(PoisonError::into_inner).events.push(fields);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// A `tracing` subscriber that listens to nothing (as one filtering out the
/// dispatcher's spans does).
struct Deaf;

impl tracing::Subscriber for Deaf {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn each_delivery_has_a_span_with_its_message_key_correlation_and_outcome_and_failures_say_why() {
    let recording = Recording::default();
    let dispatcher = dispatcher();
    dispatcher.handler().fail_orders.store(1, Ordering::SeqCst);
    tracing::subscriber::with_default(recording.clone(), || {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        for _ in 0..2 {
            let mut delivery = signed(order("o-14", 14));
            delivery.headers.insert("x-request-id", HeaderValue::from_static("r-9"));
            runtime.block_on(dispatcher.dispatch(delivery));
        }
        runtime.block_on(dispatcher.dispatch(signed(order("o-15", 15))));
        runtime.block_on(dispatcher.dispatch(signed(r#"{"kind":"ping"}"#)));
    });
    let logged = recording.0.lock().unwrap_or_else(PoisonError::into_inner);
    let field = |fields: &[(String, String)], name: &str| {
        fields.iter().find(|(field, _)| field == name).map(|(_, value)| value.clone())
    };
    let spans: Vec<[Option<String>; 4]> = logged
        .spans
        .iter()
        .filter(|(name, _)| *name == "delivery")
        .map(|(_, fields)| ["message", "key", "correlation", "outcome"].map(|name| field(fields, name)))
        .collect();
    let text = |text: &str| Some(text.to_owned());
    let order_span = |outcome: &str| [text("order"), text("o-14"), text("r-9"), text(outcome)];
    assert_eq!(
        spans,
        [
            order_span("handler_failed"),
            order_span("handled"),
            [text("order"), text("o-15"), None, text("handled")],
            [text("ping"), None, None, text("handled")],
        ]
    );
    let failure = logged
        .events
        .iter()
        .find(|fields| field(fields, "message").as_deref() == Some("handler failed"))
        .expect("the failure is logged");
    assert_eq!(field(failure, "error").as_deref(), Some("the order handler failed"));
}

#[test]
fn the_correlation_id_is_read_only_for_a_span_a_subscriber_listens_to() {
    let dispatcher = dispatcher();
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let with_id = |id: &str| {
        let mut delivery = signed(order(id, 1));
        delivery.headers.insert("x-request-id", HeaderValue::from_static("r-1"));
        delivery
    };
    let reads = || CORRELATION_READS.with(std::cell::Cell::get);
    tracing::subscriber::with_default(Deaf, || {
        assert_eq!(runtime.block_on(dispatcher.dispatch(with_id("c-1"))).label(), "handled");
    });
    assert_eq!(reads(), 0, "no subscriber listens");
    tracing::subscriber::with_default(Recording::default(), || {
        assert_eq!(runtime.block_on(dispatcher.dispatch(with_id("c-2"))).label(), "handled");
    });
    assert_eq!(reads(), 1);
}

#[test]
fn a_rejection_is_logged_by_where_it_broke_not_by_the_values() {
    let recording = Recording::default();
    let dispatcher = dispatcher();
    tracing::subscriber::with_default(recording.clone(), || {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        let body = r#"{"kind":"order","id":"jane.doe@example.com","total":"secret-total"}"#;
        let outcome = runtime.block_on(dispatcher.dispatch(signed(body)));
        let Outcome::Rejected(rejection) = &outcome else { panic!("{outcome:?}") };
        assert!(rejection.to_string().contains("expected an integer"), "the rejection keeps the messages");
    });
    let logged = recording.0.lock().unwrap_or_else(PoisonError::into_inner);
    let rejected = logged
        .events
        .iter()
        .find(|fields| fields.iter().any(|(name, value)| name == "message" && value == "delivery rejected"))
        .expect("the rejection is logged");
    let text = format!("{rejected:?}");
    assert!(text.contains("/total (type)"), "{text}");
    assert!(!text.contains("expected an integer") && !text.contains("jane.doe"), "{text}");
}

#[test]
fn every_outcome_has_its_status_and_label() {
    let rejection = Rejection::unknown("kind", &Tag::Text("refund".into()), &["order"]);
    let outcomes: [(Outcome<HandlerError>, u16, &str); 9] = [
        (Outcome::Handled { message: "order", key: Some("k".to_owned()) }, 200, "handled"),
        (Outcome::Handled { message: "ping", key: None }, 200, "handled"),
        (Outcome::Duplicate { message: "order", key: "k".to_owned() }, 200, "duplicate"),
        (Outcome::InProgress { message: "order", key: "k".to_owned() }, 503, "in_progress"),
        (Outcome::Rejected(rejection), 202, "rejected"),
        (Outcome::Unauthenticated(SignatureError::Mismatch), 401, "unauthenticated"),
        (Outcome::TooLarge { size: 2, limit: 1 }, 413, "too_large"),
        (Outcome::HandlerFailed { message: Some("order"), error: HandlerError("x") }, 500, "handler_failed"),
        (Outcome::StoreFailed(DedupeError::new("down")), 503, "store_failed"),
    ];
    for (outcome, status, label) in outcomes {
        assert_eq!((outcome.status().as_u16(), outcome.label()), (status, label), "{outcome:?}");
    }
}

// ---------------------------------------------------------------------------
// Test helpers for users
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_test_helpers_build_deliveries_the_dispatcher_accepts() {
    let body = order("h-1", 1);
    let headers = testing::sign(body.as_bytes(), SECRET).expect("signs");
    assert_eq!(headers.len(), 1);
    assert_eq!(verifier(&[SECRET]).verify(&headers, body.as_bytes()), Ok(()));
    assert_eq!(verifier(&["another"]).verify(&headers, body.as_bytes()), Err(SignatureError::Mismatch));

    let delivery = testing::signed_delivery(body.clone(), SECRET).expect("signs");
    assert_eq!(delivery.body, body.as_bytes());
    assert_eq!(
        delivery.headers.get(http::header::CONTENT_TYPE),
        Some(&HeaderValue::from_static("application/json"))
    );
    assert_eq!(delivery.channel, None);

    let dispatcher = dispatcher();
    let typed = Msg::Order { id: "h-2".to_owned(), total: 2 };
    let delivery = testing::delivery_of(&typed, SECRET).expect("serializes and signs");
    assert_eq!(dispatcher.dispatch(delivery).await.label(), "handled");
    assert_eq!(dispatcher.handler().calls(), [order_call("h-2", 2)]);
}

#[test]
fn the_test_helpers_report_what_went_wrong() {
    assert_eq!(testing::sign(b"x", "").err(), Some(ConfigError::EmptySecret { index: 0 }));
    let error = testing::delivery_of(&Msg::Ping, "").expect_err("an empty secret signs nothing");
    assert!(matches!(error, TestingError::Config(ConfigError::EmptySecret { .. })));
    assert_eq!(error.to_string(), "cannot sign: webhook secret #0 is empty");

    // JSON object keys must be strings.
    let unwritable = BTreeMap::from([(vec![1u8], 1u8)]);
    let error = testing::delivery_of(&unwritable, SECRET).expect_err("not serializable");
    assert!(matches!(error, TestingError::Serialize(_)));
    assert!(error.to_string().starts_with("cannot serialize the message: "), "{error}");
}

#[test]
fn deliveries_record_their_channel_and_arrival() {
    let before = std::time::SystemTime::now();
    let delivery = Delivery::new(HeaderMap::new(), "x").on_channel("shop");
    assert_eq!(delivery.channel.as_deref(), Some("shop"));
    assert!(delivery.received_at >= before);
}

/// Shares one store between the dispatcher and the test.
struct SharedStore(Arc<FlakyStore>);

impl DedupeStore for SharedStore {
    async fn claim(&self, key: &str) -> Result<Claim, DedupeError> {
        self.0.claim(key).await
    }

    async fn complete(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        self.0.complete(key, token).await
    }

    async fn release(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        self.0.release(key, token).await
    }
}
