//! `contentEncoding` and `contentMediaType` (JSON Schema draft-07, section 8):
//! a string that holds other data, encoded as the first says, of the type the
//! second says. Generated validators check the encodings of RFC 4648 and the
//! media type `application/json`; a schema naming others leaves them
//! unchecked (the generator warns).

use data_encoding::{BASE32, BASE32HEX, BASE64, BASE64URL, Encoding as Rfc4648, HEXUPPER};

/// An RFC 4648 encoding, by its `contentEncoding` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Base64,
    Base64Url,
    Base32,
    Base32Hex,
    Base16,
}

impl Encoding {
    pub const ALL: [Encoding; 5] =
        [Encoding::Base64, Encoding::Base64Url, Encoding::Base32, Encoding::Base32Hex, Encoding::Base16];

    /// The encoding a schema names (`"base64"`), if the validators decode it.
    pub fn from_name(name: &str) -> Option<Encoding> {
        Self::ALL.into_iter().find(|encoding| encoding.name() == name)
    }

    pub const fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Base32 => "base32",
            Encoding::Base32Hex => "base32hex",
            Encoding::Base16 => "base16",
        }
    }

    /// The bytes `text` encodes, padded and canonical as RFC 4648 writes
    /// them; `base16` in either case.
    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
        let rfc4648: &Rfc4648 = match self {
            Encoding::Base64 => &BASE64,
            Encoding::Base64Url => &BASE64URL,
            Encoding::Base32 => &BASE32,
            Encoding::Base32Hex => &BASE32HEX,
            Encoding::Base16 => {
                return HEXUPPER.decode(text.to_ascii_uppercase().as_bytes()).ok();
            }
        };
        rfc4648.decode(text.as_bytes()).ok()
    }
}

/// A media type the validators parse, by its `contentMediaType` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Json,
}

impl MediaType {
    pub const ALL: [MediaType; 1] = [MediaType::Json];

    pub fn from_name(name: &str) -> Option<MediaType> {
        Self::ALL.into_iter().find(|media_type| media_type.name() == name)
    }

    pub const fn name(self) -> &'static str {
        match self {
            MediaType::Json => "application/json",
        }
    }

    /// Whether `text` is a document of this type.
    pub fn is_valid(self, text: &str) -> bool {
        match self {
            MediaType::Json => serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(),
        }
    }
}

/// What is wrong with the content of a string, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not in the encoding.
    Encoding(Encoding),
    /// Not a document of the media type (bytes that are not UTF-8 are no
    /// `application/json` text).
    MediaType(MediaType),
}

/// Checks `text` against a schema's `contentEncoding` and `contentMediaType`
/// (either may be absent): decoded first, then read as the media type.
pub fn check(text: &str, encoding: Option<Encoding>, media_type: Option<MediaType>) -> Option<Problem> {
    let Some(encoding) = encoding else {
        return media_type.filter(|media_type| !media_type.is_valid(text)).map(Problem::MediaType);
    };
    let Some(bytes) = encoding.decode(text) else { return Some(Problem::Encoding(encoding)) };
    let media_type = media_type?;
    match std::str::from_utf8(&bytes) {
        Ok(decoded) if media_type.is_valid(decoded) => None,
        _ => Some(Problem::MediaType(media_type)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_decode_rfc_4648_text_only() {
        assert_eq!(
            Encoding::Base64.decode("eyJmb28iOiAiYmFyIn0K").as_deref(),
            Some(&b"{\"foo\": \"bar\"}\n"[..])
        );
        assert_eq!(Encoding::Base64.decode("eyJmb28iOi%iYmFyIn0K"), None);
        assert_eq!(Encoding::Base64.decode("YQ"), None, "padding is required");
        assert_eq!(Encoding::Base64.decode("YR=="), None, "trailing bits must be zero");
        assert_eq!(Encoding::Base64Url.decode("-_8="), Some(vec![0xfb, 0xff]));
        assert_eq!(Encoding::Base64.decode("-_8="), None);
        assert_eq!(Encoding::Base32.decode("MZXW6==="), Some(b"foo".to_vec()));
        assert_eq!(Encoding::Base32Hex.decode("CPNMU==="), Some(b"foo".to_vec()));
        assert_eq!(Encoding::Base16.decode("666f6F"), Some(b"foo".to_vec()));
        assert_eq!(Encoding::Base16.decode("666"), None);
        for encoding in Encoding::ALL {
            assert_eq!(Encoding::from_name(encoding.name()), Some(encoding));
        }
        assert_eq!(Encoding::from_name("7bit"), None);
    }

    #[test]
    fn content_is_decoded_then_read() {
        let json = Some(MediaType::Json);
        let base64 = Some(Encoding::Base64);
        assert_eq!(check("{\"a\": 1}", None, json), None);
        assert_eq!(check("{:}", None, json), Some(Problem::MediaType(MediaType::Json)));
        assert_eq!(check("eyJmb28iOiAiYmFyIn0K", base64, json), None);
        assert_eq!(check("ezp9Cg==", base64, json), Some(Problem::MediaType(MediaType::Json)));
        assert_eq!(check("{}", base64, json), Some(Problem::Encoding(Encoding::Base64)));
        // Bytes that are not UTF-8 are no JSON text.
        assert_eq!(check("/w==", base64, json), Some(Problem::MediaType(MediaType::Json)));
        assert_eq!(check("/w==", base64, None), None);
        assert_eq!(check("anything", None, None), None);
    }
}
