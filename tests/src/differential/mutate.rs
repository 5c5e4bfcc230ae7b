//! Mutations of a body, guided by the schema at each place in it: a required
//! property removed, a value of another type, an enum value changed, a string
//! made too long or too short, a broken format or pattern, numbers across each
//! bound and off their `multipleOf`, an extra property where none is allowed,
//! duplicates where items must be unique, items beyond a tuple, property names
//! that break `propertyNames`, broken dependencies, integers for `*Key`
//! strings, `null`s, alternatives of `anyOf`/`oneOf` merged, values that match
//! a `not`, and bodies that are not objects at all.
//!
//! Most mutations make a body invalid, some keep it valid (an optional property
//! added, another enum value, a string exactly at its maximum length in
//! multi-byte characters); the reference validator decides which is which.

use serde_json::{Map, Value, json};

use asyncapi_rt::check::decimal;
use asyncapi_rt::content;

pub use crate::json_path::Segment;
use crate::json_path::{get, get_mut, pointer, remove};

use super::generate::{Generator, decimal_text, encode, invalid_formats, parse_number, valid_formats};
use super::schema::{Schema, count, declared_types, has_type};

/// A place in a body and the schemas that apply there.
pub struct Location<'s> {
    pub path: Vec<Segment>,
    /// Every schema applying here, `$ref`s followed, including each branch of
    /// the combinators (mutations aim at any of them).
    pub schemas: Vec<&'s Value>,
    /// Schemas this value must not match.
    pub nots: Vec<&'s Value>,
}

/// What a mutation does at its location.
pub enum Edit {
    Replace(Value),
    Remove,
}

/// No more places than this are considered per body.
const MAX_LOCATIONS: usize = 400;

impl<'s> Generator<'s> {
    /// `body` changed in one to three places, and what was done.
    pub fn mutate(&mut self, body: &Value) -> (Value, String) {
        let steps = match self.rng.below(10) {
            0..=6 => 1,
            7 | 8 => 2,
            _ => 3,
        };
        let mut body = body.clone();
        let mut done = Vec::new();
        for _ in 0..steps {
            let locations = self.locations(&body);
            let Some(location) = self.rng.pick(&locations) else { break };
            let Some(value) = get(&body, &location.path).cloned() else { continue };
            let mut candidates = self.candidates(location, &value);
            if candidates.is_empty() {
                continue;
            }
            let (label, edit) = candidates.swap_remove(self.rng.below(candidates.len()));
            done.push(format!("{label} at `{}`", pointer(&location.path)));
            apply(&mut body, &location.path, edit);
        }
        (body, done.join("; "))
    }

    /// Every place in `body` with the schemas that apply there.
    pub fn locations(&mut self, body: &Value) -> Vec<Location<'s>> {
        let schema: &'s Schema = self.schema;
        let mut root = Location { path: Vec::new(), schemas: Vec::new(), nots: Vec::new() };
        applicable(schema, schema.root(), body, &mut root, 0);
        let mut out = Vec::new();
        let mut pending = vec![root];
        while let Some(location) = pending.pop() {
            if out.len() >= MAX_LOCATIONS {
                break;
            }
            if let Some(value) = get(body, &location.path) {
                match value {
                    Value::Object(object) => {
                        for (key, child) in object {
                            let mut path = location.path.clone();
                            path.push(Segment::Key(key.clone()));
                            let mut next = Location { path, schemas: Vec::new(), nots: Vec::new() };
                            for parent in &location.schemas {
                                for schema_of_child in self.property_schemas_of(parent, key) {
                                    applicable(schema, schema_of_child, child, &mut next, 0);
                                }
                            }
                            pending.push(next);
                        }
                    }
                    Value::Array(items) => {
                        for (index, child) in items.iter().enumerate() {
                            let mut path = location.path.clone();
                            path.push(Segment::Index(index));
                            let mut next = Location { path, schemas: Vec::new(), nots: Vec::new() };
                            for parent in &location.schemas {
                                if let Some(item_schema) = item_schema(parent, index) {
                                    applicable(schema, item_schema, child, &mut next, 0);
                                }
                            }
                            pending.push(next);
                        }
                    }
                    _ => {}
                }
            }
            out.push(location);
        }
        out
    }

    /// The schemas that `parent` (resolved) applies to its property `key`.
    fn property_schemas_of(&mut self, parent: &'s Value, key: &str) -> Vec<&'s Value> {
        let Some(keywords) = parent.as_object() else { return Vec::new() };
        let mut found = Vec::new();
        if let Some(schema) = keywords.get("properties").and_then(|p| p.get(key)) {
            found.push(schema);
        }
        if let Some(Value::Object(patterns)) = keywords.get("patternProperties") {
            for (source, schema) in patterns {
                if self.patterns.is_match(source, key) {
                    found.push(schema);
                }
            }
        }
        if found.is_empty()
            && let Some(additional) = keywords.get("additionalProperties")
        {
            found.push(additional);
        }
        found
    }

    fn candidates(&mut self, location: &Location<'s>, value: &Value) -> Vec<(String, Edit)> {
        let mut out: Vec<(String, Edit)> = vec![("null".to_owned(), Edit::Replace(Value::Null))];
        let other = ["null", "boolean", "integer", "number", "string", "array", "object"]
            .into_iter()
            .filter(|t| !has_type(value, t))
            .collect::<Vec<_>>();
        if let Some(other) = self.rng.pick(&other).copied() {
            let replacement = self.of_type(other);
            out.push((format!("{other} instead"), Edit::Replace(replacement)));
        }
        if location.path.is_empty() {
            let body =
                self.rng.pick(&[json!([]), json!("body"), json!(1), json!(true), json!(null)]).cloned();
            out.push(("not an object".to_owned(), Edit::Replace(body.unwrap_or_default())));
        } else {
            out.push(("removed".to_owned(), Edit::Remove));
        }
        if let (Some(Segment::Key(name)), Some(text)) = (location.path.last(), value.as_str())
            && name.ends_with("Key")
        {
            let digits: String = text.chars().filter(char::is_ascii_digit).take(19).collect();
            let number = digits.parse::<u64>().unwrap_or(4_810_975_311_936_405_773);
            out.push(("integer for a key".to_owned(), Edit::Replace(json!(number))));
        }
        for schema in &location.schemas {
            if let Value::Object(keywords) = schema {
                self.keyword_candidates(keywords, value, &mut out);
            }
        }
        for not in &location.nots {
            let replacement = self.value(not, 2);
            out.push(("matches `not`".to_owned(), Edit::Replace(replacement)));
        }
        if let Some(schema) = self.rng.pick(&location.schemas).copied() {
            let replacement = self.value(schema, 2);
            out.push(("regenerated".to_owned(), Edit::Replace(replacement)));
        }
        out
    }

    fn keyword_candidates(
        &mut self,
        k: &'s Map<String, Value>,
        value: &Value,
        out: &mut Vec<(String, Edit)>,
    ) {
        if let Some(types) = declared_types(k) {
            let outside: Vec<&str> = ["null", "boolean", "integer", "number", "string", "array", "object"]
                .into_iter()
                .filter(|t| !(types.contains(t) || (*t == "integer" && types.contains(&"number"))))
                .collect();
            if let Some(t) = self.rng.pick(&outside).copied() {
                let replacement = self.of_type(t);
                out.push((format!("{t} where `type` is {types:?}"), Edit::Replace(replacement)));
            }
            if types.contains(&"integer") && (value.is_i64() || value.is_u64()) {
                out.push((
                    "integer written with a fraction".to_owned(),
                    Edit::Replace(parse_number(&format!("{value}.0"))),
                ));
            }
            if types.contains(&"integer") {
                out.push((
                    "integer beyond 64 bits".to_owned(),
                    Edit::Replace(parse_number("18446744073709551616")),
                ));
            }
        }
        if let Some(Value::Array(options)) = k.get("enum") {
            if let Some(option) = self.rng.pick(options) {
                out.push(("another enum value".to_owned(), Edit::Replace(option.clone())));
            }
            out.push(("value outside the enum".to_owned(), Edit::Replace(outside_enum(options))));
        }
        if let Some(expected) = k.get("const") {
            out.push(("const changed".to_owned(), Edit::Replace(perturb(expected))));
        }
        match value {
            Value::Object(object) => self.object_candidates(k, object, out),
            Value::Array(items) => self.array_candidates(k, items, out),
            Value::String(text) => self.string_candidates(k, text, out),
            Value::Number(_) => number_candidates(k, value, out),
            _ => {}
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(Value::Array(alternatives)) = k.get(combinator)
                && !alternatives.is_empty()
            {
                let first = self.rng.below(alternatives.len());
                let replacement = self.value(&alternatives[first], 2);
                out.push((format!("{combinator} alternative {first}"), Edit::Replace(replacement)));
                let second = self.rng.below(alternatives.len());
                if second != first {
                    let both = json!({ "allOf": [alternatives[first], alternatives[second]] });
                    let replacement = self.value(&both, 2);
                    out.push((
                        format!("{combinator} alternatives {first} and {second} at once"),
                        Edit::Replace(replacement),
                    ));
                }
            }
        }
        if let Some(condition) = k.get("if") {
            let replacement = self.value(condition, 2);
            out.push(("matches `if`".to_owned(), Edit::Replace(replacement)));
            if let Some(otherwise) = k.get("else") {
                let replacement = self.value(&json!({ "allOf": [condition, otherwise] }), 2);
                out.push(("matches `if` and `else`".to_owned(), Edit::Replace(replacement)));
            }
            if let Some(then) = k.get("then") {
                let replacement = self.value(then, 2);
                out.push(("matches `then`".to_owned(), Edit::Replace(replacement)));
            }
        }
    }

    fn object_candidates(
        &mut self,
        k: &Map<String, Value>,
        object: &Map<String, Value>,
        out: &mut Vec<(String, Edit)>,
    ) {
        let with = |key: &str, value: Value| {
            let mut changed = object.clone();
            changed.insert(key.to_owned(), value);
            Value::Object(changed)
        };
        let without = |key: &str| {
            let mut changed = object.clone();
            changed.remove(key);
            Value::Object(changed)
        };
        if let Some(Value::Array(required)) = k.get("required") {
            let present: Vec<&str> =
                required.iter().filter_map(Value::as_str).filter(|r| object.contains_key(*r)).collect();
            if let Some(name) = self.rng.pick(&present) {
                out.push((format!("required `{name}` removed"), Edit::Replace(without(name))));
            }
        }
        let declared: Vec<(&String, &Value)> =
            k.get("properties").and_then(Value::as_object).map(|p| p.iter().collect()).unwrap_or_default();
        let absent: Vec<&(&String, &Value)> =
            declared.iter().filter(|(name, _)| !object.contains_key(*name)).collect();
        if let Some((name, schema)) = self.rng.pick(&absent).copied() {
            let added = self.value(schema, 2);
            out.push((format!("optional `{name}` added"), Edit::Replace(with(name, added))));
        }
        match k.get("additionalProperties").map(|a| self.schema.resolve(a)) {
            Some(Value::Bool(false)) => {
                let near_miss = declared
                    .first()
                    .map(|(name, _)| capitalised(name))
                    .unwrap_or_else(|| "unexpected".to_owned());
                let key = if object.contains_key(&near_miss)
                    || k.get("properties").and_then(|p| p.get(&near_miss)).is_some()
                {
                    self.extra_key(object)
                } else {
                    near_miss
                };
                out.push((format!("extra property `{key}`"), Edit::Replace(with(&key, json!(1)))));
            }
            Some(additional) => {
                let key = self.extra_key(object);
                let t = *self.rng.pick(&["string", "integer", "object", "null"]).unwrap_or(&"null");
                let wrong = self.of_type(t);
                out.push((
                    format!("additional property `{key}` of type {t}"),
                    Edit::Replace(with(&key, wrong)),
                ));
                let fitting = self.value(additional, 2);
                out.push((format!("additional property `{key}`"), Edit::Replace(with(&key, fitting))));
            }
            None => {}
        }
        if let Some(Value::Object(patterns)) = k.get("patternProperties") {
            let sources: Vec<&String> = patterns.keys().collect();
            if let Some(source) = self.rng.pick(&sources).copied() {
                let key = self.patterns.matching(source, 1, 12, &mut self.rng);
                let t = *self.rng.pick(&["string", "integer", "boolean", "null"]).unwrap_or(&"null");
                let wrong = self.of_type(t);
                out.push((format!("pattern property `{key}` of type {t}"), Edit::Replace(with(&key, wrong))));
                let fitting = self.value(&patterns[source.as_str()], 2);
                out.push((format!("pattern property `{key}`"), Edit::Replace(with(&key, fitting))));
            }
        }
        if let Some(names) = k.get("propertyNames") {
            let names = self.schema.keywords(names);
            let mut keys =
                vec![String::new(), "with space".to_owned(), "UPPER".to_owned(), "\u{fc}ber".to_owned()];
            if let Some(max) = names.and_then(|n| count(n, "maxLength")).filter(|max| *max < 10_000) {
                keys.push("k".repeat(max + 1));
            }
            if let Some(pattern) = names.and_then(|n| n.get("pattern")).and_then(Value::as_str)
                && let Some(broken) = self.patterns.breaking(pattern, "abc", &mut self.rng)
            {
                keys.push(broken);
            }
            if let Some(key) = self.rng.pick(&keys).cloned() {
                out.push((format!("property name {key:?}"), Edit::Replace(with(&key, json!(1)))));
            }
        }
        if let Some(min) = count(k, "minProperties").filter(|min| *min >= 1) {
            let mut changed = object.clone();
            let keys: Vec<String> = changed.keys().cloned().collect();
            for key in keys.into_iter().rev() {
                if changed.len() < min {
                    break;
                }
                changed.remove(&key);
            }
            out.push(("fewer than `minProperties`".to_owned(), Edit::Replace(Value::Object(changed))));
        }
        if let Some(max) = count(k, "maxProperties").filter(|max| *max < 64) {
            let mut changed = object.clone();
            while changed.len() <= max {
                let key = self.extra_key(&changed);
                changed.insert(key, json!(1));
            }
            out.push(("more than `maxProperties`".to_owned(), Edit::Replace(Value::Object(changed))));
        }
        if let Some(Value::Object(dependencies)) = k.get("dependencies") {
            let triggers: Vec<&String> = dependencies.keys().collect();
            if let Some(trigger) = self.rng.pick(&triggers).copied() {
                if object.contains_key(trigger) {
                    if let Some(Value::Array(names)) = dependencies.get(trigger) {
                        let present: Vec<&str> = names
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|n| object.contains_key(*n))
                            .collect();
                        if let Some(name) = self.rng.pick(&present) {
                            out.push((
                                format!("`{name}` (needed by `{trigger}`) removed"),
                                Edit::Replace(without(name)),
                            ));
                        }
                    }
                } else {
                    let schema = declared
                        .iter()
                        .find(|(name, _)| *name == trigger)
                        .map(|(_, s)| (*s).clone())
                        .unwrap_or(Value::Bool(true));
                    let added = self.value(&schema, 2);
                    out.push((
                        format!("dependency trigger `{trigger}` added"),
                        Edit::Replace(with(trigger, added)),
                    ));
                }
            }
        }
    }

    fn array_candidates(&mut self, k: &Map<String, Value>, items: &[Value], out: &mut Vec<(String, Edit)>) {
        let with_pushed = |item: Value| {
            let mut changed = items.to_vec();
            changed.push(item);
            Value::Array(changed)
        };
        if k.contains_key("items") || k.contains_key("uniqueItems") || k.contains_key("maxItems") {
            if let Some(item) = self.rng.pick(items).cloned() {
                out.push(("item repeated".to_owned(), Edit::Replace(with_pushed(item.clone()))));
                if item.is_i64() || item.is_u64() {
                    out.push((
                        "item repeated as a float".to_owned(),
                        Edit::Replace(with_pushed(parse_number(&format!("{item}.0")))),
                    ));
                }
            }
            let t = *self.rng.pick(&["string", "integer", "object", "null", "array"]).unwrap_or(&"null");
            let item = self.of_type(t);
            out.push((format!("{t} item appended"), Edit::Replace(with_pushed(item))));
        }
        if let Some(Value::Array(tuple)) = k.get("items") {
            let extra = match k.get("additionalItems") {
                Some(schema) => self.value(schema, 2),
                None => json!("extra"),
            };
            if items.len() >= tuple.len() {
                out.push(("item beyond the tuple".to_owned(), Edit::Replace(with_pushed(extra))));
            }
        }
        if let Some(contains) = k.get("contains") {
            let wanted = self.schema.keywords(contains).and_then(declared_types).unwrap_or_default();
            let other = ["string", "integer", "object", "null", "boolean"]
                .into_iter()
                .find(|t| !wanted.contains(t))
                .unwrap_or("null");
            let replaced: Vec<Value> = items.iter().map(|_| self.of_type(other)).collect();
            out.push(("no item matches `contains`".to_owned(), Edit::Replace(Value::Array(replaced))));
        }
        if let Some(min) = count(k, "minItems").filter(|min| *min >= 1) {
            out.push((
                "fewer than `minItems`".to_owned(),
                Edit::Replace(Value::Array(items[..items.len().min(min - 1)].to_vec())),
            ));
        }
        if let Some(max) = count(k, "maxItems").filter(|max| *max < 64) {
            let mut changed = items.to_vec();
            while changed.len() <= max {
                let item = match items.first() {
                    Some(first) => first.clone(),
                    None => json!(1),
                };
                changed.push(item);
            }
            out.push(("more than `maxItems`".to_owned(), Edit::Replace(Value::Array(changed))));
        }
    }

    fn string_candidates(&mut self, k: &Map<String, Value>, text: &str, out: &mut Vec<(String, Edit)>) {
        if let Some(min) = count(k, "minLength").filter(|min| *min >= 1 && *min < 10_000) {
            let short = self.text(min - 1);
            out.push(("shorter than `minLength`".to_owned(), Edit::Replace(Value::String(short))));
            out.push((
                "`minLength` in wide characters".to_owned(),
                Edit::Replace(Value::String("\u{1f600}".repeat(min))),
            ));
        }
        if let Some(max) = count(k, "maxLength").filter(|max| *max < 10_000) {
            let long = self.text(max + 1);
            out.push(("longer than `maxLength`".to_owned(), Edit::Replace(Value::String(long))));
            out.push((
                "`maxLength` in wide characters".to_owned(),
                Edit::Replace(Value::String("\u{65e5}".repeat(max))),
            ));
        }
        if let Some(pattern) = k.get("pattern").and_then(Value::as_str) {
            if let Some(broken) = self.patterns.breaking(pattern, text, &mut self.rng) {
                out.push(("pattern broken".to_owned(), Edit::Replace(Value::String(broken))));
            }
            let fitting = self.patterns.matching(pattern, 0, 40, &mut self.rng);
            out.push(("pattern redrawn".to_owned(), Edit::Replace(Value::String(fitting))));
        }
        if let Some(format) = k.get("format").and_then(Value::as_str) {
            if let Some(bad) = self.rng.pick(invalid_formats(format)) {
                out.push((format!("invalid {format}"), Edit::Replace(json!(bad))));
            }
            if let Some(good) = self.rng.pick(valid_formats(format)) {
                out.push((format!("another {format}"), Edit::Replace(json!(good))));
            }
            let edited = self.edit_text(text);
            out.push((format!("{format} edited"), Edit::Replace(Value::String(edited))));
        }
        if k.contains_key("contentEncoding") || k.contains_key("contentMediaType") {
            let edited = self.edit_text(text);
            out.push(("content edited".to_owned(), Edit::Replace(Value::String(edited))));
            // Not JSON, but in the encoding.
            let broken =
                match k.get("contentEncoding").and_then(Value::as_str).and_then(content::Encoding::from_name)
                {
                    Some(encoding) => encode(encoding, b"{:}"),
                    None => "{:}".to_owned(),
                };
            out.push(("content not JSON".to_owned(), Edit::Replace(Value::String(broken))));
            // JSON, but not encoded.
            out.push(("content not encoded".to_owned(), Edit::Replace(json!("{}"))));
        }
    }

    /// `text` with one character removed, replaced or inserted.
    fn edit_text(&mut self, text: &str) -> String {
        const CHARS: &[char] =
            &['0', '9', 'a', 'Z', 'T', '-', '.', ':', '/', '@', '%', '#', '[', ' ', '\u{e9}', '_'];
        let mut chars: Vec<char> = text.chars().collect();
        let c = *self.rng.pick(CHARS).unwrap_or(&'#');
        if chars.is_empty() {
            return c.to_string();
        }
        let at = self.rng.below(chars.len());
        match self.rng.below(3) {
            0 => {
                chars.remove(at);
            }
            1 => chars[at] = c,
            _ => chars.insert(at, c),
        }
        chars.into_iter().collect()
    }
}

fn number_candidates(k: &Map<String, Value>, value: &Value, out: &mut Vec<(String, Edit)>) {
    for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
        let Some((digits, scale)) = k.get(bound).and_then(Value::as_number).and_then(decimal) else {
            continue;
        };
        // The bound, and one unit and half a unit either side of it.
        let Some(unit) = 10i128.checked_pow(scale) else { continue };
        for (label, delta) in [
            ("at", 0),
            ("one above", 2 * unit),
            ("one below", -2 * unit),
            ("half above", unit),
            ("half below", -unit),
        ] {
            let text = decimal_text((2 * digits).saturating_add(delta).saturating_mul(5), scale + 1);
            out.push((format!("{label} `{bound}`"), Edit::Replace(parse_number(&text))));
        }
    }
    if let Some((digits, scale)) = k.get("multipleOf").and_then(Value::as_number).and_then(decimal) {
        let unit = digits as f64 / 10f64.powi(scale as i32);
        // The multiple at or below `value`, within reason.
        let multiple = value.as_f64().map_or(3, |v| (v / unit).floor().clamp(-1e6, 1e6) as i128);
        let halfway = decimal_text((10 * multiple + 5).saturating_mul(digits), scale + 1);
        out.push(("between two multiples".to_owned(), Edit::Replace(parse_number(&halfway))));
        let exact = decimal_text(multiple.saturating_mul(digits), scale);
        out.push(("a multiple".to_owned(), Edit::Replace(parse_number(&exact))));
        if scale == 0 && digits > 1 {
            let off = decimal_text(multiple.saturating_mul(digits) + 1, 0);
            out.push(("one past a multiple".to_owned(), Edit::Replace(parse_number(&off))));
        }
    }
}

/// Adds to `location` the schemas `schema` applies to `value` through `$ref`s
/// and combinators.
fn applicable<'s>(
    schema: &'s Schema,
    raw: &'s Value,
    value: &Value,
    location: &mut Location<'s>,
    level: usize,
) {
    let resolved = schema.resolve(raw);
    if level > 16 || location.schemas.iter().any(|seen| std::ptr::eq(*seen, resolved)) {
        return;
    }
    location.schemas.push(resolved);
    let Some(keywords) = resolved.as_object() else { return };
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(parts)) = keywords.get(combinator) {
            for part in parts {
                applicable(schema, part, value, location, level + 1);
            }
        }
    }
    for branch in ["if", "then", "else"] {
        if let Some(part) = keywords.get(branch) {
            applicable(schema, part, value, location, level + 1);
        }
    }
    if let Some(not) = keywords.get("not") {
        location.nots.push(schema.resolve(not));
    }
    if let (Some(Value::Object(dependencies)), Some(object)) =
        (keywords.get("dependencies"), value.as_object())
    {
        for (trigger, dependency) in dependencies {
            if object.contains_key(trigger) && !dependency.is_array() {
                applicable(schema, dependency, value, location, level + 1);
            }
        }
    }
}

/// The schema `parent` (resolved) applies to item `index`.
fn item_schema(parent: &Value, index: usize) -> Option<&Value> {
    match parent.get("items")? {
        Value::Array(tuple) => tuple.get(index).or_else(|| parent.get("additionalItems")),
        schema => Some(schema),
    }
}

fn apply(body: &mut Value, path: &[Segment], edit: Edit) {
    match edit {
        Edit::Replace(replacement) => {
            if let Some(target) = get_mut(body, path) {
                *target = replacement;
            }
        }
        Edit::Remove => remove(body, path),
    }
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "unexpected".to_owned(),
    }
}

/// A value close to the enum's but outside it.
fn outside_enum(options: &[Value]) -> Value {
    let candidates = options.iter().map(perturb).chain([json!("UNKNOWN"), json!(-1), json!(null)]);
    for candidate in candidates {
        if !options.iter().any(|option| asyncapi_rt::check::json_equal(option, &candidate)) {
            return candidate;
        }
    }
    json!({ "unlisted": true })
}

/// `value` changed a little.
fn perturb(value: &Value) -> Value {
    match value {
        Value::Null => json!(0),
        Value::Bool(flag) => Value::Bool(!flag),
        Value::Number(number) => match decimal(number)
            .and_then(|(digits, scale)| Some((digits, scale, 10i128.checked_pow(scale)?)))
        {
            Some((digits, scale, unit)) => parse_number(&decimal_text(digits.saturating_add(unit), scale)),
            None => json!(0),
        },
        Value::String(text) => Value::String(format!("{text}_x")),
        Value::Array(items) => {
            let mut changed = items.clone();
            changed.push(json!(1));
            Value::Array(changed)
        }
        Value::Object(object) => {
            let mut changed = object.clone();
            changed.insert("zz".to_owned(), json!(1));
            Value::Object(changed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn mutations_change_bodies_reproducibly() {
        let schema = Schema::new(json!({
            "type": "object",
            "required": ["a"],
            "properties": {"a": {"type": "string", "maxLength": 3}, "n": {"type": "integer", "minimum": 0}},
            "additionalProperties": false,
        }));
        let body = json!({"a": "abc", "n": 5});
        let run = |seed| {
            let mut generator = Generator::new(&schema, Rng::new(seed));
            (0..50).map(|_| generator.mutate(&body)).collect::<Vec<_>>()
        };
        let first = run(9);
        assert_eq!(first, run(9));
        assert!(first.iter().any(|(changed, _)| *changed != body));
        assert!(first.iter().all(|(_, label)| !label.is_empty()));
    }
}
