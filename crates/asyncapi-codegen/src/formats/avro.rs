//! Avro 1.x schemas, read as the JSON Schema of the JSON a message with that
//! schema is written as.
//!
//! The reading is the one AsyncAPI's own Avro schema parser gives, which is
//! what documents with Avro payloads are written for:
//!
//! | Avro | JSON Schema |
//! |---|---|
//! | `null`, `boolean`, `string` | the same type |
//! | `int` | `integer`, `int32` and its bounds |
//! | `long` | `integer`, `int64` |
//! | `float`, `double` | `number`, `float`/`double` |
//! | `bytes`, `fixed` | `string` of code points up to U+00FF (`fixed`: of its size) |
//! | `enum` | a `string` among its symbols |
//! | `array`, `map` | `array` of its items, `object` of its values |
//! | `record` | `object` of its fields: required unless it has a `default` or its union admits `null` |
//! | union | `anyOf` its branches, unwrapped |
//!
//! A logical type keeps its underlying type, as Avro's JSON encoding writes it;
//! a `uuid` string is also checked as one. Named types (records, enums, fixed)
//! go to `definitions`, under their name (their full name when two share one),
//! so that the Rust types are named after them; `doc`s become descriptions. One
//! without a name (which Avro requires, but AsyncAPI's parser does not) is
//! read in place, with a warning.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Site, Sources};

/// Translates the Avro schema at `site` and writes the JSON Schema in its
/// place; on any error, leaves it as it is and says why.
pub fn translate(sources: &mut Sources, site: &Site) -> Diagnostics {
    let Some(schema) = sources.get(site).cloned() else { return Diagnostics::new() };
    let mut translator = Translator {
        sources,
        root: site.clone(),
        names: BTreeMap::new(),
        definitions: Map::new(),
        diagnostics: Diagnostics::new(),
    };
    let translated = translator.schema(&schema, site, "");
    let Translator { definitions, diagnostics, .. } = translator;
    if diagnostics.has_errors() {
        return diagnostics;
    }
    let mut translated = match translated {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    if !definitions.is_empty() {
        translated.insert("definitions".to_owned(), Value::Object(definitions));
    }
    sources.replace(site, Value::Object(translated));
    diagnostics
}

/// The primitive type names, which no named type may take.
const PRIMITIVES: [&str; 8] = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

/// A JSON string of bytes, as Avro's JSON encoding writes them: one code point
/// per byte.
const BYTES_PATTERN: &str = "^[\\u0000-\\u00ff]*$";

struct Translator<'a> {
    sources: &'a Sources,
    /// Where the schema being translated is written: its `definitions` land there.
    root: Site,
    /// The `definitions` key of every named type defined so far, by full name.
    names: BTreeMap<String, String>,
    definitions: Map<String, Value>,
    diagnostics: Diagnostics,
}

impl Translator<'_> {
    fn error(&mut self, at: &Site, message: String) -> Value {
        self.diagnostics.push(
            Diagnostic::error(format!("invalid Avro schema: {message}"))
                .at(self.sources.locate(at))
                .with_help("see the Avro 1.x specification, \"Schema Declaration\""),
        );
        Value::Bool(true)
    }

    /// The JSON Schema of the Avro schema `schema`, written at `at`, in the
    /// enclosing `namespace` (empty: none).
    fn schema(&mut self, schema: &Value, at: &Site, namespace: &str) -> Value {
        match schema {
            Value::String(name) => self.named_or_primitive(name, at, namespace),
            // YAML reads an unquoted `null` as no value; no Avro schema is that, so it is the type.
            Value::Null => json!({"type": "null"}),
            Value::Array(branches) => self.union(branches, at, namespace),
            Value::Object(object) => match object.get("type") {
                Some(Value::String(kind)) => self.complex(kind, object, at, namespace),
                // `{"type": {...}}`: a schema wrapped in an object, as field types are.
                Some(inner @ (Value::Object(_) | Value::Array(_))) => {
                    self.schema(inner, &at.join("type"), namespace)
                }
                Some(other) => {
                    self.error(&at.join("type"), format!("`type` must be a type name, found {other}"))
                }
                None => self.error(at, "a schema object needs a `type`".to_owned()),
            },
            other => self
                .error(at, format!("a schema is a type name, an object or a union (a list), found {other}")),
        }
    }

    fn named_or_primitive(&mut self, name: &str, at: &Site, namespace: &str) -> Value {
        if let Some(primitive) = primitive(name) {
            return primitive;
        }
        let full = full_name(name, namespace);
        // A name without a dot is looked up in the enclosing namespace, then in none.
        let key = self.names.get(&full).or_else(|| self.names.get(name)).cloned();
        match key {
            Some(key) => self.reference(&key),
            None => self
                .error(at, format!("unknown type `{name}`: a named type must be defined before it is used")),
        }
    }

    fn complex(&mut self, kind: &str, object: &Map<String, Value>, at: &Site, namespace: &str) -> Value {
        let mut translated = match kind {
            "record" | "error" | "enum" | "fixed" => return self.named(kind, object, at, namespace),
            "array" => match object.get("items") {
                Some(items) => {
                    json!({"type": "array", "items": self.schema(items, &at.join("items"), namespace)})
                }
                None => return self.error(at, "an array needs `items`".to_owned()),
            },
            "map" => match object.get("values") {
                Some(values) => json!({
                    "type": "object",
                    "additionalProperties": self.schema(values, &at.join("values"), namespace),
                }),
                None => return self.error(at, "a map needs `values`".to_owned()),
            },
            _ => match primitive(kind) {
                Some(primitive) => primitive,
                // `{"type": "Name"}` names a type defined earlier.
                None => self.named_or_primitive(kind, &at.join("type"), namespace),
            },
        };
        if kind == "string" && object.get("logicalType").and_then(Value::as_str) == Some("uuid") {
            translated["format"] = json!("uuid");
        }
        translated
    }

    /// A record, enum or fixed: defined in `definitions`, referenced here.
    fn named(&mut self, kind: &str, object: &Map<String, Value>, at: &Site, namespace: &str) -> Value {
        let name = match object.get("name") {
            Some(Value::String(name)) => name,
            // Avro requires the name, but AsyncAPI's Avro parser reads an unnamed type in place.
            None => {
                self.diagnostics.push(
                    Diagnostic::warning(format!("this Avro {kind} has no `name`, which Avro requires"))
                        .at(self.sources.locate(at))
                        .with_help("it is read in place; name it to give its Rust type that name"),
                );
                return self.body(kind, object, at, namespace);
            }
            Some(other) => {
                return self.error(&at.join("name"), format!("`name` must be a string, found {other}"));
            }
        };
        let (namespace, simple) = match name.rsplit_once('.') {
            Some((written, simple)) => (written.to_owned(), simple),
            None => match object.get("namespace") {
                Some(Value::String(written)) => (written.clone(), name.as_str()),
                Some(Value::Null) | None => (namespace.to_owned(), name.as_str()),
                Some(other) => {
                    return self.error(
                        &at.join("namespace"),
                        format!("`namespace` must be a string, found {other}"),
                    );
                }
            },
        };
        let full = full_name(simple, &namespace);
        if !is_name(simple) || !namespace.is_empty() && !namespace.split('.').all(is_name) {
            return self.error(&at.join("name"), format!("`{full}` is not a valid name (letters, digits and `_`, not starting with a digit, dot-separated)"));
        }
        if PRIMITIVES.contains(&simple) && namespace.is_empty() {
            return self
                .error(&at.join("name"), format!("`{simple}` is a primitive type and cannot be redefined"));
        }
        if self.names.contains_key(&full) {
            return self.error(&at.join("name"), format!("`{full}` is defined twice"));
        }
        let key = if self.definitions.contains_key(simple) { full.clone() } else { simple.to_owned() };
        // Defined from here on, so that a record can contain itself; listed
        // before what it contains.
        self.names.insert(full, key.clone());
        self.definitions.insert(key.clone(), Value::Null);
        let translated = self.body(kind, object, at, &namespace);
        self.definitions.insert(key.clone(), translated);
        self.reference(&key)
    }

    /// What a record, enum or fixed holds, described by its `doc`.
    fn body(&mut self, kind: &str, object: &Map<String, Value>, at: &Site, namespace: &str) -> Value {
        let mut translated = match kind {
            "enum" => self.enumeration(object, at),
            "fixed" => self.fixed(object, at),
            _ => self.record(object, at, namespace),
        };
        if let (Some(Value::String(doc)), Value::Object(translated)) = (object.get("doc"), &mut translated) {
            translated.insert("description".to_owned(), Value::String(doc.clone()));
        }
        translated
    }

    fn record(&mut self, object: &Map<String, Value>, at: &Site, namespace: &str) -> Value {
        let Some(Value::Array(fields)) = object.get("fields") else {
            return self.error(at, "a record needs a list of `fields`".to_owned());
        };
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (index, field) in fields.iter().enumerate() {
            let field_at = at.join("fields").item(index);
            let Value::Object(field) = field else {
                self.error(&field_at, "a field is an object with a `name` and a `type`".to_owned());
                continue;
            };
            let (Some(Value::String(name)), Some(ty)) = (field.get("name"), field.get("type")) else {
                self.error(&field_at, "a field needs a `name` (a string) and a `type`".to_owned());
                continue;
            };
            if !is_name(name) {
                self.error(&field_at.join("name"), format!("`{name}` is not a valid field name (letters, digits and `_`, not starting with a digit)"));
                continue;
            }
            if properties.contains_key(name) {
                self.error(&field_at.join("name"), format!("the record has two fields named `{name}`"));
                continue;
            }
            let mut property = self.schema(ty, &field_at.join("type"), namespace);
            let admits_null = match ty {
                Value::Array(branches) => branches.iter().any(is_null),
                other => is_null(other),
            };
            if !field.contains_key("default") && !admits_null {
                required.push(Value::String(name.clone()));
            }
            // Annotations, which the IR also reads beside a `$ref`.
            for (avro, json_schema) in [("doc", "description"), ("default", "default")] {
                if let (Some(value), Value::Object(property)) = (field.get(avro), &mut property) {
                    property.insert(json_schema.to_owned(), value.clone());
                }
            }
            properties.insert(name.clone(), property);
        }
        let mut record = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            record["required"] = Value::Array(required);
        }
        record
    }

    fn enumeration(&mut self, object: &Map<String, Value>, at: &Site) -> Value {
        let Some(Value::Array(symbols)) = object.get("symbols") else {
            return self.error(at, "an enum needs a list of `symbols`".to_owned());
        };
        let mut seen = Vec::new();
        for (index, symbol) in symbols.iter().enumerate() {
            match symbol.as_str() {
                Some(symbol) if is_name(symbol) && !seen.contains(&symbol) => seen.push(symbol),
                Some(symbol) if is_name(symbol) => {
                    return self.error(
                        &at.join("symbols").item(index),
                        format!("symbol `{symbol}` is listed twice"),
                    );
                }
                _ => {
                    return self.error(&at.join("symbols").item(index), format!("{symbol} is not a valid symbol (letters, digits and `_`, not starting with a digit)"));
                }
            }
        }
        if seen.is_empty() {
            return self.error(&at.join("symbols"), "an enum needs at least one symbol".to_owned());
        }
        json!({"type": "string", "enum": seen})
    }

    fn fixed(&mut self, object: &Map<String, Value>, at: &Site) -> Value {
        match object.get("size").and_then(Value::as_u64) {
            Some(size) => {
                json!({"type": "string", "minLength": size, "maxLength": size, "pattern": BYTES_PATTERN})
            }
            None => self.error(at, "a fixed needs a `size`, a whole number of bytes".to_owned()),
        }
    }

    fn union(&mut self, branches: &[Value], at: &Site, namespace: &str) -> Value {
        let mut kinds: Vec<String> = Vec::new();
        let mut translated = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let branch_at = at.item(index);
            if branch.is_array() {
                return self.error(&branch_at, "a union cannot hold a union directly".to_owned());
            }
            let kind = branch_kind(branch, namespace);
            if kinds.contains(&kind) {
                return self.error(&branch_at, format!("the union holds `{kind}` twice"));
            }
            kinds.push(kind);
            translated.push(self.schema(branch, &branch_at, namespace));
        }
        match translated.len() {
            0 => self.error(at, "a union needs at least one branch: an empty one admits no value".to_owned()),
            1 => translated.remove(0),
            _ => json!({"anyOf": translated}),
        }
    }

    /// A `$ref` to the definition `key`, as written where the schema is.
    fn reference(&self, key: &str) -> Value {
        let target = self.root.join("definitions").join(key);
        let reference = self.sources.reference_to(self.root.file, &target).unwrap_or_default();
        json!({"$ref": reference})
    }
}

fn primitive(name: &str) -> Option<Value> {
    Some(match name {
        "null" => json!({"type": "null"}),
        "boolean" => json!({"type": "boolean"}),
        "int" => json!({"type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX}),
        "long" => json!({"type": "integer", "format": "int64"}),
        "float" => json!({"type": "number", "format": "float"}),
        "double" => json!({"type": "number", "format": "double"}),
        "bytes" => json!({"type": "string", "pattern": BYTES_PATTERN}),
        "string" => json!({"type": "string"}),
        _ => return None,
    })
}

/// Whether the Avro schema `schema` is `null`.
fn is_null(schema: &Value) -> bool {
    schema.is_null() || schema == "null" || schema.get("type").is_some_and(|kind| kind == "null")
}

/// What a union may hold once: each unnamed type, and each named type by name.
fn branch_kind(branch: &Value, namespace: &str) -> String {
    let kind = match branch {
        Value::Null => "null",
        Value::String(name) => name.as_str(),
        Value::Object(object) => object.get("type").and_then(Value::as_str).unwrap_or("?"),
        _ => "?",
    };
    match (branch, kind) {
        (Value::Object(object), "record" | "error" | "enum" | "fixed") => {
            let name = object.get("name").and_then(Value::as_str).unwrap_or("?");
            let namespace = object.get("namespace").and_then(Value::as_str).unwrap_or(namespace);
            full_name(name, namespace)
        }
        (_, kind) if PRIMITIVES.contains(&kind) || kind == "array" || kind == "map" => kind.to_owned(),
        (_, name) => full_name(name, namespace),
    }
}

fn full_name(name: &str, namespace: &str) -> String {
    if name.contains('.') || namespace.is_empty() { name.to_owned() } else { format!("{namespace}.{name}") }
}

/// Avro's name rule: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Avro schema `avro` (YAML), translated, or the first error's text and pointer.
    fn translated(avro: &str) -> Result<Value, (String, String)> {
        let text = format!("payload: {avro}\n");
        let mut sources = Sources::from_text(&text, "test.yaml").expect("valid YAML");
        let site = sources.root_site().join("payload");
        let diagnostics = translate(&mut sources, &site);
        match diagnostics.iter().next() {
            Some(first) => {
                let pointer = first.pointer().to_owned();
                Err((first.message.clone(), pointer))
            }
            None => Ok(sources.get(&site).cloned().expect("the payload")),
        }
    }

    #[test]
    fn primitives_and_containers() {
        let cases = [
            ("null", json!({"type": "null"})),
            (
                "{type: int}",
                json!({"type": "integer", "format": "int32", "minimum": -2147483648_i64, "maximum": 2147483647}),
            ),
            ("long", json!({"type": "integer", "format": "int64"})),
            ("float", json!({"type": "number", "format": "float"})),
            ("bytes", json!({"type": "string", "pattern": BYTES_PATTERN})),
            ("{type: string, logicalType: uuid}", json!({"type": "string", "format": "uuid"})),
            ("{type: long, logicalType: timestamp-millis}", json!({"type": "integer", "format": "int64"})),
            ("{type: array, items: boolean}", json!({"type": "array", "items": {"type": "boolean"}})),
            (
                "{type: map, values: double}",
                json!({"type": "object", "additionalProperties": {"type": "number", "format": "double"}}),
            ),
            ("[string]", json!({"type": "string"})),
            ("[null, string]", json!({"anyOf": [{"type": "null"}, {"type": "string"}]})),
            ("{type: {type: array, items: string}}", json!({"type": "array", "items": {"type": "string"}})),
        ];
        for (avro, expected) in cases {
            assert_eq!(translated(avro), Ok(expected), "{avro}");
        }
    }

    #[test]
    fn records_require_fields_without_default_or_null() {
        let avro = "{type: record, name: User, doc: A user., fields: [{name: id, type: string, doc: The id.}, {name: age, type: int, default: 0}, {name: nick, type: [null, string]}]}";
        let expected = json!({
            "$ref": "#/payload/definitions/User",
            "definitions": {"User": {
                "type": "object",
                "description": "A user.",
                "properties": {
                    "id": {"type": "string", "description": "The id."},
                    "age": {"type": "integer", "format": "int32", "minimum": -2147483648_i64, "maximum": 2147483647, "default": 0},
                    "nick": {"anyOf": [{"type": "null"}, {"type": "string"}]},
                },
                "required": ["id"],
            }},
        });
        assert_eq!(translated(avro), Ok(expected));
    }

    #[test]
    fn named_types_are_defined_once_and_referenced() {
        let avro = "{type: record, name: a.Node, fields: [{name: next, type: [null, Node]}, {name: kind, type: {type: enum, name: Kind, symbols: [X, Y]}}, {name: other, type: {type: enum, name: Kind, namespace: b, symbols: [Z]}}, {name: again, type: b.Kind}, {name: hash, type: {type: fixed, name: Hash, size: 2}}]}";
        let value = translated(avro).expect("valid");
        assert_eq!(value["$ref"], "#/payload/definitions/Node");
        let definitions = &value["definitions"];
        let keys: Vec<&String> = definitions.as_object().expect("definitions").keys().collect();
        assert_eq!(keys, ["Node", "Kind", "b.Kind", "Hash"]);
        let properties = &definitions["Node"]["properties"];
        assert_eq!(properties["next"]["anyOf"][1], json!({"$ref": "#/payload/definitions/Node"}));
        assert_eq!(properties["again"], json!({"$ref": "#/payload/definitions/b.Kind"}));
        assert_eq!(definitions["Kind"], json!({"type": "string", "enum": ["X", "Y"]}));
        assert_eq!(
            definitions["Hash"],
            json!({"type": "string", "minLength": 2, "maxLength": 2, "pattern": BYTES_PATTERN})
        );
    }

    #[test]
    fn every_broken_rule_is_an_error_at_its_node() {
        let cases = [
            ("Address", "unknown type `Address`", "/payload"),
            (
                "{type: record, name: R, fields: [{name: a, type: Later}, {name: b, type: {type: fixed, name: Later, size: 1}}]}",
                "unknown type `Later`",
                "/payload/fields/0/type",
            ),
            (
                "{type: record, name: R, fields: [{name: a, type: {type: enum, name: R, symbols: [A]}}]}",
                "`R` is defined twice",
                "/payload/fields/0/type/name",
            ),
            ("{type: record, name: 1st, fields: []}", "`1st` is not a valid name", "/payload/name"),
            (
                "{type: enum, name: E, namespace: a..b, symbols: [A]}",
                "`a..b.E` is not a valid name",
                "/payload/name",
            ),
            ("{type: fixed, name: int, size: 1}", "`int` is a primitive type", "/payload/name"),
            ("{type: record, name: 7, fields: []}", "`name` must be a string", "/payload/name"),
            ("{type: record, name: R}", "a record needs a list of `fields`", "/payload"),
            (
                "{type: record, name: R, fields: [{name: a}]}",
                "a field needs a `name` (a string) and a `type`",
                "/payload/fields/0",
            ),
            ("{type: record, name: R, fields: [7]}", "a field is an object", "/payload/fields/0"),
            (
                "{type: record, name: R, fields: [{name: a-b, type: int}]}",
                "`a-b` is not a valid field name",
                "/payload/fields/0/name",
            ),
            (
                "{type: record, name: R, fields: [{name: a, type: int}, {name: a, type: long}]}",
                "two fields named `a`",
                "/payload/fields/1/name",
            ),
            ("{type: enum, name: E, symbols: [A, A]}", "symbol `A` is listed twice", "/payload/symbols/1"),
            ("{type: enum, name: E, symbols: [A, 1]}", "1 is not a valid symbol", "/payload/symbols/1"),
            ("{type: enum, name: E, symbols: []}", "at least one symbol", "/payload/symbols"),
            ("{type: enum, name: E}", "an enum needs a list of `symbols`", "/payload"),
            ("{type: fixed, name: F, size: -1}", "a fixed needs a `size`", "/payload"),
            ("{type: array}", "an array needs `items`", "/payload"),
            ("{type: map}", "a map needs `values`", "/payload"),
            ("[null, [int]]", "cannot hold a union directly", "/payload/1"),
            ("[int, string, int]", "holds `int` twice", "/payload/2"),
            ("[]", "an empty one admits no value", "/payload"),
            ("{items: int}", "a schema object needs a `type`", "/payload"),
            ("{type: 3}", "`type` must be a type name", "/payload/type"),
            (
                "{type: enum, name: E, namespace: 3, symbols: [A]}",
                "`namespace` must be a string",
                "/payload/namespace",
            ),
            ("true", "a schema is a type name, an object or a union", "/payload"),
        ];
        for (avro, message, pointer) in cases {
            match translated(avro) {
                Ok(value) => panic!("{avro} translated to {value}"),
                Err((found, at)) => {
                    assert!(found.starts_with("invalid Avro schema: "), "{avro}: {found}");
                    assert!(found.contains(message), "{avro}: `{found}` does not say `{message}`");
                    assert_eq!(at, pointer, "{avro}: {found}");
                }
            }
        }
    }

    #[test]
    fn an_unnamed_type_is_read_in_place_with_a_warning() {
        let text = "payload: {type: record, doc: Anonymous., fields: [{name: a, type: {type: enum, symbols: [X]}}]}\n";
        let mut sources = Sources::from_text(text, "test.yaml").expect("valid YAML");
        let site = sources.root_site().join("payload");
        let diagnostics = translate(&mut sources, &site);
        let warnings: Vec<(String, String)> =
            diagnostics.iter().map(|d| (d.message.clone(), d.pointer().to_owned())).collect();
        assert!(!diagnostics.has_errors());
        assert_eq!(
            warnings,
            [
                ("this Avro record has no `name`, which Avro requires".to_owned(), "/payload".to_owned()),
                (
                    "this Avro enum has no `name`, which Avro requires".to_owned(),
                    "/payload/fields/0/type".to_owned()
                ),
            ]
        );
        let expected = json!({
            "type": "object",
            "description": "Anonymous.",
            "properties": {"a": {"type": "string", "enum": ["X"]}},
            "required": ["a"],
        });
        assert_eq!(sources.get(&site), Some(&expected));
    }

    #[test]
    fn a_broken_schema_is_left_as_written() {
        let text = "payload: {type: array}\n";
        let mut sources = Sources::from_text(text, "test.yaml").expect("valid YAML");
        let site = sources.root_site().join("payload");
        assert!(translate(&mut sources, &site).has_errors());
        assert_eq!(sources.get(&site), Some(&json!({"type": "array"})));
    }
}
