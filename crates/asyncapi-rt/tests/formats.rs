//! Differential test of `asyncapi_rt::format` against the `jsonschema` crate,
//! which follows the JSON Schema test suite: on a large, deterministic corpus
//! (hand-picked edge cases plus every single-character deletion, replacement
//! and insertion of valid values), both must give the same verdict, except on
//! the inputs of `INTENDED_DIFFERENCES`.

use std::collections::BTreeSet;

use asyncapi_rt::format::Format;
use serde_json::json;

/// Where this crate deliberately disagrees with `jsonschema`: format, input,
/// and why. Each entry is checked to still be a difference. The seeds avoid
/// these areas (no `xn--` hostnames, no `\p{..}` in regex seeds), which would
/// otherwise repeat the same difference hundreds of times.
const INTENDED_DIFFERENCES: &[(Format, &str, &str)] = &[
    (
        Format::Email,
        "Joe Bloggs <joe@example.com>",
        "RFC 5321 `Mailbox` has no display name; jsonschema parses with email_address's default \
         options, which accept an RFC 5322 `name-addr`",
    ),
    (Format::IdnEmail, "Joe Bloggs <joe@example.com>", "the same, for `idn-email`"),
    (
        Format::Hostname,
        "xn--a.example",
        "A-labels are checked for LDH syntax only: decoding Punycode and checking the result \
         against IDNA2008 (RFC 5891) needs Unicode tables this crate does not carry",
    ),
    (Format::Hostname, "xn--ls8h.example", "same: valid Punycode for U+1F4A9, which IDNA2008 disallows"),
    (
        Format::Hostname,
        "XN--bcher-kva.example",
        "the ACE prefix is case-insensitive (RFC 5890, section 2.3.1); jsonschema takes only \
         lowercase `xn--` as an A-label, and so refuses the `--` in third and fourth position",
    ),
    (
        Format::Regex,
        "\\p{NotAProperty}",
        "ECMA-262 makes an unknown property name a syntax error; regress checks names against \
         the Unicode tables, jsonschema checks their shape only",
    ),
    (Format::Regex, "\\p{Script=NotAScript}", "same, for an unknown property value"),
    (Format::Regex, "\\p{Unknown}", "same: `Unknown` is a Script value, not a property name"),
];

/// Characters the RFC keeps out of a format and `jsonschema` lets in: every
/// input holding one must be refused, whatever `jsonschema` says. Each entry
/// is checked to still be a difference somewhere.
const REFUSED_CHARACTERS: &[(Format, char, &str)] = &[
    (
        Format::UriTemplate,
        '\'',
        "RFC 6570 `literals` leave out the apostrophe (%x27), and no `varname` holds it",
    ),
    (
        Format::UriTemplate,
        '\u{fffd}',
        "U+FFFD is a Unicode special, outside RFC 3987's `ucschar` and `iprivate`, the non-ASCII \
         characters RFC 6570 `literals` allow; jsonschema takes any non-ASCII character",
    ),
];

/// Characters substituted and inserted at every position of the seeds.
const INTERESTING: &[char] = &[
    '0',
    '1',
    '9',
    'a',
    'f',
    'g',
    'z',
    'A',
    'F',
    'G',
    'Z',
    'T',
    't',
    '-',
    '.',
    ':',
    '/',
    '@',
    '%',
    '#',
    '?',
    '[',
    ']',
    '{',
    '}',
    '(',
    ')',
    '\\',
    '"',
    '\'',
    '+',
    '_',
    '=',
    ',',
    ';',
    '~',
    '*',
    '|',
    '^',
    '$',
    '<',
    '>',
    ' ',
    '\t',
    '\n',
    '\u{0}',
    '\u{7f}',
    '\u{e9}',
    '\u{3b1}',
    '\u{a0}',
    '\u{fffd}',
    '\u{1f600}',
];

/// Valid values of each format, to mutate.
fn seeds(format: Format) -> &'static [&'static str] {
    match format {
        Format::DateTime => &[
            "1985-04-12T23:20:50.52Z",
            "1996-12-19T16:39:57-08:00",
            "1990-12-31T23:59:60Z",
            "1990-12-31T15:59:60-08:00",
            "2024-02-29t00:00:00z",
        ],
        Format::Date => &["2020-02-29", "1963-06-19", "2021-12-31", "2100-02-28"],
        Format::Time => {
            &["23:59:60Z", "08:30:06.283185Z", "12:00:00+05:30", "00:29:60+00:30", "23:59:60.5-00:00"]
        }
        Format::Email => &[
            "joe.bloggs@example.com",
            "\"joe bloggs\"@example.com",
            "joe@[127.0.0.1]",
            "joe@[IPv6:2001:db8::1]",
            "a+b-c@sub.example.org",
            "\"\"@example.com",
        ],
        Format::Hostname => &["www.example.com", "a-b.c-d.e", "1host.example", "x.y-z0"],
        Format::IdnHostname => &[
            "\u{c2e4}\u{b840}.\u{d14c}\u{c2a4}\u{d2b8}",
            "b\u{fc}cher.example",
            "\u{3b1}\u{3b2}\u{3b3}.example",
            "xn--bcher-kva.example",
            "l\u{b7}l.cat",
        ],
        Format::IdnEmail => &[
            "\u{c2e4}\u{b840}@\u{c2e4}\u{b840}.\u{d14c}\u{c2a4}\u{d2b8}",
            "joe.bloggs@b\u{fc}cher.example",
            "\u{e9}t\u{e9}@example.com",
            "joe@[127.0.0.1]",
        ],
        Format::Ipv4 => &["192.168.0.1", "255.255.255.255", "0.0.0.0", "10.20.30.40"],
        Format::Ipv6 => {
            &["2001:db8::8a2e:370:7334", "::ffff:192.0.2.1", "fe80::1", "1:2:3:4:5:6:7:8", "::", "1::8"]
        }
        Format::Uri => &[
            "http://user:pw@example.com:8080/a/b?c=d&e#frag",
            "urn:isbn:0451450523",
            "http://[2001:db8::1]:80/",
            "mailto:joe@example.com",
            "file:///etc/hosts",
            "http://[v1.fe]/x",
            "a+b.c-d:%41",
        ],
        Format::UriReference => {
            &["//example.com/a", "../a/b?c#d", "#frag", "/a%20b", "http://x/y", "//[::1]:8/", "a/b:c"]
        }
        Format::Iri => &[
            "http://\u{ff}.example/\u{3b1}?\u{3b2}#\u{3b3}",
            "urn:x:\u{fc}",
            "http://user:pw@example.com:8080/a/b?c=d&e#frag",
            "http://[2001:db8::1]:80/",
        ],
        Format::IriReference => {
            &["/\u{3b1}\u{3b2}?\u{3b3}#\u{3b4}", "//\u{e9}/\u{fc}", "../a/b?c#d", "#frag", "http://x/y"]
        }
        Format::UriTemplate => &[
            "http://example.com/dictionary/{term:1}/{term}",
            "{/path*}{?q,lang}{&page}{#frag}",
            "/search{?q*}{.ext}{;p}{+base}",
            "a%20b/{var.name_1:9999}",
        ],
        Format::JsonPointer => &["/foo/0/bar", "/a~1b/m~0n", "", "/", "/ /\u{e9}/%25"],
        Format::RelativeJsonPointer => &["0", "1/0", "12/a~0b", "0#", "100/"],
        Format::Uuid => &["2eb8aa08-aa98-11ea-b4aa-73b441d16380", "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6"],
        Format::Regex => &[
            "^[a-z]+(?:-[a-z]+)*$",
            "(?<year>\\d{4})-(?<m>\\d{2})\\k<year>",
            "\\u{1F600}[\\-\\]\\u0041]\\x41",
            "a{2,3}?|b*?(?=c)(?!d)(?<=e)(?<!f)",
            "[^\\s\\S]\\b\\cA\\x41\\u0041\\0",
            "^\\-?\\d+(\\.\\d+)?$",
        ],
    }
}

/// Hand-picked edge cases, valid and invalid.
fn edge_cases(format: Format) -> &'static [&'static str] {
    match format {
        Format::DateTime => &[
            "",
            "1985-04-12T23:20:50Z",
            "1985-04-12 23:20:50Z",
            "1985-04-12T23:20:50",
            "1985-04-12T23:20:50.Z",
            "1985-04-12T23:20:50.123456789012Z",
            "2023-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "1990-12-31T22:59:60Z",
            "1990-12-31T23:59:61Z",
            "1990-12-31T00:59:60+01:00",
            "1990-12-31T23:59:60+00:01",
            "1990-12-31T23:58:60-00:01",
            "1985-04-12T23:20:50+24:00",
            "1985-04-12T23:20:50+23:60",
            "1985-04-12T23:20:50+2300",
            "1985-04-12T23:20:50+23",
            "1985-04-12T24:00:00Z",
            "1985-04-12T23:20:50ZZ",
            "1985-04-12TT23:20:50Z",
            "1985-04-12T23:20:50.5+01:00",
            "1985-4-12T23:20:50Z",
            "+1985-04-12T23:20:50Z",
            "19850412T232050Z",
            "1985-04-12T23:20Z",
            "\u{661}985-04-12T23:20:50Z",
            "1985-04-12T23:20:50\u{200b}Z",
            "1985-04-12T23:20:50z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:60Z",
        ],
        Format::Date => &[
            "",
            "2021-02-28",
            "2021-02-29",
            "2000-02-29",
            "1900-02-29",
            "2021-04-30",
            "2021-04-31",
            "2021-00-01",
            "2021-13-01",
            "2021-01-00",
            "2021-01-32",
            "2021-1-01",
            "20210101",
            "2021/01/01",
            "2021-01-01T00:00:00Z",
            " 2021-01-01",
            "2021-01-0\u{661}",
            "-001-01-01",
        ],
        Format::Time => &[
            "",
            "08:30:06Z",
            "08:30:06",
            "08:30:06.Z",
            "08:30:06.1234567890123Z",
            "24:00:00Z",
            "23:60:00Z",
            "23:59:61Z",
            "23:59:60+00:00",
            "22:59:60Z",
            "00:29:60+00:30",
            "23:29:60-00:30",
            "12:00:00+23:59",
            "12:00:00+24:00",
            "12:00:00-00:60",
            "12:00:00+5:30",
            "12:00:00+05:30:00",
            "12:00",
            "1:00:00Z",
            "12:00:00 Z",
            "12:00:00z",
            "12:00:00\u{200b}Z",
        ],
        Format::Email => &[
            "",
            "@",
            "joe",
            "@example.com",
            "joe@",
            "joe@example",
            "joe@localhost",
            "joe..bloggs@example.com",
            ".joe@example.com",
            "joe.@example.com",
            "joe@-example.com",
            "joe@example-.com",
            "joe@example.com.",
            "joe@exa_mple.com",
            "Joe Bloggs <joe@example.com>",
            "<joe@example.com>",
            "jo\u{e9}@example.com",
            "joe@ex\u{e4}mple.com",
            "\"jo\u{e9}\"@example.com",
            "joe@[300.0.0.1]",
            "joe@[127.0.0.1",
            "joe@[ipv6:::1]",
            "joe@[IPv6:::12345]",
            "joe@[IPv6:1.2.3.4]",
            "joe@[::1]",
            "\"a@b\"@example.com",
            "\"a\\\"b\"@example.com",
            "\"a\\\u{7f}\"@example.com",
            "a@b@example.com",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
            "joe@ab--cd.example",
            "joe@1.2.3.4",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "joe bloggs@example.com",
        ],
        Format::Hostname => &[
            "",
            ".",
            "a",
            "a.",
            ".a",
            "a..b",
            "-a",
            "a-",
            "a-.b",
            "1",
            "123.456",
            "ab--cd",
            "ab-cd",
            "xn--",
            "xn---",
            "exa_mple.com",
            "exa mple.com",
            "ex\u{e4}mple.com",
            "example.com:80",
            "*.example.com",
        ],
        Format::IdnHostname => &[
            "",
            "-a.example",
            "a-.example",
            "ab--cd.example",
            "xn--a.example",
            "example.com.",
            "\u{302e}\u{c2e4}\u{b840}",
            "\u{c2e4}\u{302e}\u{b840}",
            "\u{640}\u{7fa}",
            "a\u{b7}l",
            "l\u{b7}a",
            "\u{b7}l",
            "\u{3b1}\u{375}\u{3b2}",
            "\u{3b1}\u{375}S",
            "\u{5d0}\u{5f3}\u{5d1}",
            "\u{5f3}\u{5d1}",
            "\u{30ab}\u{30fb}\u{30ab}",
            "def\u{30fb}abc",
            "\u{661}\u{662}",
            "\u{661}\u{6f2}",
            "\u{915}\u{94d}\u{200d}",
            "\u{915}\u{200d}",
            "\u{300}a",
            "a\u{300}",
            "\u{1f600}.example",
            "a\u{a0}b",
        ],
        Format::IdnEmail => &[
            "",
            "@example.com",
            "joe@",
            "joe@\u{302e}\u{c2e4}",
            "\u{c2e4}@-a.example",
            "\"\u{e9}t\u{e9}\"@example.com",
            "joe..bloggs@example.com",
            "Joe@[IPv6:::1]",
        ],
        Format::Ipv4 => &[
            "",
            "1.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.04",
            "0.0.0.0",
            "256.1.1.1",
            "1.2.3.-4",
            "1.2.3.4 ",
            "0x7f.0.0.1",
            "127.1",
            "1..3.4",
            "\u{661}.2.3.4",
            "1.2.3.4/24",
            "4294967295",
        ],
        Format::Ipv6 => &[
            "",
            "::",
            "::1",
            "1::",
            ":::",
            "1::2::3",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7::",
            "1:2:3:4:5:6:7:8::",
            "12345::",
            "fe80::1%eth0",
            "[::1]",
            "::ffff:1.2.3.4",
            "::ffff:1.2.3",
            "::ffff:01.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4",
            "1.2.3.4::",
            "FFFF::ffff",
            " ::1",
            "0:0:0:0:0:0:0:0",
            "00000::",
        ],
        Format::Uri | Format::Iri => &[
            "",
            "a:",
            "a:b",
            "1a:b",
            "+a:b",
            "a b:c",
            ":b",
            "//host",
            "/path",
            "http://",
            "http:///path",
            "http://host:port/",
            "http://host:80:80/",
            "http://[::1]/",
            "http://[::1",
            "http://[:::1]/",
            "http://[v1.x]/",
            "http://[v.x]/",
            "http://[vz.x]/",
            "http://[::ffff:1.2.3.4]/",
            "http://1.2.3.256/",
            "http://a@b@c/",
            "http://a%zzb/",
            "http://a%4/",
            "http://example.com/a b",
            "http://example.com/a#b#c",
            "http://example.com/\u{e9}",
            "http://\u{e9}.com/",
            "http://example.com/?\u{e000}",
            "http://example.com/\u{fffd}",
            "http://example.com/\u{a0}",
            "http://example.com/\\",
            "http://example.com/{}",
            "http://example.com/^",
            "http://example.com/`",
            "http://example.com/|",
            "http://example.com/\"",
            "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
            "tel:+1-816-555-1212",
            "ldap://[2001:db8::7]/c=GB?objectClass?one",
            "news:comp.infosystems.www.servers.unix",
            "http://example.com/%E2%82%AC",
            "http://example.com/%FF",
        ],
        Format::UriReference | Format::IriReference => &[
            "",
            "#",
            "?",
            "/",
            "//",
            "///",
            "a",
            "a:b",
            "1a:b",
            "a/b:c",
            "1:b",
            ":",
            "./a:b",
            "%41",
            "%4",
            "%zz",
            "a b",
            "\\\\WINDOWS\\fileshare",
            "#a#b",
            "//[::1]",
            "//[::1",
            "//a@b@c",
            "//host:12ab",
            "\u{e9}",
            "/\u{e9}",
            "#\u{e9}",
            "?\u{fffd}",
            "/\u{e000}",
            "?\u{e000}",
            "/\u{a0}",
            "/{}",
        ],
        Format::UriTemplate => &[
            "",
            "plain",
            "{}",
            "{",
            "}",
            "{a",
            "a}",
            "{a}}",
            "{{a}}",
            "{a,}",
            "{,a}",
            "{a,b}",
            "{+a}",
            "{#a}",
            "{.a}",
            "{/a}",
            "{;a}",
            "{?a}",
            "{&a}",
            "{=a}",
            "{!a}",
            "{@a}",
            "{|a}",
            "{$a}",
            "{a*}",
            "{a:0}",
            "{a:1}",
            "{a:01}",
            "{a:10000}",
            "{a:*}",
            "{a.b}",
            "{a..b}",
            "{.a.}",
            "{%41}",
            "{%4}",
            "{a b}",
            "{a-b}",
            "%",
            "%zz",
            "a%2\u{a0}b/{x}",
            "%\u{e9}",
            "a\"b",
            "a'b",
            "a<b>",
            "a\\b",
            "a^b",
            "a`b",
            "a|b",
            "a b",
            "\u{e9}",
            "{\u{e9}}",
        ],
        Format::JsonPointer => &[
            "",
            "/",
            "//",
            "a",
            "#",
            "#/a",
            "/~",
            "/~0",
            "/~1",
            "/~2",
            "/~01",
            "/a~",
            "/~~",
            "/%7E",
            "/\u{0}",
            "/\u{1f600}",
        ],
        Format::RelativeJsonPointer => &[
            "",
            "0",
            "00",
            "01",
            "1",
            "10",
            "-1",
            "+1",
            "0#",
            "0##",
            "0#/",
            "1#a",
            "#",
            "/a",
            "0/a",
            "0a",
            "1/~",
            "1/~1",
            "9999999999999999999999/a",
        ],
        Format::Uuid => &[
            "",
            "2eb8aa08-aa98-11ea-b4aa-73b441d16380",
            "2eb8aa08aa9811eab4aa73b441d16380",
            "2eb8aa08-aa98-11ea-b4aa-73b441d1638",
            "2eb8aa08-aa98-11ea-b4aa-73b441d163800",
            "{2eb8aa08-aa98-11ea-b4aa-73b441d16380}",
            "urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380",
            "2eb8aa0-8aa98-11ea-b4aa-73b441d16380",
            "2eb8aa08-aa98-11ea-b4aa-73b441d1638g",
            "2eb8aa08-aa98-11ea-b4aa_73b441d16380",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            " 2eb8aa08-aa98-11ea-b4aa-73b441d16380",
        ],
        Format::Regex => &[
            "",
            "|",
            "()",
            "[]",
            "[^]",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "a{",
            "a{1",
            "a{1,",
            "a{,1}",
            "a{2,1}",
            "a{1}{2}",
            "a**",
            "a*?",
            "a*??",
            "*",
            "^*",
            "$+",
            "\\b*",
            "(?=a)*",
            "(?<=a)?",
            "(?:a)",
            "(?i:a)",
            "(?i)a",
            "(?P<n>a)",
            "(?<n>a)(?<n>b)",
            "(?<n>a)|(?<n>b)",
            "\\k<n>",
            "(?<n>a)\\k<n>",
            "\\1",
            "(a)\\1",
            "(a)\\2",
            "\\0",
            "\\00",
            "\\01",
            "\\a",
            "\\e",
            "\\z",
            "\\Z",
            "\\A",
            "\\c",
            "\\c1",
            "\\cA",
            "\\x4",
            "\\x41",
            "\\u004",
            "\\u0041",
            "\\u{41}",
            "\\u{110000}",
            "\\uD83D",
            "\\uD83D\\uDE00",
            "\\p{L}",
            "\\p{Lu}",
            "\\p{Letter}",
            "\\p{Script=Greek}",
            "\\p{sc=Grek}",
            "\\pL",
            "\\p{}",
            "\\p{Unknown}",
            "\\p{Script=Unknown}",
            "\\P{L}",
            "\\-",
            "\\:",
            "\\_",
            "\\ ",
            "\\@",
            "\\/",
            "\\\u{e9}",
            "\\\u{a7}",
            "[\\-]",
            "[\\:]",
            "[a-z]",
            "[z-a]",
            "[\\d-z]",
            "[a-\\d]",
            "[\\b]",
            "[\\B]",
            "[\\1]",
            "\\",
            "a\\",
            "[\\",
            "\u{1f600}",
            "[\u{1f600}-\u{1f64f}]",
        ],
    }
}

/// The seed itself, then every deletion, replacement and insertion of one character.
fn mutations(seed: &str) -> Vec<String> {
    let chars: Vec<char> = seed.chars().collect();
    let mut out = vec![seed.to_owned()];
    for i in 0..=chars.len() {
        let (before, after) = chars.split_at(i);
        let rebuild =
            |middle: &[char], rest: &[char]| before.iter().chain(middle).chain(rest).collect::<String>();
        for &c in INTERESTING {
            out.push(rebuild(&[c], after));
        }
        if let Some((_, rest)) = after.split_first() {
            out.push(rebuild(&[], rest));
            for &c in INTERESTING {
                out.push(rebuild(&[c], rest));
            }
        }
    }
    out
}

fn corpus(format: Format) -> BTreeSet<String> {
    let mut corpus: BTreeSet<String> = edge_cases(format).iter().map(|s| (*s).to_owned()).collect();
    for seed in seeds(format) {
        corpus.extend(mutations(seed));
    }
    corpus.extend(
        INTENDED_DIFFERENCES.iter().filter(|(f, _, _)| *f == format).map(|(_, s, _)| (*s).to_owned()),
    );
    corpus
}

/// `jsonschema`'s verdict. `uuid` is not a draft-07 format there (it ignores it),
/// so it is checked under draft 2019-09, which defines it as RFC 4122.
fn reference(format: Format) -> jsonschema::Validator {
    let schema = json!({ "type": "string", "format": format.name() });
    let built = match format {
        Format::Uuid => jsonschema::draft201909::options().should_validate_formats(true).build(&schema),
        _ => jsonschema::draft7::options().should_validate_formats(true).build(&schema),
    };
    built.expect("schema compiles")
}

fn is_intended(format: Format, input: &str) -> bool {
    INTENDED_DIFFERENCES.iter().any(|(f, s, _)| *f == format && *s == input)
}

#[test]
fn formats_agree_with_jsonschema() {
    let mut unexpected = Vec::new();
    let mut total = 0;
    let mut refused_characters_seen = BTreeSet::new();
    for format in Format::ALL {
        let reference = reference(format);
        for input in corpus(format) {
            total += 1;
            let ours = format.is_valid(&input);
            let theirs = reference.is_valid(&json!(input));
            let refused_character =
                REFUSED_CHARACTERS.iter().find(|(f, c, _)| *f == format && input.contains(*c));
            if let Some((_, character, _)) = refused_character {
                if ours {
                    unexpected
                        .push(format!("{:>14} {input:?}: ours true, holding {character:?}", format.name()));
                } else if theirs {
                    refused_characters_seen.insert((format.name(), *character));
                }
                continue;
            }
            if (ours != theirs) != is_intended(format, &input) {
                unexpected.push(format!("{:>14} {input:?}: ours {ours}, jsonschema {theirs}", format.name()));
            }
        }
    }
    for (format, character, _) in REFUSED_CHARACTERS {
        if !refused_characters_seen.contains(&(format.name(), *character)) {
            unexpected
                .push(format!("{}: {character:?} is listed, but jsonschema refuses it too", format.name()));
        }
    }
    assert!(total > Format::ALL.len() * 300, "corpus too small: {total}");
    assert!(unexpected.is_empty(), "{} unexpected verdicts:\n{}", unexpected.len(), unexpected.join("\n"));
}

#[test]
fn every_format_has_hundreds_of_cases() {
    for format in Format::ALL {
        let size = corpus(format).len();
        assert!(size >= 300, "{}: {size}", format.name());
    }
}

#[test]
fn jsonschema_ignores_uuid_in_draft_7() {
    let schema = json!({ "type": "string", "format": "uuid" });
    let draft7 =
        jsonschema::draft7::options().should_validate_formats(true).build(&schema).expect("compiles");
    assert!(draft7.is_valid(&json!("not a uuid")));
}

/// The typed readings of `date-time` and `date`, done in the pass that checks
/// the format, give what chrono's own parsers give on every string of the
/// corpus that the check accepts (leap seconds, offsets, long fractions), and
/// nothing on every string it refuses.
#[test]
fn dates_read_as_chrono_reads_them() {
    use asyncapi_rt::format::{is_date, is_date_time, parse_date, parse_date_time};
    use chrono::{DateTime, NaiveDate};

    let mut valid = 0;
    for input in corpus(Format::DateTime) {
        let expected = is_date_time(&input).then(|| DateTime::parse_from_rfc3339(&input).ok());
        if let Some(chrono) = &expected {
            assert!(chrono.is_some(), "chrono refuses {input:?}");
            valid += 1;
        }
        assert_eq!(parse_date_time(&input), expected.flatten(), "{input:?}");
    }
    for input in corpus(Format::Date) {
        let expected = is_date(&input).then(|| NaiveDate::parse_from_str(&input, "%Y-%m-%d").ok());
        if let Some(chrono) = &expected {
            assert!(chrono.is_some(), "chrono refuses {input:?}");
            valid += 1;
        }
        assert_eq!(parse_date(&input), expected.flatten(), "{input:?}");
    }
    assert!(valid >= 100, "only {valid} valid dates");

    let fraction = |input: &str| parse_date_time(input).map(|t| t.timestamp_subsec_nanos());
    assert_eq!(fraction("1985-04-12T23:20:50.52Z"), Some(520_000_000));
    assert_eq!(fraction("1985-04-12T23:20:50.123456789987Z"), Some(123_456_789));
    assert_eq!(fraction("1990-12-31T23:59:60.5Z"), Some(1_500_000_000));
}
