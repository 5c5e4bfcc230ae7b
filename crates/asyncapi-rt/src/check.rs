//! The JSON Schema (draft-07) keyword checks that generated validators call.
//!
//! Generated code decides which keywords apply where; these functions decide
//! whether one value passes one keyword, and word the violation. Each records at
//! most one violation per call, at the pointer the caller is at, as the
//! reference validator (the `jsonschema` crate) does.

use std::cmp::Ordering;
use std::sync::LazyLock;

use serde_json::{Map, Number, Value};

use crate::content::{self, Encoding, MediaType, Problem};
use crate::format::Format;
use crate::message::Mode;
use crate::path::Path;
use crate::violation::{Keyword, Violations};

/// The seven JSON types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// Whether `value` is of this type (`1.0` is an integer; every integer is a number).
    pub fn matches(self, value: &Value) -> bool {
        match self {
            JsonType::Array => value.is_array(),
            JsonType::Boolean => value.is_boolean(),
            JsonType::Integer => is_integer(value),
            JsonType::Null => value.is_null(),
            JsonType::Number => value.is_number(),
            JsonType::Object => value.is_object(),
            JsonType::String => value.is_string(),
        }
    }
}

/// The JSON type of `value`, as a word for messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) if is_integer(value) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `value` is a number without a fractional part.
pub fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(number) => {
            number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// `type`: `value` must be one of `allowed`.
pub fn types(value: &Value, allowed: &[JsonType], at: &Path<'_>, out: &mut Violations) {
    if !allowed.iter().any(|t| t.matches(value)) {
        let mut message = Message::new().text("expected ");
        for (index, allowed) in allowed.iter().enumerate() {
            message = message.text(if index == 0 { "" } else { " or " }).text(allowed.name());
        }
        out.push(at, Keyword::Type, message.text(", found ").text(type_name(value)).finish());
    }
}

/// `type: string`, and `format` when given: the most common schema, in one call.
pub fn string(value: &Value, format: Option<Format>, at: &Path<'_>, out: &mut Violations) {
    match value.as_str() {
        Some(text) => {
            if let Some(format) = format {
                self::format(text, format, at, out);
            }
        }
        None => types(value, &[JsonType::String], at, out),
    }
}

/// `type: integer` with its bounds ([`Bounds::NONE`] for none).
pub fn integer(value: &Value, limits: &Bounds, at: &Path<'_>, out: &mut Violations) {
    types(value, &[JsonType::Integer], at, out);
    if let Some(number) = value.as_number() {
        bounds(number, limits, at, out);
    }
}

/// `type: number` with its bounds ([`Bounds::NONE`] for none).
pub fn number(value: &Value, limits: &Bounds, at: &Path<'_>, out: &mut Violations) {
    types(value, &[JsonType::Number], at, out);
    if let Some(number) = value.as_number() {
        bounds(number, limits, at, out);
    }
}

/// `type: boolean`.
pub fn boolean(value: &Value, at: &Path<'_>, out: &mut Violations) {
    types(value, &[JsonType::Boolean], at, out);
}

/// `type: string` on a property that real traffic also sends as a JSON integer
/// (a codegen option): integers pass in [`Mode::Lenient`], fail in [`Mode::Strict`].
pub fn lenient_string(value: &Value, mode: Mode, at: &Path<'_>, out: &mut Violations) {
    let integer = matches!(value, Value::Number(n) if n.is_i64() || n.is_u64());
    if value.is_string() || (integer && mode == Mode::Lenient) {
        return;
    }
    let message = if integer {
        "expected string, found integer (accepted for this property in lenient mode)".to_owned()
    } else {
        format!("expected string, found {}", type_name(value))
    };
    out.push(at, Keyword::Type, message);
}

/// Equality as JSON Schema defines it: numbers by value (`1` equals `1.0`),
/// objects regardless of key order.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(key, a)| y.get(key).is_some_and(|b| json_equal(a, b)))
        }
        _ => a == b,
    }
}

/// Parses a JSON literal written by the generator (the values of an `enum` or a
/// `const`), once.
pub fn literal(json: &str) -> Value {
    // The generator writes these literals itself from parsed JSON, so they parse.
    serde_json::from_str(json).unwrap_or(Value::Null)
}

/// Lazily parsed generator-written JSON literals, for `static`s.
pub type Literal = LazyLock<Value>;

/// `enum` with string values only (the common case, without allocation).
pub fn enum_strings(value: &Value, allowed: &[&str], at: &Path<'_>, out: &mut Violations) {
    if !value.as_str().is_some_and(|text| allowed.contains(&text)) {
        let message = Message::new().value(value).text(" is not one of ").strings(allowed);
        out.push(at, Keyword::Enum, message.finish());
    }
}

/// `enum` with any values.
pub fn enum_values(value: &Value, allowed: &Value, at: &Path<'_>, out: &mut Violations) {
    let options = allowed.as_array().map(Vec::as_slice).unwrap_or_default();
    if !options.iter().any(|option| json_equal(option, value)) {
        let message = Message::new().value(value).text(" is not one of ").value(allowed);
        out.push(at, Keyword::Enum, message.finish());
    }
}

/// `const`.
pub fn const_value(value: &Value, expected: &Value, at: &Path<'_>, out: &mut Violations) {
    if !json_equal(value, expected) {
        let message = Message::new().text("expected ").value(expected).text(", found ").value(value);
        out.push(at, Keyword::Const, message.finish());
    }
}

/// `required`.
pub fn required(object: &Map<String, Value>, names: &[&str], at: &Path<'_>, out: &mut Violations) {
    for name in names {
        if !object.contains_key(*name) {
            out.push(at, Keyword::Required, format!("missing required property `{name}`"));
        }
    }
}

/// `additionalProperties: false`: one violation naming every unexpected property.
pub fn no_additional_properties<'v>(
    object: &'v Map<String, Value>,
    is_declared: impl Fn(&str) -> bool,
    at: &Path<'_>,
    out: &mut Violations,
) {
    let unexpected: Vec<&'v str> =
        object.keys().map(String::as_str).filter(|key| !is_declared(key)).collect();
    if !unexpected.is_empty() {
        let names: Vec<String> = unexpected.iter().map(|name| format!("`{name}`")).collect();
        out.push(
            at,
            Keyword::AdditionalProperties,
            format!("unexpected propert{} {}", if names.len() == 1 { "y" } else { "ies" }, names.join(", ")),
        );
    }
}

/// `minProperties` / `maxProperties`.
pub fn property_count(count: usize, min: Option<u64>, max: Option<u64>, at: &Path<'_>, out: &mut Violations) {
    if let Some(min) = min.filter(|min| (count as u64) < *min) {
        out.push(at, Keyword::MinProperties, format!("has {count} properties, fewer than {min}"));
    }
    if let Some(max) = max.filter(|max| (count as u64) > *max) {
        out.push(at, Keyword::MaxProperties, format!("has {count} properties, more than {max}"));
    }
}

/// `dependencies` with a list of property names.
pub fn dependent_required(
    object: &Map<String, Value>,
    property: &str,
    names: &[&str],
    at: &Path<'_>,
    out: &mut Violations,
) {
    if !object.contains_key(property) {
        return;
    }
    for name in names {
        if !object.contains_key(*name) {
            out.push(at, Keyword::Dependencies, format!("`{property}` requires `{name}`"));
        }
    }
}

/// `minItems` / `maxItems`.
pub fn item_count(count: usize, min: Option<u64>, max: Option<u64>, at: &Path<'_>, out: &mut Violations) {
    if let Some(min) = min.filter(|min| (count as u64) < *min) {
        out.push(at, Keyword::MinItems, format!("has {count} items, fewer than {min}"));
    }
    if let Some(max) = max.filter(|max| (count as u64) > *max) {
        out.push(at, Keyword::MaxItems, format!("has {count} items, more than {max}"));
    }
}

/// `additionalItems: false` after a tuple of `allowed` items.
pub fn no_additional_items(count: usize, allowed: usize, at: &Path<'_>, out: &mut Violations) {
    if count > allowed {
        out.push(at, Keyword::AdditionalItems, format!("has {count} items, at most {allowed} allowed"));
    }
}

/// `uniqueItems: true`.
pub fn unique_items(items: &[Value], at: &Path<'_>, out: &mut Violations) {
    for (index, item) in items.iter().enumerate() {
        if items[..index].iter().any(|earlier| json_equal(earlier, item)) {
            out.push(at, Keyword::UniqueItems, format!("item {index} repeats an earlier item"));
            return;
        }
    }
}

/// `minLength` / `maxLength`, counted in Unicode code points as JSON Schema says.
pub fn length(text: &str, min: Option<u64>, max: Option<u64>, at: &Path<'_>, out: &mut Violations) {
    // Byte length bounds the character count from above, and a quarter of it
    // from below: most strings skip the count.
    let bytes = text.len() as u64;
    let fits_min = min.is_none_or(|min| bytes.div_ceil(4) >= min);
    let fits_max = max.is_none_or(|max| bytes <= max);
    if fits_min && fits_max {
        return;
    }
    let count = text.chars().count() as u64;
    if let Some(min) = min.filter(|min| count < *min) {
        out.push(at, Keyword::MinLength, format!("is {count} characters long, shorter than {min}"));
    }
    if let Some(max) = max.filter(|max| count > *max) {
        out.push(at, Keyword::MaxLength, format!("is {count} characters long, longer than {max}"));
    }
}

/// A compiled ECMA-262 regular expression (JSON Schema's `pattern` dialect).
pub struct Pattern {
    source: &'static str,
    regex: Option<regress::Regex>,
}

impl Pattern {
    /// Compiles `source`. The generator has compiled it already, so this cannot
    /// fail for generated code; a pattern that did fail would match nothing.
    pub fn new(source: &'static str) -> Self {
        Self { source, regex: crate::format::compile_pattern(source) }
    }

    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether the pattern matches anywhere in `text` (patterns are not anchored).
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.as_ref().is_some_and(|regex| regex.find(text).is_some())
    }
}

/// `pattern`.
pub fn pattern(text: &str, pattern: &Pattern, at: &Path<'_>, out: &mut Violations) {
    if !pattern.is_match(text) {
        let message = Message::new().value(text).text(" does not match `").text(pattern.source());
        out.push(at, Keyword::Pattern, message.text("`").finish());
    }
}

/// `format`.
pub fn format(text: &str, format: Format, at: &Path<'_>, out: &mut Violations) {
    if !format.is_valid(text) {
        let message = Message::new().value(text).text(" is not a valid ").text(format.name());
        out.push(at, Keyword::Format, message.finish());
    }
}

/// `contentEncoding` and `contentMediaType`, together: see [`crate::content`].
pub fn content(
    text: &str,
    encoding: Option<Encoding>,
    media_type: Option<MediaType>,
    at: &Path<'_>,
    out: &mut Violations,
) {
    match content::check(text, encoding, media_type) {
        None => {}
        Some(Problem::Encoding(encoding)) => {
            let message = Message::new().value(text).text(" is not ").text(encoding.name());
            out.push(at, Keyword::ContentEncoding, message.finish());
        }
        Some(Problem::MediaType(media_type)) => {
            let message = Message::new().value(text).text(" does not hold ").text(media_type.name());
            out.push(at, Keyword::ContentMediaType, message.finish());
        }
    }
}

/// A bound written in a schema.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    I64(i64),
    U64(u64),
    F64(f64),
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::I64(n) => write!(f, "{n}"),
            Limit::U64(n) => write!(f, "{n}"),
            Limit::F64(n) => write!(f, "{n}"),
        }
    }
}

/// A number from a message, typed or not.
pub trait AsNumber {
    fn as_number(&self) -> Number;
}

impl AsNumber for Number {
    fn as_number(&self) -> Number {
        self.clone()
    }
}

macro_rules! as_number_int {
    ($($t:ty),*) => {$(
        impl AsNumber for $t {
            fn as_number(&self) -> Number {
                Number::from(*self)
            }
        }
    )*};
}
as_number_int!(i32, i64, u32, u64);

macro_rules! as_number_float {
    ($($t:ty),*) => {$(
        impl AsNumber for $t {
            fn as_number(&self) -> Number {
                // Non-finite floats cannot come from JSON; compare them as 0.
                Number::from_f64(f64::from(*self)).unwrap_or_else(|| Number::from(0))
            }
        }
    )*};
}
as_number_float!(f32, f64);

/// Exact comparison of two JSON numbers: integers are never rounded through
/// `f64` (`9223372036854775808.0` is greater than `i64::MAX`, which `f64`
/// cannot tell apart).
pub fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    match (integer_of(a), integer_of(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        (Some(x), None) => compare_with_float(x, b.as_f64()?).map(Ordering::reverse),
        (None, Some(y)) => compare_with_float(y, a.as_f64()?),
        (None, None) => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// A JSON integer (as serde_json holds it: `i64` or `u64`) widened to `i128`.
fn integer_of(number: &Number) -> Option<i128> {
    number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from))
}

/// How the float `float` compares with the integer `integer`, exactly.
fn compare_with_float(integer: i128, float: f64) -> Option<Ordering> {
    if float.is_nan() {
        return None;
    }
    // Beyond ±2^126 the float is beyond any JSON integer serde_json holds.
    const LIMIT: f64 = 85_070_591_730_234_615_865_843_651_857_942_052_864.0; // 2^126
    if float >= LIMIT {
        return Some(Ordering::Greater);
    }
    if float <= -LIMIT {
        return Some(Ordering::Less);
    }
    // A whole float in range converts to `i128` exactly.
    let floor = float.floor();
    Some(match (floor as i128).cmp(&integer) {
        Ordering::Equal if float > floor => Ordering::Greater,
        ordering => ordering,
    })
}

fn limit_number(limit: Limit) -> Number {
    match limit {
        Limit::I64(n) => Number::from(n),
        Limit::U64(n) => Number::from(n),
        Limit::F64(n) => Number::from_f64(n).unwrap_or_else(|| Number::from(0)),
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (draft-07: the
/// exclusive ones are limits of their own).
pub fn bounds(number: &impl AsNumber, bounds: &Bounds, at: &Path<'_>, out: &mut Violations) {
    let number = number.as_number();
    let ordering = |limit: Limit| compare_numbers(&number, &limit_number(limit));
    if let Some(limit) = bounds.minimum
        && ordering(limit) == Some(Ordering::Less)
    {
        out.push(at, Keyword::Minimum, format!("{number} is less than the minimum {limit}"));
    }
    if let Some(limit) = bounds.maximum
        && ordering(limit) == Some(Ordering::Greater)
    {
        out.push(at, Keyword::Maximum, format!("{number} is greater than the maximum {limit}"));
    }
    if let Some(limit) = bounds.exclusive_minimum
        && ordering(limit) != Some(Ordering::Greater)
    {
        out.push(at, Keyword::ExclusiveMinimum, format!("{number} is not greater than {limit}"));
    }
    if let Some(limit) = bounds.exclusive_maximum
        && ordering(limit) != Some(Ordering::Less)
    {
        out.push(at, Keyword::ExclusiveMaximum, format!("{number} is not less than {limit}"));
    }
}

/// The numeric bounds of one schema.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    pub minimum: Option<Limit>,
    pub maximum: Option<Limit>,
    pub exclusive_minimum: Option<Limit>,
    pub exclusive_maximum: Option<Limit>,
}

impl Bounds {
    /// No bound at all.
    pub const NONE: Bounds =
        Bounds { minimum: None, maximum: None, exclusive_minimum: None, exclusive_maximum: None };
}

/// `multipleOf`, decided on the decimal digits of both numbers, so that
/// `54350.40` is a multiple of `0.01` as a reader expects (binary floating point
/// says otherwise).
pub fn multiple_of(number: &impl AsNumber, divisor: Limit, at: &Path<'_>, out: &mut Violations) {
    let number = number.as_number();
    let divisor_number = limit_number(divisor);
    if !is_multiple(&number, &divisor_number) {
        out.push(at, Keyword::MultipleOf, format!("{number} is not a multiple of {divisor}"));
    }
}

fn is_multiple(number: &Number, divisor: &Number) -> bool {
    match (decimal(number), decimal(divisor)) {
        (Some((n_digits, n_scale)), Some((d_digits, d_scale))) if d_digits != 0 => {
            // n = n_digits * 10^-n_scale, d = d_digits * 10^-d_scale.
            let scale = n_scale.max(d_scale);
            let n = n_digits.checked_mul(10i128.checked_pow(scale - n_scale).unwrap_or(0));
            let d = d_digits.checked_mul(10i128.checked_pow(scale - d_scale).unwrap_or(0));
            match (n, d) {
                (Some(n), Some(d)) if d != 0 => n % d == 0,
                _ => float_multiple(number, divisor),
            }
        }
        _ => float_multiple(number, divisor),
    }
}

fn float_multiple(number: &Number, divisor: &Number) -> bool {
    let (Some(n), Some(d)) = (number.as_f64(), divisor.as_f64()) else { return false };
    let quotient = n / d;
    if quotient.is_infinite() && n.is_finite() {
        // The quotient overflows (`1e308 / 0.5`); the remainder, which IEEE 754
        // computes exactly, still answers.
        return n % d == 0.0;
    }
    quotient.is_finite() && quotient.fract() == 0.0
}

/// A number as `digits * 10^-scale`, from its shortest decimal spelling
/// (`None` when that does not fit an `i128`).
pub fn decimal(number: &Number) -> Option<(i128, u32)> {
    let text = number.to_string();
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
        None => (text.as_str(), 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
    let scale = fraction.len() as i32 - exponent;
    if scale >= 0 {
        Some((digits, u32::try_from(scale).ok()?))
    } else {
        let factor = 10i128.checked_pow(u32::try_from(-scale).ok()?)?;
        Some((digits.checked_mul(factor)?, 0))
    }
}

/// `false` as a schema.
pub fn nothing(at: &Path<'_>, out: &mut Violations) {
    out.push(at, Keyword::FalseSchema, "no value is allowed here");
}

/// Runs `check` into a scratch list and reports whether it found nothing; the
/// building block of `anyOf`, `oneOf`, `not`, `if` and `contains`.
pub fn passes(check: impl FnOnce(&mut Violations)) -> bool {
    let mut scratch = Violations::new();
    check(&mut scratch);
    scratch.is_empty()
}

/// `anyOf`, given how many alternatives passed.
pub fn any_of(passed: usize, at: &Path<'_>, out: &mut Violations) {
    if passed == 0 {
        out.push(at, Keyword::AnyOf, "matches none of the `anyOf` alternatives");
    }
}

/// `oneOf`, given how many alternatives passed.
pub fn one_of(passed: usize, at: &Path<'_>, out: &mut Violations) {
    match passed {
        1 => {}
        0 => out.push(at, Keyword::OneOf, "matches none of the `oneOf` alternatives"),
        n => out.push(
            at,
            Keyword::OneOf,
            format!("matches {n} of the `oneOf` alternatives, exactly one is allowed"),
        ),
    }
}

/// `not`, given whether the negated schema passed.
pub fn not(passed: bool, at: &Path<'_>, out: &mut Violations) {
    if passed {
        out.push(at, Keyword::Not, "matches the schema under `not`");
    }
}

/// `contains`, given whether some item passed.
pub fn contains(found: bool, at: &Path<'_>, out: &mut Violations) {
    if !found {
        out.push(at, Keyword::Contains, "no item matches the `contains` schema");
    }
}

/// A violation's message, written into one buffer: words, and values quoted
/// like JSON.
struct Message(Vec<u8>);

impl Message {
    /// Room for most messages, which are short, without growing.
    fn new() -> Self {
        Self(Vec::with_capacity(64))
    }

    fn text(mut self, text: &str) -> Self {
        self.0.extend_from_slice(text.as_bytes());
        self
    }

    /// `value` as JSON, cut to 57 characters and an ellipsis when longer than 60.
    fn value(mut self, value: &(impl serde::Serialize + ?Sized)) -> Self {
        let start = self.0.len();
        // Serializing a `Value` or a `str` into a `Vec` has no way to fail.
        let _ = serde_json::to_writer(&mut self.0, value);
        let written = std::str::from_utf8(&self.0[start..]).unwrap_or_default();
        if written.char_indices().nth(60).is_some()
            && let Some((cut, _)) = written.char_indices().nth(57)
        {
            self.0.truncate(start + cut);
            self.0.extend_from_slice(b"...");
        }
        self
    }

    /// `allowed` as JSON strings, comma-separated, none of them cut.
    fn strings(mut self, allowed: &[&str]) -> Self {
        for (index, text) in allowed.iter().enumerate() {
            if index > 0 {
                self.0.extend_from_slice(b", ");
            }
            let _ = serde_json::to_writer(&mut self.0, text);
        }
        self
    }

    fn finish(self) -> String {
        // Only `str`s and JSON were written: always UTF-8.
        String::from_utf8(self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(check: impl FnOnce(&Path<'_>, &mut Violations)) -> Vec<(String, Keyword)> {
        let mut path = Path::root();
        path.push_key("x");
        let mut out = Violations::new();
        check(&path, &mut out);
        out.into_iter().map(|v| (v.pointer, v.keyword)).collect()
    }

    #[test]
    fn types_follow_json_schema() {
        assert!(JsonType::Integer.matches(&json!(1.0)));
        assert!(!JsonType::Integer.matches(&json!(1.5)));
        assert!(JsonType::Number.matches(&json!(1)));
        assert_eq!(
            run(|at, out| types(&json!("a"), &[JsonType::Integer, JsonType::Null], at, out)),
            [("/x".into(), Keyword::Type)]
        );
        assert!(run(|at, out| types(&json!(null), &[JsonType::Integer, JsonType::Null], at, out)).is_empty());
    }

    #[test]
    fn lenient_strings_accept_integers_only_in_lenient_mode() {
        let number = json!(4810975311936405773u64);
        assert!(run(|at, out| lenient_string(&number, Mode::Lenient, at, out)).is_empty());
        assert_eq!(run(|at, out| lenient_string(&number, Mode::Strict, at, out)).len(), 1);
        assert_eq!(run(|at, out| lenient_string(&json!(1.5), Mode::Lenient, at, out)).len(), 1);
    }

    #[test]
    fn equality_compares_numbers_by_value() {
        assert!(json_equal(&json!([1, {"a": 2.0}]), &json!([1.0, {"a": 2}])));
        assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_equal(&json!(1), &json!("1")));
    }

    #[test]
    fn messages_quote_values_as_json() {
        let mut out = Violations::new();
        let root = Path::root();
        enum_values(&json!({"a": "\n"}), &json!([1, "a", null]), &root, &mut out);
        const_value(&json!([true]), &json!("x\"y"), &root, &mut out);
        pattern("a\tb", &Pattern::new("^[a-z]+$"), &root, &mut out);
        format("yesterday", Format::DateTime, &root, &mut out);
        types(&json!(1.5), &[JsonType::Integer, JsonType::Null], &root, &mut out);
        types(&json!("1"), &[JsonType::Number], &root, &mut out);
        // A long `enum` list is cut like any value.
        let many: Vec<usize> = (0..40).collect();
        enum_values(&json!(99), &json!(many), &root, &mut out);
        let messages: Vec<String> = out.into_iter().map(|v| v.message).collect();
        assert_eq!(
            messages,
            [
                r#"{"a":"\n"} is not one of [1,"a",null]"#,
                r#"expected "x\"y", found [true]"#,
                r#""a\tb" does not match `^[a-z]+$`"#,
                r#""yesterday" is not a valid date-time"#,
                "expected integer or null, found number",
                "expected number, found string",
                "99 is not one of [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,...",
            ]
        );
    }

    #[test]
    fn enums_and_consts() {
        assert!(run(|at, out| enum_strings(&json!("g2w"), &["g2w"], at, out)).is_empty());
        assert_eq!(
            run(|at, out| enum_strings(&json!("x"), &["g2w"], at, out)),
            [("/x".into(), Keyword::Enum)]
        );
        assert_eq!(run(|at, out| enum_strings(&json!(1), &["g2w"], at, out)).len(), 1);
        // The message lists the allowed values as JSON, escapes and all.
        let mut out = Violations::new();
        enum_strings(&json!("x"), &["a", "b\"c", ""], &Path::root(), &mut out);
        let messages: Vec<String> = out.into_iter().map(|v| v.message).collect();
        assert_eq!(messages, [r#""x" is not one of "a", "b\"c", """#]);
        // Long values are cut, at a character boundary.
        let mut out = Violations::new();
        let long = "é".repeat(59);
        enum_strings(&json!(long), &["a"], &Path::root(), &mut out);
        format(&"ü".repeat(58), Format::Email, &Path::root(), &mut out);
        let messages: Vec<String> = out.into_iter().map(|v| v.message).collect();
        assert_eq!(messages[0], format!("\"{}... is not one of \"a\"", "é".repeat(56)));
        assert_eq!(messages[1], format!("\"{}\" is not a valid email", "ü".repeat(58)));
        let allowed = json!([1, "a", null]);
        assert!(run(|at, out| enum_values(&json!(1.0), &allowed, at, out)).is_empty());
        assert_eq!(run(|at, out| enum_values(&json!(2), &allowed, at, out)).len(), 1);
        assert!(run(|at, out| const_value(&json!({"a": [1]}), &json!({"a": [1.0]}), at, out)).is_empty());
        assert_eq!(
            run(|at, out| const_value(&json!(2), &json!(1), at, out)),
            [("/x".into(), Keyword::Const)]
        );
    }

    #[test]
    fn object_keywords() {
        let object = json!({"a": 1, "b": 2});
        let object = object.as_object().unwrap();
        assert_eq!(run(|at, out| required(object, &["a", "c", "d"], at, out)).len(), 2);
        assert_eq!(run(|at, out| no_additional_properties(object, |k| k == "a", at, out)).len(), 1);
        assert!(run(|at, out| no_additional_properties(object, |_| true, at, out)).is_empty());
        assert_eq!(
            run(|at, out| property_count(2, Some(3), None, at, out)),
            [("/x".into(), Keyword::MinProperties)]
        );
        assert_eq!(
            run(|at, out| property_count(2, None, Some(1), at, out)),
            [("/x".into(), Keyword::MaxProperties)]
        );
        assert_eq!(
            run(|at, out| dependent_required(object, "a", &["b", "c"], at, out)),
            [("/x".into(), Keyword::Dependencies)]
        );
        assert!(run(|at, out| dependent_required(object, "z", &["c"], at, out)).is_empty());
    }

    #[test]
    fn array_keywords() {
        assert_eq!(run(|at, out| item_count(1, Some(2), None, at, out)), [("/x".into(), Keyword::MinItems)]);
        assert_eq!(run(|at, out| item_count(3, None, Some(2), at, out)), [("/x".into(), Keyword::MaxItems)]);
        assert_eq!(
            run(|at, out| no_additional_items(3, 2, at, out)),
            [("/x".into(), Keyword::AdditionalItems)]
        );
        assert_eq!(
            run(|at, out| unique_items(&[json!(1), json!(1.0)], at, out)),
            [("/x".into(), Keyword::UniqueItems)]
        );
        assert!(run(|at, out| unique_items(&[json!(1), json!("1")], at, out)).is_empty());
    }

    #[test]
    fn lengths_count_code_points() {
        assert!(run(|at, out| length("日本語", Some(3), Some(3), at, out)).is_empty());
        assert_eq!(
            run(|at, out| length("日本語", Some(4), None, at, out)),
            [("/x".into(), Keyword::MinLength)]
        );
        assert_eq!(
            run(|at, out| length("abcd", None, Some(3), at, out)),
            [("/x".into(), Keyword::MaxLength)]
        );
        assert!(run(|at, out| length("", Some(0), Some(0), at, out)).is_empty());
    }

    #[test]
    fn patterns_are_ecma_262_and_unanchored() {
        let digits = Pattern::new(r"\d+");
        assert!(digits.is_match("ab12"));
        assert!(!digits.is_match("ab"));
        let anchored = Pattern::new(r"^amq\.gen\-.+$");
        assert!(anchored.is_match("amq.gen-x"));
        assert_eq!(run(|at, out| pattern("nope", &anchored, at, out)), [("/x".into(), Keyword::Pattern)]);
    }

    #[test]
    fn leaf_helpers_check_type_and_keywords() {
        assert!(run(|at, out| string(&json!("a@b.example"), Some(Format::Email), at, out)).is_empty());
        assert_eq!(
            run(|at, out| string(&json!("nope"), Some(Format::Email), at, out)),
            [("/x".into(), Keyword::Format)]
        );
        assert_eq!(
            run(|at, out| string(&json!(1), Some(Format::Email), at, out)),
            [("/x".into(), Keyword::Type)]
        );
        assert!(run(|at, out| string(&json!("x"), None, at, out)).is_empty());
        let limits = Bounds { maximum: Some(Limit::I64(3)), ..Bounds::NONE };
        assert_eq!(run(|at, out| integer(&json!(4), &limits, at, out)), [("/x".into(), Keyword::Maximum)]);
        assert_eq!(run(|at, out| integer(&json!(1.5), &limits, at, out)), [("/x".into(), Keyword::Type)]);
        assert!(run(|at, out| number(&json!(1.5), &limits, at, out)).is_empty());
        assert_eq!(
            run(|at, out| number(&json!("1"), &Bounds::NONE, at, out)),
            [("/x".into(), Keyword::Type)]
        );
        assert_eq!(run(|at, out| boolean(&json!(0), at, out)), [("/x".into(), Keyword::Type)]);
    }

    #[test]
    fn numeric_bounds_are_exact() {
        let limits =
            Bounds { minimum: Some(Limit::I64(0)), maximum: Some(Limit::I64(100)), ..Bounds::default() };
        assert!(run(|at, out| bounds(&50i64, &limits, at, out)).is_empty());
        assert_eq!(run(|at, out| bounds(&-1i64, &limits, at, out)), [("/x".into(), Keyword::Minimum)]);
        assert_eq!(run(|at, out| bounds(&100.5f64, &limits, at, out)), [("/x".into(), Keyword::Maximum)]);
        let exclusive = Bounds {
            exclusive_minimum: Some(Limit::F64(0.5)),
            exclusive_maximum: Some(Limit::U64(u64::MAX)),
            ..Bounds::default()
        };
        assert_eq!(
            run(|at, out| bounds(&0.5f64, &exclusive, at, out)),
            [("/x".into(), Keyword::ExclusiveMinimum)]
        );
        assert_eq!(
            run(|at, out| bounds(&u64::MAX, &exclusive, at, out)),
            [("/x".into(), Keyword::ExclusiveMaximum)]
        );
        // 2^63 + 1 compared with i64::MAX must not round through f64.
        let big = Number::from(9_223_372_036_854_775_809u64);
        let at_most = Bounds { maximum: Some(Limit::I64(i64::MAX)), ..Bounds::default() };
        assert_eq!(run(|at, out| bounds(&big, &at_most, at, out)).len(), 1);
        // Nor 2^63 written as a float, which f64 holds exactly and i64::MAX rounds to.
        let float = Number::from_f64(9_223_372_036_854_775_808.0).unwrap();
        assert_eq!(run(|at, out| bounds(&float, &at_most, at, out)).len(), 1);
        assert_eq!(compare_numbers(&float, &Number::from(u64::MAX)), Some(Ordering::Less));
        assert_eq!(compare_numbers(&Number::from(u64::MAX), &float), Some(Ordering::Greater));
        let half = Number::from_f64(-0.5).unwrap();
        assert_eq!(compare_numbers(&half, &Number::from(0)), Some(Ordering::Less));
        assert_eq!(compare_numbers(&half, &Number::from(-1)), Some(Ordering::Greater));
        assert_eq!(compare_numbers(&Number::from_f64(3.0).unwrap(), &Number::from(3)), Some(Ordering::Equal));
        assert_eq!(
            compare_numbers(&Number::from_f64(1e300).unwrap(), &Number::from(i64::MAX)),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn multiple_of_uses_decimal_digits() {
        let price = Number::from_f64(54350.40).unwrap();
        assert!(run(|at, out| multiple_of(&price, Limit::F64(0.01), at, out)).is_empty());
        assert!(run(|at, out| multiple_of(&0.3f64, Limit::F64(0.1), at, out)).is_empty());
        assert_eq!(
            run(|at, out| multiple_of(&0.35f64, Limit::F64(0.1), at, out)),
            [("/x".into(), Keyword::MultipleOf)]
        );
        assert!(run(|at, out| multiple_of(&10i64, Limit::I64(5), at, out)).is_empty());
        // 1e308 / 0.5 overflows, but 1e308 is a whole number.
        assert!(run(|at, out| multiple_of(&1e308f64, Limit::F64(0.5), at, out)).is_empty());
        assert_eq!(run(|at, out| multiple_of(&1e308f64, Limit::F64(3e-300), at, out)).len(), 1);
        assert_eq!(run(|at, out| multiple_of(&7i64, Limit::I64(5), at, out)).len(), 1);
    }

    #[test]
    fn combinators_count_passes() {
        assert!(passes(|_| {}));
        assert!(!passes(|out| out.push(&Path::root(), Keyword::Type, "x")));
        assert_eq!(run(|at, out| any_of(0, at, out)), [("/x".into(), Keyword::AnyOf)]);
        assert_eq!(run(|at, out| one_of(2, at, out)), [("/x".into(), Keyword::OneOf)]);
        assert!(run(|at, out| one_of(1, at, out)).is_empty());
        assert_eq!(run(|at, out| not(true, at, out)), [("/x".into(), Keyword::Not)]);
        assert_eq!(run(|at, out| contains(false, at, out)), [("/x".into(), Keyword::Contains)]);
    }
}
