//! Golden tests of generated output (insta snapshots in `tests/snapshots/`),
//! and the properties a reviewer of generated code relies on: deterministic,
//! machine-independent, and stable under additions.
//!
//! After an intended change of the output: `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test -p asyncapi-codegen --test golden`), then
//! read the diff of the snapshots before committing them.

use std::path::{Path, PathBuf};

use asyncapi_codegen::emit::Files;
use asyncapi_codegen::{Options, Runtime};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn options(spec: &str) -> Options {
    let mut options = Options::new(root().join(spec));
    options.spec_name = Some(spec.to_owned());
    options.runtime = Runtime::Path("../asyncapi-rt".to_owned());
    options.lenient_numeric_strings = vec!["*Key".to_owned()];
    options
}

fn generate(options: &Options) -> Files {
    asyncapi_codegen::generate(options).unwrap_or_else(|diagnostics| panic!("{diagnostics}")).files
}

fn generate_text(text: &str) -> Files {
    generated(text).files
}

/// The crate generated from `text`, with its warnings.
fn generated(text: &str) -> asyncapi_codegen::Generated {
    asyncapi_codegen::generate_from_text(text, "spec.yaml", &options("spec.yaml"))
        .unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
}

/// The crate generated from `spec` (written as `spec.yaml`) beside
/// `parts/traits.yaml`, which holds `traits`, with its warnings.
fn generated_with_traits_file(spec: &str, traits: &str) -> asyncapi_codegen::Generated {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir_all(dir.path().join("parts")).expect("a folder");
    std::fs::write(dir.path().join("spec.yaml"), spec).expect("written");
    std::fs::write(dir.path().join("parts/traits.yaml"), traits).expect("written");
    let mut options = Options::new(dir.path().join("spec.yaml"));
    options.spec_name = Some("spec.yaml".to_owned());
    asyncapi_codegen::generate(&options).unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
}

/// The messages of the warnings `generated` came with.
fn warning_messages(generated: &asyncapi_codegen::Generated) -> Vec<&str> {
    generated.warnings.warnings().map(|warning| warning.message.as_str()).collect()
}

/// The item of `text` that starts with `start`, to its closing brace (the
/// start left out).
fn item<'t>(text: &'t str, start: &str) -> &'t str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} in {text}"));
    let rest = &text[from + start.len()..];
    &rest[..rest.find("\n}\n").unwrap_or(rest.len())]
}

const GOTOWEBINAR: &str = "spec/gotowebinar-webhooks.asyncapi.yaml";
const CONSTRUCTS: &str = "tests/documents/constructs.asyncapi.yaml";
const SCHEMA_FORMATS: &str = "tests/documents/schema-formats.asyncapi.yaml";

#[test]
fn gotowebinar_output() {
    let files = generate(&options(GOTOWEBINAR));
    for file in
        ["src/types.rs", "src/event.rs", "src/messages.rs", "src/validate.rs", "src/lib.rs", "Cargo.toml"]
    {
        insta::assert_snapshot!(format!("gotowebinar__{}", file.replace(['/', '.'], "_")), files[file]);
    }
}

#[test]
fn constructs_output() {
    let files = generate(&options(CONSTRUCTS));
    for file in ["src/types.rs", "src/event.rs", "src/validate.rs"] {
        insta::assert_snapshot!(format!("constructs__{}", file.replace(['/', '.'], "_")), files[file]);
    }
}

#[test]
fn schema_formats_output() {
    let files = generate(&options(SCHEMA_FORMATS));
    for file in ["src/types.rs", "src/messages.rs"] {
        insta::assert_snapshot!(format!("schema_formats__{}", file.replace(['/', '.'], "_")), files[file]);
    }
}

#[test]
fn output_is_deterministic_and_machine_independent() {
    let first = generate(&options(GOTOWEBINAR));
    let second = generate(&options(GOTOWEBINAR));
    assert_eq!(first, second, "two runs, byte-identical files");
    let absolute = root().canonicalize().expect("the workspace exists");
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".to_owned());
    for (path, text) in &first {
        assert!(!text.contains(&*absolute.to_string_lossy()), "{path} holds an absolute path");
        assert!(!text.contains(&home), "{path} holds the home folder");
        // A timestamp of this run would be today's date.
        let today = time_today();
        assert!(!text.contains(&today), "{path} holds today's date");
    }
}

/// Today's date as `YYYY-MM-DD`, from the system clock (no date crate needed).
fn time_today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let days = (seconds / 86_400) as i64;
    // Civil from days (proleptic Gregorian), after Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The items of a generated `types.rs`, grouped by the type they define or
/// implement, each group's text in order.
/// Type name and the text of its items, in order.
type Items = Vec<(String, String)>;

fn items(types_rs: &str) -> Items {
    use quote::ToTokens;
    let file = syn::parse_file(types_rs).expect("generated code parses");
    let mut items: Items = Vec::new();
    for item in file.items {
        let name = match &item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            syn::Item::Type(t) => t.ident.to_string(),
            syn::Item::Impl(i) => match (&i.trait_, &*i.self_ty) {
                // `impl From<Level> for i64` belongs to `Level`.
                (Some((path, _)), syn::Type::Path(target)) if target.path.is_ident("i64") => path
                    .segments
                    .last()
                    .map(|s| s.arguments.to_token_stream().to_string())
                    .unwrap_or_default(),
                (_, self_ty) => self_ty.to_token_stream().to_string(),
            },
            other => other.to_token_stream().to_string(),
        };
        let name = name.trim_matches(['<', '>', ' ']).to_owned();
        let text = item.to_token_stream().to_string();
        match items.iter_mut().find(|(n, _)| *n == name) {
            Some((_, group)) => group.push_str(&text),
            None => items.push((name, text)),
        }
    }
    items
}

fn types_after(edit: impl Fn(&str) -> String) -> (Items, Items) {
    let spec = std::fs::read_to_string(root().join(GOTOWEBINAR)).expect("the spec is readable");
    let before = generate_text(&spec);
    let after = generate_text(&edit(&spec));
    (items(&before["src/types.rs"]), items(&after["src/types.rs"]))
}

#[test]
fn adding_a_property_leaves_every_other_type_byte_identical() {
    let (before, after) = types_after(|spec| {
        spec.replacen(
            "          joinTime: { type: integer, description: Unix millisecond timestamp. }\n",
            "          joinTime: { type: integer, description: Unix millisecond timestamp. }\n          status: { type: string, enum: [ATTENDING, LEFT] }\n          device: { type: object, properties: { os: { type: string } } }\n",
            1,
        )
    });
    let changed: Vec<&str> = before
        .iter()
        .filter(|(name, text)| after.iter().find(|(n, _)| n == name).map(|(_, t)| t) != Some(text))
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(changed, ["RegistrantJoined"], "only the message that gained properties changes");
    let added: Vec<&str> = after
        .iter()
        .filter(|(name, _)| !before.iter().any(|(n, _)| n == name))
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(added, ["RegistrantJoinedStatus", "Device"]);
}

#[test]
fn adding_a_message_leaves_every_other_type_byte_identical() {
    let (before, after) = types_after(|spec| {
        let channel = "  webinar.deleted:\n    subscribe:\n      operationId: onWebinarDeleted\n      message:\n        $ref: '#/components/messages/WebinarDeleted'\n";
        let message = "    WebinarDeleted:\n      name: webinar.deleted\n      payload:\n        type: object\n        required: [eventName, eventKey]\n        properties:\n          eventName: { type: string, enum: [webinar.deleted] }\n          eventKey: { type: string }\n          product: { type: string, enum: [g2w] }\n          times:\n            type: array\n            items:\n              type: object\n              properties:\n                startTime: { type: string, format: date-time }\n                endTime: { type: string, format: date-time }\n";
        spec.replacen("components:\n", &format!("{channel}components:\n"), 1).replacen(
            "  messages:\n",
            &format!("  messages:\n{message}"),
            1,
        )
    });
    for (name, text) in &before {
        let now = after.iter().find(|(n, _)| n == name).map(|(_, t)| t);
        assert_eq!(now, Some(text), "{name} changed when a message was added");
    }
    let added: Vec<&str> = after
        .iter()
        .filter(|(name, _)| !before.iter().any(|(n, _)| n == name))
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(
        added,
        ["WebinarDeleted", "WebinarDeletedEventName"],
        "shared shapes (product, times) are reused"
    );
}

#[test]
fn a_changed_description_shows_in_the_check_diff() {
    let spec = std::fs::read_to_string(root().join(GOTOWEBINAR)).expect("the spec is readable");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let original =
        asyncapi_codegen::generate_from_text(&spec, "spec.yaml", &options("spec.yaml")).expect("generates");
    asyncapi_codegen::write::write(dir.path(), &original.files).expect("writes");
    let edited = spec.replacen(
        "Triggered when a registrant joins a webinar session.",
        "Triggered when a registrant enters a webinar session.",
        1,
    );
    let changed =
        asyncapi_codegen::generate_from_text(&edited, "spec.yaml", &options("spec.yaml")).expect("generates");
    let comparison = asyncapi_codegen::check_dir(dir.path(), &changed).expect("compares");
    assert!(!comparison.is_clean());
    let diff = comparison.to_string();
    assert!(diff.contains("+    /// Triggered when a registrant enters a webinar session."), "{diff}");
    assert!(diff.contains("-    /// Triggered when a registrant joins a webinar session."), "{diff}");
}

#[test]
fn a_deep_lattice_of_all_of_references_generates_in_linear_work() {
    // Each level is the one below, twice: 2^64 paths, 64 schemas.
    let mut schemas =
        String::from("    S0:\n      type: object\n      properties:\n        p: {type: string}\n");
    for level in 1..=64 {
        let below = level - 1;
        schemas.push_str(&format!(
            "    S{level}:\n      allOf:\n        - $ref: '#/components/schemas/S{below}'\n        - $ref: '#/components/schemas/S{below}'\n"
        ));
    }
    let document = format!(
        "asyncapi: '2.6.0'\ninfo: {{title: Lattice, version: '1'}}\nchannels:\n  top:\n    subscribe:\n      message:\n        payload:\n          $ref: '#/components/schemas/S64'\ncomponents:\n  schemas:\n{schemas}"
    );
    let files = generate_text(&document);
    assert!(files["src/types.rs"].contains("pub p: Option<String>"), "{}", files["src/types.rs"]);
}

#[test]
fn a_referenced_one_of_of_messages_gives_each_message() {
    let document = r#"
asyncapi: '2.6.0'
info: {title: Either, version: '1'}
channels:
  things:
    subscribe:
      message: {$ref: '#/components/messages/Either'}
components:
  messages:
    Either:
      oneOf:
        - {$ref: '#/components/messages/Created'}
        - {$ref: '#/components/messages/Deleted'}
    Created:
      payload: {type: object, required: [kind], properties: {kind: {const: created}}}
    Deleted:
      payload: {type: object, required: [kind], properties: {kind: {const: deleted}}}
"#;
    let files = generate_text(document);
    let event = &files["src/event.rs"];
    for variant in ["Created(types::Created)", "Deleted(types::Deleted)"] {
        assert!(event.contains(variant), "{variant} in {event}");
    }
}

/// A message with headers of its own and a trait's, whose references must
/// resolve where the trait is written, in this file (`#/components/...`) or
/// in another (`parts/traits.yaml`, whose `#/Signature` is its own).
#[test]
fn merged_trait_headers_keep_their_references() {
    let spec = r##"
asyncapi: '2.6.0'
info: {title: Traits, version: '1'}
channels:
  a:
    subscribe:
      message: {$ref: '#/components/messages/M'}
components:
  schemas:
    Id: {type: string, format: uuid}
  messageTraits:
    Traced:
      headers:
        type: object
        properties:
          trace-id: {$ref: '#/components/schemas/Id'}
  messages:
    M:
      traits:
        - {$ref: '#/components/messageTraits/Traced'}
        - {$ref: 'parts/traits.yaml#/Signed'}
      headers:
        type: object
        properties:
          x-other: {type: string}
      payload: {type: object}
"##;
    let traits = r##"
Signature: {type: string, minLength: 64}
Signed:
  headers:
    type: object
    properties:
      x-signature: {$ref: '#/Signature'}
      x-kind: {const: {$ref: '#/Signature'}}
"##;
    let files = generated_with_traits_file(spec, traits).files;
    let types = &files["src/types.rs"];
    for item in [
        "pub x_other: Option<String>",
        "pub trace_id: Option<Id>",
        "pub type Id = uuid::Uuid;",
        "pub x_signature: Option<Signature>",
        "pub type Signature = String;",
    ] {
        assert!(types.contains(item), "{item} in {types}");
    }
    let validate = &files["src/validate.rs"];
    assert!(validate.contains("64"), "the trait's minLength is checked");
    // Data that looks like a reference is data: copied, not rewritten.
    assert!(validate.contains("#/Signature") && !validate.contains("traits.yaml"), "{validate}");
}

/// A trait in another file whose `correlationId` is a reference in that file
/// (`#/Traced`) is read as written there, as its headers are.
#[test]
fn a_trait_s_correlation_id_resolves_where_the_trait_is_written() {
    let spec = r##"
asyncapi: '2.6.0'
info: {title: Traits, version: '1'}
channels:
  a:
    subscribe:
      message:
        traits: [{$ref: 'parts/traits.yaml#/Correlated'}]
        payload: {type: object}
"##;
    let traits = r##"
Traced: {location: '$message.header#/x-trace'}
Correlated:
  correlationId: {$ref: '#/Traced'}
"##;
    let generated = generated_with_traits_file(spec, traits);
    assert_eq!(warning_messages(&generated), Vec::<&str>::new());
    let event = &generated.files["src/event.rs"];
    assert!(event.contains(r#"in_headers(headers, &["x-trace"])"#), "{event}");
    // The event's own method, and `Inbound`'s, which the dispatcher and `inspect` call.
    assert_eq!(event.matches("fn correlation_id<'a>(").count(), 2, "{event}");
    assert!(event.contains("Event::correlation_id(self, headers)"), "{event}");
}

/// A channel parameter lives in the address alone, so a document whose
/// received channel has one is routed by channel even where the bodies tell
/// its messages apart (the channel's own tree then picks among them, named by
/// their discriminator values), and the handler gets the parameters. A
/// document whose only parameters are on a channel it sends to stays routed
/// by the body.
#[test]
fn a_received_channel_with_parameters_routes_by_channel() {
    let document = |channel: &str| {
        format!(
            "asyncapi: 2.6.0
info: {{title: Rooms, version: 1.0.0}}
channels:
  {channel}:
    parameters:
      roomId: {{schema: {{type: string, pattern: '^[a-z]+$'}}}}
    subscribe:
      message:
        oneOf:
          - name: chat
            payload: {{type: object, required: [parameters], properties: {{parameters: {{const: said}}}}}}
          - name: leave
            payload: {{type: object, required: [parameters], properties: {{parameters: {{const: left}}}}}}
  replies/{{roomId}}:
    parameters:
      roomId: {{schema: {{type: string}}}}
    publish:
      message: {{name: reply, payload: {{type: string}}}}
"
        )
    };
    let files = generate_text(&document("rooms/{roomId}"));
    let event = &files["src/event.rs"];
    assert!(event.contains("pub fn parse_on_channel("), "{event}");
    assert!(!event.contains("pub fn parse(body"), "{event}");
    assert!(event.contains("parameters: channels::RoomsRoomIdParameters,"), "{event}");
    assert!(event.contains(r#"pub const NAMES: [&'static str; 2] = ["said", "left"];"#), "{event}");
    // The property named `parameters` is probed into a local of another name,
    // which leaves the channel's parameters to the event.
    assert!(
        event.contains("let [parameters_2] = asyncapi_rt::body::probe(body, [\"parameters\"])"),
        "{event}"
    );
    // With parameters only where it sends, the document is routed by the body.
    let files = generate_text(&document("rooms").replace(
        "parameters:\n      roomId: {schema: {type: string, pattern: '^[a-z]+$'}}\n    subscribe",
        "subscribe",
    ));
    let event = &files["src/event.rs"];
    assert!(event.contains("pub fn parse(body"), "{event}");
    assert!(!event.contains("parse_on_channel") && !event.contains("channels::"), "{event}");
    assert!(event.contains(r#"pub const NAMES: [&'static str; 2] = ["said", "left"];"#), "{event}");
}

/// Where some received channels start with `/` and some do not, the HTTP
/// router cannot reach the first kind plainly: a warning says so.
#[test]
fn received_channels_with_and_without_a_leading_slash_are_warned_of() {
    let document = |status: &str| {
        format!(
            "asyncapi: 2.6.0
info: {{title: Rooms, version: 1.0.0}}
channels:
  {status}:
    subscribe:
      message: {{name: status, payload: {{type: object}}}}
  rooms/{{roomId}}:
    parameters:
      roomId: {{schema: {{type: string}}}}
    subscribe:
      message: {{name: chat, payload: {{type: string}}}}
"
        )
    };
    let mixed = generated(&document("/status"));
    assert_eq!(
        warning_messages(&mixed),
        ["channel `/status` starts with `/` and channel `rooms/{roomId}` does not: the HTTP router reads a \
          path's channel without its leading `/`, so it reaches `/status` only where the path spells that `/` \
          as `%2F`"]
    );
    assert_eq!(warning_messages(&generated(&document("status"))), Vec::<&str>::new());
}

/// `--lenient-numeric-strings` is one decision, made by the type mapping: a
/// property whose type reads JSON integers is judged leniently by its raw
/// check too, and every other property strictly (a disagreement rejects in one
/// path what the other accepts).
#[test]
fn lenient_properties_are_lenient_in_types_and_validators_alike() {
    let files = generate_text(
        "asyncapi: 2.6.0
info: {title: Keys, version: 1.0.0}
channels:
  keys:
    subscribe:
      message:
        payload:
          type: object
          properties:
            plainKey: {type: string}
            int64Key: {type: string, format: int64}
            nullableKey: {type: [string, 'null']}
            openApiKey: {type: string, nullable: true}
            pickedKey: {oneOf: [{type: string}, {type: 'null'}]}
            dateKey: {type: string, format: date-time}
            enumKey: {enum: [a, b]}
            plain: {type: string}
",
    );
    let (types, validate) = (&files["src/types.rs"], &files["src/validate.rs"]);
    // The attributes of field `name`: the lines since the previous field.
    let field = |name: &str| {
        let end = types.find(&format!("pub {name}:")).unwrap_or_else(|| panic!("field {name}"));
        let start = types[..end].rfind(',').unwrap_or(0);
        &types[start..end]
    };
    // The raw check of property `wire`: its match arm, guard and body.
    let arm = |wire: &str| {
        let head = format!("\"{wire}\" ");
        let start = validate.find(&head).unwrap_or_else(|| panic!("arm {wire}")) + head.len();
        let rest = &validate[start..];
        let body = rest.find("=>").unwrap_or_else(|| panic!("arm {wire}")) + 2;
        &rest[..body + rest[body..].find(" =>").unwrap_or(rest.len() - body)]
    };
    let lenient = [
        ("plainKey", "plain_key"),
        ("int64Key", "int64_key"),
        ("nullableKey", "nullable_key"),
        ("openApiKey", "open_api_key"),
    ];
    let strict =
        [("pickedKey", "picked_key"), ("dateKey", "date_key"), ("enumKey", "enum_key"), ("plain", "plain")];
    for (wire, name) in lenient {
        assert!(field(name).contains("string_or_integer"), "{wire} reads integers: {}", field(name));
        assert!(arm(wire).contains("check::lenient_string"), "{wire} is checked leniently: {}", arm(wire));
    }
    for (wire, name) in strict {
        assert!(!field(name).contains("string_or_integer"), "{wire} reads no integers: {}", field(name));
        assert!(!arm(wire).contains("lenient_string"), "{wire} is checked strictly: {}", arm(wire));
    }
    // A nullable one takes null too.
    assert!(arm("nullableKey").contains("if !value.is_null()"), "{}", arm("nullableKey"));
}

/// Each raw check of the property `wire` in `validate.rs`: from its name to
/// the end of its block.
fn property_checks<'v>(validate: &'v str, wire: &str) -> Vec<&'v str> {
    let test = format!("key == \"{wire}\"");
    validate
        .match_indices(&test)
        .map(|(at, _)| &validate[at..at + validate[at..].find('}').unwrap_or(0)])
        .collect()
}

/// The generated `Event::NAMES`.
fn event_names(files: &Files) -> Vec<&str> {
    let event = &files["src/event.rs"];
    let names = event.find("pub const NAMES").map(|start| &event[start..]).expect("NAMES");
    names[..names.find("];").expect("the end of NAMES")].split('"').skip(1).step_by(2).collect()
}

fn assert_distinct(names: &[&str]) {
    let mut distinct = names.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), names.len(), "{names:?}");
}

/// A document receiving one message per `(type, subtype)`, each fixing its
/// `type` and, when given, its `subtype` as consts: routed by both.
fn changes_document(messages: &[(&str, Option<&str>)]) -> String {
    let mut text = String::from(
        "asyncapi: 2.6.0
info: {title: Changes, version: 1.0.0}
channels:
  changes:
    subscribe:
      message:
        oneOf:",
    );
    for (kind, change) in messages {
        let (required, subtype) = match change {
            Some(change) => ("[type, subtype]", format!("\n                subtype: {{const: {change}}}")),
            None => ("[type]", String::new()),
        };
        text.push_str(&format!(
            "
          - payload:
              type: object
              required: {required}
              properties:
                type: {{const: '{kind}'}}{subtype}"
        ));
    }
    text
}

/// Events routed by two discriminators are named by both when the last value
/// alone would name two of them alike (`reaction/added`, `emoji/added`).
#[test]
fn nested_discriminator_values_name_events_apart() {
    let files = generate_text(&changes_document(&[
        ("reaction", Some("added")),
        ("reaction", Some("removed")),
        ("emoji", Some("added")),
        ("emoji", Some("removed")),
        ("user", Some("joined")),
    ]));
    let names = event_names(&files);
    // A value that names one event alone stays as it is.
    assert_eq!(names, ["reaction/added", "reaction/removed", "emoji/added", "emoji/removed", "user"]);
}

/// Leniency follows the node, not the text: a property typed by an alias (a
/// `$ref` elsewhere named the node) reads no integers, and its struct's raw
/// check stays strict though the same text is lenient in another message.
#[test]
fn leniency_follows_the_schema_node_not_its_text() {
    let files = generate_text(
        "asyncapi: 2.6.0
info: {title: Keys, version: 1.0.0}
channels:
  first:
    subscribe:
      message:
        payload:
          type: object
          properties:
            kind: {const: first}
            webinarKey: {$ref: '#/components/schemas/Webinar/properties/webinarKey'}
  second:
    subscribe:
      message:
        payload: {$ref: '#/components/schemas/Webinar'}
  third:
    subscribe:
      message:
        payload:
          type: object
          properties:
            kind: {const: third}
            webinarKey: {type: string}
components:
  schemas:
    Webinar:
      type: object
      properties:
        kind: {const: second}
        webinarKey: {type: string}
",
    );
    let (types, validate) = (&files["src/types.rs"], &files["src/validate.rs"]);
    let webinar = item(types, "pub struct Webinar {");
    let check = item(validate, "fn check_webinar<");
    assert!(!webinar.contains("string_or_integer"), "the aliased key reads no integers: {webinar}");
    assert!(!check.contains("lenient_string"), "so its raw check is strict: {check}");
    let third = item(types, "pub struct ThirdSubscribe {");
    assert!(third.contains("string_or_integer"), "the inline key reads integers: {third}");
}

/// Event names stay apart even when a discriminator value holds the `/` that
/// joins nested values: the clashing events fall back to their variants' names.
#[test]
fn event_names_that_would_clash_fall_back_to_variants() {
    let files = generate_text(&changes_document(&[
        ("reaction", Some("added")),
        ("reaction", Some("removed")),
        ("emoji", Some("added")),
        ("reaction/added", None),
        ("emoji", Some("removed")),
    ]));
    let names = event_names(&files);
    assert_distinct(&names);
    assert!(names.contains(&"emoji/added") && !names.contains(&"reaction/added"), "{names:?}");

    // A variant's name may be another event's: the fallback is numbered then.
    let files = generate_text(
        "asyncapi: 2.6.0
info: {title: Beats, version: 1.0.0}
channels:
  beats:
    subscribe:
      message:
        oneOf:
          - $ref: '#/components/messages/Heartbeat'
          - $ref: '#/components/messages/Tick'
          - $ref: '#/components/messages/Tock'
components:
  messages:
    Heartbeat: {payload: {type: string}}
    Tick: {payload: {type: object, required: [type], properties: {type: {const: Heartbeat}}}}
    Tock: {payload: {type: object, required: [type], properties: {type: {const: Tick}}}}
",
    );
    let names = event_names(&files);
    assert_distinct(&names);
}

/// A property two `allOf` parts declare alike is one field; the raw check
/// walks both parts, and judges both as the field reads: leniently a string
/// (`codeKey`), strictly one typed by an alias (a named component: `aliasKey`),
/// which reads no integers. A property no struct holds (under `then`) is
/// lenient by the option's name.
#[test]
fn every_raw_check_of_a_lenient_field_is_lenient() {
    let files = generate_text(
        "asyncapi: 2.6.0
info: {title: Keys, version: 1.0.0}
channels:
  codes:
    subscribe:
      message:
        payload:
          allOf:
            - {type: object, properties: {codeKey: {type: string}}}
            - {type: object, required: [codeKey], properties: {codeKey: {type: string}}}
          if: {required: [codeKey]}
          then: {properties: {otherKey: {type: string}}}
  aliases:
    subscribe:
      message:
        payload:
          allOf:
            - {type: object, properties: {aliasKey: {$ref: '#/components/schemas/Code'}}}
            - {type: object, required: [aliasKey], properties: {aliasKey: {$ref: '#/components/schemas/Code'}}}
components:
  schemas:
    Code: {type: string}
",
    );
    let (types, validate) = (&files["src/types.rs"], &files["src/validate.rs"]);
    let checks = |wire| property_checks(validate, wire);
    let (code, other, alias) = (checks("codeKey"), checks("otherKey"), checks("aliasKey"));
    assert_eq!(
        (code.len(), other.len(), alias.len()),
        (2, 1, 2),
        "one check per part, and the `then` one: {validate}"
    );
    for check in code.iter().chain(&other) {
        assert!(check.contains("check::lenient_string"), "{check}");
    }
    for check in &alias {
        assert!(!check.contains("lenient_string"), "{check}");
    }
    let field = |name: &str| {
        let end = types.find(&format!("pub {name}:")).unwrap_or_else(|| panic!("field {name}"));
        &types[types[..end].rfind(',').unwrap_or(0)..end]
    };
    assert!(field("code_key").contains("string_or_integer"), "{types}");
    assert!(!field("alias_key").contains("string_or_integer"), "{types}");
}

/// A schema an `allOf` merge keeps may have kept others before: all of them
/// are the field's. Here `stampKey` is first a string twice (one field), then
/// a timestamp, which reads no integers: none of its three raw checks is
/// lenient, though the option names it.
#[test]
fn a_field_holds_the_twins_of_its_twins() {
    let files = generate_text(
        "asyncapi: 2.6.0
info: {title: Stamps, version: 1.0.0}
channels:
  stamps:
    subscribe:
      message:
        payload:
          allOf:
            - {type: object, properties: {stampKey: {type: string}}}
            - {type: object, properties: {stampKey: {type: string}}}
            - {type: object, properties: {stampKey: {type: string, format: date-time}}}
",
    );
    let (types, validate) = (&files["src/types.rs"], &files["src/validate.rs"]);
    assert!(types.contains("pub stamp_key: Option<chrono::DateTime<chrono::FixedOffset>>,"), "{types}");
    let checks = property_checks(validate, "stampKey");
    assert_eq!(checks.len(), 3, "one check per part: {validate}");
    for check in checks {
        assert!(!check.contains("lenient_string"), "{check}");
    }
}

/// `allOf: [base, refinement]` where both parts declare the same properties:
/// a scalar takes the more precise of its two schemas (the const that then
/// routes the message, an enum, a typed format) when its type holds every
/// value valid for both, and an object that both parts shape is any JSON
/// value, with a warning. The document generated no crate before ("cannot
/// merge this `allOf` part").
#[test]
fn all_of_refinements_keep_the_more_precise_type() {
    let document = "asyncapi: 2.6.0
info: {title: Refined, version: '1'}
channels:
  events:
    subscribe:
      message:
        oneOf:
          - payload:
              allOf:
                - $ref: '#/components/schemas/Event'
                - properties:
                    kind: {const: opened}
                    state: {enum: [open, closed]}
                    at: {format: date-time}
                    size: {type: integer}
                    count: {format: date-time}
                    label: {required: [id]}
          - payload:
              allOf:
                - $ref: '#/components/schemas/Moved'
                - properties: {kind: {const: moved}}
components:
  schemas:
    Moved:
      allOf:
        - properties:
            detail: {type: object, required: [to], properties: {to: {type: string}}}
        - $ref: '#/components/schemas/Event'
    Event:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        state: {type: string, minLength: 1}
        at: {type: string}
        size: {minimum: 0}
        count: {type: integer}
        label: {type: string}
        detail: {type: object, properties: {from: {type: string}}}
";
    let generated = generated(document);
    let types = &generated.files["src/types.rs"];
    let event = &generated.files["src/event.rs"];
    let opened = item(types, "pub struct EventsSubscribe0 {");
    for field in [
        "pub kind: EventsSubscribe0Kind,",
        "pub state: Option<State>,",
        "pub at: Option<chrono::DateTime<chrono::FixedOffset>>,",
        "pub size: Option<i64>,",
        // A value valid for both is an integer or a string: the keywords
        // beside `type` apply to other kinds, and type nothing.
        "pub count: Option<i64>,",
        "pub label: Option<String>,",
        "pub detail: Option<Detail>,",
    ] {
        assert!(opened.contains(field), "{field} in {opened}");
    }
    // `detail` is loose in `Moved`, and so in what merges `Moved` in.
    let moved = item(types, "pub struct EventsSubscribe1 {");
    assert!(moved.contains("pub kind: EventsSubscribe1Kind,"), "{moved}");
    assert!(moved.contains("pub detail: Option<serde_json::Value>,"), "{moved}");
    // Each routed by its own const.
    for value in ["Some(\"opened\")", "Some(\"moved\")"] {
        assert!(event.contains(value), "{value} in {event}");
    }
    let warnings = generated.warnings.to_string();
    assert!(
        warnings.contains("property `detail` is declared differently in two `allOf` parts"),
        "{warnings}"
    );
    assert_eq!(generated.warnings.iter().count(), 1, "{warnings}");
}

/// Parts that give one node two different tuple `items` make it any JSON
/// value, with a warning, instead of refusing the document.
#[test]
fn all_of_parts_that_no_one_type_merges_make_any_value() {
    let document = "asyncapi: 2.6.0
info: {title: Tuples, version: '1'}
channels:
  pairs:
    subscribe:
      message:
        payload:
          type: object
          properties:
            pair:
              allOf: [{items: [{type: integer}, {type: string}]}]
              items: [{type: integer}]
";
    let generated = generated(document);
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub pair: Option<serde_json::Value>,"), "{types}");
    let warnings = generated.warnings.to_string();
    assert!(
        warnings.contains("does not merge into one Rust type (the parts give different `items`)"),
        "{warnings}"
    );
}

/// An example its schema refuses would fail the generated crate's tests over
/// a mistake in the document: it is a warning that names each violation, and
/// it gets no test; the examples the schema accepts keep theirs.
#[test]
fn an_example_that_breaks_its_schema_is_a_warning_and_gets_no_test() {
    let document = r#"
asyncapi: '2.6.0'
info: {title: Ticks, version: '1'}
channels:
  ticks:
    subscribe:
      message:
        name: tick
        headers: {type: object, properties: {trace: {type: string, format: uuid}}}
        payload:
          type: object
          required: [at]
          properties:
            at: {type: string, format: date-time}
            price: {type: number}
        examples:
          - name: good
            summary: A tick.
            payload: {at: '2026-11-28T10:00:00Z', price: 1.5}
          - name: stale
            payload: {at: 1619769673, price: '54350.40'}
          - name: traced
            headers: {trace: not-a-uuid}
            payload: {at: '2026-11-28T10:00:00Z'}
  orders:
    publish:
      message:
        name: order
        payload:
          oneOf:
            - {type: object, required: [kind], properties: {kind: {const: cancel}}}
            - {type: object, required: [kind], properties: {kind: {const: buy}, quantity: {type: integer}}}
        examples:
          - name: mistyped
            payload: {kind: buy, quantity: '3'}
"#;
    let generated = generated(document);
    let warnings = warning_messages(&generated);
    let broken = |name: &str| {
        warnings
            .iter()
            .find(|w| w.starts_with(&format!("example `{name}` of message `tick` breaks its schema: ")))
            .unwrap_or_else(|| panic!("a warning for {name} in {warnings:#?}"))
    };
    // At the example itself.
    let stale_at = generated.warnings.warnings().find(|w| w.message.starts_with("example `stale`"));
    assert_eq!(
        stale_at.and_then(|w| w.location.as_ref()).map(|l| l.pointer.as_str()),
        Some("/channels/ticks/subscribe/message/examples/1")
    );
    let stale = broken("stale");
    assert!(stale.contains("payload /at: ") && stale.contains("payload /price: "), "{stale}");
    assert!(broken("traced").contains("headers /trace: "), "{warnings:#?}");
    assert_eq!(warnings.iter().filter(|w| w.contains("breaks its schema")).count(), 3, "{warnings:#?}");
    // Of a `oneOf`, what breaks the alternative the example means.
    let mistyped = warnings.iter().find(|w| w.starts_with("example `mistyped`")).expect("a warning");
    assert!(
        mistyped.ends_with("breaks its schema: payload /quantity: \"3\" is not of type \"integer\""),
        "{mistyped}"
    );
    let cases = &generated.files["tests/examples/cases.rs"];
    assert!(cases.contains("fn tick_good()"), "{cases}");
    assert!(!cases.contains("fn tick_stale()") && !cases.contains("fn tick_traced()"), "{cases}");
    // The summary's own full stop ends the sentence.
    assert!(cases.contains("/// Example `good` of message `tick`: A tick.\n"), "{cases}");
}

/// The arguments of `format!`, `assert!` and the like are formatted as the
/// rest of the code is, not spaced token by token.
#[test]
fn macro_arguments_are_formatted() {
    let document = r#"
asyncapi: '2.6.0'
info: {title: Lights, version: '1'}
channels:
  'lights/{lightId}/on':
    parameters:
      lightId: {schema: {type: string}}
    subscribe:
      message:
        name: on
        payload: {type: object, properties: {level: {type: integer}}}
        examples:
          - payload: {level: 1}
"#;
    let files = generate_text(document);
    let channels = &files["src/channels.rs"];
    assert!(channels.contains("text_of(&self.light_id)"), "{channels}");
    let cases = &files["tests/examples/cases.rs"];
    assert!(cases.contains("check::json_equal(&original, &written)"), "{cases}");
    for (name, text) in &files {
        if name.ends_with(".rs") {
            for spaced in ["(& ", ", & ", " . ", " :: "] {
                assert!(!text.contains(spaced), "`{spaced}` in {name}:\n{text}");
            }
        }
    }
}

/// Components named with spaces, as real documents name them, referenced as
/// written: warnings (other tools may refuse them), and the crate all the same.
#[test]
fn references_to_names_with_spaces_resolve_as_written() {
    let document = r#"
asyncapi: '2.6.0'
info: {title: Billing, version: '1'}
channels:
  receipts:
    subscribe:
      message: {$ref: '#/components/messages/Billing Receipt Created'}
components:
  messages:
    Billing Receipt Created:
      payload: {$ref: '#/components/schemas/Receipt Body'}
  schemas:
    Receipt Body:
      type: object
      properties: {total: {type: number}}
"#;
    let generated = generated(document);
    let warnings = warning_messages(&generated);
    for written in ["#/components/messages/Billing Receipt Created", "#/components/schemas/Receipt Body"] {
        let warning = format!("`$ref` `{written}` holds characters a URI must escape");
        assert!(warnings.contains(&warning.as_str()), "{warning} in {warnings:#?}");
    }
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("pub struct ReceiptBody {") && types.contains("pub total: Option<f64>"),
        "{types}"
    );
    let event = &generated.files["src/event.rs"];
    assert!(event.contains("BillingReceiptCreated(types::ReceiptBody)"), "{event}");
}

/// A `default` or an example its own schema refuses would show in the field's
/// docs: a warning at the value, with what breaks it.
#[test]
fn defaults_and_examples_that_break_their_schema_are_warnings() {
    let document = r#"
asyncapi: '2.6.0'
info: {title: Flags, version: '1'}
channels:
  flags:
    subscribe:
      message:
        payload:
          type: object
          properties:
            deprecated: {type: boolean, default: 'false'}
            level: {type: integer, minimum: 1, examples: [2, 0]}
            owner: {$ref: '#/components/schemas/Owner', example: {name: 7}}
            fine: {type: string, default: ok, example: yes}
components:
  schemas:
    Owner: {type: object, required: [name], properties: {name: {type: string}}}
"#;
    let generated = generated(document);
    let found: Vec<(String, String)> = generated
        .warnings
        .warnings()
        .filter(|w| w.message.contains("breaks its schema"))
        .map(|w| (w.message.clone(), w.location.as_ref().map(|l| l.pointer.clone()).unwrap_or_default()))
        .collect();
    let properties = "/channels/flags/subscribe/message/payload/properties";
    assert_eq!(
        found,
        [
            (
                r#"default "false" breaks its schema: "false" is not of type "boolean""#.to_owned(),
                format!("{properties}/deprecated/default")
            ),
            (
                "example 0 breaks its schema: 0 is less than the minimum of 1".to_owned(),
                format!("{properties}/level/examples/1")
            ),
            (
                r#"example {"name":7} breaks its schema: /name: 7 is not of type "string""#.to_owned(),
                format!("{properties}/owner/example")
            ),
        ]
    );
    // The docs still show them: the warning is what tells the author.
    assert!(generated.files["src/types.rs"].contains("Default: `\"false\"`."));
}

/// An address is tried against the most precise channel first: a name without
/// parameters, then the template with the most literal text, whatever the
/// document's order.
#[test]
fn channels_are_tried_from_the_most_precise() {
    let files = generate_text(
        r#"
asyncapi: 2.6.0
info: {title: Users, version: '1'}
channels:
  users/{userId}:
    parameters: {userId: {schema: {type: string}}}
    subscribe: {operationId: onUser, message: {payload: {type: object}}}
  users/{userId}/profile:
    parameters: {userId: {schema: {type: string}}}
    subscribe: {operationId: onProfile, message: {payload: {type: object}}}
  users/me:
    subscribe: {operationId: onMe, message: {payload: {type: object}}}
"#,
    );
    let event = &files["src/event.rs"];
    let at = |text: &str| event.find(text).unwrap_or_else(|| panic!("{text} in {event}"));
    let me = at(r#"if channel == "users/me""#);
    let profile = at("OnProfileParameters::parse(channel)");
    let user = at("OnUserParameters::parse(channel)");
    assert!(me < profile && profile < user, "{event}");
}

/// Checks composed inside checks come out flat, as clippy asks: an `if` whose
/// only statement is an `if` joins it in one let chain (the snapshots show the
/// nested `Option` patterns merged).
#[test]
fn nested_checks_are_one_condition() {
    let files = generate(&options("tests/documents/degenerate.asyncapi.yaml"));
    let validate = &files["src/validate.rs"];
    let then_only = item(validate, "\"thenOnly\" => {");
    assert!(then_only.contains("}) && let Some(text) = value.as_str()"), "{then_only}");
    assert!(!validate.contains("clippy::collapsible"), "{validate}");
}

/// A `correlationId` the generated code cannot read is a warning, not silence.
#[test]
fn correlation_ids_that_name_no_place_are_warnings() {
    let generated = generated(
        r#"
asyncapi: 2.6.0
info: {title: Jobs, version: '1'}
channels:
  jobs:
    subscribe:
      message:
        oneOf:
          - name: a
            correlationId: {location: '$message.header#'}
            payload: {type: object, required: [kind], properties: {kind: {const: a}}}
          - name: c
            correlationId: {location: '$message.header#/X-Id'}
            payload: {type: object, required: [kind], properties: {kind: {const: c}}}
"#,
    );
    assert_eq!(
        warning_messages(&generated),
        [
            "message `a`: correlationId not read: the location `$message.header#` names no place the generated code reads",
        ]
    );
    assert!(generated.files["src/event.rs"].contains(r#"in_headers(headers, &["X-Id"])"#));
}

/// What fuzzed documents showed clippy refusing: a property named "" is found
/// with `is_empty`, and a lenient property that may be null is checked in a
/// guard rather than an `if` alone in its arm.
#[test]
fn odd_properties_are_checked_as_clippy_asks() {
    let files = generate_text(
        r#"
asyncapi: 2.6.0
info: {title: Odd, version: '1'}
channels:
  odd:
    subscribe:
      message:
        payload:
          type: object
          properties:
            nested: {type: object, properties: {'': {type: string, format: date-time}}}
            webinarKey: {type: [string, 'null']}
            count: {type: integer, minimum: 1}
"#,
    );
    let validate = &files["src/validate.rs"];
    assert!(validate.contains("if key.is_empty() {"), "{validate}");
    assert!(validate.contains("\"webinarKey\" if !value.is_null() => {"), "{validate}");
}

/// Parameters that break their schemas make an invalid delivery, which names
/// the channel's message when there is only one to name (the body is not
/// read yet), and is documented on `on_rejected` with a parameter of the
/// document.
#[test]
fn bad_parameters_name_the_message_when_the_channel_has_one() {
    let files = generate_text(
        r#"
asyncapi: 2.6.0
info: {title: Rooms, version: '1'}
channels:
  rooms/{roomId}/joined:
    parameters: {roomId: {schema: {type: integer}}}
    subscribe: {operationId: onJoined, message: {name: joined, payload: {type: object}}}
  rooms/{roomId}/said:
    parameters: {roomId: {schema: {type: integer}}}
    subscribe:
      operationId: onSaid
      message:
        oneOf:
          - {name: text, payload: {type: object, required: [kind], properties: {kind: {const: text}}}}
          - {name: image, payload: {type: object, required: [kind], properties: {kind: {const: image}}}}
"#,
    );
    let event = &files["src/event.rs"];
    // The arguments of the rejection after `parameters`'s parse, spaces removed.
    let rejection = |parameters: &str| {
        let rest = event.split(&format!("{parameters}::parse(channel)")).nth(1).expect("parsed");
        let call = rest.split("invalid_parameters(").nth(1).expect("rejected");
        call[..call.find("))?;").expect("closed")].split_whitespace().collect::<String>()
    };
    assert_eq!(rejection("OnJoinedParameters"), r#"Some("joined"),violations,"#);
    assert_eq!(rejection("OnSaidParameters"), "None,violations");
    assert!(event.contains("parameter's name:\n    /// `/roomId`)"), "{event}");
}

/// A key named `eventId` (and the like) is found from the document; a bare
/// `id` is not taken on a guess, since it may name what the event is about
/// (an order, in each of its events), and a wrong key drops genuine events.
#[test]
fn a_bare_id_is_a_dedupe_key_only_when_the_user_says_so() {
    let document = |key: &str| {
        format!(
            r#"
asyncapi: 2.6.0
info: {{title: Orders, version: '1'}}
channels:
  orders:
    subscribe:
      message:
        oneOf:
          - name: created
            payload: {{type: object, required: [type, {key}], properties: {{type: {{const: created}}, {key}: {{type: string}}}}}}
          - name: shipped
            payload: {{type: object, required: [type, {key}], properties: {{type: {{const: shipped}}, {key}: {{type: string}}}}}}
"#
        )
    };
    let found = generated(&document("eventId"));
    assert!(found.files["src/event.rs"].contains("message.event_id.as_str()"), "eventId is the key");
    assert_eq!(warning_messages(&found), Vec::<&str>::new());

    let guessed = generated(&document("id"));
    assert!(guessed.files["src/event.rs"].contains("no de-duplication"), "no key");
    assert_eq!(
        warning_messages(&guessed),
        [
            "no de-duplication: every message received requires `id`, but it may name what an event is about rather than the event"
        ]
    );
    let mut options = options("spec.yaml");
    options.dedupe_key = Some("id".to_owned());
    let chosen = asyncapi_codegen::generate_from_text(&document("id"), "spec.yaml", &options)
        .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    assert!(chosen.files["src/event.rs"].contains("message.id.as_str()"), "the user's key");
    assert_eq!(warning_messages(&chosen), Vec::<&str>::new());
}

/// A trait's headers merge with the message's whether either is written as a
/// `$ref` (AsyncAPI's parser dereferences before applying traits); a reference
/// nothing merges into keeps its name.
#[test]
fn trait_headers_merge_through_references() {
    let document = |message_headers: &str, trait_headers: &str| {
        format!(
            r##"
asyncapi: 2.6.0
info: {{title: Traced, version: '1'}}
channels:
  a:
    subscribe:
      message:
        traits: [{{$ref: '#/components/messageTraits/Traced'}}]
        headers: {message_headers}
        payload: {{type: object}}
components:
  schemas:
    TraceHeaders: {{type: object, properties: {{x-trace: {{type: string}}}}}}
    TenantHeaders: {{type: object, required: [x-tenant], properties: {{x-tenant: {{type: string}}}}}}
  messageTraits:
    Traced:
      headers: {trait_headers}
"##
        )
    };
    let inline_tenant = "{type: object, required: [x-tenant], properties: {x-tenant: {type: string}}}";
    let inline_trace = "{type: object, properties: {x-trace: {type: string}}}";
    for (message, traits) in [
        (inline_tenant, "{$ref: '#/components/schemas/TraceHeaders'}"),
        ("{$ref: '#/components/schemas/TenantHeaders'}", inline_trace),
        ("{$ref: '#/components/schemas/TenantHeaders'}", "{$ref: '#/components/schemas/TraceHeaders'}"),
    ] {
        let files = generate_text(&document(message, traits));
        let types = &files["src/types.rs"];
        assert!(types.contains("pub x_tenant: String,"), "{message} + {traits}: {types}");
        assert!(types.contains("pub x_trace: Option<String>,"), "{message} + {traits}: {types}");
    }
    // Nothing to merge with: the trait's reference stays a named type.
    let files = generate_text(
        &document("null", "{$ref: '#/components/schemas/TraceHeaders'}")
            .replace("        headers: null\n", ""),
    );
    assert!(files["src/types.rs"].contains("pub struct TraceHeaders {"), "{}", files["src/types.rs"]);
}

/// Header names the generated code cannot read as HTTP headers, or that are
/// one HTTP header, are warnings at the headers schema.
#[test]
fn header_names_http_cannot_tell_apart_are_warnings() {
    let generated = generated(
        r#"
asyncapi: 2.6.0
info: {title: Headers, version: '1'}
channels:
  readings:
    subscribe:
      message:
        name: reading
        headers:
          type: object
          properties:
            X-Count: {type: integer}
            x-count: {type: integer}
            Bad Name: {type: string}
            X-Fine: {type: string}
        payload: {type: object}
"#,
    );
    assert_eq!(
        warning_messages(&generated),
        [
            "headers `X-Count` and `x-count` are one HTTP header",
            "header `Bad Name` cannot be an HTTP header name"
        ]
    );
    let warning = generated.warnings.warnings().next().unwrap();
    let location = warning.location.as_deref().expect("a location");
    assert_eq!(location.pointer, "/channels/readings/subscribe/message/headers");
}

/// A message's content type, or the document's default, decides the
/// `Content-Type` a sent message goes with; one that is not JSON is a
/// warning, since the generated code reads and writes JSON.
#[test]
fn content_types_are_json_or_a_warning() {
    let generated = generated(
        r#"
asyncapi: 2.6.0
info: {title: Content, version: '1'}
defaultContentType: text/plain
channels:
  notes:
    subscribe:
      operationId: onNote
      message: {name: note, payload: {type: string}}
  orders:
    publish:
      operationId: placeOrder
      message:
        name: order
        contentType: application/cloudevents+json
        headers: {type: object, properties: {ce-type: {const: order.placed}}}
        payload: {type: object}
  notices:
    publish:
      operationId: postNotice
      message:
        name: notice
        contentType: application/json
        headers: {type: object, additionalProperties: {type: string}}
        payload: {type: object}
"#,
    );
    assert_eq!(
        warning_messages(&generated),
        ["message `note` is `text/plain`, but the generated code reads and writes JSON"]
    );
    let publish = &generated.files["src/publish.rs"];
    assert!(publish.contains("None,\n        \"application/cloudevents+json\",\n"), "{publish}");
    // Named headers are the constructor's to write, and what they say of the content type wins.
    assert!(publish.contains("headers: &types::OrderHeaders,"), "{publish}");
    assert!(publish.contains("headers.to_headers(),"), "{publish}");
    assert!(
        publish
            .contains("Sent as `application/cloudevents+json`, with `headers` (validated with the message)"),
        "{publish}"
    );
    // What the constructor leaves to the caller is said.
    assert!(
        publish.contains(
            "The headers the message declares (`types::NoticeHeaders`, no struct of named headers) are not \
             set here"
        ),
        "{publish}"
    );
}

/// Messages told apart by channel, over HTTP: the router takes each channel's
/// address as a path under the server's, so deliveries arrive on their channel
/// (the receiver example too).
#[test]
fn http_deliveries_arrive_on_the_channel_their_path_names() {
    let text = |users: &str, orders: &str| {
        format!(
            r#"
asyncapi: 2.6.0
info: {{title: Shop, version: '1'}}
servers:
  hooks: {{url: 'https://shop.example.com/hooks', protocol: https}}
channels:
  {users}:
    subscribe: {{operationId: onUser, message: {{payload: {{type: object}}}}}}
  {orders}:
    subscribe: {{operationId: onOrder, message: {{payload: {{type: object}}}}}}
"#
        )
    };
    let files = generate_text(&text("/users", "/orders"));
    let event = &files["src/event.rs"];
    assert!(event.contains(r#"pub const WEBHOOK_PATH: &str = "/hooks";"#), "{event}");
    let compact = |text: &str| text.replace(char::is_whitespace, "");
    assert!(compact(event).contains("Endpoint::Channels{base:WEBHOOK_PATH,leading_slash:true"), "{event}");
    let receiver = &files["examples/receiver/receiver.rs"];
    assert!(
        receiver.contains(
            "Endpoint::Channels {\n            base: &args.path,\n            leading_slash: true,"
        ),
        "{receiver}"
    );
    // Channel names without a slash are paths' rests as they are.
    let files = generate_text(&text("users", "/orders"));
    assert!(compact(&files["src/event.rs"]).contains("leading_slash:false"), "{}", files["src/event.rs"]);
}

/// A `--dedupe-key` no received message has is an error (it would silently
/// turn de-duplication off); one some lack is a warning naming them.
#[test]
fn a_dedupe_key_must_name_a_property_of_the_messages() {
    let text = r#"
asyncapi: 2.6.0
info: {title: Keys, version: '1'}
channels:
  a:
    subscribe:
      message:
        oneOf:
          - {name: with, payload: {type: object, required: [kind], properties: {kind: {const: with}, eventId: {type: string}}}}
          - {name: without, payload: {type: object, required: [kind], properties: {kind: {const: without}}}}
"#;
    let mut options = options("spec.yaml");
    options.dedupe_key = Some("eventID".to_owned());
    let error = asyncapi_codegen::generate_from_text(text, "spec.yaml", &options).expect_err("a typo");
    assert!(
        error.to_string().contains("--dedupe-key `eventID`: no message received has that property"),
        "{error}"
    );
    options.dedupe_key = Some("eventId".to_owned());
    let generated = asyncapi_codegen::generate_from_text(text, "spec.yaml", &options).expect("generates");
    assert_eq!(
        warning_messages(&generated),
        ["--dedupe-key `eventId`: `without` has no such property, and is not de-duplicated"]
    );
}

/// A channel-routed document with a headers trait, and descriptions with
/// code spans or written as block scalars.
const REVIEWED: &str = r#"
asyncapi: 2.6.0
info: {title: Lights, version: '1'}
channels:
  lights/{id}/on:
    parameters:
      id: {schema: {type: string}}
    subscribe:
      operationId: turnOn
      message:
        name: turnOn
        traits: [{$ref: '#/components/messageTraits/commonHeaders'}]
        payload:
          type: object
          description: |
            Turns a light on.

          properties:
            level:
              type: integer
              examples: [[4, 3]]
              description: "The level, as in `[low, high]` <inclusive>."
  lights/{id}/off:
    parameters:
      id: {schema: {type: string}}
    subscribe:
      operationId: turnOff
      message: {name: turnOff, payload: {type: object}}
components:
  messageTraits:
    commonHeaders:
      headers:
        type: object
        properties:
          my-app-header: {type: integer}
"#;

#[test]
fn headers_named_by_their_trait_are_not_named_twice() {
    let types = &generate_text(REVIEWED)["src/types.rs"];
    assert!(types.contains("pub struct CommonHeaders {"), "{types}");
    assert!(!types.contains("CommonHeadersHeaders"), "{types}");
    // Every header optional: a sender writes `CommonHeaders::default()`.
    let derive = types.lines().take_while(|line| !line.contains("pub struct CommonHeaders")).last();
    assert!(derive.is_some_and(|line| line.contains("Default")), "{derive:?}");
}

#[test]
fn docs_keep_code_spans_and_one_blank_line_between_paragraphs() {
    let types = &generate_text(REVIEWED)["src/types.rs"];
    let payload = item(types, "pub struct TurnOn {");
    // Code spans are shown as written; text outside them is escaped for rustdoc.
    assert!(payload.contains("/// The level, as in `[low, high]` &lt;inclusive&gt;.\n"), "{payload}");
    assert!(payload.contains("/// Example: `[4,3]`."), "{payload}");
    // A block scalar's trailing newlines make no blank doc line.
    assert!(types.contains("/// Turns a light on.\n#[derive("), "{types}");
}

#[test]
fn the_readme_and_manifest_name_what_the_crate_has() {
    let files = generate_text(REVIEWED);
    let readme = &files["README.md"];
    assert!(readme.contains("cargo run --example inspect -- --channel CHANNEL [--secret S]"), "{readme}");
    // No webhook path, so no `event::router`: the runtime's router is the way in.
    let manifest = &files["Cargo.toml"];
    assert!(manifest.contains("# An axum HTTP receiver (`rt::axum::router`)."), "{manifest}");
    let gotowebinar = generate(&options(GOTOWEBINAR));
    assert!(gotowebinar["Cargo.toml"].contains("# An axum HTTP receiver (`event::router`)."));
    assert!(gotowebinar["README.md"].contains("cargo run --example inspect -- [--secret S]"));
}

#[test]
fn an_anonymous_message_is_named_after_its_operation() {
    let text = r#"
asyncapi: 2.6.0
info: {title: Rpc, version: '1'}
channels:
  rpc_queue:
    subscribe:
      operationId: sum
      message: {payload: {type: object, properties: {numbers: {type: array}}}}
  '{queue}':
    parameters:
      queue: {schema: {type: string}}
    publish:
      operationId: sendSumResult
      message:
        oneOf:
          - payload: {type: object, properties: {result: {type: number}}}
          - payload: {type: object, properties: {error: {type: string}}, required: [error]}
  anonymous:
    subscribe:
      message: {payload: {type: object, required: [x], properties: {x: {type: string}}}}
  message:
    subscribe:
      operationId: onMessage
      message: {payload: {type: object, required: [y], properties: {y: {type: string}}}}
"#;
    let files = generate_text(text);
    let types = &files["src/types.rs"];
    // A channel called `message` is no message.
    for name in [
        "pub struct Sum {",
        "pub struct SendSumResult0 {",
        "pub struct SendSumResult1 {",
        "pub struct OnMessage {",
    ] {
        assert!(types.contains(name), "{name} in {types}");
    }
    // Without an operationId, where it is written names it.
    assert!(types.contains("pub struct AnonymousSubscribe {"), "{types}");
}

#[test]
fn a_type_merged_from_a_referenced_base_does_not_take_the_base_s_description() {
    let text = r#"
asyncapi: 2.6.0
info: {title: Merge, version: '1'}
channels:
  a:
    subscribe:
      message:
        payload:
          type: object
          properties:
            update:
              allOf:
                - $ref: '#/components/schemas/base'
                - {type: object, properties: {price: {type: string}}}
            described:
              allOf:
                - $ref: '#/components/schemas/base'
                - {type: object, description: A trade., properties: {size: {type: string}}}
components:
  schemas:
    base:
      type: object
      description: In a heartbeat, these are the only fields.
      properties:
        sequence: {type: integer}
"#;
    let types = &generate_text(text)["src/types.rs"];
    let docs_of = |name: &str| {
        let lines: Vec<&str> = types.lines().collect();
        let at = lines.iter().position(|line| line.starts_with(&format!("pub struct {name} {{")));
        let at = at.unwrap_or_else(|| panic!("{name} in {types}"));
        let above = lines[..at].iter().rev().skip_while(|line| line.starts_with("#["));
        above.take_while(|line| line.starts_with("///")).copied().collect::<Vec<_>>()
    };
    assert_eq!(docs_of("Update"), Vec::<&str>::new(), "{types}");
    assert_eq!(docs_of("Described"), ["/// A trade."], "{types}");
}
