//! Stage 3, resolve: the AsyncAPI structure with every `$ref` to a channel part,
//! operation, message or parameter followed, and message traits merged in.
//!
//! Schemas are not inlined here: a schema is kept as the [`Site`] where it is
//! written, because the IR names types after where they come from. The IR follows
//! schema `$ref`s itself.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::check::{self, Part};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{FileId, Site, Sources};
use crate::pointer;

/// The document, resolved.
#[derive(Debug)]
pub struct Document {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// `defaultContentType`: the content type of messages that name none.
    pub default_content_type: Option<String>,
    pub servers: Vec<Server>,
    pub channels: Vec<Channel>,
    /// Every message some operation uses, each once, in order of first use.
    pub messages: Vec<Message>,
}

#[derive(Debug)]
pub struct Server {
    pub name: String,
    pub url: String,
    pub protocol: String,
}

#[derive(Debug)]
pub struct Channel {
    /// The channel's name, which is also its address template (`a/{id}/b`).
    pub name: String,
    pub site: Site,
    pub description: Option<String>,
    pub parameters: Vec<Parameter>,
    /// The application sends: users of the generated crate receive.
    pub subscribe: Option<Operation>,
    /// The application receives: users of the generated crate send.
    pub publish: Option<Operation>,
}

#[derive(Debug)]
pub struct Parameter {
    pub name: String,
    pub description: Option<String>,
    pub schema: Option<Site>,
    pub site: Site,
}

#[derive(Debug)]
pub struct Operation {
    pub site: Site,
    pub id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub messages: Vec<MessageId>,
}

/// Index into [`Document::messages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub usize);

#[derive(Debug)]
pub struct Message {
    /// Where the message is written.
    pub site: Site,
    /// The key it is stored under when it was reached through a `$ref`
    /// (`RegistrantAdded` for `#/components/messages/RegistrantAdded`).
    pub key: Option<String>,
    pub message_id: Option<String>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub content_type: Option<String>,
    pub payload: Option<Site>,
    pub headers: Option<Site>,
    /// Its `correlationId` object (references followed), if it has one.
    pub correlation_id: Option<Value>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub name: Option<String>,
    pub summary: Option<String>,
    pub payload: Option<Value>,
    pub headers: Option<Value>,
    pub site: Site,
}

/// Resolves `sources` (already checked) into a [`Document`].
pub fn resolve(sources: &mut Sources) -> Result<Document, Diagnostics> {
    let mut resolver = Resolver {
        diagnostics: Diagnostics::new(),
        messages: Vec::new(),
        by_site: HashMap::new(),
        checked_parts: HashSet::new(),
    };
    let document = resolver.document(sources);
    if resolver.diagnostics.has_errors() { Err(resolver.diagnostics) } else { Ok(document) }
}

struct Resolver {
    diagnostics: Diagnostics,
    messages: Vec<Message>,
    by_site: HashMap<Site, MessageId>,
    /// Parts in other files than the root already checked against the meta-schema.
    checked_parts: HashSet<Site>,
}

fn text(sources: &Sources, site: &Site, key: &str) -> Option<String> {
    sources.get(&site.join(key)).and_then(Value::as_str).map(str::to_owned)
}

impl Resolver {
    fn document(&mut self, sources: &mut Sources) -> Document {
        let root = sources.root_site();
        let info = root.join("info");
        let mut servers = Vec::new();
        for name in sources.member_names(&root.join("servers")) {
            let Some(server) = self.deref_part(sources, &root.join("servers").join(&name), Part::Server)
            else {
                continue;
            };
            servers.push(Server {
                name,
                url: text(sources, &server, "url").unwrap_or_default(),
                protocol: text(sources, &server, "protocol").unwrap_or_default(),
            });
        }
        let mut channels = Vec::new();
        for name in sources.member_names(&root.join("channels")) {
            let Some(site) = self.deref_part(sources, &root.join("channels").join(&name), Part::ChannelItem)
            else {
                continue;
            };
            let mut parameters = Vec::new();
            for parameter in sources.member_names(&site.join("parameters")) {
                let written = site.join("parameters").join(&parameter);
                let Some(parameter_site) = self.deref_part(sources, &written, Part::Parameter) else {
                    continue;
                };
                parameters.push(Parameter {
                    description: text(sources, &parameter_site, "description"),
                    schema: sources
                        .get(&parameter_site.join("schema"))
                        .map(|_| parameter_site.join("schema")),
                    site: parameter_site,
                    name: parameter,
                });
            }
            let subscribe = self.operation(sources, &site.join("subscribe"));
            let publish = self.operation(sources, &site.join("publish"));
            channels.push(Channel {
                description: text(sources, &site, "description"),
                name,
                site,
                parameters,
                subscribe,
                publish,
            });
        }
        Document {
            title: text(sources, &info, "title").unwrap_or_default(),
            version: text(sources, &info, "version").unwrap_or_default(),
            description: text(sources, &info, "description"),
            default_content_type: text(sources, &root, "defaultContentType"),
            servers,
            channels,
            messages: std::mem::take(&mut self.messages),
        }
    }

    /// [`deref`](Self::deref), for a node the document uses as `part`: one in
    /// another file than the root is checked against the meta-schema here (the
    /// check stage validates the root file only, not knowing what other files'
    /// nodes are used as).
    fn deref_part(&mut self, sources: &Sources, site: &Site, part: Part) -> Option<Site> {
        let target = self.deref(sources, site)?;
        if target.file != sources.root() && self.checked_parts.insert(target.clone()) {
            self.diagnostics.extend(check::validate_part(sources, &target, part));
        }
        Some(target)
    }

    /// Follows `$ref`s from `site` to the node they name, reporting dangling ones.
    fn deref(&mut self, sources: &Sources, site: &Site) -> Option<Site> {
        let mut site = site.clone();
        let mut seen = Vec::new();
        loop {
            let Some(Value::String(reference)) = sources.get(&site.join("$ref")) else {
                return sources.get(&site).map(|_| site);
            };
            if seen.contains(&site) {
                self.diagnostics.push(
                    Diagnostic::error(format!("reference cycle: `{reference}` leads back to itself"))
                        .at(sources.locate(&site.join("$ref"))),
                );
                return None;
            }
            seen.push(site.clone());
            match sources.resolve_ref(site.file, reference) {
                Ok(target) => site = target,
                Err(reason) => {
                    self.diagnostics.push(
                        Diagnostic::error(format!("unresolved reference `{reference}`: {reason}"))
                            .at(sources.locate(&site.join("$ref"))),
                    );
                    return None;
                }
            }
        }
    }

    fn operation(&mut self, sources: &mut Sources, site: &Site) -> Option<Operation> {
        sources.get(site)?;
        let mut messages = Vec::new();
        let message = site.join("message");
        // `message` is a message, or `oneOf` several, written here or behind a `$ref`.
        if let Some(target) = self.deref_part(sources, &message, Part::Message) {
            if let Some(Value::Array(alternatives)) = sources.get(&target.join("oneOf")) {
                for index in 0..alternatives.len() {
                    if let Some(id) = self.message(sources, &target.join("oneOf").item(index)) {
                        messages.push(id);
                    }
                }
            } else {
                messages.extend(self.message(sources, &message));
            }
        }
        let merged = self.apply_operation_traits(sources, site);
        let field = |name: &str| merged.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(Operation {
            site: site.clone(),
            id: field("operationId"),
            summary: field("summary"),
            description: field("description"),
            messages,
        })
    }

    /// Merges the operation's traits into it (JSON Merge Patch, in order, as
    /// AsyncAPI 2.6 says): a trait can give the operation its `operationId`.
    fn apply_operation_traits(&mut self, sources: &Sources, operation: &Site) -> Map<String, Value> {
        let mut merged = match sources.get(operation) {
            Some(Value::Object(object)) => object.clone(),
            _ => Map::new(),
        };
        merged.remove("traits");
        for (_, patch) in self.traits(sources, operation, Part::OperationTrait) {
            for (key, value) in patch {
                merge_member(&mut merged, key, value, &|value| dereferenced(sources, operation.file, value));
            }
        }
        merged
    }

    /// The traits `owner` lists, in order: where each is written (through
    /// `$ref`s, checked as a `part` when in another file), and its members.
    fn traits(&mut self, sources: &Sources, owner: &Site, part: Part) -> Vec<(Site, Map<String, Value>)> {
        let count = sources.get(&owner.join("traits")).and_then(Value::as_array).map_or(0, Vec::len);
        (0..count)
            .filter_map(|index| {
                let site = self.deref_part(sources, &owner.join("traits").item(index), part)?;
                let Some(Value::Object(members)) = sources.get(&site) else { return None };
                Some((site, members.clone()))
            })
            .collect()
    }

    fn message(&mut self, sources: &mut Sources, site: &Site) -> Option<MessageId> {
        let target = self.deref_part(sources, site, Part::Message)?;
        if let Some(id) = self.by_site.get(&target) {
            return Some(*id);
        }
        // A message reached through a `$ref` is named after its key.
        let key = if target == *site { None } else { pointer::last_token(&target.pointer) };
        let (merged, headers) = self.apply_traits(sources, &target);
        let field = |name: &str| merged.get(name).and_then(Value::as_str).map(str::to_owned);
        let message = Message {
            key,
            message_id: field("messageId"),
            name: field("name"),
            title: field("title"),
            summary: field("summary"),
            description: field("description"),
            content_type: field("contentType"),
            payload: merged.get("payload").map(|_| target.join("payload")),
            headers,
            correlation_id: merged
                .get("correlationId")
                .map(|value| dereferenced(sources, target.file, value)),
            examples: examples(&merged, &target),
            site: target.clone(),
        };
        let id = MessageId(self.messages.len());
        self.messages.push(message);
        self.by_site.insert(target, id);
        Some(id)
    }

    /// Merges the message's traits into it (JSON Merge Patch, in order, as AsyncAPI
    /// 2.6 says). Returns the merged message and where its headers schema lives:
    /// the trait's own node when only a trait declares headers, so that messages
    /// sharing a trait share one headers type.
    fn apply_traits(&mut self, sources: &mut Sources, message: &Site) -> (Map<String, Value>, Option<Site>) {
        let mut merged = match sources.get(message) {
            Some(Value::Object(object)) => object.clone(),
            _ => Map::new(),
        };
        let mut headers = merged.get("headers").map(|_| message.join("headers"));
        merged.remove("traits");
        let mut headers_merged = false;
        for (trait_site, patch) in self.traits(sources, message, Part::MessageTrait) {
            for (key, mut value) in patch {
                if key == "headers" {
                    if headers.is_none() {
                        headers = Some(trait_site.join("headers"));
                    } else {
                        headers_merged = true;
                    }
                }
                // What the message reads of its traits is read as written in
                // the message's file.
                if matches!(key.as_str(), "headers" | "correlationId") && trait_site.file != message.file {
                    sources.rebase_refs(&mut value, trait_site.file, message.file);
                }
                merge_member(&mut merged, key, value, &|value| dereferenced(sources, message.file, value));
            }
        }
        if headers_merged {
            // The merged headers schema exists nowhere in the sources: it gets a
            // node of its own, where `$ref`s resolve as in the message's file.
            let value = merged.get("headers").cloned().unwrap_or(Value::Null);
            let file = sources.add_synthesized(value, message.join("headers"));
            headers = Some(Site::new(file, ""));
        }
        (merged, headers)
    }
}

fn examples(message: &Map<String, Value>, site: &Site) -> Vec<Example> {
    let Some(Value::Array(examples)) = message.get("examples") else { return Vec::new() };
    examples
        .iter()
        .enumerate()
        .map(|(index, example)| {
            let field = |name: &str| example.get(name).and_then(Value::as_str).map(str::to_owned);
            Example {
                name: field("name"),
                summary: field("summary"),
                payload: example.get("payload").cloned(),
                headers: example.get("headers").cloned(),
                site: site.join("examples").item(index),
            }
        })
        .collect()
}

/// `target[key] = merge_patch(target[key], patch)` (RFC 7386). Where an
/// object meets an object and one of them is a `$ref`, what the reference
/// names is merged (through `dereference`), as AsyncAPI's parser, which
/// dereferences before applying traits, does; a reference that meets nothing
/// stays a reference, so that named schemas keep their names.
fn merge_member(
    target: &mut Map<String, Value>,
    key: String,
    patch: Value,
    dereference: &dyn Fn(&Value) -> Value,
) {
    match patch {
        Value::Null => {
            target.remove(&key);
        }
        Value::Object(patch) => {
            let Some(existing) = target.get_mut(&key).filter(|existing| existing.is_object()) else {
                target.insert(key, Value::Object(patch));
                return;
            };
            let mut patch = Value::Object(patch);
            if is_reference(existing) || is_reference(&patch) {
                *existing = dereference(existing);
                patch = dereference(&patch);
            }
            match (existing, patch) {
                (Value::Object(existing), Value::Object(patch)) => {
                    for (key, value) in patch {
                        merge_member(existing, key, value, dereference);
                    }
                }
                // A reference that named no object: the patch wins, as written.
                (existing, patch) => *existing = patch,
            }
        }
        other => {
            target.insert(key, other);
        }
    }
}

fn is_reference(value: &Value) -> bool {
    value.get("$ref").is_some_and(Value::is_string)
}

/// What `value` names when it is a `$ref` written in `file` (references
/// followed to the end, the content's own references rebased to `file`);
/// `value` itself otherwise, or when the reference does not resolve (the
/// resolve stage reports it).
fn dereferenced(sources: &Sources, file: FileId, value: &Value) -> Value {
    let Some(reference) = value.get("$ref").and_then(Value::as_str) else { return value.clone() };
    let Ok(target) = sources.resolve_ref(file, reference) else { return value.clone() };
    let target = sources.follow_refs(&target);
    let Some(content) = sources.get(&target).filter(|content| !is_reference(content)) else {
        return value.clone();
    };
    let mut content = content.clone();
    if target.file != file {
        sources.rebase_refs(&mut content, target.file, file);
    }
    content
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": {"b": 1, "c": 2}, "d": 1}).as_object().unwrap().clone();
        let as_is = |value: &Value| value.clone();
        merge_member(&mut target, "a".into(), json!({"b": null, "e": 3}), &as_is);
        merge_member(&mut target, "d".into(), json!([1]), &as_is);
        assert_eq!(Value::Object(target), json!({"a": {"c": 2, "e": 3}, "d": [1]}));
    }

    #[test]
    fn messages_take_their_key_and_traits() {
        let text = r"
asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  a:
    subscribe:
      message: {$ref: '#/components/messages/M'}
  b:
    subscribe:
      message: {$ref: '#/components/messages/M'}
components:
  messageTraits:
    Signed:
      headers: {type: object}
      contentType: application/json
  messages:
    M:
      traits: [{$ref: '#/components/messageTraits/Signed'}]
      payload: {type: string}
";
        let mut sources = Sources::from_text(text, "d.yaml").unwrap();
        let document = resolve(&mut sources).unwrap();
        assert_eq!(document.messages.len(), 1, "one message reached from two channels");
        let message = &document.messages[0];
        assert_eq!(message.key.as_deref(), Some("M"));
        assert_eq!(message.content_type.as_deref(), Some("application/json"));
        assert_eq!(message.headers.as_ref().unwrap().pointer, "/components/messageTraits/Signed/headers");
        assert!(sources.get(message.payload.as_ref().unwrap()).is_some());
    }

    #[test]
    fn correlation_ids_are_read_inline_through_references_and_from_traits() {
        let text = r"
asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  a:
    subscribe:
      message:
        oneOf:
          - {name: inline, correlationId: {location: '$message.header#/id'}}
          - {name: referenced, correlationId: {$ref: '#/components/correlationIds/Meta'}}
          - {name: traited, traits: [{correlationId: {location: '$message.payload#/id'}}]}
          - {name: none}
components:
  correlationIds:
    Meta: {location: '$message.payload#/meta/id'}
";
        let mut sources = Sources::from_text(text, "d.yaml").unwrap();
        let document = resolve(&mut sources).unwrap();
        let locations: Vec<Option<&str>> = document
            .messages
            .iter()
            .map(|message| message.correlation_id.as_ref().map(|c| c["location"].as_str().unwrap_or("?")))
            .collect();
        assert_eq!(
            locations,
            [
                Some("$message.header#/id"),
                Some("$message.payload#/meta/id"),
                Some("$message.payload#/id"),
                None
            ]
        );
    }

    #[test]
    fn operations_take_their_traits() {
        let text = r"
asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  a:
    subscribe:
      operationId: own
      summary: Kept.
      traits: [{$ref: '#/components/operationTraits/Named'}, {description: Last.}]
      message: {payload: {type: string}}
components:
  operationTraits:
    Named: {$ref: '#/components/operationTraits/Written'}
    Written: {operationId: fromTrait, description: First.}
";
        let mut sources = Sources::from_text(text, "d.yaml").unwrap();
        let document = resolve(&mut sources).unwrap();
        let operation = document.channels[0].subscribe.as_ref().unwrap();
        assert_eq!(operation.id.as_deref(), Some("fromTrait"));
        assert_eq!(operation.summary.as_deref(), Some("Kept."));
        assert_eq!(operation.description.as_deref(), Some("Last."));
    }

    #[test]
    fn dangling_references_are_located_errors() {
        let text = "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  a:\n    subscribe:\n      message: {$ref: '#/components/messages/Nope'}\n";
        let mut sources = Sources::from_text(text, "d.yaml").unwrap();
        let diagnostics = resolve(&mut sources).unwrap_err();
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(
            error.message,
            "unresolved reference `#/components/messages/Nope`: nothing at `#/components/messages/Nope` in d.yaml: \
             the file has no member `components` (it has `asyncapi`, `info`, `channels`)"
        );
        let location = error.location.as_ref().unwrap();
        assert_eq!(
            (location.line, location.pointer.as_str()),
            (Some(6), "/channels/a/subscribe/message/$ref")
        );
    }
}
