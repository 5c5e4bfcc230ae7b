//! The API the generated crate offers: what the user receives (event variants,
//! handler methods, how a body is routed), what the user sends (constructors),
//! and the channels with their parameters.

use std::collections::BTreeMap;

use super::discriminator::{self, Candidate, Collision, Routing, Tree};
use super::naming::{self, Scope};
use super::schema::{SchemaArena, SchemaId};
use super::types::{Docs, NameHint, TypeBuilder, TypeRef};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Site, Sources};
use crate::pointer;
use crate::resolve::{self, Document, MessageId};

/// A message as the generated code sees it.
#[derive(Debug, Clone)]
pub struct MessageDef {
    /// How the document calls it (`RegistrantAdded`, `registrant.added`...).
    pub label: String,
    /// Its variant of the generated `Message` enum.
    pub variant: String,
    /// The function in `validate.rs` that checks a parsed payload
    /// (`validate_<variant>`; variants that differ only in case get a suffix).
    pub typed_check: String,
    /// `None` when the message declares no payload: any JSON is accepted.
    pub payload: Option<(TypeRef, SchemaId)>,
    pub headers: Option<(TypeRef, SchemaId)>,
    /// The payload schema as one self-contained JSON Schema (`true` without one).
    pub schema_json: String,
    /// The `Content-Type` a sent message goes with: its own or the document's
    /// default when that is JSON, `application/json` otherwise (the
    /// generated code writes JSON).
    pub content_type: String,
    /// Where its `correlationId` says the correlation ID is, when it says so
    /// in a form the generated code reads.
    pub correlation_id: Option<Correlation>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub examples: Vec<resolve::Example>,
    pub site: Site,
}

/// A `correlationId` location: `$message.header#/correlation_id` or
/// `$message.payload#/meta/id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    /// The runtime expression, as written.
    pub location: String,
    pub source: CorrelationSource,
    /// The pointer's tokens, unescaped: a header's name first for headers.
    pub tokens: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CorrelationSource {
    Header,
    Payload,
}

impl Correlation {
    /// Reads a runtime expression; `None` unless it names a place in the
    /// message's headers (a header at least) or payload.
    pub fn parse(location: &str) -> Option<Self> {
        let location = location.trim();
        let (source, fragment) = if let Some(rest) = location.strip_prefix("$message.header") {
            (CorrelationSource::Header, rest)
        } else {
            (CorrelationSource::Payload, location.strip_prefix("$message.payload")?)
        };
        let pointer = match fragment.strip_prefix('#') {
            Some(fragment) => pointer::from_fragment(fragment).ok()?,
            None if fragment.is_empty() => String::new(),
            None => return None,
        };
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            return None;
        }
        let tokens: Vec<String> = pointer::tokens(&pointer).collect();
        if source == CorrelationSource::Header && !tokens.first().is_some_and(|name| is_header_name(name)) {
            return None;
        }
        Some(Correlation { location: location.to_owned(), source, tokens })
    }
}

/// Whether HTTP allows `name` as a header name (RFC 9110's `token`).
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl MessageDef {
    pub fn payload_type(&self) -> TypeRef {
        self.payload.as_ref().map(|(ty, _)| ty.clone()).unwrap_or(TypeRef::Any)
    }
}

/// One (operation, message) pair the user receives: a variant of `Event` and a
/// method of `Handler`.
#[derive(Debug, Clone)]
pub struct Receive {
    /// What the generated code calls the message (`Event::name`, `NAMES`,
    /// rejections): see [`event_names`].
    pub name: String,
    pub variant: String,
    pub method: String,
    pub message: usize,
    pub channel: usize,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
}

/// One (operation, message) pair the user sends: a constructor.
#[derive(Debug, Clone)]
pub struct Send {
    pub function: String,
    pub message: usize,
    pub channel: usize,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The header that carries a signature, when the message declares one.
    pub signature_header: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressPart {
    Literal(String),
    Parameter(usize),
}

#[derive(Debug, Clone)]
pub struct ChannelParameter {
    pub wire: String,
    pub name: String,
    pub ty: TypeRef,
    pub schema: Option<SchemaId>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ChannelDef {
    pub name: String,
    pub description: Option<String>,
    pub address: Vec<AddressPart>,
    pub parameters: Vec<ChannelParameter>,
    /// The struct holding the parameters, when there are any.
    pub parameters_type: Option<String>,
    /// Indices into [`Api::receives`].
    pub receives: Vec<usize>,
    /// How a body received on this channel picks one of `receives`.
    pub tree: Tree,
}

/// How `Event` parses a body.
#[derive(Debug, Clone)]
pub enum EventRouting {
    /// By the body alone, with this tree over [`Api::receives`] (no received
    /// channel has parameters).
    Body(Tree),
    /// The channel it came on decides, then the channel's own tree: no
    /// property of the bodies tells them apart, or some received channel's
    /// address holds parameters, which the handler is given.
    Channel,
}

#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub messages: Vec<MessageDef>,
    pub receives: Vec<Receive>,
    pub sends: Vec<Send>,
    pub channels: Vec<ChannelDef>,
    pub routing: EventRouting,
    /// The required property every received message has that identifies a
    /// delivery, for de-duplication.
    pub dedupe_key: Option<String>,
    /// The path of the first HTTP server's URL (where webhooks arrive).
    pub webhook_path: Option<String>,
}

impl Api {
    /// Whether the HTTP router reads a request's channel with its leading
    /// `/`: where every channel received on is named with one (`/users/{id}`).
    pub fn channels_start_with_a_slash(&self) -> bool {
        all_start_with_a_slash(&self.channels)
    }

    /// The messages generated code parses or writes as typed values: those a
    /// routing tree reaches, and those the user sends. (A message shadowed by
    /// an ambiguous one is only ever validated raw.)
    pub fn typed_messages(&self) -> std::collections::BTreeSet<usize> {
        let mut used: std::collections::BTreeSet<usize> =
            self.sends.iter().map(|send| send.message).collect();
        let leaves: Vec<usize> = match &self.routing {
            EventRouting::Body(tree) => tree.leaves(),
            EventRouting::Channel => self
                .channels
                .iter()
                .filter(|c| !c.receives.is_empty())
                .flat_map(|c| c.tree.leaves())
                .collect(),
        };
        used.extend(
            leaves.into_iter().filter_map(|leaf| self.receives.get(leaf)).map(|receive| receive.message),
        );
        used
    }
}

/// Options of the API model.
#[derive(Debug, Clone, Default)]
pub struct ApiOptions {
    /// Generate even when messages collide; a body goes to the first of them.
    pub allow_ambiguous_routing: bool,
    /// Overrides the de-duplication key found from the document.
    pub dedupe_key: Option<String>,
}

/// Property names that identify one delivery, best first (compared lowercase,
/// without separators).
const DEDUPE_KEY_NAMES: [&str; 6] =
    ["eventkey", "eventid", "messageid", "deliveryid", "notificationid", "idempotencykey"];

/// Names that may identify a delivery, or what it is about (an order's `id`
/// in each of its events): never taken as the key unless the user says so,
/// since a wrong key drops genuine events as duplicates.
const GENERIC_KEY_NAMES: [&str; 2] = ["id", "uuid"];

pub fn build(
    document: &Document,
    sources: &Sources,
    arena: &SchemaArena,
    schemas: &BTreeMap<Site, SchemaId>,
    builder: &mut TypeBuilder<'_>,
    options: &ApiOptions,
) -> Result<Api, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    // A message without a description of its own is described by the first
    // channel that carries it ("Triggered when a user registers...").
    let mut channel_descriptions: BTreeMap<MessageId, String> = BTreeMap::new();
    for channel in &document.channels {
        let Some(description) = &channel.description else { continue };
        for operation in channel.subscribe.iter().chain(&channel.publish) {
            for message in &operation.messages {
                channel_descriptions.entry(*message).or_insert_with(|| description.clone());
            }
        }
    }
    let (mut message_scope, mut check_scope) = (Scope::new(), Scope::new());
    let messages: Vec<MessageDef> = document
        .messages
        .iter()
        .enumerate()
        .map(|(index, message)| {
            let channel_description = channel_descriptions.get(&MessageId(index)).map(String::as_str);
            let scopes = (&mut message_scope, &mut check_scope);
            let content_type = message.content_type.as_deref().or(document.default_content_type.as_deref());
            message_def(message, content_type, channel_description, sources, schemas, builder, scopes)
        })
        .collect();

    let mut receives = Vec::new();
    let mut sends = Vec::new();
    let mut channels = Vec::new();
    let receive_count = count_uses(document, |c| c.subscribe.as_ref());
    let mut variant_scope = Scope::new();
    // Channels' parameter structs, named in document order.
    let mut parameter_types = Scope::new();
    // `on_rejected` receives what could not be typed.
    let mut method_scope = Scope::with_reserved(&["on_rejected"]);
    let mut function_scope = Scope::new();
    for (channel_index, channel) in document.channels.iter().enumerate() {
        check_address(channel, sources, &mut diagnostics);
        let mut channel_receives = Vec::new();
        if let Some(operation) = &channel.subscribe {
            for message in &operation.messages {
                let def = &messages[message.0];
                let by_operation = receive_count.get(message).copied().unwrap_or(0) > 1;
                let operation_label = operation.id.clone().unwrap_or_else(|| channel.name.clone());
                let variant = if by_operation && operation.messages.len() > 1 {
                    naming::pascal(&format!("{operation_label} {}", def.label))
                } else if by_operation {
                    naming::pascal(&operation_label)
                } else {
                    naming::pascal(&def.label)
                };
                let method = match (&operation.id, operation.messages.len()) {
                    (Some(id), 1) => handler_method(id),
                    _ if by_operation => handler_method(&format!("{operation_label} {}", def.label)),
                    _ => handler_method(&def.label),
                };
                channel_receives.push(receives.len());
                receives.push(Receive {
                    name: String::new(),
                    variant: variant_scope.claim(&variant),
                    method: method_scope.claim(&method),
                    message: message.0,
                    channel: channel_index,
                    operation_id: operation.id.clone(),
                    summary: operation.summary.clone(),
                    description: operation.description.clone(),
                });
            }
        }
        if let Some(operation) = &channel.publish {
            for message in &operation.messages {
                let def = &messages[message.0];
                let function = match (&operation.id, operation.messages.len()) {
                    (Some(id), 1) => naming::snake(id),
                    (Some(id), _) => naming::snake(&format!("{id} {}", def.label)),
                    (None, _) => naming::snake(&def.label),
                };
                let signature_header =
                    def.headers.as_ref().and_then(|(_, schema)| signature_header(arena, *schema));
                sends.push(Send {
                    function: function_scope.claim(&function),
                    message: message.0,
                    channel: channel_index,
                    operation_id: operation.id.clone(),
                    summary: operation.summary.clone(),
                    description: operation.description.clone(),
                    signature_header,
                });
            }
        }
        channels.push(channel_def(channel, channel_receives, schemas, builder, &mut parameter_types));
    }

    let candidates: Vec<Candidate> = receives
        .iter()
        .map(|receive| match &messages[receive.message].payload {
            Some((_, schema)) => builder.candidate(*schema, None),
            None => Candidate::default(),
        })
        .collect();
    let labels: Vec<String> = receives.iter().map(|r| messages[r.message].label.clone()).collect();
    let sites: Vec<Site> = receives.iter().map(|r| messages[r.message].site.clone()).collect();
    let mut report = |collisions: Vec<Collision>, scope: &str, members: &[usize]| {
        for collision in collisions {
            let names: Vec<String> =
                collision.members.iter().map(|m| format!("`{}`", labels[members[*m]])).collect();
            let by = if collision.path.is_empty() {
                "no property holds a fixed value in each of them".to_owned()
            } else {
                let values: Vec<String> = collision.path.iter().map(|(p, v)| format!("`{p}: {v}`")).collect();
                format!("they all have {}", values.join(" and "))
            };
            let message = format!("{scope}: messages {} cannot be told apart: {by}", names.join(", "));
            let first = &labels[members[collision.members[0]]];
            let site = &sites[members[collision.members[collision.members.len() - 1]]];
            let diagnostic = if options.allow_ambiguous_routing {
                Diagnostic::warning(message)
                    .with_help(format!("such bodies are routed to `{first}` (--allow-ambiguous-routing)"))
            } else {
                Diagnostic::error(message).with_help(format!(
                    "give each message a property with a distinct `const` (or a `discriminator`), or pass --allow-ambiguous-routing to route such bodies to `{first}`"
                ))
            };
            diagnostics.push(diagnostic.at(sources.locate(site)));
        }
    };
    // A parameter is read from the address a delivery came on, so where one
    // is, the channel routes: the body alone would leave the handler without it.
    let receives_parameters =
        channels.iter().any(|channel| !channel.receives.is_empty() && channel.parameters_type.is_some());
    let by_body = if receives_parameters { None } else { Some(discriminator::route(&candidates)) };
    let routing = match by_body {
        Some(Routing::Tree { tree, collisions }) => {
            let all: Vec<usize> = (0..receives.len()).collect();
            report(collisions, "routing by body", &all);
            EventRouting::Body(tree)
        }
        Some(Routing::NoDiscriminator) | None => {
            for channel in &mut channels {
                let members = channel.receives.clone();
                let channel_candidates: Vec<Candidate> =
                    members.iter().map(|m| candidates[*m].clone()).collect();
                let (tree, collisions) = match discriminator::route(&channel_candidates) {
                    Routing::Tree { tree, collisions } => (tree, collisions),
                    Routing::NoDiscriminator => {
                        let path = discriminator::shared_value(&channel_candidates).into_iter().collect();
                        (Tree::Leaf(0), vec![Collision { path, members: (0..members.len()).collect() }])
                    }
                };
                report(collisions, &format!("channel `{}`", channel.name), &members);
                channel.tree = tree.map_leaves(&members);
            }
            EventRouting::Channel
        }
    };
    let names = event_names(&routing, &receives, &messages, &channels);
    for (receive, name) in receives.iter_mut().zip(names) {
        receive.name = name;
    }
    if matches!(routing, EventRouting::Channel) {
        warn_of_mixed_slashes(&document.channels, &channels, sources, &mut diagnostics);
    }

    let dedupe_key = match &options.dedupe_key {
        Some(key) => {
            let lacking = lacking_property(&receives, &messages, builder, key);
            let received =
                receives.iter().map(|receive| receive.message).collect::<std::collections::BTreeSet<_>>();
            // Located at the first message received, where the property is missing.
            let first = receives.first().map(|receive| sources.locate(&messages[receive.message].site));
            if let Some(first) = first.filter(|_| lacking.len() == received.len()) {
                diagnostics.push(
                    Diagnostic::error(format!("--dedupe-key `{key}`: no message received has that property"))
                        .at(first)
                        .with_help("name a property of the messages (as the document spells it), or leave the option out"),
                );
            } else if !lacking.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "--dedupe-key `{key}`: {} {} no such property, and {} not de-duplicated",
                        lacking.iter().map(|label| format!("`{label}`")).collect::<Vec<_>>().join(", "),
                        if lacking.len() == 1 { "has" } else { "have" },
                        if lacking.len() == 1 { "is" } else { "are" },
                    ))
                    .with_help("repeated deliveries of those reach their handler again"),
                );
            }
            Some(key.clone())
        }
        None => {
            let required = required_by_all(&receives, &messages, builder);
            let key = named_among(&required, &DEDUPE_KEY_NAMES);
            if key.is_none()
                && let Some(generic) = named_among(&required, &GENERIC_KEY_NAMES)
            {
                builder.diagnostics.push(
                    Diagnostic::warning(format!(
                        "no de-duplication: every message received requires `{generic}`, but it may name what \
                         an event is about rather than the event"
                    ))
                    .with_help(format!(
                        "if `{generic}` identifies each delivery, pass --dedupe-key {generic}, and repeated \
                         deliveries will be acknowledged without calling the handler again"
                    )),
                );
            }
            key
        }
    };
    let webhook_path = document
        .servers
        .iter()
        .find(|server| matches!(server.protocol.as_str(), "http" | "https"))
        .and_then(|server| url_path(&server.url));

    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    builder.diagnostics.extend(diagnostics);
    Ok(Api {
        title: document.title.clone(),
        version: document.version.clone(),
        description: document.description.clone(),
        messages,
        receives,
        sends,
        channels,
        routing,
        dedupe_key,
        webhook_path,
    })
}

/// How many operations of a kind use each message.
fn count_uses(
    document: &Document,
    operation: impl Fn(&resolve::Channel) -> Option<&resolve::Operation>,
) -> BTreeMap<MessageId, usize> {
    let mut counts = BTreeMap::new();
    for channel in &document.channels {
        if let Some(operation) = operation(channel) {
            for message in &operation.messages {
                *counts.entry(*message).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn handler_method(label: &str) -> String {
    let name = naming::snake(label);
    let bare = naming::unraw(&name);
    if bare == "on" || bare.starts_with("on_") { bare.to_owned() } else { format!("on_{bare}") }
}

/// The name the document gives a message, best first: its `messageId`, its key
/// under `components/messages`, its `name`, its `title`, the name of the schema
/// its payload references, and at last where it is written.
fn message_label(message: &resolve::Message, sources: &Sources) -> String {
    let payload_name = || {
        let payload = message.payload.as_ref()?;
        let reference = sources.get(&payload.join("$ref"))?.as_str()?;
        let target = sources.resolve_ref(payload.file, reference).ok()?;
        pointer::last_token(&target.pointer).filter(|name| name.parse::<usize>().is_err())
    };
    message
        .message_id
        .clone()
        .or_else(|| message.key.clone())
        .or_else(|| message.name.clone())
        .or_else(|| message.title.clone())
        .or_else(payload_name)
        .or_else(|| operation_label(message, sources))
        .unwrap_or_else(|| {
            // An anonymous inline message: name it after where it is written.
            let tokens: Vec<String> = pointer::tokens(&message.site.pointer).collect();
            let meaningful: Vec<&String> =
                tokens.iter().filter(|t| !matches!(t.as_str(), "channels" | "message" | "oneOf")).collect();
            meaningful.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" ")
        })
}

/// An anonymous message written in an operation with an `operationId`: named
/// after it (`sum`, and `sum 1` for the second of a `oneOf`), which says more
/// than the channel's address.
fn operation_label(message: &resolve::Message, sources: &Sources) -> Option<String> {
    let tokens: Vec<String> = pointer::tokens(&message.site.pointer).collect();
    // The last: a channel may be called `message` too.
    let at = tokens.iter().rposition(|token| token == "message")?;
    let operation = tokens[..at].iter().fold(String::new(), |pointer, token| pointer::join(&pointer, token));
    let id = sources.get(&Site::new(message.site.file, operation).join("operationId"))?.as_str()?;
    Some(match &tokens[at + 1..] {
        [] => id.to_owned(),
        [one_of, index] if one_of == "oneOf" => format!("{id} {index}"),
        _ => return None,
    })
}

fn message_def(
    message: &resolve::Message,
    content_type: Option<&str>,
    channel_description: Option<&str>,
    sources: &Sources,
    schemas: &BTreeMap<Site, SchemaId>,
    builder: &mut TypeBuilder<'_>,
    (variants, checks): (&mut Scope, &mut Scope),
) -> MessageDef {
    let label = message_label(message, sources);
    let variant = variants.claim(&naming::pascal(&label));
    let typed_check = checks.claim(&format!("validate_{}", naming::unraw(&naming::snake(&variant))));
    let payload = message.payload.as_ref().and_then(|site| schemas.get(site)).map(|schema| {
        let ty = builder.type_of(*schema, NameHint::Exact(label.clone()));
        let description = message
            .description
            .clone()
            .or_else(|| message.summary.clone())
            .or_else(|| channel_description.map(str::to_owned));
        builder.set_docs_if_empty(&ty, Docs { title: message.title.clone(), description });
        (ty, *schema)
    });
    let headers =
        message.headers.as_ref().and_then(|site| schemas.get(site).map(|schema| (site, schema))).map(
            |(site, schema)| {
                let tokens: Vec<String> = pointer::tokens(&site.pointer).collect();
                let owner = match tokens.as_slice() {
                    [.., traits, name, headers] if traits == "messageTraits" && headers == "headers" => {
                        name.clone()
                    }
                    _ => label.clone(),
                };
                // `commonHeaders` names its type already: no `CommonHeadersHeaders`.
                let name = if owner.to_ascii_lowercase().ends_with("headers") {
                    owner
                } else {
                    format!("{owner} Headers")
                };
                let ty = builder.type_of(*schema, NameHint::Exact(name));
                let warnings = header_name_warnings(builder.arena(), *schema);
                for warning in warnings {
                    builder.diagnostics.push(warning.at(sources.locate(site)));
                }
                (ty, *schema)
            },
        );
    let schema_json = match &message.payload {
        Some(site) => super::bundle::bundle(sources, site).to_string(),
        None => "true".to_owned(),
    };
    let content_type = match content_type {
        Some(content_type) if !is_json_media_type(content_type) => {
            builder.diagnostics.push(
                Diagnostic::warning(format!(
                    "message `{label}` is `{content_type}`, but the generated code reads and writes JSON"
                ))
                .at(sources.locate(&message.site))
                .with_help(
                    "a body in another format is rejected as not JSON (and reaches the rejected method); \
                     what you send is written as JSON, sent as `application/json`",
                ),
            );
            "application/json".to_owned()
        }
        Some(content_type)
            if content_type.contains('/')
                && content_type.bytes().all(|b| b.is_ascii_graphic() || b == b' ') =>
        {
            content_type.trim().to_owned()
        }
        _ => "application/json".to_owned(),
    };
    let correlation_id = message.correlation_id.as_ref().and_then(|object| {
        let location = object.get("location").and_then(serde_json::Value::as_str);
        let parsed = location.and_then(Correlation::parse);
        if parsed.is_none() {
            let what = match location {
                Some(location) => {
                    format!("the location `{location}` names no place the generated code reads")
                }
                None => "it has no location".to_owned(),
            };
            builder.diagnostics.push(
                Diagnostic::warning(format!("message `{label}`: correlationId not read: {what}"))
                    .at(sources.locate(&message.site))
                    .with_help(
                        "write `$message.header#/<header name>` or `$message.payload#/<pointer>`; \
                         until then `Event::correlation_id` finds none for this message",
                    ),
            );
        }
        parsed
    });
    MessageDef {
        label,
        variant,
        typed_check,
        payload,
        headers,
        schema_json,
        content_type,
        correlation_id,
        title: message.title.clone(),
        summary: message.summary.clone(),
        description: message.description.clone(),
        examples: message.examples.clone(),
        site: message.site.clone(),
    }
}

/// Whether `media_type` is JSON: `application/json`, or any type with the
/// `+json` structured syntax suffix (RFC 6839: `application/cloudevents+json`),
/// parameters (`; charset=utf-8`) aside.
fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some((_, subtype)) => subtype == "json" || subtype.ends_with("+json"),
        // Documents write a bare `json` too.
        None => essence == "json",
    }
}

/// See [`Api::channels_start_with_a_slash`].
fn all_start_with_a_slash(channels: &[ChannelDef]) -> bool {
    let mut received = channels.iter().filter(|channel| !channel.receives.is_empty()).peekable();
    received.peek().is_some() && received.all(|channel| channel.name.starts_with('/'))
}

/// Where some channels received on start with `/` and some do not, the HTTP
/// router reads paths without it ([`Api::channels_start_with_a_slash`]), and
/// those that do are out of its plain reach.
fn warn_of_mixed_slashes(
    written: &[resolve::Channel],
    channels: &[ChannelDef],
    sources: &Sources,
    diagnostics: &mut Diagnostics,
) {
    if all_start_with_a_slash(channels) {
        return;
    }
    let received = || channels.iter().enumerate().filter(|(_, channel)| !channel.receives.is_empty());
    let slashed = received().find(|(_, channel)| channel.name.starts_with('/'));
    let bare = received().find(|(_, channel)| !channel.name.starts_with('/'));
    if let (Some((index, slashed)), Some((_, bare))) = (slashed, bare) {
        diagnostics.push(
            Diagnostic::warning(format!(
                "channel `{}` starts with `/` and channel `{}` does not: the HTTP router reads a path's \
                 channel without its leading `/`, so it reaches `{}` only where the path spells that `/` \
                 as `%2F`",
                slashed.name, bare.name, slashed.name
            ))
            .with_help("name every channel received on with a leading `/`, or none")
            .at(sources.locate(&written[index].site)),
        );
    }
}

/// A parameter named twice in a channel's address would need two Rust
/// bindings of one name: an error.
fn check_address(channel: &resolve::Channel, sources: &Sources, diagnostics: &mut Diagnostics) {
    for parameter in &channel.parameters {
        if channel.name.matches(&format!("{{{}}}", parameter.name)).count() > 1 {
            let message = format!(
                "the channel address `{}` names the parameter `{}` more than once",
                channel.name, parameter.name
            );
            let help = "give each place in the address a parameter of its own";
            diagnostics.push(Diagnostic::error(message).with_help(help).at(sources.locate(&channel.site)));
        }
    }
}

fn channel_def(
    channel: &resolve::Channel,
    receives: Vec<usize>,
    schemas: &BTreeMap<Site, SchemaId>,
    builder: &mut TypeBuilder<'_>,
    parameter_types: &mut Scope,
) -> ChannelDef {
    let mut scope = Scope::new();
    let parameters: Vec<ChannelParameter> = channel
        .parameters
        .iter()
        .map(|parameter| {
            let schema = parameter.schema.as_ref().and_then(|site| schemas.get(site)).copied();
            let ty = match schema {
                Some(schema) => builder.type_of(schema, NameHint::Derived(parameter.name.clone())),
                None => TypeRef::String,
            };
            ChannelParameter {
                wire: parameter.name.clone(),
                name: scope.claim(&naming::snake(&parameter.name)),
                ty,
                schema,
                description: parameter.description.clone(),
            }
        })
        .collect();
    let address =
        parse_address(&channel.name, &channel.parameters.iter().map(|p| p.name.clone()).collect::<Vec<_>>());
    let parameters_type = (!parameters.is_empty()).then(|| {
        let label = channel
            .subscribe
            .as_ref()
            .and_then(|o| o.id.clone())
            .or_else(|| channel.publish.as_ref().and_then(|o| o.id.clone()))
            .unwrap_or_else(|| channel.name.clone());
        parameter_types.claim(&naming::pascal(&format!("{label} Parameters")))
    });
    ChannelDef {
        name: channel.name.clone(),
        description: channel.description.clone(),
        address,
        parameters,
        parameters_type,
        tree: Tree::Leaf(receives.first().copied().unwrap_or(0)),
        receives,
    }
}

/// `a/{id}/b` as literal and parameter parts.
fn parse_address(name: &str, parameters: &[String]) -> Vec<AddressPart> {
    let mut parts = Vec::new();
    let mut rest = name;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        let parameter = &rest[open + 1..open + close];
        if let Some(index) = parameters.iter().position(|p| p == parameter) {
            if open > 0 {
                parts.push(AddressPart::Literal(rest[..open].to_owned()));
            }
            parts.push(AddressPart::Parameter(index));
        } else {
            parts.push(AddressPart::Literal(rest[..open + close + 1].to_owned()));
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(AddressPart::Literal(rest.to_owned()));
    }
    // Merge adjacent literals (an unknown `{x}` stays literal text).
    let mut merged: Vec<AddressPart> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(AddressPart::Literal(previous)), AddressPart::Literal(next)) => previous.push_str(&next),
            (_, part) => merged.push(part),
        }
    }
    merged
}

/// What the generated code, which reads and writes HTTP headers, makes of a
/// headers schema's property names: one that no HTTP header can be named is
/// never read, and two that differ only in case are one header (HTTP names
/// ignore case).
fn header_name_warnings(arena: &SchemaArena, headers: SchemaId) -> Vec<Diagnostic> {
    let Some(keywords) = arena.keywords(headers) else { return Vec::new() };
    let mut warnings = Vec::new();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, _) in &keywords.properties {
        if !is_header_name(name) {
            warnings.push(
                Diagnostic::warning(format!("header `{name}` cannot be an HTTP header name")).with_help(
                    "the generated code reads HTTP headers: it never reads this one, and refuses to send it",
                ),
            );
        } else if let Some(first) = seen.insert(name.to_ascii_lowercase(), name) {
            warnings.push(
                Diagnostic::warning(format!("headers `{first}` and `{name}` are one HTTP header"))
                    .with_help("HTTP header names ignore case: both read the same header, and a message with both cannot be sent"),
            );
        }
    }
    warnings
}

/// The header of a message that carries a signature (`X-Webhook-Signature`).
fn signature_header(arena: &SchemaArena, headers: SchemaId) -> Option<String> {
    let keywords = arena.keywords(headers)?;
    keywords
        .properties
        .iter()
        .map(|(name, _)| name)
        .find(|name| name.to_ascii_lowercase().contains("signature"))
        .cloned()
}

/// What each received message is called: its discriminator value, where the
/// body routes among the document's messages or its channel's (the values that
/// lead to it, joined by `/`, when the last one alone also names another),
/// else the document's name for the message. A name that still names two falls
/// back to the variant's (numbered if another event has that name).
fn event_names(
    routing: &EventRouting,
    receives: &[Receive],
    messages: &[MessageDef],
    channels: &[ChannelDef],
) -> Vec<String> {
    let paths: Vec<Vec<String>> = (0..receives.len())
        .map(|index| {
            let tree = match routing {
                EventRouting::Body(tree) => tree,
                EventRouting::Channel => &channels[receives[index].channel].tree,
            };
            tree.path_to(index).unwrap_or_default().into_iter().map(|(_, value)| value).collect()
        })
        .collect();
    let mut names: Vec<String> = receives
        .iter()
        .zip(&paths)
        .map(|(receive, path)| match path.last() {
            None => messages[receive.message].label.clone(),
            Some(value) if paths.iter().filter(|other| other.last() == Some(value)).count() == 1 => {
                value.clone()
            }
            Some(_) => path.join("/"),
        })
        .collect();
    // The same message received on two channels is one name; two messages are not.
    let clashing: Vec<bool> = (0..names.len())
        .map(|index| {
            (0..names.len()).any(|other| {
                names[other] == names[index] && receives[other].message != receives[index].message
            })
        })
        .collect();
    let kept: Vec<&str> = names
        .iter()
        .zip(&clashing)
        .filter(|(_, clashes)| !**clashes)
        .map(|(name, _)| name.as_str())
        .collect();
    let mut scope = Scope::with_reserved(&kept);
    for ((name, receive), clashes) in names.iter_mut().zip(receives).zip(clashing) {
        if clashes {
            *name = scope.claim(&receive.variant);
        }
    }
    names
}

/// The labels of the received messages whose payload has no property `key`.
fn lacking_property(
    receives: &[Receive],
    messages: &[MessageDef],
    builder: &mut TypeBuilder<'_>,
    key: &str,
) -> Vec<String> {
    receives
        .iter()
        .map(|receive| &messages[receive.message])
        .filter(|message| {
            let merged = message.payload.as_ref().and_then(|(_, schema)| builder.merged(*schema));
            merged.is_none_or(|merged| !merged.properties.iter().any(|(name, _)| name == key))
        })
        .fold(Vec::new(), |mut labels, message| {
            if !labels.contains(&message.label) {
                labels.push(message.label.clone());
            }
            labels
        })
}

/// The properties every received message requires (none when some message
/// has no payload object).
fn required_by_all(
    receives: &[Receive],
    messages: &[MessageDef],
    builder: &mut TypeBuilder<'_>,
) -> Vec<String> {
    let mut common: Option<Vec<String>> = None;
    for receive in receives {
        let Some((_, schema)) = messages[receive.message].payload.as_ref() else { return Vec::new() };
        let Some(merged) = builder.merged(*schema) else { return Vec::new() };
        let required: Vec<String> = merged
            .required
            .iter()
            .filter(|name| merged.properties.iter().any(|(p, _)| p == *name))
            .cloned()
            .collect();
        common = Some(match common {
            None => required,
            Some(previous) => previous.into_iter().filter(|name| required.contains(name)).collect(),
        });
    }
    common.unwrap_or_default()
}

/// The first of `names` (best first, lowercase, without separators) that one
/// of `properties` spells.
fn named_among(properties: &[String], names: &[&str]) -> Option<String> {
    names.iter().find_map(|wanted| {
        properties
            .iter()
            .find(|name| {
                name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
                    == *wanted
            })
            .cloned()
    })
}

/// The path of a server URL (`https://host/a/b` is `/a/b`).
fn url_path(url: &str) -> Option<String> {
    let without_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let path = without_scheme.find('/').map(|at| &without_scheme[at..]).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    Some(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_locations_name_a_header_or_a_place_in_the_payload() {
        let parsed = |location: &str| {
            Correlation::parse(location)
                .map(|c| (c.source, c.tokens.iter().map(String::as_str).collect::<Vec<_>>().join("|")))
        };
        assert_eq!(
            parsed("$message.header#/correlation_id"),
            Some((CorrelationSource::Header, "correlation_id".into()))
        );
        assert_eq!(
            parsed("$message.header#/MQMD/CorrelId"),
            Some((CorrelationSource::Header, "MQMD|CorrelId".into()))
        );
        assert_eq!(
            parsed("$message.payload#/a~1b/c%20d/0"),
            Some((CorrelationSource::Payload, "a/b|c d|0".into()))
        );
        // Percent-escapes are decoded first, then `~1` and `~0`, as RFC 6901 says.
        assert_eq!(parsed("$message.payload#/~01/%7E1"), Some((CorrelationSource::Payload, "~1|/".into())));
        assert_eq!(parsed("$message.payload#"), Some((CorrelationSource::Payload, String::new())));
        assert_eq!(parsed("$message.payload"), Some((CorrelationSource::Payload, String::new())));
        for nowhere in [
            "$message.header",
            "$message.header#",
            "$message.header#/",
            "$message.header#/a b",
            "$message.payload#id",
            "$message.payloads#/id",
            "$request.body#/id",
            "id",
        ] {
            assert_eq!(parsed(nowhere), None, "{nowhere}");
        }
    }

    #[test]
    fn parses_channel_addresses() {
        let parameters = vec!["id".to_owned(), "kind".to_owned()];
        assert_eq!(
            parse_address("a/{id}/b/{kind}", &parameters),
            [
                AddressPart::Literal("a/".into()),
                AddressPart::Parameter(0),
                AddressPart::Literal("/b/".into()),
                AddressPart::Parameter(1)
            ]
        );
        assert_eq!(parse_address("{unknown}/x", &parameters), [AddressPart::Literal("{unknown}/x".into())]);
    }

    #[test]
    fn tells_json_media_types() {
        for json in [
            "application/json",
            "application/cloudevents+json",
            "Application/JSON; charset=utf-8",
            "text/json",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in ["text/plain", "application/xml", "application/avro", "jsonl", "application/jsonl", ""] {
            assert!(!is_json_media_type(other), "{other}");
        }
    }

    #[test]
    fn names_handler_methods() {
        assert_eq!(handler_method("onRegistrantAdded"), "on_registrant_added");
        assert_eq!(handler_method("turnOn"), "on_turn_on");
        assert_eq!(handler_method("type"), "on_type");
    }

    #[test]
    fn finds_url_paths() {
        assert_eq!(
            url_path("https://your-domain.example.com/gotowebinar/callback").as_deref(),
            Some("/gotowebinar/callback")
        );
        assert_eq!(url_path("https://example.com").as_deref(), Some("/"));
        assert_eq!(url_path("example.com/x?y").as_deref(), Some("/x"));
    }
}
