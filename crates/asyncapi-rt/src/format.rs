//! The string formats of JSON Schema draft-07 (`"format": "date-time"`, ...), as
//! assertions: generated validators call [`Format::is_valid`] or one of the
//! `is_*` functions on every string whose schema names a format.
//!
//! Each check follows the RFC that draft-07 cites, and is tested against the
//! `jsonschema` crate (`tests/formats.rs`), which follows the JSON Schema test
//! suite; the few places where this module deliberately disagrees are listed
//! there with the reason. Choices worth knowing here:
//!
//! - `hostname` checks RFC 1123 syntax and the RFC 5891 rule that a label with
//!   `--` in third and fourth position must be an A-label (`xn--...`), but does
//!   not decode the Punycode of A-labels: that needs IDNA tables this crate
//!   does not carry.
//! - `regex` is ECMA-262 syntax in Unicode mode (so `\a` or a lone `]` are
//!   errors, as the JSON Schema test suite expects), widened with the identity
//!   escapes of non-alphanumeric characters such as `\-` that the ES5.1 dialect
//!   cited by draft-07 allows and that real schemas use everywhere. Patterns
//!   are compiled with `regress`, after catching two errors it lets through.
//! - `uuid` is not a draft-07 format (draft 2019-09 added it); it is checked
//!   here because AsyncAPI documents use it.
//! - `idn-hostname` maps labels with UTS #46 (the `idna` crate) and then
//!   applies the IDNA2008 rules it leaves out, judging scripts by their main
//!   Unicode blocks, as `jsonschema` does.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use email_address::EmailAddress;

/// A string format that draft-07 defines and this crate checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    DateTime,
    Date,
    Time,
    Email,
    IdnEmail,
    Hostname,
    IdnHostname,
    Ipv4,
    Ipv6,
    Uri,
    UriReference,
    Iri,
    IriReference,
    UriTemplate,
    JsonPointer,
    RelativeJsonPointer,
    Uuid,
    Regex,
}

impl Format {
    /// Every format, in declaration order.
    pub const ALL: [Format; 18] = [
        Format::DateTime,
        Format::Date,
        Format::Time,
        Format::Email,
        Format::IdnEmail,
        Format::Hostname,
        Format::IdnHostname,
        Format::Ipv4,
        Format::Ipv6,
        Format::Uri,
        Format::UriReference,
        Format::Iri,
        Format::IriReference,
        Format::UriTemplate,
        Format::JsonPointer,
        Format::RelativeJsonPointer,
        Format::Uuid,
        Format::Regex,
    ];

    /// The format named `name` as spelled in a schema (`"uri-reference"`), if
    /// this crate checks it. Names are case-sensitive, as in JSON Schema.
    pub fn from_name(name: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The name as spelled in a schema.
    pub const fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Email => "email",
            Format::IdnEmail => "idn-email",
            Format::Hostname => "hostname",
            Format::IdnHostname => "idn-hostname",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uri => "uri",
            Format::UriReference => "uri-reference",
            Format::Iri => "iri",
            Format::IriReference => "iri-reference",
            Format::UriTemplate => "uri-template",
            Format::JsonPointer => "json-pointer",
            Format::RelativeJsonPointer => "relative-json-pointer",
            Format::Uuid => "uuid",
            Format::Regex => "regex",
        }
    }

    /// Whether `value` is in this format.
    pub fn is_valid(self, value: &str) -> bool {
        match self {
            Format::DateTime => is_date_time(value),
            Format::Date => is_date(value),
            Format::Time => is_time(value),
            Format::Email => is_email(value),
            Format::IdnEmail => is_idn_email(value),
            Format::Hostname => is_hostname(value),
            Format::IdnHostname => is_idn_hostname(value),
            Format::Ipv4 => is_ipv4(value),
            Format::Ipv6 => is_ipv6(value),
            Format::Uri => is_uri(value),
            Format::UriReference => is_uri_reference(value),
            Format::Iri => is_iri(value),
            Format::IriReference => is_iri_reference(value),
            Format::UriTemplate => is_uri_template(value),
            Format::JsonPointer => is_json_pointer(value),
            Format::RelativeJsonPointer => is_relative_json_pointer(value),
            Format::Uuid => is_uuid(value),
            Format::Regex => is_regex(value),
        }
    }
}

/// RFC 3339 `date-time`: `full-date "T" full-time`, `T` in either case.
pub fn is_date_time(s: &str) -> bool {
    date_time_parts(s).is_some()
}

/// A [`date-time`](is_date_time) as a `chrono` value, read in the pass that
/// checks it (a leap second is chrono's second 59 plus one second of
/// nanoseconds; fractional digits past the ninth are dropped).
pub fn parse_date_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let (date, time) = date_time_parts(s)?;
    let (second, nanosecond) = match time.second {
        60 => (59, time.nanosecond + 1_000_000_000),
        second => (second, time.nanosecond),
    };
    let time_of_day = NaiveTime::from_hms_nano_opt(time.hour, time.minute, second, nanosecond)?;
    let offset = FixedOffset::east_opt(time.offset_minutes * 60)?;
    offset.from_local_datetime(&date.to_chrono()?.and_time(time_of_day)).single()
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a day that exists in that month.
pub fn is_date(s: &str) -> bool {
    full_date(s.as_bytes()).is_some()
}

/// A [`full-date`](is_date) as a `chrono` value.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    full_date(s.as_bytes())?.to_chrono()
}

/// RFC 3339 `full-time`: `HH:MM:SS[.frac]` and an offset (`Z`, `z` or
/// `±HH:MM`). Second 60 (a leap second) is accepted only where it falls on
/// 23:59 UTC, the only minute leap seconds are inserted in.
pub fn is_time(s: &str) -> bool {
    full_time(s.as_bytes()).is_some()
}

/// An RFC 5321 `Mailbox` (`local-part@domain`, no display name), whose domain
/// is a [hostname](is_hostname) or an IPv4 or `IPv6:` address literal.
pub fn is_email(s: &str) -> bool {
    is_mailbox(s, false)
}

/// An RFC 6531 `Mailbox`: an [email](is_email) whose local part may hold any
/// Unicode, and whose domain is an [IDN host name](is_idn_hostname).
pub fn is_idn_email(s: &str) -> bool {
    is_mailbox(s, true)
}

fn is_mailbox(s: &str, international: bool) -> bool {
    // RFC 5321 allows an empty quoted local part, `""@host`, which
    // `email_address` rejects: check a non-empty stand-in instead.
    if let Some(domain) = s.strip_prefix("\"\"@") {
        return is_mailbox(&format!("\"a\"@{domain}"), international);
    }
    let options = email_address::Options::default().without_display_text();
    if EmailAddress::parse_with_options(s, options).is_err() {
        return false;
    }
    // Without display text the address is the whole of `s`, and the domain
    // follows the last `@` (a quoted local part may hold one, a domain
    // cannot); splitting here spares the crate's accessors a parse each.
    let Some((local_part, domain)) = s.rsplit_once('@') else {
        return false;
    };
    // `email_address` allows non-ASCII everywhere (RFC 6531); `email` is the
    // ASCII format, `idn-email` the internationalised one.
    (international || local_part.is_ascii()) && is_mail_domain(domain, international)
}

fn is_mail_domain(domain: &str, international: bool) -> bool {
    let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) else {
        return if international { is_idn_hostname(domain) } else { is_hostname(domain) };
    };
    match literal.split_at_checked(5) {
        // The tag is case-insensitive (RFC 5321, section 4.1.3).
        Some((tag, address)) if tag.eq_ignore_ascii_case("IPv6:") => is_ipv6(address),
        _ => is_ipv4(literal),
    }
}

/// An RFC 1123 host name: dot-separated labels of 1 to 63 letters, digits and
/// hyphens, not starting or ending with a hyphen, at most 253 characters, no
/// trailing dot. A label with `--` in third and fourth position must be an
/// A-label (`xn--`), as RFC 5891 reserves the others.
pub fn is_hostname(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_hostname_label)
}

fn is_hostname_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
        && (bytes.get(2..4) != Some(b"--")
            || bytes.get(..2).is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"xn")))
}

/// An RFC 5890 internationalised host name: what UTS #46 maps to a valid
/// ASCII [host name](is_hostname) (hyphen rules and DNS lengths checked, the
/// joiners of RFC 5892 Appendix A.1-A.2 too), whose Unicode labels also keep
/// the IDNA2008 rules UTS #46 does not (`is_idna2008_label`, below).
pub fn is_idn_hostname(s: &str) -> bool {
    use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
    let uts46 = Uts46::new();
    let Ok(ascii) = uts46.to_ascii(s.as_bytes(), AsciiDenyList::STD3, Hyphens::Check, DnsLength::Verify)
    else {
        return false;
    };
    if !is_hostname(&ascii) {
        return false;
    }
    let (unicode, errors) = uts46.to_unicode(ascii.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
    errors.is_ok() && unicode.split('.').all(|label| !label.is_empty() && is_idna2008_label(label))
}

/// The IDNA2008 rules on a U-label that UTS #46 leaves out: code points
/// must be letters, marks or decimal digits (RFC 5892, section 2), but for
/// the exceptions of section 2.6, and not start with a mark (RFC 5891,
/// section 5.4); the contextual rules of Appendix A.3-A.9 hold. Scripts
/// are judged by their main Unicode blocks.
fn is_idna2008_label(label: &str) -> bool {
    use unicode_general_category::{GeneralCategory as Category, get_general_category};
    let is_mark = |c: char| {
        matches!(
            get_general_category(c),
            Category::NonspacingMark | Category::SpacingMark | Category::EnclosingMark
        )
    };
    let chars: Vec<char> = label.chars().collect();
    if chars.first().is_some_and(|c| is_mark(*c)) {
        return false;
    }
    let any = |test: fn(char) -> bool| chars.iter().any(|c| test(*c));
    let japanese = any(
        |c| matches!(c, '\u{3040}'..='\u{309F}' | '\u{30A0}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'),
    );
    let arabic_indic = any(|c| matches!(c, '\u{0660}'..='\u{0669}'));
    let extended_arabic_indic = any(|c| matches!(c, '\u{06F0}'..='\u{06F9}'));
    chars.iter().enumerate().all(|(at, &c)| {
        let before = at.checked_sub(1).map(|before| chars[before]);
        let after = chars.get(at + 1).copied();
        match c {
            // A.3 MIDDLE DOT: between two `l`s (Catalan).
            '\u{00B7}' => before == Some('l') && after == Some('l'),
            // A.4 GREEK LOWER NUMERAL SIGN: before a Greek character.
            '\u{0375}' => {
                after.is_some_and(|c| matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}'))
            }
            // A.5-A.6 HEBREW GERESH, GERSHAYIM: after a Hebrew character.
            '\u{05F3}' | '\u{05F4}' => before.is_some_and(|c| matches!(c, '\u{0590}'..='\u{05FF}')),
            // A.7 KATAKANA MIDDLE DOT: in a label with Hiragana, Katakana or Han.
            '\u{30FB}' => japanese,
            // A.8-A.9: Arabic-Indic digits of one kind only.
            '\u{0660}'..='\u{0669}' => !extended_arabic_indic,
            '\u{06F0}'..='\u{06F9}' => !arabic_indic,
            // Section 2.6: DISALLOWED exceptions, then PVALID ones.
            '\u{0640}' | '\u{07FA}' | '\u{302E}' | '\u{302F}' | '\u{3031}'..='\u{3035}' | '\u{303B}' => false,
            '\u{06FD}' | '\u{06FE}' | '\u{0F0B}' | '\u{3007}' => true,
            // A.1-A.2, the joiners: UTS #46 checked them.
            '\u{200C}' | '\u{200D}' => true,
            c if c.is_ascii() => true,
            c => matches!(
                get_general_category(c),
                Category::LowercaseLetter
                    | Category::UppercaseLetter
                    | Category::OtherLetter
                    | Category::ModifierLetter
                    | Category::TitlecaseLetter
                    | Category::NonspacingMark
                    | Category::SpacingMark
                    | Category::EnclosingMark
                    | Category::DecimalNumber
            ),
        }
    })
}

/// A dotted-quad IPv4 address; leading zeros are refused, as they read as
/// octal in some parsers.
pub fn is_ipv4(s: &str) -> bool {
    s.parse::<Ipv4Addr>().is_ok()
}

/// An RFC 4291 IPv6 address in any of its text forms (no zone identifier).
pub fn is_ipv6(s: &str) -> bool {
    s.parse::<Ipv6Addr>().is_ok()
}

/// An RFC 3986 `URI`: absolute, with a scheme, a fragment allowed.
pub fn is_uri(s: &str) -> bool {
    fluent_uri::Uri::parse(s).is_ok()
}

/// An RFC 3986 `URI-reference`: a URI or a relative reference.
pub fn is_uri_reference(s: &str) -> bool {
    fluent_uri::UriRef::parse(s).is_ok()
}

/// An RFC 3987 `IRI`: a URI that may also hold non-ASCII characters.
pub fn is_iri(s: &str) -> bool {
    fluent_uri::Iri::parse(s).is_ok()
}

/// An RFC 3987 `IRI-reference`.
pub fn is_iri_reference(s: &str) -> bool {
    fluent_uri::IriRef::parse(s).is_ok()
}

/// An RFC 6570 URI Template (any level): literals and `{...}` expressions.
/// (Written here: the template parser of `iri-string` 0.7.14 panics on a `%`
/// and a hex digit followed by a non-ASCII character, `a%2\u{a0}b`, and a
/// check must not.)
pub fn is_uri_template(s: &str) -> bool {
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        rest = match c {
            '{' => match rest[1..].split_once('}') {
                Some((expression, after)) if is_template_expression(expression) => after,
                _ => return false,
            },
            '%' if is_pct_encoded(rest.as_bytes()) => &rest[3..],
            c if is_template_literal(c) => &rest[c.len_utf8()..],
            _ => return false,
        };
    }
    true
}

/// RFC 6570 `literals`, but `pct-encoded` (checked apart).
fn is_template_literal(c: char) -> bool {
    match c {
        '!' | '#' | '$' | '&' | '('..=';' | '=' | '?'..='[' | ']' | '_' | 'a'..='z' | '~' => true,
        c if c.is_ascii() => false,
        // ucschar and iprivate (RFC 3987): every non-ASCII character but the
        // noncharacters and specials these ranges leave out.
        c => matches!(u32::from(c),
            0xA0..=0xD7FF | 0xE000..=0xFDCF | 0xFDF0..=0xFFEF
            | 0x10000..=0x1FFFD | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD | 0x40000..=0x4FFFD
            | 0x50000..=0x5FFFD | 0x60000..=0x6FFFD | 0x70000..=0x7FFFD | 0x80000..=0x8FFFD
            | 0x90000..=0x9FFFD | 0xA0000..=0xAFFFD | 0xB0000..=0xBFFFD | 0xC0000..=0xCFFFD
            | 0xD0000..=0xDFFFD | 0xE1000..=0xEFFFD | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD),
    }
}

/// An RFC 6570 `expression` between its braces: an optional operator, then
/// comma-separated `varspec`s (a name, then `:length` or `*`).
fn is_template_expression(expression: &str) -> bool {
    const OPERATORS: [char; 12] = ['+', '#', '.', '/', ';', '?', '&', '=', ',', '!', '@', '|'];
    let variables = expression.strip_prefix(OPERATORS).unwrap_or(expression);
    variables.split(',').all(|varspec| {
        let (name, prefix) = match varspec.split_once(':') {
            Some((name, length)) => (name, Some(length)),
            None => (varspec.strip_suffix('*').unwrap_or(varspec), None),
        };
        let length_ok = prefix.is_none_or(|length| {
            (1..=4).contains(&length.len())
                && length.bytes().all(|b| b.is_ascii_digit())
                && !length.starts_with('0')
        });
        length_ok && is_template_varname(name)
    })
}

/// RFC 6570 `varname`: `varchar`s (letters, digits, `_`, `pct-encoded`),
/// with single dots between them.
fn is_template_varname(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.first().is_none_or(|b| *b == b'.') || bytes.last() == Some(&b'.') || name.contains("..") {
        return false;
    }
    let mut at = 0;
    while at < bytes.len() {
        at += match bytes[at] {
            b'%' if is_pct_encoded(&bytes[at..]) => 3,
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' => 1,
            _ => return false,
        };
    }
    true
}

/// Whether `bytes` starts with a `pct-encoded` triplet (`%4A`).
fn is_pct_encoded(bytes: &[u8]) -> bool {
    matches!(bytes, [b'%', high, low, ..] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit())
}

/// An RFC 6901 JSON Pointer: empty, or `/`-led reference tokens in which
/// every `~` is escaped as `~0` or `~1`.
pub fn is_json_pointer(s: &str) -> bool {
    (s.is_empty() || s.starts_with('/')) && tildes_are_escapes(s)
}

/// A Relative JSON Pointer (draft-handrews-relative-json-pointer-01, which
/// draft-07 cites): a non-negative integer without leading zeros, then `#` or
/// a JSON Pointer.
pub fn is_relative_json_pointer(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at(digits);
    let number_ok = number == "0" || (!number.is_empty() && !number.starts_with('0'));
    number_ok && (rest == "#" || is_json_pointer(rest))
}

fn tildes_are_escapes(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.iter().enumerate().all(|(at, &byte)| byte != b'~' || matches!(bytes.get(at + 1), Some(b'0' | b'1')))
}

/// An RFC 4122 UUID in its hyphenated form (8-4-4-4-12 hex digits, either
/// case), of any version and variant.
pub fn is_uuid(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A valid ECMA-262 regular expression (see the module documentation for the
/// dialect).
pub fn is_regex(s: &str) -> bool {
    compile_pattern(s).is_some()
}

/// Compiles an ECMA-262 regular expression the way JSON Schema's `pattern` and
/// `format: regex` mean it: Unicode mode, with identity escapes of punctuation
/// (`\-`, valid in the older dialect many schemas are written in) kept.
pub fn compile_pattern(pattern: &str) -> Option<regress::Regex> {
    to_unicode_mode(pattern).and_then(|pattern| regress::Regex::with_flags(&pattern, "u").ok())
}

/// Prepares `pattern` for regress's Unicode-mode parser: rewrites each `\c`
/// where `c` is neither alphanumeric nor a character Unicode mode allows
/// escaping into a hex escape of the same character (so the pattern still
/// matches the same strings), and returns `None` for two errors regress lets
/// through: a quantified `\b` or `\B`, and a sign in the digits of `\u`.
fn to_unicode_mode(pattern: &str) -> Option<Cow<'_, str>> {
    if !pattern.contains('\\') {
        return Some(Cow::Borrowed(pattern));
    }
    let mut rewritten = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    // Classes do not nest in Unicode mode, and `\b` means backspace in them.
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '[' => in_class = true,
            ']' => in_class = false,
            '\\' => {
                // A trailing backslash is an error.
                let escaped = chars.next()?;
                let next = chars.as_str().chars().next();
                match escaped {
                    'b' | 'B' if !in_class && matches!(next, Some('*' | '+' | '?' | '{')) => {
                        return None;
                    }
                    'u' if !is_unicode_escape_body(chars.as_str()) => return None,
                    _ if !escaped.is_alphanumeric() && !is_unicode_mode_escapable(escaped) => {
                        rewritten.push_str(&hex_escape(escaped));
                    }
                    _ => {
                        rewritten.push('\\');
                        rewritten.push(escaped);
                    }
                }
                continue;
            }
            _ => {}
        }
        rewritten.push(c);
    }
    Some(Cow::Owned(rewritten))
}

/// ECMA-262 `SyntaxCharacter` and `/`: the identity escapes Unicode mode keeps.
fn is_unicode_mode_escapable(c: char) -> bool {
    matches!(c, '^' | '$' | '\\' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '/')
}

/// `\xHH` where it fits: regress decodes `\u{..}` inside a group name, so
/// `\u{3E}` would close the name where `\>` is an error.
fn hex_escape(c: char) -> String {
    match u8::try_from(c) {
        Ok(byte) => format!("\\x{byte:02X}"),
        Err(_) => format!("\\u{{{:X}}}", u32::from(c)),
    }
}

/// Whether `rest`, what follows `\u`, starts with four hex digits or braced
/// hex digits (regress parses them with `from_str_radix`, which takes a sign).
fn is_unicode_escape_body(rest: &str) -> bool {
    let all_hex = |digits: &str| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit());
    match rest.strip_prefix('{') {
        Some(braced) => braced.split_once('}').is_some_and(|(digits, _)| all_hex(digits)),
        None => rest.get(..4).is_some_and(all_hex),
    }
}

/// A checked `full-date`.
struct Date {
    year: u32,
    month: u32,
    day: u32,
}

impl Date {
    fn to_chrono(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(i32::try_from(self.year).ok()?, self.month, self.day)
    }
}

/// A checked `full-time`.
struct Time {
    hour: u32,
    minute: u32,
    /// 60 for a leap second.
    second: u32,
    /// From the first nine fractional digits.
    nanosecond: u32,
    /// East of UTC.
    offset_minutes: i32,
}

fn date_time_parts(s: &str) -> Option<(Date, Time)> {
    let (date, rest) = s.as_bytes().split_at_checked(10)?;
    match rest.split_first() {
        Some((b'T' | b't', time)) => Some((full_date(date)?, full_time(time)?)),
        _ => None,
    }
}

fn full_date(bytes: &[u8]) -> Option<Date> {
    let &[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = bytes else {
        return None;
    };
    let (year, month, day) = (decimal(&[y1, y2, y3, y4])?, decimal(&[m1, m2])?, decimal(&[d1, d2])?);
    (1..=days_in_month(year, month)).contains(&day).then_some(Date { year, month, day })
}

/// 0 for a month that does not exist, so that no day is valid in it.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 0,
    }
}

fn full_time(bytes: &[u8]) -> Option<Time> {
    let Some((&[h1, h2, b':', m1, m2, b':', s1, s2], rest)) = bytes.split_first_chunk::<8>() else {
        return None;
    };
    let (hour, minute, second) = (decimal(&[h1, h2])?, decimal(&[m1, m2])?, decimal(&[s1, s2])?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (nanosecond, offset) = match rest.strip_prefix(b".") {
        Some(fraction) => read_fraction(fraction)?,
        None => (0, rest),
    };
    let offset_minutes = time_offset(offset)?;
    // A leap second is the 61st second of 23:59 UTC.
    let utc_minute = (i64::from(hour * 60 + minute) - i64::from(offset_minutes)).rem_euclid(24 * 60);
    (second < 60 || utc_minute == 23 * 60 + 59).then_some(Time {
        hour,
        minute,
        second,
        nanosecond,
        offset_minutes,
    })
}

/// The digits of `time-secfrac` (one at least) as nanoseconds, and what follows them.
fn read_fraction(fraction: &[u8]) -> Option<(u32, &[u8])> {
    let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let (digits, rest) = fraction.split_at(digits);
    // Nine digits are nanoseconds; fewer are scaled up, more are dropped.
    let kept = &digits[..digits.len().min(9)];
    let nanosecond = (kept.len()..9).fold(decimal(kept)?, |value, _| value * 10);
    Some((nanosecond, rest))
}

/// `time-offset` as minutes east of UTC.
fn time_offset(bytes: &[u8]) -> Option<i32> {
    let (sign, numeric) = match bytes {
        [b'Z' | b'z'] => return Some(0),
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return None,
    };
    let &[h1, h2, b':', m1, m2] = numeric else {
        return None;
    };
    let (hours, minutes) = (decimal(&[h1, h2])?, decimal(&[m1, m2])?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * i32::try_from(hours * 60 + minutes).ok()?)
}

/// The value of a short run of ASCII digits; `None` if any byte is not one.
fn decimal(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &b| b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings each format must accept, then strings it must refuse.
    fn cases(format: Format) -> (&'static [&'static str], &'static [&'static str]) {
        match format {
            Format::DateTime => (
                &[
                    "1985-04-12T23:20:50.52Z",
                    "1996-12-19T16:39:57-08:00",
                    "1990-12-31T23:59:60Z",
                    "1990-12-31T15:59:60-08:00",
                    "1937-01-01T12:00:27.87+00:20",
                    "2024-02-29t00:00:00z",
                    "0000-01-01T00:00:00-00:00",
                ],
                &[
                    "1985-04-12 23:20:50Z",
                    "1985-04-12T23:20:50",
                    "1985-04-12T23:20:50.Z",
                    "2023-02-29T00:00:00Z",
                    "1990-12-31T22:59:60Z",
                    "1985-04-12T23:20:50+24:00",
                    "1985-4-12T23:20:50Z",
                    "1985-04-12T23:20:50ZZ",
                    "",
                ],
            ),
            Format::Date => (
                &["2020-02-29", "2000-02-29", "1963-06-19", "9999-12-31", "0000-01-01"],
                &[
                    "1900-02-29",
                    "2021-04-31",
                    "2021-13-01",
                    "2021-00-10",
                    "2021-01-00",
                    "20210101",
                    "2021-01-01T",
                ],
            ),
            Format::Time => (
                &[
                    "08:30:06Z",
                    "08:30:06.283185z",
                    "23:59:60Z",
                    "00:29:60+00:30",
                    "23:59:60.5-00:00",
                    "12:00:00-23:59",
                ],
                &[
                    "08:30:06",
                    "24:00:00Z",
                    "08:60:00Z",
                    "08:30:61Z",
                    "12:59:60Z",
                    "08:30:06+2:00",
                    "08:30:06 Z",
                    "8:30:06Z",
                ],
            ),
            Format::Email => (
                &[
                    "joe@example.com",
                    "joe.bloggs+tag@mail.example.org",
                    "\"joe bloggs\"@example.com",
                    "\"\"@example.com",
                    "\"joe@home\"@example.com",
                    "joe@[127.0.0.1]",
                    "joe@[IPv6:::1]",
                    "joe@localhost",
                ],
                &[
                    "joe",
                    "@example.com",
                    "joe@",
                    "joe..bloggs@example.com",
                    ".joe@example.com",
                    "joe@-example.com",
                    "Joe <joe@example.com>",
                    "jo\u{e9}@example.com",
                    "\"jo\u{e9}@home\"@example.com",
                    "joe@home@example.com",
                    "joe@[300.0.0.1]",
                    "joe@exa_mple.com",
                ],
            ),
            Format::IdnHostname => (
                &[
                    "\u{c2e4}\u{b840}.\u{d14c}\u{c2a4}\u{d2b8}",
                    "xn--bcher-kva.example",
                    "l\u{b7}l",
                    "\u{3b1}\u{375}\u{3b2}",
                    "\u{5d0}\u{5f3}",
                    "\u{30ab}\u{30fb}",
                    "\u{915}\u{94d}\u{200d}",
                ],
                &[
                    "",
                    "-a",
                    "\u{302e}\u{c2e4}",
                    "a\u{b7}l",
                    "\u{3b1}\u{375}S",
                    "\u{5f3}\u{5d1}",
                    "def\u{30fb}abc",
                    "\u{661}\u{6f2}",
                    "\u{915}\u{200d}",
                    "\u{300}a",
                    "\u{640}",
                ],
            ),
            Format::IdnEmail => (
                &[
                    "\u{c2e4}\u{b840}@\u{c2e4}\u{b840}.\u{d14c}\u{c2a4}\u{d2b8}",
                    "\u{e9}t\u{e9}@b\u{fc}cher.example",
                ],
                &["", "joe@", "joe@\u{302e}\u{c2e4}", "@example.com"],
            ),
            Format::Hostname => (
                &["example.com", "a", "1host", "my-host.example", "xn--bcher-kva.ch", "XN--bcher-kva.ch"],
                &["", "-host", "host-", "exa_mple.com", "example.com.", "a..b", "ab--cd", "h\u{f6}st", "a b"],
            ),
            Format::Ipv4 => (
                &["192.168.0.1", "0.0.0.0", "255.255.255.255"],
                &["256.0.0.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", " 1.2.3.4", "1.2.3.04", "0x7f.0.0.1"],
            ),
            Format::Ipv6 => (
                &["::1", "::", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1", "FE80:0:0:0:0:0:0:1"],
                &[
                    "12345::",
                    ":::",
                    "1::2::3",
                    "fe80::1%eth0",
                    "::ffff:300.0.0.1",
                    "1:2:3:4:5:6:7:8:9",
                    "[::1]",
                ],
            ),
            Format::Uri => (
                &[
                    "http://example.com/a?b#c",
                    "urn:isbn:0451450523",
                    "mailto:joe@example.com",
                    "http://[::1]:80/",
                    "foo:",
                ],
                &[
                    "/relative",
                    "//host/path",
                    "http://exa mple.com",
                    "http://example.com/%zz",
                    "1http://x",
                    "http://\u{e9}.com",
                    "",
                ],
            ),
            Format::UriReference => (
                &["/relative/path?q#f", "", "#frag", "//host", "http://example.com", "../up"],
                &["\\\\WINDOWS\\file", "a b", "#frag#again", "%z", "http://[::1"],
            ),
            Format::Iri => (
                &["http://\u{e9}xample.com/\u{3b1}", "urn:x-\u{1f600}:y", "http://example.com"],
                &["/\u{e9}", "http://exa mple.com", "\u{e9}:x", ""],
            ),
            Format::IriReference => (
                &["/\u{3b1}\u{3b2}?\u{3b3}#\u{3b4}", "", "http://\u{e9}xample.com"],
                &["a b", "#\u{e9}#", "%", "\\"],
            ),
            Format::UriTemplate => (
                &[
                    "",
                    "http://example.com/dictionary/{term:1}/{term}",
                    "{+path}/here{?q,lang*}{&x}{#frag}",
                    "{var.name_1:9999}{%41b}",
                    "caf\u{e9}/%2F{x}",
                ],
                &[
                    "{",
                    "{}",
                    "{a,}",
                    "{a:0}",
                    "{a:10000}",
                    "{a.}",
                    "{a..b}",
                    "{a*:1}",
                    "%2",
                    "a b",
                    "a'b",
                    "{a}}",
                ],
            ),
            Format::JsonPointer => {
                (&["", "/", "/a~0b/c~1d", "//0", "/ /\u{e9}"], &["a", "#/a", "/~", "/~2", "/a~"])
            }
            Format::RelativeJsonPointer => {
                (&["0", "0#", "1/a", "12/", "3/a~1b"], &["", "01", "-1", "+1", "/a", "1#/a", "0##", "1/~"])
            }
            Format::Uuid => (
                &[
                    "2eb8aa08-aa98-11ea-b4aa-73b441d16380",
                    "2EB8AA08-AA98-11EA-B4AA-73B441D16380",
                    "00000000-0000-0000-0000-000000000000",
                ],
                &[
                    "2eb8aa08aa9811eab4aa73b441d16380",
                    "2eb8aa08-aa98-11ea-b4aa-73b441d1638",
                    "{2eb8aa08-aa98-11ea-b4aa-73b441d16380}",
                    "2eb8aa08-aa98-11ea-b4aa-73b441d1638g",
                    "2eb8aa0-8aa98-11ea-b4aa-73b441d16380",
                ],
            ),
            Format::Regex => (
                &[
                    "^[a-z]+$",
                    "",
                    "(?<year>\\d{4})-\\k<year>",
                    "\\p{L}+",
                    "^\\-?\\d+(\\.\\d+)?$",
                    "[\\-\\:]",
                    "\\ \\@\\#",
                    "a{2,3}?",
                ],
                &[
                    "[",
                    "(a",
                    "\\a",
                    "]",
                    "a{2,1}",
                    "\\p{NotAProperty}",
                    "*a",
                    "\\",
                    "\\\u{e9}",
                    "(?<a>x)(?<a>y)",
                ],
            ),
        }
    }

    #[test]
    fn every_format_accepts_and_refuses_its_examples() {
        for format in Format::ALL {
            let (valid, invalid) = cases(format);
            for value in valid {
                assert!(format.is_valid(value), "{} should accept {value:?}", format.name());
            }
            for value in invalid {
                assert!(!format.is_valid(value), "{} should refuse {value:?}", format.name());
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::from_name("uri-reference"), Some(Format::UriReference));
        assert_eq!(Format::from_name("Date-Time"), None);
        assert_eq!(Format::from_name("idn-hostname"), Some(Format::IdnHostname));
        assert_eq!(Format::from_name("duration"), None);
    }

    #[test]
    fn hostname_length_limits() {
        let label = "a".repeat(63);
        assert!(is_hostname(&label));
        assert!(!is_hostname(&format!("{label}a")));
        // 4 labels of 63 and the 3 dots: 255 characters, over the 253 limit.
        let long = [label.as_str(); 4].join(".");
        assert_eq!(long.len(), 255);
        assert!(!is_hostname(&long));
        assert!(is_hostname(&long[..253]));
    }

    #[test]
    fn regex_escapes_are_rewritten_only_where_unicode_mode_refuses_them() {
        let rewrite = |pattern| to_unicode_mode(pattern).map(Cow::into_owned);
        assert_eq!(rewrite("a\\-b").as_deref(), Some("a\\x2Db"));
        assert_eq!(rewrite("\\d\\.\\/").as_deref(), Some("\\d\\.\\/"));
        assert_eq!(rewrite("\\\\-").as_deref(), Some("\\\\-"));
        assert_eq!(rewrite("\\\u{20ac}").as_deref(), Some("\\u{20AC}"));
        assert!(matches!(to_unicode_mode("plain"), Some(Cow::Borrowed("plain"))));
        // The rewritten escape matches the same character.
        let regex = rewrite("^a\\-b$").and_then(|p| regress::Regex::with_flags(&p, "u").ok());
        assert!(regex.is_some_and(|r| r.find("a-b").is_some() && r.find("a\\b").is_none()));
    }

    #[test]
    fn regex_errors_regress_lets_through_are_caught() {
        for pattern in
            ["\\b*", "\\B+", "a\\b?", "\\b{2}", "\\u+041", "\\u{+41}", "(?<a\\>)\\k<a\\>", "\\u12", "\\u{}"]
        {
            assert!(!is_regex(pattern), "{pattern}");
        }
        for pattern in ["[\\b*]", "\\b\\w*", "\\u0041+", "\\u{41}*", "[\\u0041-\\u{5A}]"] {
            assert!(is_regex(pattern), "{pattern}");
        }
    }
}
