//! The sample deliveries (copied from `../shared/samples` into `tests/samples/`)
//! parse into the right event, keeping every digit of their keys, and fields the
//! document does not list do not fail the parse.

use gotowebinar_webhooks::{Event, Message, Mode, RejectionKind};

const JOINED: &[u8] = include_bytes!("samples/registrant-joined.numeric-keys.json");
const CREATED: &[u8] = include_bytes!("samples/webinar-created.json");

#[test]
fn numeric_keys_parse_with_every_digit() {
    let Event::RegistrantJoined(joined) = Event::from_slice(JOINED).expect("the sample parses") else {
        panic!("registrant.joined must route to RegistrantJoined");
    };
    assert_eq!(joined.webinar_key, "4810975311936405773");
    assert_eq!(joined.registrant_key, "7301846249117765130");
    assert_eq!(joined.session_key, "20481939");
    assert_eq!(joined.join_time, Some(1_791_036_191_204));
    let timestamp = joined.timestamp.expect("the sample has a timestamp");
    assert_eq!(timestamp.to_rfc3339_opts(chrono::SecondsFormat::Millis, true), "2026-10-02T14:03:11.204Z");
}

#[test]
fn string_keys_parse_as_they_are() {
    let Event::WebinarCreated(created) = Event::from_slice(CREATED).expect("the sample parses") else {
        panic!("webinar.created must route to WebinarCreated");
    };
    assert_eq!(created.webinar_key, "1618033988749894848");
    assert_eq!(created.account_key.as_deref(), Some("2718281828459045235"));
    assert_eq!(created.times.as_ref().map(Vec::len), Some(2));
}

#[test]
fn strict_mode_reports_what_lenient_mode_tolerates() {
    let rejection = Event::parse(JOINED, Mode::Strict).expect_err("integer keys break the schema as written");
    assert_eq!(rejection.kind, RejectionKind::Invalid);
    let mut pointers: Vec<&str> = rejection.violations.iter().map(|v| v.pointer.as_str()).collect();
    pointers.sort_unstable();
    assert_eq!(pointers, ["/registrantKey", "/sessionKey", "/webinarKey"]);
    assert!(Message::RegistrantJoined.validate_body(JOINED, Mode::Lenient).is_ok());
    assert!(Event::parse(CREATED, Mode::Strict).is_ok(), "the string-keyed sample is valid as written");
}

#[test]
fn unknown_fields_are_accepted() {
    let mut body: serde_json::Value = serde_json::from_slice(CREATED).expect("the sample is JSON");
    body["fieldGoToAddedLater"] = serde_json::json!({"nested": [1, 2, 3]});
    let bytes = serde_json::to_vec(&body).expect("serializes");
    assert!(matches!(Event::from_slice(&bytes), Ok(Event::WebinarCreated(_))));
    assert!(Event::parse(&bytes, Mode::Strict).is_ok());
}

#[test]
fn a_typed_event_writes_back_what_came_in() {
    let event = Event::from_slice(CREATED).expect("the sample parses");
    let written = serde_json::to_value(&event).expect("serializes");
    let original: serde_json::Value = serde_json::from_slice(CREATED).expect("the sample is JSON");
    assert_eq!(written, original);
}

#[test]
fn content_type_parameters_do_not_reject_a_genuine_event() {
    use gotowebinar_webhooks::Delivery;
    use gotowebinar_webhooks::rt::dispatch::Inbound;
    use gotowebinar_webhooks::rt::http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("Application/JSON; charset=utf-8"));
    let delivery = Delivery::new(headers, CREATED.to_vec());
    assert!(matches!(<Event as Inbound>::parse(&delivery, Mode::Lenient), Ok(Event::WebinarCreated(_))));
    let rejection =
        <Event as Inbound>::parse(&delivery, Mode::Strict).expect_err("strict reads the header as written");
    assert_eq!(rejection.violations.iter().next().map(|v| v.pointer.as_str()), Some("/Content-Type"));
}

/// Valid deliveries are routed by a guess at `eventName` read from the raw
/// bytes, confirmed by the typed parse; a misleading guess (another message's
/// name, nested earlier in the body) must not misroute nor mislabel.
#[test]
fn a_nested_event_name_does_not_misroute() {
    let mut body: serde_json::Value = serde_json::from_slice(CREATED).expect("the sample is JSON");
    let top = body.as_object_mut().expect("an object");
    let mut reordered = serde_json::Map::new();
    reordered.insert("context".to_owned(), serde_json::json!({"eventName": "registrant.joined"}));
    reordered.append(top);
    let bytes = serde_json::to_vec(&reordered).expect("serializes");
    assert!(bytes.starts_with(br#"{"context":{"eventName":"registrant.joined"}"#));
    assert!(matches!(Event::parse(&bytes, Mode::Lenient), Ok(Event::WebinarCreated(_))));

    // The same body, broken: the rejection is about webinar.created.
    reordered["status"] = serde_json::json!("PAUSED");
    let bytes = serde_json::to_vec(&reordered).expect("serializes");
    let rejection = Event::parse(&bytes, Mode::Lenient).expect_err("an unknown status");
    assert_eq!(rejection.message.as_deref(), Some("webinar.created"));
    let pointers: Vec<&str> = rejection.violations.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(pointers, ["/status"]);
}

/// An enum value is a JSON string: serde_json alone would also read the unit
/// variant from `{"g2w": null}`, which the schema's `enum` refuses.
#[test]
fn an_enum_value_written_as_an_object_is_refused() {
    let mut body: serde_json::Value = serde_json::from_slice(CREATED).expect("the sample is JSON");
    body["product"] = serde_json::json!({"g2w": null});
    let bytes = serde_json::to_vec(&body).expect("serializes");
    let rejection = Event::parse(&bytes, Mode::Lenient).expect_err("product is not a string");
    let found: Vec<(&str, &str)> =
        rejection.violations.iter().map(|v| (v.pointer.as_str(), v.keyword.as_str())).collect();
    assert!(found.contains(&("/product", "type")), "{found:?}");
    assert!(found.iter().all(|(pointer, _)| *pointer == "/product"), "{found:?}");
    assert!(Message::WebinarCreated.validate_body(&bytes, Mode::Lenient).is_err(), "the raw walk agrees");
}

/// What is wrong with the discriminator is said where it is: a value that is
/// not a string at `/eventName`, a missing one at the root; a repeated member
/// counts as its last occurrence, as the validators read the body.
#[test]
fn the_event_name_is_judged_where_it_is() {
    let mut body: serde_json::Value = serde_json::from_slice(CREATED).expect("the sample is JSON");
    let judged = |body: &serde_json::Value| {
        let bytes = serde_json::to_vec(body).expect("serializes");
        let rejection = Event::parse(&bytes, Mode::Lenient).expect_err("no event named");
        assert_eq!(rejection.kind, RejectionKind::UnknownMessage);
        let violation = rejection.violations.iter().next().expect("one violation").clone();
        (violation.pointer, violation.keyword.as_str(), violation.message)
    };
    body["eventName"] = serde_json::json!(5);
    let (pointer, keyword, message) = judged(&body);
    assert_eq!((pointer.as_str(), keyword), ("/eventName", "type"));
    assert!(message.starts_with("eventName is a number, not a string"), "{message}");
    body["eventName"] = serde_json::json!("webinar.deleted");
    let (pointer, keyword, message) = judged(&body);
    assert_eq!((pointer.as_str(), keyword), ("/eventName", "discriminator"));
    assert!(message.starts_with("unknown eventName `webinar.deleted`"), "{message}");
    body.as_object_mut().expect("an object").remove("eventName");
    let (pointer, _, message) = judged(&body);
    assert_eq!(pointer, "");
    assert!(message.starts_with("missing string property `eventName`"), "{message}");

    let text = String::from_utf8(CREATED.to_vec()).expect("UTF-8");
    let repeated = text.replacen('{', r#"{"eventName":"registrant.joined","#, 1);
    let rejection = Event::parse(repeated.as_bytes(), Mode::Lenient).expect_err("a repeated member");
    assert_eq!(rejection.kind, RejectionKind::Invalid);
    assert_eq!(rejection.message.as_deref(), Some("webinar.created"), "the last eventName routes");
    // The typed read meets the first one, which the message's type refuses.
    assert!(rejection.to_string().contains("registrant.joined"), "{rejection}");
}
