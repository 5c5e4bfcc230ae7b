//! The cost of the whole dispatch path (signature, parse, validation, routing to
//! a handler that does nothing), against its parts and the generic route, in
//! the same run:
//!
//! - `dispatch`: `Dispatcher::dispatch` of a signed delivery;
//! - `hmac`: the signature check alone;
//! - `typed_parse`: `serde_json::from_slice` into the message's struct alone;
//! - `generic`: `serde_json::from_slice::<Value>` and the reference validator.
//!
//! `cargo bench -p asyncapi-benches --bench dispatch`, then `cargo xtask
//! bench-report` prints the ratios. The run itself also prints them measured
//! in pairs (see [`paired`]), and the most generic / dispatch could be for any
//! dispatcher that checks the signature and then parses with serde_json: the
//! generic route against the signature check plus serde_json reading the body
//! into `IgnoredAny`.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use asyncapi_benches::{paired, read_only, reference};
use criterion::{BatchSize, Criterion};
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

/// Everything the measurements share.
struct Setup {
    body: Vec<u8>,
    delivery: Delivery,
    dispatcher: Dispatcher<Nothing, NoDedupe>,
    alone: Verifier,
    reference: jsonschema::Validator,
}

impl Setup {
    fn new() -> Self {
        let body = include_bytes!("../../tests/samples/webinar-created.json").to_vec();
        let delivery = testing::signed_delivery(body.clone(), SECRET).expect("signs");
        let verifier =
            || Verifier::new(SignatureScheme::default(), [Secret::from(SECRET)]).expect("a secret");
        let dispatcher = Dispatcher::new(Nothing, verifier()).with_dedupe(NoDedupe);
        let outcome = ready(dispatcher.dispatch(delivery.clone()));
        assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
        Setup { body, delivery, dispatcher, alone: verifier(), reference: reference(Message::WebinarCreated) }
    }

    fn hmac(&self) -> bool {
        self.alone.verify(black_box(&self.delivery.headers), black_box(&self.body)).is_ok()
    }

    fn typed_parse(&self) -> WebinarCreated {
        serde_json::from_slice::<WebinarCreated>(black_box(&self.body)).expect("parses")
    }

    fn generic(&self) -> bool {
        let value: Value = serde_json::from_slice(black_box(&self.body)).expect("JSON");
        self.reference.validate(&value).is_ok()
    }
}

fn dispatch(c: &mut Criterion, setup: &Setup) {
    let mut group = c.benchmark_group("dispatch");
    group.bench_function("dispatch", |b| {
        b.iter_batched(
            || setup.delivery.clone(),
            |delivery| ready(setup.dispatcher.dispatch(delivery)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("hmac", |b| b.iter(|| setup.hmac()));
    group.bench_function("typed_parse", |b| b.iter(|| setup.typed_parse()));
    group.bench_function("generic", |b| b.iter(|| setup.generic()));
    group.finish();
}

/// The same measurements, and serde_json reading the body alone, paired (see
/// [`asyncapi_benches::paired`]), which a noisy machine disturbs less than
/// criterion's separate runs.
fn paired(setup: &Setup) {
    const ROUNDS: usize = 101;
    const BATCH: usize = 2_000;
    let mut operations: [paired::Operation<'_>; 5] = [
        Box::new(|batch| {
            let deliveries = vec![setup.delivery.clone(); batch];
            let started = Instant::now();
            for delivery in deliveries {
                black_box(ready(setup.dispatcher.dispatch(delivery)));
            }
            started.elapsed()
        }),
        Box::new(|batch| paired::timed(batch, || setup.hmac())),
        Box::new(|batch| paired::timed(batch, || setup.typed_parse())),
        Box::new(|batch| paired::timed(batch, || setup.generic())),
        Box::new(|batch| paired::timed(batch, || read_only(black_box(&setup.body)))),
    ];
    let rounds = paired::rounds(&mut operations, ROUNDS, BATCH);
    // dispatch, HMAC, typed parse, generic, reading alone: seconds per batch.
    let path = rounds.iter().map(|s| s[0] / (s[1] + s[2])).collect();
    let generic = rounds.iter().map(|s| s[3] / s[0]).collect();
    // The most any path that verifies the signature, then parses with
    // serde_json, could reach.
    let ceiling = rounds.iter().map(|s| s[3] / (s[1] + s[4])).collect();
    println!(
        "paired over {ROUNDS} rounds of {BATCH}, median (quartiles):\n  \
         dispatch / (hmac + typed parse) = {} (target <= 1.5)\n  \
         generic / dispatch = {} (target >= 5)\n  \
         generic / (hmac + reading the JSON alone) = {} (the ceiling of generic / dispatch)",
        paired::quartiles(path),
        paired::quartiles(generic),
        paired::quartiles(ceiling)
    );
}

fn main() {
    let setup = Setup::new();
    let mut criterion = Criterion::default().configure_from_args();
    dispatch(&mut criterion, &setup);
    if paired::benchmarking() {
        paired(&setup);
    }
    criterion.final_summary();
}
