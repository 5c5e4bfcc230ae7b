//! A bundled draft-07 schema to walk: `$ref`s into its own `definitions` (or
//! anywhere in it) are followed, as draft-07 says (keywords next to a `$ref`
//! are ignored).

use serde_json::{Map, Value};

static TRUE: Value = Value::Bool(true);

/// The schema of one message, bundled.
pub struct Schema {
    root: Value,
}

impl Schema {
    pub fn new(root: Value) -> Self {
        Self { root }
    }

    pub fn root(&self) -> &Value {
        &self.root
    }

    /// `schema` with its `$ref`s followed (an unresolvable one reads as `true`).
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..64 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => match self.lookup(reference) {
                    Some(target) => schema = target,
                    None => return &TRUE,
                },
                None => return schema,
            }
        }
        &TRUE
    }

    /// The keywords of `schema` after following `$ref`s: `None` for a boolean
    /// schema.
    pub fn keywords<'a>(&'a self, schema: &'a Value) -> Option<&'a Map<String, Value>> {
        self.resolve(schema).as_object()
    }

    fn lookup(&self, reference: &str) -> Option<&Value> {
        let fragment = reference.strip_prefix('#')?;
        self.root.pointer(&percent_decode(fragment))
    }
}

/// `%XX` escapes of a URI fragment decoded (JSON pointers in `$ref`s are URI fragments).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON types a schema's `type` keyword allows (`None` without one).
pub fn declared_types(keywords: &Map<String, Value>) -> Option<Vec<&str>> {
    match keywords.get("type")? {
        Value::String(name) => Some(vec![name.as_str()]),
        Value::Array(names) => Some(names.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

/// Whether `value` is of the JSON Schema type `name`.
pub fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => asyncapi_rt::check::is_integer(value),
        _ => false,
    }
}

/// A non-negative integer keyword (`minLength`, ...).
pub fn count(keywords: &Map<String, Value>, name: &str) -> Option<usize> {
    keywords
        .get(name)
        .and_then(|value| {
            value
                .as_u64()
                .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
        })
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_are_followed() {
        let schema = Schema::new(json!({
            "properties": {"a": {"$ref": "#/definitions/A"}, "b": {"$ref": "#/definitions/a%20b~1c"}},
            "definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"type": "string"}, "a b/c": {"type": "null"}},
        }));
        let a = &schema.root()["properties"]["a"];
        assert_eq!(schema.resolve(a), &json!({"type": "string"}));
        let b = &schema.root()["properties"]["b"];
        assert_eq!(schema.resolve(b), &json!({"type": "null"}));
        assert_eq!(schema.resolve(&json!({"$ref": "#/nowhere"})), &json!(true));
    }
}
