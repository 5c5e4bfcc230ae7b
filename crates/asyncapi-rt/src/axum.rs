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
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

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
    /// For [`Endpoint::Channels`]: the segments of the base path, and whether
    /// channel names start with `/`.
    channels: Option<(usize, bool)>,
}

impl<E, H, D> Clone for Receiver<E, H, D> {
    fn clone(&self) -> Self {
        Self {
            dispatcher: Arc::clone(&self.dispatcher),
            observer: self.observer.clone(),
            channels: self.channels,
        }
    }
}

/// Where a router takes deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint<'a> {
    /// At one path: for documents whose messages are routed by their body.
    Path(&'a str),
    /// Under `base`, the rest of the path being the address of the channel a
    /// delivery arrives on (percent-decoded): for documents whose messages are
    /// routed by channel. `POST /hooks/users/5` under `/hooks` arrives on
    /// `users/5`, or on `/users/5` with `leading_slash` (for documents whose
    /// channel names start with one).
    Channels { base: &'a str, leading_slash: bool },
}

impl<'a> From<&'a str> for Endpoint<'a> {
    fn from(path: &'a str) -> Self {
        Endpoint::Path(path)
    }
}

impl<'a> From<&'a String> for Endpoint<'a> {
    fn from(path: &'a String) -> Self {
        Endpoint::Path(path)
    }
}

/// A router that accepts deliveries with `POST` at `endpoint`: a path, or
/// channels under a base path.
///
/// Paths are matched as written, as a server URL gives them: `:` and `*`,
/// which axum would read as captures, are plain characters. A segment that
/// holds a server variable (`/{tenant}/hooks`, `/v{major}`) matches any one
/// segment. A path without a leading `/` is taken from the root.
pub fn router<'a, E, H, D>(dispatcher: Arc<Dispatcher<E, H, D>>, endpoint: impl Into<Endpoint<'a>>) -> Router
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    receiver(dispatcher, endpoint.into(), None)
}

/// [`router`], calling `observer` after each delivery (to log or count them).
pub fn router_with_observer<'a, E, H, D>(
    dispatcher: Arc<Dispatcher<E, H, D>>,
    endpoint: impl Into<Endpoint<'a>>,
    observer: impl Fn(&Summary) + Send + Sync + 'static,
) -> Router
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    receiver(dispatcher, endpoint.into(), Some(Arc::new(observer)))
}

fn receiver<E, H, D>(
    dispatcher: Arc<Dispatcher<E, H, D>>,
    endpoint: Endpoint<'_>,
    observer: Option<Observer>,
) -> Router
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    let (path, channels) = match endpoint {
        Endpoint::Path(path) => (route(path), None),
        Endpoint::Channels { base, leading_slash } => {
            let segments = base.split('/').filter(|segment| !segment.is_empty()).count();
            let base = route(base);
            (format!("{}/{{*channel}}", base.trim_end_matches('/')), Some((segments, leading_slash)))
        }
    };
    let receiver = Receiver { dispatcher, observer, channels };
    Router::new().without_v07_checks().route(&path, post(receive::<E, H, D>)).with_state(receiver)
}

/// The channel a request to `path` arrives on, under a base of `segments`
/// segments.
fn channel_of(path: &str, segments: usize, leading_slash: bool) -> String {
    let rest = path.strip_prefix('/').unwrap_or(path).splitn(segments + 1, '/').nth(segments).unwrap_or("");
    let channel = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
    if leading_slash { format!("/{channel}") } else { channel.into_owned() }
}

/// Characters a URI path segment cannot hold as they are (WHATWG's path
/// percent-encode set, with `/` a separator): the route spells them as
/// requests do. `%` is left alone, so a path that is already encoded stays so.
const NOT_IN_SEGMENT: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>').add(b'?').add(b'`').add(b'{').add(b'}');

/// The axum route of a [`router`]'s `path`: each segment with a server
/// variable becomes a capture, and every other one a literal, percent-encoded
/// as a request spells it (axum compares paths as sent), so that no path
/// makes axum panic.
fn route(path: &str) -> String {
    let mut route = String::with_capacity(path.len() + 1);
    let mut captures = 0;
    for segment in path.strip_prefix('/').unwrap_or(path).split('/') {
        route.push('/');
        let variable = segment.find('{').is_some_and(|open| segment[open..].contains('}'));
        if variable {
            // Named apart, as axum wants; the names are never read.
            route.push_str(&format!("{{variable{captures}}}"));
            captures += 1;
        } else {
            route.extend(utf8_percent_encode(segment, NOT_IN_SEGMENT));
        }
    }
    route
}

async fn receive<E, H, D>(State(receiver): State<Receiver<E, H, D>>, request: Request) -> Response
where
    E: Route<H>,
    H: Send + Sync + 'static,
    D: DedupeStore,
{
    let outcome = receive_outcome(&receiver.dispatcher, receiver.channels, request).await;
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
    channels: Option<(usize, bool)>,
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
    let mut delivery = Delivery::new(parts.headers, body);
    if let Some((segments, leading_slash)) = channels {
        delivery.channel = Some(channel_of(parts.uri.path(), segments, leading_slash));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_paths_as_written_and_server_variables_as_any_segment() {
        assert_eq!(route("/gotowebinar/callback"), "/gotowebinar/callback");
        assert_eq!(route("/"), "/");
        assert_eq!(route(""), "/");
        assert_eq!(route("hooks"), "/hooks");
        assert_eq!(route("/a/"), "/a/");
        assert_eq!(route("/{tenant}/hooks/v{major}.{minor}"), "/{variable0}/hooks/{variable1}");
        assert_eq!(route("/:id/*/a}b{"), "/:id/*/a%7Db%7B");
        assert_eq!(route("/my hooks/été/%20"), "/my%20hooks/%C3%A9t%C3%A9/%20");
    }

    /// A router over a dispatcher of unsigned deliveries, none of which is a
    /// message: each is rejected (202) once it gets through the router.
    fn app(path: &str) -> Router {
        use crate::dispatch::Inbound;
        use crate::message::{Mode, Rejection};
        use crate::signature::Verifier;

        struct Nothing;
        impl Inbound for Nothing {
            fn parse(_: &Delivery, _: Mode) -> Result<Self, Rejection> {
                Err(Rejection::not_json(&"no messages here"))
            }
            fn name(&self) -> &'static str {
                "nothing"
            }
            fn dedupe_key(&self) -> Option<&str> {
                None
            }
        }
        impl Route<()> for Nothing {
            type Error = std::convert::Infallible;
            async fn route(self, _: &(), _: &Delivery) -> Result<(), Self::Error> {
                Ok(())
            }
            async fn reject(_: &(), _: Rejection, _: &Delivery) -> Result<(), Self::Error> {
                Ok(())
            }
        }
        let dispatcher: Dispatcher<Nothing, ()> = Dispatcher::new((), Verifier::accept_unsigned_insecure());
        router(Arc::new(dispatcher), path)
    }

    /// The channels deliveries arrived on, as the handler saw them.
    type Seen = Arc<std::sync::Mutex<Vec<Option<String>>>>;

    /// The one message of [`channels_app`]: any body, handled by noting the
    /// delivery's channel.
    struct Anything;

    impl crate::dispatch::Inbound for Anything {
        fn parse(_: &Delivery, _: crate::message::Mode) -> Result<Self, crate::message::Rejection> {
            Ok(Anything)
        }
        fn name(&self) -> &'static str {
            "anything"
        }
        fn dedupe_key(&self) -> Option<&str> {
            None
        }
    }

    impl Route<Seen> for Anything {
        type Error = std::convert::Infallible;
        async fn route(self, seen: &Seen, delivery: &Delivery) -> Result<(), Self::Error> {
            seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(delivery.channel.clone());
            Ok(())
        }
        async fn reject(_: &Seen, _: crate::message::Rejection, _: &Delivery) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    /// A router over unsigned deliveries of [`Anything`].
    fn channels_app(endpoint: Endpoint<'_>) -> (Router, Seen) {
        let seen = Seen::default();
        let verifier = crate::signature::Verifier::accept_unsigned_insecure();
        let dispatcher: Dispatcher<Anything, Seen> = Dispatcher::new(Arc::clone(&seen), verifier);
        (router(Arc::new(dispatcher), endpoint), seen)
    }

    #[tokio::test]
    async fn under_a_base_the_rest_of_the_path_is_the_channel() {
        for (base, leading_slash, uri, channel) in [
            ("/hooks", false, "/hooks/users/5", "users/5"),
            ("/hooks/", false, "/hooks/a%20b/%C3%A9", "a b/é"),
            ("/", true, "/users/5/profile", "/users/5/profile"),
            ("", false, "/x", "x"),
            ("/{tenant}/hooks", false, "/acme/hooks/orders.created", "orders.created"),
        ] {
            let (app, seen) = channels_app(Endpoint::Channels { base, leading_slash });
            assert_eq!(status(app.clone(), "POST", uri).await, 200, "{base} {uri}");
            assert_eq!(status(app.clone(), "POST", "/elsewhere/x/y").await == 200, base.len() <= 1, "{base}");
            let seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
            assert_eq!(seen[0].as_deref(), Some(channel), "{base} {uri}");
        }
        // At one path, no channel.
        let (app, seen) = channels_app(Endpoint::Path("/hooks"));
        assert_eq!(status(app, "POST", "/hooks").await, 200);
        assert_eq!(*seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner), [None]);
    }

    /// The observer hears of each delivery that reached the dispatcher, with
    /// its outcome and status, and of nothing else.
    #[tokio::test]
    async fn the_observer_hears_each_outcome() {
        use crate::signature::{Secret, SignatureScheme, Signer, Verifier};
        use tower::ServiceExt;

        let heard: Arc<std::sync::Mutex<Vec<Summary>>> = Arc::default();
        let verifier = Verifier::new(SignatureScheme::default(), [Secret::from("k")]).expect("a verifier");
        let dispatcher: Dispatcher<Anything, Seen> = Dispatcher::new(Seen::default(), verifier);
        let dispatcher = Arc::new(dispatcher.with_body_limit(8));
        let app = {
            let heard = Arc::clone(&heard);
            router_with_observer(dispatcher, "/hooks", move |summary: &Summary| {
                heard.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(summary.clone());
            })
        };
        let signer = Signer::new(SignatureScheme::default(), Secret::from("k")).expect("a signer");
        let post = |body: &'static str, signed: bool| {
            let mut request = Request::builder().method("POST").uri("/hooks");
            if signed {
                for (name, value) in &signer.sign(body.as_bytes()) {
                    request = request.header(name, value);
                }
            }
            request.body(Body::from(body)).expect("a request")
        };
        let statuses = [
            app.clone().oneshot(post("{}", true)).await.expect("infallible").status(),
            app.clone().oneshot(post("{}", false)).await.expect("infallible").status(),
            app.clone().oneshot(post("{\"too\": \"large\"}", true)).await.expect("infallible").status(),
            app.oneshot(Request::builder().uri("/elsewhere").body(Body::empty()).expect("a request"))
                .await
                .expect("infallible")
                .status(),
        ];
        assert_eq!(statuses.map(|status| status.as_u16()), [200, 401, 413, 404]);
        let heard = heard.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let summary = |outcome, status, message: Option<&str>| Summary {
            outcome,
            status,
            message: message.map(str::to_owned),
            key: None,
        };
        assert_eq!(
            heard,
            [
                summary("handled", 200, Some("anything")),
                summary("unauthenticated", 401, None),
                summary("too_large", 413, None),
            ]
        );
    }

    async fn status(app: Router, method: &str, uri: &str) -> u16 {
        use tower::ServiceExt;
        let request = Request::builder().method(method).uri(uri).body(Body::from("{}")).expect("a request");
        app.oneshot(request).await.expect("infallible").status().as_u16()
    }

    #[tokio::test]
    async fn no_path_makes_the_router_panic_and_each_matches_what_it_says() {
        let rejected = 202;
        for (path, matching, other) in [
            ("/gotowebinar/callback", "/gotowebinar/callback", "/gotowebinar"),
            ("nope", "/nope", "/"),
            ("", "/", "/x"),
            ("/:tenant/*", "/:tenant/*", "/acme/x"),
            ("/{tenant}/hooks", "/acme/hooks", "/acme/b/hooks"),
            ("/a{b", "/a%7Bb", "/ab"),
            ("/my hooks", "/my%20hooks", "/my"),
        ] {
            assert_eq!(status(app(path), "POST", matching).await, rejected, "{path} at {matching}");
            assert_eq!(status(app(path), "POST", other).await, 404, "{path} at {other}");
            assert_eq!(status(app(path), "GET", matching).await, 405, "{path}: GET");
        }
    }
}
