//! How fast generated validation is, against the reference validator (the
//! `jsonschema` crate) on the same bodies, in the same run:
//!
//! - `valid/generated`: a valid delivery parsed once into its type and checked
//!   there (`Event::parse`, the dispatcher's path);
//! - `valid/reference`: `serde_json::from_slice::<Value>` and the reference
//!   validator (draft 7, formats checked);
//! - `invalid/generated`: every violation of an invalid body, with pointers
//!   (`Message::validate_body`, strict);
//! - `invalid/reference`: the same through the reference (`iter_errors`).
//!
//! `cargo bench -p asyncapi-benches --bench validation`, then `cargo xtask
//! bench-report` prints the ratios. The run itself also prints them measured
//! in pairs (see [`paired`]), next to the ratio of the reference to serde_json
//! reading the body alone: the ceiling for any route that parses with it.

use std::hint::black_box;

use asyncapi_benches::{paired, read_only, reference};
use criterion::Criterion;
use gotowebinar_webhooks::{Event, Message, Mode};
use serde_json::Value;

/// A delivery of each kind, as real traffic sends them.
fn valid_bodies() -> Vec<(&'static str, Message, Vec<u8>)> {
    let added = br#"{"eventName":"registrant.added","eventVersion":"1.0.0","product":"g2w","eventKey":"5e2f3c1a-8f4b-4d2e-9a7c-1b2c3d4e5f60","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com","phone":"+44 20 7946 0000","organization":"Analytical Engines","jobTitle":"Programmer","industry":"Computing","comments":"Looking forward to it","registrationDate":"2026-09-01T09:30:00Z","status":"APPROVED","webinarKey":1618033988749894848,"webinarTitle":"Release Review","experienceType":"CLASSIC","recurrenceType":"series","webinarCreatorKey":"3141592653589793238","registrationSource":"web","joinUrl":"https://global.gotowebinar.com/join/1618033988749894848/123456789","registrantKey":7301846249117765130,"timestamp":"2026-09-01T09:30:00.120Z","responses":[{"question":"Role?","answer":"Engineer"}]}"#;
    let changed = br#"{"eventName":"webinar.changed","eventVersion":"1.0.0","product":"g2w","eventKey":"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5e","accountKey":"2718281828459045235","organizerKey":"3141592653589793238","webinarKey":"1618033988749894848","webinarTitle":"Release Review","description":"Monthly walk-through of what shipped.","experienceType":"CLASSIC","recurrenceType":"series","status":"UPDATED","times":[{"startTime":"2026-09-10T16:00:00Z","endTime":"2026-09-10T17:00:00Z"}],"timeZone":"Europe/Berlin"}"#;
    vec![
        ("registrant.added", Message::RegistrantAdded, added.to_vec()),
        (
            "registrant.joined",
            Message::RegistrantJoined,
            include_bytes!("../../tests/samples/registrant-joined.numeric-keys.json").to_vec(),
        ),
        (
            "webinar.created",
            Message::WebinarCreated,
            include_bytes!("../../tests/samples/webinar-created.json").to_vec(),
        ),
        ("webinar.changed", Message::WebinarChanged, changed.to_vec()),
    ]
}

/// Bodies with several violations each.
fn invalid_bodies() -> Vec<(&'static str, Message, Vec<u8>)> {
    let changed = br#"{"eventName":"webinar.changed","eventVersion":"1.0.0","product":"g2x","eventKey":"k","webinarKey":"1","status":"PAUSED","times":[{"startTime":"yesterday","endTime":"2026-09-10T17:00:00Z"}]}"#;
    let added = br#"{"eventName":"registrant.added","eventVersion":1,"product":"g2w","eventKey":"k","webinarKey":"1","registrantKey":"2","email":"not an email","joinUrl":"not a uri","responses":[{"question":1}]}"#;
    vec![
        ("webinar.changed", Message::WebinarChanged, changed.to_vec()),
        ("registrant.added", Message::RegistrantAdded, added.to_vec()),
    ]
}

/// A body, and the two ways of judging it.
struct Case {
    name: &'static str,
    body: Vec<u8>,
    generated: Route,
    reference: Route,
}

/// One way of judging a body; returns a count so the work is not optimized away.
type Route = Box<dyn Fn(&[u8]) -> usize>;

/// Valid deliveries: `Event::parse` against `from_slice::<Value>` and the reference.
fn valid_cases() -> Vec<Case> {
    valid_bodies()
        .into_iter()
        .map(|(name, message, body)| {
            let reference = reference(message);
            // The same bytes for both: keys as strings, which the reference accepts.
            let body = strict_keys(&body);
            assert!(Event::parse(&body, Mode::Lenient).is_ok(), "{name} is valid");
            assert!(
                reference.is_valid(&serde_json::from_slice(&body).expect("JSON")),
                "{name} is valid to the reference"
            );
            let generated: Route = Box::new(|body| Event::parse(body, Mode::Lenient).map_or(0, |_| 1));
            let reference: Route = Box::new(move |body| {
                let value: Value = serde_json::from_slice(body).expect("JSON");
                usize::from(reference.validate(&value).is_ok())
            });
            Case { name, body, generated, reference }
        })
        .collect()
}

/// Invalid deliveries: every violation, with pointers, from both.
fn invalid_cases() -> Vec<Case> {
    invalid_bodies()
        .into_iter()
        .map(|(name, message, body)| {
            let reference = reference(message);
            let ours = message.validate_body(&body, Mode::Strict).expect_err("invalid").len();
            let theirs = reference.iter_errors(&serde_json::from_slice(&body).expect("JSON")).count();
            assert!(ours >= 3 && theirs >= 3, "{name}: {ours} and {theirs} violations");
            let generated: Route = Box::new(move |body| {
                message.validate_body(body, Mode::Strict).map_or_else(|v| v.len(), |_| 0)
            });
            let reference: Route = Box::new(move |body| {
                let value: Value = serde_json::from_slice(body).expect("JSON");
                reference.iter_errors(&value).count()
            });
            Case { name, body, generated, reference }
        })
        .collect()
}

/// Criterion's measurement of each case's two routes, in `group`.
fn bench(c: &mut Criterion, group: &str, cases: &[Case]) {
    let mut group = c.benchmark_group(group);
    for Case { name, body, generated, reference } in cases {
        group.bench_function(format!("generated/{name}"), |b| b.iter(|| generated(black_box(body))));
        group.bench_function(format!("reference/{name}"), |b| b.iter(|| reference(black_box(body))));
    }
    group.finish();
}

/// `body` with its integer keys written as strings, as the document says.
fn strict_keys(body: &[u8]) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(body).expect("JSON");
    if let Some(object) = value.as_object_mut() {
        for (key, field) in object.iter_mut() {
            if key.ends_with("Key") && field.is_number() {
                *field = Value::String(field.to_string());
            }
        }
    }
    serde_json::to_vec(&value).expect("serializes")
}

/// Each body's two routes, paired: how many times faster ours is; and, for
/// scale, how many times faster serde_json merely reads the body (into
/// `IgnoredAny`: no types, no checks), the most any route built on it could
/// reach.
fn paired(label: &str, cases: &[Case]) {
    const ROUNDS: usize = 51;
    const BATCH: usize = 2_000;
    println!(
        "{label}, paired over {ROUNDS} rounds of {BATCH}, reference / generated \
         (and reference / reading the JSON alone), median (quartiles):"
    );
    for Case { name, body, generated, reference } in cases {
        let mut operations: [paired::Operation<'_>; 3] = [
            Box::new(|batch| paired::timed(batch, || generated(black_box(body)))),
            Box::new(|batch| paired::timed(batch, || reference(black_box(body)))),
            Box::new(|batch| paired::timed(batch, || read_only(black_box(body)))),
        ];
        let rounds = paired::rounds(&mut operations, ROUNDS, BATCH);
        let ratios = |of: usize| rounds.iter().map(|seconds| seconds[1] / seconds[of]).collect();
        println!("  {name}: {} ({})", paired::quartiles(ratios(0)), paired::quartiles(ratios(2)));
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let (valid, invalid) = (valid_cases(), invalid_cases());
    bench(&mut criterion, "valid", &valid);
    bench(&mut criterion, "invalid", &invalid);
    if paired::benchmarking() {
        paired("valid deliveries", &valid);
        paired("invalid deliveries", &invalid);
    }
    criterion.final_summary();
}
