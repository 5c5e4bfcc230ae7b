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
//! | de-duplication store failed | 503 (the sender retries) |

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::dedupe::DedupeStore;
use crate::dispatch::{Delivery, Dispatcher, Outcome, Route};

/// A router that accepts deliveries with `POST path`.
pub fn router<E, H, D>(dispatcher: Arc<Dispatcher<E, H, D>>, path: &str) -> Router
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    Router::new().route(path, post(receive::<E, H, D>)).with_state(dispatcher)
}

async fn receive<E, H, D>(State(dispatcher): State<Arc<Dispatcher<E, H, D>>>, request: Request) -> Response
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
        return respond::<E::Error>(&Outcome::TooLarge { size, limit });
    }
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(body) => body,
        Err(error) if is_length_limit(&error) => {
            return respond::<E::Error>(&Outcome::TooLarge { size: limit + 1, limit });
        }
        Err(error) => {
            tracing::warn!(%error, "could not read a delivery's body");
            return (StatusCode::BAD_REQUEST, "could not read the body").into_response();
        }
    };
    let delivery = Delivery::new(parts.headers, body);
    let outcome = dispatcher.dispatch(delivery).await;
    respond(&outcome)
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
