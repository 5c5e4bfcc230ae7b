//! The command-line flags the generated `inspect` and `receiver` examples share
//! (feature `cli`): how deliveries are signed, and the headers a delivery came
//! with.
//!
//! The signature scheme is an assumption about the sender (see
//! [`crate::signature`]); when real deliveries fail verification, these flags
//! let a user try another scheme without writing code.

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::signature::{
    DEFAULT_SIGNATURE_HEADER, DEFAULT_TOLERANCE, Encoding, SignatureScheme, TimestampPolicy,
};

/// How deliveries are signed, as flags; every default is that of
/// [`SignatureScheme::default`].
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct SchemeArgs {
    /// The header holding the signature.
    #[arg(long, value_name = "NAME", default_value_t = DEFAULT_SIGNATURE_HEADER, value_parser = header_name)]
    pub signature_header: HeaderName,
    /// How the signature is written.
    #[arg(long, value_name = "ENCODING", value_enum, default_value_t = Encoding::HexOrBase64)]
    pub signature_encoding: Encoding,
    /// A prefix the signature may follow (compared ignoring ASCII case, and
    /// optional); empty for none.
    #[arg(long, value_name = "PREFIX", default_value = "sha256=")]
    pub signature_prefix: String,
    /// The header holding a signed timestamp (Unix seconds), if the sender
    /// signs one: the signature then covers "{timestamp}.{body}", and stale
    /// deliveries are refused.
    #[arg(long, value_name = "NAME", value_parser = header_name)]
    pub timestamp_header: Option<HeaderName>,
    /// How far a signed timestamp may be from this machine's clock, either
    /// way, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = DEFAULT_TOLERANCE.as_secs(),
        requires = "timestamp_header"
    )]
    pub timestamp_tolerance: u64,
}

impl SchemeArgs {
    /// The scheme these flags describe.
    pub fn scheme(&self) -> SignatureScheme {
        SignatureScheme {
            header: self.signature_header.clone(),
            encoding: self.signature_encoding,
            prefix: Some(self.signature_prefix.clone()).filter(|prefix| !prefix.is_empty()),
            timestamp: self.timestamp_header.clone().map(|header| TimestampPolicy {
                header,
                tolerance: Duration::from_secs(self.timestamp_tolerance),
            }),
        }
    }
}

/// A header name as a flag gives it (any case; it is compared ignoring case).
pub fn header_name(text: &str) -> Result<HeaderName, String> {
    HeaderName::try_from(text).map_err(|_| format!("`{text}` is not a header name"))
}

/// A `--header` flag, `Name: value`, as `curl -H` takes it: the value without
/// the spaces around it.
pub fn header(text: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, value) =
        text.split_once(':').ok_or_else(|| format!("`{text}` is not `Name: value` (no colon)"))?;
    let value = value.trim_matches([' ', '\t']);
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of `{}` holds characters no header can", name.trim()))?;
    Ok((header_name(name.trim())?, value))
}

/// The headers of a delivery given as `--header` flags, with a `--signature`
/// flag's value (a shorthand) under the scheme's signature header. Given both
/// ways, the signature is ambiguous, and an error.
pub fn delivery_headers(
    scheme: &SignatureScheme,
    headers: &[(HeaderName, HeaderValue)],
    signature: Option<&str>,
) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(name.clone(), value.clone());
    }
    if let Some(signature) = signature {
        if map.contains_key(&scheme.header) {
            return Err(format!(
                "the signature is given twice: by --signature and by --header {}",
                scheme.header
            ));
        }
        let value = HeaderValue::from_str(signature)
            .map_err(|_| "the signature holds characters no header can".to_owned())?;
        map.insert(scheme.header.clone(), value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Command {
        #[command(flatten)]
        scheme: SchemeArgs,
    }

    fn parse(args: &[&str]) -> Result<SignatureScheme, clap::Error> {
        let args = std::iter::once("command").chain(args.iter().copied());
        Command::try_parse_from(args).map(|command| command.scheme.scheme())
    }

    #[test]
    fn no_flag_is_the_default_scheme() {
        assert_eq!(parse(&[]).unwrap(), SignatureScheme::default());
    }

    #[test]
    fn every_part_of_the_scheme_has_a_flag() {
        let scheme = parse(&[
            "--signature-header",
            "X-Hub-Signature-256",
            "--signature-encoding",
            "base64",
            "--signature-prefix",
            "",
            "--timestamp-header",
            "X-Sent-At",
            "--timestamp-tolerance",
            "30",
        ])
        .unwrap();
        let expected = SignatureScheme {
            header: HeaderName::from_static("x-hub-signature-256"),
            encoding: Encoding::Base64,
            prefix: None,
            timestamp: Some(TimestampPolicy {
                header: HeaderName::from_static("x-sent-at"),
                tolerance: Duration::from_secs(30),
            }),
        };
        assert_eq!(scheme, expected);
        assert_eq!(parse(&["--signature-encoding", "hex"]).unwrap().encoding, Encoding::Hex);
        let timestamped = parse(&["--timestamp-header", "X-Webhook-Timestamp"]).unwrap();
        assert_eq!(timestamped.timestamp, Some(TimestampPolicy::default()));
    }

    #[test]
    fn flags_that_mean_nothing_or_cannot_be_headers_are_refused() {
        // A tolerance without a timestamp to apply it to.
        assert!(parse(&["--timestamp-tolerance", "30"]).is_err());
        assert!(parse(&["--signature-header", "X Signature"]).is_err());
        assert!(parse(&["--signature-encoding", "base32"]).is_err());
        assert!(parse(&["--timestamp-tolerance", "-1", "--timestamp-header", "T"]).is_err());
    }

    #[test]
    fn header_flags_read_as_curl_writes_them() {
        let (name, value) = header("Content-Type:  application/json ").unwrap();
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("content-type", "application/json"));
        let (name, value) = header("X-Empty:").unwrap();
        assert_eq!((name.as_str(), value.as_bytes()), ("x-empty", &b""[..]));
        assert!(header("no colon").unwrap_err().contains("no colon"));
        assert!(header("Bad Name: x").unwrap_err().contains("not a header name"));
        assert!(header("X-Line: a\nb").unwrap_err().contains("no header can"));
    }

    #[test]
    fn the_signature_flag_is_a_header_given_once() {
        let scheme = SignatureScheme::default();
        let given = [header("Content-Type: application/json").unwrap(), header("X-Tag: a").unwrap()];
        let map = delivery_headers(&scheme, &given, Some("sha256=00")).unwrap();
        assert_eq!(map.get(&scheme.header).unwrap(), "sha256=00");
        assert_eq!(map.get("content-type").unwrap(), "application/json");
        assert_eq!(map.len(), 3);
        // Repeated headers stay repeated: the verifier refuses two signatures.
        let twice = [header("X-Tag: a").unwrap(), header("x-tag: b").unwrap()];
        assert_eq!(delivery_headers(&scheme, &twice, None).unwrap().get_all("x-tag").iter().count(), 2);
        let signed = [header("X-Webhook-Signature: 00").unwrap()];
        assert!(delivery_headers(&scheme, &signed, Some("00")).unwrap_err().contains("given twice"));
        assert!(delivery_headers(&scheme, &[], Some("a\u{7f}")).is_err());
    }
}
