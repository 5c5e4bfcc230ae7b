//! The GoToWebinar validators against the reference JSON Schema validator
//! (`jsonschema`), on generated bodies (see `asyncapi_tests::differential`),
//! and the acceptance cases of the validators.
//!
//! `cargo test -p asyncapi-tests --test validation -- --nocapture` prints the
//! counts per message.

use asyncapi_tests::differential::{self, Config, Report};
use gotowebinar_webhooks::{Event, Message, Mode, RejectionKind, Violations};
use serde_json::{Value, json};

/// The `eventName` a message's payload fixes (its only `enum` value).
fn event_name(message: Message) -> String {
    let schema: Value = serde_json::from_str(message.schema()).expect("the bundled schema is JSON");
    schema
        .pointer("/properties/eventName/enum/0")
        .and_then(Value::as_str)
        .expect("every GoToWebinar message fixes its eventName")
        .to_owned()
}

/// `Event::parse`, seen from one message (see [`differential::as_seen_from`]).
fn parser(message: Message) -> impl Fn(&[u8], Mode) -> Option<Result<(), Violations>> {
    let expected = event_name(message);
    move |body, mode| {
        let accepts = || {
            serde_json::from_slice::<Value>(body)
                .is_ok_and(|value| message.validate_json(&value, mode).is_ok())
        };
        differential::as_seen_from(&expected, Event::parse(body, mode).map(|event| event.name()), accepts)
    }
}

fn differential_report(message: Message) -> Report {
    let validate = |value: &Value| message.validate_json(value, Mode::Strict);
    let parse = parser(message);
    differential::run_typed(message.name(), message.schema(), &validate, &parse, &Config::default())
}

#[test]
fn every_message_agrees_with_the_reference_validator() {
    let mut failures = Vec::new();
    for message in Message::ALL {
        let report = differential_report(message);
        println!(
            "{}: {} bodies, {} valid, {} invalid, {} tolerated, {} mismatches; typed parser on {} bodies, \
             {} integer keys accepted leniently, {} unrepresentable",
            report.message,
            report.bodies,
            report.valid,
            report.invalid,
            report.tolerated,
            report.mismatches.len(),
            report.typed,
            report.lenient_accepted,
            report.unrepresentable.len(),
        );
        for (kind, (count, body)) in report.unrepresentable_kinds() {
            println!("  unrepresentable {count}x: {kind}\n    e.g. {body}");
        }
        assert!(report.bodies >= 10_000, "{report}");
        assert!(report.valid >= 1_000 && report.invalid >= 5_000, "too few of a kind: {report}");
        assert!(report.typed >= 5_000, "too few bodies through the typed parse: {report}");
        if !report.is_clean() {
            failures.push(report.to_string());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A body with a wrong `product`, an unknown `status` and a `startTime` of
/// `yesterday` yields exactly three violations, in one call.
#[test]
fn three_faults_three_violations() {
    let body = json!({
        "eventName": "webinar.changed",
        "eventVersion": "1.0.0",
        "product": "g2m",
        "eventKey": "5c6c4e0f-1d4e-4c5b-9a57-2f6f6a3b3d10",
        "webinarKey": "1618033988749894848",
        "status": "POSTPONED",
        "times": [{"startTime": "yesterday", "endTime": "2026-10-02T15:00:00Z"}],
    });
    let bytes = serde_json::to_vec(&body).expect("serializes");
    let expected = [("/product", "enum"), ("/status", "enum"), ("/times/0/startTime", "format")];
    let found = |violations: &Violations| {
        let mut found: Vec<(String, String)> =
            violations.iter().map(|v| (v.pointer.clone(), v.keyword.to_string())).collect();
        found.sort();
        found
    };
    let expected: Vec<(String, String)> =
        expected.iter().map(|(p, k)| ((*p).to_owned(), (*k).to_owned())).collect();
    for mode in [Mode::Strict, Mode::Lenient] {
        let violations = Message::WebinarChanged.validate_body(&bytes, mode).expect_err("three faults");
        assert_eq!(found(&violations), expected, "validate_body, {mode:?}: {violations}");
        let rejection = Event::parse(&bytes, mode).expect_err("three faults");
        assert_eq!(rejection.kind, RejectionKind::Invalid);
        assert_eq!(found(&rejection.violations), expected, "Event::parse, {mode:?}: {rejection}");
    }
}

/// `*Key` properties are strings in the document and JSON integers in real
/// traffic: a violation in strict mode, accepted (every digit kept) in lenient mode.
#[test]
fn integer_keys_are_strict_violations_and_lenient_strings() {
    let body = json!({
        "eventName": "webinar.created",
        "eventVersion": "1.0.0",
        "product": "g2w",
        "eventKey": "5c6c4e0f-1d4e-4c5b-9a57-2f6f6a3b3d10",
        "webinarKey": 4_810_975_311_936_405_773_u64,
    });
    let bytes = serde_json::to_vec(&body).expect("serializes");
    let violations = Message::WebinarCreated.validate_body(&bytes, Mode::Strict).expect_err("strict");
    let found: Vec<(&str, String)> =
        violations.iter().map(|v| (v.pointer.as_str(), v.keyword.to_string())).collect();
    assert_eq!(found, [("/webinarKey", "type".to_owned())], "{violations}");
    let rejection = Event::parse(&bytes, Mode::Strict).expect_err("strict");
    assert_eq!(rejection.violations, violations);

    assert!(Message::WebinarCreated.validate_body(&bytes, Mode::Lenient).is_ok());
    let Ok(Event::WebinarCreated(created)) = Event::parse(&bytes, Mode::Lenient) else {
        panic!("lenient mode must accept an integer key");
    };
    assert_eq!(created.webinar_key, "4810975311936405773");

    // What lenient mode accepts is an integer, not any number.
    for other in [json!(4.5), json!(-1.0e30), json!(true)] {
        let mut body = body.clone();
        body["webinarKey"] = other;
        let bytes = serde_json::to_vec(&body).expect("serializes");
        let violations =
            Message::WebinarCreated.validate_body(&bytes, Mode::Lenient).expect_err("not an integer");
        assert_eq!(violations.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(), ["/webinarKey"]);
    }
}
