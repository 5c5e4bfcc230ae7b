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
//! bench-report` prints the ratios. The run itself also prints them measured
//! in pairs (see [`paired`]), which a noisy machine disturbs less.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

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
        let body = include_bytes!("../samples/webinar-created.json").to_vec();
        let delivery = testing::signed_delivery(body.clone(), SECRET).expect("signs");
        let verifier =
            || Verifier::new(SignatureScheme::default(), [Secret::from(SECRET)]).expect("a secret");
        let dispatcher = Dispatcher::new(Nothing, verifier()).with_dedupe(NoDedupe);
        let outcome = ready(dispatcher.dispatch(delivery.clone()));
        assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
        let schema: Value = serde_json::from_str(Message::WebinarCreated.schema()).expect("JSON");
        let reference =
            jsonschema::draft7::options().should_validate_formats(true).build(&schema).expect("compiles");
        Setup { body, delivery, dispatcher, alone: verifier(), reference }
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

/// The same four measurements, paired. On a shared machine a benchmark can
/// land in a slow minute that the one it is compared with misses; here each
/// round times a batch of every operation back to back (in rotating order),
/// and ratios are taken within a round, so that they compare like with like.
fn paired(setup: &Setup) {
    const ROUNDS: usize = 101;
    const BATCH: usize = 2_000;
    let mut path_ratios = Vec::with_capacity(ROUNDS);
    let mut generic_ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        // dispatch, HMAC, typed parse, generic: seconds per batch.
        let mut seconds = [0.0_f64; 4];
        for step in 0..4 {
            let operation = (round + step) % 4;
            let deliveries: Vec<Delivery> =
                if operation == 0 { vec![setup.delivery.clone(); BATCH] } else { Vec::new() };
            let started = Instant::now();
            match operation {
                0 => deliveries.into_iter().for_each(|delivery| {
                    black_box(ready(setup.dispatcher.dispatch(delivery)));
                }),
                1 => (0..BATCH).for_each(|_| {
                    black_box(setup.hmac());
                }),
                2 => (0..BATCH).for_each(|_| {
                    black_box(setup.typed_parse());
                }),
                _ => (0..BATCH).for_each(|_| {
                    black_box(setup.generic());
                }),
            }
            seconds[operation] = started.elapsed().as_secs_f64();
        }
        path_ratios.push(seconds[0] / (seconds[1] + seconds[2]));
        generic_ratios.push(seconds[3] / seconds[0]);
    }
    println!(
        "paired over {ROUNDS} rounds of {BATCH}, median (quartiles):\n  \
         dispatch / (hmac + typed parse) = {} (target <= 1.5)\n  \
         generic / dispatch = {} (target >= 5)",
        quartiles(&mut path_ratios),
        quartiles(&mut generic_ratios)
    );
}

/// `median (q1-q3)` of `values`.
fn quartiles(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let at = |fraction: f64| values[((values.len() - 1) as f64 * fraction).round() as usize];
    format!("{:.2}x ({:.2}-{:.2})", at(0.5), at(0.25), at(0.75))
}

fn main() {
    let setup = Setup::new();
    let mut criterion = Criterion::default().configure_from_args();
    dispatch(&mut criterion, &setup);
    paired(&setup);
    criterion.final_summary();
}
