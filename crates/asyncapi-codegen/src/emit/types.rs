//! `src/types.rs`: one Rust type per named type of the IR.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::rust::{Scope, doc_attrs, doc_lines, ident, resolve_alias, type_tokens};
use crate::ir::naming;
use crate::ir::types::{Field, StringVariant, Struct, TypeDef, TypeKind, TypeRef, TypeSpace, Union, Unknown};

/// The start of `types.rs`: its documentation.
pub fn emit_header() -> TokenStream {
    quote! {
        //! The types of every message payload, header set and channel parameter,
        //! and of the objects and enums they contain.
    }
}

/// The types in `range` (indexes into `types`).
pub fn emit_items(types: &TypeSpace, range: std::ops::Range<usize>) -> TokenStream {
    let items = types.types[range].iter().map(|def| emit_type(def, types));
    quote!(#(#items)*)
}

fn emit_type(def: &TypeDef, types: &TypeSpace) -> TokenStream {
    let name = ident(&def.name);
    let mut docs = def.docs.clone();
    if def.deprecated {
        let note = "Deprecated by the document.".to_owned();
        docs.description = Some(match docs.description {
            Some(description) => format!("{description}\n\n{note}"),
            None => note,
        });
    }
    let docs = doc_attrs(&docs);
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(&name, docs, s, types),
        TypeKind::StringEnum(variants) => emit_string_enum(&name, docs, variants),
        TypeKind::IntegerEnum(variants) => {
            let names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
            let values: Vec<_> =
                variants.iter().map(|v| proc_macro2::Literal::i64_unsuffixed(v.value)).collect();
            let expected = format!(
                "{{other}} is not one of {}",
                variants.iter().map(|v| v.value.to_string()).collect::<Vec<_>>().join(", ")
            );
            quote! {
                #docs
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
                #[serde(try_from = "i64", into = "i64")]
                pub enum #name {
                    #(#names,)*
                }

                impl From<#name> for i64 {
                    fn from(value: #name) -> i64 {
                        match value {
                            #(#name::#names => #values,)*
                        }
                    }
                }

                impl TryFrom<i64> for #name {
                    type Error = String;
                    fn try_from(value: i64) -> Result<Self, String> {
                        match value {
                            #(#values => Ok(Self::#names),)*
                            other => Err(format!(#expected)),
                        }
                    }
                }
            }
        }
        TypeKind::Union(union) => emit_union(&name, docs, union, types),
        TypeKind::Alias(target) => {
            let target = type_tokens(target, types, Scope::Types);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

fn emit_struct(name: &proc_macro2::Ident, docs: TokenStream, s: &Struct, types: &TypeSpace) -> TokenStream {
    // `rename_all = "camelCase"` when it spells every field right and saves renames.
    let camel_fits = s.fields.iter().all(|f| naming::serde_camel_case(&f.name) == f.wire);
    let plain_fits = s.fields.iter().all(|f| naming::unraw(&f.name) == f.wire);
    let rename_all = camel_fits && !plain_fits;
    let fields = s.fields.iter().map(|field| emit_field(field, types, rename_all));
    let container = {
        let mut attrs = Vec::new();
        if rename_all {
            attrs.push(quote!(rename_all = "camelCase"));
        }
        if s.unknown == Unknown::Deny {
            attrs.push(quote!(deny_unknown_fields));
        }
        if attrs.is_empty() { quote!() } else { quote!(#[serde(#(#attrs),*)]) }
    };
    let extra = match &s.unknown {
        Unknown::Capture { field, value } => {
            let field = ident(field);
            let value = type_tokens(value, types, Scope::Types);
            quote! {
                /// Properties the schema does not list, kept as they came and written back.
                #[serde(flatten)]
                pub #field: std::collections::BTreeMap<String, #value>,
            }
        }
        _ => quote!(),
    };
    // With every property optional, `..Default::default()` spares listing the absent ones.
    let default = if s.fields.iter().all(|field| !field.required) { quote!(Default,) } else { quote!() };
    quote! {
        #docs
        #[derive(Debug, Clone, #default PartialEq, serde::Serialize, serde::Deserialize)]
        #container
        pub struct #name {
            #(#fields)*
            #extra
        }
    }
}

fn emit_field(field: &Field, types: &TypeSpace, rename_all: bool) -> TokenStream {
    let name = ident(&field.name);
    let ty = type_tokens(&field.ty, types, Scope::Types);
    let mut text = field.docs.description.clone().or_else(|| field.docs.title.clone()).unwrap_or_default();
    if let Some(default) = &field.default {
        let note = format!("Default: `{}`.", compact(default));
        text = if text.is_empty() { note } else { format!("{text}\n\n{note}") };
    }
    if !field.examples.is_empty() {
        let values: Vec<String> =
            field.examples.iter().map(|example| format!("`{}`", compact(example))).collect();
        let note = format!("Example{}: {}.", if values.len() > 1 { "s" } else { "" }, values.join(", "));
        text = if text.is_empty() { note } else { format!("{text}\n\n{note}") };
    }
    if *innermost(&field.ty) == TypeRef::LenientString {
        let note =
            "Also accepted as a JSON integer (up to 64 bits), which real traffic sends; every digit is kept.";
        text = if text.is_empty() { note.to_owned() } else { format!("{text}\n\n{note}") };
    }
    if field.deprecated {
        text = if text.is_empty() {
            "Deprecated by the document.".to_owned()
        } else {
            format!("{text}\n\nDeprecated by the document.")
        };
    }
    let docs = doc_lines(&text);
    let mut serde = Vec::new();
    let spelled = if rename_all {
        naming::serde_camel_case(&field.name)
    } else {
        naming::unraw(&field.name).to_owned()
    };
    if spelled != field.wire {
        let wire = &field.wire;
        serde.push(quote!(rename = #wire));
    }
    // An optional property is `Option<T>`: absent is `None`, and anything
    // present is read as `T`, which reads `null` only where the schema allows
    // it (`T` is then `Option<_>`, `()` or a JSON value), so that `null` and
    // absent stay apart and each is written back as it came.
    let optional = !field.required;
    if optional {
        serde.push(quote!(default, skip_serializing_if = "Option::is_none"));
    }
    let nullable = match &field.ty {
        TypeRef::Option(inner) => !optional || inner.is_option(),
        _ => false,
    };
    match serde_helper(&field.ty, types) {
        Some(helper) => {
            let twin = match (optional, nullable) {
                (false, false) => "",
                (false, true) => "option_",
                (true, false) => "present_",
                (true, true) => "present_option_",
            };
            let path = format!("asyncapi_rt::serde_helpers::{twin}{helper}");
            serde.push(quote!(with = #path));
        }
        None if optional => serde.push(quote!(deserialize_with = "asyncapi_rt::serde_helpers::present")),
        // serde reads an absent `Option` as `None` unless told how to read it.
        None if nullable => serde.push(quote!(deserialize_with = "serde::Deserialize::deserialize")),
        None => {}
    }
    let serde = if serde.is_empty() { quote!() } else { quote!(#[serde(#(#serde),*)]) };
    quote! {
        #docs
        #serde
        pub #name: #ty,
    }
}

/// The runtime helper a field's type needs, if any (see
/// `asyncapi_rt::serde_helpers`): typed formats accept exactly what JSON Schema
/// allows, lenient strings accept integers.
fn serde_helper(ty: &TypeRef, types: &TypeSpace) -> Option<&'static str> {
    match resolve_alias(innermost(ty), types) {
        TypeRef::LenientString => Some("string_or_integer"),
        TypeRef::DateTime => Some("date_time"),
        TypeRef::Date => Some("date"),
        TypeRef::Url => Some("url"),
        TypeRef::Uuid => Some("uuid"),
        _ => None,
    }
}

/// The type inside any `Option`s.
fn innermost(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Option(inner) => innermost(inner),
        other => other,
    }
}

fn emit_string_enum(name: &proc_macro2::Ident, docs: TokenStream, variants: &[StringVariant]) -> TokenStream {
    let names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<_> = variants.iter().map(|v| v.value.as_str()).collect();
    let renames = variants.iter().map(|v| {
        let value = &v.value;
        quote!(#[serde(rename = #value)])
    });
    let variant_docs = variants.iter().map(|v| doc_lines(&format!("`{}`", v.value.escape_debug())));
    let count = proc_macro2::Literal::usize_unsuffixed(variants.len());
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum #name {
            #(
                #variant_docs
                #renames
                #names,
            )*
        }

        impl #name {
            /// Every value, in the order the document lists them.
            pub const ALL: [Self; #count] = [#(Self::#names),*];

            /// The value as it is written in messages.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#names => #values,)*
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn emit_union(name: &proc_macro2::Ident, docs: TokenStream, union: &Union, types: &TypeSpace) -> TokenStream {
    let names: Vec<_> = union.variants.iter().map(|v| ident(&v.name)).collect();
    let tys: Vec<_> = union.variants.iter().map(|v| type_tokens(&v.ty, types, Scope::Types)).collect();
    // A blank doc line parts the type's own docs from what the union adds, if it has any.
    let docs = if docs.is_empty() {
        docs
    } else {
        quote! { #docs #[doc = ""] }
    };
    let Some(tag) = &union.tag else {
        return quote! {
            #docs
            /// The first alternative that parses is taken.
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#names(#tys),)*
            }
        };
    };
    let values: Vec<&str> =
        union.variants.iter().map(|v| v.tag_value.as_deref().unwrap_or_default()).collect();
    let tag_doc = doc_lines(&format!("Tagged by `{tag}`: its value picks the alternative."));
    quote! {
        #docs
        #tag_doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#names(#tys),)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let value = serde_json::Value::deserialize(deserializer)?;
                match value.get(#tag).and_then(serde_json::Value::as_str) {
                    #(Some(#values) => serde_json::from_value(value).map(Self::#names).map_err(D::Error::custom),)*
                    Some(other) => Err(D::Error::unknown_variant(other, &[#(#values),*])),
                    None => Err(D::Error::missing_field(#tag)),
                }
            }
        }
    }
}

/// JSON in one line, for doc comments.
fn compact(value: &Value) -> String {
    value.to_string()
}
