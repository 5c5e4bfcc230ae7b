//! Mutations of AsyncAPI documents, for the generator fuzz
//! (`tests/fuzz_generate.rs`): the ways a person editing a spec gets things
//! wrong and tools write surprising constructs. Nodes are removed, swapped for
//! other values or for other parts of the document, or for `$ref`s to
//! anywhere; keys are renamed to Rust keywords, prelude names and spellings
//! that collide once converted to Rust case; schema keywords are added with
//! odd values (huge bounds, `multipleOf: 1e-9`, patterns in other regex
//! dialects, unknown formats). Most mutations land in schemas, where the
//! meta-schema lets most through and the generator has the most to get wrong.

use serde_json::{Map, Value, json};

use crate::json_path::{Segment, get, get_mut, paths, pointer, remove};
use crate::rng::Rng;

/// `document` with one to four mutations drawn from `rng`.
pub fn mutate(document: &Value, rng: &mut Rng) -> Value {
    let mut document = document.clone();
    let mut names = Vec::new();
    names_in(&document, &mut names);
    let pointers = paths(&document).iter().map(|path| pointer(path)).collect();
    let mut mutator = Mutator { rng, names, pointers };
    for _ in 0..mutator.rng.between(1, 4) {
        mutator.mutate(&mut document);
    }
    document
}

/// Names that trip code generators: Rust keywords and prelude names, names
/// the generated crate uses itself, spellings that collide once converted to
/// Rust case, and names with nothing to convert.
pub const NAMES: &[&str] = &[
    "",
    "type",
    "Self",
    "self",
    "super",
    "crate",
    "match",
    "async",
    "r#type",
    "_",
    "__",
    "1st",
    "a-b",
    "a_b",
    "A B",
    "aB",
    "AB",
    "ab",
    "-",
    "ü",
    "🙂",
    "$ref",
    "Event",
    "Inbound",
    "Message",
    "Handler",
    "Dispatcher",
    "Value",
    "String",
    "Option",
    "Result",
    "Box",
    "Vec",
    "std",
    "core",
    "serde",
    "on_rejected",
    "validate",
    "eventKey",
    "EventKey",
    "event_key",
    "x-extension",
    "{id}",
    "default",
    "Default",
    "None",
    "Some",
    "Ok",
];

const PATTERNS: &[&str] = &[
    "^[a-z]+$",
    "",
    "\\d{3}-\\d{4}",
    "^(?=a)a$",
    "(?<name>x)\\k<name>",
    "\\p{L}+",
    "[",
    "\\",
    "a{2,1}",
    "(a+)+$",
    "^[^/]+/[^/]+$",
    "\\u{1F600}",
    "[\\s\\S]",
    "\\bword\\b",
    "$^",
    "x*?",
];

const FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "regex",
    "int32",
    "int64",
    "float",
    "binary",
    "byte",
    "password",
    "duration",
    "json-pointer",
    "unknown",
];

const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null"];

const KEYWORDS: &[&str] = &[
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependencies",
    "items",
    "additionalItems",
    "contains",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "format",
    "discriminator",
    "$ref",
    "default",
    "examples",
    "title",
    "description",
    "readOnly",
    "deprecated",
    "x-extension",
];

/// Mutates documents, knowing the document it works on (for `$ref` targets,
/// transplants and names).
struct Mutator<'a> {
    rng: &'a mut Rng,
    /// Property names and keys found in the document.
    names: Vec<String>,
    /// Pointers of the document's nodes.
    pointers: Vec<String>,
}

impl Mutator<'_> {
    fn name(&mut self) -> String {
        if self.rng.chance(0.5)
            && let Some(name) = self.rng.pick(&self.names)
        {
            return name.clone();
        }
        (*self.rng.pick(NAMES).expect("names")).to_owned()
    }

    fn number(&mut self) -> Value {
        match self.rng.below(10) {
            0 => json!(0),
            1 => json!(-1),
            2 => json!(u64::MAX),
            3 => json!(i64::MIN),
            4 => json!(1e308),
            5 => json!(-0.0),
            6 => json!(0.1),
            7 => json!(1.5),
            8 => json!(1e-9),
            _ => json!(self.rng.below(100)),
        }
    }

    fn count(&mut self) -> Value {
        match self.rng.below(6) {
            0 => json!(0),
            1 => json!(u64::MAX),
            2 => json!(1.5),
            3 => json!(-1),
            _ => json!(self.rng.below(12)),
        }
    }

    fn scalar(&mut self) -> Value {
        match self.rng.below(8) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.chance(0.5)),
            2 | 3 => self.number(),
            4 => json!(self.rng.pick(FORMATS).expect("formats")),
            5 => json!(self.rng.pick(PATTERNS).expect("patterns")),
            _ => json!(self.name()),
        }
    }

    fn any(&mut self, depth: usize) -> Value {
        match self.rng.below(if depth == 0 { 6 } else { 8 }) {
            0..=3 => self.scalar(),
            4 => json!({}),
            5 => json!([]),
            6 => Value::Array((0..self.rng.between(1, 3)).map(|_| self.any(depth - 1)).collect()),
            _ => {
                let mut map = Map::new();
                for _ in 0..self.rng.between(1, 3) {
                    let key = self.name();
                    let value = self.any(depth - 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
        }
    }

    fn reference(&mut self) -> Value {
        let target = match self.rng.below(8) {
            0 => "#/components/schemas/missing".to_owned(),
            1 => "other.yaml#/components/schemas/x".to_owned(),
            2 => "https://example.com/schema.json".to_owned(),
            3 => "#".to_owned(),
            _ => format!("#{}", self.rng.pick(&self.pointers).cloned().unwrap_or_default()),
        };
        json!(target)
    }

    /// A small schema: one to three keywords, nested `depth` levels at most.
    fn schema(&mut self, depth: usize) -> Value {
        if depth == 0 || self.rng.chance(0.3) {
            return match self.rng.below(4) {
                0 => Value::Bool(self.rng.chance(0.5)),
                1 => json!({ "$ref": self.reference() }),
                _ => json!({ "type": self.rng.pick(TYPES).expect("types") }),
            };
        }
        let mut map = Map::new();
        for _ in 0..self.rng.between(1, 3) {
            let keyword = *self.rng.pick(KEYWORDS).expect("keywords");
            let value = self.keyword_value(keyword, depth - 1);
            map.insert(keyword.to_owned(), value);
        }
        Value::Object(map)
    }

    /// A value for `keyword`, of the shape the keyword takes most of the time.
    fn keyword_value(&mut self, keyword: &str, depth: usize) -> Value {
        if self.rng.chance(0.1) {
            return self.any(1);
        }
        match keyword {
            "type" if self.rng.chance(0.3) => {
                Value::Array((0..self.rng.between(1, 3)).map(|_| json!(self.rng.pick(TYPES))).collect())
            }
            "type" => json!(self.rng.pick(TYPES)),
            "enum" | "examples" => Value::Array((0..self.rng.below(5)).map(|_| self.any(1)).collect()),
            "const" | "default" => self.any(2),
            "required" => Value::Array((0..self.rng.below(4)).map(|_| json!(self.name())).collect()),
            "properties" | "patternProperties" | "dependencies" => {
                let mut map = Map::new();
                for _ in 0..self.rng.between(1, 3) {
                    let key = if keyword == "patternProperties" {
                        (*self.rng.pick(PATTERNS).expect("patterns")).to_owned()
                    } else {
                        self.name()
                    };
                    let value = if keyword == "dependencies" && self.rng.chance(0.5) {
                        Value::Array((0..self.rng.below(3)).map(|_| json!(self.name())).collect())
                    } else {
                        self.schema(depth)
                    };
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            "items" if self.rng.chance(0.4) => {
                Value::Array((0..self.rng.below(3)).map(|_| self.schema(depth)).collect())
            }
            "allOf" | "anyOf" | "oneOf" => {
                Value::Array((0..self.rng.below(4)).map(|_| self.schema(depth)).collect())
            }
            "additionalProperties"
            | "additionalItems"
            | "items"
            | "contains"
            | "propertyNames"
            | "not"
            | "if"
            | "then"
            | "else" => self.schema(depth),
            "minProperties" | "maxProperties" | "minItems" | "maxItems" | "minLength" | "maxLength" => {
                self.count()
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => self.number(),
            "uniqueItems" | "readOnly" | "deprecated" => Value::Bool(self.rng.chance(0.5)),
            "pattern" => json!(self.rng.pick(PATTERNS)),
            "format" => json!(self.rng.pick(FORMATS)),
            "$ref" => self.reference(),
            _ => json!(self.name()),
        }
    }

    /// Applies one mutation somewhere in `document`.
    fn mutate(&mut self, document: &mut Value) {
        let all = paths(document);
        // Most mutations go into schemas, where the meta-schema lets most
        // through and the generator has the most to get wrong.
        let in_schemas: Vec<&Vec<Segment>> = all.iter().filter(|path| in_schema(path)).collect();
        let path = match self.rng.pick(&in_schemas) {
            Some(path) if self.rng.chance(0.7) => (*path).clone(),
            _ => match self.rng.pick(&all) {
                Some(path) => path.clone(),
                None => return,
            },
        };
        match self.rng.below(9) {
            // Remove the node (the root stays an object).
            0 => remove(document, &path),
            // Swap it for an arbitrary value.
            1 => {
                let value = self.any(2);
                if let Some(node) = get_mut(document, &path) {
                    *node = value;
                }
            }
            // Swap it for another part of the document.
            2 => {
                let donor = self.rng.pick(&all).and_then(|from| get(document, from)).cloned();
                if let (Some(donor), Some(node)) = (donor, get_mut(document, &path)) {
                    *node = donor;
                }
            }
            // Swap it for a `$ref` to anywhere.
            3 => {
                let reference = json!({ "$ref": self.reference() });
                if let Some(node) = get_mut(document, &path) {
                    *node = reference;
                }
            }
            // Rename a key.
            4 => {
                if let Some((Segment::Key(key), parent)) = path.split_last() {
                    let new_key = self.name();
                    if let Some(Value::Object(map)) = get_mut(document, parent)
                        && let Some(value) = map.remove(key)
                    {
                        map.insert(new_key, value);
                    }
                }
            }
            // Copy a member under a new key next to it.
            5 => {
                if let Some((Segment::Key(key), parent)) = path.split_last() {
                    let new_key = self.name();
                    if let Some(Value::Object(map)) = get_mut(document, parent)
                        && let Some(value) = map.get(key).cloned()
                    {
                        map.insert(new_key, value);
                    }
                }
            }
            // Add or change a schema keyword on an object (most nodes worth it
            // are schemas).
            _ => {
                let keyword = *self.rng.pick(KEYWORDS).expect("keywords");
                let value = self.keyword_value(keyword, 2);
                if let Some(Value::Object(map)) = get_mut(document, &path) {
                    map.insert(keyword.to_owned(), value);
                }
            }
        }
    }
}

/// Whether a path leads into a schema (a payload, headers, a component schema).
fn in_schema(path: &[Segment]) -> bool {
    path.iter().any(
        |step| matches!(step, Segment::Key(key) if key == "payload" || key == "headers" || key == "schemas"),
    )
}

fn names_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if out.len() < 200 && !key.starts_with('$') {
                    out.push(key.clone());
                }
                names_in(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| names_in(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_reproducible_and_change_documents() {
        let document = json!({
            "asyncapi": "2.6.0",
            "info": {"title": "T", "version": "1"},
            "channels": {"c": {"subscribe": {"message": {"payload": {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"$ref": "#/components/schemas/b"}}
            }}}}},
            "components": {"schemas": {"b": {"type": "integer", "minimum": 0}}}
        });
        let mut changed = 0;
        for seed in 0..200 {
            let first = mutate(&document, &mut Rng::new(seed));
            assert_eq!(first, mutate(&document, &mut Rng::new(seed)), "seed {seed} mutates alike twice");
            changed += usize::from(first != document);
        }
        // A mutation may happen to change nothing (a key renamed to itself).
        assert!(changed >= 180, "only {changed} of 200 documents changed");
    }
}
