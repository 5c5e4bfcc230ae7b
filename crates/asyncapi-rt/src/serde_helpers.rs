//! `#[serde(with = "...")]` helpers for generated fields.
//!
//! - Formats: `date-time`, `date`, `uri` and `uuid` fields are real types
//!   (chrono, url, uuid), but those crates accept more spellings than JSON
//!   Schema does (chrono takes a space instead of `T`, url takes spaces in
//!   paths). These helpers accept exactly what the format allows, so that the
//!   typed parse and the schema agree.
//! - Lenient strings: properties that real traffic sends as JSON integers
//!   although the schema says string keep every digit (`4810975311936405773`
//!   stays that string, never rounded through `f64`); an integer beyond 64
//!   bits, which serde_json hands out as `f64`, is refused.
//!
//! Each helper has twins for the other shapes of a field: `option_` (a
//! required nullable property, `Option<T>`), `present_` (an optional one,
//! `Option<T>`: `null` refused) and `present_option_` (an optional nullable
//! one, `Option<Option<T>>`: `null` is `Some(None)`).

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

use crate::format;

/// A string, or a JSON integer kept digit for digit.
pub mod string_or_integer {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(StringOrInteger)
    }

    pub fn serialize<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value)
    }

    struct StringOrInteger;

    impl Visitor<'_> for StringOrInteger {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
            Ok(value.to_owned())
        }
        fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
            Ok(value)
        }
        fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
            Ok(value.to_string())
        }
        fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
            Ok(value.to_string())
        }
        fn visit_f64<E: de::Error>(self, value: f64) -> Result<String, E> {
            // serde_json hands out integers beyond u64 (and fractions) as f64: the
            // digits are already lost, so refuse rather than store a wrong key.
            Err(E::invalid_type(de::Unexpected::Float(value), &"a string or an integer that fits in 64 bits"))
        }
    }
}

/// Defines the `option_` twin of a helper module.
macro_rules! option_twin {
    ($option:ident, $plain:ident, $ty:ty) => {
        pub mod $option {
            use super::*;

            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<$ty>, D::Error> {
                struct Wrapper($ty);
                impl<'de> Deserialize<'de> for Wrapper {
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        super::$plain::deserialize(deserializer).map(Wrapper)
                    }
                }
                Ok(Option::<Wrapper>::deserialize(deserializer)?.map(|Wrapper(value)| value))
            }

            #[allow(clippy::ref_option)] // serde passes `&Option<T>`.
            pub fn serialize<S: Serializer>(value: &Option<$ty>, serializer: S) -> Result<S::Ok, S::Error> {
                match value {
                    Some(value) => super::$plain::serialize(value, serializer),
                    None => serializer.serialize_none(),
                }
            }
        }
    };
}

/// Defines the `present_` twin of a helper module: for an optional property,
/// absent is `None` (through `#[serde(default)]`) and what is present is read
/// by the helper. Over a plain helper, `null` is an error; over an `option_`
/// one (`present_option_`), `null` is `Some(None)`.
macro_rules! present_twin {
    ($present:ident, $plain:ident, $ty:ty) => {
        pub mod $present {
            use super::*;

            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<$ty>, D::Error> {
                super::$plain::deserialize(deserializer).map(Some)
            }

            #[allow(clippy::ref_option)] // serde passes `&Option<T>`.
            pub fn serialize<S: Serializer>(value: &Option<$ty>, serializer: S) -> Result<S::Ok, S::Error> {
                match value {
                    Some(value) => super::$plain::serialize(value, serializer),
                    None => serializer.serialize_none(),
                }
            }
        }
    };
}

option_twin!(option_string_or_integer, string_or_integer, String);
option_twin!(option_date_time, date_time, chrono::DateTime<chrono::FixedOffset>);
option_twin!(option_date, date, chrono::NaiveDate);
option_twin!(option_url, url, ::url::Url);
option_twin!(option_uuid, uuid, ::uuid::Uuid);
present_twin!(present_string_or_integer, string_or_integer, String);
present_twin!(present_date_time, date_time, chrono::DateTime<chrono::FixedOffset>);
present_twin!(present_date, date, chrono::NaiveDate);
present_twin!(present_url, url, ::url::Url);
present_twin!(present_uuid, uuid, ::uuid::Uuid);
present_twin!(present_option_string_or_integer, option_string_or_integer, Option<String>);
present_twin!(present_option_date_time, option_date_time, Option<chrono::DateTime<chrono::FixedOffset>>);
present_twin!(present_option_date, option_date, Option<chrono::NaiveDate>);
present_twin!(present_option_url, option_url, Option<::url::Url>);
present_twin!(present_option_uuid, option_uuid, Option<::uuid::Uuid>);

/// For an optional property: serde would read `null` as absent. This reads
/// what is present as `T` (`#[serde(default, deserialize_with =
/// "...::present")]`), so `null` is a violation where the schema does not allow
/// it, and `Some(None)` (or `null` itself) where it does.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Reads a string and converts it, reporting `expected` when `parse` refuses it.
fn convert<'de, D, T>(
    deserializer: D,
    expected: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(&text), &expected))
}

/// `format: date-time` (RFC 3339) as `chrono::DateTime<FixedOffset>`. Written
/// back in RFC 3339 with `Z` for UTC and as many fractional digits as needed.
pub mod date_time {
    use super::*;
    use chrono::{DateTime, FixedOffset, SecondsFormat};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<FixedOffset>, D::Error> {
        // Checked and read in one pass: chrono's own parser took as long again.
        convert(deserializer, "an RFC 3339 date-time", format::parse_date_time)
    }

    pub fn serialize<S: Serializer>(value: &DateTime<FixedOffset>, serializer: S) -> Result<S::Ok, S::Error> {
        value.to_rfc3339_opts(SecondsFormat::AutoSi, true).serialize(serializer)
    }
}

/// `format: date` (RFC 3339 `full-date`) as `chrono::NaiveDate`.
pub mod date {
    use super::*;
    use chrono::NaiveDate;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        convert(deserializer, "an RFC 3339 full-date", format::parse_date)
    }

    pub fn serialize<S: Serializer>(value: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        value.format("%Y-%m-%d").to_string().serialize(serializer)
    }
}

/// `format: uri` (RFC 3986, absolute) as `url::Url`. The `url` crate
/// normalizes what it parses (`HTTP://A.com` is written back `http://a.com/`).
pub mod url {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<::url::Url, D::Error> {
        convert(deserializer, "an RFC 3986 URI", |text| {
            format::is_uri(text).then(|| ::url::Url::parse(text).ok()).flatten()
        })
    }

    pub fn serialize<S: Serializer>(value: &::url::Url, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value.as_str())
    }
}

/// `format: uuid` as `uuid::Uuid` (written back lowercase, hyphenated).
pub mod uuid {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<::uuid::Uuid, D::Error> {
        convert(deserializer, "a UUID", |text| {
            format::is_uuid(text).then(|| ::uuid::Uuid::parse_str(text).ok()).flatten()
        })
    }

    pub fn serialize<S: Serializer>(value: &::uuid::Uuid, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.hyphenated().to_string())
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Fields {
        #[serde(with = "super::string_or_integer")]
        key: String,
        #[serde(default, with = "super::option_string_or_integer", skip_serializing_if = "Option::is_none")]
        other_key: Option<String>,
        #[serde(default, with = "super::option_date_time", skip_serializing_if = "Option::is_none")]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
        #[serde(default, with = "super::option_date", skip_serializing_if = "Option::is_none")]
        day: Option<chrono::NaiveDate>,
        #[serde(default, with = "super::option_url", skip_serializing_if = "Option::is_none")]
        link: Option<url::Url>,
        #[serde(default, with = "super::option_uuid", skip_serializing_if = "Option::is_none")]
        id: Option<uuid::Uuid>,
    }

    fn parse(json: &str) -> Result<Fields, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn present_fields_refuse_null_and_may_be_absent() {
        #[derive(Debug, Deserialize)]
        struct Present {
            #[serde(default, deserialize_with = "super::present")]
            name: Option<String>,
            #[serde(default, with = "super::present_date_time")]
            at: Option<chrono::DateTime<chrono::FixedOffset>>,
        }
        assert!(serde_json::from_str::<Present>(r#"{"name": null}"#).is_err());
        assert!(serde_json::from_str::<Present>(r#"{"at": null}"#).is_err());
        let absent = serde_json::from_str::<Present>("{}").unwrap();
        assert!(absent.name.is_none() && absent.at.is_none());
        assert_eq!(serde_json::from_str::<Present>(r#"{"name": "x"}"#).unwrap().name.as_deref(), Some("x"));
    }

    #[test]
    fn optional_nullable_fields_keep_null_apart_from_absent() {
        #[derive(Debug, Deserialize, Serialize)]
        struct Nullable {
            #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::present")]
            name: Option<Option<String>>,
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "super::present_option_date_time"
            )]
            at: Option<Option<chrono::DateTime<chrono::FixedOffset>>>,
        }
        let round_trip = |json: &str| {
            let parsed = serde_json::from_str::<Nullable>(json).unwrap();
            (serde_json::to_string(&parsed).unwrap(), parsed)
        };
        let (written, null) = round_trip(r#"{"name":null,"at":null}"#);
        assert_eq!((null.name, null.at), (Some(None), Some(None)));
        assert_eq!(written, r#"{"name":null,"at":null}"#);
        let (written, absent) = round_trip("{}");
        assert_eq!((absent.name, absent.at), (None, None));
        assert_eq!(written, "{}");
        let (written, given) = round_trip(r#"{"name":"x","at":"2026-10-02T14:03:11Z"}"#);
        assert_eq!(given.name, Some(Some("x".to_owned())));
        assert_eq!(written, r#"{"name":"x","at":"2026-10-02T14:03:11Z"}"#);
        // The format is still checked.
        assert!(serde_json::from_str::<Nullable>(r#"{"at":"2026-10-02 14:03:11Z"}"#).is_err());
    }

    #[test]
    fn keys_keep_every_digit() {
        let fields = parse(r#"{"key": 4810975311936405773, "other_key": 18446744073709551615}"#).unwrap();
        assert_eq!(fields.key, "4810975311936405773");
        assert_eq!(fields.other_key.as_deref(), Some("18446744073709551615"));
        assert_eq!(parse(r#"{"key": "abc"}"#).unwrap().key, "abc");
        assert_eq!(parse(r#"{"key": -12}"#).unwrap().key, "-12");
        // Beyond u64, serde_json has already rounded: refuse instead of storing a wrong key.
        assert!(parse(r#"{"key": 18446744073709551616}"#).is_err());
        assert!(parse(r#"{"key": 1.5}"#).is_err());
        assert!(parse(r#"{"key": true}"#).is_err());
        // Written back as the string it became.
        let written = serde_json::to_string(&parse(r#"{"key": 7}"#).unwrap()).unwrap();
        assert_eq!(written, r#"{"key":"7"}"#);
    }

    #[test]
    fn date_times_are_strict_rfc_3339() {
        let fields = parse(r#"{"key": "k", "at": "2026-10-02T14:03:11.204Z"}"#).unwrap();
        let written = serde_json::to_value(&fields).unwrap();
        assert_eq!(written["at"], "2026-10-02T14:03:11.204Z");
        assert!(parse(r#"{"key": "k", "at": "2026-10-02T16:03:11+02:00"}"#).is_ok());
        // chrono alone accepts these; RFC 3339 does not.
        assert!(parse(r#"{"key": "k", "at": "2026-10-02 14:03:11Z"}"#).is_err());
        assert!(parse(r#"{"key": "k", "at": "yesterday"}"#).is_err());
        assert!(parse(r#"{"key": "k", "at": null}"#).unwrap().at.is_none());
    }

    #[test]
    fn other_formats_are_strict_too() {
        let fields = parse(r#"{"key": "k", "day": "2026-02-28", "link": "https://example.com/a", "id": "C2A5E0F4-3B7D-4A51-8F0E-6D1B2C3A4E5F"}"#).unwrap();
        let written = serde_json::to_value(&fields).unwrap();
        assert_eq!(written["day"], "2026-02-28");
        assert_eq!(written["link"], "https://example.com/a");
        assert_eq!(written["id"], "c2a5e0f4-3b7d-4a51-8f0e-6d1b2c3a4e5f");
        assert!(parse(r#"{"key": "k", "day": "2026-02-30"}"#).is_err());
        assert!(parse(r#"{"key": "k", "link": "https://example.com/a b"}"#).is_err());
        assert!(parse(r#"{"key": "k", "link": "relative/path"}"#).is_err());
        assert!(parse(r#"{"key": "k", "id": "{c2a5e0f4-3b7d-4a51-8f0e-6d1b2c3a4e5f}"}"#).is_err());
    }
}
