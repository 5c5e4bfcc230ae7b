//! An HTTP receiver for axum (feature `axum`): a body limit, then the
//! [dispatcher](crate::dispatch::Dispatcher), then the outcome as a status:
//!
//! | outcome | status |
//! |---|---|
//! | handled, duplicate | 200 |
//! | rejected (handed to the rejected method) | 202 |
//! | bad or missing signature | 401 |
//! | body over the limit | 413 (the handler is not called) |
//! | handler failed | 500 (the sender retries) |
//! | another copy being handled, or de-duplication store failed | 503 (the sender retries) |
//! | body not readable (the connection broke mid-body) | 400 (nothing dispatched, no [`Summary`]) |

use std::sync::Arc;

pub use axum::{Router, serve};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::dedupe::DedupeStore;
use crate::dispatch::{Delivery, Dispatcher, Outcome, Route};

/// What a receiver tells an observer about each delivery (never the body, never
/// a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub outcome: &'static str,
    pub status: u16,
    pub message: Option<String>,
    pub key: Option<String>,
}

type Observer = Arc<dyn Fn(&Summary) + Send + Sync>;

struct Receiver<E, H, D> {
    dispatcher: Arc<Dispatcher<E, H, D>>,
    observer: Option<Observer>,
}

impl<E, H, D> Clone for Receiver<E, H, D> {
    fn clone(&self) -> Self {
        Self { dispatcher: Arc::clone(&self.dispatcher), observer: self.observer.clone() }
    }
}

/// A router that accepts deliveries with `POST path`.
pub fn router<E, H, D>(dispatcher: Arc<Dispatcher<E, H, D>>, path: &str) -> Router
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    Router::new().route(path, post(receive::<E, H, D>)).with_state(Receiver { dispatcher, observer: None })
}

/// [`router`], calling `observer` after each delivery (to log or count them).
pub fn router_with_observer<E, H, D>(
    dispatcher: Arc<Dispatcher<E, H, D>>,
    path: &str,
    observer: impl Fn(&Summary) + Send + Sync + 'static,
) -> Router
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    let receiver = Receiver { dispatcher, observer: Some(Arc::new(observer)) };
    Router::new().route(path, post(receive::<E, H, D>)).with_state(receiver)
}

async fn receive<E, H, D>(State(receiver): State<Receiver<E, H, D>>, request: Request) -> Response
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    let outcome = receive_outcome(&receiver.dispatcher, request).await;
    if let (Some(observer), Ok(outcome)) = (&receiver.observer, &outcome) {
        observer(&Summary {
            outcome: outcome.label(),
            status: outcome.status().as_u16(),
            message: outcome.message().map(str::to_owned),
            key: outcome.key().map(str::to_owned),
        });
    }
    match outcome {
        Ok(outcome) => respond(&outcome),
        Err(response) => response,
    }
}

/// The dispatcher's outcome, or the response to a request that never got there.
async fn receive_outcome<E, H, D>(
    dispatcher: &Dispatcher<E, H, D>,
    request: Request,
) -> Result<Outcome<E::Error>, Response>
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    let limit = dispatcher.body_limit();
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if let Some(size) = declared.filter(|size| *size > limit) {
        tracing::warn!(size, limit, "delivery too large (by its Content-Length)");
        return Ok(Outcome::TooLarge { size, limit });
    }
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(body) => body,
        Err(error) if is_length_limit(&error) => {
            // Read up to the limit and no further: the size is at least this.
            let size = limit.saturating_add(1);
            tracing::warn!(size, limit, "delivery too large (reading its body)");
            return Ok(Outcome::TooLarge { size, limit });
        }
        Err(error) => {
            tracing::warn!(%error, "could not read a delivery's body");
            return Err((StatusCode::BAD_REQUEST, "could not read the body").into_response());
        }
    };
    let delivery = Delivery::new(parts.headers, body);
    Ok(dispatcher.dispatch(delivery).await)
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = current.source();
    }
    false
}

/// The status, and a small JSON body saying what happened (never the secret,
/// never the body).
fn respond<E>(outcome: &Outcome<E>) -> Response {
    let summary = serde_json::json!({
        "outcome": outcome.label(),
        "message": outcome.message(),
        "key": outcome.key(),
    });
    let mut response = Response::new(Body::from(summary.to_string()));
    *response.status_mut() = outcome.status();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
