//! Raw delivery in, typed handler call out.
//!
//! The order matters and is fixed: size limit, then the signature over the raw
//! bytes (before any parsing, so a forged body costs one HMAC), then one parse
//! with validation, then de-duplication by the message's key, then the user's
//! handler. A delivery with a valid signature that cannot be typed goes to the
//! handler's rejected method with its bytes and every reason: nothing genuine is
//! dropped silently.
//!
//! A delivery's key counts as seen only once its handler succeeded. A copy
//! that arrives while another is being handled is answered 503, so that the
//! sender retries it later, rather than acknowledged: the first copy may yet
//! fail. A handler that fails, panics, or is cancelled mid-way (the request's
//! future dropped because the sender hung up) gives its key back, so the
//! sender's retry is handled rather than taken for a duplicate.

use std::borrow::Cow;
use std::future::Future;
use std::marker::PhantomData;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use tracing::Instrument;

use crate::dedupe::{Claim, ClaimToken, DedupeError, DedupeStore, MemoryDedupe};
use crate::message::{Mode, Rejection};
use crate::signature::{SignatureError, Verifier};

/// The default largest body accepted: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// One delivery, as it arrived.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The channel (topic, path) it came on, for documents routed by channel
    /// (their bodies do not tell their messages apart, or their addresses hold
    /// parameters); `None` where the body alone routes.
    pub channel: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub received_at: SystemTime,
}

impl Delivery {
    /// A delivery received now.
    pub fn new(headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Self { channel: None, headers, body: body.into(), received_at: SystemTime::now() }
    }

    /// The same delivery, received on `channel`.
    pub fn on_channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }
}

/// The set of messages a user receives (the generated `Event` enum).
pub trait Inbound: Sized + Send + 'static {
    /// Parses and validates one delivery.
    fn parse(delivery: &Delivery, mode: Mode) -> Result<Self, Rejection>;
    /// The message's name (its discriminator value, or the document's name for it).
    fn name(&self) -> &'static str;
    /// The key that identifies this delivery for de-duplication, if the
    /// document has one.
    fn dedupe_key(&self) -> Option<&str>;
    /// The message's correlation ID, where the document's `correlationId`
    /// places one (in the payload, or in one of the delivery's `headers`).
    fn correlation_id<'a>(&'a self, headers: &'a HeaderMap) -> Option<Cow<'a, str>> {
        let _ = headers;
        None
    }
}

/// Hands a message to the user's handler `H` (implemented by the generated
/// `Event` for every type implementing the generated `Handler` trait).
pub trait Route<H: ?Sized>: Inbound {
    type Error: std::error::Error + Send + Sync + 'static;
    /// Calls the handler method for this message.
    fn route(self, handler: &H, delivery: &Delivery) -> impl Future<Output = Result<(), Self::Error>> + Send;
    /// Calls the handler method for deliveries that could not be typed.
    fn reject(
        handler: &H,
        rejection: Rejection,
        delivery: &Delivery,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// What became of one delivery.
#[derive(Debug)]
pub enum Outcome<E> {
    /// The handler took it.
    Handled { message: &'static str, key: Option<String> },
    /// Already handled once: acknowledged without calling the handler again.
    Duplicate { message: &'static str, key: String },
    /// Another copy is being handled right now: the sender should retry later
    /// (the handler was not called; acknowledging could lose the event if the
    /// other copy's handler fails).
    InProgress { message: &'static str, key: String },
    /// Genuine but not typed; the handler's rejected method took it.
    Rejected(Rejection),
    /// The signature is missing or wrong: nobody saw the body.
    Unauthenticated(SignatureError),
    /// The body is larger than the limit: nobody saw it.
    TooLarge { size: usize, limit: usize },
    /// The handler failed: the sender should retry.
    HandlerFailed { message: Option<&'static str>, error: E },
    /// The de-duplication store failed: the sender should retry.
    StoreFailed(DedupeError),
}

impl<E> Outcome<E> {
    /// The HTTP status to answer the sender with.
    pub fn status(&self) -> StatusCode {
        match self {
            Outcome::Handled { .. } | Outcome::Duplicate { .. } => StatusCode::OK,
            Outcome::Rejected(_) => StatusCode::ACCEPTED,
            Outcome::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Outcome::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Outcome::HandlerFailed { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            Outcome::InProgress { .. } | Outcome::StoreFailed(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A one-word name of the outcome, for logs.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Handled { .. } => "handled",
            Outcome::Duplicate { .. } => "duplicate",
            Outcome::InProgress { .. } => "in_progress",
            Outcome::Rejected(_) => "rejected",
            Outcome::Unauthenticated(_) => "unauthenticated",
            Outcome::TooLarge { .. } => "too_large",
            Outcome::HandlerFailed { .. } => "handler_failed",
            Outcome::StoreFailed(_) => "store_failed",
        }
    }

    /// The message name, when the delivery got that far.
    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::Handled { message, .. }
            | Outcome::Duplicate { message, .. }
            | Outcome::InProgress { message, .. } => Some(message),
            Outcome::HandlerFailed { message, .. } => *message,
            Outcome::Rejected(rejection) => rejection.message.as_deref(),
            _ => None,
        }
    }

    /// The de-duplication key, when the delivery got that far.
    pub fn key(&self) -> Option<&str> {
        match self {
            Outcome::Handled { key, .. } => key.as_deref(),
            Outcome::Duplicate { key, .. } | Outcome::InProgress { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// Verifies, parses, de-duplicates and routes deliveries to a handler.
pub struct Dispatcher<E, H, D = MemoryDedupe> {
    handler: H,
    verifier: Verifier,
    dedupe: D,
    mode: Mode,
    body_limit: usize,
    events: PhantomData<fn() -> E>,
}

impl<E, H, D> std::fmt::Debug for Dispatcher<E, H, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("verifier", &self.verifier)
            .field("mode", &self.mode)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl<E, H> Dispatcher<E, H, MemoryDedupe> {
    /// A dispatcher with an in-memory de-duplication store, lenient parsing and
    /// a 1 MiB body limit.
    pub fn new(handler: H, verifier: Verifier) -> Self {
        Self {
            handler,
            verifier,
            dedupe: MemoryDedupe::new(),
            mode: Mode::Lenient,
            body_limit: DEFAULT_BODY_LIMIT,
            events: PhantomData,
        }
    }
}

impl<E, H, D> Dispatcher<E, H, D> {
    /// The same dispatcher with another de-duplication store (a shared one, for
    /// several receiver processes).
    pub fn with_dedupe<D2: DedupeStore>(self, dedupe: D2) -> Dispatcher<E, H, D2> {
        Dispatcher {
            handler: self.handler,
            verifier: self.verifier,
            dedupe,
            mode: self.mode,
            body_limit: self.body_limit,
            events: PhantomData,
        }
    }

    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    pub fn handler(&self) -> &H {
        &self.handler
    }
}

impl<E, H, D> Dispatcher<E, H, D>
where
    E: Route<H>,
    H: Send + Sync,
    D: DedupeStore,
{
    /// Takes one delivery all the way; see the module docs.
    pub fn dispatch(&self, delivery: Delivery) -> impl Future<Output = Outcome<E::Error>> + Send + '_ {
        let span = tracing::info_span!(
            "delivery",
            message = tracing::field::Empty,
            key = tracing::field::Empty,
            correlation = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let delivery_span = span.clone();
        async move {
            let outcome = self.dispatch_inner(delivery, &delivery_span).await;
            if let Some(message) = outcome.message() {
                delivery_span.record("message", message);
            }
            delivery_span.record("outcome", outcome.label());
            match &outcome {
                Outcome::Handled { .. } | Outcome::Duplicate { .. } => tracing::debug!("delivery handled"),
                // Where, not what: violation messages quote the body's values
                // (a pointer holds only names, some of them the body's own keys).
                Outcome::Rejected(rejection) => tracing::warn!(
                    kind = ?rejection.kind,
                    violations = %rejection.violations.locations(),
                    "delivery rejected"
                ),
                Outcome::Unauthenticated(error) => tracing::warn!(%error, "delivery refused"),
                Outcome::TooLarge { size, limit } => tracing::warn!(size, limit, "delivery too large"),
                Outcome::InProgress { .. } => tracing::info!("a copy is being handled: asked to retry"),
                Outcome::HandlerFailed { error, .. } => tracing::error!(%error, "handler failed"),
                Outcome::StoreFailed(error) => tracing::error!(%error, "de-duplication store failed"),
            }
            outcome
        }
        .instrument(span)
    }

    /// [`dispatch`](Self::dispatch); the key and the correlation ID go on
    /// `span` as soon as they are known, whatever becomes of the delivery then.
    async fn dispatch_inner(&self, delivery: Delivery, span: &tracing::Span) -> Outcome<E::Error> {
        if delivery.body.len() > self.body_limit {
            return Outcome::TooLarge { size: delivery.body.len(), limit: self.body_limit };
        }
        if let Err(error) = self.verifier.verify(&delivery.headers, &delivery.body) {
            return Outcome::Unauthenticated(error);
        }
        let event = match E::parse(&delivery, self.mode) {
            Ok(event) => event,
            Err(rejection) => {
                return match E::reject(&self.handler, rejection.clone(), &delivery).await {
                    Ok(()) => Outcome::Rejected(rejection),
                    Err(error) => Outcome::HandlerFailed { message: None, error },
                };
            }
        };
        let message = event.name();
        let key = event.dedupe_key().map(str::to_owned);
        if let Some(key) = &key {
            span.record("key", key.as_str());
        }
        // Read only for a span someone listens to: a payload's number is
        // written out to be read. (Unlike `key`, it does not reach `log` through
        // tracing's `log` feature when no subscriber listens.)
        if !span.is_disabled()
            && let Some(correlation) = event.correlation_id(&delivery.headers)
        {
            span.record("correlation", &*correlation);
        }
        let stored = key.as_deref().map(|key| store_key(message, key));
        let claim = match (&key, &stored) {
            (Some(key), Some(stored)) => match self.dedupe.claim(stored).await {
                Ok(Claim::New(token)) => Some((stored.as_str(), token)),
                Ok(Claim::InProgress) => return Outcome::InProgress { message, key: key.clone() },
                Ok(Claim::Duplicate) => return Outcome::Duplicate { message, key: key.clone() },
                Err(error) => return Outcome::StoreFailed(error),
            },
            _ => None,
        };
        // Until the handler has answered and the claim is settled, a cancelled
        // request or a panicking handler must not leave the key claimed: the
        // sender's retries would be held off until the claim's lease ends.
        let mut guard = ClaimGuard { store: &self.dedupe, claim, handled: false };
        match event.route(&self.handler, &delivery).await {
            Ok(()) => {
                // Handled: from here on, a cancelled request must not give the
                // key back, or a retry would be handled a second time.
                guard.handled = true;
                if let Some((claimed, token)) = claim
                    && let Err(error) = self.dedupe.complete(claimed, token).await
                {
                    // Handled all the same; a copy arriving after the claim's
                    // lease would be handled a second time.
                    tracing::error!(%error, key = claimed, "could not record a handled delivery's key");
                }
                guard.disarm();
                Outcome::Handled { message, key }
            }
            Err(error) => {
                // The sender retries a failure: let the retry through. If the
                // store fails too, retries are asked to wait until the claim's
                // lease ends; say so loudly. (A cancellation meanwhile leaves
                // the release to the guard.)
                if let Some((claimed, token)) = claim
                    && let Err(release) = self.dedupe.release(claimed, token).await
                {
                    tracing::error!(%release, key = claimed, "could not release a failed delivery's key");
                }
                guard.disarm();
                Outcome::HandlerFailed { message: Some(message), error }
            }
        }
    }
}

/// The de-duplication store's key for the delivery of `message` whose key is
/// `key`: each message's keys apart from the others' (an order's `created`
/// and `shipped` events may carry the same id), the message's name
/// length-prefixed so that no two pairs give one key (`16:registrant.added:5e2f...`).
fn store_key(message: &str, key: &str) -> String {
    use std::fmt::Write as _;
    // Built piece by piece: cheaper than `format!` on every delivery.
    let mut stored = String::with_capacity(message.len() + key.len() + 8);
    let _ = write!(stored, "{}", message.len());
    stored.push(':');
    stored.push_str(message);
    stored.push(':');
    stored.push_str(key);
    stored
}

/// Settles a claim when dropped armed: the request's future was dropped (the
/// request was cancelled) or unwound (the handler panicked) before the claim
/// was. It releases the key of a delivery whose handler had not answered, and
/// records as handled the key of one whose handler had.
struct ClaimGuard<'a, D: DedupeStore> {
    store: &'a D,
    claim: Option<(&'a str, ClaimToken)>,
    handled: bool,
}

impl<D: DedupeStore> ClaimGuard<'_, D> {
    /// The claim's fate is decided: the caller settles it.
    fn disarm(mut self) {
        self.claim = None;
    }
}

impl<D: DedupeStore> Drop for ClaimGuard<'_, D> {
    fn drop(&mut self) {
        let Some((key, token)) = self.claim.take() else { return };
        if self.handled {
            tracing::warn!(key, "a handled delivery was abandoned while its key was recorded: recording it");
            self.store.complete_abandoned(key, token);
        } else {
            tracing::warn!(key, "a delivery was abandoned before its handler answered: releasing its key");
            self.store.release_abandoned(key, token);
        }
    }
}
