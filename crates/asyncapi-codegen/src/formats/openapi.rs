//! OpenAPI 3.0 Schema Objects, read as JSON Schema draft-07.
//!
//! An OpenAPI 3.0 schema is a draft-05 dialect: most keywords mean what they
//! mean in draft-07, and `nullable` is read by the IR wherever it is written.
//! Three differ, and are rewritten in every schema the payload reaches
//! (through `$ref`s too):
//!
//! - `exclusiveMinimum: true` beside `minimum: m` becomes `exclusiveMinimum: m`
//!   (a `false` one, or one without its bound, says nothing and is dropped);
//!   the same for `exclusiveMaximum`;
//! - `discriminator: {propertyName: p}` (or AsyncAPI's `discriminator: p`, which
//!   documents write here too) is AsyncAPI's `discriminator: p` where `p` is a
//!   required property of the same schema; elsewhere it only hints at what the
//!   `oneOf` alternatives already decide, and is dropped (so is a `mapping`:
//!   the IR tells alternatives apart by their values);
//! - `xml` only says how to write the value as XML, and is dropped.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::ir::schema::Member;
use crate::load::{Site, Sources};

/// Rewrites every schema reachable from `roots`.
pub fn translate(sources: &mut Sources, roots: &[Site]) {
    let mut seen: HashSet<Site> = HashSet::new();
    let mut pending: Vec<Site> = roots.to_vec();
    while let Some(site) = pending.pop() {
        if !seen.insert(site.clone()) {
            continue;
        }
        let Some(Value::Object(schema)) = sources.get(&site) else { continue };
        if let Some(Value::String(reference)) = schema.get("$ref") {
            // Draft-07 and OpenAPI 3.0 both ignore what is beside a `$ref`.
            if let Ok(target) = sources.resolve_ref(site.file, reference) {
                pending.push(target);
            }
            continue;
        }
        pending.extend(subschemas(schema, &site));
        let mut rewritten = schema.clone();
        if rewrite(&mut rewritten) {
            sources.replace(&site, Value::Object(rewritten));
        }
    }
}

/// Where the schemas directly inside `schema` (at `site`) are.
fn subschemas(schema: &Map<String, Value>, site: &Site) -> Vec<Site> {
    let mut found = Vec::new();
    for (key, value) in schema {
        let at = site.join(key);
        match (Member::of(key), value) {
            (Member::NamedSchemas, Value::Object(named)) => {
                found.extend(named.keys().map(|name| at.join(name)));
            }
            (Member::Schemas, Value::Array(items)) => found.extend((0..items.len()).map(|i| at.item(i))),
            (Member::Schemas, Value::Object(_)) => found.push(at),
            _ => {}
        }
    }
    found
}

/// Rewrites the OpenAPI-only keywords of one schema; whether any was there.
fn rewrite(schema: &mut Map<String, Value>) -> bool {
    let mut changed = exclusive_bound(schema, "exclusiveMinimum", "minimum");
    changed |= exclusive_bound(schema, "exclusiveMaximum", "maximum");
    let property = match schema.get("discriminator") {
        Some(Value::Object(discriminator)) => discriminator.get("propertyName").and_then(Value::as_str),
        // The AsyncAPI form, which documents also write in OpenAPI schemas.
        Some(Value::String(property)) => Some(property.as_str()),
        _ => None,
    };
    if let Some(property) = property.map(str::to_owned) {
        let defined = schema.get("properties").and_then(|p| p.get(&property)).is_some();
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| *n == property));
        if !(defined && required) {
            changed |= schema.remove("discriminator").is_some();
        } else if schema.get("discriminator").is_none_or(|d| *d != property) {
            schema.insert("discriminator".to_owned(), Value::String(property));
            changed = true;
        }
    }
    changed |= schema.remove("xml").is_some();
    changed
}

/// OpenAPI's boolean `exclusive` flag on `bound`, said the draft-07 way.
fn exclusive_bound(schema: &mut Map<String, Value>, exclusive: &str, bound: &str) -> bool {
    let Some(Value::Bool(flag)) = schema.get(exclusive) else { return false };
    match (flag, schema.get(bound).filter(|limit| limit.is_number()).cloned()) {
        (true, Some(limit)) => {
            schema.remove(bound);
            schema.insert(exclusive.to_owned(), limit);
        }
        _ => {
            schema.remove(exclusive);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rewritten(schema: Value) -> Value {
        let Value::Object(mut schema) = schema else { panic!("an object") };
        rewrite(&mut schema);
        Value::Object(schema)
    }

    #[test]
    fn boolean_exclusive_bounds_become_draft_07_bounds() {
        assert_eq!(
            rewritten(
                json!({"minimum": 1, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false})
            ),
            json!({"exclusiveMinimum": 1, "maximum": 9})
        );
        assert_eq!(rewritten(json!({"exclusiveMaximum": true})), json!({}));
        assert_eq!(rewritten(json!({"exclusiveMinimum": 3})), json!({"exclusiveMinimum": 3}));
    }

    #[test]
    fn discriminator_objects_become_property_names_where_asyncapi_reads_them() {
        let base = json!({
            "properties": {"petType": {"type": "string"}},
            "required": ["petType"],
            "discriminator": {"propertyName": "petType", "mapping": {"dog": "#/components/schemas/Dog"}},
        });
        assert_eq!(rewritten(base)["discriminator"], json!("petType"));
        let union =
            json!({"oneOf": [{"$ref": "#/a"}, {"$ref": "#/b"}], "discriminator": {"propertyName": "kind"}});
        assert_eq!(rewritten(union), json!({"oneOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]}));
        // The AsyncAPI form: kept where AsyncAPI reads it, else a hint like the other.
        let kept = json!({"properties": {"kind": {}}, "required": ["kind"], "discriminator": "kind"});
        assert_eq!(rewritten(kept.clone()), kept);
        assert_eq!(rewritten(json!({"oneOf": [{}], "discriminator": "kind"})), json!({"oneOf": [{}]}));
    }

    #[test]
    fn xml_hints_are_dropped() {
        assert_eq!(
            rewritten(json!({"type": "string", "xml": {"attribute": true}})),
            json!({"type": "string"})
        );
    }

    #[test]
    fn rewrites_everything_the_payload_reaches_and_nothing_else() {
        let text = "p:\n  properties:\n    a: {$ref: '#/c'}\n    b: {type: number, minimum: 0, exclusiveMinimum: true}\nc:\n  type: integer\n  maximum: 5\n  exclusiveMaximum: true\nd: {minimum: 0, exclusiveMinimum: true}\n";
        let mut sources = Sources::from_text(text, "test.yaml").expect("valid YAML");
        let root = sources.root_site();
        translate(&mut sources, &[root.join("p")]);
        let value = |pointer: &str| sources.get(&Site::new(root.file, pointer)).cloned();
        assert_eq!(value("/p/properties/b"), Some(json!({"type": "number", "exclusiveMinimum": 0})));
        assert_eq!(value("/c"), Some(json!({"type": "integer", "exclusiveMaximum": 5})));
        assert_eq!(value("/d"), Some(json!({"minimum": 0, "exclusiveMinimum": true})));
    }
}
