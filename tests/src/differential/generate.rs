//! Bodies built from a schema, meant to be valid.
//!
//! The generator reads a schema the way a writer of test data would: `$ref`s
//! followed, `allOf` parts merged into one set of keywords, one `anyOf` or
//! `oneOf` alternative picked, `if`/`then` merged (or `else` taken), then a
//! value of an allowed type drawn within the bounds the keywords give. It does
//! not promise validity (a `not`, a `oneOf` whose alternatives overlap, or a
//! `propertyNames` the declared properties break can defeat it): the reference
//! validator judges every body, and the harness counts what it says.

use asyncapi_rt::check::decimal;
use asyncapi_rt::content;
use serde_json::{Map, Number, Value, json};

use super::pattern::Patterns;
use super::schema::{Schema, count, declared_types};
use crate::rng::Rng;

/// Deeper than this, objects get only their required properties and arrays
/// their minimum number of items, so recursive schemas stay finite.
const SHALLOW_DEPTH: usize = 5;
/// Deeper than this, a schema is not merged any further.
const FLATTEN_DEPTH: usize = 24;
/// The most members, items or characters a body is built with to meet a
/// `minProperties`, `minItems` or `minLength`: past it (the fuzz writes
/// `u64::MAX`), the body falls short, and the validators must agree on that.
const LARGEST_MINIMUM: usize = 1_000;

/// The minimum `name` of `flat`, as far as bodies are built to meet it.
fn minimum(flat: &Map<String, Value>, name: &str) -> Option<usize> {
    count(flat, name).map(|min| min.min(LARGEST_MINIMUM))
}

const ALL_TYPES: [&str; 7] = ["null", "boolean", "integer", "number", "string", "array", "object"];

/// Keywords that combine schemas: `flatten` takes them apart.
const COMBINATORS: [&str; 7] = ["allOf", "anyOf", "oneOf", "not", "if", "then", "else"];

/// Valid strings of each format the runtime checks.
pub fn valid_formats(format: &str) -> &'static [&'static str] {
    match format {
        "date-time" => &[
            "2024-02-29T12:30:00Z",
            "1985-04-12T23:20:50.52Z",
            "1996-12-19T16:39:57-08:00",
            "1990-12-31T23:59:60Z",
            "2026-10-02T14:03:11.204+02:00",
        ],
        "date" => &["2024-02-29", "1963-06-19", "2000-01-01"],
        "time" => &["08:30:06Z", "23:59:60Z", "12:00:00.5+05:30"],
        "email" => {
            &["joe@example.com", "a.b+c@sub.example.org", "\"joe bloggs\"@example.com", "joe@[127.0.0.1]"]
        }
        "hostname" => &["example.com", "a-b.c", "localhost", "x1"],
        "idn-hostname" => {
            &["b\u{fc}cher.example", "\u{c2e4}\u{b840}.\u{d14c}\u{c2a4}\u{d2b8}", "example.com"]
        }
        "idn-email" => {
            &["\u{e9}t\u{e9}@b\u{fc}cher.example", "joe@example.com", "\u{c2e4}\u{b840}@\u{c2e4}\u{b840}.kr"]
        }
        "ipv4" => &["192.168.0.1", "0.0.0.0", "255.255.255.255"],
        "ipv6" => &["::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"],
        "uri" => &["https://example.com/a?b=c#d", "urn:isbn:0451450523", "mailto:joe@example.com"],
        "uri-reference" => &["/a/b?c", "#frag", "https://example.com", "../x", ""],
        "iri" => &["https://\u{4f8b}\u{3048}.jp/\u{30d1}\u{30b9}", "https://example.com/\u{e9}", "urn:x:y"],
        "iri-reference" => &["/\u{30d1}\u{30b9}", "#\u{e9}", "https://example.com", ""],
        "uri-template" => &["http://example.com/{id}{?q,lang}", "/a/{b:3}/{c*}", "plain", ""],
        "json-pointer" => &["", "/", "/a~1b/0", "/m~0n"],
        "relative-json-pointer" => &["0", "1/a", "2#", "10/"],
        "uuid" => &["2eb8aa08-aa98-11ea-b4aa-73b441d16380", "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6"],
        "regex" => &["^[a-z]+$", "\\d{2,3}", "(a|b)*", ""],
        _ => &[],
    }
}

/// `bytes` in an RFC 4648 encoding, as `contentEncoding` names it.
pub fn encode(encoding: content::Encoding, bytes: &[u8]) -> String {
    use data_encoding::{BASE32, BASE32HEX, BASE64, BASE64URL, HEXLOWER};
    match encoding {
        content::Encoding::Base64 => BASE64.encode(bytes),
        content::Encoding::Base64Url => BASE64URL.encode(bytes),
        content::Encoding::Base32 => BASE32.encode(bytes),
        content::Encoding::Base32Hex => BASE32HEX.encode(bytes),
        content::Encoding::Base16 => HEXLOWER.encode(bytes),
    }
}

/// Invalid strings of each format the runtime checks (on which the reference agrees).
pub fn invalid_formats(format: &str) -> &'static [&'static str] {
    match format {
        "date-time" => &[
            "yesterday",
            "2023-02-29T00:00:00Z",
            "1985-04-12T23:20:50",
            "1985-04-12 23:20:50Z",
            "1990-12-31T22:59:60Z",
            "",
        ],
        "date" => &["2021-02-29", "2021-13-01", "20210101", "2021-01-01T00:00:00Z"],
        "time" => &["24:00:00Z", "08:30:06", "12:59:60Z", "8:30:06Z"],
        "email" => &["joe", "@example.com", "joe@", "joe..x@example.com", "jo\u{e9}@example.com"],
        "hostname" => &["-host", "exa_mple.com", "a..b", "example.com.", "ab--cd", ""],
        "idn-hostname" => &["-host", "a\u{b7}b", "\u{302e}x", "\u{300}a", ""],
        "idn-email" => &["joe", "@b\u{fc}cher.example", "joe@\u{302e}x", ""],
        "ipv4" => &["256.0.0.1", "1.2.3", "01.2.3.4", "::1"],
        "ipv6" => &["12345::", "1::2::3", ":::", "1.2.3.4"],
        "uri" => &["/relative", "http://exa mple.com", "http://example.com/%zz", ""],
        "uri-reference" => &["a b", "#a#b", "%z", "\\\\host\\share"],
        "iri" => &["/relative", "http://exa mple.com", ""],
        "iri-reference" => &["a b", "%", "#a#b"],
        "uri-template" => &["{", "/a/{b", "{a:0}", "{a b}"],
        "json-pointer" => &["a", "/~2", "#/a", "/a~"],
        "relative-json-pointer" => &["", "01", "-1/a", "1##", "/a"],
        "uuid" => &["2eb8aa08aa9811eab4aa73b441d16380", "{2eb8aa08-aa98-11ea-b4aa-73b441d16380}", "x"],
        "regex" => &["[", "(a", "a{2,1}", "*"],
        _ => &[],
    }
}

/// Draws values from one schema.
pub struct Generator<'s> {
    pub schema: &'s Schema,
    pub rng: Rng,
    pub patterns: Patterns,
    extra_keys: usize,
}

impl<'s> Generator<'s> {
    pub fn new(schema: &'s Schema, rng: Rng) -> Self {
        Self { schema, rng, patterns: Patterns::default(), extra_keys: 0 }
    }

    /// A value meant to be valid against `schema` (found at nesting `depth`).
    pub fn value(&mut self, schema: &Value, depth: usize) -> Value {
        match self.flatten(schema, 0) {
            Some(flat) => self.draw_keywords(&flat, depth),
            // `false`: nothing is valid; anything will do.
            None => self.any_value(depth),
        }
    }

    /// The keywords of `schema` as one set: `$ref`s followed, `allOf` merged,
    /// one alternative of `anyOf`/`oneOf` and one branch of `if` merged in.
    /// `None` for `false`.
    pub fn flatten(&mut self, schema: &Value, level: usize) -> Option<Map<String, Value>> {
        let schema = self.schema.resolve(schema);
        let keywords = match schema {
            Value::Bool(false) => return None,
            Value::Object(keywords) => keywords,
            _ => return Some(Map::new()),
        };
        let mut flat: Map<String, Value> = keywords
            .iter()
            .filter(|(key, _)| !COMBINATORS.contains(&key.as_str()) && *key != "definitions")
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        if level >= FLATTEN_DEPTH {
            return Some(flat);
        }
        if let Some(Value::Array(parts)) = keywords.get("allOf") {
            for part in parts {
                let part = self.flatten(part, level + 1)?;
                flat = merge(flat, part);
            }
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(Value::Array(alternatives)) = keywords.get(combinator) {
                let start = self.rng.below(alternatives.len());
                let picked = (0..alternatives.len()).find_map(|offset| {
                    self.flatten(&alternatives[(start + offset) % alternatives.len()], level + 1)
                });
                if let Some(alternative) = picked {
                    flat = merge(flat, alternative);
                }
            }
        }
        if let Some(condition) = keywords.get("if") {
            let then = keywords.get("then");
            let otherwise = keywords.get("else");
            let take_then = then.is_some() && (otherwise.is_none() || self.rng.chance(0.5));
            if take_then {
                if let Some(condition) = self.flatten(condition, level + 1) {
                    flat = merge(flat, condition);
                }
                if let Some(then) = then.and_then(|then| self.flatten(then, level + 1)) {
                    flat = merge(flat, then);
                }
            } else if let Some(otherwise) = otherwise.and_then(|otherwise| self.flatten(otherwise, level + 1))
            {
                flat = merge(flat, otherwise);
            }
        }
        Some(flat)
    }

    fn draw_keywords(&mut self, flat: &Map<String, Value>, depth: usize) -> Value {
        if let Some(value) = flat.get("const") {
            return value.clone();
        }
        if let Some(Value::Array(options)) = flat.get("enum")
            && let Some(option) = self.rng.pick(options)
        {
            return option.clone();
        }
        let types = types_of(flat, depth);
        let chosen = if types.len() > 1 && types.contains(&"null") && !self.rng.chance(0.15) {
            let others: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
            self.rng.pick(&others).copied()
        } else {
            self.rng.pick(&types).copied()
        };
        match chosen.unwrap_or("null") {
            "object" => self.object(flat, depth),
            "array" => self.array(flat, depth),
            "string" => self.string(flat),
            "integer" => self.number(flat, true),
            "number" => {
                let integer = self.rng.chance(0.3);
                self.number(flat, integer)
            }
            "boolean" => Value::Bool(self.rng.chance(0.5)),
            _ => Value::Null,
        }
    }

    /// The schemas that apply to property `name` of an object with keywords
    /// `flat`: its `properties` entry and matching `patternProperties`, or
    /// else `additionalProperties`.
    pub fn property_schemas(&mut self, flat: &Map<String, Value>, name: &str) -> Vec<Value> {
        let mut schemas = Vec::new();
        if let Some(schema) = flat.get("properties").and_then(|p| p.get(name)) {
            schemas.push(schema.clone());
        }
        if let Some(Value::Object(patterns)) = flat.get("patternProperties") {
            for (source, schema) in patterns {
                if self.patterns.is_match(source, name) {
                    schemas.push(schema.clone());
                }
            }
        }
        if schemas.is_empty()
            && let Some(additional) = flat.get("additionalProperties")
        {
            schemas.push(additional.clone());
        }
        schemas
    }

    fn property_value(&mut self, flat: &Map<String, Value>, name: &str, depth: usize) -> Value {
        let mut schemas = self.property_schemas(flat, name);
        match schemas.len() {
            0 => self.any_value(depth + 1),
            1 => self.value(&schemas.remove(0), depth + 1),
            _ => self.value(&json!({ "allOf": schemas }), depth + 1),
        }
    }

    fn object(&mut self, flat: &Map<String, Value>, depth: usize) -> Value {
        let shallow = depth >= SHALLOW_DEPTH;
        let required: Vec<String> = strings(flat.get("required"));
        let declared: Vec<String> = flat
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let allows_more = !matches!(
            flat.get("additionalProperties").map(|s| self.schema.resolve(s)),
            Some(Value::Bool(false))
        );
        let mut object = Map::new();
        for name in &required {
            let value = self.property_value(flat, name, depth);
            object.insert(name.clone(), value);
        }
        if !shallow {
            for name in &declared {
                if !object.contains_key(name) && self.rng.chance(0.5) {
                    let value = self.property_value(flat, name, depth);
                    object.insert(name.clone(), value);
                }
            }
            if let Some(Value::Object(patterns)) = flat.get("patternProperties")
                && self.rng.chance(0.4)
            {
                let sources: Vec<String> = patterns.keys().cloned().collect();
                if let Some(source) = self.rng.pick(&sources).cloned() {
                    let key = self.patterns.matching(&source, 1, 12, &mut self.rng);
                    if !object.contains_key(&key) {
                        let value = self.property_value(flat, &key, depth);
                        object.insert(key, value);
                    }
                }
            }
            if allows_more && self.rng.chance(0.15) {
                let key = self.extra_key(&object);
                let value = self.property_value(flat, &key, depth);
                object.insert(key, value);
            }
        }
        if let Some(min) = minimum(flat, "minProperties") {
            let mut optional =
                declared.iter().filter(|name| !object.contains_key(*name)).cloned().collect::<Vec<_>>();
            while object.len() < min {
                let key = match optional.pop() {
                    Some(name) => name,
                    None if allows_more => self.extra_key(&object),
                    None => break,
                };
                let value = self.property_value(flat, &key, depth);
                object.insert(key, value);
            }
        }
        if let Some(Value::Object(dependencies)) = flat.get("dependencies") {
            for (trigger, dependency) in dependencies {
                if !object.contains_key(trigger) {
                    continue;
                }
                match dependency {
                    Value::Array(names) => {
                        for name in names.iter().filter_map(Value::as_str) {
                            if !object.contains_key(name) {
                                let value = self.property_value(flat, name, depth);
                                object.insert(name.to_owned(), value);
                            }
                        }
                    }
                    schema => {
                        if let Value::Object(more) = self.value(schema, depth) {
                            for (key, value) in more {
                                object.entry(key).or_insert(value);
                            }
                        }
                    }
                }
            }
        }
        if let Some(names) = flat.get("propertyNames")
            && let Some(names) = self.flatten(names, 0)
        {
            let keys: Vec<String> = object.keys().cloned().collect();
            for key in keys {
                if !required.contains(&key) && !self.string_fits(&names, &key) {
                    object.remove(&key);
                }
            }
        }
        if let Some(max) = count(flat, "maxProperties") {
            let optional: Vec<String> =
                object.keys().filter(|key| !required.contains(key)).cloned().collect();
            for key in optional {
                if object.len() <= max {
                    break;
                }
                object.remove(&key);
            }
        }
        Value::Object(object)
    }

    /// A property name not in `object`.
    pub fn extra_key(&mut self, object: &Map<String, Value>) -> String {
        loop {
            self.extra_keys += 1;
            let key = format!("extra{}", self.extra_keys);
            if !object.contains_key(&key) {
                return key;
            }
        }
    }

    /// Whether `text` passes the string keywords of `flat` (the ones a
    /// property name is usually held to).
    fn string_fits(&mut self, flat: &Map<String, Value>, text: &str) -> bool {
        let length = text.chars().count();
        let string = Value::String(text.to_owned());
        count(flat, "minLength").is_none_or(|min| length >= min)
            && count(flat, "maxLength").is_none_or(|max| length <= max)
            && flat.get("pattern").and_then(Value::as_str).is_none_or(|p| self.patterns.is_match(p, text))
            && flat.get("const").is_none_or(|c| asyncapi_rt::check::json_equal(c, &string))
            && match flat.get("enum") {
                Some(Value::Array(options)) => {
                    options.iter().any(|o| asyncapi_rt::check::json_equal(o, &string))
                }
                _ => true,
            }
    }

    fn array(&mut self, flat: &Map<String, Value>, depth: usize) -> Value {
        let shallow = depth >= SHALLOW_DEPTH;
        let min = minimum(flat, "minItems").unwrap_or(0);
        let max = count(flat, "maxItems").unwrap_or(usize::MAX);
        let additional = flat.get("additionalItems").cloned().unwrap_or(Value::Bool(true));
        let additional_allowed = !matches!(self.schema.resolve(&additional), Value::Bool(false));
        let mut items = Vec::new();
        let mut tuple = false;
        match flat.get("items") {
            Some(Value::Array(schemas)) => {
                tuple = true;
                let lowest = min.min(schemas.len());
                let n = if shallow { lowest } else { self.rng.between(lowest, schemas.len()) };
                for schema in &schemas[..n] {
                    items.push(self.value(schema, depth + 1));
                }
                if n == schemas.len() && additional_allowed && !shallow && self.rng.chance(0.3) {
                    items.push(self.value(&additional, depth + 1));
                }
                while items.len() < min && additional_allowed {
                    items.push(self.value(&additional, depth + 1));
                }
            }
            other => {
                let schema = other.cloned().unwrap_or(Value::Bool(true));
                let highest = max.min(min + if shallow { 0 } else { 3 });
                for _ in 0..self.rng.between(min, highest) {
                    items.push(self.value(&schema, depth + 1));
                }
            }
        }
        if let Some(contains) = flat.get("contains")
            && (items.is_empty() || self.rng.chance(0.7))
        {
            let schema = match flat.get("items") {
                Some(items @ Value::Object(_)) => json!({ "allOf": [items, contains] }),
                _ => contains.clone(),
            };
            let value = self.value(&schema, depth + 1);
            if tuple || items.is_empty() {
                if items.len() < max {
                    items.push(value);
                } else if let Some(last) = items.last_mut() {
                    *last = value;
                }
            } else if items.len() < max {
                let at = self.rng.below(items.len() + 1);
                items.insert(at, value);
            } else {
                let at = self.rng.below(items.len());
                items[at] = value;
            }
        }
        if flat.get("uniqueItems") == Some(&Value::Bool(true)) {
            let mut unique: Vec<Value> = Vec::new();
            for item in items {
                if !unique.iter().any(|seen| asyncapi_rt::check::json_equal(seen, &item)) {
                    unique.push(item);
                }
            }
            items = unique;
            let schema = match flat.get("items") {
                Some(schema @ Value::Object(_)) => schema.clone(),
                _ => additional.clone(),
            };
            for _ in 0..10 {
                if items.len() >= min {
                    break;
                }
                let item = self.value(&schema, depth + 1);
                if !items.iter().any(|seen| asyncapi_rt::check::json_equal(seen, &item)) {
                    items.push(item);
                }
            }
        }
        items.truncate(max);
        Value::Array(items)
    }

    fn string(&mut self, flat: &Map<String, Value>) -> Value {
        if let Some(content) = self.content(flat) {
            return Value::String(content);
        }
        let min = minimum(flat, "minLength").unwrap_or(0);
        let max = count(flat, "maxLength").unwrap_or(usize::MAX);
        let pattern = flat.get("pattern").and_then(Value::as_str).map(str::to_owned);
        let fits = |text: &str| (min..=max).contains(&text.chars().count());
        if let Some(format) = flat.get("format").and_then(Value::as_str) {
            let samples = valid_formats(format);
            if !samples.is_empty() {
                let start = self.rng.below(samples.len());
                let mut fallback = None;
                for offset in 0..samples.len() {
                    let sample = samples[(start + offset) % samples.len()];
                    let matches = match &pattern {
                        Some(pattern) => self.patterns.is_match(pattern, sample),
                        None => true,
                    };
                    if fits(sample) && matches {
                        return Value::String(sample.to_owned());
                    }
                    fallback.get_or_insert(sample);
                }
                return Value::String(fallback.unwrap_or_default().to_owned());
            }
        }
        if let Some(pattern) = pattern {
            let upper = max.min(min.saturating_add(64));
            let drawn = self.patterns.matching(&pattern, min, upper, &mut self.rng);
            if fits(&drawn) && self.patterns.is_match(&pattern, &drawn) {
                return Value::String(drawn);
            }
            // A pattern no draw satisfies (look-arounds, back-references): the
            // schema's own sample values, where one does.
            let mut samples = strings(flat.get("examples"));
            samples.extend(
                ["example", "default"].iter().filter_map(|key| flat.get(*key)?.as_str().map(str::to_owned)),
            );
            let sample =
                samples.into_iter().find(|sample| fits(sample) && self.patterns.is_match(&pattern, sample));
            return Value::String(sample.unwrap_or(drawn));
        }
        let upper = max.min(min.saturating_add(12));
        let length = self.rng.between(min, upper);
        Value::String(self.text(length))
    }

    /// A string that holds what `contentMediaType` says (when the runtime
    /// reads it), encoded as `contentEncoding` says (when it decodes it);
    /// `None` for a schema without either.
    pub fn content(&mut self, flat: &Map<String, Value>) -> Option<String> {
        let encoding = flat.get("contentEncoding").and_then(Value::as_str);
        let media_type = flat.get("contentMediaType").and_then(Value::as_str);
        if encoding.is_none() && media_type.is_none() {
            return None;
        }
        let text = match media_type.and_then(content::MediaType::from_name) {
            Some(content::MediaType::Json) => {
                (*self.rng.pick(&["{}", "[1, 2]", "{\"a\": \"\u{e9}\"}", "null", "\"x\""])?).to_owned()
            }
            None => {
                let length = self.rng.below(12);
                self.text(length)
            }
        };
        Some(match encoding.and_then(content::Encoding::from_name) {
            Some(encoding) => encode(encoding, text.as_bytes()),
            None => text,
        })
    }

    /// A string of `length` code points, now and then beyond ASCII.
    pub fn text(&mut self, length: usize) -> String {
        const ASCII: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -_.";
        const WIDE: &[char] = &['\u{e9}', '\u{65e5}', '\u{1f600}', '\u{3b1}', '\u{a0}'];
        let wide = self.rng.chance(0.15);
        (0..length)
            .map(|_| {
                if wide && self.rng.chance(0.5) {
                    *self.rng.pick(WIDE).unwrap_or(&'x')
                } else {
                    char::from(*self.rng.pick(ASCII).unwrap_or(&b'x'))
                }
            })
            .collect()
    }

    fn number(&mut self, flat: &Map<String, Value>, integer: bool) -> Value {
        let get = |name: &str| flat.get(name).and_then(Value::as_f64);
        let (mut lo, mut lo_open) = (get("minimum").unwrap_or(f64::NEG_INFINITY), false);
        if let Some(limit) = get("exclusiveMinimum")
            && limit >= lo
        {
            (lo, lo_open) = (limit, true);
        }
        let (mut hi, mut hi_open) = (get("maximum").unwrap_or(f64::INFINITY), false);
        if let Some(limit) = get("exclusiveMaximum")
            && limit <= hi
        {
            (hi, hi_open) = (limit, true);
        }
        let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
            (true, true) => (lo, hi),
            (true, false) => (lo, lo + 1000.0),
            (false, true) => (hi - 1000.0, hi),
            (false, false) => (-1000.0, 1000.0),
        };
        let multiple = flat.get("multipleOf").and_then(Value::as_number).and_then(decimal);
        let multiple = multiple.and_then(|(digits, scale)| Some((digits, scale, 10i128.checked_pow(scale)?)));
        if let Some((digits, scale, power)) = multiple.filter(|(digits, _, _)| *digits > 0) {
            // Values are k * digits / 10^scale; integers need k * digits divisible by 10^scale.
            let unit = digits as f64 / power as f64;
            let clamp = |k: f64| k.clamp(-1e12, 1e12) as i128;
            let mut k_lo = clamp((lo / unit).ceil());
            let mut k_hi = clamp((hi / unit).floor());
            if lo_open && (k_lo as f64) * unit <= lo {
                k_lo += 1;
            }
            if hi_open && (k_hi as f64) * unit >= hi {
                k_hi -= 1;
            }
            let step = if integer { power / gcd(digits, power) } else { 1 };
            let k = self.rng.between_i128(k_lo, k_hi.max(k_lo));
            let k = if step > 1 { (k.div_euclid(step) + 1) * step } else { k };
            return parse_number(&decimal_text(k.saturating_mul(digits), scale));
        }
        let to_int = |f: f64| f.clamp(-9e15, 9e15) as i128;
        if integer {
            let mut i_lo = to_int(lo.ceil());
            let mut i_hi = to_int(hi.floor());
            if lo_open && i_lo as f64 <= lo {
                i_lo += 1;
            }
            if hi_open && i_hi as f64 >= hi {
                i_hi -= 1;
            }
            if i_lo <= i_hi {
                let value = self.rng.between_i128(i_lo, i_hi);
                return parse_number(&value.to_string());
            }
        }
        let hundredths_lo = to_int((lo * 100.0).ceil()) + i128::from(lo_open);
        let hundredths_hi = to_int((hi * 100.0).floor()) - i128::from(hi_open);
        let value = self.rng.between_i128(hundredths_lo, hundredths_hi.max(hundredths_lo));
        parse_number(&decimal_text(value, 2))
    }

    /// Any small JSON value.
    pub fn any_value(&mut self, depth: usize) -> Value {
        let kinds = if depth < 4 { 8 } else { 6 };
        match self.rng.below(kinds) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.chance(0.5)),
            2 => Value::from(self.rng.between_i128(-100, 100) as i64),
            3 => parse_number("2.5"),
            4 | 5 => {
                let length = self.rng.below(8);
                Value::String(self.text(length))
            }
            6 => Value::Array(vec![self.any_value(depth + 1)]),
            _ => {
                let mut object = Map::new();
                object.insert("k".to_owned(), self.any_value(depth + 1));
                Value::Object(object)
            }
        }
    }

    /// A value of the JSON type `name`.
    pub fn of_type(&mut self, name: &str) -> Value {
        match name {
            "null" => Value::Null,
            "boolean" => Value::Bool(self.rng.chance(0.5)),
            "integer" => self
                .rng
                .pick(&[json!(0), json!(7), json!(-3), json!(4_810_975_311_936_405_773_u64)])
                .cloned()
                .unwrap_or_default(),
            "number" => self.rng.pick(&[json!(1.5), json!(-0.25), json!(1e-7)]).cloned().unwrap_or_default(),
            "string" => self.rng.pick(&[json!("x"), json!(""), json!("12")]).cloned().unwrap_or_default(),
            "array" => self.rng.pick(&[json!([]), json!([1, "a"])]).cloned().unwrap_or_default(),
            _ => self.rng.pick(&[json!({}), json!({"a": 1})]).cloned().unwrap_or_default(),
        }
    }
}

/// The types a value of `flat` may take: its `type`, else what its keywords suggest.
fn types_of(flat: &Map<String, Value>, depth: usize) -> Vec<&'static str> {
    if let Some(declared) = declared_types(flat) {
        let types: Vec<&'static str> = ALL_TYPES.iter().copied().filter(|t| declared.contains(t)).collect();
        if !types.is_empty() {
            return types;
        }
    }
    let has = |names: &[&str]| names.iter().any(|name| flat.contains_key(*name));
    let mut types = Vec::new();
    if has(&[
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "dependencies",
    ]) {
        types.push("object");
    }
    if has(&["items", "additionalItems", "contains", "minItems", "maxItems", "uniqueItems"]) {
        types.push("array");
    }
    if has(&["minLength", "maxLength", "pattern", "format", "contentEncoding", "contentMediaType"]) {
        types.push("string");
    }
    if has(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]) {
        types.push("number");
    }
    if types.is_empty() {
        let limit = if depth < 4 { ALL_TYPES.len() } else { 5 };
        types.extend(&ALL_TYPES[..limit]);
    }
    types
}

/// Keywords that hold both `a`'s and `b`'s constraints, as far as generation needs.
pub fn merge(mut a: Map<String, Value>, b: Map<String, Value>) -> Map<String, Value> {
    for (key, theirs) in b {
        let Some(ours) = a.get(&key).cloned() else {
            a.insert(key, theirs);
            continue;
        };
        let merged = match key.as_str() {
            "type" => {
                let as_list = |value: &Value| -> Vec<String> {
                    match value {
                        Value::String(name) => vec![name.clone()],
                        Value::Array(names) => {
                            names.iter().filter_map(Value::as_str).map(str::to_owned).collect()
                        }
                        _ => Vec::new(),
                    }
                };
                let (x, y) = (as_list(&ours), as_list(&theirs));
                let both: Vec<String> = x
                    .iter()
                    .filter_map(|t| {
                        if y.contains(t) {
                            Some(t.clone())
                        } else if t == "number" && y.iter().any(|u| u == "integer") {
                            Some("integer".to_owned())
                        } else if t == "integer" && y.iter().any(|u| u == "number") {
                            Some(t.clone())
                        } else {
                            None
                        }
                    })
                    .collect();
                if both.is_empty() { ours } else { json!(both) }
            }
            "required" => {
                let mut names = strings(Some(&ours));
                for name in strings(Some(&theirs)) {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                json!(names)
            }
            "properties" | "patternProperties" | "dependencies" => match (ours, theirs) {
                (Value::Object(mut x), Value::Object(y)) => {
                    for (name, schema) in y {
                        let combined = match x.remove(&name) {
                            Some(existing) if key != "dependencies" => json!({ "allOf": [existing, schema] }),
                            Some(existing) => existing,
                            None => schema,
                        };
                        x.insert(name, combined);
                    }
                    Value::Object(x)
                }
                (ours, _) => ours,
            },
            "enum" => match (&ours, &theirs) {
                (Value::Array(x), Value::Array(y)) => {
                    let both: Vec<Value> = x
                        .iter()
                        .filter(|v| y.iter().any(|w| asyncapi_rt::check::json_equal(v, w)))
                        .cloned()
                        .collect();
                    if both.is_empty() { ours } else { Value::Array(both) }
                }
                _ => ours,
            },
            "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties" => {
                if theirs.as_f64() > ours.as_f64() { theirs } else { ours }
            }
            "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties" => {
                if theirs.as_f64() < ours.as_f64() { theirs } else { ours }
            }
            _ => ours,
        };
        a.insert(key, merged);
    }
    a
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// `mantissa * 10^-scale` written out in decimal.
pub fn decimal_text(mantissa: i128, scale: u32) -> String {
    if scale == 0 {
        return mantissa.to_string();
    }
    let digits = mantissa.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = if digits.len() <= scale {
        format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
    } else {
        digits
    };
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let sign = if mantissa < 0 { "-" } else { "" };
    format!("{sign}{whole}.{fraction}")
}

/// The JSON number written `text` (`0` if it is not one).
pub fn parse_number(text: &str) -> Value {
    serde_json::from_str::<Number>(text).map(Value::Number).unwrap_or_else(|_| Value::from(0))
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip() {
        assert_eq!(decimal(&Number::from_f64(0.01).unwrap_or(Number::from(0))), Some((1, 2)));
        assert_eq!(decimal_text(5435040, 2), "54350.40");
        assert_eq!(decimal_text(-5, 3), "-0.005");
        assert_eq!(decimal_text(7, 0), "7");
        assert_eq!(parse_number("0.30"), json!(0.3));
    }

    #[test]
    fn merges_keep_both_constraints() {
        let a = json!({"type": ["number", "null"], "required": ["a"], "minimum": 1, "properties": {"x": {"type": "string"}}});
        let b = json!({"type": "integer", "required": ["b"], "minimum": 3, "properties": {"x": {"minLength": 2}, "y": {}}});
        let (Value::Object(a), Value::Object(b)) = (a, b) else { unreachable!("objects") };
        let merged = Value::Object(merge(a, b));
        assert_eq!(merged["type"], json!(["integer"]));
        assert_eq!(merged["required"], json!(["a", "b"]));
        assert_eq!(merged["minimum"], json!(3));
        assert_eq!(merged["properties"]["x"], json!({"allOf": [{"type": "string"}, {"minLength": 2}]}));
    }

    /// A pattern no draw satisfies falls back to the schema's own samples.
    #[test]
    fn undrawable_patterns_take_the_schemas_sample() {
        let schema = Schema::new(json!(true));
        let mut generator = Generator::new(&schema, Rng::new(5));
        // A back-reference, which `regex-syntax` cannot read.
        let case = json!({"type": "string", "pattern": "^(ab)\\1-[0-9]{3}$", "example": "abab-123"});
        for _ in 0..20 {
            assert_eq!(generator.value(&case, 0), json!("abab-123"));
        }
    }

    #[test]
    fn numbers_respect_bounds_and_multiples() {
        let schema = Schema::new(json!(true));
        let mut generator = Generator::new(&schema, Rng::new(5));
        let cases = [
            json!({"type": "integer", "minimum": 3, "maximum": 5}),
            json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}),
            json!({"type": "number", "multipleOf": 0.01, "minimum": 10, "maximum": 11}),
            json!({"type": "integer", "multipleOf": 2.5}),
        ];
        for case in cases {
            let validator = jsonschema::draft7::new(&case).expect("compiles");
            for _ in 0..50 {
                let value = generator.value(&case, 0);
                assert!(validator.is_valid(&value), "{case}: {value}");
            }
        }
    }

    #[test]
    fn minimums_past_reach_give_short_bodies() {
        let schema = Schema::new(json!(true));
        let mut generator = Generator::new(&schema, Rng::new(5));
        let most = json!(u64::MAX);
        // A few more may come by chance, as they do for any minimum.
        let near = |len: usize| (LARGEST_MINIMUM..LARGEST_MINIMUM + 64).contains(&len);
        let object = generator.value(&json!({"type": "object", "minProperties": most}), 0);
        assert!(object.as_object().map(Map::len).is_some_and(near));
        let array = generator.value(&json!({"type": "array", "minItems": most}), 0);
        assert!(array.as_array().map(Vec::len).is_some_and(near));
        let string = generator.value(&json!({"type": "string", "minLength": most}), 0);
        assert!(string.as_str().map(|s| s.chars().count()).is_some_and(near));
    }
}
