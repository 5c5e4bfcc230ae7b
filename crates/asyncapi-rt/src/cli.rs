//! The command-line flags the generated `inspect` and `receiver` examples share
//! (feature `cli`): how deliveries are signed, and the headers a delivery came
//! with.
//!
//! The signature scheme is an assumption about the sender (see
//! [`crate::signature`]); when real deliveries fail verification, these flags
//! let a user try another scheme without writing code.

use std::process::ExitCode;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::inspect::EXIT_USAGE;
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

/// The command line parsed as clap does, but a usage error is printed and
/// ends in [`EXIT_USAGE`]; `--help` and `--version` print and end in success.
pub fn parse<P: clap::Parser>() -> Result<P, ExitCode> {
    P::try_parse().map_err(|error| {
        let _ = error.print();
        if error.use_stderr() { ExitCode::from(EXIT_USAGE) } else { ExitCode::SUCCESS }
    })
}

/// A usage error of `P`'s command line found after parsing, printed as clap
/// prints its own, and its exit code.
pub fn usage_error<P: clap::CommandFactory>(message: impl std::fmt::Display) -> ExitCode {
    let _ = P::command().error(clap::error::ErrorKind::ArgumentConflict, message).print();
    ExitCode::from(EXIT_USAGE)
}

/// A header name as a flag gives it (any case; it is compared ignoring case).
pub fn header_name(text: &str) -> Result<HeaderName, String> {
    HeaderName::try_from(text).map_err(|_| format!("`{text}` is not a header name"))
}

/// A header value as a flag gives it, without the spaces around it (as HTTP
/// reads it).
pub fn header_value(text: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(text.trim_matches([' ', '\t']))
        .map_err(|_| "it holds characters no header can".to_owned())
}

/// A `--header` flag as `curl -H` takes it: `Name: value`; `Name;` for an
/// empty value; `Name:` with nothing after it (`None`) to drop the header, as
/// curl reads it: "do not send it".
pub fn header(text: &str) -> Result<(HeaderName, Option<HeaderValue>), String> {
    if let Some(name) = text.strip_suffix(';').filter(|name| !name.contains(':')) {
        return Ok((header_name(name.trim())?, Some(HeaderValue::from_static(""))));
    }
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not `Name: value`, `Name;` (empty) or `Name:` (absent)"))?;
    let name = header_name(name.trim())?;
    if value.trim_matches([' ', '\t']).is_empty() {
        return Ok((name, None));
    }
    let value = header_value(value).map_err(|error| format!("the value of `{name}`: {error}"))?;
    Ok((name, Some(value)))
}

/// The headers of a delivery given as `--header` flags (in order: a dropped
/// header is dropped whatever came before), with a `--signature`
/// flag's value (a shorthand) under the scheme's signature header. Given both
/// ways, the signature is ambiguous, and an error.
pub fn delivery_headers(
    scheme: &SignatureScheme,
    headers: &[(HeaderName, Option<HeaderValue>)],
    signature: Option<&HeaderValue>,
) -> Result<HeaderMap, String> {
    // `HeaderMap` holds at most 32,768 entries, and panics past that on `append`.
    let too_many = |_| "too many --header flags for one delivery".to_owned();
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        match value {
            Some(value) => {
                map.try_append(name.clone(), value.clone()).map_err(too_many)?;
            }
            None => {
                map.remove(name);
            }
        }
    }
    if let Some(signature) = signature {
        if headers.iter().any(|(name, _)| *name == scheme.header) {
            return Err(format!(
                "the signature is given twice: by --signature and by --header {}",
                scheme.header
            ));
        }
        map.try_insert(scheme.header.clone(), signature.clone()).map_err(too_many)?;
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
        use clap::error::ErrorKind;
        let kind = |args: &[&str]| parse(args).unwrap_err().kind();
        // A tolerance without a timestamp to apply it to.
        assert_eq!(kind(&["--timestamp-tolerance", "30"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(kind(&["--signature-header", "X Signature"]), ErrorKind::ValueValidation);
        assert_eq!(kind(&["--timestamp-header", "X:T"]), ErrorKind::ValueValidation);
        assert_eq!(kind(&["--signature-encoding", "base32"]), ErrorKind::InvalidValue);
        assert_eq!(
            kind(&["--timestamp-tolerance", "soon", "--timestamp-header", "T"]),
            ErrorKind::ValueValidation
        );
    }

    #[test]
    fn header_flags_read_as_curl_reads_them() {
        let read = |text: &str| {
            let (name, value) = header(text).unwrap();
            (name.as_str().to_owned(), value.map(|value| value.to_str().unwrap().to_owned()))
        };
        let value = |text: &str| Some(text.to_owned());
        assert_eq!(
            read("Content-Type:  application/json "),
            ("content-type".into(), value("application/json"))
        );
        assert_eq!(read("X-Url: http://a:1/b"), ("x-url".into(), value("http://a:1/b")));
        // `Name;` is an empty header, `Name:` none at all.
        assert_eq!(read("X-Empty;"), ("x-empty".into(), value("")));
        assert_eq!(read("X-Gone:"), ("x-gone".into(), None));
        assert_eq!(read("X-Gone: \t"), ("x-gone".into(), None));
        assert_eq!(read("X-Semi: a;"), ("x-semi".into(), value("a;")));
        assert!(header("no colon").unwrap_err().contains("is not `Name: value`"));
        assert!(header("Bad Name: x").unwrap_err().contains("not a header name"));
        assert!(header("X-Line: a\nb").unwrap_err().contains("no header can"));
    }

    #[test]
    fn the_signature_flag_is_a_header_given_once() {
        let scheme = SignatureScheme::default();
        let flags = |texts: &[&str]| texts.iter().map(|text| header(text).unwrap()).collect::<Vec<_>>();
        let signature = header_value(" sha256=00 ").unwrap();
        let given = flags(&["Content-Type: application/json", "X-Tag: a", "X-Gone: 1", "x-gone:"]);
        let map = delivery_headers(&scheme, &given, Some(&signature)).unwrap();
        assert_eq!(map.get(&scheme.header).unwrap(), "sha256=00");
        assert_eq!(map.get("content-type").unwrap(), "application/json");
        assert_eq!(map.len(), 3, "{map:?}");
        // Repeated headers stay repeated: the verifier refuses two signatures.
        let twice = flags(&["X-Tag: a", "x-tag: b"]);
        assert_eq!(delivery_headers(&scheme, &twice, None).unwrap().get_all("x-tag").iter().count(), 2);
        for signed in ["X-Webhook-Signature: 00", "x-webhook-signature:"] {
            let error = delivery_headers(&scheme, &flags(&[signed]), Some(&signature)).unwrap_err();
            assert!(error.contains("given twice"), "{signed}: {error}");
        }
        assert!(header_value("a\u{7f}").is_err());
        // More headers than a `HeaderMap` holds are an error, not a panic.
        let name = |index: usize| HeaderName::try_from(format!("x-{index}")).unwrap();
        let many: Vec<_> = (0..40_000).map(|index| (name(index), Some(signature.clone()))).collect();
        assert!(delivery_headers(&scheme, &many, None).unwrap_err().contains("too many"));
    }
}
