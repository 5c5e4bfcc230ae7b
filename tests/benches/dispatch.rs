//! The cost of the whole dispatch path (signature, parse, validation, routing to
//! a handler that does nothing), against its parts and the generic route, in
//! the same run:
//!
//! - `dispatch`: `Dispatcher::dispatch` of a signed delivery;
//! - `hmac`: the signature check alone;
//! - `typed_parse`: `serde_json::from_slice` into the message's struct alone;
//! - `generic`: `serde_json::from_slice::<Value>` and the reference validator.
//!
//! `cargo bench -p asyncapi-tests --bench dispatch`, then `cargo xtask
//! bench-report` prints the ratios.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gotowebinar_webhooks::rt::dedupe::NoDedupe;
use gotowebinar_webhooks::rt::dispatch::Outcome;
use gotowebinar_webhooks::rt::signature::{Secret, SignatureScheme, Verifier};
use gotowebinar_webhooks::rt::testing;
use gotowebinar_webhooks::types::{RegistrantAdded, RegistrantJoined, WebinarChanged, WebinarCreated};
use gotowebinar_webhooks::{Delivery, Dispatcher, Handler, Message, Rejection};
use serde_json::Value;

const SECRET: &str = "a webhook secret";

/// Does nothing: what is measured is everything around the handler.
struct Nothing;

impl Handler for Nothing {
    type Error = Infallible;
    async fn on_registrant_added(&self, _: RegistrantAdded, _: &Delivery) -> Result<(), Infallible> {
        Ok(())
    }
    async fn on_registrant_joined(&self, _: RegistrantJoined, _: &Delivery) -> Result<(), Infallible> {
        Ok(())
    }
    async fn on_webinar_created(&self, _: WebinarCreated, _: &Delivery) -> Result<(), Infallible> {
        Ok(())
    }
    async fn on_webinar_changed(&self, _: WebinarChanged, _: &Delivery) -> Result<(), Infallible> {
        Ok(())
    }
    async fn on_rejected(&self, _: Rejection, _: &Delivery) -> Result<(), Infallible> {
        Ok(())
    }
}

/// Runs a future that never waits (no I/O anywhere on this path).
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the dispatch path does not wait"),
    }
}

fn dispatch(c: &mut Criterion) {
    let body = include_bytes!("../samples/webinar-created.json").to_vec();
    let delivery = testing::signed_delivery(body.clone(), SECRET).expect("signs");
    let verifier = || Verifier::new(SignatureScheme::default(), [Secret::from(SECRET)]).expect("a secret");
    let dispatcher = Dispatcher::new(Nothing, verifier()).with_dedupe(NoDedupe);
    let outcome = ready(dispatcher.dispatch(delivery.clone()));
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
    let alone = verifier();
    let schema: Value = serde_json::from_str(Message::WebinarCreated.schema()).expect("JSON");
    let reference =
        jsonschema::draft7::options().should_validate_formats(true).build(&schema).expect("compiles");

    let mut group = c.benchmark_group("dispatch");
    group.bench_function("dispatch", |b| {
        b.iter_batched(
            || delivery.clone(),
            |delivery| ready(dispatcher.dispatch(delivery)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("hmac", |b| b.iter(|| alone.verify(black_box(&delivery.headers), black_box(&body))));
    group.bench_function("typed_parse", |b| {
        b.iter(|| serde_json::from_slice::<WebinarCreated>(black_box(&body)).expect("parses"))
    });
    group.bench_function("generic", |b| {
        b.iter(|| {
            let value: Value = serde_json::from_slice(black_box(&body)).expect("JSON");
            reference.validate(&value).is_ok()
        })
    });
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
