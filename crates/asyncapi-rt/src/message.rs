//! Parsing and validating one message: the fast typed path, and the raw walk
//! that explains a body the typed path refused.
//!
//! A valid body is parsed once, straight into its Rust type, then the typed
//! value is checked for what its type cannot say (formats, lengths, bounds).
//! Only when that parse fails is the body read as a `serde_json::Value` and
//! walked against the schema, to report every violation with its pointer.
//! The typed parse reads structs from JSON objects only (serde would also take
//! an array of the fields), and generated optional fields refuse `null` where
//! their schema does (serde alone reads it as absent). When a typed check had
//! to judge a re-serialized value ([`check_serialized`]), which may lack
//! properties the type drops, the body is walked too.

use std::cell::Cell;
use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::de::value::MapDeserializer;
use serde_json::Value;

use self::objects::Objects;
use crate::body::Tag;
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

thread_local! {
    /// Set by [`check_serialized`], so that [`parse_validated`] knows that its
    /// typed check judged a re-serialized value rather than the body.
    static SERIALIZED: Cell<bool> = const { Cell::new(false) };
}

/// Checks a typed value against a raw-JSON check by serializing it: for the
/// schemas whose keywords have no typed counterpart (`oneOf`, `uniqueItems`...).
/// Violations are reported under `at`.
///
/// The serialized form is the message when the value is one to send; a parsed
/// value's may lack what the body held and its type does not keep (properties
/// a struct does not declare, which `propertyNames`, `minProperties` or
/// `dependencies` count), so [`parse_validated`] walks the body instead when
/// a typed check took this way.
pub fn check_serialized<T: Serialize + ?Sized>(
    value: &T,
    at: &Path<'_>,
    out: &mut Violations,
    check: CheckJson,
) {
    SERIALIZED.with(|flag| flag.set(true));
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
    // As in `from_slice_objects`: UTF-8 checked once, not string by string.
    let parsed = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    };
    parsed.map_err(|error| {
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
    if mode == Mode::Lenient {
        match from_slice_objects::<T>(body) {
            Ok(value) => return checked(value, typed, || walked(body, mode, raw)),
            Err(error) => return explain_or_reread::<T>(body, &error, mode, raw),
        }
    }
    walked(body, mode, raw)
}

/// A parsed value's typed check, or `walk` (the raw walk of what it was parsed
/// from) when the check had to judge a re-serialized value, which may miss what
/// the type dropped.
fn checked<T>(
    value: T,
    typed: CheckTyped<T>,
    walk: impl FnOnce() -> Result<T, Violations>,
) -> Result<T, Violations> {
    let mut out = Violations::new();
    SERIALIZED.with(|flag| flag.set(false));
    typed(&value, &mut Path::root(), &mut out);
    if SERIALIZED.with(|flag| flag.replace(false)) {
        return walk();
    }
    out.into_result().map(|()| value)
}

/// The body read as a `serde_json::Value`, walked against the schema, then typed.
fn walked<T: DeserializeOwned>(body: &[u8], mode: Mode, raw: CheckJson) -> Result<T, Violations> {
    let value = parse_json(body)?;
    validate_json(&value, mode, raw)?;
    from_value_located::<T>(value)
}

/// The fast path of routing by a discriminator value guessed from the raw
/// bytes ([`crate::body::sniff_string`]): `body` parsed and checked as the
/// message called `name` when it parses as that message's type (lenient mode
/// only). `None` otherwise: the caller then routes the body the careful way,
/// which also explains what is wrong with it.
///
/// The caller only takes this way for a type that requires the discriminator
/// property as a one-value enum, so a successful parse proves the guess right.
pub fn try_parse_message<T: DeserializeOwned>(
    name: &str,
    body: &[u8],
    mode: Mode,
    typed: CheckTyped<T>,
    raw: CheckJson,
) -> Option<Result<T, Rejection>> {
    if mode != Mode::Lenient {
        return None;
    }
    let value = from_slice_objects::<T>(body).ok()?;
    Some(
        checked(value, typed, || walked(body, mode, raw))
            .map_err(|violations| Rejection::invalid(name, violations)),
    )
}

/// `serde_json::from_slice`, with structs read from JSON objects only (see
/// [`objects`]).
fn from_slice_objects<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    // Checking UTF-8 once for the whole body spares serde_json a check per string.
    match std::str::from_utf8(body) {
        Ok(text) => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let value = T::deserialize(Objects(&mut deserializer))?;
            deserializer.end()?;
            Ok(value)
        }
        Err(_) => {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            let value = T::deserialize(Objects(&mut deserializer))?;
            deserializer.end()?;
            Ok(value)
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
/// schema allows the body, what the Rust type cannot hold. Or the `T` after
/// all, when what stopped the typed parse was integers written as floats
/// (see [`from_value_located`]).
fn explain_or_reread<T: DeserializeOwned>(
    body: &[u8],
    error: &serde_json::Error,
    mode: Mode,
    raw: CheckJson,
) -> Result<T, Violations> {
    let value = parse_json(body)?;
    validate_json(&value, mode, raw)?;
    if T::deserialize(Objects(&value)).is_ok() {
        // Parsing the bytes failed where parsing the value did not (a number
        // too large for the bytes' path): report the original error.
        return Err(Violations::from(Violation {
            pointer: String::new(),
            keyword: Keyword::Representable,
            message: error.to_string(),
        }));
    }
    reread_located(value)
}

/// `T::deserialize(value)`, with the pointer of the failure when it fails.
fn from_value_located<T: DeserializeOwned>(value: Value) -> Result<T, Violations> {
    // A plain read first: tracking the path costs an allocation per key, and
    // only a failure needs it (the value is then read again, tracked).
    if let Ok(parsed) = T::deserialize(Objects(&value)) {
        return Ok(parsed);
    }
    reread_located(value)
}

/// `value`, which did not fit `T` as it is, read again.
///
/// An integer written with a fraction or an exponent (`62.0`, `1e3`) is an
/// integer to JSON Schema, and not to serde's `i64`: the value is read with
/// every such number written as the integer it is (a `serde_json::Value`
/// field then holds `62`). What still does not fit is located.
fn reread_located<T: DeserializeOwned>(mut value: Value) -> Result<T, Violations> {
    if whole_floats_as_integers(&mut value)
        && let Ok(parsed) = T::deserialize(Objects(&value))
    {
        return Ok(parsed);
    }
    serde_path_to_error::deserialize::<_, T>(Objects(value)).map_err(|error| {
        let pointer = pointer_of(error.path());
        let message = format!("cannot be represented in Rust: {}", error.inner());
        Violations::from(Violation { pointer, keyword: Keyword::Representable, message })
    })
}

/// Rewrites every float of `value` that is a whole number below 2^53 in
/// magnitude as that integer; whether any was. (serde_json bounds the
/// nesting, and so this recursion.) From 2^53 on, floats are too far apart to
/// keep every digit (`9007199254740993.0` reads as ...992): such a value
/// stays a float, which an integer field refuses rather than hold a number
/// the sender did not write.
fn whole_floats_as_integers(value: &mut Value) -> bool {
    const TWO_TO_53: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(number) => {
            let Some(float) = number.as_f64().filter(|_| number.is_f64()) else { return false };
            if float.fract() != 0.0 || float.abs() >= TWO_TO_53 {
                return false;
            }
            // Exact: a whole float below 2^53 is an integer `i64` holds.
            *number = serde_json::Number::from(float as i64);
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |any, item| whole_floats_as_integers(item) | any),
        Value::Object(members) => {
            members.values_mut().fold(false, |any, member| whole_floats_as_integers(member) | any)
        }
        _ => false,
    }
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
    /// The body is the message it says, but breaks its schema (or its
    /// headers, or the parameters of its address, break theirs).
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
    /// The body is not JSON: `error` says why (a parser's error, or invalid UTF-8).
    pub fn not_json(error: &dyn fmt::Display) -> Self {
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

    /// The body's discriminator property `property` (a top-level member, as
    /// [`crate::body::probe`] read it) names no message: another value, not a
    /// string, or missing.
    pub fn unknown(property: &str, found: &Tag<'_>, expected: &[&str]) -> Self {
        let mut at = Path::root();
        let expected = expected.join(", ");
        let (keyword, message) = match found {
            Tag::Text(found) => {
                (Keyword::Discriminator, format!("unknown {property} `{found}`; expected one of {expected}"))
            }
            Tag::NotText(kind) => (
                Keyword::Type,
                format!(
                    "{property} is {}, not a string naming the message; expected one of {expected}",
                    kind.name()
                ),
            ),
            Tag::Missing => (
                Keyword::Discriminator,
                format!("missing string property `{property}`, which names the message"),
            ),
        };
        if !matches!(found, Tag::Missing) {
            at.push_key(property);
        }
        let pointer = at.to_pointer();
        Self {
            kind: RejectionKind::UnknownMessage,
            message: found.as_str().map(str::to_owned),
            violations: Violation { pointer, keyword, message }.into(),
        }
    }

    /// The delivery names a channel the document does not have.
    pub fn unknown_channel(channel: &str) -> Self {
        Self {
            kind: RejectionKind::UnknownMessage,
            message: None,
            violations: Violation {
                pointer: String::new(),
                keyword: Keyword::Discriminator,
                message: format!("no channel of the document matches `{channel}`"),
            }
            .into(),
        }
    }

    /// The delivery's address matches a channel, but the parameters it holds
    /// break their schemas: `violations` point at the parameters' names
    /// (`/lightId`). `message` is the channel's message, when it has only one.
    pub fn invalid_parameters(message: Option<&str>, violations: Violations) -> Self {
        Self { kind: RejectionKind::Invalid, message: message.map(str::to_owned), violations }
    }

    pub fn invalid(message: &str, violations: Violations) -> Self {
        let kind = if violations.iter().any(|v| v.keyword == Keyword::Json) {
            RejectionKind::NotJson
        } else {
            RejectionKind::Invalid
        };
        Self { kind, message: Some(message.to_owned()), violations }
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
///
/// In [`Mode::Lenient`], `Content-Type` is read as its media type alone, in
/// lowercase (`Application/JSON; charset=utf-8` is `application/json`): HTTP
/// says parameters and case do not change the type, and real senders add
/// them where documents list the bare type.
pub fn headers_json(headers: &http::HeaderMap, declared: &[(&str, HeaderKind)], mode: Mode) -> Value {
    let object = declared_values(headers, declared, mode).map(|(name, json)| (name.to_owned(), json));
    Value::Object(object.collect())
}

/// Each declared header present in `headers`, by its declared name, read as
/// [`headers_json`] says.
fn declared_values<'a>(
    headers: &'a http::HeaderMap,
    declared: &'a [(&'a str, HeaderKind)],
    mode: Mode,
) -> impl Iterator<Item = (&'a str, Value)> {
    declared.iter().filter_map(move |&(name, kind)| {
        let bytes = headers.get(name)?.as_bytes();
        // The strict check first: the lossy one walks a valid value in chunks, slowly.
        let mut text = std::str::from_utf8(bytes)
            .map_or_else(|_| String::from_utf8_lossy(bytes).into_owned(), str::to_owned);
        if mode == Mode::Lenient && name.eq_ignore_ascii_case("content-type") {
            text = media_type(&text);
        }
        Some((name, header_json(text, kind)))
    })
}

/// The JSON a header's text reads as, for a header of `kind`.
pub(crate) fn header_json(text: String, kind: HeaderKind) -> Value {
    match kind {
        HeaderKind::Scalar => serde_json::from_str::<Value>(&text)
            .ok()
            .filter(|value| value.is_number() || value.is_boolean() || value.is_null())
            .unwrap_or(Value::String(text)),
        HeaderKind::Text => Value::String(text),
    }
}

/// The media type of a `Content-Type` value: parameters dropped, lowercase.
fn media_type(value: &str) -> String {
    value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// The declared headers of a delivery parsed into a typed headers struct and
/// validated the way a body is ([`parse_validated`]): in lenient mode straight
/// into the type from the header values, without building [`headers_json`];
/// that object is built and walked against `raw` only to explain headers that
/// do not fit the type, and in strict mode.
pub fn parse_headers<T: DeserializeOwned + Validate>(
    headers: &http::HeaderMap,
    declared: &[(&str, HeaderKind)],
    mode: Mode,
    raw: CheckJson,
) -> Result<T, Violations> {
    let walked = || {
        let json = headers_json(headers, declared, mode);
        validate_json(&json, mode, raw)?;
        from_value_located(json)
    };
    if mode == Mode::Lenient {
        let values = MapDeserializer::<_, serde_json::Error>::new(declared_values(headers, declared, mode));
        if let Ok(value) = T::deserialize(Objects(values)) {
            return checked(value, T::validate_at, walked);
        }
    }
    walked()
}

/// Whether a JSON type reads header text as a scalar.
pub const fn header_kind(json_type: JsonType) -> HeaderKind {
    match json_type {
        JsonType::Integer | JsonType::Number | JsonType::Boolean | JsonType::Null => HeaderKind::Scalar,
        _ => HeaderKind::Text,
    }
}

mod objects {
    //! A `Deserializer` adapter under which structs read only from JSON objects.
    //!
    //! serde's derived `Deserialize` for a struct also accepts a sequence of its
    //! fields in order (`["a", 1]` for `{name, count}`, `[]` for a struct of
    //! optional fields), which no JSON Schema `type: object` allows. Wrapping the
    //! deserializer in [`Objects`] asks for a map wherever a struct is read, at
    //! every depth, so that a typed parse refuses what the schema refuses.
    //!
    //! Values buffered by serde on the way (untagged enums, `#[serde(flatten)]`)
    //! are read from serde's own buffer, out of this adapter's reach; generated
    //! types check those by serializing them ([`super::check_serialized`]), after
    //! which the parser walks the body itself.

    use std::fmt;

    use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
    use serde::de::{
        self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
    };

    /// `D`, with every struct read as a map.
    pub struct Objects<D>(pub D);

    /// A visitor of an `f32` that refuses numbers beyond its range.
    struct WithinF32<V>(V);

    impl<'de, V: Visitor<'de>> Visitor<'de> for WithinF32<V> {
        type Value = V::Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }

        fn visit_f32<E: de::Error>(self, value: f32) -> Result<Self::Value, E> {
            self.0.visit_f32(value)
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
            if value.abs() > f64::from(f32::MAX) {
                return Err(E::invalid_value(
                    de::Unexpected::Float(value),
                    &"a number within the range of an f32",
                ));
            }
            self.0.visit_f64(value)
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
            self.0.visit_i64(value)
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
            self.0.visit_u64(value)
        }
    }

    macro_rules! forward_deserialize {
        ($($method:ident),* $(,)?) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(Wrap(visitor))
            }
        )*};
    }

    impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
        type Error = D::Error;

        forward_deserialize!(
            deserialize_any,
            deserialize_bool,
            deserialize_i8,
            deserialize_i16,
            deserialize_i32,
            deserialize_i64,
            deserialize_i128,
            deserialize_u8,
            deserialize_u16,
            deserialize_u32,
            deserialize_u64,
            deserialize_u128,
            deserialize_f64,
            deserialize_char,
            deserialize_str,
            deserialize_string,
            deserialize_bytes,
            deserialize_byte_buf,
            deserialize_option,
            deserialize_unit,
            deserialize_seq,
            deserialize_map,
            deserialize_identifier,
            deserialize_ignored_any,
        );

        /// serde reads a number beyond an `f32` from a `Value` as infinity,
        /// which nobody sent (JSON holds no infinity): refused instead, as
        /// serde_json refuses it when reading text.
        fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_f32(WithinF32(Wrap(visitor)))
        }

        fn deserialize_unit_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_unit_struct(name, Wrap(visitor))
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_newtype_struct(name, Wrap(visitor))
        }

        fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_tuple(len, Wrap(visitor))
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
        }

        /// The point of the adapter: a struct is a map, never a sequence.
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_map(Wrap(visitor))
        }

        /// Generated enums read through here are string enums (unions are
        /// untagged): a variant is a JSON string, never `{"VARIANT": null}`,
        /// which serde_json would also take and no schema's `enum` allows.
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_str(StringVariant(visitor))
        }

        fn is_human_readable(&self) -> bool {
            self.0.is_human_readable()
        }
    }

    /// A visitor of a string that hands it to an enum's visitor as the name of
    /// a unit variant.
    struct StringVariant<V>(V);

    impl<'de, V: Visitor<'de>> Visitor<'de> for StringVariant<V> {
        type Value = V::Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }

        fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
            self.0.visit_enum(BorrowedStrDeserializer::new(value))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            self.0.visit_enum(StrDeserializer::new(value))
        }
    }

    /// A visitor whose nested deserializers are wrapped in [`Objects`].
    struct Wrap<V>(V);

    macro_rules! forward_visit {
        ($($method:ident($ty:ty)),* $(,)?) => {$(
            fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
                self.0.$method(value)
            }
        )*};
    }

    impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
        type Value = V::Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }

        forward_visit!(
            visit_bool(bool),
            visit_i8(i8),
            visit_i16(i16),
            visit_i32(i32),
            visit_i64(i64),
            visit_i128(i128),
            visit_u8(u8),
            visit_u16(u16),
            visit_u32(u32),
            visit_u64(u64),
            visit_u128(u128),
            visit_f32(f32),
            visit_f64(f64),
            visit_char(char),
            visit_str(&str),
            visit_borrowed_str(&'de str),
            visit_string(String),
            visit_bytes(&[u8]),
            visit_borrowed_bytes(&'de [u8]),
            visit_byte_buf(Vec<u8>),
        );

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_none()
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            self.0.visit_some(Objects(deserializer))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_unit()
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            self.0.visit_newtype_struct(Objects(deserializer))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            self.0.visit_seq(Wrap(seq))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            self.0.visit_map(Wrap(map))
        }

        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
            self.0.visit_enum(Wrap(data))
        }
    }

    impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Wrap<A> {
        type Error = A::Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, A::Error> {
            self.0.next_element_seed(Wrap(seed))
        }

        fn size_hint(&self) -> Option<usize> {
            self.0.size_hint()
        }
    }

    impl<'de, A: MapAccess<'de>> MapAccess<'de> for Wrap<A> {
        type Error = A::Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
            self.0.next_key_seed(Wrap(seed))
        }

        fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
            self.0.next_value_seed(Wrap(seed))
        }

        fn size_hint(&self) -> Option<usize> {
            self.0.size_hint()
        }
    }

    impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrap<S> {
        type Value = S::Value;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
            self.0.deserialize(Objects(deserializer))
        }
    }

    impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Wrap<A> {
        type Error = A::Error;
        type Variant = Wrap<A::Variant>;

        fn variant_seed<S: DeserializeSeed<'de>>(
            self,
            seed: S,
        ) -> Result<(S::Value, Self::Variant), A::Error> {
            self.0.variant_seed(Wrap(seed)).map(|(value, variant)| (value, Wrap(variant)))
        }
    }

    impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Wrap<A> {
        type Error = A::Error;

        fn unit_variant(self) -> Result<(), A::Error> {
            self.0.unit_variant()
        }

        fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
            self.0.newtype_variant_seed(Wrap(seed))
        }

        fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
            self.0.tuple_variant(len, Wrap(visitor))
        }

        fn struct_variant<V: Visitor<'de>>(
            self,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, A::Error> {
            self.0.struct_variant(fields, Wrap(visitor))
        }
    }

    #[cfg(test)]
    mod tests {
        use std::collections::BTreeMap;

        use serde::Deserialize;

        use super::*;

        #[derive(Debug, Deserialize, PartialEq)]
        struct Inner {
            #[serde(default)]
            name: Option<String>,
        }

        #[derive(Debug, Deserialize, PartialEq)]
        struct Outer {
            inner: Inner,
            #[serde(default)]
            list: Vec<Inner>,
            #[serde(default)]
            map: BTreeMap<String, Inner>,
            #[serde(default)]
            maybe: Option<Box<Inner>>,
        }

        fn parse<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, serde_json::Error> {
            let mut deserializer = serde_json::Deserializer::from_str(json);
            let value = T::deserialize(Objects(&mut deserializer))?;
            deserializer.end()?;
            Ok(value)
        }

        #[test]
        fn structs_read_from_objects() {
            let outer: Outer =
                parse(r#"{"inner": {"name": "a"}, "list": [{}], "map": {"k": {}}, "maybe": {"name": null}}"#)
                    .expect("objects are structs");
            assert_eq!(outer.inner.name.as_deref(), Some("a"));
            assert_eq!(outer.list, [Inner { name: None }]);
            assert!(outer.maybe.is_some());
        }

        #[test]
        fn structs_never_read_from_arrays_at_any_depth() {
            // Without the adapter, serde takes each of these.
            for json in [
                r#"{"inner": []}"#,
                r#"{"inner": ["a"]}"#,
                r#"{"inner": {}, "list": [[]]}"#,
                r#"{"inner": {}, "map": {"k": []}}"#,
                r#"{"inner": {}, "maybe": []}"#,
                r#"[{}]"#,
            ] {
                assert!(serde_json::from_str::<Outer>(json).is_ok(), "{json}");
                assert!(parse::<Outer>(json).is_err(), "{json}");
            }
            assert!(parse::<Outer>(r#"{"inner": {}} x"#).is_err(), "trailing characters");
        }

        #[derive(Debug, Deserialize, PartialEq)]
        enum Status {
            #[serde(rename = "ACTIVE")]
            Active,
        }

        #[derive(Debug, Deserialize, PartialEq)]
        struct WithStatus {
            status: Status,
            #[serde(default)]
            statuses: Vec<Status>,
        }

        #[test]
        fn enums_read_from_strings_only() {
            let parsed: WithStatus =
                parse(r#"{"status": "ACTIVE", "statuses": ["ACTIVE"]}"#).expect("strings are variants");
            assert_eq!(parsed, WithStatus { status: Status::Active, statuses: vec![Status::Active] });
            let escaped: WithStatus = parse(r#"{"status": "\u0041CTIVE"}"#).expect("an escaped variant");
            assert_eq!(escaped.status, Status::Active);
            // Without the adapter, serde_json takes the first two as `ACTIVE`.
            for json in [
                r#"{"status": {"ACTIVE": null}}"#,
                r#"{"status": "ACTIVE", "statuses": [{"ACTIVE": null}]}"#,
                r#"{"status": "PAUSED"}"#,
                r#"{"status": 1}"#,
                r#"{"status": null}"#,
            ] {
                assert!(parse::<WithStatus>(json).is_err(), "{json}");
            }
            assert!(serde_json::from_str::<WithStatus>(r#"{"status": {"ACTIVE": null}}"#).is_ok());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

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

    /// A number beyond an `f32` is refused in both modes, never read as
    /// infinity (as serde reads it from a `Value`, the strict mode's way).
    #[test]
    fn a_number_beyond_an_f32_is_refused_in_both_modes() {
        #[derive(Debug, Deserialize)]
        struct Ratio {
            r: f32,
        }
        fn typed(_: &Ratio, _: &mut Path<'_>, _: &mut Violations) {}
        fn raw<'v>(_: &'v Value, _: &mut Path<'v>, _: &mut Violations, _: Mode) {}
        for mode in [Mode::Lenient, Mode::Strict] {
            let ratio = parse_validated::<Ratio>(br#"{"r": 0.5}"#, mode, typed, raw).unwrap();
            assert_eq!(ratio.r, 0.5);
            let refused = parse_validated::<Ratio>(br#"{"r": 1e300}"#, mode, typed, raw).unwrap_err();
            assert_eq!(pointers(&refused), [("/r", Keyword::Representable)], "{mode:?}");
        }
        let refused = from_value_located::<Ratio>(serde_json::json!({"r": -1e39})).unwrap_err();
        assert_eq!(pointers(&refused), [("/r", Keyword::Representable)]);
        let ratio = from_value_located::<Ratio>(serde_json::json!({"r": 3.0e38})).unwrap();
        assert!(ratio.r.is_finite());
    }

    /// JSON Schema's integers include `62.0` and `1e3`; serde's `i64` does not.
    #[test]
    fn integers_written_as_floats_parse_in_both_modes() {
        for mode in [Mode::Lenient, Mode::Strict] {
            let point = parse_validated::<Point>(br#"{"x": 62.0, "name": "a"}"#, mode, typed, raw).unwrap();
            assert_eq!(point, Point { x: 62, name: "a".into() });
            let point = parse_validated::<Point>(br#"{"x": 1e3, "name": "a"}"#, mode, typed, raw).unwrap();
            assert_eq!(point.x, 1000);
            // Not an integer: the schema says so.
            let refused =
                parse_validated::<Point>(br#"{"x": 1.5, "name": "a"}"#, mode, typed, raw).unwrap_err();
            assert_eq!(pointers(&refused), [("/x", Keyword::Type)]);
            // Read as 9007199254740992.0: the digits are lost, so the value is refused.
            let refused =
                parse_validated::<Point>(br#"{"x": 9007199254740993.0, "name": "a"}"#, mode, typed, raw)
                    .unwrap_err();
            assert_eq!(pointers(&refused), [("/x", Keyword::Representable)]);
        }
    }

    /// What still does not fit once whole floats are integers is what is reported.
    #[test]
    fn the_obstacle_left_after_rewriting_floats_is_located() {
        #[derive(Debug, Deserialize)]
        struct Two {
            #[allow(dead_code)]
            a: i64,
            #[allow(dead_code)]
            x: i64,
        }
        let error = from_value_located::<Two>(serde_json::json!({"a": 1.0, "x": 1e20})).unwrap_err();
        assert_eq!(pointers(&error), [("/x", Keyword::Representable)]);
    }

    #[test]
    fn whole_floats_become_the_integers_they_are() {
        let mut value = serde_json::json!({
            "a": [62.0, -0.0, 1.5, 1e3, 2, 9007199254740991.0, -9007199254740991.0, 9007199254740992.0, 1e20],
            "b": "7.0"
        });
        assert!(whole_floats_as_integers(&mut value));
        // From 2^53 on a float may not be the integer that was written: kept a float.
        assert_eq!(
            value.to_string(),
            r#"{"a":[62,0,1.5,1000,2,9007199254740991,-9007199254740991,9007199254740992.0,1e+20],"b":"7.0"}"#
        );
        let mut none = serde_json::json!([1, 1.5, "2.0", null]);
        assert!(!whole_floats_as_integers(&mut none));
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
    fn the_guessed_route_answers_only_for_bodies_that_parse() {
        let guess = |body: &[u8], mode| try_parse_message::<Point>("point", body, mode, typed, raw);
        let parsed = guess(br#"{"x": 1, "name": "a"}"#, Mode::Lenient).expect("parses").expect("valid");
        assert_eq!(parsed, Point { x: 1, name: "a".into() });
        // Parsed but invalid: the typed check's violations, as a rejection of that message.
        let rejection = guess(br#"{"x": -1, "name": "a"}"#, Mode::Lenient).expect("parses").unwrap_err();
        assert_eq!(rejection.message.as_deref(), Some("point"));
        assert_eq!(pointers(&rejection.violations), [("/x", Keyword::Minimum)]);
        // Not parsed, or strict: no answer, the caller goes the careful way.
        assert!(guess(br#"{"x": "one"}"#, Mode::Lenient).is_none());
        assert!(guess(b"{nope", Mode::Lenient).is_none());
        assert!(guess(br#"{"x": 1, "name": "a"}"#, Mode::Strict).is_none());
    }

    #[derive(Debug, Deserialize)]
    struct Tagged {
        #[serde(default, deserialize_with = "crate::serde_helpers::present")]
        tag: Option<String>,
    }

    fn no_typed_checks(_: &Tagged, _: &mut Path<'_>, _: &mut Violations) {}

    fn raw_tagged<'v>(value: &'v Value, at: &mut Path<'v>, out: &mut Violations, _: Mode) {
        if let Some(tag) = value.get("tag") {
            at.push_key("tag");
            crate::check::types(tag, &[JsonType::String], at, out);
            at.pop();
        }
    }

    #[test]
    fn null_is_not_an_absent_optional_field() {
        let error =
            parse_validated::<Tagged>(br#"{"tag": null}"#, Mode::Lenient, no_typed_checks, raw_tagged)
                .unwrap_err();
        assert_eq!(pointers(&error), [("/tag", Keyword::Type)]);
        for body in [&br#"{"tag": "null"}"#[..], b"{}"] {
            let parsed = parse_validated::<Tagged>(body, Mode::Lenient, no_typed_checks, raw_tagged).unwrap();
            assert_eq!(parsed.tag.is_some(), body.len() > 2);
        }
    }

    #[test]
    fn an_array_is_not_a_struct() {
        // serde's derive reads `[1, "a"]` as a `Point` (its fields in order).
        assert!(serde_json::from_slice::<Point>(br#"[1, "a"]"#).is_ok());
        let error = parse_validated::<Point>(br#"[1, "a"]"#, Mode::Lenient, typed, raw).unwrap_err();
        assert_eq!(pointers(&error), [("", Keyword::Type)]);
    }

    /// A struct that drops the properties it does not declare.
    #[derive(Debug, Deserialize, Serialize)]
    struct Loose {
        x: i64,
    }

    /// `maxProperties: 1`, which only the body can tell.
    fn raw_loose<'v>(value: &'v Value, at: &mut Path<'v>, out: &mut Violations, _: Mode) {
        if let Some(object) = value.as_object() {
            crate::check::property_count(object.len(), None, Some(1), at, out);
        }
    }

    fn typed_loose(value: &Loose, at: &mut Path<'_>, out: &mut Violations) {
        check_serialized(value, at, out, raw_loose);
    }

    #[test]
    fn checks_of_a_reserialized_value_give_way_to_the_body() {
        let error = parse_validated::<Loose>(br#"{"x": 1, "y": 2}"#, Mode::Lenient, typed_loose, raw_loose)
            .unwrap_err();
        assert_eq!(pointers(&error), [("", Keyword::MaxProperties)]);
        assert!(parse_validated::<Loose>(br#"{"x": 1}"#, Mode::Lenient, typed_loose, raw_loose).is_ok());
        // Sending: the serialized value is the message.
        let mut out = Violations::new();
        typed_loose(&Loose { x: 1 }, &mut Path::root(), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn what_the_schema_allows_but_rust_cannot_hold_is_located() {
        // 1e20 is an integer to JSON Schema, beyond any i64.
        let error =
            parse_validated::<Point>(br#"{"x": 1e20, "name": "a"}"#, Mode::Lenient, typed, raw).unwrap_err();
        assert_eq!(pointers(&error), [("/x", Keyword::Representable)]);
        // Strict mode reads the walked value, located the same way.
        let error =
            parse_validated::<Point>(br#"{"x": 1e20, "name": "a"}"#, Mode::Strict, typed, raw).unwrap_err();
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
    fn headers_become_json_for_their_schema() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-count", "42".parse().unwrap());
        headers.insert("x-name", "42".parse().unwrap());
        headers.insert("x-bad-count", "many".parse().unwrap());
        headers.insert("x-latin-1", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let json = headers_json(
            &headers,
            &[
                ("X-Count", HeaderKind::Scalar),
                ("X-Name", HeaderKind::Text),
                ("X-Bad-Count", HeaderKind::Scalar),
                ("X-Absent", HeaderKind::Text),
                ("X-Latin-1", HeaderKind::Text),
            ],
            Mode::Lenient,
        );
        assert_eq!(
            json,
            serde_json::json!({"X-Count": 42, "X-Name": "42", "X-Bad-Count": "many", "X-Latin-1": "caf\u{fffd}"})
        );
    }

    /// A headers type as the generator writes one: `X-Count`, a required
    /// integer of at most 9 (which only the typed check knows), and `X-Name`, text.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Counted {
        #[serde(rename = "X-Count")]
        count: i64,
        #[serde(rename = "X-Name", default)]
        name: Option<String>,
    }

    const AT_MOST_NINE: crate::check::Bounds =
        crate::check::Bounds { maximum: Some(crate::check::Limit::I64(9)), ..crate::check::Bounds::NONE };

    impl Validate for Counted {
        fn validate_at<'v>(&'v self, at: &mut Path<'v>, out: &mut Violations) {
            at.push_key("X-Count");
            crate::check::bounds(&self.count, &AT_MOST_NINE, at, out);
            at.pop();
        }
    }

    /// The raw check of the same schema.
    fn check_counted<'v>(value: &'v Value, at: &mut Path<'v>, out: &mut Violations, _: Mode) {
        crate::check::types(value, &[JsonType::Object], at, out);
        if let Some(object) = value.as_object() {
            crate::check::required(object, &["X-Count"], at, out);
            for (key, value) in object {
                at.push_key(key);
                match key.as_str() {
                    "X-Count" => crate::check::integer(value, &AT_MOST_NINE, at, out),
                    "X-Name" => crate::check::string(value, None, at, out),
                    _ => {}
                }
                at.pop();
            }
        }
    }

    #[test]
    fn typed_headers_parse_and_report_every_violation_in_both_modes() {
        const DECLARED: [(&str, HeaderKind); 2] =
            [("X-Count", HeaderKind::Scalar), ("X-Name", HeaderKind::Text)];
        let parse = |pairs: &[(&'static str, &'static str)], mode| {
            let mut headers = http::HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, http::HeaderValue::from_static(value));
            }
            parse_headers::<Counted>(&headers, &DECLARED, mode, check_counted)
        };
        let pointers = |result: Result<Counted, Violations>| -> Vec<String> {
            result.expect_err("invalid").iter().map(|v| v.pointer.clone()).collect()
        };
        for mode in [Mode::Lenient, Mode::Strict] {
            assert_eq!(
                parse(&[("x-count", "7"), ("x-name", "a \"quoted\" name"), ("x-other", "1")], mode),
                Ok(Counted { count: 7, name: Some("a \"quoted\" name".into()) }),
                "{mode:?}"
            );
            // Only the typed check knows the maximum.
            assert_eq!(pointers(parse(&[("x-count", "12")], mode)), ["/X-Count"], "{mode:?}");
            // The typed parse fails; the walk says where.
            assert_eq!(
                pointers(parse(&[("x-count", "many"), ("x-name", "n")], mode)),
                ["/X-Count"],
                "{mode:?}"
            );
            assert_eq!(pointers(parse(&[("x-name", "n")], mode)), [""], "{mode:?}");
        }
    }

    #[test]
    fn content_types_are_media_types_in_lenient_mode() {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", "Application/JSON; charset=utf-8".parse().unwrap());
        let declared = [("Content-Type", HeaderKind::Text)];
        assert_eq!(
            headers_json(&headers, &declared, Mode::Lenient),
            serde_json::json!({"Content-Type": "application/json"})
        );
        assert_eq!(
            headers_json(&headers, &declared, Mode::Strict),
            serde_json::json!({"Content-Type": "Application/JSON; charset=utf-8"})
        );
    }

    #[test]
    fn channel_rejections_tell_an_unknown_address_from_bad_parameters() {
        let unknown = Rejection::unknown_channel("lights/1/off");
        assert_eq!((unknown.kind, unknown.message.as_deref()), (RejectionKind::UnknownMessage, None));
        assert_eq!(
            unknown.to_string(),
            "unknown message: 1 violation: (root): no channel of the document matches `lights/1/off` (discriminator)"
        );

        let violation = || Violation {
            pointer: "/level".to_owned(),
            keyword: Keyword::Maximum,
            message: "140 is greater than 100".to_owned(),
        };
        let named = Rejection::invalid_parameters(Some("dim"), violation().into());
        assert_eq!((named.kind, named.message.as_deref()), (RejectionKind::Invalid, Some("dim")));
        assert_eq!(named.to_string(), "invalid dim: 1 violation: /level: 140 is greater than 100 (maximum)");
        let unnamed = Rejection::invalid_parameters(None, violation().into());
        assert_eq!((unnamed.kind, unnamed.message), (RejectionKind::Invalid, None));
    }
}
