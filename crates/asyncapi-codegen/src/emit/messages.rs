//! `src/messages.rs`: every message of the document by name, raw-body
//! validation against any of them, typed header sets, and the per-message
//! typed checks the parsers use.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{doc_lines, ident, resolve_alias};
use super::validate::Validators;
use crate::ir::Ir;
use crate::ir::api::MessageDef;
use crate::ir::schema::{JsonType, SchemaId};
use crate::ir::types::{TypeDef, TypeKind, TypeRef};

/// The crate-private name of the typed check of a message's payload (in
/// `validate.rs`).
pub fn typed_check_name(message: &MessageDef) -> proc_macro2::Ident {
    format_ident!("{}", message.typed_check)
}

/// The raw check of a message's payload, as an expression of type `CheckJson`.
pub fn raw_check(message: &MessageDef, validators: &Validators<'_>) -> TokenStream {
    match message.payload.as_ref().and_then(|(_, schema)| validators.function(*schema)) {
        Some(function) => quote!(crate::validate::#function),
        None => quote!(crate::messages::accept_anything),
    }
}

pub fn emit(ir: &Ir, validators: &Validators<'_>) -> TokenStream {
    let messages = &ir.api.messages;
    let variants: Vec<_> = messages.iter().map(|m| ident(&m.variant)).collect();
    let labels: Vec<&str> = messages.iter().map(|m| m.label.as_str()).collect();
    let count = proc_macro2::Literal::usize_unsuffixed(messages.len());
    let docs = messages.iter().map(|m| {
        let mut text = format!("`{}`", m.label);
        if let Some(title) = &m.title {
            text = format!("{title} (`{}`)", m.label);
        }
        if let Some(summary) = m.summary.as_ref().or(m.description.as_ref()) {
            text = format!("{text}\n\n{summary}");
        }
        doc_lines(&text)
    });
    let checks = messages.iter().map(|m| raw_check(m, validators));
    let schemas = messages.iter().map(|m| super::rust::raw_string(&m.schema_json));
    let headers = messages.iter().filter_map(|m| header_impl(m, ir, validators));
    let mut seen_headers = std::collections::BTreeSet::new();
    let headers: Vec<TokenStream> =
        headers.filter(|(name, _)| seen_headers.insert(name.clone())).map(|(_, tokens)| tokens).collect();
    let needs_fallback =
        messages.iter().any(|m| m.payload.as_ref().and_then(|(_, s)| validators.function(*s)).is_none());
    let fallback = if needs_fallback {
        quote! {
            /// The check of a message that declares no payload: anything goes.
            pub(crate) fn accept_anything<'v>(_: &'v serde_json::Value, _: &mut Path<'v>, _: &mut Violations, _: Mode) {}
        }
    } else {
        quote!()
    };
    let body = quote! {
        #fallback
        #(#headers)*
    };
    let items = quote! {
        /// Every message the document defines.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Message {
            #(#docs #variants,)*
        }

        impl Message {
            /// Every message, in the order the document uses them.
            pub const ALL: [Message; #count] = [#(Message::#variants),*];

            /// The name the document gives the message.
            pub fn name(self) -> &'static str {
                match self {
                    #(Message::#variants => #labels,)*
                }
            }

            /// The message the document calls `name`.
            pub fn from_name(name: &str) -> Option<Message> {
                Message::ALL.into_iter().find(|message| message.name() == name)
            }

            /// Validates a raw body against the message's payload schema and
            /// returns every violation, each with its JSON pointer. In
            /// [`Mode::Strict`], what the generator was told to tolerate (JSON
            /// integers in string properties) is a violation too.
            pub fn validate_body(self, body: &[u8], mode: Mode) -> Result<(), Violations> {
                asyncapi_rt::message::validate_slice(body, mode, self.check())
            }

            /// The payload's JSON Schema (draft-07) as the document gives it, in one
            /// piece: every `$ref` points into its `definitions`. What
            /// [`Message::validate_body`] checks, for any other validator.
            pub fn schema(self) -> &'static str {
                match self {
                    #(Message::#variants => #schemas,)*
                }
            }

            /// [`Message::validate_body`] for a parsed value.
            pub fn validate_json(self, value: &serde_json::Value, mode: Mode) -> Result<(), Violations> {
                asyncapi_rt::message::validate_json(value, mode, self.check())
            }

            fn check(self) -> CheckJson {
                match self {
                    #(Message::#variants => #checks,)*
                }
            }
        }

        #body
    };
    let mentioned = |name: &str| super::rust::uses_ident(&items, name);
    let imports = [
        super::rust::use_mentioned("asyncapi_rt::message", &["CheckJson", "Mode"], mentioned),
        super::rust::use_mentioned("asyncapi_rt::path", &["Path"], mentioned),
        super::rust::use_mentioned("asyncapi_rt::violation", &["Violations"], mentioned),
        super::rust::use_mentioned("crate", &["types"], mentioned),
    ];
    quote! {
        //! Every message of the document, by name: raw bodies validated against
        //! any of them, with every violation reported at once.

        #(#imports)*

        #items
    }
}

/// `impl Headers { pub const DECLARED; pub fn from_headers(...); pub fn
/// to_headers(...) }` for a typed header set (by type name, so a set shared by messages is emitted once).
fn header_impl(message: &MessageDef, ir: &Ir, validators: &Validators<'_>) -> Option<(String, TokenStream)> {
    let (def, schema) = parsed_headers(message, ir)?;
    let name = ident(&def.name);
    let check = validators.function(schema)?;
    let declared = declared_headers(schema, ir);
    Some((
        def.name.clone(),
        quote! {
            impl types::#name {
                /// The headers this set declares, and how their text reads as JSON.
                pub const DECLARED: &'static [(&'static str, asyncapi_rt::message::HeaderKind)] = &[#(#declared),*];

                /// Reads and validates this header set from a delivery's headers
                /// (names match case-insensitively).
                pub fn from_headers(headers: &asyncapi_rt::http::HeaderMap, mode: Mode) -> Result<Self, Violations> {
                    asyncapi_rt::message::parse_headers(headers, Self::DECLARED, mode, crate::validate::#check)
                }

                /// Validates this header set and writes it as HTTP headers, each
                /// declared one as [`Self::from_headers`] reads it back: every
                /// violation at once.
                pub fn to_headers(&self) -> Result<asyncapi_rt::http::HeaderMap, Violations> {
                    asyncapi_rt::outgoing::write_headers(self, Self::DECLARED, crate::validate::#check)
                }
            }
        },
    ))
}

/// The struct a message's headers parse into, and their schema: headers
/// whose schema makes no struct (`headers: {}`) are not read.
pub fn parsed_headers<'ir>(message: &MessageDef, ir: &'ir Ir) -> Option<(&'ir TypeDef, SchemaId)> {
    let (TypeRef::Named(id), schema) = message.headers.as_ref()? else { return None };
    let def = ir.types.get(*id);
    matches!(def.kind, TypeKind::Struct(_)).then_some((def, *schema))
}

/// `("Name", HeaderKind::...)` for each property of a headers schema.
pub fn declared_headers(schema: SchemaId, ir: &Ir) -> Vec<TokenStream> {
    let Some(keywords) = ir.schemas.keywords(schema) else { return Vec::new() };
    keywords
        .properties
        .iter()
        .map(|(name, property)| {
            let kind = text_kind(*property, ir);
            quote!((#name, #kind))
        })
        .collect()
}

/// How the text of a header or a channel parameter becomes JSON for `schema`:
/// read as a scalar (number, boolean) when the schema's type allows one, else
/// kept as a string.
pub fn text_kind(schema: SchemaId, ir: &Ir) -> TokenStream {
    let scalar = ir.schemas.keywords(schema).is_some_and(|keywords| {
        keywords.types.as_ref().is_some_and(|types| {
            types.iter().any(|t| matches!(t, JsonType::Integer | JsonType::Number | JsonType::Boolean))
        })
    });
    let kind = if scalar { quote!(Scalar) } else { quote!(Text) };
    quote!(asyncapi_rt::message::HeaderKind::#kind)
}

/// Whether a payload type implements `Validate` (named, not an alias).
pub fn implements_validate(ty: &TypeRef, ir: &Ir) -> bool {
    match resolve_alias(ty, &ir.types) {
        TypeRef::Named(id) => !matches!(ir.types.get(*id).kind, TypeKind::Alias(_)),
        _ => false,
    }
}
