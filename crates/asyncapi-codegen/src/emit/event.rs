//! `src/event.rs`: what the user receives. The `Event` enum with its parser and
//! router, the `Handler` trait with one method per received operation, and the
//! glue the runtime dispatcher calls.

use proc_macro2::TokenStream;
use quote::quote;

use super::messages::{raw_check, typed_check_name};
use super::rust::{Scope, doc_lines, ident, resolve_alias, type_tokens};
use super::validate::Validators;
use crate::ir::Ir;
use crate::ir::api::{AddressPart, ChannelDef, Correlation, CorrelationSource, EventRouting, Receive};
use crate::ir::discriminator::{Kind, Tree};
use crate::ir::naming::{self, Scope as NameScope};
use crate::ir::types::{TypeKind, TypeRef};

pub fn emit(ir: &Ir, validators: &Validators<'_>) -> TokenStream {
    let api = &ir.api;
    let variants: Vec<_> = api.receives.iter().map(|r| ident(&r.variant)).collect();
    let names: Vec<&str> = api.receives.iter().map(|receive| receive.name.as_str()).collect();
    let count = proc_macro2::Literal::usize_unsuffixed(names.len());
    // Each variant holds its message, and the channel's parameters where the
    // address it arrived on has some.
    let payloads: Vec<_> = api
        .receives
        .iter()
        .map(|r| {
            let payload = type_tokens(&api.messages[r.message].payload_type(), &ir.types, Scope::Crate);
            match carried_parameters(ir, r) {
                Some(parameters) => quote!(#payload, channels::#parameters),
                None => payload,
            }
        })
        .collect();
    let variant_docs = api.receives.iter().map(|r| receive_docs(ir, r));
    let message_variants = api.receives.iter().map(|r| ident(&api.messages[r.message].variant));
    let ignored: Vec<TokenStream> =
        api.receives.iter().map(|r| fields(ir, r, quote!(_), quote!(_))).collect();

    let routed_by = match &api.routing {
        EventRouting::Body(Tree::Switch { property, .. }) => format!(", routed by `{property}`"),
        EventRouting::Body(Tree::Kinds { .. }) => ", routed by their JSON kind and content".to_owned(),
        EventRouting::Body(Tree::Leaf(_)) => String::new(),
        EventRouting::Channel => ", routed by the channel it arrives on".to_owned(),
    };
    let enum_doc = doc_lines(&format!("Every message this API sends to you{routed_by}."));

    let (parse_body, parse_dispatch) = match &api.routing {
        EventRouting::Body(tree) => {
            let route = route_tree(ir, validators, tree);
            let parse_doc = doc_lines(&match tree {
                Tree::Switch { property, .. } => format!(
                    "Parses and validates a body, picking the message by `{property}`,\n\
                     so that an error is about that message. A valid body is read once,\n\
                     into its type; an invalid one is read again to report every violation."
                ),
                Tree::Kinds { .. } => {
                    "Parses and validates a body, picking the message by the body's\nJSON kind and content."
                        .to_owned()
                }
                Tree::Leaf(_) => {
                    "Parses and validates a body as the one message this API sends you.".to_owned()
                }
            });
            (
                quote! {
                    #parse_doc
                    pub fn parse(body: &[u8], mode: Mode) -> Result<Self, Rejection> {
                        #route
                    }

                    /// [`Event::parse`] in lenient mode.
                    pub fn from_slice(body: &[u8]) -> Result<Self, Rejection> {
                        Self::parse(body, Mode::Lenient)
                    }
                },
                quote!(Self::parse(&delivery.body, mode)?),
            )
        }
        EventRouting::Channel => {
            let route = route_channels(ir, validators);
            (
                quote! {
                    /// Parses and validates a body that arrived on `channel`.
                    pub fn parse_on_channel(channel: &str, body: &[u8], mode: Mode) -> Result<Self, Rejection> {
                        #route
                    }
                },
                quote! {
                    match &delivery.channel {
                        Some(channel) => Self::parse_on_channel(channel, &delivery.body, mode)?,
                        None => return Err(Rejection::unknown_channel("(none)")),
                    }
                },
            )
        }
    };

    let header_checks = header_checks(ir, validators);
    let correlation = correlation_method(ir);
    // The dispatcher's span and `inspect` show the ID through `Inbound`.
    let inbound_correlation = (!correlation.is_empty()).then(|| {
        quote! {
            fn correlation_id<'a>(
                &'a self,
                headers: &'a asyncapi_rt::http::HeaderMap,
            ) -> Option<std::borrow::Cow<'a, str>> {
                Event::correlation_id(self, headers)
            }
        }
    });
    // Where addresses carry parameters, the handler also hears of bad ones.
    let parameter = matches!(api.routing, EventRouting::Channel)
        .then(|| {
            api.channels
                .iter()
                .filter(|channel| !channel.receives.is_empty())
                .find_map(|channel| channel.parameters.first())
        })
        .flatten();
    let bad_parameters = parameter.map_or(String::new(), |parameter| {
        format!(
            ",\nor an address whose parameters break theirs (those point at the parameter's name:\n`/{}`)",
            parameter.wire
        )
    });
    let rejected_doc = doc_lines(&format!(
        "Receives a genuine delivery (its signature verified, where one is\n\
         checked) that could not be typed:\n\
         not JSON, an unknown message, a message that breaks its schema, or\n\
         headers that break the message's headers schema (those violations\n\
         point at the header's name: `/Content-Type`){bad_parameters}. `delivery.body` holds\n\
         the bytes, `rejection` every reason: store them, nothing else will."
    ));

    let dedupe = api.receives.iter().zip(&variants).map(|(receive, variant)| {
        let message = &api.messages[receive.message];
        let field = api.dedupe_key.as_ref().and_then(|key| dedupe_field(ir, &message.payload_type(), key));
        match field {
            Some((member, optional)) => {
                let member = ident(&member);
                let message = fields(ir, receive, quote!(message), quote!(_));
                if optional {
                    quote!(Self::#variant #message => message.#member.as_deref(),)
                } else {
                    quote!(Self::#variant #message => Some(message.#member.as_str()),)
                }
            }
            None => {
                let ignored = fields(ir, receive, quote!(_), quote!(_));
                quote!(Self::#variant #ignored => None,)
            }
        }
    });
    let dedupe: Vec<TokenStream> = dedupe.collect();
    // Without a key, no variant has one: nothing to match.
    let dedupe_body =
        if api.dedupe_key.is_some() { quote!(match self { #(#dedupe)* }) } else { quote!(None) };
    let dedupe_doc = doc_lines(&match &api.dedupe_key {
        Some(key) => format!("The `{key}` of the message, which identifies one delivery for de-duplication."),
        None => "The document names no property that identifies a delivery: no de-duplication.".to_owned(),
    });

    let methods = api.receives.iter().map(|receive| {
        let method = ident(&receive.method);
        let payload = type_tokens(&api.messages[receive.message].payload_type(), &ir.types, Scope::Crate);
        let docs = method_docs(ir, receive);
        let parameters = carried_parameters(ir, receive).map(|parameters| quote!(parameters: channels::#parameters,));
        quote! {
            #docs
            fn #method(&self, message: #payload, #parameters delivery: &Delivery) -> impl Future<Output = Result<(), Self::Error>> + Send;
        }
    });
    let calls = api.receives.iter().zip(&variants).map(|(receive, variant)| {
        let method = ident(&receive.method);
        let held = fields(ir, receive, quote!(message), quote!(parameters));
        let parameters = carried_parameters(ir, receive).map(|_| quote!(parameters,));
        quote!(Event::#variant #held => handler.#method(message, #parameters delivery).await,)
    });
    // `serde(untagged)` would write a variant with parameters as an array: an
    // event is written as its message alone, as it came.
    let (derive_serialize, untagged, serialize) =
        if api.receives.iter().any(|r| carried_parameters(ir, r).is_some()) {
            let arms = api.receives.iter().zip(&variants).map(|(receive, variant)| {
                let message = fields(ir, receive, quote!(message), quote!(_));
                quote!(Self::#variant #message => serde::Serialize::serialize(message, serializer),)
            });
            (
                quote!(),
                quote!(),
                quote! {
                    /// Written as its message alone, as it came: the channel's
                    /// parameters are the address's, not the message's.
                    impl serde::Serialize for Event {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            match self {
                                #(#arms)*
                            }
                        }
                    }
                },
            )
        } else {
            (quote!(serde::Serialize,), quote!(#[serde(untagged)]), quote!())
        };

    let router = match &api.webhook_path {
        Some(path) => {
            // Lines of docs written here, not taken from the document: as they are.
            let (path_doc, router_doc, endpoint): (&[&str], &[&str], _) = match &api.routing {
                EventRouting::Body(_) => (
                    &[" The path of the document's HTTP server URL, where deliveries arrive."],
                    &[
                        " An axum router that receives deliveries at [`WEBHOOK_PATH`] (feature",
                        " `axum`); see `asyncapi_rt::axum` for the statuses it answers.",
                    ],
                    quote!(WEBHOOK_PATH),
                ),
                EventRouting::Channel => {
                    let leading_slash = api.channels_start_with_a_slash();
                    (
                        &[
                            " The path of the document's HTTP server URL, under which each",
                            " channel's address is a path.",
                        ],
                        &[
                            " An axum router that receives deliveries under [`WEBHOOK_PATH`], the",
                            " rest of the path naming the channel (feature `axum`); see",
                            " `asyncapi_rt::axum` for the statuses it answers.",
                        ],
                        quote!(asyncapi_rt::axum::Endpoint::Channels { base: WEBHOOK_PATH, leading_slash: #leading_slash }),
                    )
                }
            };
            quote! {
                #(#[doc = #path_doc])*
                pub const WEBHOOK_PATH: &str = #path;

                #(#[doc = #router_doc])*
                #[cfg(feature = "axum")]
                pub fn router<H, D>(dispatcher: std::sync::Arc<Dispatcher<H, D>>) -> asyncapi_rt::axum::Router
                where
                    H: Handler + 'static,
                    D: asyncapi_rt::dedupe::DedupeStore,
                {
                    asyncapi_rt::axum::router(dispatcher, #endpoint)
                }
            }
        }
        None => quote!(),
    };

    let items = quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq, #derive_serialize)]
        #untagged
        #[allow(clippy::large_enum_variant, reason = "an event is moved once, into its handler: boxing would cost an allocation per delivery")]
        pub enum Event {
            #(#variant_docs #variants(#payloads),)*
        }

        #serialize

        impl Event {
            /// The name of each message, as `name` returns it.
            pub const NAMES: [&'static str; #count] = [#(#names),*];

            #parse_body

            /// The message's name: its discriminator value where it has one.
            pub fn name(&self) -> &'static str {
                match self {
                    #(Self::#variants #ignored => #names,)*
                }
            }

            /// Which message of the document this is.
            pub fn message(&self) -> crate::messages::Message {
                match self {
                    #(Self::#variants #ignored => crate::messages::Message::#message_variants,)*
                }
            }

            /// Validates the headers the message declares.
            pub fn check_headers(&self, headers: &asyncapi_rt::http::HeaderMap, mode: Mode) -> Result<(), Rejection> {
                #header_checks
            }

            #dedupe_doc
            pub fn dedupe_key(&self) -> Option<&str> {
                #dedupe_body
            }

            #correlation
        }

        impl Inbound for Event {
            fn parse(delivery: &Delivery, mode: Mode) -> Result<Self, Rejection> {
                let event = #parse_dispatch;
                event.check_headers(&delivery.headers, mode)?;
                Ok(event)
            }

            fn name(&self) -> &'static str {
                Event::name(self)
            }

            fn dedupe_key(&self) -> Option<&str> {
                Event::dedupe_key(self)
            }

            #inbound_correlation
        }

        /// What to do with each message this API sends you: one method per
        /// operation you receive, and one for deliveries that could not be typed.
        ///
        /// Methods return futures, so handlers can await. A method's error is the
        /// dispatch's `Outcome::HandlerFailed`, which the HTTP receiver answers
        /// with 500, so that the sender retries.
        pub trait Handler: Send + Sync {
            /// Why a method failed.
            type Error: std::error::Error + Send + Sync + 'static;

            #(#methods)*

            #rejected_doc
            fn on_rejected(&self, rejection: Rejection, delivery: &Delivery) -> impl Future<Output = Result<(), Self::Error>> + Send;
        }

        impl<H: Handler> Route<H> for Event {
            type Error = H::Error;

            async fn route(self, handler: &H, delivery: &Delivery) -> Result<(), H::Error> {
                match self {
                    #(#calls)*
                }
            }

            fn reject(handler: &H, rejection: Rejection, delivery: &Delivery) -> impl Future<Output = Result<(), H::Error>> + Send {
                handler.on_rejected(rejection, delivery)
            }
        }

        /// Verifies, parses, de-duplicates and routes deliveries to a [`Handler`].
        pub type Dispatcher<H, D = asyncapi_rt::dedupe::MemoryDedupe> = asyncapi_rt::dispatch::Dispatcher<Event, H, D>;

        #router
    };
    let mentioned = |name: &str| super::rust::uses_ident(&items, name);
    // In the order rustfmt would sort them; `crate` last, as in the other modules.
    let imports = [
        super::rust::use_mentioned("asyncapi_rt::message", &["Mode", "Rejection"], mentioned),
        super::rust::use_mentioned("crate", &["channels", "types"], mentioned),
    ];
    quote! {
        //! What this API sends you: parsed, validated and routed to your handler.

        use std::future::Future;

        use asyncapi_rt::dispatch::{Delivery, Inbound, Route};
        #(#imports)*

        #items
    }
}

fn receive_docs(ir: &Ir, receive: &Receive) -> TokenStream {
    let message = &ir.api.messages[receive.message];
    let mut paragraphs = Vec::new();
    if let Some(title) = &message.title {
        paragraphs.push(title.clone());
    }
    if let Some(text) =
        receive.description.as_ref().or(message.description.as_ref()).or(message.summary.as_ref())
    {
        paragraphs.push(text.clone());
    }
    let channel = &ir.api.channels[receive.channel];
    let with = if carried_parameters(ir, receive).is_some() {
        ", with the parameters its address holds"
    } else {
        ""
    };
    paragraphs.push(format!("Received on channel `{}`{with}.", channel.name));
    doc_lines(&paragraphs.join("\n\n"))
}

fn method_docs(ir: &Ir, receive: &Receive) -> TokenStream {
    let message = &ir.api.messages[receive.message];
    let channel = &ir.api.channels[receive.channel];
    let mut paragraphs = Vec::new();
    paragraphs.push(receive.summary.clone().unwrap_or_else(|| format!("Receives `{}`.", message.label)));
    if let Some(text) =
        channel.description.as_ref().or(receive.description.as_ref()).or(message.description.as_ref())
    {
        paragraphs.push(text.clone());
    }
    let operation =
        receive.operation_id.as_ref().map(|id| format!(" (operation `{id}`)")).unwrap_or_default();
    let parameters = if carried_parameters(ir, receive).is_some() {
        ": `parameters` are those of the address it arrived on, each checked against its schema"
    } else {
        ""
    };
    paragraphs.push(format!("Channel `{}`{operation}{parameters}.", channel.name));
    doc_lines(&paragraphs.join("\n\n"))
}

/// The payload field holding the de-duplication key, and whether it is optional.
fn dedupe_field(ir: &Ir, payload: &TypeRef, key: &str) -> Option<(String, bool)> {
    let TypeRef::Named(id) = resolve_alias(payload, &ir.types) else { return None };
    let TypeKind::Struct(s) = &ir.types.get(*id).kind else { return None };
    let field = s.fields.iter().find(|f| f.wire == key)?;
    match &field.ty {
        TypeRef::String | TypeRef::LenientString => Some((field.name.clone(), false)),
        TypeRef::Option(inner) if matches!(**inner, TypeRef::String | TypeRef::LenientString) => {
            Some((field.name.clone(), true))
        }
        _ => None,
    }
}

/// `Event::correlation_id`, where some message the user receives has a
/// `correlationId` the generated code can read.
fn correlation_method(ir: &Ir) -> TokenStream {
    let api = &ir.api;
    let located: Vec<(&Receive, &Correlation)> = api
        .receives
        .iter()
        .filter_map(|receive| Some((receive, api.messages[receive.message].correlation_id.as_ref()?)))
        .collect();
    if located.is_empty() {
        return TokenStream::new();
    }
    let arms = api.receives.iter().map(|receive| {
        let variant = ident(&receive.variant);
        let ignored = fields(ir, receive, quote!(_), quote!(_));
        let message = &api.messages[receive.message];
        let Some(correlation) = &message.correlation_id else {
            return quote!(Self::#variant #ignored => None,);
        };
        let tokens = &correlation.tokens;
        match correlation.source {
            CorrelationSource::Header => quote! {
                Self::#variant #ignored => asyncapi_rt::correlation::in_headers(headers, &[#(#tokens),*]),
            },
            CorrelationSource::Payload => {
                let bound = fields(ir, receive, quote!(message), quote!(_));
                let read = payload_correlation(ir, &message.payload_type(), tokens);
                quote!(Self::#variant #bound => #read,)
            }
        }
    });
    let reads_headers =
        located.iter().any(|(_, correlation)| correlation.source == CorrelationSource::Header);
    let headers = if reads_headers { quote!(headers: &'a) } else { quote!(_: &) };
    let places: String = located
        .iter()
        .map(|(receive, correlation)| format!("\n- `{}`: `{}`", receive.name, correlation.location))
        .collect();
    let from_headers = if reads_headers { " (a header from `headers`, the delivery's)" } else { "" };
    let doc = doc_lines(&format!(
        "The message's correlation ID, read where the document's `correlationId`\n\
         says{from_headers}:{places}\n\n\
         `None` for other messages, and where that place holds nothing or `null`."
    ));
    quote! {
        #doc
        pub fn correlation_id<'a>(
            &'a self,
            #headers asyncapi_rt::http::HeaderMap,
        ) -> Option<std::borrow::Cow<'a, str>> {
            match self {
                #(#arms)*
            }
        }
    }
}

/// Reads the payload `message` (a reference) at `tokens`: through its fields
/// as far as its types lead (borrowing strings), then through the JSON of the
/// value reached (inside arrays, maps, unions).
fn payload_correlation(ir: &Ir, payload: &TypeRef, tokens: &[String]) -> TokenStream {
    let mut read = Read { steps: Vec::new(), place: quote!(message), is_reference: true };
    let mut ty = payload;
    let mut followed = 0;
    for token in tokens {
        ty = read.past_options(ir, ty);
        let field = match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => match &ir.types.get(*id).kind {
                TypeKind::Struct(object) => object.fields.iter().find(|field| field.wire == *token),
                _ => None,
            },
            _ => None,
        };
        let Some(field) = field else { break };
        let name = ident(&field.name);
        let place = &read.place;
        read.place = quote!(#place.#name);
        read.is_reference = false;
        ty = &field.ty;
        followed += 1;
    }
    let rest = &tokens[followed..];
    let ty = if rest.is_empty() { read.past_options(ir, ty) } else { ty };
    let Read { steps, place, is_reference } = read;
    let value = if is_reference { place.clone() } else { quote!(&#place) };
    let leaf = match ty {
        _ if !rest.is_empty() => quote!(asyncapi_rt::correlation::in_payload(#value, &[#(#rest),*])),
        TypeRef::String | TypeRef::LenientString | TypeRef::Url => {
            quote!(Some(std::borrow::Cow::Borrowed(#place.as_str())))
        }
        _ => quote!(asyncapi_rt::correlation::text(#value)),
    };
    if steps.is_empty() {
        leaf
    } else {
        quote!({
            #(#steps)*
            #leaf
        })
    }
}

/// A path into a payload, as code: `let`s for the `Option`s on the way, and
/// the place reached.
struct Read {
    steps: Vec<TokenStream>,
    place: TokenStream,
    is_reference: bool,
}

impl Read {
    /// `ty` past its aliases and `Option`s, each `Option` left with `?`.
    fn past_options<'t>(&mut self, ir: &'t Ir, mut ty: &'t TypeRef) -> &'t TypeRef {
        loop {
            match resolve_alias(ty, &ir.types) {
                TypeRef::Option(inner) => {
                    let place = &self.place;
                    self.steps.push(quote!(let value = #place.as_ref()?;));
                    self.place = quote!(value);
                    self.is_reference = true;
                    ty = inner;
                }
                other => return other,
            }
        }
    }
}

/// `check_headers`' body: variants sharing a header set share an arm.
fn header_checks(ir: &Ir, validators: &Validators<'_>) -> TokenStream {
    let api = &ir.api;
    let mut arms: Vec<(Vec<TokenStream>, TokenStream)> = Vec::new();
    for receive in &api.receives {
        let message = &api.messages[receive.message];
        let check = message.headers.as_ref().and_then(|(ty, schema)| {
            let function = validators.function(*schema)?;
            let declared = super::messages::declared_headers(*schema, ir);
            Some(match ty {
                TypeRef::Named(id) if matches!(ir.types.get(*id).kind, TypeKind::Struct(_)) => {
                    let ty = type_tokens(ty, &ir.types, Scope::Crate);
                    quote!(#ty::from_headers(headers, mode).map(drop))
                }
                _ => quote! {
                    asyncapi_rt::message::validate_json(&asyncapi_rt::message::headers_json(headers, &[#(#declared),*], mode), mode, crate::validate::#function)
                },
            })
        });
        let Some(check) = check else { continue };
        let variant = ident(&receive.variant);
        let ignored = fields(ir, receive, quote!(_), quote!(_));
        let variant = quote!(#variant #ignored);
        match arms.iter_mut().find(|(_, existing)| existing.to_string() == check.to_string()) {
            Some((variants, _)) => variants.push(variant),
            None => arms.push((vec![variant], check)),
        }
    }
    if arms.is_empty() {
        return quote! {
            let _ = (headers, mode);
            Ok(())
        };
    }
    let all_covered = arms.iter().map(|(variants, _)| variants.len()).sum::<usize>() == api.receives.len();
    let arms = arms.iter().map(|(variants, check)| {
        quote!(#(Self::#variants)|* => #check.map_err(|violations| Rejection::invalid(self.name(), violations)),)
    });
    let rest = if all_covered { quote!() } else { quote!(_ => Ok(()),) };
    quote! {
        match self {
            #(#arms)*
            #rest
        }
    }
}

/// The parse of received message `index`'s body.
fn parse_leaf(ir: &Ir, validators: &Validators<'_>, index: usize) -> TokenStream {
    let receive = &ir.api.receives[index];
    let message = &ir.api.messages[receive.message];
    let name = &receive.name;
    let typed = typed_check_name(message);
    let raw = raw_check(message, validators);
    let build = build_event(ir, receive);
    quote! {
        asyncapi_rt::message::parse_message(#name, body, mode, crate::validate::#typed, #raw).map(#build)
    }
}

/// What makes an event of received message `receive` from its parsed payload:
/// the variant, or a closure that adds the channel's `parameters` (read first,
/// so each path through the parser moves them once).
fn build_event(ir: &Ir, receive: &Receive) -> TokenStream {
    let variant = ident(&receive.variant);
    match carried_parameters(ir, receive) {
        Some(_) => quote!(|message| Self::#variant(message, parameters)),
        None => quote!(Self::#variant),
    }
}

/// The fields of `receive`'s variant, as a pattern: `(message)`, or
/// `(message, parameters)` where it carries its channel's parameters.
fn fields(ir: &Ir, receive: &Receive, message: TokenStream, parameters: TokenStream) -> TokenStream {
    match carried_parameters(ir, receive) {
        Some(_) => quote!((#message, #parameters)),
        None => quote!((#message)),
    }
}

/// The channel parameters' struct (in `channels.rs`) that events of
/// `receive` carry: where deliveries are routed by the channel they arrive on
/// and its address has parameters.
pub fn carried_parameters(ir: &Ir, receive: &Receive) -> Option<proc_macro2::Ident> {
    match ir.api.routing {
        EventRouting::Channel => ir.api.channels[receive.channel].parameters_type.as_deref().map(ident),
        EventRouting::Body(_) => None,
    }
}

/// Parsing by body: the JSON kind where messages differ in kind, then the
/// discriminator properties (probed, borrowed from the body), then the one
/// message they name.
fn route_tree(ir: &Ir, validators: &Validators<'_>, tree: &Tree) -> TokenStream {
    let properties = tree.properties();
    // The probed values are locals of `Event::parse` (or `parse_on_channel`,
    // whose `channel` and `parameters` they sit beside): none may shadow another.
    let mut scope = NameScope::with_reserved(&[
        "body",
        "mode",
        "channel",
        "parameters",
        "guessed",
        "parsed",
        "other",
        "error",
    ]);
    let fields: Vec<(String, proc_macro2::Ident)> =
        properties.iter().map(|p| (p.clone(), ident(&scope.claim(&naming::snake(p))))).collect();
    switch(ir, validators, tree, &fields, false)
}

/// The code that follows `tree`; `probed` tells whether `probe` is read yet.
fn switch(
    ir: &Ir,
    validators: &Validators<'_>,
    tree: &Tree,
    fields: &[(String, proc_macro2::Ident)],
    probed: bool,
) -> TokenStream {
    match tree {
        Tree::Leaf(index) => parse_leaf(ir, validators, *index),
        Tree::Kinds { cases } => {
            let mut expected = Vec::new();
            let arms = cases.iter().map(|(kinds, case)| {
                let inner = switch(ir, validators, case, fields, probed);
                let patterns: Vec<TokenStream> = kinds.iter().map(|kind| kind_tokens(*kind)).collect();
                expected.extend(patterns.clone());
                quote!(#(Some(#patterns))|* => { #inner })
            });
            let arms: Vec<TokenStream> = arms.collect();
            quote! {
                use asyncapi_rt::body::JsonKind;
                match asyncapi_rt::body::json_kind(body) {
                    #(#arms)*
                    _ => Err(asyncapi_rt::body::unexpected_kind(body, &[#(#expected),*])),
                }
            }
        }
        Tree::Switch { property, cases } => {
            let member = fields.iter().find(|(wire, _)| wire == property).map(|(_, m)| m.clone());
            let values: Vec<&str> = cases.iter().map(|(value, _)| value.as_str()).collect();
            let arms = cases.iter().map(|(value, case)| {
                let inner = switch(ir, validators, case, fields, true);
                quote!(Some(#value) => { #inner })
            });
            let read = if probed {
                quote!()
            } else {
                let guessed = guessed_route(ir, validators, property, cases);
                let (wires, members): (Vec<&String>, Vec<&proc_macro2::Ident>) =
                    fields.iter().map(|(wire, member)| (wire, member)).unzip();
                quote! {
                    #guessed
                    let [#(#members),*] = asyncapi_rt::body::probe(body, [#(#wires),*])?;
                }
            };
            let all_names = ir.api.receives.len() == values.len()
                && (0..ir.api.receives.len())
                    .all(|index| values.contains(&ir.api.receives[index].name.as_str()));
            let expected = if all_names { quote!(&Self::NAMES) } else { quote!(&[#(#values),*]) };
            quote! {
                #read
                match #member.as_str() {
                    #(#arms)*
                    _ => Err(Rejection::unknown(#property, &#member, #expected)),
                }
            }
        }
    }
}

/// The fast way for valid deliveries, before the probe: guess the value of
/// `property` from the raw bytes, parse the body as the message it names, and
/// keep the result when that parse succeeds (anything else goes the careful
/// way, which explains itself). Only for messages whose type proves the guess
/// when it parses; nothing when none does.
fn guessed_route(
    ir: &Ir,
    validators: &Validators<'_>,
    property: &str,
    cases: &[(String, Tree)],
) -> TokenStream {
    let arms: Vec<TokenStream> = cases
        .iter()
        .filter_map(|(value, case)| match case {
            Tree::Leaf(index) if parse_proves(ir, *index, property, value) => {
                let receive = &ir.api.receives[*index];
                let message = &ir.api.messages[receive.message];
                let name = &receive.name;
                let typed = typed_check_name(message);
                let raw = raw_check(message, validators);
                let build = build_event(ir, receive);
                // Each guess returns as soon as it holds: what moves into the
                // event moves once.
                Some(quote! {
                    if guessed == Some(#value)
                        && let Some(parsed) = asyncapi_rt::message::try_parse_message(#name, body, mode, crate::validate::#typed, #raw)
                    {
                        return parsed.map(#build);
                    }
                })
            }
            _ => None,
        })
        .collect();
    if arms.is_empty() {
        return quote!();
    }
    quote! {
        let guessed = asyncapi_rt::body::sniff_string(body, #property);
        #(#arms)*
    }
}

/// Whether a successful typed parse of received message `index` proves that
/// the body's `property` is `value`: its payload struct requires the property,
/// as an enum of that one string.
fn parse_proves(ir: &Ir, index: usize, property: &str, value: &str) -> bool {
    let message = &ir.api.messages[ir.api.receives[index].message];
    let Some((payload, _)) = &message.payload else { return false };
    let TypeRef::Named(id) = resolve_alias(payload, &ir.types) else { return false };
    let TypeKind::Struct(payload) = &ir.types.get(*id).kind else { return false };
    payload.fields.iter().any(|field| {
        field.wire == property
            && field.required
            && matches!(resolve_alias(&field.ty, &ir.types), TypeRef::Named(tag)
                if matches!(&ir.types.get(*tag).kind, TypeKind::StringEnum(variants)
                    if variants.len() == 1 && variants[0].value == value))
    })
}

fn kind_tokens(kind: Kind) -> TokenStream {
    match kind {
        Kind::Object => quote!(JsonKind::Object),
        Kind::Array => quote!(JsonKind::Array),
        Kind::String => quote!(JsonKind::String),
        Kind::Number => quote!(JsonKind::Number),
        Kind::Boolean => quote!(JsonKind::Boolean),
        Kind::Null => quote!(JsonKind::Null),
    }
}

/// Parsing by channel: the address picks the channel (its parameters checked),
/// the channel's tree picks the message. The most precise channel is tried
/// first: names without parameters, then templates by how much literal text
/// they have (`users/{id}/profile` before `users/{id}`), in document order.
fn route_channels(ir: &Ir, validators: &Validators<'_>) -> TokenStream {
    let mut channels: Vec<&ChannelDef> = ir.api.channels.iter().filter(|c| !c.receives.is_empty()).collect();
    channels.sort_by_key(|channel| {
        let literal: usize = channel
            .address
            .iter()
            .map(|part| match part {
                AddressPart::Literal(text) => text.len(),
                AddressPart::Parameter(_) => 0,
            })
            .sum();
        (channel.parameters_type.is_some(), std::cmp::Reverse(literal))
    });
    let arms = channels.into_iter().map(|channel| {
        let body = route_tree(ir, validators, &channel.tree);
        match &channel.parameters_type {
            None => {
                let name = &channel.name;
                // clippy asks `is_empty` of a comparison with "".
                let matches =
                    if name.is_empty() { quote!(channel.is_empty()) } else { quote!(channel == #name) };
                quote! {
                    if #matches {
                        #body
                    }
                }
            }
            Some(parameters) => {
                let parameters = ident(parameters);
                // Bad parameters are reported before the body is read, so the
                // message is named only when the channel has just one.
                let mut names: Vec<&str> =
                    channel.receives.iter().map(|&receive| ir.api.receives[receive].name.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                let message = match names.as_slice() {
                    [name] => quote!(Some(#name)),
                    _ => quote!(None),
                };
                quote! {
                    if let Some(parameters) = channels::#parameters::parse(channel) {
                        let parameters = parameters
                            .map_err(|violations| Rejection::invalid_parameters(#message, violations))?;
                        #body
                    }
                }
            }
        }
    });
    quote! {
        #(#arms)else*
        else {
            Err(Rejection::unknown_channel(channel))
        }
    }
}
