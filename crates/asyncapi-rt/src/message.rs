//! Parsing and validating one message: the fast typed path, and the raw walk
//! that explains a body the typed path refused.
//!
//! A valid body is parsed once, straight into its Rust type, then the typed
//! value is checked for what its type cannot say (formats, lengths, bounds).
//! Only when that parse fails is the body read as a `serde_json::Value` and
//! walked against the schema, to report every violation with its pointer.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::check::JsonType;
use crate::path::Path;
use crate::violation::{Keyword, Violation, Violations};

/// How strictly a message is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The schema as written, and what real traffic does that the generator was
    /// told to accept (integers for some string properties, say).
    #[default]
    Lenient,
    /// The schema exactly as written: the accepted deviations are violations.
    /// Slower: the body is read as a `serde_json::Value` first.
    Strict,
}

/// A raw-JSON check generated from a schema.
pub type CheckJson = for<'v> fn(&'v Value, &mut Path<'v>, &mut Violations, Mode);

/// A check of a typed value generated from a schema.
pub type CheckTyped<T> = for<'v> fn(&'v T, &mut Path<'v>, &mut Violations);

/// Validation of a typed value, for what its Rust type cannot say.
pub trait Validate {
    /// Records every violation of `self`, which sits at `at`, into `out`.
    fn validate_at<'v>(&'v self, at: &mut Path<'v>, out: &mut Violations);

    /// Every violation of `self`, or `Ok(())`.
    fn validate(&self) -> Result<(), Violations> {
        let mut out = Violations::new();
        self.validate_at(&mut Path::root(), &mut out);
        out.into_result()
    }
}

/// Types whose every value is valid (the schema's constraints are in the type).
macro_rules! always_valid {
    ($($t:ty),* $(,)?) => {$(
        impl Validate for $t {
            fn validate_at<'v>(&'v self, _: &mut Path<'v>, _: &mut Violations) {}
        }
    )*};
}
always_valid!(
    String,
    bool,
    i32,
    i64,
    f32,
    f64,
    (),
    chrono::DateTime<chrono::FixedOffset>,
    chrono::NaiveDate,
    url::Url,
    uuid::Uuid,
    Value,
    serde_json::Map<String, Value>,
);

impl<T: Validate> Validate for Option<T> {
    fn validate_at<'v>(&'v self, at: &mut Path<'v>, out: &mut Violations) {
        if let Some(value) = self {
            value.validate_at(at, out);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate_at<'v>(&'v self, at: &mut Path<'v>, out: &mut Violations) {
        (**self).validate_at(at, out);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at<'v>(&'v self, at: &mut Path<'v>, out: &mut Violations) {
        for (index, item) in self.iter().enumerate() {
            at.push_index(index);
            item.validate_at(at, out);
            at.pop();
        }
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate_at<'v>(&'v self, at: &mut Path<'v>, out: &mut Violations) {
        for (key, value) in self {
            at.push_key(key);
            value.validate_at(at, out);
            at.pop();
        }
    }
}

/// Checks a typed value against a raw-JSON check by serializing it: for the
/// schemas whose keywords have no typed counterpart (`oneOf`, `uniqueItems`...).
/// Violations are reported under `at`.
pub fn check_serialized<T: Serialize + ?Sized>(
    value: &T,
    at: &Path<'_>,
    out: &mut Violations,
    check: CheckJson,
) {
    let json = match serde_json::to_value(value) {
        Ok(json) => json,
        Err(error) => {
            out.push(at, Keyword::Representable, format!("cannot be written as JSON: {error}"));
            return;
        }
    };
    let mut found = Violations::new();
    check(&json, &mut Path::root(), &mut found, Mode::Lenient);
    let prefix = at.to_pointer();
    for violation in found {
        out.push_violation(Violation { pointer: format!("{prefix}{}", violation.pointer), ..violation });
    }
}

/// Runs a raw-JSON check on a whole value.
pub fn validate_json(value: &Value, mode: Mode, check: CheckJson) -> Result<(), Violations> {
    let mut out = Violations::new();
    check(value, &mut Path::root(), &mut out, mode);
    out.into_result()
}

/// Reads `body` as JSON and runs a raw-JSON check on it.
pub fn validate_slice(body: &[u8], mode: Mode, check: CheckJson) -> Result<(), Violations> {
    let value = parse_json(body)?;
    validate_json(&value, mode, check)
}

fn parse_json(body: &[u8]) -> Result<Value, Violations> {
    serde_json::from_slice(body).map_err(|error| {
        Violations::from(Violation {
            pointer: String::new(),
            keyword: Keyword::Json,
            message: format!("not JSON: {error}"),
        })
    })
}

/// Parses and validates `body` as a `T`: see the module docs.
pub fn parse_validated<T: DeserializeOwned>(
    body: &[u8],
    mode: Mode,
    typed: CheckTyped<T>,
    raw: CheckJson,
) -> Result<T, Violations> {
    match mode {
        Mode::Lenient => match serde_json::from_slice::<T>(body) {
            Ok(value) => {
                let mut out = Violations::new();
                typed(&value, &mut Path::root(), &mut out);
                out.into_result().map(|()| value)
            }
            Err(error) => Err(explain::<T>(body, &error, mode, raw)),
        },
        Mode::Strict => {
            let value = parse_json(body)?;
            validate_json(&value, mode, raw)?;
            from_value_located::<T>(value)
        }
    }
}

/// [`parse_validated`] for the message called `name`: a failure is a
/// [`Rejection`] of that message.
pub fn parse_message<T: DeserializeOwned>(
    name: &str,
    body: &[u8],
    mode: Mode,
    typed: CheckTyped<T>,
    raw: CheckJson,
) -> Result<T, Rejection> {
    parse_validated(body, mode, typed, raw).map_err(|violations| Rejection::invalid(name, violations))
}

/// Why `body` did not parse as a `T`: the schema's violations, or, when the
/// schema allows the body, what the Rust type cannot hold.
fn explain<T: DeserializeOwned>(
    body: &[u8],
    error: &serde_json::Error,
    mode: Mode,
    raw: CheckJson,
) -> Violations {
    let value = match parse_json(body) {
        Ok(value) => value,
        Err(not_json) => return not_json,
    };
    if let Err(violations) = validate_json(&value, mode, raw) {
        return violations;
    }
    match from_value_located::<T>(value) {
        Err(violations) => violations,
        // Parsing the bytes failed where parsing the value did not (a number too
        // large for the bytes' path): report the original error.
        Ok(_) => Violations::from(Violation {
            pointer: String::new(),
            keyword: Keyword::Representable,
            message: error.to_string(),
        }),
    }
}

/// `T::deserialize(value)`, with the pointer of the failure when it fails.
fn from_value_located<T: DeserializeOwned>(value: Value) -> Result<T, Violations> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
        let pointer = pointer_of(error.path());
        let message = format!("cannot be represented in Rust: {}", error.inner());
        Violations::from(Violation { pointer, keyword: Keyword::Representable, message })
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut at = Path::root();
    let segments: Vec<String> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect();
    for segment in &segments {
        at.push_key(segment);
    }
    at.to_pointer()
}

/// Why a delivery could not be typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionKind {
    /// The body is not JSON.
    NotJson,
    /// The body is JSON, but names no message of the document (an unknown or
    /// missing discriminator value, or a channel the document does not have).
    UnknownMessage,
    /// The body is the message it says, but breaks its schema.
    Invalid,
}

/// A delivery that could not be typed, with every reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    pub kind: RejectionKind,
    /// The message it claims to be, when it says (the discriminator value).
    pub message: Option<String>,
    pub violations: Violations,
}

impl Rejection {
    pub fn not_json(error: &serde_json::Error) -> Self {
        Self {
            kind: RejectionKind::NotJson,
            message: None,
            violations: Violation {
                pointer: String::new(),
                keyword: Keyword::Json,
                message: format!("not JSON: {error}"),
            }
            .into(),
        }
    }

    /// The body holds a discriminator value no message has (or none at all).
    pub fn unknown(property: &str, found: Option<&str>, expected: &[&str]) -> Self {
        let mut at = Path::root();
        let message = match found {
            Some(found) => {
                at.push_key(property);
                format!("unknown {property} `{found}`; expected one of {}", expected.join(", "))
            }
            None => format!("missing string property `{property}`, which names the message"),
        };
        let pointer = at.to_pointer();
        Self {
            kind: RejectionKind::UnknownMessage,
            message: found.map(str::to_owned),
            violations: Violation { pointer, keyword: Keyword::Discriminator, message }.into(),
        }
    }

    /// The delivery names a channel the document does not have, or its parameters
    /// break their schemas.
    pub fn unknown_channel(channel: &str, violations: Option<Violations>) -> Self {
        let violations = violations.unwrap_or_else(|| {
            Violation {
                pointer: String::new(),
                keyword: Keyword::Discriminator,
                message: format!("no channel of the document matches `{channel}`"),
            }
            .into()
        });
        Self { kind: RejectionKind::UnknownMessage, message: None, violations }
    }

    pub fn invalid(message: &str, violations: Violations) -> Self {
        let kind = if violations.iter().any(|v| v.keyword == Keyword::Json) {
            RejectionKind::NotJson
        } else {
            RejectionKind::Invalid
        };
        Self { kind, message: Some(message.to_owned()), violations }
    }

    /// A probe of the discriminator failed: the body is not JSON, or not an object.
    pub fn from_probe_error(body: &[u8], error: &serde_json::Error) -> Self {
        if serde_json::from_slice::<IgnoredAny>(body).is_err() {
            return Self::not_json(error);
        }
        Self {
            kind: RejectionKind::Invalid,
            message: None,
            violations: Violation {
                pointer: String::new(),
                keyword: Keyword::Type,
                message: "expected an object".to_owned(),
            }
            .into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.message) {
            (RejectionKind::NotJson, _) => write!(f, "not JSON: {}", self.violations),
            (RejectionKind::UnknownMessage, _) => write!(f, "unknown message: {}", self.violations),
            (RejectionKind::Invalid, Some(message)) => write!(f, "invalid {message}: {}", self.violations),
            (RejectionKind::Invalid, None) => write!(f, "invalid message: {}", self.violations),
        }
    }
}

impl std::error::Error for Rejection {}

/// The value of a discriminator property, read without allocating: a string,
/// or anything else (which names no message).
#[derive(Debug, Default)]
pub enum Tag<'a> {
    Text(Cow<'a, str>),
    #[default]
    Other,
}

impl Tag<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Tag::Text(text) => Some(text),
            Tag::Other => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Tag<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagVisitor;
        impl<'de> serde::de::Visitor<'de> for TagVisitor {
            type Value = Tag<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Tag<'de>, E> {
                Ok(Tag::Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Tag<'de>, E> {
                Ok(Tag::Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Tag<'de>, E> {
                Ok(Tag::Text(Cow::Owned(text)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Tag<'de>, E> {
                Ok(Tag::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Tag<'de>, E> {
                Ok(Tag::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Tag<'de>, E> {
                Ok(Tag::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Tag<'de>, E> {
                Ok(Tag::Other)
            }
            fn visit_unit<E>(self) -> Result<Tag<'de>, E> {
                Ok(Tag::Other)
            }
            fn visit_none<E>(self) -> Result<Tag<'de>, E> {
                Ok(Tag::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Tag<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Tag::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Tag<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Tag::Other)
            }
        }
        deserializer.deserialize_any(TagVisitor)
    }
}

/// How a declared header's text becomes JSON for its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// Kept as a string.
    Text,
    /// Read as a JSON number, boolean or null when it is one, else kept as a string
    /// (for headers whose schema says `integer`, `number` or `boolean`).
    Scalar,
}

/// The declared headers of a delivery as a JSON object, for a headers schema.
/// Header names match case-insensitively; a header that is not valid UTF-8 is
/// kept with its invalid bytes replaced (the schema check then reports it, if
/// the schema constrains it).
pub fn headers_json(headers: &http::HeaderMap, declared: &[(&str, HeaderKind)]) -> Value {
    let mut object = serde_json::Map::new();
    for (name, kind) in declared {
        let Some(value) = headers.get(*name) else { continue };
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let json = match kind {
            HeaderKind::Scalar => serde_json::from_str::<Value>(&text)
                .ok()
                .filter(|v| v.is_number() || v.is_boolean() || v.is_null())
                .unwrap_or(Value::String(text)),
            HeaderKind::Text => Value::String(text),
        };
        object.insert((*name).to_owned(), json);
    }
    Value::Object(object)
}

/// `headers_json` parsed into a typed headers struct, after its schema check.
pub fn parse_headers<T: DeserializeOwned>(
    headers: &http::HeaderMap,
    declared: &[(&str, HeaderKind)],
    mode: Mode,
    raw: CheckJson,
) -> Result<T, Violations> {
    let json = headers_json(headers, declared);
    validate_json(&json, mode, raw)?;
    from_value_located(json)
}

/// Whether a JSON type reads header text as a scalar.
pub const fn header_kind(json_type: JsonType) -> HeaderKind {
    match json_type {
        JsonType::Integer | JsonType::Number | JsonType::Boolean | JsonType::Null => HeaderKind::Scalar,
        _ => HeaderKind::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Point {
        x: i64,
        name: String,
    }

    fn typed(point: &Point, at: &mut Path<'_>, out: &mut Violations) {
        if point.x < 0 {
            at.push_key("x");
            out.push(at, Keyword::Minimum, "negative");
            at.pop();
        }
    }

    fn raw<'v>(value: &'v Value, at: &mut Path<'v>, out: &mut Violations, _: Mode) {
        let Some(object) = value.as_object() else {
            out.push(at, Keyword::Type, "expected object");
            return;
        };
        crate::check::required(object, &["x", "name"], at, out);
        if let Some(x) = object.get("x") {
            at.push_key("x");
            crate::check::types(x, &[JsonType::Integer], at, out);
            if x.as_i64().is_some_and(|x| x < 0) {
                out.push(at, Keyword::Minimum, "negative");
            }
            at.pop();
        }
        if let Some(name) = object.get("name") {
            at.push_key("name");
            crate::check::types(name, &[JsonType::String], at, out);
            at.pop();
        }
    }

    fn pointers(violations: &Violations) -> Vec<(&str, Keyword)> {
        violations.iter().map(|v| (v.pointer.as_str(), v.keyword)).collect()
    }

    #[test]
    fn valid_bodies_parse_on_the_fast_path() {
        let point = parse_validated::<Point>(br#"{"x": 1, "name": "a"}"#, Mode::Lenient, typed, raw).unwrap();
        assert_eq!(point, Point { x: 1, name: "a".into() });
        let point = parse_validated::<Point>(br#"{"x": 1, "name": "a"}"#, Mode::Strict, typed, raw).unwrap();
        assert_eq!(point.x, 1);
    }

    #[test]
    fn refused_bodies_are_explained_with_every_violation() {
        let error = parse_validated::<Point>(br#"{"x": "one"}"#, Mode::Lenient, typed, raw).unwrap_err();
        assert_eq!(pointers(&error), [("", Keyword::Required), ("/x", Keyword::Type)]);
        let error =
            parse_validated::<Point>(br#"{"x": -1, "name": "a"}"#, Mode::Lenient, typed, raw).unwrap_err();
        assert_eq!(pointers(&error), [("/x", Keyword::Minimum)]);
        let error = parse_validated::<Point>(b"{nope", Mode::Lenient, typed, raw).unwrap_err();
        assert_eq!(pointers(&error), [("", Keyword::Json)]);
    }

    #[test]
    fn what_the_schema_allows_but_rust_cannot_hold_is_located() {
        // 1.0 is an integer to JSON Schema, not to i64.
        let error =
            parse_validated::<Point>(br#"{"x": 1.0, "name": "a"}"#, Mode::Lenient, typed, raw).unwrap_err();
        assert_eq!(pointers(&error), [("/x", Keyword::Representable)]);
    }

    #[test]
    fn serialized_checks_report_under_the_current_pointer() {
        let mut at = Path::root();
        at.push_key("point");
        let mut out = Violations::new();
        check_serialized(&serde_json::json!({"x": "bad"}), &at, &mut out, raw);
        assert_eq!(pointers(&out), [("/point", Keyword::Required), ("/point/x", Keyword::Type)]);
    }

    #[test]
    fn tags_read_strings_and_skip_anything_else() {
        #[derive(Deserialize)]
        struct Probe<'a> {
            #[serde(borrow, default)]
            kind: Tag<'a>,
        }
        let probe: Probe<'_> = serde_json::from_slice(br#"{"a": [1, {"b": 2}], "kind": "x"}"#).unwrap();
        assert_eq!(probe.kind.as_str(), Some("x"));
        let probe: Probe<'_> = serde_json::from_slice(br#"{"kind": {"nested": true}}"#).unwrap();
        assert_eq!(probe.kind.as_str(), None);
        let probe: Probe<'_> = serde_json::from_slice(br#"{"kind": "esc\u0061ped"}"#).unwrap();
        assert_eq!(probe.kind.as_str(), Some("escaped"));
        let probe: Probe<'_> = serde_json::from_slice(b"{}").unwrap();
        assert_eq!(probe.kind.as_str(), None);
    }

    #[test]
    fn probe_errors_tell_not_json_from_not_an_object() {
        let error = serde_json::from_slice::<IgnoredAny>(b"{").unwrap_err();
        assert_eq!(Rejection::from_probe_error(b"{", &error).kind, RejectionKind::NotJson);
        let error = serde_json::from_slice::<IgnoredAny>(b"[").unwrap_err();
        assert_eq!(Rejection::from_probe_error(b"[1]", &error).kind, RejectionKind::Invalid);
    }

    #[test]
    fn headers_become_json_for_their_schema() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-count", "42".parse().unwrap());
        headers.insert("x-name", "42".parse().unwrap());
        headers.insert("x-bad-count", "many".parse().unwrap());
        let json = headers_json(
            &headers,
            &[
                ("X-Count", HeaderKind::Scalar),
                ("X-Name", HeaderKind::Text),
                ("X-Bad-Count", HeaderKind::Scalar),
                ("X-Absent", HeaderKind::Text),
            ],
        );
        assert_eq!(json, serde_json::json!({"X-Count": 42, "X-Name": "42", "X-Bad-Count": "many"}));
    }
}
