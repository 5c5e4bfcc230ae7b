//! The bindings of a document, each checked against the official schema of
//! its protocol, kind and version (embedded; see `bindings/README.md` for
//! their origin and license). The 2.6.0 meta-schema takes any value as a
//! binding, and the generated code does not read bindings, so a broken one is
//! a warning: the document still generates.

use std::collections::BTreeSet;
use std::sync::{LazyLock, OnceLock};

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::meta_schema;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Site, Sources};

/// What a binding is about: each protocol's schemas are per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Server,
    Channel,
    Operation,
    Message,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Server => "server",
            Kind::Channel => "channel",
            Kind::Operation => "operation",
            Kind::Message => "message",
        }
    }
}

/// Every embedded schema: protocol (as its folder is named), binding version,
/// kind, text. (A test checks this list against the folder.)
const SCHEMAS: [(&str, &str, Kind, &str); COUNT] = [
    ("amqp", "0.2.0", Kind::Channel, include_str!("../../bindings/amqp/0.2.0/channel.json")),
    ("amqp", "0.2.0", Kind::Message, include_str!("../../bindings/amqp/0.2.0/message.json")),
    ("amqp", "0.2.0", Kind::Operation, include_str!("../../bindings/amqp/0.2.0/operation.json")),
    ("amqp", "0.3.0", Kind::Channel, include_str!("../../bindings/amqp/0.3.0/channel.json")),
    ("amqp", "0.3.0", Kind::Message, include_str!("../../bindings/amqp/0.3.0/message.json")),
    ("amqp", "0.3.0", Kind::Operation, include_str!("../../bindings/amqp/0.3.0/operation.json")),
    ("anypointmq", "0.0.1", Kind::Channel, include_str!("../../bindings/anypointmq/0.0.1/channel.json")),
    ("anypointmq", "0.0.1", Kind::Message, include_str!("../../bindings/anypointmq/0.0.1/message.json")),
    ("googlepubsub", "0.1.0", Kind::Channel, include_str!("../../bindings/googlepubsub/0.1.0/channel.json")),
    ("googlepubsub", "0.1.0", Kind::Message, include_str!("../../bindings/googlepubsub/0.1.0/message.json")),
    ("googlepubsub", "0.2.0", Kind::Channel, include_str!("../../bindings/googlepubsub/0.2.0/channel.json")),
    ("googlepubsub", "0.2.0", Kind::Message, include_str!("../../bindings/googlepubsub/0.2.0/message.json")),
    ("http", "0.1.0", Kind::Message, include_str!("../../bindings/http/0.1.0/message.json")),
    ("http", "0.1.0", Kind::Operation, include_str!("../../bindings/http/0.1.0/operation.json")),
    ("http", "0.2.0", Kind::Message, include_str!("../../bindings/http/0.2.0/message.json")),
    ("http", "0.2.0", Kind::Operation, include_str!("../../bindings/http/0.2.0/operation.json")),
    ("http", "0.3.0", Kind::Message, include_str!("../../bindings/http/0.3.0/message.json")),
    ("http", "0.3.0", Kind::Operation, include_str!("../../bindings/http/0.3.0/operation.json")),
    ("ibmmq", "0.1.0", Kind::Channel, include_str!("../../bindings/ibmmq/0.1.0/channel.json")),
    ("ibmmq", "0.1.0", Kind::Message, include_str!("../../bindings/ibmmq/0.1.0/message.json")),
    ("ibmmq", "0.1.0", Kind::Server, include_str!("../../bindings/ibmmq/0.1.0/server.json")),
    ("jms", "0.0.1", Kind::Channel, include_str!("../../bindings/jms/0.0.1/channel.json")),
    ("jms", "0.0.1", Kind::Message, include_str!("../../bindings/jms/0.0.1/message.json")),
    ("jms", "0.0.1", Kind::Server, include_str!("../../bindings/jms/0.0.1/server.json")),
    ("kafka", "0.1.0", Kind::Message, include_str!("../../bindings/kafka/0.1.0/message.json")),
    ("kafka", "0.1.0", Kind::Operation, include_str!("../../bindings/kafka/0.1.0/operation.json")),
    ("kafka", "0.3.0", Kind::Channel, include_str!("../../bindings/kafka/0.3.0/channel.json")),
    ("kafka", "0.3.0", Kind::Message, include_str!("../../bindings/kafka/0.3.0/message.json")),
    ("kafka", "0.3.0", Kind::Operation, include_str!("../../bindings/kafka/0.3.0/operation.json")),
    ("kafka", "0.3.0", Kind::Server, include_str!("../../bindings/kafka/0.3.0/server.json")),
    ("kafka", "0.4.0", Kind::Channel, include_str!("../../bindings/kafka/0.4.0/channel.json")),
    ("kafka", "0.4.0", Kind::Message, include_str!("../../bindings/kafka/0.4.0/message.json")),
    ("kafka", "0.4.0", Kind::Operation, include_str!("../../bindings/kafka/0.4.0/operation.json")),
    ("kafka", "0.4.0", Kind::Server, include_str!("../../bindings/kafka/0.4.0/server.json")),
    ("kafka", "0.5.0", Kind::Channel, include_str!("../../bindings/kafka/0.5.0/channel.json")),
    ("kafka", "0.5.0", Kind::Message, include_str!("../../bindings/kafka/0.5.0/message.json")),
    ("kafka", "0.5.0", Kind::Operation, include_str!("../../bindings/kafka/0.5.0/operation.json")),
    ("kafka", "0.5.0", Kind::Server, include_str!("../../bindings/kafka/0.5.0/server.json")),
    ("mqtt", "0.1.0", Kind::Message, include_str!("../../bindings/mqtt/0.1.0/message.json")),
    ("mqtt", "0.1.0", Kind::Operation, include_str!("../../bindings/mqtt/0.1.0/operation.json")),
    ("mqtt", "0.1.0", Kind::Server, include_str!("../../bindings/mqtt/0.1.0/server.json")),
    ("mqtt", "0.2.0", Kind::Message, include_str!("../../bindings/mqtt/0.2.0/message.json")),
    ("mqtt", "0.2.0", Kind::Operation, include_str!("../../bindings/mqtt/0.2.0/operation.json")),
    ("mqtt", "0.2.0", Kind::Server, include_str!("../../bindings/mqtt/0.2.0/server.json")),
    ("nats", "0.1.0", Kind::Operation, include_str!("../../bindings/nats/0.1.0/operation.json")),
    ("pulsar", "0.1.0", Kind::Channel, include_str!("../../bindings/pulsar/0.1.0/channel.json")),
    ("pulsar", "0.1.0", Kind::Server, include_str!("../../bindings/pulsar/0.1.0/server.json")),
    ("ros2", "0.1.0", Kind::Operation, include_str!("../../bindings/ros2/0.1.0/operation.json")),
    ("ros2", "0.1.0", Kind::Server, include_str!("../../bindings/ros2/0.1.0/server.json")),
    ("sns", "0.1.0", Kind::Channel, include_str!("../../bindings/sns/0.1.0/channel.json")),
    ("sns", "0.1.0", Kind::Operation, include_str!("../../bindings/sns/0.1.0/operation.json")),
    ("sns", "0.2.0", Kind::Channel, include_str!("../../bindings/sns/0.2.0/channel.json")),
    ("sns", "0.2.0", Kind::Operation, include_str!("../../bindings/sns/0.2.0/operation.json")),
    ("solace", "0.2.0", Kind::Operation, include_str!("../../bindings/solace/0.2.0/operation.json")),
    ("solace", "0.2.0", Kind::Server, include_str!("../../bindings/solace/0.2.0/server.json")),
    ("solace", "0.3.0", Kind::Operation, include_str!("../../bindings/solace/0.3.0/operation.json")),
    ("solace", "0.3.0", Kind::Server, include_str!("../../bindings/solace/0.3.0/server.json")),
    ("solace", "0.4.0", Kind::Operation, include_str!("../../bindings/solace/0.4.0/operation.json")),
    ("solace", "0.4.0", Kind::Server, include_str!("../../bindings/solace/0.4.0/server.json")),
    ("sqs", "0.2.0", Kind::Channel, include_str!("../../bindings/sqs/0.2.0/channel.json")),
    ("sqs", "0.2.0", Kind::Operation, include_str!("../../bindings/sqs/0.2.0/operation.json")),
    ("sqs", "0.3.0", Kind::Channel, include_str!("../../bindings/sqs/0.3.0/channel.json")),
    ("sqs", "0.3.0", Kind::Operation, include_str!("../../bindings/sqs/0.3.0/operation.json")),
    ("websockets", "0.1.0", Kind::Channel, include_str!("../../bindings/websockets/0.1.0/channel.json")),
];

const COUNT: usize = 64;

/// At most this many errors are reported per binding.
const MAX_ERRORS: usize = 5;

/// Each schema's validator, compiled when a document first uses it.
static VALIDATORS: [OnceLock<Result<Validator, String>>; COUNT] = [const { OnceLock::new() }; COUNT];

/// The meta-schema's definitions, which binding schemas refer to (for the
/// schemas and references they hold).
static DEFINITIONS: LazyLock<Result<Value, String>> = LazyLock::new(meta_schema::definitions);

/// Checks every binding of the document that an embedded schema covers.
pub fn check(sources: &Sources) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (bindings, kind) in binding_objects(sources) {
        for protocol in sources.member_names(&bindings) {
            let site = sources.follow_refs(&bindings.join(&protocol));
            if let Some(binding) = sources.get(&site) {
                diagnostics.extend(check_binding(sources, &site, binding, &protocol, kind));
            }
        }
    }
    diagnostics
}

/// The diagnostics of one binding, `binding` at `site`.
fn check_binding(sources: &Sources, site: &Site, binding: &Value, protocol: &str, kind: Kind) -> Diagnostics {
    let folder = if protocol == "ws" { "websockets" } else { protocol };
    let versions: Vec<(usize, &str)> = SCHEMAS
        .iter()
        .enumerate()
        .filter(|(_, (name, _, of, _))| *name == folder && *of == kind)
        .map(|(index, (_, version, _, _))| (index, *version))
        .collect();
    let Some(latest) = versions.iter().max_by_key(|(_, version)| version_key(version)) else {
        // No schema: a protocol this generator does not know, or a kind its
        // bindings do not describe.
        return Diagnostics::new();
    };
    let (index, version) = match binding.get("bindingVersion").and_then(Value::as_str) {
        // Absent, "latest MUST be assumed"; not a string, the latest schema says so.
        None => *latest,
        Some(written) => match versions.iter().find(|(_, version)| *version == written) {
            Some(found) => *found,
            None => return unknown_version(sources, site, folder, written),
        },
    };
    let validator = match VALIDATORS[index].get_or_init(|| compile(SCHEMAS[index].3)) {
        Ok(validator) => validator,
        Err(reason) => {
            return Diagnostic::error(format!(
                "the embedded {protocol} {} binding schema {version} does not compile: {reason}",
                kind.name()
            ))
            .into();
        }
    };
    let mut diagnostics = Diagnostics::new();
    let mut warn = |at: &Site, problem: String| {
        diagnostics.push(
            Diagnostic::warning(format!(
                "not a valid {protocol} {} binding ({version}): {problem}",
                kind.name()
            ))
            .at(sources.locate(at))
            .with_note("bindings do not change the generated code, so the document still generates"),
        );
    };
    for error in validator.iter_errors(binding).take(MAX_ERRORS) {
        let error = meta_schema::most_relevant(&error);
        let at = Site::new(site.file, format!("{}{}", site.pointer, error.instance_path().as_str()));
        match error.kind() {
            // Each unknown field at its own line, where the reader must fix it.
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    warn(&at.join(name), format!("unknown field `{name}`"));
                }
            }
            _ => warn(&at, meta_schema::describe(error)),
        }
    }
    diagnostics
}

/// A `bindingVersion` no embedded schema has: a warning when the protocol has
/// no such version at all (a kind may lack a schema at some versions only).
fn unknown_version(sources: &Sources, site: &Site, folder: &str, written: &str) -> Diagnostics {
    let known: BTreeSet<&str> =
        SCHEMAS.iter().filter(|(name, ..)| *name == folder).map(|(_, version, ..)| *version).collect();
    if known.contains(written) {
        return Diagnostics::new();
    }
    let known: Vec<&str> = known.into_iter().collect();
    let protocol = if folder == "websockets" { "ws" } else { folder };
    Diagnostic::warning(format!(
        "no schema here for {protocol} binding version `{written}`: this binding is not checked"
    ))
    .at(sources.locate(&site.join("bindingVersion")))
    .with_note(format!("the {protocol} binding versions with a schema here are {}", known.join(", ")))
    .into()
}

/// `0.10.0` after `0.9.0`: versions compared number by number.
fn version_key(version: &str) -> Vec<u64> {
    version.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

/// A binding schema's validator. Binding schemas refer to the 3.0.0 (or
/// 3.1.0) definitions of schemas, references and extensions; for a 2.6
/// document those are the 2.6.0 ones, which every binding schema also accepts.
fn compile(text: &str) -> Result<Validator, String> {
    let text = text
        .replace("/definitions/3.0.0/", "/definitions/2.6.0/")
        .replace("/definitions/3.1.0/", "/definitions/2.6.0/");
    let schema: Value = serde_json::from_str(&text).map_err(|error| error.to_string())?;
    let id = schema.get("$id").and_then(Value::as_str).ok_or("the schema has no `$id`")?.to_owned();
    let mut definitions = DEFINITIONS.as_ref().map_err(Clone::clone)?.clone();
    if let Value::Object(members) = &mut definitions {
        members.insert(id.clone(), schema);
    }
    let root = serde_json::json!({ "$ref": id, "definitions": definitions });
    jsonschema::draft7::new(&root).map_err(|error| error.to_string())
}

/// Every bindings object of the document, each once, in the order first met
/// (servers, channels and their operations, messages, components), with what
/// its bindings are about. `$ref`s are followed as far as they resolve, so
/// that a binding is checked once, where it is written.
fn binding_objects(sources: &Sources) -> Vec<(Site, Kind)> {
    let (mut found, mut seen) = (Vec::new(), BTreeSet::new());
    let mut add = |site: Site, kind: Kind| {
        let site = sources.follow_refs(&site);
        if matches!(sources.get(&site), Some(Value::Object(_))) && seen.insert((site.clone(), kind)) {
            found.push((site, kind));
        }
    };
    let root = sources.root_site();
    let components = root.join("components");
    let members =
        |site: &Site| sources.member_names(site).into_iter().map(|name| site.join(&name)).collect::<Vec<_>>();
    let traits = |object: &Site| {
        let count = sources.get(&object.join("traits")).and_then(Value::as_array).map_or(0, Vec::len);
        (0..count).map(|index| sources.follow_refs(&object.join("traits").item(index))).collect::<Vec<_>>()
    };
    for server in [root.join("servers"), components.join("servers")].iter().flat_map(members) {
        add(sources.follow_refs(&server).join("bindings"), Kind::Server);
    }
    for channel in [root.join("channels"), components.join("channels")].iter().flat_map(members) {
        let channel = sources.follow_refs(&channel);
        add(channel.join("bindings"), Kind::Channel);
        for operation in ["subscribe", "publish"].map(|name| channel.join(name)) {
            add(operation.join("bindings"), Kind::Operation);
            for each in traits(&operation) {
                add(each.join("bindings"), Kind::Operation);
            }
        }
    }
    for message in sources.message_sites() {
        add(message.join("bindings"), Kind::Message);
        for each in traits(&message) {
            add(each.join("bindings"), Kind::Message);
        }
    }
    for each in members(&components.join("operationTraits")) {
        add(sources.follow_refs(&each).join("bindings"), Kind::Operation);
    }
    for each in members(&components.join("messageTraits")) {
        add(sources.follow_refs(&each).join("bindings"), Kind::Message);
    }
    for (map, kind) in [
        ("serverBindings", Kind::Server),
        ("channelBindings", Kind::Channel),
        ("operationBindings", Kind::Operation),
        ("messageBindings", Kind::Message),
    ] {
        for bindings in members(&components.join(map)) {
            add(bindings, kind);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binding warnings of a document written in `text`: pointer and message.
    fn warnings(text: &str) -> Vec<(String, String)> {
        let sources = Sources::from_text(text, "d.yaml").unwrap();
        check(&sources)
            .iter()
            .map(|d| {
                assert!(!d.is_error(), "{}", d.message);
                (d.pointer().to_owned(), d.message.clone())
            })
            .collect()
    }

    fn document(body: &str) -> String {
        format!("asyncapi: 2.6.0\ninfo: {{title: t, version: '1'}}\n{body}")
    }

    #[test]
    fn every_binding_schema_in_the_folder_is_embedded_and_compiles() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bindings");
        let mut on_disk = Vec::new();
        for protocol in std::fs::read_dir(&folder).unwrap().map(|entry| entry.unwrap().path()) {
            if !protocol.is_dir() {
                continue;
            }
            for version in std::fs::read_dir(&protocol).unwrap().map(|entry| entry.unwrap().path()) {
                for schema in std::fs::read_dir(&version).unwrap().map(|entry| entry.unwrap().path()) {
                    let name =
                        |path: &std::path::Path| path.file_name().unwrap().to_string_lossy().into_owned();
                    on_disk.push(format!("{}/{}/{}", name(&protocol), name(&version), name(&schema)));
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = SCHEMAS
            .iter()
            .map(|(protocol, version, kind, _)| format!("{protocol}/{version}/{}.json", kind.name()))
            .collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "update SCHEMAS when the folder changes");
        for (protocol, version, kind, text) in SCHEMAS {
            assert!(compile(text).is_ok(), "{protocol} {version} {kind:?}: {:?}", compile(text).err());
        }
    }

    #[test]
    fn each_kind_of_binding_is_checked_where_it_is_written() {
        let text = document(
            "servers:\n  s:\n    url: b:9092\n    protocol: kafka\n    bindings:\n      kafka: {schemaRegistryUrl: 5}\n\
             channels:\n  a:\n    bindings:\n      ws: {method: FETCH}\n    subscribe:\n      bindings:\n        \
             sqs: {queues: 1}\n      message:\n        payload: {type: string}\n        bindings:\n          \
             mqtt: {nope: 1}\n",
        );
        let found = warnings(&text);
        let pointers: Vec<&str> = found.iter().map(|(pointer, _)| pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/servers/s/bindings/kafka/schemaRegistryUrl",
                "/channels/a/bindings/ws/method",
                "/channels/a/subscribe/bindings/sqs/queues",
                "/channels/a/subscribe/message/bindings/mqtt/nope",
            ],
            "{found:?}"
        );
        assert_eq!(found[0].1, "not a valid kafka server binding (0.5.0): 5 is not of type \"string\"");
        assert!(
            found[1].1.starts_with("not a valid ws channel binding (0.1.0): \"FETCH\""),
            "{}",
            found[1].1
        );
        assert_eq!(found[3].1, "not a valid mqtt message binding (0.2.0): unknown field `nope`");
    }

    #[test]
    fn the_version_written_is_the_schema_used_and_the_latest_when_none_is() {
        // `type` is an HTTP operation binding's field up to 0.2.0, and unknown in 0.3.0.
        let binding = |version: &str| {
            document(&format!(
                "channels:\n  a:\n    publish:\n      bindings:\n        http: {{type: request, method: GET{version}}}\n      \
                 message: {{payload: {{type: string}}}}\n"
            ))
        };
        assert_eq!(warnings(&binding(", bindingVersion: '0.1.0'")), []);
        let latest = warnings(&binding(""));
        assert_eq!(latest.len(), 1, "{latest:?}");
        assert_eq!(latest[0].1, "not a valid http operation binding (0.3.0): unknown field `type`");
        let unknown = warnings(&binding(", bindingVersion: '7.0.0'"));
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert_eq!(unknown[0].0, "/channels/a/publish/bindings/http/bindingVersion");
        assert!(unknown[0].1.contains("no schema here for http binding version `7.0.0`"), "{}", unknown[0].1);
    }

    #[test]
    fn shared_bindings_are_checked_once_and_what_no_schema_covers_is_left_alone() {
        let text = document(
            "channels:\n  a:\n    bindings:\n      http: {}\n      carrier-pigeon: {speed: fast}\n    \
             publish:\n      bindings: {$ref: '#/components/operationBindings/shared'}\n      \
             message: {payload: {type: string}}\n  b:\n    publish:\n      \
             bindings: {$ref: '#/components/operationBindings/shared'}\n      \
             message: {payload: {type: string}}\n\
             components:\n  operationBindings:\n    shared:\n      nats: {queue: 5}\n",
        );
        let found = warnings(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/components/operationBindings/shared/nats/queue");
    }
}
