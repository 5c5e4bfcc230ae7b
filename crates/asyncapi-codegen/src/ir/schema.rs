//! JSON Schema as the validators see it: every keyword of draft-07 that AsyncAPI
//! 2.6 allows, parsed once into typed fields, with `$ref`s turned into node ids.
//!
//! Nodes are keyed by where they are written, so a recursive schema is a cycle
//! of ids, not an infinite tree. Keywords we cannot turn into code are errors
//! here, never dropped.

use std::collections::HashMap;

use asyncapi_rt::content;
use serde_json::{Number, Value};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Site, Sources};
use crate::pointer;

/// Index of a node in [`SchemaArena`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub usize);

/// The seven JSON types, in the order JSON Schema lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JsonType {
    Array,
    Boolean,
    Integer,
    Null,
    Number,
    Object,
    String,
}

impl JsonType {
    pub fn from_name(name: &str) -> Option<JsonType> {
        Some(match name {
            "array" => JsonType::Array,
            "boolean" => JsonType::Boolean,
            "integer" => JsonType::Integer,
            "null" => JsonType::Null,
            "number" => JsonType::Number,
            "object" => JsonType::Object,
            "string" => JsonType::String,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            JsonType::Array => "array",
            JsonType::Boolean => "boolean",
            JsonType::Integer => "integer",
            JsonType::Null => "null",
            JsonType::Number => "number",
            JsonType::Object => "object",
            JsonType::String => "string",
        }
    }

    /// The type of a JSON value (`integer` for numbers without a fractional part).
    pub fn of(value: &Value) -> JsonType {
        match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                JsonType::Integer
            }
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }
}

/// A `format` value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Format {
    /// One the runtime checks (`date-time`, `email`, ...), by its JSON Schema name.
    Checked(&'static str),
    /// OpenAPI-style numeric formats that choose a Rust type.
    Int32,
    Int64,
    Float,
    Double,
    /// Any other value: JSON Schema says unknown formats are annotations.
    Other(String),
}

/// The formats the runtime checks, by JSON Schema name.
pub const CHECKED_FORMATS: [&str; 18] = {
    let mut names = [""; 18];
    let mut index = 0;
    while index < names.len() {
        names[index] = asyncapi_rt::format::Format::ALL[index].name();
        index += 1;
    }
    names
};

impl Format {
    fn parse(name: &str) -> Format {
        if let Some(known) = CHECKED_FORMATS.iter().find(|f| **f == name) {
            return Format::Checked(known);
        }
        match name {
            "int32" => Format::Int32,
            "int64" => Format::Int64,
            "float" => Format::Float,
            "double" => Format::Double,
            other => Format::Other(other.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Items {
    /// `items: {schema}`: every item.
    All(SchemaId),
    /// `items: [schemas]`: item by item.
    Tuple(Vec<SchemaId>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Dependency {
    Properties(Vec<String>),
    Schema(SchemaId),
}

/// The keywords of one schema object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keywords {
    pub types: Option<Vec<JsonType>>,
    /// OpenAPI's `nullable: true`, which some AsyncAPI documents use.
    pub nullable: bool,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Value>,

    pub required: Vec<String>,
    pub properties: Vec<(String, SchemaId)>,
    pub pattern_properties: Vec<(String, SchemaId)>,
    pub additional_properties: Option<SchemaId>,
    pub property_names: Option<SchemaId>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub dependencies: Vec<(String, Dependency)>,

    pub items: Option<Items>,
    pub additional_items: Option<SchemaId>,
    pub contains: Option<SchemaId>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,

    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub format: Option<Format>,
    /// `contentEncoding`, when the validators decode it.
    pub content_encoding: Option<content::Encoding>,
    /// `contentMediaType`, when the validators read it (and can decode the
    /// `contentEncoding`, if there is one).
    pub content_media_type: Option<content::MediaType>,

    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub multiple_of: Option<Number>,

    pub all_of: Vec<SchemaId>,
    pub any_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub not: Option<SchemaId>,
    pub if_: Option<SchemaId>,
    pub then: Option<SchemaId>,
    pub else_: Option<SchemaId>,

    /// AsyncAPI's `discriminator` (a property name).
    pub discriminator: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub deprecated: bool,
    /// `example` and `examples` values, for documentation.
    pub examples: Vec<Value>,
}

impl Keywords {
    /// Whether this schema says nothing but annotations (title, description...):
    /// `allOf: [{$ref: X}, {description: ...}]` is just X.
    pub fn is_annotation_only(&self) -> bool {
        let annotations = Keywords {
            title: self.title.clone(),
            description: self.description.clone(),
            default: self.default.clone(),
            deprecated: self.deprecated,
            examples: self.examples.clone(),
            ..Keywords::default()
        };
        *self == annotations
    }

    /// Whether any keyword constrains objects.
    pub fn has_object_keywords(&self) -> bool {
        !self.required.is_empty()
            || !self.properties.is_empty()
            || !self.pattern_properties.is_empty()
            || self.additional_properties.is_some()
            || self.property_names.is_some()
            || self.min_properties.is_some()
            || self.max_properties.is_some()
            || !self.dependencies.is_empty()
    }

    pub fn has_array_keywords(&self) -> bool {
        self.items.is_some()
            || self.additional_items.is_some()
            || self.contains.is_some()
            || self.min_items.is_some()
            || self.max_items.is_some()
            || self.unique_items
    }

    pub fn has_string_keywords(&self) -> bool {
        self.min_length.is_some()
            || self.max_length.is_some()
            || self.pattern.is_some()
            || self.content_encoding.is_some()
            || self.content_media_type.is_some()
    }

    pub fn has_number_keywords(&self) -> bool {
        self.minimum.is_some()
            || self.maximum.is_some()
            || self.exclusive_minimum.is_some()
            || self.exclusive_maximum.is_some()
            || self.multiple_of.is_some()
    }

    /// Whether the Rust type of the schema may be an object or an array (a
    /// struct, map, list or union), whose members another schema could add
    /// to; `false` for scalars and for any JSON value.
    pub fn may_be_compound(&self) -> bool {
        self.has_combinators()
            || self.has_object_keywords()
            || self.has_array_keywords()
            || self
                .types
                .as_ref()
                .is_some_and(|types| types.iter().any(|t| matches!(t, JsonType::Object | JsonType::Array)))
    }

    /// How closely the Rust type of a scalar schema fits its values: a
    /// constant or enum, then a checked format (typed, or checked in a
    /// `String`), then an integer, then a declared `type`, then types inferred
    /// from keywords (or none: any value).
    pub fn type_precision(&self) -> u8 {
        if self.enum_values.is_some() || self.const_value.is_some() {
            4
        } else if matches!(self.format, Some(Format::Checked(_) | Format::Int32 | Format::Int64)) {
            3
        } else if self.types.as_ref().is_some_and(|types| types.contains(&JsonType::Integer)) {
            2
        } else if self.types.is_some() {
            1
        } else {
            0
        }
    }

    pub fn has_combinators(&self) -> bool {
        !self.all_of.is_empty()
            || !self.any_of.is_empty()
            || !self.one_of.is_empty()
            || self.not.is_some()
            || self.if_.is_some()
    }
}

#[derive(Debug, Clone)]
pub enum SchemaKind {
    /// `true` or `{}`: anything.
    Any,
    /// `false`: nothing.
    Nothing,
    /// `{$ref: ...}` (draft-07 ignores keywords next to `$ref`; annotations next to
    /// it are kept in `annotations` for documentation).
    Ref {
        target: SchemaId,
        annotations: Box<Keywords>,
    },
    Keywords(Box<Keywords>),
}

#[derive(Debug, Clone)]
pub struct SchemaNode {
    pub site: Site,
    pub kind: SchemaKind,
    /// The schema as written: two nodes with the same fingerprint validate and
    /// type alike, so they share one Rust type.
    pub fingerprint: String,
}

/// Every schema node the document uses.
#[derive(Debug, Default)]
pub struct SchemaArena {
    nodes: Vec<SchemaNode>,
    by_site: HashMap<Site, SchemaId>,
}

/// Keys of a schema object that annotate and never validate.
const ANNOTATIONS: [&str; 11] = [
    "title",
    "description",
    "default",
    "examples",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "$comment",
    "$schema",
];

impl SchemaArena {
    pub fn get(&self, id: SchemaId) -> &SchemaNode {
        &self.nodes[id.0]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = SchemaId> {
        (0..self.nodes.len()).map(SchemaId)
    }

    /// Keywords of `id` after following `$ref`s (`None` for `true`/`false`).
    pub fn keywords(&self, id: SchemaId) -> Option<&Keywords> {
        match &self.get(self.target(id)).kind {
            SchemaKind::Keywords(keywords) => Some(keywords),
            _ => None,
        }
    }

    /// The node a chain of `$ref`s starting at `id` ends at.
    pub fn target(&self, mut id: SchemaId) -> SchemaId {
        for _ in 0..self.nodes.len() + 1 {
            match &self.get(id).kind {
                SchemaKind::Ref { target, .. } => id = *target,
                _ => return id,
            }
        }
        id
    }

    /// Parses the schema at `site` (and everything it reaches) into the arena.
    pub fn add(&mut self, sources: &Sources, site: &Site, diagnostics: &mut Diagnostics) -> SchemaId {
        if let Some(id) = self.by_site.get(site) {
            return *id;
        }
        let id = SchemaId(self.nodes.len());
        // Borrowed, not cloned: every schema below is added too, so copying
        // each one's subtree would cost the document's size times its depth.
        let value = sources.get(site).unwrap_or(&ANYTHING);
        self.nodes.push(SchemaNode { site: site.clone(), kind: SchemaKind::Any, fingerprint: String::new() });
        self.by_site.insert(site.clone(), id);
        let kind = Parser { arena: self, sources, site, diagnostics }.parse(value);
        let fingerprint = match &kind {
            // A `$ref` is the same schema wherever it is written: fingerprint the target.
            SchemaKind::Ref { target, .. } => {
                format!("$ref {:?} {}", self.get(*target).site.file, self.get(*target).site.pointer)
            }
            _ => fingerprint(value, site),
        };
        self.nodes[id.0] = SchemaNode { site: site.clone(), kind, fingerprint };
        id
    }
}

/// The schema of a missing node: anything goes (the check stage reports why
/// it is missing).
static ANYTHING: Value = Value::Bool(true);

/// Canonical text of a schema: JSON with sorted keys, plus the file when the
/// schema holds `$ref`s (they mean different things in different files).
fn fingerprint(value: &Value, site: &Site) -> String {
    fn canonical(value: &Value, out: &mut String, has_ref: &mut bool) {
        match value {
            Value::Object(members) => {
                let mut keys: Vec<&String> = members.keys().collect();
                keys.sort();
                out.push('{');
                for key in keys {
                    if key == "$ref" {
                        *has_ref = true;
                    }
                    push_json_string(key, out);
                    out.push(':');
                    canonical(&members[key], out, has_ref);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for item in items {
                    canonical(item, out, has_ref);
                    out.push(',');
                }
                out.push(']');
            }
            other => {
                use std::fmt::Write;
                // Writing to a `String` cannot fail.
                let _ = write!(out, "{other}");
            }
        }
    }
    /// `key` as a JSON string.
    fn push_json_string(key: &str, out: &mut String) {
        if key.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
            out.push_str(&Value::String(key.to_owned()).to_string());
        } else {
            out.push('"');
            out.push_str(key);
            out.push('"');
        }
    }
    let mut text = String::new();
    let mut has_ref = false;
    canonical(value, &mut text, &mut has_ref);
    if has_ref {
        text.push_str(&format!(" in {:?}", site.file));
    }
    text
}

struct Parser<'a> {
    arena: &'a mut SchemaArena,
    sources: &'a Sources,
    site: &'a Site,
    diagnostics: &'a mut Diagnostics,
}

impl Parser<'_> {
    fn error(&mut self, at: &Site, message: String) {
        self.diagnostics.push(Diagnostic::error(message).at(self.sources.locate(at)));
    }

    fn child(&mut self, at: Site) -> SchemaId {
        self.arena.add(self.sources, &at, self.diagnostics)
    }

    fn parse(mut self, value: &Value) -> SchemaKind {
        let members = match value {
            Value::Bool(true) => return SchemaKind::Any,
            Value::Bool(false) => return SchemaKind::Nothing,
            Value::Object(members) => members,
            other => {
                self.error(
                    self.site,
                    format!("a schema must be an object or a boolean, found {}", describe(other)),
                );
                return SchemaKind::Any;
            }
        };
        let site = self.site.clone();
        if let Some(reference) = members.get("$ref") {
            let Some(reference) = reference.as_str() else {
                self.error(&site.join("$ref"), "`$ref` must be a string".to_owned());
                return SchemaKind::Any;
            };
            let annotations = self.annotations(members);
            return match self.sources.resolve_ref(site.file, reference) {
                Ok(target) => {
                    SchemaKind::Ref { target: self.child(target), annotations: Box::new(annotations) }
                }
                Err(reason) => {
                    self.error(&site.join("$ref"), format!("unresolved reference `{reference}`: {reason}"));
                    SchemaKind::Any
                }
            };
        }
        let mut keywords = self.annotations(members);
        for (key, value) in members {
            let at = site.join(key);
            match key.as_str() {
                "type" => keywords.types = self.types(value, &at),
                "nullable" => keywords.nullable = value.as_bool().unwrap_or(false),
                "enum" => match value {
                    Value::Array(values) if !values.is_empty() => keywords.enum_values = Some(values.clone()),
                    _ => self.error(&at, "`enum` must be a non-empty array".to_owned()),
                },
                "const" => keywords.const_value = Some(value.clone()),
                "required" => keywords.required = self.strings(value, &at),
                "properties" => keywords.properties = self.schema_map(value, &at),
                "patternProperties" => {
                    keywords.pattern_properties = self.schema_map(value, &at);
                    for (pattern, _) in keywords.pattern_properties.clone() {
                        self.check_pattern(&pattern, &at.join(&pattern));
                    }
                }
                "additionalProperties" => keywords.additional_properties = Some(self.child(at)),
                "propertyNames" => keywords.property_names = Some(self.child(at)),
                "minProperties" => keywords.min_properties = self.count(value, &at),
                "maxProperties" => keywords.max_properties = self.count(value, &at),
                "dependencies" => keywords.dependencies = self.dependencies(value, &at),
                "items" => {
                    keywords.items = Some(match value {
                        Value::Array(items) => {
                            Items::Tuple((0..items.len()).map(|i| self.child(at.item(i))).collect())
                        }
                        _ => Items::All(self.child(at)),
                    })
                }
                "additionalItems" => keywords.additional_items = Some(self.child(at)),
                "contains" => keywords.contains = Some(self.child(at)),
                "minItems" => keywords.min_items = self.count(value, &at),
                "maxItems" => keywords.max_items = self.count(value, &at),
                "uniqueItems" => keywords.unique_items = value.as_bool().unwrap_or(false),
                "minLength" => keywords.min_length = self.count(value, &at),
                "maxLength" => keywords.max_length = self.count(value, &at),
                "pattern" => match value {
                    Value::String(pattern) => {
                        self.check_pattern(pattern, &at);
                        keywords.pattern = Some(pattern.clone());
                    }
                    _ => self.error(&at, "`pattern` must be a string".to_owned()),
                },
                "format" => match value {
                    Value::String(format) => {
                        let format = Format::parse(format);
                        if let Format::Other(name) = &format {
                            self.diagnostics.push(
                                Diagnostic::warning(format!("format `{name}` is not checked: JSON Schema lets a validator treat a format it does not check as an annotation"))
                                    .at(self.sources.locate(&at))
                                    .with_help(format!("checked formats: {}", CHECKED_FORMATS.join(", "))),
                            );
                        }
                        keywords.format = Some(format);
                    }
                    _ => self.error(&at, "`format` must be a string".to_owned()),
                },
                "minimum" => keywords.minimum = self.number(value, &at),
                "maximum" => keywords.maximum = self.number(value, &at),
                "exclusiveMinimum" => keywords.exclusive_minimum = self.exclusive(value, &at),
                "exclusiveMaximum" => keywords.exclusive_maximum = self.exclusive(value, &at),
                "multipleOf" => {
                    keywords.multiple_of = self.number(value, &at);
                    if keywords.multiple_of.as_ref().and_then(Number::as_f64).is_some_and(|m| m <= 0.0) {
                        self.error(&at, "`multipleOf` must be greater than 0".to_owned());
                    }
                }
                "allOf" => keywords.all_of = self.schema_list(value, &at),
                "anyOf" => keywords.any_of = self.schema_list(value, &at),
                "oneOf" => keywords.one_of = self.schema_list(value, &at),
                "not" => keywords.not = Some(self.child(at)),
                "if" => keywords.if_ = Some(self.child(at)),
                "then" => keywords.then = Some(self.child(at)),
                "else" => keywords.else_ = Some(self.child(at)),
                "definitions" => {
                    // Reachable only through `$ref`s, which parse them where used.
                }
                "discriminator" => match value {
                    Value::String(property) => keywords.discriminator = Some(property.clone()),
                    _ => self.error(&at, "`discriminator` must be a property name (AsyncAPI 2.6)".to_owned()),
                },
                "$id" => self.identifier(value, members, &at),
                "contentEncoding" => {
                    let names = content::Encoding::ALL.map(content::Encoding::name);
                    keywords.content_encoding =
                        self.content_name(value, &at, content::Encoding::from_name, &names);
                }
                "contentMediaType" => {
                    let names = content::MediaType::ALL.map(content::MediaType::name);
                    keywords.content_media_type =
                        self.content_name(value, &at, content::MediaType::from_name, &names);
                }
                _ if ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-") => {}
                _ => self.diagnostics.push(
                    Diagnostic::warning(format!("unknown keyword `{key}` is ignored, as JSON Schema says"))
                        .at(self.sources.locate(&at)),
                ),
            }
        }
        if keywords.content_encoding.is_none()
            && members.contains_key("contentEncoding")
            && let Some(media_type) = keywords.content_media_type.take()
        {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "contentMediaType `{}` is not checked either: the content is in an encoding the \
                     validators do not decode",
                    media_type.name()
                ))
                .at(self.sources.locate(&site.join("contentMediaType"))),
            );
        }
        if (keywords.then.is_some() || keywords.else_.is_some()) && keywords.if_.is_none() {
            // Without `if`, draft-07 ignores `then` and `else`.
            keywords.then = None;
            keywords.else_ = None;
        }
        if members.is_empty() { SchemaKind::Any } else { SchemaKind::Keywords(Box::new(keywords)) }
    }

    /// The `contentEncoding` or `contentMediaType` named by `value`, when the
    /// validators check it; a warning says when they do not.
    fn content_name<T>(
        &mut self,
        value: &Value,
        at: &Site,
        from_name: fn(&str) -> Option<T>,
        checked: &[&str],
    ) -> Option<T> {
        let keyword = pointer::last_token(&at.pointer).unwrap_or_default();
        let Value::String(name) = value else {
            self.error(at, format!("`{keyword}` must be a string"));
            return None;
        };
        let found = from_name(name);
        if found.is_none() {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "{keyword} `{name}` is not checked: JSON Schema lets a validator treat it as an annotation"
                ))
                .at(self.sources.locate(at))
                .with_help(format!("checked: {}", checked.join(", "))),
            );
        }
        found
    }

    /// `$id` names a schema and checks nothing, but any `$id` other than a
    /// fragment (`#name`, or the `#/properties/x` some tools write) makes JSON
    /// Schema resolve the `$ref`s under it against the `$id`. AsyncAPI tools
    /// resolve them against the file, and so does this generator: said in a
    /// warning when there is such a `$ref`.
    fn identifier(&mut self, id: &Value, members: &serde_json::Map<String, Value>, at: &Site) {
        let Value::String(id) = id else {
            return self.error(at, "`$id` must be a string".to_owned());
        };
        if id.starts_with('#') {
            return;
        }
        let Some(reference) = members.iter().find_map(|(key, value)| first_ref_in_schema(key, value)) else {
            return;
        };
        self.diagnostics.push(
            Diagnostic::warning(format!(
                "`$id: {id}` is ignored: `$ref: {reference}` under it is resolved against the file, as AsyncAPI tools do"
            ))
            .at(self.sources.locate(at))
            .with_note("JSON Schema alone would resolve it against the `$id`")
            .with_help("remove the `$id`, or make it a fragment (`#name`), which changes no reference"),
        );
    }

    fn annotations(&mut self, members: &serde_json::Map<String, Value>) -> Keywords {
        let text = |key: &str| members.get(key).and_then(Value::as_str).map(str::to_owned);
        Keywords {
            title: text("title"),
            description: text("description"),
            default: members.get("default").cloned(),
            deprecated: members.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            examples: members
                .get("example")
                .cloned()
                .into_iter()
                .chain(members.get("examples").and_then(Value::as_array).into_iter().flatten().cloned())
                .collect(),
            ..Keywords::default()
        }
    }

    fn types(&mut self, value: &Value, at: &Site) -> Option<Vec<JsonType>> {
        let names: Vec<&Value> = match value {
            Value::Array(names) => names.iter().collect(),
            single => vec![single],
        };
        let mut types = Vec::new();
        for name in names {
            match name.as_str().and_then(JsonType::from_name) {
                Some(json_type) if !types.contains(&json_type) => types.push(json_type),
                Some(_) => {}
                None => self.error(at, format!("unknown type {name}")),
            }
        }
        types.sort();
        Some(types)
    }

    fn strings(&mut self, value: &Value, at: &Site) -> Vec<String> {
        match value {
            Value::Array(items) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            }
            _ => {
                self.error(at, "expected an array of strings".to_owned());
                Vec::new()
            }
        }
    }

    fn schema_map(&mut self, value: &Value, at: &Site) -> Vec<(String, SchemaId)> {
        match value {
            Value::Object(members) => {
                members.keys().map(|name| (name.clone(), self.child(at.join(name)))).collect()
            }
            _ => {
                self.error(at, "expected a mapping of schemas".to_owned());
                Vec::new()
            }
        }
    }

    fn schema_list(&mut self, value: &Value, at: &Site) -> Vec<SchemaId> {
        match value {
            Value::Array(items) if !items.is_empty() => {
                (0..items.len()).map(|i| self.child(at.item(i))).collect()
            }
            _ => {
                self.error(at, "expected a non-empty array of schemas".to_owned());
                Vec::new()
            }
        }
    }

    fn dependencies(&mut self, value: &Value, at: &Site) -> Vec<(String, Dependency)> {
        let Value::Object(members) = value else {
            self.error(at, "`dependencies` must be a mapping".to_owned());
            return Vec::new();
        };
        members
            .iter()
            .map(|(name, dependency)| {
                let dependency = match dependency {
                    Value::Array(_) => Dependency::Properties(self.strings(dependency, &at.join(name))),
                    _ => Dependency::Schema(self.child(at.join(name))),
                };
                (name.clone(), dependency)
            })
            .collect()
    }

    fn count(&mut self, value: &Value, at: &Site) -> Option<u64> {
        match value
            .as_u64()
            .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
        {
            Some(count) => Some(count),
            None => {
                self.error(at, format!("expected a non-negative integer, found {value}"));
                None
            }
        }
    }

    fn number(&mut self, value: &Value, at: &Site) -> Option<Number> {
        match value {
            Value::Number(number) => Some(number.clone()),
            other => {
                self.error(at, format!("expected a number, found {}", describe(other)));
                None
            }
        }
    }

    fn exclusive(&mut self, value: &Value, at: &Site) -> Option<Number> {
        match value {
            Value::Number(number) => Some(number.clone()),
            Value::Bool(_) => {
                self.error(at, "a boolean `exclusiveMinimum`/`exclusiveMaximum` is draft-04; draft-07 takes the limit itself".to_owned());
                None
            }
            other => {
                self.error(at, format!("expected a number, found {}", describe(other)));
                None
            }
        }
    }

    fn check_pattern(&mut self, pattern: &str, at: &Site) {
        if let Some(problem) = crate::check::pattern_problem(pattern) {
            self.error(at, format!("`{pattern}` is not a valid ECMA-262 regular expression: {problem}"));
        }
    }
}

/// What a member of a raw schema object holds, for walks over schemas that
/// have not been parsed: a property named `enum` is a schema, the `enum`
/// keyword is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    /// Instance data (`enum`, `const`, `default`, examples): never a schema.
    Data,
    /// Names to schemas (`properties`, `definitions`...): the keys are names.
    NamedSchemas,
    /// A schema or a list of schemas (`items`, `not`, `allOf`...).
    Schemas,
    /// Anything else: no schema inside (`type`, bounds, annotations), or a
    /// keyword draft-07 does not know, which it ignores whatever it holds.
    Other,
}

impl Member {
    pub fn of(key: &str) -> Member {
        match key {
            "enum" | "const" | "default" | "examples" | "example" => Member::Data,
            "properties" | "patternProperties" | "definitions" | "dependencies" => Member::NamedSchemas,
            "items"
            | "additionalItems"
            | "contains"
            | "additionalProperties"
            | "propertyNames"
            | "not"
            | "if"
            | "then"
            | "else"
            | "allOf"
            | "anyOf"
            | "oneOf" => Member::Schemas,
            _ => Member::Other,
        }
    }
}

/// The first `$ref` in the member `key: value` of a schema object.
fn first_ref_in_schema<'v>(key: &str, value: &'v Value) -> Option<&'v str> {
    let in_schema = |value: &'v Value| match value {
        Value::Object(members) => members.iter().find_map(|(key, value)| first_ref_in_schema(key, value)),
        _ => None,
    };
    match (key, Member::of(key), value) {
        ("$ref", _, Value::String(reference)) => Some(reference),
        (_, Member::Data | Member::Other, _) => None,
        (_, Member::NamedSchemas, Value::Object(named)) => named.values().find_map(in_schema),
        (_, _, Value::Array(items)) => items.iter().find_map(in_schema),
        (_, _, value) => in_schema(value),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (SchemaArena, SchemaId, Diagnostics) {
        let sources = Sources::from_text(text, "s.yaml").unwrap();
        let mut arena = SchemaArena::default();
        let mut diagnostics = Diagnostics::new();
        let id = arena.add(&sources, &Site::new(sources.root(), "/root"), &mut diagnostics);
        (arena, id, diagnostics)
    }

    #[test]
    fn parses_keywords_and_follows_refs_into_cycles() {
        let (arena, id, diagnostics) = parse(
            "root:\n  type: object\n  required: [next]\n  properties:\n    next: {$ref: '#/root'}\n    n: {type: [integer, 'null'], minimum: 1}\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics}");
        let keywords = arena.keywords(id).unwrap();
        assert_eq!(keywords.types.as_deref(), Some(&[JsonType::Object][..]));
        assert_eq!(keywords.required, ["next"]);
        let (_, next) = &keywords.properties[0];
        assert_eq!(arena.target(*next), id, "the $ref closes a cycle back to the root");
        let n = arena.keywords(keywords.properties[1].1).unwrap();
        assert_eq!(n.types.as_deref(), Some(&[JsonType::Integer, JsonType::Null][..]));
        assert_eq!(n.minimum, Some(1.into()));
    }

    #[test]
    fn accepts_an_id_and_warns_when_json_schema_would_move_a_reference() {
        let silent = [
            // A fragment keeps the base URI, whatever is under it.
            "root:\n  $id: '#/properties/ride'\n  properties:\n    a: {$ref: '#/components/x'}\ncomponents:\n  x: {}\n",
            // Nothing under it to move.
            "root:\n  $id: https://example.com/ride.json\n  properties:\n    a: {type: string, $id: ride_id}\n",
            // `$ref` in data is no reference.
            "root:\n  $id: ride\n  enum: [{$ref: '#/x'}]\n  properties:\n    a: {const: {$ref: '#/x'}}\n",
        ];
        for text in silent {
            let (_, _, diagnostics) = parse(text);
            assert!(diagnostics.is_empty(), "{text}: {diagnostics}");
        }
        let warned = [
            (
                "root:\n  $id: ride\n  properties:\n    a: {$ref: '#/components/x'}\ncomponents:\n  x: {}\n",
                "#/components/x",
            ),
            // A property named `enum` is a schema.
            ("root:\n  $id: ride\n  properties:\n    enum: {items: [{$ref: '#/y'}]}\ny: {}\n", "#/y"),
        ];
        for (text, reference) in warned {
            let (_, _, diagnostics) = parse(text);
            assert_eq!(diagnostics.errors().count(), 0, "{text}: {diagnostics}");
            let messages: Vec<&str> = diagnostics.warnings().map(|d| d.message.as_str()).collect();
            assert_eq!(messages.len(), 1, "{text}: {messages:?}");
            assert!(messages[0].contains(&format!("`$ref: {reference}` under it")), "{messages:?}");
            assert!(
                diagnostics.iter().all(|d| d.location.as_ref().is_some_and(|l| l.pointer == "/root/$id"))
            );
        }
        let (arena, id, _) = parse(warned[0].0);
        let (_, property) = &arena.keywords(id).unwrap().properties[0];
        assert_eq!(arena.get(arena.target(*property)).site.pointer, "/components/x", "resolved in the file");
    }

    #[test]
    fn rejects_what_cannot_become_code() {
        let (_, _, diagnostics) =
            parse("root:\n  contentEncoding: 7\n  pattern: '(unclosed'\n  format: binary\n");
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(messages[0].starts_with("`contentEncoding` must be a string"), "{messages:?}");
        assert!(
            messages[1].starts_with("`(unclosed` is not a valid ECMA-262 regular expression"),
            "{messages:?}"
        );
        assert!(messages[2].starts_with("format `binary` is not checked"), "{messages:?}");
        assert_eq!(diagnostics.errors().count(), 2);
    }

    #[test]
    fn content_keywords_are_checked_when_the_runtime_can() {
        let (arena, id, diagnostics) =
            parse("root:\n  contentEncoding: base64\n  contentMediaType: application/json\n");
        let keywords = arena.keywords(id).unwrap();
        assert_eq!(keywords.content_encoding, Some(content::Encoding::Base64));
        assert_eq!(keywords.content_media_type, Some(content::MediaType::Json));
        assert!(diagnostics.is_empty(), "{diagnostics}");
        // An encoding it cannot decode hides the media type too: both warned of.
        let (arena, id, diagnostics) =
            parse("root:\n  contentEncoding: quoted-printable\n  contentMediaType: application/json\n");
        let keywords = arena.keywords(id).unwrap();
        assert_eq!((keywords.content_encoding, keywords.content_media_type), (None, None));
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(messages[0].starts_with("contentEncoding `quoted-printable` is not checked"), "{messages:?}");
        assert!(
            messages[1].starts_with("contentMediaType `application/json` is not checked either"),
            "{messages:?}"
        );
        assert_eq!(diagnostics.errors().count(), 0);
        // A media type it cannot read leaves the encoding checked.
        let (arena, id, _) = parse("root:\n  contentEncoding: base64\n  contentMediaType: image/png\n");
        let keywords = arena.keywords(id).unwrap();
        assert_eq!(
            (keywords.content_encoding, keywords.content_media_type),
            (Some(content::Encoding::Base64), None)
        );
    }

    #[test]
    fn identical_schemas_share_a_fingerprint() {
        let (arena, id, _) = parse(
            "root:\n  properties:\n    a: {type: string, enum: [x]}\n    b: {enum: [x], type: string}\n    c: {type: string}\n",
        );
        let keywords = arena.keywords(id).unwrap();
        let [a, b, c] = [0, 1, 2].map(|i| &arena.get(keywords.properties[i].1).fingerprint);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
