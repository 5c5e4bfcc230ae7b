//! `src/validate.rs`: the validators.
//!
//! Two walks, generated from the same schema nodes:
//! - raw checks (`fn check_*(value: &Value, ...)`), one keyword at a time, as
//!   JSON Schema says, for bodies that did not parse into their type;
//! - typed checks (`impl Validate`), for what a parsed value's Rust type cannot
//!   say (formats, lengths, bounds). Where a keyword has no typed counterpart
//!   (`oneOf`, `uniqueItems`...), the typed check serializes that part and runs
//!   the raw check on it: correct first, fast where it is common.
//!
//! A schema gets a function of its own when it is a named type's, a `$ref`
//! target, a message's payload or headers, or a channel parameter's; the
//! others are inlined where used. Identical schemas share one function.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Delimiter, Ident, Literal, TokenStream, TokenTree};
use quote::{format_ident, quote};
use serde_json::{Number, Value};

use super::Item;
use super::rust::{
    Scope as TypeScope, doc_lines, ident, type_tokens, use_mentioned, uses_ident, uses_idents,
};
use crate::ir::Ir;
use crate::ir::api::MessageDef;
use crate::ir::naming::{self, Scope};
use crate::ir::schema::{Dependency, Format, Items, JsonType, Keywords, SchemaId, SchemaKind};
use crate::ir::types::{TypeDef, TypeId, TypeKind, TypeRef};
use crate::pointer;

/// Decides which schemas get functions, and emits them.
pub struct Validators<'a> {
    ir: &'a Ir,
    /// The check functions, by the fingerprint of the schema they check: every
    /// node of that text, wherever written, is checked by the one function.
    functions: HashMap<String, Ident>,
    /// Function bodies to emit, in order.
    order: Vec<(Ident, SchemaId)>,
    /// `static`s (patterns, JSON literals) the checks use, by their source text.
    statics: std::cell::RefCell<Statics>,
    /// The types whose `validate_at` checks nothing, found on first use.
    silent: std::cell::RefCell<Option<HashSet<TypeId>>>,
}

/// The `static`s checks use: `PATTERN_n` and `LITERAL_n`, numbered by source
/// text in schema order (by [`Validators::new`]), so that every part of
/// `validate.rs` names them alike.
#[derive(Default)]
struct Statics {
    patterns: Numbered,
    literals: Numbered,
}

/// Texts numbered in the order first seen.
#[derive(Default)]
struct Numbered(Vec<String>);

impl Numbered {
    /// The index of `text`, numbering it when new.
    fn index(&mut self, text: &str) -> usize {
        match self.0.iter().position(|known| known == text) {
            Some(index) => index,
            None => {
                self.0.push(text.to_owned());
                self.0.len() - 1
            }
        }
    }
}

impl<'a> Validators<'a> {
    pub fn new(ir: &'a Ir) -> Self {
        let mut validators = Validators {
            ir,
            functions: HashMap::new(),
            order: Vec::new(),
            statics: Default::default(),
            silent: Default::default(),
        };
        let mut scope = Scope::new();
        let mut wanted: Vec<(SchemaId, String)> = Vec::new();
        for def in &ir.types.types {
            wanted.push((def.schema, def.name.clone()));
        }
        for message in &ir.api.messages {
            if let Some((_, schema)) = &message.payload {
                wanted.push((*schema, format!("{} payload", message.label)));
            }
            if let Some((_, schema)) = super::messages::parsed_headers(message, ir) {
                wanted.push((schema, format!("{} headers", message.label)));
            }
        }
        for channel in &ir.api.channels {
            for parameter in &channel.parameters {
                if let Some(schema) = parameter.schema {
                    wanted.push((schema, format!("{} parameter", parameter.wire)));
                }
            }
        }
        for id in ir.schemas.ids() {
            if let SchemaKind::Ref { target, .. } = &ir.schemas.get(id).kind {
                let label = pointer::last_token(&ir.schemas.get(*target).site.pointer)
                    .unwrap_or_else(|| "schema".into());
                wanted.push((*target, label));
            }
        }
        for (schema, label) in wanted {
            // A `$ref` node checks as its target does.
            let schema = validators.function_node(schema);
            let fingerprint = &ir.schemas.get(schema).fingerprint;
            if validators.functions.contains_key(fingerprint) {
                continue;
            }
            let name = scope.claim(&format!("check_{}", naming::unraw(&naming::snake(&label))));
            let function = format_ident!("{}", name);
            validators.functions.insert(fingerprint.clone(), function.clone());
            validators.order.push((function, schema));
        }
        validators.register_statics();
        validators
    }

    /// Numbers every pattern and literal any check may use, in schema order,
    /// so that every part of `validate.rs` names them alike.
    fn register_statics(&self) {
        let mut statics = self.statics.borrow_mut();
        for id in self.ir.schemas.ids() {
            let SchemaKind::Keywords(keywords) = &self.ir.schemas.get(id).kind else { continue };
            if let Some(source) = &keywords.pattern {
                statics.patterns.index(source);
            }
            for (source, _) in &keywords.pattern_properties {
                statics.patterns.index(source);
            }
            if let Some(values) = keywords.enum_values.as_ref().filter(|v| !v.iter().all(Value::is_string)) {
                statics.literals.index(&Value::Array(values.clone()).to_string());
            }
            if let Some(value) = &keywords.const_value {
                statics.literals.index(&value.to_string());
            }
        }
    }

    /// The names of the items that stay only when used: check functions and
    /// statics.
    pub fn prunable_names(&self) -> HashSet<String> {
        let statics = self.statics.borrow();
        let patterns = (1..=statics.patterns.0.len()).map(|n| format!("PATTERN_{n}"));
        let literals = (1..=statics.literals.0.len()).map(|n| format!("LITERAL_{n}"));
        self.order.iter().map(|(name, _)| name.to_string()).chain(patterns).chain(literals).collect()
    }

    /// The node whose checks stand for `id`'s: `$ref`s are followed.
    fn function_node(&self, id: SchemaId) -> SchemaId {
        self.ir.schemas.target(id)
    }

    /// The raw check function of `schema` (which must have one).
    pub fn function(&self, schema: SchemaId) -> Option<&Ident> {
        self.functions.get(&self.ir.schemas.get(self.function_node(schema)).fingerprint)
    }

    /// How many items `validate.rs` holds besides its header: check functions,
    /// `impl Validate`s and messages' typed checks, in this order.
    pub fn item_count(&self) -> usize {
        self.order.len() + self.impl_types().len() + self.typed_messages().len()
    }

    fn impl_types(&self) -> Vec<usize> {
        let types = &self.ir.types.types;
        (0..types.len()).filter(|index| !matches!(types[*index].kind, TypeKind::Alias(_))).collect()
    }

    fn typed_messages(&self) -> Vec<usize> {
        self.ir.api.typed_messages().into_iter().collect()
    }

    /// Items `range` of `validate.rs` (see [`Self::item_count`]), so that two
    /// threads can each build and render a part: the names and statics every
    /// part refers to are decided in [`Self::new`].
    pub fn emit_items(&self, range: std::ops::Range<usize>) -> Vec<Item> {
        // Check functions stay only if used (see `prune`); the rest always does.
        let impl_types = self.impl_types();
        let typed_messages = self.typed_messages();
        let (functions, impls) = (self.order.len(), impl_types.len());
        range
            .map(|index| {
                if index < functions {
                    let defines = self.order.get(index).map(|(name, _)| name.clone());
                    Item { defines, tokens: self.check_function(index) }
                } else if index < functions + impls {
                    let def = &self.ir.types.types[impl_types[index - functions]];
                    Item { defines: None, tokens: self.validate_impl(def).unwrap_or_default() }
                } else {
                    let message = typed_messages
                        .get(index - functions - impls)
                        .and_then(|m| self.ir.api.messages.get(*m));
                    Item { defines: None, tokens: message.map(|m| self.message_check(m)).unwrap_or_default() }
                }
            })
            .collect()
    }

    fn check_function(&self, index: usize) -> TokenStream {
        let Some((name, schema)) = self.order.get(index) else { return TokenStream::new() };
        let body = self.node_body(*schema, false);
        let doc = doc_lines(&format!(
            "Checks a value against the schema at `{}`.",
            pointer_label(&self.ir.schemas.get(*schema).site.pointer)
        ));
        // Violations go to `out`: passed only to itself, nothing is reported
        // (a tree whose nodes check nothing), and clippy would call it
        // `only_used_in_recursion`. So would it a `mode` only passed on.
        let (body, passes_mode_on) = match only_passed_to_itself(&body, name) {
            [true, _] => (TokenStream::new(), false),
            [_, true] => (rename_in_calls(body, name, "mode", "_mode"), true),
            _ => (body, false),
        };
        let [value, at, out, mut mode] = parameters(&body, ["value", "at", "out", "mode"]);
        if passes_mode_on {
            mode = quote!(_mode);
        }
        quote! {
            #doc
            pub(crate) fn #name<'v>(#value: &'v serde_json::Value, #at: &mut Path<'v>, #out: &mut Violations, #mode: Mode) {
                #body
            }
        }
    }

    /// The head of `validate.rs`: its docs, imports and statics. It imports
    /// what the file uses (`mentioned` says which of [`IMPORTED`] the items
    /// kept mention) and holds the statics `keep` keeps.
    pub fn emit_header(&self, mentioned: &dyn Fn(&str) -> bool, keep: &dyn Fn(&str) -> bool) -> TokenStream {
        let statics = self.emit_statics(keep);
        let mentioned = |name: &str| match name {
            // Calling `validate_at` on a value needs the trait in scope too.
            "Validate" => mentioned(name) || mentioned("validate_at"),
            _ => mentioned(name) || uses_ident(&statics, name),
        };
        let imports = [
            use_mentioned(
                "asyncapi_rt::check",
                &["self", "Bounds", "JsonType", "Limit", "Pattern"],
                mentioned,
            ),
            use_mentioned("asyncapi_rt::format", &["Format"], mentioned),
            use_mentioned("asyncapi_rt::message", &["Mode", "Validate"], mentioned),
            use_mentioned("asyncapi_rt::path", &["Path"], mentioned),
            use_mentioned("asyncapi_rt::violation", &["Violations"], mentioned),
            use_mentioned("crate", &["types"], mentioned),
        ];
        // A big schema's check is one long function, as it would be by hand.
        quote! {
            //! Validators: raw-JSON checks for every schema, and typed checks for
            //! every type (see `asyncapi_rt::message`).
            #![allow(clippy::too_many_lines)]

            #(#imports)*

            #statics
        }
    }

    /// `fn validate_<message>(value: &Payload, ...)`: what the payload's type
    /// cannot say, for the message parsers.
    fn message_check(&self, message: &MessageDef) -> TokenStream {
        let name = super::messages::typed_check_name(message);
        let rust = crate_type(&message.payload_type(), self.ir);
        let body = match &message.payload {
            Some((ty, schema)) => self.typed_checks(ty, *schema).unwrap_or_default(),
            None => TokenStream::new(),
        };
        let [value, at, out] = parameters(&body, ["value", "at", "out"]);
        let mode = if uses_outer_mode(&body) { quote!(let mode = Mode::Lenient;) } else { quote!() };
        let doc =
            doc_lines(&format!("Checks a parsed `{}` payload for what its type cannot say.", message.label));
        quote! {
            #doc
            pub(crate) fn #name<'v>(#value: &'v #rust, #at: &mut Path<'v>, #out: &mut Violations) {
                #mode
                #body
            }
        }
    }

    /// The `static`s that `keep` keeps (by name).
    fn emit_statics(&self, keep: &dyn Fn(&str) -> bool) -> TokenStream {
        let statics = self.statics.borrow();
        let patterns = statics.patterns.0.iter().enumerate().filter_map(|(index, source)| {
            let name = format_ident!("PATTERN_{}", index + 1);
            keep(&name.to_string()).then(|| {
                quote!(static #name: std::sync::LazyLock<Pattern> = std::sync::LazyLock::new(|| Pattern::new(#source));)
            })
        });
        let literals = statics.literals.0.iter().enumerate().filter_map(|(index, json)| {
            let name = format_ident!("LITERAL_{}", index + 1);
            keep(&name.to_string()).then(
                || quote!(static #name: check::Literal = check::Literal::new(|| check::literal(#json));),
            )
        });
        quote!(#(#patterns)* #(#literals)*)
    }

    fn pattern(&self, source: &str) -> Ident {
        let index = self.statics.borrow_mut().patterns.index(source);
        format_ident!("PATTERN_{}", index + 1)
    }

    fn literal(&self, value: &Value) -> Ident {
        let index = self.statics.borrow_mut().literals.index(&value.to_string());
        format_ident!("LITERAL_{}", index + 1)
    }

    /// Statements checking `value` against `id` where `value`, `at`, `out` and
    /// `mode` are in scope: a call when `id` has a function, else inline.
    fn child(&self, id: SchemaId, lenient: bool) -> TokenStream {
        if !lenient && let Some(function) = self.function(id) {
            return quote!(#function(value, at, out, mode););
        }
        self.node_body(id, lenient)
    }

    /// Statements checking `value` against the keywords of `id` itself.
    fn node_body(&self, id: SchemaId, lenient: bool) -> TokenStream {
        match &self.ir.schemas.get(id).kind {
            SchemaKind::Any => quote!(),
            SchemaKind::Nothing => quote!(check::nothing(at, out);),
            SchemaKind::Ref { target, .. } => self.child(*target, lenient),
            SchemaKind::Keywords(keywords) => self.keywords(keywords, lenient),
        }
    }

    fn keywords(&self, k: &Keywords, lenient: bool) -> TokenStream {
        if let Some(leaf) = self.leaf(k, lenient) {
            return leaf;
        }
        let mut out = TokenStream::new();
        if let Some(types) = &k.types {
            let mut types = types.clone();
            if k.nullable && !types.contains(&JsonType::Null) {
                types.push(JsonType::Null);
            }
            // The type mapping makes only a string, or a string or null, lenient.
            if lenient && types.contains(&JsonType::String) {
                let check = quote!(check::lenient_string(value, mode, at, out););
                out.extend(if types.contains(&JsonType::Null) {
                    quote!(if !value.is_null() { #check })
                } else {
                    check
                });
            } else {
                let names = types.iter().map(|t| json_type(*t));
                out.extend(quote!(check::types(value, &[#(#names),*], at, out);));
            }
        }
        if let Some(values) = &k.enum_values {
            out.extend(self.enum_check(values));
        }
        if let Some(expected) = &k.const_value {
            let literal = self.literal(expected);
            out.extend(quote!(check::const_value(value, &#literal, at, out);));
        }
        out.extend(self.object_keywords(k));
        out.extend(self.array_keywords(k));
        out.extend(self.string_keywords(k));
        out.extend(self.number_keywords(k));
        for part in &k.all_of {
            out.extend(self.child(*part, false));
        }
        // An alternative that accepts anything satisfies `anyOf` whatever the value.
        if let Some(tries) =
            k.any_of.iter().map(|alternative| self.passes(*alternative)).collect::<Option<Vec<_>>>()
            && !tries.is_empty()
        {
            out.extend(quote! {
                let passed = #(#tries)||*;
                check::any_of(usize::from(passed), at, out);
            });
        }
        if !k.one_of.is_empty() {
            let tries = k.one_of.iter().map(|alternative| self.passes(*alternative).unwrap_or(quote!(true)));
            out.extend(quote! {
                let passed = #(usize::from(#tries))+*;
                check::one_of(passed, at, out);
            });
        }
        if let Some(not) = k.not {
            let passes = self.passes(not).unwrap_or(quote!(true));
            out.extend(quote!(check::not(#passes, at, out);));
        }
        if let Some(condition) = k.if_ {
            let then = k.then.map(|then| self.child(then, false)).unwrap_or_default();
            let otherwise = k.else_.map(|otherwise| self.child(otherwise, false)).unwrap_or_default();
            match (self.passes(condition), then.is_empty(), otherwise.is_empty()) {
                // A condition anything meets: `then` always applies.
                (None, _, _) => out.extend(then),
                (Some(_), true, true) => {}
                (Some(passes), false, true) => out.extend(quote!(if #passes { #then })),
                (Some(passes), true, false) => out.extend(quote!(if !#passes { #otherwise })),
                (Some(passes), false, false) => out.extend(quote!(if #passes { #then } else { #otherwise })),
            }
        }
        out
    }

    /// The one-call check of the commonest schemas (`type: string` with a
    /// format, `type: integer` with bounds...), or `None` for anything more.
    fn leaf(&self, k: &Keywords, lenient: bool) -> Option<TokenStream> {
        let plain = Keywords {
            types: k.types.clone(),
            format: k.format.clone(),
            minimum: k.minimum.clone(),
            maximum: k.maximum.clone(),
            exclusive_minimum: k.exclusive_minimum.clone(),
            exclusive_maximum: k.exclusive_maximum.clone(),
            title: k.title.clone(),
            description: k.description.clone(),
            default: k.default.clone(),
            deprecated: k.deprecated,
            examples: k.examples.clone(),
            discriminator: k.discriminator.clone(),
            ..Keywords::default()
        };
        if *k != plain || k.nullable || lenient {
            return None;
        }
        let bounds = || {
            let fields = bound_fields(k);
            if fields.is_empty() {
                quote!(&Bounds::NONE)
            } else {
                quote!(&Bounds { #(#fields,)* ..Bounds::NONE })
            }
        };
        let has_bounds = k.has_number_keywords();
        match k.types.as_deref()? {
            [JsonType::String] if !has_bounds => {
                let format = match &k.format {
                    Some(Format::Checked(name)) => {
                        let format = format_variant(name);
                        quote!(Some(Format::#format))
                    }
                    _ => quote!(None),
                };
                Some(quote!(check::string(value, #format, at, out);))
            }
            [JsonType::Integer] if !matches!(k.format, Some(Format::Checked(_))) => {
                let bounds = bounds();
                Some(quote!(check::integer(value, #bounds, at, out);))
            }
            [JsonType::Number] if !matches!(k.format, Some(Format::Checked(_))) => {
                let bounds = bounds();
                Some(quote!(check::number(value, #bounds, at, out);))
            }
            [JsonType::Boolean] if !has_bounds && !matches!(k.format, Some(Format::Checked(_))) => {
                Some(quote!(check::boolean(value, at, out);))
            }
            _ => None,
        }
    }

    /// An expression: whether `value` passes `id` (violations discarded);
    /// `None` when `id` accepts anything.
    fn passes(&self, id: SchemaId) -> Option<TokenStream> {
        let check = self.child(id, false);
        (!check.is_empty()).then(|| quote!(check::passes(|out| { let at = &mut Path::root(); #check })))
    }

    fn enum_check(&self, values: &[Value]) -> TokenStream {
        if values.iter().all(Value::is_string) {
            let strings = values.iter().filter_map(Value::as_str);
            quote!(check::enum_strings(value, &[#(#strings),*], at, out);)
        } else {
            let literal = self.literal(&Value::Array(values.to_vec()));
            quote!(check::enum_values(value, &#literal, at, out);)
        }
    }

    fn object_keywords(&self, k: &Keywords) -> TokenStream {
        let mut body = TokenStream::new();
        if !k.required.is_empty() {
            let names = &k.required;
            body.extend(quote!(check::required(object, &[#(#names),*], at, out);));
        }
        if k.min_properties.is_some() || k.max_properties.is_some() {
            let (min, max) = (option_u64(k.min_properties), option_u64(k.max_properties));
            body.extend(quote!(check::property_count(object.len(), #min, #max, at, out);));
        }
        for (property, dependency) in &k.dependencies {
            match dependency {
                Dependency::Properties(names) => body
                    .extend(quote!(check::dependent_required(object, #property, &[#(#names),*], at, out);)),
                Dependency::Schema(schema) => {
                    let check = self.child(*schema, false);
                    if !check.is_empty() {
                        body.extend(quote!(if object.contains_key(#property) { #check }));
                    }
                }
            }
        }
        // Declared properties, `patternProperties` and `additionalProperties`:
        // one pass over the members.
        let patterns: Vec<(Ident, TokenStream)> = k
            .pattern_properties
            .iter()
            .map(|(source, schema)| (self.pattern(source), self.child(*schema, false)))
            .collect();
        let declared: Vec<&String> = k.properties.iter().map(|(name, _)| name).collect();
        let additional = k.additional_properties.map(|schema| (schema, &self.ir.schemas.get(schema).kind));
        if let Some((_, SchemaKind::Nothing)) = additional {
            let mut listed = Vec::new();
            if !declared.is_empty() {
                listed.push(quote!(matches!(key, #(#declared)|*)));
            }
            listed.extend(patterns.iter().map(|(name, _)| quote!(#name.is_match(key))));
            let is_listed = if listed.is_empty() { quote!(|_| false) } else { quote!(|key| #(#listed)||*) };
            body.extend(quote!(check::no_additional_properties(object, #is_listed, at, out);));
        }
        let mut arms: Vec<(&String, TokenStream)> = Vec::new();
        let mut unchecked: Vec<&String> = Vec::new();
        for (property, schema) in &k.properties {
            let check = self.child(*schema, self.is_lenient(property, *schema));
            if check.is_empty() { unchecked.push(property) } else { arms.push((property, check)) }
        }
        let additional_check = match additional {
            Some((_, SchemaKind::Nothing)) | None => TokenStream::new(),
            Some((schema, _)) => {
                let check = self.child(schema, false);
                let names = patterns.iter().map(|(name, _)| name);
                if check.is_empty() || patterns.is_empty() {
                    check
                } else {
                    quote!(if !(#(#names.is_match(key))||*) { #check })
                }
            }
        };
        let pattern_checks: Vec<TokenStream> = patterns
            .iter()
            .filter(|(_, check)| !check.is_empty())
            .map(|(name, check)| quote!(if #name.is_match(key) { #check }))
            .collect();
        let by_name = match (arms.as_slice(), additional_check.is_empty()) {
            ([], true) => TokenStream::new(),
            // Declared but unchecked properties are not additional ones.
            ([], false) if !unchecked.is_empty() => {
                quote!(if !matches!(key, #(#unchecked)|*) { #additional_check })
            }
            ([], false) => additional_check,
            ([(property, check)], true) if property.is_empty() => quote!(if key.is_empty() { #check }),
            ([(property, check)], true) => quote!(if key == #property { #check }),
            (_, wildcard_empty) => {
                let arms = arms.iter().map(|(property, check)| match single_expression(check) {
                    Some(expression) => quote!(#property => #expression,),
                    None => quote!(#property => { #check }),
                });
                // Declared but unchecked properties are not additional ones.
                let unchecked =
                    (!wildcard_empty && !unchecked.is_empty()).then(|| quote!(#(#unchecked)|* => {}));
                quote!(match key { #(#arms)* #unchecked _ => { #additional_check } })
            }
        };
        let checks = quote!(#by_name #(#pattern_checks)*);
        if !checks.is_empty() {
            let value = binding(&checks, "value");
            body.extend(quote! {
                for (key, #value) in object {
                    let key: &str = key;
                    at.push_key(key);
                    #checks
                    at.pop();
                }
            });
        }
        if let Some(names) = k.property_names {
            let check = self.child(names, false);
            let value = binding(&check, "value");
            if !check.is_empty() {
                body.extend(quote! {
                    for key in object.keys() {
                        let name = serde_json::Value::String(key.clone());
                        let valid = check::passes(|out| { let #value = &name; let at = &mut Path::root(); #check });
                        if !valid {
                            out.push(at, asyncapi_rt::violation::Keyword::PropertyNames, format!("property name `{key}` does not match `propertyNames`"));
                        }
                    }
                });
            }
        }
        if body.is_empty() {
            return body;
        }
        quote!(if let Some(object) = value.as_object() { #body })
    }

    /// Whether property `wire`, whose schema is `schema`, accepts integers for
    /// a string (the codegen option), as the type mapping decided.
    fn is_lenient(&self, wire: &str, schema: SchemaId) -> bool {
        self.ir.types.is_lenient(&self.ir.schemas, wire, schema)
    }

    fn array_keywords(&self, k: &Keywords) -> TokenStream {
        let mut body = TokenStream::new();
        if k.min_items.is_some() || k.max_items.is_some() {
            let (min, max) = (option_u64(k.min_items), option_u64(k.max_items));
            body.extend(quote!(check::item_count(array.len(), #min, #max, at, out);));
        }
        if k.unique_items {
            body.extend(quote!(check::unique_items(array, at, out);));
        }
        match &k.items {
            Some(Items::All(schema)) => {
                let check = self.child(*schema, false);
                if !check.is_empty() {
                    let value = binding(&check, "value");
                    body.extend(quote! {
                        for (index, #value) in array.iter().enumerate() {
                            at.push_index(index);
                            #check
                            at.pop();
                        }
                    });
                }
            }
            Some(Items::Tuple(schemas)) => {
                let allowed = Literal::usize_unsuffixed(schemas.len());
                let additional = k.additional_items.map(|schema| (schema, &self.ir.schemas.get(schema).kind));
                if let Some((_, SchemaKind::Nothing)) = additional {
                    body.extend(quote!(check::no_additional_items(array.len(), #allowed, at, out);));
                }
                for (index, schema) in schemas.iter().enumerate() {
                    let check = self.child(*schema, false);
                    if check.is_empty() {
                        continue;
                    }
                    let value = binding(&check, "value");
                    let item = if index == 0 {
                        quote!(array.first())
                    } else {
                        let index = Literal::usize_unsuffixed(index);
                        quote!(array.get(#index))
                    };
                    let index = Literal::usize_unsuffixed(index);
                    body.extend(quote! {
                        if let Some(#value) = #item {
                            at.push_index(#index);
                            #check
                            at.pop();
                        }
                    });
                }
                let rest = match additional {
                    Some((schema, SchemaKind::Keywords(_) | SchemaKind::Ref { .. })) => {
                        self.child(schema, false)
                    }
                    _ => quote!(),
                };
                if !rest.is_empty() {
                    let value = binding(&rest, "value");
                    body.extend(quote! {
                        for (index, #value) in array.iter().enumerate().skip(#allowed) {
                            at.push_index(index);
                            #rest
                            at.pop();
                        }
                    });
                }
            }
            None => {}
        }
        if let Some(contains) = k.contains {
            let check = self.child(contains, false);
            let found = if check.is_empty() {
                quote!(!array.is_empty())
            } else {
                let value = binding(&check, "value");
                quote!(array.iter().any(|#value| check::passes(|out| { let at = &mut Path::root(); #check })))
            };
            body.extend(quote!(check::contains(#found, at, out);));
        }
        if body.is_empty() {
            return body;
        }
        quote!(if let Some(array) = value.as_array() { #body })
    }

    fn string_keywords(&self, k: &Keywords) -> TokenStream {
        let body = self.text_checks(k);
        if body.is_empty() {
            return body;
        }
        quote!(if let Some(text) = value.as_str() { #body })
    }

    /// Checks of `text: &str` for the string keywords of `k`.
    fn text_checks(&self, k: &Keywords) -> TokenStream {
        let mut body = TokenStream::new();
        if k.min_length.is_some() || k.max_length.is_some() {
            let (min, max) = (option_u64(k.min_length), option_u64(k.max_length));
            body.extend(quote!(check::length(text, #min, #max, at, out);));
        }
        if let Some(source) = &k.pattern {
            let pattern = self.pattern(source);
            body.extend(quote!(check::pattern(text, &#pattern, at, out);));
        }
        if let Some(Format::Checked(name)) = &k.format {
            let format = format_variant(name);
            body.extend(quote!(check::format(text, Format::#format, at, out);));
        }
        if k.content_encoding.is_some() || k.content_media_type.is_some() {
            let encoding = runtime_variant(quote!(asyncapi_rt::content::Encoding), k.content_encoding);
            let media_type = runtime_variant(quote!(asyncapi_rt::content::MediaType), k.content_media_type);
            body.extend(quote!(check::content(text, #encoding, #media_type, at, out);));
        }
        body
    }

    fn number_keywords(&self, k: &Keywords) -> TokenStream {
        let body = self.number_checks(k);
        if body.is_empty() {
            return body;
        }
        quote!(if let Some(number) = value.as_number() { #body })
    }

    /// Checks of `number` (anything `check::AsNumber`) for the numeric keywords of `k`.
    fn number_checks(&self, k: &Keywords) -> TokenStream {
        let mut body = TokenStream::new();
        let fields = bound_fields(k);
        if !fields.is_empty() {
            body.extend(
                quote!(check::bounds(number, &Bounds { #(#fields,)* ..Bounds::default() }, at, out);),
            );
        }
        if let Some(divisor) = &k.multiple_of {
            let divisor = limit_tokens(divisor);
            body.extend(quote!(check::multiple_of(number, #divisor, at, out);));
        }
        body
    }

    /// `impl Validate` for a named type (aliases have none: their uses check them).
    fn validate_impl(&self, def: &TypeDef) -> Option<TokenStream> {
        let name = ident(&def.name);
        let body = match &def.kind {
            TypeKind::Alias(_) => return None,
            TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => quote!(),
            TypeKind::Union(_) => self.serialized_self(def.schema),
            TypeKind::Struct(s) => match self.struct_is_typed(def) {
                false => self.serialized_self(def.schema),
                true => {
                    let fields = s.fields.iter().filter_map(|field| {
                        let wire = &field.wire;
                        let member = ident(&field.name);
                        let checks = self.typed_checks(&field.ty, field.schema)?;
                        // A `false` schema fails whatever the value.
                        let value = uses_ident(&checks, "value").then(|| quote!(let value = &self.#member;));
                        Some(quote! {
                            {
                                #value
                                at.push_key(#wire);
                                #checks
                                at.pop();
                            }
                        })
                    });
                    quote!(#(#fields)*)
                }
            },
        };
        let [at, out] = parameters(&body, ["at", "out"]);
        let mode = if uses_outer_mode(&body) { quote!(let mode = Mode::Lenient;) } else { quote!() };
        Some(quote! {
            impl Validate for types::#name {
                fn validate_at<'v>(&'v self, #at: &mut Path<'v>, #out: &mut Violations) {
                    #mode
                    #body
                }
            }
        })
    }

    /// Whether `validate_at` of the struct `id` checks nothing, so that its
    /// uses need not call it (a union's always checks its serialized self).
    fn is_silent(&self, id: TypeId) -> bool {
        if self.silent.borrow().is_none() {
            self.find_silent_types();
        }
        self.silent.borrow().as_ref().is_some_and(|silent| silent.contains(&id))
    }

    /// Starts from every typed struct, and drops those with a field that
    /// checks something until none drops. What stays checks nothing, however
    /// it recurses: a tree whose nodes check nothing checks nothing, and a
    /// `validate_at` that only passes its arguments on to itself is what
    /// clippy calls `only_used_in_recursion`.
    fn find_silent_types(&self) {
        let types = &self.ir.types.types;
        let typed_struct =
            |def: &TypeDef| matches!(def.kind, TypeKind::Struct(_)) && self.struct_is_typed(def);
        let candidates = (0..types.len()).filter(|index| typed_struct(&types[*index])).map(TypeId);
        *self.silent.borrow_mut() = Some(candidates.collect());
        loop {
            let assumed: Vec<TypeId> = self.silent.borrow().iter().flatten().copied().collect();
            let checking: Vec<TypeId> = assumed
                .into_iter()
                .filter(|id| {
                    let TypeKind::Struct(s) = &types[id.0].kind else { return true };
                    s.fields.iter().any(|field| self.typed_checks(&field.ty, field.schema).is_some())
                })
                .collect();
            if checking.is_empty() {
                return;
            }
            if let Some(silent) = self.silent.borrow_mut().as_mut() {
                silent.retain(|id| !checking.contains(id));
            }
        }
    }

    /// Whether a struct's own keywords all have typed counterparts (the fields'
    /// are decided field by field).
    fn struct_is_typed(&self, def: &TypeDef) -> bool {
        let Some(k) = self.ir.schemas.keywords(def.schema) else { return false };
        let TypeKind::Struct(s) = &def.kind else { return false };
        k.all_of.is_empty()
            && !k.has_combinators()
            && k.enum_values.is_none()
            && k.const_value.is_none()
            && k.min_properties.is_none()
            && k.max_properties.is_none()
            && k.dependencies.is_empty()
            && k.property_names.is_none()
            && k.pattern_properties.is_empty()
            && matches!(s.unknown, crate::ir::types::Unknown::Ignore | crate::ir::types::Unknown::Deny)
            && k.types.as_deref().is_none_or(|t| t == [JsonType::Object])
    }

    /// Statements checking the typed `value` (a `&T` for `ty`) against `schema`;
    /// `None` when the type says it all.
    pub fn typed_checks(&self, ty: &TypeRef, schema: SchemaId) -> Option<TokenStream> {
        let types = &self.ir.types;
        match ty {
            TypeRef::Option(inner) => {
                let checks = self.typed_checks(inner, schema)?;
                if uses_ident(&checks, "value") {
                    Some(quote!(if let Some(value) = value { #checks }))
                } else {
                    Some(quote!(if value.is_some() { #checks }))
                }
            }
            TypeRef::Named(id) | TypeRef::Boxed(id) => match &types.get(*id).kind {
                TypeKind::Struct(_) if self.is_silent(*id) => None,
                TypeKind::Struct(_) | TypeKind::Union(_) => Some(quote!(value.validate_at(at, out);)),
                TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => None,
                TypeKind::Alias(target) => self.typed_checks(target, types.get(*id).schema),
            },
            TypeRef::Any => {
                let body = self.node_body(schema, false);
                match body.is_empty() {
                    true => None,
                    false if uses_ident(&body, "value") => {
                        Some(quote!({ let value: &serde_json::Value = value; #body }))
                    }
                    false => Some(body),
                }
            }
            _ => {
                let k = match &self.ir.schemas.get(self.ir.schemas.target(schema)).kind {
                    SchemaKind::Any => return None,
                    SchemaKind::Nothing => return Some(self.serialized(schema)),
                    SchemaKind::Keywords(k) => k,
                    SchemaKind::Ref { .. } => return Some(self.serialized(schema)),
                };
                if k.has_combinators() || k.enum_values.is_some() || k.const_value.is_some() {
                    return Some(self.serialized(schema));
                }
                self.primitive_checks(ty, k).unwrap_or_else(|| Some(self.serialized(schema)))
            }
        }
    }

    /// Typed checks of a primitive, list or map; `Err`-like `None` (outer) when a
    /// keyword has no typed counterpart.
    fn primitive_checks(&self, ty: &TypeRef, k: &Keywords) -> Option<Option<TokenStream>> {
        let only = |allowed: &[&str]| -> bool {
            let present = [
                ("object", k.has_object_keywords()),
                ("array", k.has_array_keywords()),
                ("string", k.has_string_keywords() || matches!(k.format, Some(Format::Checked(_)))),
                ("number", k.has_number_keywords()),
            ];
            present.iter().all(|(kind, has)| !has || allowed.contains(kind))
        };
        let wrap = |body: TokenStream| (!body.is_empty()).then_some(body);
        match ty {
            TypeRef::String | TypeRef::LenientString => {
                if !only(&["string"]) {
                    return None;
                }
                let body = self.text_checks(k);
                Some(wrap(body).map(|body| quote!(let text: &str = value; #body)))
            }
            TypeRef::DateTime | TypeRef::Date | TypeRef::Url | TypeRef::Uuid => {
                // The serde helper already enforced the format.
                (only(&["string"]) && !k.has_string_keywords()).then_some(None)
            }
            TypeRef::I64 | TypeRef::I32 | TypeRef::F64 | TypeRef::F32 => {
                if !only(&["number"]) {
                    return None;
                }
                let body = self.number_checks(k);
                Some(wrap(body).map(|body| quote!(let number = value; #body)))
            }
            TypeRef::Bool | TypeRef::Unit => only(&[]).then_some(None),
            // A `serde_json::Map` is the object as it came: only `type` is certain.
            TypeRef::Object => (only(&["object"]) && !k.has_object_keywords()).then_some(None),
            TypeRef::List(inner) => {
                if !only(&["array"]) || k.unique_items || k.contains.is_some() || k.additional_items.is_some()
                {
                    return None;
                }
                let mut body = TokenStream::new();
                if k.min_items.is_some() || k.max_items.is_some() {
                    let (min, max) = (option_u64(k.min_items), option_u64(k.max_items));
                    body.extend(quote!(check::item_count(value.len(), #min, #max, at, out);));
                }
                match &k.items {
                    Some(Items::All(items)) => {
                        if let Some(checks) = self.typed_checks(inner, *items) {
                            let item = binding(&checks, "value");
                            body.extend(quote! {
                                for (index, #item) in value.iter().enumerate() {
                                    at.push_index(index);
                                    #checks
                                    at.pop();
                                }
                            });
                        }
                    }
                    Some(Items::Tuple(_)) => return None,
                    None => {}
                }
                Some(wrap(body))
            }
            TypeRef::Map(inner) => {
                if !only(&["object"])
                    || k.min_properties.is_some()
                    || k.max_properties.is_some()
                    || k.property_names.is_some()
                    || !k.pattern_properties.is_empty()
                    || !k.properties.is_empty()
                    || !k.required.is_empty()
                    || !k.dependencies.is_empty()
                {
                    return None;
                }
                let values = k.additional_properties.and_then(|schema| self.typed_checks(inner, schema));
                Some(values.map(|checks| {
                    let entry = binding(&checks, "value");
                    quote! {
                        for (key, #entry) in value {
                            at.push_key(key);
                            #checks
                            at.pop();
                        }
                    }
                }))
            }
            _ => None,
        }
    }

    /// [`Self::serialized`] for `self` in an `impl Validate`.
    fn serialized_self(&self, schema: SchemaId) -> TokenStream {
        let check = self.serialized(schema);
        quote! {
            let value = self;
            #check
        }
    }

    /// Checks the typed `value` by serializing it and running the raw check of
    /// `schema` on the result.
    fn serialized(&self, schema: SchemaId) -> TokenStream {
        match self.function(schema) {
            Some(function) => quote!(asyncapi_rt::message::check_serialized(value, at, out, #function);),
            None => {
                let body = self.node_body(schema, false);
                let [value, at, out, mode] = parameters(&body, ["value", "at", "out", "mode"]);
                quote!(asyncapi_rt::message::check_serialized(value, at, out, |#value, #at, #out, #mode| { #body });)
            }
        }
    }
}

/// `check` without its `;` when it is one expression statement, for a match arm.
/// A statement ends at a `;` or, for `if`, `match` and loops, at a block: so
/// there must be one `;`, at the end, and no block outside parentheses.
fn single_expression(check: &TokenStream) -> Option<TokenStream> {
    let tokens: Vec<TokenTree> = check.clone().into_iter().collect();
    let (last, rest) = tokens.split_last()?;
    let is_semicolon = |tree: &TokenTree| matches!(tree, TokenTree::Punct(p) if p.as_char() == ';');
    let is_block =
        |tree: &TokenTree| matches!(tree, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
    (is_semicolon(last) && !rest.iter().any(|tree| is_semicolon(tree) || is_block(tree)))
        .then(|| rest.iter().cloned().collect())
}

/// The identifiers `validate.rs` may import (see [`Validators::emit_header`]).
pub const IMPORTED: &[&str] = &[
    "check",
    "Bounds",
    "JsonType",
    "Limit",
    "Pattern",
    "Format",
    "Mode",
    "Validate",
    "validate_at",
    "Path",
    "Violations",
    "types",
];

/// For `out` and `mode`: whether `body` (of the check `name`) uses it only as
/// an argument of calls to `name` itself.
fn only_passed_to_itself(body: &TokenStream, name: &Ident) -> [bool; 2] {
    const PARAMETERS: [&str; 2] = ["out", "mode"];
    /// Marks the parameters used in calls to `name`, and elsewhere.
    fn walk(tokens: &TokenStream, name: &Ident, in_calls: &mut [bool; 2], elsewhere: &mut [bool; 2]) {
        let mut trees = tokens.clone().into_iter().peekable();
        while let Some(tree) = trees.next() {
            match tree {
                TokenTree::Ident(ident) if ident == *name => {
                    if let Some(TokenTree::Group(arguments)) = trees.peek()
                        && arguments.delimiter() == Delimiter::Parenthesis
                    {
                        for (index, used) in
                            uses_idents(&arguments.stream(), PARAMETERS).into_iter().enumerate()
                        {
                            in_calls[index] |= used;
                        }
                        trees.next();
                    }
                }
                TokenTree::Ident(ident) => {
                    if let Some(index) = PARAMETERS.iter().position(|parameter| ident == parameter) {
                        elsewhere[index] = true;
                    }
                }
                TokenTree::Group(group) => walk(&group.stream(), name, in_calls, elsewhere),
                TokenTree::Punct(_) | TokenTree::Literal(_) => {}
            }
        }
    }
    let (mut in_calls, mut elsewhere) = ([false; 2], [false; 2]);
    walk(body, name, &mut in_calls, &mut elsewhere);
    [0, 1].map(|index| in_calls[index] && !elsewhere[index])
}

/// `body` with `from` spelled `to` in the arguments of its calls to `name`.
fn rename_in_calls(body: TokenStream, name: &Ident, from: &str, to: &str) -> TokenStream {
    let rename = |tokens: TokenStream| -> TokenStream {
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Ident(ident) if ident == from => TokenTree::Ident(Ident::new(to, ident.span())),
                other => other,
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut after_name = false;
    for tree in body {
        let tree = match tree {
            TokenTree::Group(group) if after_name && group.delimiter() == Delimiter::Parenthesis => {
                TokenTree::Group(proc_macro2::Group::new(Delimiter::Parenthesis, rename(group.stream())))
            }
            TokenTree::Group(group) => TokenTree::Group(proc_macro2::Group::new(
                group.delimiter(),
                rename_in_calls(group.stream(), name, from, to),
            )),
            other => other,
        };
        after_name = matches!(&tree, TokenTree::Ident(ident) if ident == name);
        out.push(tree);
    }
    out.into_iter().collect()
}

/// The parameters `names` of a function whose body is `body`: `_` when unused.
fn parameters<const N: usize>(body: &TokenStream, names: [&str; N]) -> [TokenStream; N] {
    let used = uses_idents(body, names);
    std::array::from_fn(|index| {
        let name = format_ident!("{}", names[index]);
        if used[index] { quote!(#name) } else { quote!(_) }
    })
}

/// Whether `body` uses a `mode` of its own scope: closures that take their own
/// `mode` (the checks of serialized values) do not count, nor does a field
/// called `mode` (`self.mode`).
fn uses_outer_mode(body: &TokenStream) -> bool {
    let is_bar = |tree: &TokenTree| matches!(tree, TokenTree::Punct(p) if p.as_char() == '|');
    let is_dot = |tree: &TokenTree| matches!(tree, TokenTree::Punct(p) if p.as_char() == '.');
    let trees: Vec<TokenTree> = body.clone().into_iter().collect();
    let mut index = 0;
    while let Some(tree) = trees.get(index) {
        let after_dot = index.checked_sub(1).and_then(|before| trees.get(before)).is_some_and(is_dot);
        match tree {
            TokenTree::Punct(_) if is_bar(tree) => {
                // A closure: its parameters run to the next `|`, its body follows,
                // always one block (`check_serialized`'s closures, written above).
                let rest = trees.get(index + 1..).unwrap_or_default();
                if let Some(end) = rest.iter().position(is_bar)
                    && rest[..end]
                        .iter()
                        .any(|tree| matches!(tree, TokenTree::Ident(ident) if ident == "mode"))
                {
                    index += end + 3;
                    continue;
                }
            }
            TokenTree::Ident(ident) if ident == "mode" && !after_dot => return true,
            TokenTree::Group(group) if uses_outer_mode(&group.stream()) => return true,
            _ => {}
        }
        index += 1;
    }
    false
}

/// `name` for a binding `body` uses, else `_name`.
fn binding(body: &TokenStream, name: &str) -> Ident {
    if uses_ident(body, name) { format_ident!("{}", name) } else { format_ident!("_{}", name) }
}

/// The `Bounds` fields (`minimum: Some(..)`, ...) for the bounds `k` sets.
fn bound_fields(k: &Keywords) -> Vec<TokenStream> {
    [
        ("minimum", &k.minimum),
        ("maximum", &k.maximum),
        ("exclusive_minimum", &k.exclusive_minimum),
        ("exclusive_maximum", &k.exclusive_maximum),
    ]
    .into_iter()
    .filter_map(|(name, limit)| {
        let limit = limit_tokens(limit.as_ref()?);
        let name = format_ident!("{}", name);
        Some(quote!(#name: Some(#limit)))
    })
    .collect()
}

fn json_type(json_type: JsonType) -> TokenStream {
    match json_type {
        JsonType::Array => quote!(JsonType::Array),
        JsonType::Boolean => quote!(JsonType::Boolean),
        JsonType::Integer => quote!(JsonType::Integer),
        JsonType::Null => quote!(JsonType::Null),
        JsonType::Number => quote!(JsonType::Number),
        JsonType::Object => quote!(JsonType::Object),
        JsonType::String => quote!(JsonType::String),
    }
}

/// `Some(Enum::Variant)` or `None`, for a runtime enum the generator shares
/// (its `Debug` spelling is the variant's name).
fn runtime_variant<T: std::fmt::Debug>(path: TokenStream, value: Option<T>) -> TokenStream {
    match value {
        Some(value) => {
            let variant = format_ident!("{value:?}");
            quote!(Some(#path::#variant))
        }
        None => quote!(None),
    }
}

fn format_variant(name: &str) -> Ident {
    format_ident!("{}", naming::pascal(name))
}

fn option_u64(value: Option<u64>) -> TokenStream {
    match value {
        Some(value) => {
            let value = Literal::u64_unsuffixed(value);
            quote!(Some(#value))
        }
        None => quote!(None),
    }
}

fn limit_tokens(number: &Number) -> TokenStream {
    if let Some(value) = number.as_i64() {
        let value = Literal::i64_unsuffixed(value);
        quote!(Limit::I64(#value))
    } else if let Some(value) = number.as_u64() {
        let value = Literal::u64_unsuffixed(value);
        quote!(Limit::U64(#value))
    } else {
        let value = Literal::f64_unsuffixed(number.as_f64().unwrap_or(0.0));
        quote!(Limit::F64(#value))
    }
}

/// A readable form of a schema's pointer for doc comments.
fn pointer_label(pointer: &str) -> String {
    if pointer.is_empty() { "/".to_owned() } else { pointer.to_owned() }
}

/// The type spelled for use in `validate.rs`.
pub fn crate_type(ty: &TypeRef, ir: &Ir) -> TokenStream {
    type_tokens(ty, &ir.types, TypeScope::Crate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(check: TokenStream) -> Option<String> {
        single_expression(&check).map(|expression| expression.to_string())
    }

    #[test]
    fn a_closure_with_its_own_mode_does_not_use_the_outer_one() {
        assert!(!uses_outer_mode(
            &quote!(check_serialized(value, at, out, |value, at, out, mode| { f(value, mode); });)
        ));
        assert!(uses_outer_mode(
            &quote!(check_serialized(value, at, out, |value, at, out, mode| { f(mode); }); g(mode);)
        ));
        assert!(uses_outer_mode(&quote!(if a || b {
            f(value, mode);
        })));
        assert!(!uses_outer_mode(&quote!(check_serialized(value, at, out, |_value, _at, _out, _mode| {});)));
        // A property called `mode` is a field, not the binding.
        assert!(!uses_outer_mode(&quote!({
            let value = &self.mode;
            at.push_key("mode");
        })));
        assert!(uses_outer_mode(&quote!({
            let value = &self.mode;
            f(value, mode);
        })));
    }

    #[test]
    fn finds_what_a_check_only_passes_to_itself() {
        let name = format_ident!("check_node");
        let walk = quote! {
            if let Some(array) = value.as_array() {
                for (index, value) in array.iter().enumerate() {
                    at.push_index(index);
                    check_node(value, at, out, mode);
                    at.pop();
                }
            }
        };
        assert_eq!(only_passed_to_itself(&walk, &name), [true, true]);
        let reporting = quote!(check::types(value, &[JsonType::Array], at, out); #walk);
        assert_eq!(only_passed_to_itself(&reporting, &name), [false, true]);
        // Passed to another check is a use.
        let other = quote!(#walk check_leaf(value, at, out, mode););
        assert_eq!(only_passed_to_itself(&other, &name), [false, false]);
        assert_eq!(only_passed_to_itself(&quote!(check::nothing(at, out);), &name), [false; 2]);

        let renamed = rename_in_calls(reporting, &name, "mode", "_mode").to_string();
        assert!(renamed.contains("check_node (value , at , out , _mode)"), "{renamed}");
        assert_eq!(
            rename_in_calls(quote!(f(mode); check_node(mode);), &name, "mode", "_mode").to_string(),
            quote!(f(mode); check_node(_mode);).to_string(),
            "only the calls to the check itself"
        );
    }

    #[test]
    fn a_match_arm_takes_one_expression_statement_alone() {
        let expected = quote!(check::not(
            check::passes(|out| {
                f();
            }),
            at,
            out
        ))
        .to_string();
        assert_eq!(arm(quote!(check::not(check::passes(|out| { f(); }), at, out);)), Some(expected));
        // A block-like statement ends at its block: two statements.
        assert_eq!(arm(quote!(if let Some(text) = value.as_str() { f(text); } g();)), None);
        assert_eq!(arm(quote!(f(); g();)), None);
        assert_eq!(
            arm(quote!(if a {
                f();
            })),
            None
        );
    }
}
