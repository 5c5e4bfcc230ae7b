//! The type space: every named Rust type the generated crate will hold, built from
//! schema nodes, deduplicated by what the schemas say, named after where they are
//! used, and boxed where they recurse.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::naming::{self, Scope};
use super::schema::{Format, JsonType, Keywords, SchemaArena, SchemaId, SchemaKind};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Sources;
use crate::pointer;

/// Index of a named type in [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// How a value is typed in Rust.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Named(TypeId),
    /// A named type behind a `Box`, to break a recursion.
    Boxed(TypeId),
    String,
    /// A string that real traffic sometimes sends as a JSON integer; every digit
    /// is kept (a codegen option decides which properties).
    LenientString,
    I64,
    I32,
    F64,
    F32,
    Bool,
    /// JSON `null`, as `()`.
    Unit,
    DateTime,
    Date,
    Url,
    Uuid,
    /// Anything: `serde_json::Value`.
    Any,
    /// Any JSON object: `serde_json::Map<String, Value>`.
    Object,
    Option(Box<TypeRef>),
    List(Box<TypeRef>),
    /// A JSON object with free keys: `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The named types this reference holds without an indirection (a `Vec` or a
    /// map allocates, an `Option` does not).
    fn direct_named(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Option(inner) => inner.direct_named(out),
            _ => {}
        }
    }

    /// Replaces the direct occurrence of `id` by a box.
    fn box_direct(&mut self, id: TypeId) {
        match self {
            TypeRef::Named(found) if *found == id => *self = TypeRef::Boxed(id),
            TypeRef::Option(inner) => inner.box_direct(id),
            _ => {}
        }
    }

    /// Whether this is `Option<...>`.
    pub fn is_option(&self) -> bool {
        matches!(self, TypeRef::Option(_))
    }
}

/// Doc text gathered from `title`, `summary` and `description`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
}

impl Docs {
    pub fn type_of_keywords(keywords: &Keywords) -> Docs {
        Docs { title: keywords.title.clone(), description: keywords.description.clone() }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The property name on the wire.
    pub wire: String,
    /// The Rust field name (possibly `r#type`).
    pub name: String,
    /// `Option<...>` exactly when the property is not required.
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Docs,
    pub schema: SchemaId,
    pub default: Option<Value>,
    pub deprecated: bool,
    /// Example values the document gives.
    pub examples: Vec<Value>,
}

/// What a struct does with properties its schema does not list.
#[derive(Debug, Clone, PartialEq)]
pub enum Unknown {
    /// Ignored (the schema allows them and says nothing about them).
    Ignore,
    /// A parse error (`additionalProperties: false`).
    Deny,
    /// Kept in a map field, `field` (`additional_properties` unless a listed
    /// property took that name), and written back on serialization.
    Capture { field: String, value: TypeRef },
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    pub unknown: Unknown,
}

#[derive(Debug, Clone)]
pub struct StringVariant {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct IntegerVariant {
    pub name: String,
    pub value: i64,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// The alternative's `title`, the best name for a variant of a primitive type.
    pub title: Option<String>,
    /// The value of the union's tag property that selects this variant.
    pub tag_value: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The property whose value picks the variant; untagged (first that parses
    /// wins) without one.
    pub tag: Option<String>,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    StringEnum(Vec<StringVariant>),
    IntegerEnum(Vec<IntegerVariant>),
    Union(Union),
    /// A name for another type (`pub type SentAt = DateTime<FixedOffset>;`).
    Alias(TypeRef),
}

/// Where a type is used, from which its name is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameHint {
    /// A name the document gives: a component key, a message name, a title.
    Exact(String),
    /// A name made from one the document gives (the items of the array
    /// component `events` are `Event`).
    Derived(String),
    /// The value of `property` in `parent`.
    Property { parent: TypeId, property: String },
    /// The items of the array `property` of `parent` (`None`: `parent` is the array).
    Item { parent: TypeId, property: Option<String> },
    /// The values of the free-form properties of `parent`.
    Value { parent: TypeId },
    /// Alternative `index` of the union `parent`.
    Variant { parent: TypeId, index: usize },
    /// No use names it (a type reached only from a `not` or an `if`).
    None,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub docs: Docs,
    pub kind: TypeKind,
    /// The schema this type validates against.
    pub schema: SchemaId,
    pub hints: Vec<NameHint>,
    pub deprecated: bool,
}

/// All named types.
#[derive(Debug, Default)]
pub struct TypeSpace {
    pub types: Vec<TypeDef>,
    /// The property schemas whose strings are also read from JSON integers
    /// (the codegen option): the one decision that the types and the raw
    /// validators both follow. By node, not by text: the same text may be typed
    /// by an alias elsewhere, which reads no integers (and the check function
    /// of a struct walks the very nodes its type was built from).
    lenient: BTreeSet<SchemaId>,
    /// The property schemas that are fields of a struct (`lenient` decided).
    fields: BTreeSet<SchemaId>,
    /// The option, for properties no struct holds.
    options: TypeOptions,
}

impl TypeSpace {
    /// Whether property `wire`, whose schema is `schema`, reads JSON integers
    /// as strings: as its field does, or, for a property no struct holds (one
    /// under `then`, `not` or `dependencies`), when the option names it and it
    /// is a string.
    pub fn is_lenient(&self, arena: &SchemaArena, wire: &str, schema: SchemaId) -> bool {
        if self.fields.contains(&schema) {
            return self.lenient.contains(&schema);
        }
        self.options.reads_integers(arena, wire, schema)
    }

    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    pub fn ids(&self) -> impl Iterator<Item = TypeId> {
        (0..self.types.len()).map(TypeId)
    }
}

/// Options of the type mapping.
#[derive(Debug, Clone, Default)]
pub struct TypeOptions {
    /// Property-name patterns (`*` matches any run of characters) whose string
    /// values also accept JSON integers.
    pub lenient_numeric_strings: Vec<String>,
}

impl TypeOptions {
    /// Whether property `wire`, whose schema is `schema`, reads JSON integers as
    /// strings by the option: it names the property, and the schema is a plain
    /// string (see [`is_plain_string`]).
    fn reads_integers(&self, arena: &SchemaArena, wire: &str, schema: SchemaId) -> bool {
        self.lenient_numeric_strings.iter().any(|pattern| glob_matches(pattern, wire))
            && is_plain_string(arena, schema)
    }
}

/// `*` matches any run of characters, everything else itself.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return pattern == text };
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Builds the type space; see the module docs.
pub struct TypeBuilder<'a> {
    arena: &'a SchemaArena,
    sources: &'a Sources,
    options: &'a TypeOptions,
    pub diagnostics: Diagnostics,
    types: Vec<TypeDef>,
    memo: HashMap<SchemaId, TypeRef>,
    /// The type of each schema text built so far: a named type, in an `Option`
    /// when that text allows `null`.
    by_fingerprint: HashMap<String, TypeRef>,
    /// Nodes whose type is being built, to report cycles that no named type breaks.
    in_progress: BTreeSet<SchemaId>,
    /// `allOf` merges in progress, to report cycles instead of looping.
    merging: Vec<SchemaId>,
    /// Finished merges, by target: a schema that many `allOf` paths reach is
    /// merged once, not once per path (which is exponential in the depth).
    merges: HashMap<SchemaId, Option<Keywords>>,
    /// See [`TypeSpace::is_lenient`].
    lenient: BTreeSet<SchemaId>,
    fields: BTreeSet<SchemaId>,
    /// The property schemas an `allOf` merge dropped as copies of the one it
    /// kept, or as less precise, by the one kept (see [`Self::with_twins`]).
    twins: HashMap<SchemaId, Vec<SchemaId>>,
    /// Properties that two `allOf` parts declare differently, and that no
    /// one of the two types holds: typed as `serde_json::Value`, by merge
    /// target.
    loose: HashMap<SchemaId, HashSet<String>>,
}

impl<'a> TypeBuilder<'a> {
    /// The schemas types are built from.
    pub fn arena(&self) -> &'a SchemaArena {
        self.arena
    }

    pub fn new(arena: &'a SchemaArena, sources: &'a Sources, options: &'a TypeOptions) -> Self {
        Self {
            arena,
            sources,
            options,
            diagnostics: Diagnostics::new(),
            types: Vec::new(),
            memo: HashMap::new(),
            by_fingerprint: HashMap::new(),
            in_progress: BTreeSet::new(),
            merging: Vec::new(),
            merges: HashMap::new(),
            lenient: BTreeSet::new(),
            fields: BTreeSet::new(),
            twins: HashMap::new(),
            loose: HashMap::new(),
        }
    }

    fn error(&mut self, schema: SchemaId, message: String) {
        let site = &self.arena.get(schema).site;
        self.diagnostics.push(Diagnostic::error(message).at(self.sources.locate(site)));
    }

    fn warning(&mut self, schema: SchemaId, message: String) {
        let site = &self.arena.get(schema).site;
        self.diagnostics.push(Diagnostic::warning(message).at(self.sources.locate(site)));
    }

    /// The type for the schema `id`, used where `hint` says.
    pub fn type_of(&mut self, id: SchemaId, hint: NameHint) -> TypeRef {
        if let Some(found) = self.memo.get(&id).cloned() {
            self.add_hint(&found, hint);
            return found;
        }
        if !self.in_progress.insert(id) {
            self.error(id, "this schema contains itself with no object or array in between: no Rust type can represent it".to_owned());
            return TypeRef::Any;
        }
        let node = self.arena.get(id);
        let result = match &node.kind {
            SchemaKind::Ref { target, .. } => {
                let target = *target;
                let name = pointer::last_token(&self.arena.get(target).site.pointer)
                    .filter(|name| name.parse::<usize>().is_err());
                let ty = self.type_of(target, name.map(NameHint::Exact).unwrap_or(NameHint::None));
                self.add_hint(&ty, hint);
                ty
            }
            SchemaKind::Any | SchemaKind::Nothing => {
                self.named_if_exact(id, TypeRef::Any, hint, Docs::default())
            }
            SchemaKind::Keywords(keywords) => {
                let fingerprint = node.fingerprint.clone();
                match self.by_fingerprint.get(&fingerprint).cloned() {
                    Some(existing) => {
                        self.add_hint(&existing, hint);
                        existing
                    }
                    None => {
                        let keywords = (**keywords).clone();
                        self.type_of_keywords(id, &keywords, hint, &fingerprint)
                    }
                }
            }
        };
        self.in_progress.remove(&id);
        self.memo.insert(id, result.clone());
        result
    }

    /// Gives the named type behind `ty` the docs of the message it is the payload
    /// of, when its schema has none of its own.
    pub fn set_docs_if_empty(&mut self, ty: &TypeRef, docs: Docs) {
        if let TypeRef::Named(id) = ty {
            let def = &mut self.types[id.0];
            if def.docs == Docs::default() {
                def.docs = docs;
            }
        }
    }

    fn add_hint(&mut self, ty: &TypeRef, hint: NameHint) {
        if hint == NameHint::None {
            return;
        }
        let ty = match ty {
            TypeRef::Option(inner) => inner,
            ty => ty,
        };
        let (TypeRef::Named(id) | TypeRef::Boxed(id)) = ty else { return };
        let hints = &mut self.types[id.0].hints;
        if !hints.contains(&hint) {
            hints.push(hint);
        }
    }

    /// Reserves a named type before its parts are built, so that recursive uses
    /// find it; [`Self::define`] fills it in. A use of a `nullable` schema is
    /// the type in an `Option`, found so by recursion and by any schema of the
    /// same text.
    fn reserve(&mut self, id: SchemaId, hint: NameHint, fingerprint: &str, nullable: bool) -> TypeId {
        let type_id = TypeId(self.types.len());
        let hints = if hint == NameHint::None { Vec::new() } else { vec![hint] };
        self.types.push(TypeDef {
            name: String::new(),
            docs: Docs::default(),
            kind: TypeKind::Alias(TypeRef::Any),
            schema: id,
            hints,
            deprecated: false,
        });
        let use_of = if nullable { option(TypeRef::Named(type_id)) } else { TypeRef::Named(type_id) };
        self.memo.insert(id, use_of.clone());
        self.by_fingerprint.insert(fingerprint.to_owned(), use_of);
        type_id
    }

    fn define(&mut self, type_id: TypeId, kind: TypeKind, keywords: &Keywords) {
        let def = &mut self.types[type_id.0];
        def.kind = kind;
        def.docs = Docs::type_of_keywords(keywords);
        def.deprecated = keywords.deprecated;
    }

    /// Wraps `ty` in an alias when the use names it (a component schema, a
    /// payload), so that the name the document gives exists in Rust too.
    fn named_if_exact(&mut self, id: SchemaId, ty: TypeRef, hint: NameHint, docs: Docs) -> TypeRef {
        if !matches!(hint, NameHint::Exact(_)) || matches!(ty, TypeRef::Named(_)) {
            return ty;
        }
        let fingerprint = format!("alias {}", self.arena.get(id).fingerprint);
        if let Some(existing) = self.by_fingerprint.get(&fingerprint).cloned() {
            self.add_hint(&existing, hint);
            return existing;
        }
        let type_id = self.reserve(id, hint, &fingerprint, false);
        let def = &mut self.types[type_id.0];
        def.kind = TypeKind::Alias(ty);
        def.docs = docs;
        TypeRef::Named(type_id)
    }

    fn type_of_keywords(
        &mut self,
        id: SchemaId,
        keywords: &Keywords,
        hint: NameHint,
        fingerprint: &str,
    ) -> TypeRef {
        if keywords.all_of.is_empty() {
            return self.type_of_plain(id, keywords, hint, fingerprint);
        }
        // `allOf: [{$ref: X}, {description: ...}]` is X, described.
        let own = Keywords { all_of: Vec::new(), ..keywords.clone() };
        let significant: Vec<SchemaId> =
            keywords.all_of.iter().copied().filter(|part| !self.is_annotation_only(*part)).collect();
        if own.is_annotation_only() && significant.len() == 1 {
            let ty = self.type_of(significant[0], hint.clone());
            return self.named_if_exact(id, ty, hint, Docs::type_of_keywords(keywords));
        }
        match self.merged(id) {
            Some(merged) => self.type_of_plain(id, &merged, hint, fingerprint),
            None => TypeRef::Any,
        }
    }

    fn is_annotation_only(&self, id: SchemaId) -> bool {
        match &self.arena.get(id).kind {
            SchemaKind::Keywords(keywords) => keywords.is_annotation_only(),
            SchemaKind::Any => true,
            _ => false,
        }
    }

    /// For a property two `allOf` parts declare as `a` and `b`, the one whose
    /// Rust type holds every value valid for both, and best; `None` when both
    /// may be objects or arrays (whose members the two parts could share out
    /// between them), or when neither says its kind of value and they guess
    /// different ones.
    ///
    /// A value valid for both is valid for each. So a schema that says its
    /// kinds (by `type`, `enum` or `const`) is always a safe choice, and one
    /// that does not is safe when its type holds those kinds: `{format:
    /// date-time}` refines `{type: string}` to a timestamp, and does not turn
    /// `{type: integer}` into one.
    fn kept_of_two(&self, a: SchemaId, b: SchemaId) -> Option<SchemaId> {
        let (Some(shape_a), Some(shape_b)) = (self.property_shape(a), self.property_shape(b)) else {
            // A `false` part (or a broken chain, reported elsewhere): no value
            // is valid, any type will do.
            return Some(a);
        };
        if shape_a.compound && shape_b.compound {
            return None;
        }
        let better = |first: (SchemaId, &PropertyShape), second: (SchemaId, &PropertyShape)| {
            if second.1.precision > first.1.precision { second.0 } else { first.0 }
        };
        match (shape_a.declared, shape_b.declared) {
            (true, true) => Some(match (shape_a.compound, shape_b.compound) {
                (true, false) => a,
                (false, true) => b,
                _ => better((a, &shape_a), (b, &shape_b)),
            }),
            (true, false) if holds(&shape_b.kinds, &shape_a.kinds) => {
                Some(better((a, &shape_a), (b, &shape_b)))
            }
            (true, false) => Some(a),
            (false, true) if holds(&shape_a.kinds, &shape_b.kinds) => {
                Some(better((b, &shape_b), (a, &shape_a)))
            }
            (false, true) => Some(b),
            (false, false) if shape_a.kinds == shape_b.kinds => Some(better((a, &shape_a), (b, &shape_b))),
            (false, false) => None,
        }
    }

    /// `schema` and its twins, theirs included (a merge may keep a schema
    /// that kept others in an earlier merge).
    fn with_twins(&self, schema: SchemaId) -> Vec<SchemaId> {
        let mut nodes = vec![schema];
        let mut next = 0;
        while let Some(node) = nodes.get(next).copied() {
            for twin in self.twins.get(&node).into_iter().flatten() {
                if !nodes.contains(twin) {
                    nodes.push(*twin);
                }
            }
            next += 1;
        }
        nodes
    }

    /// What [`Self::kept_of_two`] weighs of a property schema; `None` for one
    /// that accepts nothing.
    fn property_shape(&self, id: SchemaId) -> Option<PropertyShape> {
        match &self.arena.get(self.arena.target(id)).kind {
            SchemaKind::Keywords(keywords) => {
                let values = keywords.enum_values.iter().flatten().chain(&keywords.const_value);
                let declared = keywords.types.is_some()
                    || keywords.enum_values.is_some()
                    || keywords.const_value.is_some();
                let kinds = match &keywords.types {
                    Some(types) => types.clone(),
                    None if declared => values.map(JsonType::of).collect(),
                    None => inferred_types(keywords),
                };
                Some(PropertyShape {
                    declared,
                    kinds,
                    compound: keywords.may_be_compound(),
                    precision: keywords.type_precision(),
                })
            }
            SchemaKind::Any => {
                Some(PropertyShape { declared: false, kinds: Vec::new(), compound: false, precision: 0 })
            }
            SchemaKind::Nothing | SchemaKind::Ref { .. } => None,
        }
    }

    /// The keywords of `id` with its `allOf` parts merged in, for typing only
    /// (validators check the parts as written). Parts that no one Rust type
    /// can merge, and parts that no value satisfies together, get a warning
    /// and no merge: the schema is typed as any JSON value, which validation
    /// checks against every part (and, in the second case, always rejects, as
    /// it does a `false` schema).
    pub fn merged(&mut self, id: SchemaId) -> Option<Keywords> {
        let target = self.arena.target(id);
        if let Some(merged) = self.merges.get(&target) {
            return merged.clone();
        }
        if self.merging.contains(&target) {
            self.error(
                id,
                "reference cycle through `allOf`: a schema cannot be merged into itself".to_owned(),
            );
            return None;
        }
        self.merging.push(target);
        let merged = self.merge_parts(id, target);
        self.merging.pop();
        // Whether a merge succeeds does not depend on where it was reached
        // from: a cycle through an enclosing merge is a cycle from here too.
        self.merges.insert(target, merged.clone());
        merged
    }

    /// [`merged`](Self::merged), for the schema `id` leads to, `target`.
    fn merge_parts(&mut self, id: SchemaId, target: SchemaId) -> Option<Keywords> {
        let keywords = match &self.arena.get(target).kind {
            SchemaKind::Keywords(keywords) => (**keywords).clone(),
            SchemaKind::Any => Keywords::default(),
            // A `false` schema says itself that it accepts nothing.
            SchemaKind::Nothing => return None,
            SchemaKind::Ref { .. } => {
                self.error(id, "this `$ref` chain never reaches a schema".to_owned());
                return None;
            }
        };
        let mut result = Keywords { all_of: Vec::new(), ..keywords.clone() };
        for part in &keywords.all_of {
            if matches!(self.arena.get(self.arena.target(*part)).kind, SchemaKind::Nothing) {
                self.accepts_nothing(*part, "this part is `false`");
                return None;
            }
            let part_keywords = self.merged(*part)?;
            match self.merge_into(&mut result, part_keywords, *part, target) {
                Ok(()) => {}
                Err(Conflict::NoValue(reason)) => {
                    self.accepts_nothing(*part, &reason);
                    return None;
                }
                Err(Conflict::Unrepresentable(reason)) => {
                    self.warning(
                        *part,
                        format!(
                            "this `allOf` part does not merge into one Rust type ({reason}): the schema \
                             is typed as `serde_json::Value`, and validation checks every part"
                        ),
                    );
                    return None;
                }
            }
        }
        Some(result)
    }

    fn accepts_nothing(&mut self, part: SchemaId, reason: &str) {
        self.warning(
            part,
            format!(
                "this `allOf` accepts no value ({reason}): it is typed as `serde_json::Value`, \
                 and validation rejects every value"
            ),
        );
    }

    /// Merges `part` (the keywords of `part_id`) into `into`, the merge of
    /// `target`'s parts so far; keywords that shape the Rust type must agree.
    fn merge_into(
        &mut self,
        into: &mut Keywords,
        part: Keywords,
        part_id: SchemaId,
        target: SchemaId,
    ) -> Result<(), Conflict> {
        into.types = match (into.types.take(), part.types) {
            (None, other) | (other, None) => other,
            (Some(a), Some(b)) => {
                let mut both: Vec<JsonType> = a.iter().copied().filter(|t| b.contains(t)).collect();
                // `integer` is a kind of `number`.
                if a.contains(&JsonType::Number)
                    && b.contains(&JsonType::Integer)
                    && !both.contains(&JsonType::Integer)
                {
                    both.push(JsonType::Integer);
                }
                if b.contains(&JsonType::Number)
                    && a.contains(&JsonType::Integer)
                    && !both.contains(&JsonType::Integer)
                {
                    both.push(JsonType::Integer);
                }
                both.retain(|t| *t != JsonType::Number || (a.contains(t) && b.contains(t)));
                both.sort();
                if both.is_empty() {
                    return Err(Conflict::NoValue("its parts have no type in common".to_owned()));
                }
                Some(both)
            }
        };
        into.nullable |= part.nullable;
        // What the properties add to the type space is recorded once the whole
        // part has merged: a part that fails to merge leaves nothing behind.
        let mut twins: Vec<(SchemaId, SchemaId)> = Vec::new();
        let mut loose: Vec<String> = Vec::new();
        // A property loose in the part is loose in the whole (warned of once).
        let inherited: Vec<String> =
            self.loose.get(&self.arena.target(part_id)).into_iter().flatten().cloned().collect();
        for (name, schema) in part.properties {
            let Some(slot) = into.properties.iter_mut().find(|(existing, _)| *existing == name) else {
                into.properties.push((name, schema));
                continue;
            };
            let existing = slot.1;
            let same = self.arena.target(existing) == self.arena.target(schema)
                || self.arena.get(existing).fingerprint == self.arena.get(schema).fingerprint
                || self.is_annotation_only(schema);
            // The raw check walks both parts, so both schemas are the field's:
            // the one kept types it, the other is its twin.
            let kept = if self.is_annotation_only(existing) {
                slot.1 = schema;
                continue;
            } else if same {
                existing
            } else if let Some(kept) = self.kept_of_two(existing, schema) {
                kept
            } else {
                loose.push(name);
                existing
            };
            slot.1 = kept;
            twins.push((kept, if kept == existing { schema } else { existing }));
        }
        for name in part.required {
            if !into.required.contains(&name) {
                into.required.push(name);
            }
        }
        for (pattern, schema) in part.pattern_properties {
            if !into.pattern_properties.iter().any(|(p, _)| *p == pattern) {
                into.pattern_properties.push((pattern, schema));
            }
        }
        into.dependencies.extend(part.dependencies);
        take_one(
            "additionalProperties",
            &mut into.additional_properties,
            part.additional_properties,
            |a, b| self.arena.get(*a).fingerprint == self.arena.get(*b).fingerprint,
        )?;
        take_one("enum", &mut into.enum_values, part.enum_values, |a, b| a == b)?;
        // Two different constants: no value equals both.
        take_one("const", &mut into.const_value, part.const_value, |a, b| a == b)
            .map_err(Conflict::no_value)?;
        take_one("format", &mut into.format, part.format, |a, b| a == b)?;
        take_one("items", &mut into.items, part.items, |a, b| a == b)?;
        take_one("discriminator", &mut into.discriminator, part.discriminator, |a, b| a == b)?;
        if !part.one_of.is_empty() || !part.any_of.is_empty() {
            if !into.one_of.is_empty() || !into.any_of.is_empty() {
                return Err(Conflict::Unrepresentable("two parts both use `oneOf`/`anyOf`".to_owned()));
            }
            into.one_of = part.one_of;
            into.any_of = part.any_of;
        }
        // Keywords that only validate (bounds, patterns, ...) are checked on the
        // parts as written; the merge keeps the first for documentation. A part
        // written as a `$ref` is described where it is defined: its words are
        // about it (a base), not about what extends it.
        if !matches!(self.arena.get(part_id).kind, SchemaKind::Ref { .. }) {
            into.title = into.title.take().or(part.title);
            into.description = into.description.take().or(part.description);
        }
        into.default = into.default.take().or(part.default);
        into.deprecated |= part.deprecated;
        for (kept, twin) in twins {
            let known = self.twins.entry(kept).or_default();
            if twin != kept && !known.contains(&twin) {
                known.push(twin);
            }
        }
        for name in &loose {
            self.warning(
                part_id,
                format!(
                    "property `{name}` is declared differently in two `allOf` parts, and neither \
                     type holds every value valid for both: it is typed as `serde_json::Value`, and \
                     validation checks both"
                ),
            );
        }
        for name in loose.into_iter().chain(inherited) {
            self.loose.entry(target).or_default().insert(name);
        }
        Ok(())
    }

    fn type_of_plain(
        &mut self,
        id: SchemaId,
        keywords: &Keywords,
        hint: NameHint,
        fingerprint: &str,
    ) -> TypeRef {
        let docs = Docs::type_of_keywords(keywords);
        let alternatives = if keywords.one_of.is_empty() { &keywords.any_of } else { &keywords.one_of };
        if !alternatives.is_empty() {
            if !keywords.properties.is_empty() {
                self.warning(id, "properties next to `oneOf`/`anyOf` are typed as `serde_json::Value` (validation still checks them)".to_owned());
                return self.named_if_exact(id, TypeRef::Any, hint, docs);
            }
            let alternatives = alternatives.clone();
            let non_null: Vec<SchemaId> = alternatives
                .iter()
                .copied()
                .filter(|alternative| !self.is_null_schema(*alternative))
                .collect();
            if non_null.len() == 1 {
                let inner = self.type_of(non_null[0], hint.clone());
                let ty = if non_null.len() < alternatives.len() { option(inner) } else { inner };
                return self.named_if_exact(id, ty, hint, docs);
            }
            return self.union(id, keywords, &alternatives, hint, fingerprint);
        }

        let values = keywords.enum_values.clone().or_else(|| keywords.const_value.clone().map(|c| vec![c]));
        if let Some(values) = values {
            let allows_null = values.contains(&Value::Null);
            let others: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            let fits =
                |json_type: JsonType| keywords.types.as_ref().is_none_or(|types| types.contains(&json_type));
            let nullable = allows_null && fits(JsonType::Null);
            let enum_ty =
                if !others.is_empty() && others.iter().all(|v| v.is_string()) && fits(JsonType::String) {
                    let strings: Vec<String> =
                        others.iter().filter_map(|v| v.as_str()).map(str::to_owned).collect();
                    Some(self.string_enum(id, keywords, strings, hint.clone(), fingerprint, nullable))
                } else if !others.is_empty()
                    && others.iter().all(|v| v.as_i64().is_some())
                    && fits(JsonType::Integer)
                {
                    let integers: Vec<i64> = others.iter().filter_map(|v| v.as_i64()).collect();
                    Some(self.integer_enum(id, keywords, integers, hint.clone(), fingerprint, nullable))
                } else {
                    None
                };
            if let Some(ty) = enum_ty {
                return if nullable { self.named_if_exact(id, option(ty), hint, docs) } else { ty };
            }
        }

        let mut types: Vec<JsonType> = match &keywords.types {
            Some(types) => types.clone(),
            None => inferred_types(keywords),
        };
        if keywords.nullable && !types.is_empty() && !types.contains(&JsonType::Null) {
            types.push(JsonType::Null);
        }
        let nullable = types.contains(&JsonType::Null);
        let mut non_null: Vec<JsonType> = types.into_iter().filter(|t| *t != JsonType::Null).collect();
        if non_null.contains(&JsonType::Number) {
            non_null.retain(|t| *t != JsonType::Integer);
        }
        let base = match non_null.as_slice() {
            [] if nullable => TypeRef::Unit,
            [single] => match single {
                JsonType::Object => return self.object(id, keywords, hint, fingerprint, nullable),
                other => self.primitive(*other, keywords, &hint),
            },
            _ => TypeRef::Any,
        };
        let ty = if nullable && base != TypeRef::Unit && base != TypeRef::Any { option(base) } else { base };
        self.named_if_exact(id, ty, hint, docs)
    }

    fn is_null_schema(&self, id: SchemaId) -> bool {
        self.arena.keywords(id).is_some_and(|k| k.types.as_deref() == Some(&[JsonType::Null]))
    }

    fn primitive(&mut self, json_type: JsonType, keywords: &Keywords, hint: &NameHint) -> TypeRef {
        match json_type {
            JsonType::String => match &keywords.format {
                Some(Format::Checked("date-time")) => TypeRef::DateTime,
                Some(Format::Checked("date")) => TypeRef::Date,
                Some(Format::Checked("uri")) => TypeRef::Url,
                Some(Format::Checked("uuid")) => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            JsonType::Integer => match keywords.format {
                Some(Format::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            JsonType::Number => match keywords.format {
                Some(Format::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            JsonType::Boolean => TypeRef::Bool,
            JsonType::Null => TypeRef::Unit,
            JsonType::Object => TypeRef::Object,
            JsonType::Array => {
                let items = match &keywords.items {
                    Some(super::schema::Items::All(items)) => {
                        let item_hint = match hint {
                            NameHint::Property { parent, property } => {
                                NameHint::Item { parent: *parent, property: Some(property.clone()) }
                            }
                            NameHint::Exact(name) | NameHint::Derived(name) => NameHint::Derived(
                                naming::singular(name).unwrap_or_else(|| format!("{name}Item")),
                            ),
                            _ => NameHint::None,
                        };
                        self.type_of(*items, item_hint)
                    }
                    _ => TypeRef::Any,
                };
                TypeRef::List(Box::new(items))
            }
        }
    }

    fn object(
        &mut self,
        id: SchemaId,
        keywords: &Keywords,
        hint: NameHint,
        fingerprint: &str,
        nullable: bool,
    ) -> TypeRef {
        let docs = Docs::type_of_keywords(keywords);
        let denies_all = keywords
            .additional_properties
            .is_some_and(|ap| matches!(self.arena.get(ap).kind, SchemaKind::Nothing));
        if keywords.properties.is_empty() && !denies_all {
            let ty = if !keywords.pattern_properties.is_empty() {
                TypeRef::Object
            } else if let Some(additional) = keywords.additional_properties {
                match self.type_of(additional, NameHint::None) {
                    TypeRef::Any => TypeRef::Object,
                    value => TypeRef::Map(Box::new(value)),
                }
            } else {
                TypeRef::Object
            };
            let ty = if nullable { option(ty) } else { ty };
            return self.named_if_exact(id, ty, hint, docs);
        }
        let type_id = self.reserve(id, hint, fingerprint, nullable);
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        let target = self.arena.target(id);
        for (wire, schema) in &keywords.properties {
            let mut ty = if self.loose.get(&target).is_some_and(|names| names.contains(wire)) {
                TypeRef::Any
            } else {
                self.type_of(*schema, NameHint::Property { parent: type_id, property: wire.clone() })
            };
            let nodes = self.with_twins(*schema);
            if self.options.reads_integers(self.arena, wire, *schema)
                && let Some(reads_integers) = lenient(&ty)
            {
                ty = reads_integers;
                self.lenient.extend(&nodes);
            }
            self.fields.extend(nodes);
            let required = keywords.required.contains(wire);
            // The outer `Option` is whether the property is there; a nullable
            // one's type already says `null` (`Option<Option<T>>` in all).
            if !required {
                ty = TypeRef::Option(Box::new(ty));
            }
            let property = self.property_annotations(*schema);
            fields.push(Field {
                wire: wire.clone(),
                name: scope.claim(&naming::snake(wire)),
                ty,
                required,
                docs: Docs { title: property.title, description: property.description },
                schema: *schema,
                default: property.default,
                deprecated: property.deprecated,
                examples: property.examples,
            });
        }
        let undeclared_required =
            keywords.required.iter().any(|r| !keywords.properties.iter().any(|(p, _)| p == r));
        // The field that keeps them is named after the listed properties.
        let mut capture = |value| Unknown::Capture { field: scope.claim("additional_properties"), value };
        let unknown = match keywords.additional_properties {
            _ if !keywords.pattern_properties.is_empty() || undeclared_required => capture(TypeRef::Any),
            Some(additional) if matches!(self.arena.get(additional).kind, SchemaKind::Nothing) => {
                Unknown::Deny
            }
            Some(additional) => capture(self.type_of(additional, NameHint::Value { parent: type_id })),
            None => Unknown::Ignore,
        };
        self.define(type_id, TypeKind::Struct(Struct { fields, unknown }), keywords);
        let ty = TypeRef::Named(type_id);
        if nullable { option(ty) } else { ty }
    }

    /// The docs of a property: its own, or those written next to its `$ref` or
    /// in an annotation-only `allOf` part.
    fn property_annotations(&self, schema: SchemaId) -> Keywords {
        match &self.arena.get(schema).kind {
            SchemaKind::Ref { annotations, .. } => (**annotations).clone(),
            SchemaKind::Keywords(keywords) => {
                let mut own = Keywords {
                    title: keywords.title.clone(),
                    description: keywords.description.clone(),
                    default: keywords.default.clone(),
                    deprecated: keywords.deprecated,
                    examples: keywords.examples.clone(),
                    ..Keywords::default()
                };
                if own.description.is_none() {
                    let described = keywords.all_of.iter().find_map(|part| {
                        self.arena
                            .keywords(*part)
                            .filter(|k| k.is_annotation_only())
                            .and_then(|k| k.description.clone())
                    });
                    own.description = described;
                }
                own
            }
            _ => Keywords::default(),
        }
    }

    fn string_enum(
        &mut self,
        id: SchemaId,
        keywords: &Keywords,
        values: Vec<String>,
        hint: NameHint,
        fingerprint: &str,
        nullable: bool,
    ) -> TypeRef {
        let type_id = self.reserve(id, hint, fingerprint, nullable);
        let mut scope = Scope::new();
        // A value listed twice is one variant (a second would be unreachable).
        let mut seen = HashSet::new();
        let variants = values
            .into_iter()
            .filter(|value| seen.insert(value.clone()))
            .map(|value| StringVariant { name: scope.claim(&naming::pascal(&value)), value })
            .collect();
        self.define(type_id, TypeKind::StringEnum(variants), keywords);
        TypeRef::Named(type_id)
    }

    fn integer_enum(
        &mut self,
        id: SchemaId,
        keywords: &Keywords,
        values: Vec<i64>,
        hint: NameHint,
        fingerprint: &str,
        nullable: bool,
    ) -> TypeRef {
        let type_id = self.reserve(id, hint, fingerprint, nullable);
        let mut scope = Scope::new();
        let mut seen = HashSet::new();
        let variants = values
            .into_iter()
            .filter(|value| seen.insert(*value))
            .map(|value| {
                let name =
                    if value < 0 { format!("Minus{}", value.unsigned_abs()) } else { format!("N{value}") };
                IntegerVariant { name: scope.claim(&name), value }
            })
            .collect();
        self.define(type_id, TypeKind::IntegerEnum(variants), keywords);
        TypeRef::Named(type_id)
    }

    fn union(
        &mut self,
        id: SchemaId,
        keywords: &Keywords,
        alternatives: &[SchemaId],
        hint: NameHint,
        fingerprint: &str,
    ) -> TypeRef {
        let type_id = self.reserve(id, hint, fingerprint, false);
        let mut variants = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let ty = self.type_of(*alternative, NameHint::Variant { parent: type_id, index });
            let title = self.arena.keywords(*alternative).and_then(|k| k.title.clone());
            variants.push(UnionVariant { name: String::new(), ty, title, tag_value: None });
        }
        let candidates: Vec<super::discriminator::Candidate> = alternatives
            .iter()
            .map(|alternative| self.candidate(*alternative, keywords.discriminator.as_deref()))
            .collect();
        let tag = super::discriminator::single_tag(&candidates).map(|(property, values)| {
            for (variant, value) in variants.iter_mut().zip(values) {
                variant.tag_value = Some(value);
            }
            property
        });
        self.define(type_id, TypeKind::Union(Union { variants, tag }), keywords);
        TypeRef::Named(type_id)
    }

    /// What a discriminator search needs to know of the (object) schema `id`.
    pub fn candidate(
        &mut self,
        id: SchemaId,
        inherited_discriminator: Option<&str>,
    ) -> super::discriminator::Candidate {
        let merged = self.merged(id).unwrap_or_default();
        let singles = merged
            .properties
            .iter()
            .filter_map(|(name, schema)| {
                single_string_value(self.arena, *schema).map(|value| (name.clone(), value))
            })
            .collect();
        let target = self.arena.get(self.arena.target(id));
        let kinds = self.kinds(&merged, 0);
        super::discriminator::Candidate {
            kinds,
            singles,
            required: merged.required.iter().cloned().collect(),
            discriminator: merged
                .discriminator
                .clone()
                .or_else(|| inherited_discriminator.map(str::to_owned)),
            schema_name: pointer::last_token(&target.site.pointer),
        }
    }

    /// The JSON kinds a (merged) schema allows: its `type`, else its union's
    /// alternatives'; `None` when that is not said (anything goes).
    fn kinds(&mut self, merged: &Keywords, depth: usize) -> Option<BTreeSet<super::discriminator::Kind>> {
        use super::discriminator::Kind;
        let mut kinds = match merged.types.as_deref() {
            Some(types) => Kind::of_types(types),
            None => {
                let alternatives = if merged.one_of.is_empty() { &merged.any_of } else { &merged.one_of };
                if alternatives.is_empty() || depth > 16 {
                    return None;
                }
                let mut kinds = BTreeSet::new();
                for alternative in alternatives.clone() {
                    let alternative = self.merged(alternative)?;
                    kinds.extend(self.kinds(&alternative, depth + 1)?);
                }
                kinds
            }
        };
        if merged.nullable {
            kinds.insert(Kind::Null);
        }
        Some(kinds)
    }

    /// Finishes the type space: recursion boxed, every type and variant named.
    pub fn finish(mut self) -> (TypeSpace, Diagnostics) {
        self.box_recursion();
        let names = self.assign_names();
        for (def, name) in self.types.iter_mut().zip(&names) {
            def.name = name.clone();
        }
        self.name_union_variants();
        let space = TypeSpace {
            types: self.types,
            lenient: self.lenient,
            fields: self.fields,
            options: self.options.clone(),
        };
        (space, self.diagnostics)
    }

    /// Direct (unboxed, not behind a `Vec` or map) uses of named types, by slot.
    fn direct_edges(def: &TypeDef) -> Vec<(usize, TypeId)> {
        let mut edges = Vec::new();
        let mut found = Vec::new();
        match &def.kind {
            TypeKind::Struct(s) => {
                for (slot, field) in s.fields.iter().enumerate() {
                    found.clear();
                    field.ty.direct_named(&mut found);
                    edges.extend(found.iter().map(|t| (slot, *t)));
                }
            }
            TypeKind::Union(u) => {
                for (slot, variant) in u.variants.iter().enumerate() {
                    found.clear();
                    variant.ty.direct_named(&mut found);
                    edges.extend(found.iter().map(|t| (slot, *t)));
                }
            }
            TypeKind::Alias(target) => {
                target.direct_named(&mut found);
                edges.extend(found.iter().map(|t| (0, *t)));
            }
            TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => {}
        }
        edges
    }

    /// Boxes the use that closes each cycle of direct uses (found depth-first in
    /// id order, so the choice is deterministic).
    fn box_recursion(&mut self) {
        let mut state = vec![0u8; self.types.len()];
        for start in 0..self.types.len() {
            if state[start] == 0 {
                self.visit(start, &mut state);
            }
        }
    }

    fn visit(&mut self, at: usize, state: &mut [u8]) {
        state[at] = 1;
        for (slot, target) in Self::direct_edges(&self.types[at]) {
            match state[target.0] {
                0 => self.visit(target.0, state),
                1 => match &mut self.types[at].kind {
                    TypeKind::Struct(s) => s.fields[slot].ty.box_direct(target),
                    TypeKind::Union(u) => u.variants[slot].ty.box_direct(target),
                    TypeKind::Alias(_) => {
                        let schema = self.types[at].schema;
                        self.error(
                            schema,
                            "this schema is an alias of itself: no Rust type can represent it".to_owned(),
                        );
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        state[at] = 2;
    }

    /// Names every type; see `NameHint`. Names the document gives are claimed
    /// first (in id order); a name made from a use is the short one (`Product`)
    /// when no other type wants it, else qualified by its parent
    /// (`RegistrantJoinedEventName`).
    fn assign_names(&self) -> Vec<String> {
        let mut scope = Scope::with_reserved(&naming::RESERVED_TYPE_NAMES);
        let mut names: Vec<Option<String>> = vec![None; self.types.len()];
        for (index, def) in self.types.iter().enumerate() {
            if let Some(NameHint::Exact(name)) = def.hints.iter().find(|h| matches!(h, NameHint::Exact(_))) {
                names[index] = Some(scope.claim(&naming::pascal(name)));
            }
        }
        let shorts: Vec<Option<String>> = self
            .types
            .iter()
            .zip(&names)
            .map(
                |(def, named)| {
                    if named.is_some() { None } else { def.hints.first().and_then(|h| self.short_name(h)) }
                },
            )
            .collect();
        let mut wanted: HashMap<&str, usize> = HashMap::new();
        for short in shorts.iter().flatten() {
            *wanted.entry(short.as_str()).or_default() += 1;
        }
        for index in 0..self.types.len() {
            if names[index].is_some() {
                continue;
            }
            let def = &self.types[index];
            let short = shorts[index].as_deref();
            let name = match short {
                Some(short) if wanted.get(short) == Some(&1) && !scope.is_taken(short) => short.to_owned(),
                _ => self.long_name(def.hints.first(), short, &names, index),
            };
            names[index] = Some(scope.claim(&name));
        }
        names.into_iter().map(Option::unwrap_or_default).collect()
    }

    fn short_name(&self, hint: &NameHint) -> Option<String> {
        match hint {
            NameHint::Property { property, .. } => Some(naming::pascal(property)),
            NameHint::Item { property: Some(property), .. } => Some(
                naming::singular(property)
                    .map(|s| naming::pascal(&s))
                    .unwrap_or_else(|| format!("{}Item", naming::pascal(property))),
            ),
            NameHint::Derived(name) => Some(naming::pascal(name)),
            _ => None,
        }
    }

    fn long_name(
        &self,
        hint: Option<&NameHint>,
        short: Option<&str>,
        names: &[Option<String>],
        index: usize,
    ) -> String {
        let parent_name = |parent: &TypeId| names.get(parent.0).cloned().flatten().unwrap_or_default();
        match hint {
            Some(NameHint::Property { parent, .. }) | Some(NameHint::Item { parent, property: Some(_) }) => {
                format!("{}{}", parent_name(parent), short.unwrap_or_default())
            }
            Some(NameHint::Item { parent, property: None }) => format!("{}Item", parent_name(parent)),
            Some(NameHint::Value { parent }) => format!("{}Value", parent_name(parent)),
            Some(NameHint::Variant { parent, index: variant }) => {
                let label = self.variant_label(*parent, *variant);
                format!("{}{label}", parent_name(parent))
            }
            Some(NameHint::Derived(name)) => naming::pascal(name),
            _ => {
                // Reached only through a `not`/`if`: name it after where it is written.
                let site = &self.arena.get(self.types[index].schema).site;
                let words: Vec<String> = pointer::tokens(&site.pointer).collect();
                naming::pascal(&words.iter().rev().take(2).rev().cloned().collect::<Vec<_>>().join(" "))
            }
        }
    }

    /// How an anonymous alternative of a union is called: by its tag value, else by
    /// its JSON type when that is unique among the alternatives, else by position.
    fn variant_label(&self, union: TypeId, index: usize) -> String {
        let TypeKind::Union(u) = &self.types[union.0].kind else { return format!("Variant{}", index + 1) };
        let Some(variant) = u.variants.get(index) else { return format!("Variant{}", index + 1) };
        if let Some(tag) = &variant.tag_value {
            return naming::pascal(tag);
        }
        let kinds: Vec<String> = u.variants.iter().map(|v| kind_label(&v.ty, &self.types)).collect();
        label_by_kind(&kinds, index)
    }

    fn name_union_variants(&mut self) {
        let names: Vec<String> = self.types.iter().map(|d| d.name.clone()).collect();
        let kinds: Vec<Vec<String>> = self
            .types
            .iter()
            .map(|def| match &def.kind {
                TypeKind::Union(u) => u.variants.iter().map(|v| kind_label(&v.ty, &self.types)).collect(),
                _ => Vec::new(),
            })
            .collect();
        for (index, def) in self.types.iter_mut().enumerate() {
            let union_name = names[index].clone();
            let TypeKind::Union(union) = &mut def.kind else { continue };
            let mut scope = Scope::new();
            for (position, variant) in union.variants.iter_mut().enumerate() {
                let candidate = match &variant.ty {
                    TypeRef::Named(t) | TypeRef::Boxed(t) => {
                        let name = &names[t.0];
                        match name.strip_prefix(&union_name) {
                            Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => {
                                rest.to_owned()
                            }
                            _ => name.clone(),
                        }
                    }
                    _ => match (&variant.title, &variant.tag_value) {
                        (Some(title), _) => naming::pascal(title),
                        (None, Some(tag)) => naming::pascal(tag),
                        (None, None) => label_by_kind(&kinds[index], position),
                    },
                };
                variant.name = scope.claim(&candidate);
            }
        }
    }
}

/// The one string value a schema allows (`const: x`, `enum: [x]`), if any.
pub fn single_string_value(arena: &SchemaArena, id: SchemaId) -> Option<String> {
    let keywords = arena.keywords(id)?;
    if let Some(Value::String(value)) = &keywords.const_value {
        return Some(value.clone());
    }
    match keywords.enum_values.as_deref() {
        Some([Value::String(value)]) => Some(value.clone()),
        _ => None,
    }
}

/// The label of the union alternative at `position`, of the JSON kinds `kinds`:
/// its kind when no other alternative has it, else its position.
fn label_by_kind(kinds: &[String], position: usize) -> String {
    match kinds.get(position) {
        Some(kind) if kinds.iter().filter(|other| *other == kind).count() == 1 => kind.clone(),
        _ => format!("Variant{}", position + 1),
    }
}

fn option(ty: TypeRef) -> TypeRef {
    if ty.is_option() { ty } else { TypeRef::Option(Box::new(ty)) }
}

/// Whether `id` says "a string" (or "a string or null") in its `type` and
/// nothing that picks among alternatives: the shape the raw validators judge
/// leniently too.
fn is_plain_string(arena: &SchemaArena, id: SchemaId) -> bool {
    let Some(keywords) = arena.keywords(id) else { return false };
    let Some(types) = &keywords.types else { return false };
    types.contains(&JsonType::String)
        && types.iter().all(|t| matches!(t, JsonType::String | JsonType::Null))
        && keywords.one_of.is_empty()
        && keywords.any_of.is_empty()
        && keywords.all_of.is_empty()
}

/// `ty` reading JSON integers too, when it is a string.
fn lenient(ty: &TypeRef) -> Option<TypeRef> {
    match ty {
        TypeRef::String => Some(TypeRef::LenientString),
        TypeRef::Option(inner) if **inner == TypeRef::String => {
            Some(TypeRef::Option(Box::new(TypeRef::LenientString)))
        }
        _ => None,
    }
}

/// The JSON types a schema without `type` is about, judged by its keywords.
fn inferred_types(keywords: &Keywords) -> Vec<JsonType> {
    let mut types = Vec::new();
    if keywords.has_object_keywords() {
        types.push(JsonType::Object);
    }
    if keywords.has_array_keywords() {
        types.push(JsonType::Array);
    }
    if keywords.has_string_keywords() || matches!(keywords.format, Some(Format::Checked(_))) {
        types.push(JsonType::String);
    }
    if keywords.has_number_keywords() {
        types.push(JsonType::Number);
    }
    if types.len() == 1 { types } else { Vec::new() }
}

/// A word for what a variant holds, to name it when nothing better exists.
fn kind_label(ty: &TypeRef, types: &[TypeDef]) -> String {
    match ty {
        TypeRef::Named(t) | TypeRef::Boxed(t) => match &types[t.0].kind {
            TypeKind::Struct(_) => "Object",
            TypeKind::StringEnum(_) => "String",
            TypeKind::IntegerEnum(_) => "Integer",
            TypeKind::Union(_) => "Union",
            TypeKind::Alias(inner) => return kind_label(inner, types),
        },
        TypeRef::String
        | TypeRef::LenientString
        | TypeRef::DateTime
        | TypeRef::Date
        | TypeRef::Url
        | TypeRef::Uuid => "String",
        TypeRef::I64 | TypeRef::I32 => "Integer",
        TypeRef::F64 | TypeRef::F32 => "Number",
        TypeRef::Bool => "Boolean",
        TypeRef::Unit => "Null",
        TypeRef::Any => "Value",
        TypeRef::Object | TypeRef::Map(_) => "Object",
        TypeRef::List(_) => "Array",
        TypeRef::Option(inner) => return kind_label(inner, types),
    }
    .to_owned()
}

/// What the Rust type of a property schema is sure to hold.
struct PropertyShape {
    /// The schema says its kinds of value (`type`, `enum` or `const`), rather
    /// than its type guessing them from other keywords.
    declared: bool,
    /// The kinds its type holds (empty: any).
    kinds: Vec<JsonType>,
    /// Its type may be an object or an array.
    compound: bool,
    /// See [`Keywords::type_precision`].
    precision: u8,
}

/// Whether a type holding the kinds `container` (empty: any) holds every
/// value of the kinds `kinds` (an integer is a number).
fn holds(container: &[JsonType], kinds: &[JsonType]) -> bool {
    container.is_empty()
        || (!kinds.is_empty()
            && kinds.iter().all(|kind| {
                container.contains(kind)
                    || (*kind == JsonType::Integer && container.contains(&JsonType::Number))
            }))
}

/// Why two `allOf` parts do not merge into one Rust type.
enum Conflict {
    /// No value satisfies both parts.
    NoValue(String),
    /// Values may satisfy both, but no one Rust type describes them.
    Unrepresentable(String),
}

impl Conflict {
    /// The same conflict, where it also means that no value satisfies both parts.
    fn no_value(self) -> Self {
        let (Conflict::NoValue(reason) | Conflict::Unrepresentable(reason)) = self;
        Conflict::NoValue(reason)
    }
}

/// Whether `take_one` may keep `into`: the keyword agrees, or only one side has it.
fn take_one<T>(
    keyword: &str,
    into: &mut Option<T>,
    other: Option<T>,
    same: impl Fn(&T, &T) -> bool,
) -> Result<(), Conflict> {
    match (into.as_ref(), other) {
        (_, None) => Ok(()),
        (None, Some(value)) => {
            *into = Some(value);
            Ok(())
        }
        (Some(existing), Some(value)) if same(existing, &value) => Ok(()),
        _ => Err(Conflict::Unrepresentable(format!("the parts give different `{keyword}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_property_names() {
        assert!(glob_matches("*Key", "webinarKey"));
        assert!(!glob_matches("*Key", "keyword"));
        assert!(glob_matches("event*", "eventKey"));
        assert!(glob_matches("a*b*c", "aXXbYYc"));
        assert!(!glob_matches("a*b*c", "aXXcYYb"));
        assert!(glob_matches("exact", "exact"));
        assert!(glob_matches("*", "anything"));
    }
}
