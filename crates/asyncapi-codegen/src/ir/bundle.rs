//! One self-contained JSON Schema per message: the payload schema with every
//! `$ref` (local or to another file) pointing into its own `definitions`. The
//! generated crate exposes it, so users (and our differential tests) can run
//! any JSON Schema validator on exactly what the generated validators check.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ir::schema::Member;
use crate::load::{Site, Sources};
use crate::pointer;

/// The schema at `site`, bundled.
pub fn bundle(sources: &Sources, site: &Site) -> Value {
    let mut bundler =
        Bundler { sources, names: BTreeMap::new(), definitions: Map::new(), pending: Vec::new() };
    let mut root = bundler.rewrite(sources.get(site).cloned().unwrap_or(Value::Bool(true)), site);
    while let Some((name, target)) = bundler.pending.pop() {
        let value = sources.get(&target).cloned().unwrap_or(Value::Bool(true));
        let rewritten = bundler.rewrite(value, &target);
        bundler.definitions.insert(name, rewritten);
    }
    // A boolean root holds no references, so only an object root has definitions.
    if let Value::Object(object) = &mut root
        && !bundler.definitions.is_empty()
    {
        let mut definitions = std::mem::take(&mut bundler.definitions);
        definitions.sort_keys();
        object.insert("definitions".to_owned(), Value::Object(definitions));
    }
    root
}

struct Bundler<'a> {
    sources: &'a Sources,
    /// The definition name of each referenced node.
    names: BTreeMap<Site, String>,
    definitions: Map<String, Value>,
    pending: Vec<(String, Site)>,
}

impl Bundler<'_> {
    /// The schema `value` (found at `site`) as the generated validators read
    /// it: its `$ref`s point into `definitions`, a `$ref` stands alone (draft-07
    /// ignores what is beside it), and `$id`s are dropped (in one piece, they
    /// could only change what the `$ref`s point to). Keywords draft-07 does not
    /// know are copied as they are: no validator looks inside them.
    fn rewrite(&mut self, value: Value, site: &Site) -> Value {
        let Value::Object(members) = value else {
            return value;
        };
        if let Some(Value::String(reference)) = members.get("$ref") {
            let reference = match self.sources.resolve_ref(site.file, reference) {
                Ok(target) => pointer::to_fragment(&pointer::join("/definitions", &self.name(target))),
                Err(_) => reference.clone(),
            };
            return Value::Object(Map::from_iter([("$ref".to_owned(), Value::String(reference))]));
        }
        let mut out = Map::new();
        for (key, child) in members {
            let child_site = site.join(&key);
            let child = match (&*key, Member::of(&key), child) {
                ("$id", _, Value::String(_)) => continue,
                (_, Member::Data | Member::Other, child) => child,
                (_, Member::NamedSchemas, Value::Object(named)) => Value::Object(
                    named
                        .into_iter()
                        .map(|(name, schema)| {
                            let schema = self.rewrite(schema, &child_site.join(&name));
                            (name, schema)
                        })
                        .collect(),
                ),
                (_, _, Value::Array(items)) => Value::Array(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(index, item)| self.rewrite(item, &child_site.item(index)))
                        .collect(),
                ),
                (_, _, child) => self.rewrite(child, &child_site),
            };
            out.insert(key, child);
        }
        nullable_as_type(&mut out);
        Value::Object(out)
    }

    /// The definition name for `target`, queuing it the first time.
    fn name(&mut self, target: Site) -> String {
        if let Some(name) = self.names.get(&target) {
            return name.clone();
        }
        let base = pointer::last_token(&target.pointer).unwrap_or_else(|| "root".to_owned());
        let mut name = base.clone();
        let mut counter = 2;
        while self.names.values().any(|taken| *taken == name) {
            name = format!("{base}{counter}");
            counter += 1;
        }
        self.names.insert(target.clone(), name.clone());
        self.pending.push((name.clone(), target));
        name
    }
}

/// OpenAPI's `nullable: true` said in JSON Schema (`null` added to `type`), as
/// the generated validators read it: other validators then agree with them.
fn nullable_as_type(schema: &mut Map<String, Value>) {
    if schema.get("nullable") != Some(&Value::Bool(true)) {
        return;
    }
    let types = match schema.get("type") {
        Some(Value::String(single)) => vec![Value::String(single.clone())],
        Some(Value::Array(many)) => many.clone(),
        _ => return,
    };
    let null = Value::String("null".to_owned());
    let mut types = types;
    if !types.contains(&null) {
        types.push(null);
    }
    schema.insert("type".to_owned(), Value::Array(types));
    schema.remove("nullable");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The schema at `/root` of the document `text`, bundled.
    fn bundled(text: &str) -> Value {
        let sources = Sources::from_text(text, "d.yaml").unwrap();
        bundle(&sources, &Site::new(sources.root(), "/root"))
    }

    #[test]
    fn nullable_becomes_a_null_type() {
        let bundled = bundled("root:\n  type: integer\n  nullable: true\n");
        assert_eq!(bundled, json!({"type": ["integer", "null"]}));
    }

    #[test]
    fn names_are_not_keywords_and_ids_are_dropped() {
        let text = "root:\n  $id: https://example.com/root.json\n  properties:\n    enum: {$ref: '#/x'}\n    nullable: {type: string}\n    type: {$id: '#t', type: integer}\n  dependencies:\n    enum: [type]\nx: {minimum: 1}\n";
        let bundled = bundled(text);
        assert_eq!(
            bundled,
            json!({
                "properties": {
                    "enum": {"$ref": "#/definitions/x"},
                    "nullable": {"type": "string"},
                    "type": {"type": "integer"},
                },
                "dependencies": {"enum": ["type"]},
                "definitions": {"x": {"minimum": 1}},
            })
        );
    }

    #[test]
    fn a_reference_stands_alone_and_unknown_keywords_are_copied() {
        let text = "root:\n  properties:\n    a: {$ref: '#/x', not: {$ref: 'other.yaml#/y'}, description: d}\n    b: {type: array, result: {$ref: '#/z'}}\nx: {minimum: 1}\nz: not a schema\n";
        let bundled = bundled(text);
        assert_eq!(
            bundled,
            json!({
                "properties": {
                    "a": {"$ref": "#/definitions/x"},
                    "b": {"type": "array", "result": {"$ref": "#/z"}},
                },
                "definitions": {"x": {"minimum": 1}},
            })
        );
    }

    #[test]
    fn references_point_into_definitions() {
        let text = "root:\n  type: object\n  properties:\n    a: {$ref: '#/components/schemas/A'}\n    self: {$ref: '#/root'}\n    enumerated: {enum: [{$ref: not-a-ref}]}\ncomponents:\n  schemas:\n    A: {type: string, minLength: 1}\n";
        let bundled = bundled(text);
        assert_eq!(
            bundled,
            json!({
                "type": "object",
                "properties": {
                    "a": {"$ref": "#/definitions/A"},
                    "self": {"$ref": "#/definitions/root"},
                    "enumerated": {"enum": [{"$ref": "not-a-ref"}]},
                },
                "definitions": {
                    "A": {"type": "string", "minLength": 1},
                    "root": {
                        "type": "object",
                        "properties": {
                            "a": {"$ref": "#/definitions/A"},
                            "self": {"$ref": "#/definitions/root"},
                            "enumerated": {"enum": [{"$ref": "not-a-ref"}]},
                        },
                    },
                },
            })
        );
    }

    #[test]
    fn references_to_names_a_uri_cannot_hold_are_percent_encoded() {
        let text = "root:\n  properties:\n    p: {$ref: '#/components/schemas/per%25cent'}\n    q: {$ref: '#/components/schemas/quo\"te'}\ncomponents:\n  schemas:\n    per%cent: {type: integer}\n    quo\"te: {type: number}\n";
        let bundled = bundled(text);
        assert_eq!(bundled["properties"]["p"], json!({"$ref": "#/definitions/per%25cent"}));
        assert_eq!(bundled["properties"]["q"], json!({"$ref": "#/definitions/quo%22te"}));
        // Another validator reads the bundle, and follows the references.
        let validator = jsonschema::draft7::new(&bundled).expect("the bundle is a valid draft-07 schema");
        assert!(validator.is_valid(&json!({"p": 1, "q": 1.5})));
        assert!(!validator.is_valid(&json!({"p": "one"})));
        assert!(!validator.is_valid(&json!({"q": "one"})));
    }
}
