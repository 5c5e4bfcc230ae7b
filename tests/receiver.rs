//! The generated receiver over real HTTP on loopback: the axum router of
//! `gotowebinar-webhooks` on an ephemeral port, driven by a real HTTP/1 client.
//!
//! - `ten_thousand_deliveries_over_64_connections`: the end-to-end test. Valid
//!   events of all four kinds, exact duplicates, invalid payloads, unknown event
//!   names, forged signatures and oversized bodies, shuffled and sent over 64
//!   concurrent connections; every category is counted, on the wire and in the
//!   handler, and the counts must add up exactly.
//! - The other tests map each outcome to its status over HTTP: 200, 202, 401,
//!   413 (with and without `Content-Length`), 500 (and the retry), 503, and the
//!   key given back when the sender hangs up mid-handler.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use asyncapi_rt::dedupe::{Claim, ClaimToken, DedupeError, DedupeStore};
use asyncapi_rt::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, TRANSFER_ENCODING};
use asyncapi_rt::http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use asyncapi_rt::message::RejectionKind;
use asyncapi_rt::signature::{DEFAULT_SIGNATURE_HEADER, Secret, SignatureScheme, Verifier};
use asyncapi_rt::testing;
use asyncapi_tests::rng::Rng;
use bytes::Bytes;
use gotowebinar_webhooks::event::{self, WEBHOOK_PATH};
use gotowebinar_webhooks::{Delivery, Dispatcher, Handler, Rejection, types};
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const OLD_SECRET: &str = "the-old-webhook-secret";
const NEW_SECRET: &str = "the-new-webhook-secret";
const JOINED_SAMPLE: &[u8] = include_bytes!("samples/registrant-joined.numeric-keys.json");
const CREATED_SAMPLE: &[u8] = include_bytes!("samples/webinar-created.json");

// ---------------------------------------------------------------------------
// The handler: counts every call, by method and key, and keeps the bytes.
// ---------------------------------------------------------------------------

#[derive(Debug)]
struct Refused(&'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Refused {}

/// `eventKey` -> every (method, body) it was handled with.
type Handled = HashMap<String, Vec<(&'static str, Bytes)>>;
/// Body -> every (kind, message) the rejected method got it with.
type Rejected = HashMap<Bytes, Vec<(RejectionKind, Option<String>)>>;

#[derive(Default)]
struct Counting {
    handled: Mutex<Handled>,
    rejected: Mutex<Rejected>,
    /// How many of the next typed calls fail.
    fail_next: AtomicUsize,
    /// How many of the next typed calls never finish.
    stall_next: AtomicUsize,
    /// Typed calls that started stalling.
    stalled: AtomicUsize,
    /// Whether typed calls take a while.
    slow: AtomicBool,
}

impl Counting {
    async fn typed(&self, method: &'static str, key: &str, delivery: &Delivery) -> Result<(), Refused> {
        if take(&self.stall_next) {
            self.stalled.fetch_add(1, Ordering::SeqCst);
            std::future::pending::<()>().await;
        }
        if take(&self.fail_next) {
            return Err(Refused("the handler failed (on purpose)"));
        }
        if self.slow.load(Ordering::SeqCst) {
            // Long enough for copies of an event to overlap now and then.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let mut handled = self.handled.lock().unwrap_or_else(PoisonError::into_inner);
        handled.entry(key.to_owned()).or_default().push((method, delivery.body.clone()));
        Ok(())
    }

    fn handled(&self) -> Handled {
        self.handled.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn rejected(&self) -> Rejected {
        self.rejected.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn calls(&self) -> usize {
        self.handled().values().map(Vec::len).sum::<usize>()
            + self.rejected().values().map(Vec::len).sum::<usize>()
    }
}

fn take(counter: &AtomicUsize) -> bool {
    counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
}

impl Handler for Counting {
    type Error = Refused;

    async fn on_registrant_added(
        &self,
        message: types::RegistrantAdded,
        delivery: &Delivery,
    ) -> Result<(), Refused> {
        self.typed("registrant.added", &message.event_key, delivery).await
    }

    async fn on_registrant_joined(
        &self,
        message: types::RegistrantJoined,
        delivery: &Delivery,
    ) -> Result<(), Refused> {
        self.typed("registrant.joined", &message.event_key, delivery).await
    }

    async fn on_webinar_created(
        &self,
        message: types::WebinarCreated,
        delivery: &Delivery,
    ) -> Result<(), Refused> {
        self.typed("webinar.created", &message.event_key, delivery).await
    }

    async fn on_webinar_changed(
        &self,
        message: types::WebinarChanged,
        delivery: &Delivery,
    ) -> Result<(), Refused> {
        self.typed("webinar.changed", &message.event_key, delivery).await
    }

    async fn on_rejected(&self, rejection: Rejection, delivery: &Delivery) -> Result<(), Refused> {
        let mut rejected = self.rejected.lock().unwrap_or_else(PoisonError::into_inner);
        rejected.entry(delivery.body.clone()).or_default().push((rejection.kind, rejection.message));
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The server and the client
// ---------------------------------------------------------------------------

fn verifier() -> Verifier {
    Verifier::new(SignatureScheme::default(), [Secret::from(OLD_SECRET), Secret::from(NEW_SECRET)])
        .expect("two secrets make a verifier")
}

/// Serves `dispatcher` through the generated router on an ephemeral port.
async fn serve<D: DedupeStore>(dispatcher: Arc<Dispatcher<Counting, D>>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("an ephemeral port");
    let address = listener.local_addr().expect("a local address");
    let app = event::router(dispatcher);
    tokio::spawn(async move { asyncapi_rt::axum::serve(listener, app).await });
    address
}

type ClientBody = BoxBody<Bytes, Infallible>;

/// One HTTP/1.1 connection, kept alive between requests.
struct Client {
    address: SocketAddr,
    sender: SendRequest<ClientBody>,
}

impl Client {
    async fn connect(address: SocketAddr) -> Self {
        let stream = TcpStream::connect(address).await.expect("connects");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
        tokio::spawn(async move {
            // A connection the server closes (after a 413) ends with an error: expected.
            let _ = connection.await;
        });
        Self { address, sender }
    }

    async fn post(&mut self, headers: &HeaderMap, body: ClientBody) -> Result<Answer, hyper::Error> {
        self.send(Method::POST, WEBHOOK_PATH, headers, body).await
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &HeaderMap,
        body: ClientBody,
    ) -> Result<Answer, hyper::Error> {
        self.sender.ready().await?;
        let mut request = Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = path.parse().expect("a path");
        request.headers_mut().extend(headers.clone());
        let host = HeaderValue::from_str(&self.address.to_string()).expect("an address is a header value");
        request.headers_mut().insert(HOST, host);
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let content_type = response.headers().get(CONTENT_TYPE).cloned();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer { status, content_type, json: serde_json::from_slice(&body).unwrap_or(Value::Null) })
    }
}

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    json: Value,
}

impl Answer {
    fn outcome(&self) -> &str {
        self.json["outcome"].as_str().unwrap_or("")
    }
}

fn full(body: impl Into<Bytes>) -> ClientBody {
    Full::new(body.into()).boxed()
}

/// A body sent in chunks, without `Content-Length` (so `Transfer-Encoding: chunked`).
struct Chunked(std::collections::VecDeque<Bytes>);

impl Chunked {
    fn boxed(body: &[u8], chunk: usize) -> ClientBody {
        Self(body.chunks(chunk).map(Bytes::copy_from_slice).collect()).boxed()
    }
}

impl Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }

    fn size_hint(&self) -> SizeHint {
        // Unknown on purpose: an exact hint would make the client send Content-Length.
        SizeHint::default()
    }
}

// ---------------------------------------------------------------------------
// Deliveries
// ---------------------------------------------------------------------------

const KINDS: [&str; 4] = ["registrant.added", "registrant.joined", "webinar.created", "webinar.changed"];

/// A valid body of kind `kind` (0..4) with `eventKey` `key`; `padding` adds an
/// undeclared field of that many bytes (accepted: real traffic has such fields).
fn event_body(kind: usize, key: &str, n: usize, padding: usize) -> Vec<u8> {
    let mut value: Value = match kind {
        0 => json!({
            "eventName": "registrant.added", "eventVersion": "1.0.0", "product": "g2w",
            "eventKey": key, "webinarKey": 4810975311936405773u64, "registrantKey": format!("{}", 7_000_000 + n),
            "email": format!("registrant{n}@example.com"), "firstName": "Ada", "lastName": "Lovelace",
            "registrationDate": "2026-09-01T09:30:00Z", "joinUrl": format!("https://example.com/join/{n}"),
            "responses": [{"question": "Why?", "answer": "Because."}],
        }),
        1 => serde_json::from_slice(JOINED_SAMPLE).expect("the sample is JSON"),
        2 => serde_json::from_slice(CREATED_SAMPLE).expect("the sample is JSON"),
        _ => json!({
            "eventName": "webinar.changed", "eventVersion": "1.0.0", "product": "g2w",
            "eventKey": key, "webinarKey": n, "status": if n.is_multiple_of(2) { "UPDATED" } else { "DELETED" },
            "times": [{"startTime": "2026-09-10T16:00:00Z", "endTime": "2026-09-10T17:00:00+02:00"}],
        }),
    };
    value["eventKey"] = Value::from(key);
    if padding > 0 {
        value["padding"] = Value::from("p".repeat(padding));
    }
    serde_json::to_vec(&value).expect("serializes")
}

/// Signature headers for `body` under `secret`, in one of the accepted spellings.
fn signed_headers(body: &[u8], secret: &str, style: usize) -> HeaderMap {
    use base64::Engine as _;
    let mut headers = testing::sign(body, secret).expect("signs");
    let hex = headers.get(DEFAULT_SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).expect("a hex signature");
    let mac = const_hex::decode(hex).expect("hex");
    let value = match style % 4 {
        0 => hex.to_owned(),
        1 => hex.to_uppercase(),
        2 => base64::engine::general_purpose::STANDARD.encode(&mac),
        _ => format!("sha256={hex}"),
    };
    headers.insert(DEFAULT_SIGNATURE_HEADER, HeaderValue::from_str(&value).expect("ASCII"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    /// A valid event, sent for the first time (in plan order; on the wire, any
    /// copy may arrive first).
    Valid,
    /// An exact copy (same bytes, same headers) of a valid event.
    Duplicate,
    /// Genuine, but breaks the schema (body or headers).
    Invalid,
    /// Genuine, but names no event this API has.
    Unknown,
    /// Not signed by a configured secret.
    Forged,
    /// Larger than the body limit.
    Oversized,
}

#[derive(Clone)]
struct Planned {
    category: Category,
    /// The `eventKey` of valid events and their duplicates.
    key: Option<String>,
    /// The kind (0..4) of valid events and their duplicates.
    kind: usize,
    headers: HeaderMap,
    body: Bytes,
    chunked: bool,
}

impl Planned {
    fn new(category: Category, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self { category, key: None, kind: 0, headers, body: Bytes::from(body), chunked: false }
    }
}

const BODY_LIMIT: usize = 8 * 1024;
const VALID: usize = 4_400;
const DUPLICATES: usize = 1_600;
const INVALID: usize = 1_200;
const UNKNOWN: usize = 800;
const FORGED: usize = 1_200;
const OVERSIZED: usize = 800;
const TOTAL: usize = VALID + DUPLICATES + INVALID + UNKNOWN + FORGED + OVERSIZED;
const CONNECTIONS: usize = 64;

fn plan(rng: &mut Rng) -> Vec<Planned> {
    let secret = |n: usize| if n.is_multiple_of(2) { OLD_SECRET } else { NEW_SECRET };
    let mut plan = Vec::with_capacity(TOTAL);
    let valid_key = |n: usize| format!("evt-{n:05}");

    for n in 0..VALID {
        let (kind, key) = (n % 4, valid_key(n));
        let body = event_body(kind, &key, n, 0);
        let headers = signed_headers(&body, secret(n), n / 4);
        plan.push(Planned { key: Some(key), kind, ..Planned::new(Category::Valid, headers, body) });
    }
    for _ in 0..DUPLICATES {
        let original = plan[rng.below(VALID)].clone();
        plan.push(Planned { category: Category::Duplicate, ..original });
    }
    for n in 0..INVALID {
        // Reuse the keys of valid events: a rejected delivery claims no key.
        let key = valid_key(rng.below(VALID));
        let (headers, body) = match n % 6 {
            0 => {
                let body =
                    format!(r#"{{"eventName":"registrant.added","eventKey":"{key}","n":{n}"#).into_bytes();
                (signed_headers(&body, secret(n), n), body)
            }
            1 => {
                let mut value: Value = serde_json::from_slice(&event_body(2, &key, n, 0)).expect("JSON");
                value.as_object_mut().expect("an object").remove("webinarKey");
                value["n"] = Value::from(n);
                let body = serde_json::to_vec(&value).expect("serializes");
                (signed_headers(&body, secret(n), n), body)
            }
            2 => {
                let mut value: Value = serde_json::from_slice(&event_body(1, &key, n, 0)).expect("JSON");
                value["joinTime"] = Value::from(format!("soon-{n}"));
                let body = serde_json::to_vec(&value).expect("serializes");
                (signed_headers(&body, secret(n), n), body)
            }
            3 => {
                let mut value: Value = serde_json::from_slice(&event_body(0, &key, n, 0)).expect("JSON");
                value["email"] = Value::from(format!("not an email {n}"));
                let body = serde_json::to_vec(&value).expect("serializes");
                (signed_headers(&body, secret(n), n), body)
            }
            4 => {
                let body = format!("[{n}, \"not an object\"]").into_bytes();
                (signed_headers(&body, secret(n), n), body)
            }
            _ => {
                // A valid body, with a content type the document does not allow.
                let body = event_body(3, &format!("invalid-header-{n}"), n, 0);
                let mut headers = signed_headers(&body, secret(n), n);
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
                (headers, body)
            }
        };
        plan.push(Planned::new(Category::Invalid, headers, body));
    }
    for n in 0..UNKNOWN {
        let body = match n % 4 {
            0 => json!({"eventName": "registrant.left", "eventKey": valid_key(n), "n": n}),
            1 => json!({"eventName": format!("webinar.renamed.{n}"), "product": "g2w"}),
            2 => json!({"eventKey": format!("no-name-{n}")}),
            _ => json!({"eventName": n, "eventKey": valid_key(n)}),
        };
        let body = serde_json::to_vec(&body).expect("serializes");
        plan.push(Planned::new(Category::Unknown, signed_headers(&body, secret(n), n), body));
    }
    for n in 0..FORGED {
        // Half carry the key of a valid event: they must not claim it.
        let key = if n.is_multiple_of(2) { valid_key(rng.below(VALID)) } else { format!("forged-{n:05}") };
        let body = event_body(n % 4, &key, n + 1_000_000, 0);
        let headers = match n % 5 {
            0 => signed_headers(&body, "an-attackers-guess", n),
            1 => {
                // Signed, then tampered with.
                let mut headers = signed_headers(&body, secret(n), n);
                let mut tampered = body.clone();
                tampered.push(b' ');
                headers.insert(
                    DEFAULT_SIGNATURE_HEADER,
                    signed_headers(&tampered, secret(n), 0)[DEFAULT_SIGNATURE_HEADER].clone(),
                );
                headers
            }
            2 => {
                let mut headers = signed_headers(&body, secret(n), 0);
                let truncated = headers[DEFAULT_SIGNATURE_HEADER].as_bytes()[..62].to_vec();
                headers.insert(DEFAULT_SIGNATURE_HEADER, HeaderValue::from_bytes(&truncated).expect("ASCII"));
                headers
            }
            3 => {
                let mut headers = signed_headers(&body, secret(n), n);
                headers.remove(DEFAULT_SIGNATURE_HEADER);
                headers
            }
            _ => {
                let mut headers = signed_headers(&body, secret(n), n);
                headers.insert(DEFAULT_SIGNATURE_HEADER, HeaderValue::from_static("sha256=deadbeef"));
                headers
            }
        };
        plan.push(Planned::new(Category::Forged, headers, body));
    }
    for n in 0..OVERSIZED {
        let key = format!("big-{n:05}");
        let body = event_body(n % 4, &key, n, BODY_LIMIT + 1 + rng.below(2 * BODY_LIMIT));
        assert!(body.len() > BODY_LIMIT);
        let headers = signed_headers(&body, secret(n), n);
        let chunked = n % 4 == 0;
        plan.push(Planned { key: Some(key), chunked, ..Planned::new(Category::Oversized, headers, body) });
    }
    assert_eq!(plan.len(), TOTAL);
    rng.shuffle(&mut plan);
    plan
}

// ---------------------------------------------------------------------------
// The end-to-end test
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_deliveries_over_64_connections() {
    let mut rng = Rng::new(0x5eed_0fd1_5a7c_4e00);
    let plan = Arc::new(plan(&mut rng));
    let dispatcher = Arc::new(Dispatcher::new(Counting::default(), verifier()).with_body_limit(BODY_LIMIT));
    dispatcher.handler().slow.store(true, Ordering::SeqCst);
    let address = serve(Arc::clone(&dispatcher)).await;

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let retried = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONNECTIONS {
        let (plan, next, retried) = (Arc::clone(&plan), Arc::clone(&next), Arc::clone(&retried));
        workers.spawn(async move {
            let mut client = Client::connect(address).await;
            let mut answers = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(planned) = plan.get(index) else { break };
                let body = if planned.chunked {
                    Chunked::boxed(&planned.body, 1024)
                } else {
                    full(planned.body.clone())
                };
                let mut answer = client.post(&planned.headers, body).await;
                // As a sender does: a copy that arrived while another was being
                // handled is answered 503 and sent again a moment later.
                while answer.as_ref().is_ok_and(|answer| answer.outcome() == "in_progress") {
                    retried.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    answer = client.post(&planned.headers, full(planned.body.clone())).await;
                }
                if planned.category == Category::Oversized {
                    // The server stops reading an oversized body and closes the
                    // connection after answering: open another one.
                    client = Client::connect(address).await;
                }
                answers.push((index, answer.map_err(|error| error.to_string())));
            }
            answers
        });
    }
    let mut answers: Vec<Option<Answer>> = (0..TOTAL).map(|_| None).collect();
    while let Some(worker) = workers.join_next().await {
        for (index, answer) in worker.expect("a worker finished") {
            let answer = answer.unwrap_or_else(|error| panic!("delivery {index} got no answer: {error}"));
            answers[index] = Some(answer);
        }
    }
    let elapsed = started.elapsed();
    let answers: Vec<Answer> =
        answers.into_iter().map(|answer| answer.expect("every delivery answered")).collect();

    // On the wire: each category gets its status, and every outcome is counted.
    let mut by_category: BTreeMap<(Category, u16, String), usize> = BTreeMap::new();
    let mut handled_responses: HashMap<&str, usize> = HashMap::new();
    for (planned, answer) in plan.iter().zip(&answers) {
        *by_category
            .entry((planned.category, answer.status.as_u16(), answer.outcome().to_owned()))
            .or_default() += 1;
        if answer.outcome() == "handled" {
            let Some(key) = planned.key.as_deref() else {
                panic!(
                    "{:?} delivery handled: {:?}",
                    planned.category,
                    String::from_utf8_lossy(&planned.body)
                )
            };
            *handled_responses.entry(key).or_default() += 1;
            assert_eq!(answer.json["key"], key);
            assert_eq!(answer.json["message"], KINDS[planned.kind]);
        }
        assert_eq!(answer.content_type, Some(HeaderValue::from_static("application/json")));
    }
    let count = |category: Category, status: u16, outcome: &str| {
        by_category.get(&(category, status, outcome.to_owned())).copied().unwrap_or(0)
    };
    // Each valid event and its copies: exactly one "handled", the rest "duplicate".
    let valid_and_copies = count(Category::Valid, 200, "handled")
        + count(Category::Valid, 200, "duplicate")
        + count(Category::Duplicate, 200, "handled")
        + count(Category::Duplicate, 200, "duplicate");
    let handled = count(Category::Valid, 200, "handled") + count(Category::Duplicate, 200, "handled");
    let duplicate = valid_and_copies - handled;
    let rejected_invalid = count(Category::Invalid, 202, "rejected");
    let rejected_unknown = count(Category::Unknown, 202, "rejected");
    let forged = count(Category::Forged, 401, "unauthenticated");
    let oversized = count(Category::Oversized, 413, "too_large");
    eprintln!(
        "{TOTAL} deliveries over {CONNECTIONS} connections in {elapsed:?}: {handled} handled, {duplicate} \
         duplicates, {rejected_invalid} invalid and {rejected_unknown} unknown rejected, {forged} forged, \
         {oversized} oversized ({} copies asked to retry while another was being handled); by category, \
         status and outcome: {by_category:?}",
        retried.load(Ordering::SeqCst)
    );
    assert_eq!(handled, VALID, "{by_category:?}");
    assert_eq!(duplicate, DUPLICATES, "{by_category:?}");
    assert_eq!(rejected_invalid, INVALID, "{by_category:?}");
    assert_eq!(rejected_unknown, UNKNOWN, "{by_category:?}");
    assert_eq!(forged, FORGED, "{by_category:?}");
    assert_eq!(oversized, OVERSIZED, "{by_category:?}");
    assert_eq!(handled + duplicate + rejected_invalid + rejected_unknown + forged + oversized, TOTAL);
    assert_eq!(handled_responses.len(), VALID);
    assert!(handled_responses.values().all(|&n| n == 1), "a key answered `handled` twice");

    // In the handler: every valid event exactly once, by its method, with its bytes.
    let counting = dispatcher.handler();
    let calls = counting.handled();
    let genuine: HashMap<&str, &Planned> = plan
        .iter()
        .filter(|planned| planned.category == Category::Valid)
        .map(|planned| (planned.key.as_deref().expect("valid events have keys"), planned))
        .collect();
    assert_eq!(calls.len(), VALID, "keys handled");
    let mut per_method: BTreeMap<&str, usize> = BTreeMap::new();
    for (key, calls) in &calls {
        let planned =
            genuine.get(key.as_str()).unwrap_or_else(|| panic!("{key} was handled, but is not valid"));
        assert_eq!(calls.len(), 1, "{key} handled {} times", calls.len());
        let (method, body) = &calls[0];
        assert_eq!(*method, KINDS[planned.kind], "{key}");
        assert_eq!(body, &planned.body, "{key} was handled with other bytes");
        *per_method.entry(method).or_default() += 1;
    }
    assert_eq!(per_method.values().copied().collect::<Vec<_>>(), [VALID / 4; 4], "{per_method:?}");

    // Every invalid or unknown delivery reached the rejected method once, with its bytes.
    let rejected = counting.rejected();
    let expected: HashMap<&Bytes, Category> = plan
        .iter()
        .filter(|planned| matches!(planned.category, Category::Invalid | Category::Unknown))
        .map(|planned| (&planned.body, planned.category))
        .collect();
    assert_eq!(expected.len(), INVALID + UNKNOWN, "the rejected bodies are distinct");
    assert_eq!(rejected.len(), INVALID + UNKNOWN);
    for (body, calls) in &rejected {
        let category = expected.get(body).unwrap_or_else(|| panic!("unexpected rejected body {body:?}"));
        assert_eq!(calls.len(), 1, "{body:?} rejected {} times", calls.len());
        let (kind, _) = &calls[0];
        match category {
            Category::Unknown => assert_eq!(*kind, RejectionKind::UnknownMessage, "{body:?}"),
            // JSON, but an array: no message of the document is one.
            _ if body.starts_with(b"[") => assert_eq!(*kind, RejectionKind::UnknownMessage, "{body:?}"),
            _ => {
                assert!(matches!(kind, RejectionKind::Invalid | RejectionKind::NotJson), "{body:?}: {kind:?}")
            }
        }
    }

    // Forged and oversized deliveries reached no method; the counts add up.
    assert_eq!(counting.calls(), VALID + INVALID + UNKNOWN);
    assert!(calls.keys().all(|key| key.starts_with("evt-")));
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}

// ---------------------------------------------------------------------------
// Each outcome and its status, over HTTP
// ---------------------------------------------------------------------------

fn receiver() -> Arc<Dispatcher<Counting>> {
    Arc::new(Dispatcher::new(Counting::default(), verifier()).with_body_limit(BODY_LIMIT))
}

fn valid(key: &str) -> (HeaderMap, Vec<u8>) {
    let body = event_body(2, key, 1, 0);
    (signed_headers(&body, NEW_SECRET, 0), body)
}

#[tokio::test]
async fn handled_and_duplicate_answer_200() {
    let dispatcher = receiver();
    let mut client = Client::connect(serve(Arc::clone(&dispatcher)).await).await;
    let (headers, body) = valid("s-200");
    let first = client.post(&headers, full(body.clone())).await.expect("an answer");
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json, json!({"outcome": "handled", "message": "webinar.created", "key": "s-200"}));
    let second = client.post(&headers, full(body)).await.expect("an answer");
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.json, json!({"outcome": "duplicate", "message": "webinar.created", "key": "s-200"}));
    assert_eq!(dispatcher.handler().calls(), 1);
}

/// Keys are each message's own: another message with the same `eventKey` is
/// another event, handled; the same message with it again is a duplicate.
#[tokio::test]
async fn one_key_in_two_messages_is_two_events() {
    let dispatcher = receiver();
    let mut outcomes = Vec::new();
    for kind in [2, 3, 2] {
        let body = event_body(kind, "shared", 1, 0);
        let delivery = Delivery::new(signed_headers(&body, NEW_SECRET, 0), body);
        outcomes.push(dispatcher.dispatch(delivery).await.label());
    }
    assert_eq!(outcomes, ["handled", "handled", "duplicate"]);
    let methods: Vec<&str> =
        dispatcher.handler().handled()["shared"].iter().map(|(method, _)| *method).collect();
    assert_eq!(methods.len(), 2, "{methods:?}");
    assert_ne!(methods[0], methods[1]);
}

#[tokio::test]
async fn rejected_answers_202_and_hands_the_bytes_over() {
    let dispatcher = receiver();
    let mut client = Client::connect(serve(Arc::clone(&dispatcher)).await).await;
    let cases: [(&[u8], &str, Value); 3] = [
        (b"{not json", "not_json", Value::Null),
        (br#"{"eventName":"webinar.deleted"}"#, "unknown_message", json!("webinar.deleted")),
        (br#"{"eventName":"webinar.created"}"#, "invalid", json!("webinar.created")),
    ];
    for (body, _, message) in &cases {
        let answer =
            client.post(&signed_headers(body, OLD_SECRET, 0), full(body.to_vec())).await.expect("an answer");
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{body:?}");
        assert_eq!(answer.json, json!({"outcome": "rejected", "message": message, "key": null}));
    }
    let rejected = dispatcher.handler().rejected();
    for (body, kind, _) in cases {
        let calls = &rejected[&Bytes::from_static(body)];
        assert_eq!(calls.len(), 1);
        assert_eq!(serde_json::to_value(calls[0].0).expect("serializes"), kind);
    }
}

#[tokio::test]
async fn unauthenticated_answers_401_and_reaches_no_method() {
    let dispatcher = receiver();
    let mut client = Client::connect(serve(Arc::clone(&dispatcher)).await).await;
    let (mut headers, body) = valid("s-401");
    let unsigned = {
        let mut headers = headers.clone();
        headers.remove(DEFAULT_SIGNATURE_HEADER);
        headers
    };
    let forged = signed_headers(&body, "not-a-configured-secret", 0);
    for headers in [unsigned, forged] {
        let answer = client.post(&headers, full(body.clone())).await.expect("an answer");
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.json, json!({"outcome": "unauthenticated", "message": null, "key": null}));
    }
    // Tampered: the genuine signature over other bytes.
    let answer = client.post(&headers, full(event_body(2, "s-402", 1, 0))).await.expect("an answer");
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(dispatcher.handler().calls(), 0);
    // Nothing was claimed: the genuine delivery is handled.
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let answer = client.post(&headers, full(body)).await.expect("an answer");
    assert_eq!(answer.outcome(), "handled");
}

#[tokio::test]
async fn oversized_answers_413_with_or_without_content_length() {
    let dispatcher = receiver();
    let address = serve(Arc::clone(&dispatcher)).await;
    let exact = event_body(2, "s-413-ex", 1, 0);
    let padding = BODY_LIMIT - exact.len() - r#","padding":"""#.len();
    let at_limit = event_body(2, "s-413-at", 1, padding);
    assert_eq!(at_limit.len(), BODY_LIMIT);
    let over = event_body(2, "s-413-ov", 1, padding + 1);
    assert_eq!(over.len(), BODY_LIMIT + 1);
    let huge = event_body(2, "s-413-huge", 1, 50 * BODY_LIMIT);

    let mut client = Client::connect(address).await;
    for (body, chunked) in [(&at_limit, false), (&at_limit, true)] {
        let headers = signed_headers(body, OLD_SECRET, 0);
        let body = if chunked { Chunked::boxed(body, 1000) } else { full(body.clone()) };
        let answer = client.post(&headers, body).await.expect("an answer");
        assert_eq!(
            (answer.status, answer.outcome()),
            (StatusCode::OK, if chunked { "duplicate" } else { "handled" })
        );
    }
    for (body, chunked) in [(&over, false), (&over, true), (&huge, false), (&huge, true)] {
        let mut client = Client::connect(address).await;
        let headers = signed_headers(body, OLD_SECRET, 0);
        let sent = if chunked { Chunked::boxed(body, 1000) } else { full(body.clone()) };
        let answer = client.post(&headers, sent).await.expect("an answer");
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{} bytes, chunked: {chunked}", body.len());
        assert_eq!(answer.json, json!({"outcome": "too_large", "message": null, "key": null}));
    }
    assert_eq!(dispatcher.handler().calls(), 1, "only the body at the limit was handled");
}

/// What the client really sends: a chunked request has no `Content-Length`.
#[tokio::test]
async fn a_chunked_request_carries_no_content_length() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a connection");
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            stream.read_exact(&mut byte).await.expect("reads");
            head.push(byte[0]);
        }
        stream.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").await.expect("writes");
        String::from_utf8(head).expect("an ASCII head").to_ascii_lowercase()
    });
    let mut client = Client::connect(address).await;
    let answer = client.post(&HeaderMap::new(), Chunked::boxed(b"0123456789", 3)).await.expect("an answer");
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let head = server.await.expect("the server read the head");
    assert!(head.contains(&format!("{}: chunked", TRANSFER_ENCODING)), "{head}");
    assert!(!head.contains(CONTENT_LENGTH.as_str()), "{head}");
}

/// A body that breaks off (here, a chunk whose size is not hex) cannot be
/// read: 400, and nothing reaches the dispatcher.
#[tokio::test]
async fn an_unreadable_body_answers_400_and_dispatches_nothing() {
    let dispatcher = receiver();
    let address = serve(Arc::clone(&dispatcher)).await;
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let head = format!(
        "POST {WEBHOOK_PATH} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         transfer-encoding: chunked\r\n\r\n5\r\n{{\"a\":\r\nzz\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    read.expect("the server answers and closes").expect("reads");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(dispatcher.handler().calls(), 0);
}

#[tokio::test]
async fn a_failed_handler_answers_500_and_the_retry_is_handled() {
    let dispatcher = receiver();
    dispatcher.handler().fail_next.store(1, Ordering::SeqCst);
    let mut client = Client::connect(serve(Arc::clone(&dispatcher)).await).await;
    let (headers, body) = valid("s-500");
    let failed = client.post(&headers, full(body.clone())).await.expect("an answer");
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.json, json!({"outcome": "handler_failed", "message": "webinar.created", "key": null}));
    let retried = client.post(&headers, full(body.clone())).await.expect("an answer");
    assert_eq!((retried.status, retried.outcome()), (StatusCode::OK, "handled"));
    let again = client.post(&headers, full(body)).await.expect("an answer");
    assert_eq!((again.status, again.outcome()), (StatusCode::OK, "duplicate"));
    assert_eq!(dispatcher.handler().calls(), 1);
}

/// A de-duplication store that cannot be reached.
struct Unreachable;

impl DedupeStore for Unreachable {
    async fn claim(&self, _key: &str) -> Result<Claim, DedupeError> {
        Err(DedupeError::new("the store is unreachable"))
    }

    async fn complete(&self, _key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
        Err(DedupeError::new("the store is unreachable"))
    }

    async fn release(&self, _key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
        Err(DedupeError::new("the store is unreachable"))
    }
}

#[tokio::test]
async fn a_failing_store_answers_503_and_reaches_no_method() {
    let dispatcher = Arc::new(Dispatcher::new(Counting::default(), verifier()).with_dedupe(Unreachable));
    let mut client = Client::connect(serve(Arc::clone(&dispatcher)).await).await;
    let (headers, body) = valid("s-503");
    let answer = client.post(&headers, full(body)).await.expect("an answer");
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.json, json!({"outcome": "store_failed", "message": null, "key": null}));
    assert_eq!(dispatcher.handler().calls(), 0);
    // Rejected deliveries need no store.
    let body = b"[]";
    let answer = client.post(&signed_headers(body, OLD_SECRET, 0), full(&body[..])).await.expect("an answer");
    assert_eq!(answer.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_sender_hanging_up_mid_handler_gives_the_key_back() {
    let dispatcher = receiver();
    dispatcher.handler().stall_next.store(1, Ordering::SeqCst);
    let address = serve(Arc::clone(&dispatcher)).await;
    let (headers, body) = valid("s-hangup");
    let mut impatient = Client::connect(address).await;
    let attempt =
        tokio::time::timeout(Duration::from_millis(300), impatient.post(&headers, full(body.clone())));
    assert!(attempt.await.is_err(), "the stalled handler does not answer");
    assert_eq!(dispatcher.handler().stalled.load(Ordering::SeqCst), 1);
    drop(impatient);
    // The server notices the closed connection, drops the request's future and
    // releases the key; the sender's retry is then handled, not a duplicate.
    let mut client = Client::connect(address).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let retried = loop {
        let answer = client.post(&headers, full(body.clone())).await.expect("an answer");
        if answer.outcome() != "duplicate" || Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!((retried.status, retried.outcome()), (StatusCode::OK, "handled"));
    assert_eq!(dispatcher.handler().calls(), 1);
}

#[tokio::test]
async fn other_methods_and_paths_are_not_deliveries() {
    let dispatcher = receiver();
    let mut client = Client::connect(serve(Arc::clone(&dispatcher)).await).await;
    let (headers, body) = valid("s-405");
    let get = client.send(Method::GET, WEBHOOK_PATH, &headers, full(Bytes::new())).await.expect("an answer");
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
    let elsewhere = client.send(Method::POST, "/elsewhere", &headers, full(body)).await.expect("an answer");
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(dispatcher.handler().calls(), 0);
}

#[tokio::test]
async fn without_a_secret_the_receiver_does_not_start_unless_explicitly_insecure() {
    let none: [Secret; 0] = [];
    let error = Verifier::new(SignatureScheme::default(), none).expect_err("no secret, no verifier");
    assert!(error.to_string().contains("accept_unsigned_insecure"), "{error}");

    let dispatcher = Arc::new(Dispatcher::new(Counting::default(), Verifier::accept_unsigned_insecure()));
    let mut client = Client::connect(serve(Arc::clone(&dispatcher)).await).await;
    let body = event_body(3, "s-insecure", 1, 0);
    let answer = client.post(&HeaderMap::new(), full(body)).await.expect("an answer");
    assert_eq!((answer.status, answer.outcome()), (StatusCode::OK, "handled"));
    assert!(format!("{dispatcher:?}").contains("INSECURE"));
}

#[tokio::test]
async fn the_test_helpers_drive_the_generated_dispatcher() {
    // What a user's own test looks like: a typed message, signed, dispatched.
    let dispatcher = Dispatcher::new(Counting::default(), verifier());
    let gotowebinar_webhooks::Event::WebinarCreated(mut created) =
        gotowebinar_webhooks::Event::from_slice(CREATED_SAMPLE).expect("the sample parses")
    else {
        panic!("the sample is a webinar.created");
    };
    created.event_key = "typed-1".to_owned();
    let delivery = testing::delivery_of(&created, NEW_SECRET).expect("a signed delivery");
    let outcome = dispatcher.dispatch(delivery).await;
    assert_eq!((outcome.label(), outcome.key()), ("handled", Some("typed-1")));
    let event = gotowebinar_webhooks::Event::WebinarCreated(created);
    let delivery = testing::delivery_of(&event, OLD_SECRET).expect("a signed delivery");
    assert_eq!(dispatcher.dispatch(delivery).await.label(), "duplicate");
    let calls = dispatcher.handler().handled();
    assert_eq!(calls["typed-1"].len(), 1);
    // Signed with a secret the receiver does not know: refused.
    let delivery = testing::signed_delivery(event_body(0, "typed-2", 1, 0), "unknown").expect("signed");
    assert_eq!(dispatcher.dispatch(delivery).await.label(), "unauthenticated");
    assert!(!dispatcher.handler().handled().contains_key("typed-2"));
}
