//! Rust names for things named in the document: the one place that decides them.
//!
//! Names are derived from the document only (keys, `operationId`s, property
//! names, titles), never from counters, except as the last resort when two
//! different things end up with the same name: then the later one (in document
//! order) gets a number, deterministically.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves (2024 edition, strict and reserved).
const KEYWORDS: [&str; 53] = [
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: [&str; 4] = ["crate", "self", "super", "Self"];

/// Names of the prelude and of the std types generated code spells without a
/// path: a generated type with one of these names would shadow them.
pub const RESERVED_TYPE_NAMES: [&str; 16] = [
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Self", "Default", "Clone",
    "Copy", "Sized", "From", "TryFrom",
];

/// Crates that generated code names: the ones Rust provides, and every crate a
/// generated crate may depend on (its `Cargo.toml` template, the format crates
/// and the runtime). A generated crate of one of these names would hide it
/// (`use std::io` would look in the generated crate), so it takes none.
pub const CRATES_IN_USE: [&str; 13] = [
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
    "asyncapi_rt",
    "serde",
    "serde_json",
    "chrono",
    "url",
    "uuid",
    "clap",
    "tokio",
];

/// Turns arbitrary text into ASCII words heck can case: non-ASCII letters are
/// transliterated (`é` to `e`), everything else that is not alphanumeric becomes a
/// word break, and a few symbols that are a whole name on their own get spelled.
fn words(raw: &str) -> String {
    let ascii = deunicode::deunicode(raw);
    let mut words = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            words.push(c);
        } else {
            words.push(' ');
        }
    }
    if words.trim().is_empty() {
        return spell_symbols(raw);
    }
    words
}

/// Spells a name made only of symbols (`+`, `\r\n`, `""`) as words.
fn spell_symbols(raw: &str) -> String {
    if raw.is_empty() {
        return "empty".to_owned();
    }
    let mut spelled = Vec::new();
    for c in raw.chars() {
        spelled.push(match c {
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '/' => "slash",
            '\\' => "backslash",
            '.' => "dot",
            ',' => "comma",
            ':' => "colon",
            ';' => "semicolon",
            '=' => "equals",
            '<' => "less",
            '>' => "greater",
            '!' => "bang",
            '?' => "question",
            '@' => "at",
            '#' => "hash",
            '$' => "dollar",
            '%' => "percent",
            '&' => "and",
            '|' => "pipe",
            '^' => "caret",
            '~' => "tilde",
            '_' => "underscore",
            '\'' => "quote",
            '"' => "double quote",
            '(' | ')' => "paren",
            '[' | ']' => "bracket",
            '{' | '}' => "brace",
            ' ' => "space",
            '\t' => "tab",
            '\r' => "cr",
            '\n' => "lf",
            _ => "symbol",
        });
    }
    spelled.join(" ")
}

/// A `PascalCase` type or variant name for `raw`.
pub fn pascal(raw: &str) -> String {
    let name = words(raw).to_upper_camel_case();
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("N{name}") } else { name };
    if name == "Self" { "SelfValue".to_owned() } else { name }
}

/// A `snake_case` field, method or function name for `raw`, escaped if it is a
/// keyword (`r#type`, or `self_` where a raw identifier is not allowed).
pub fn snake(raw: &str) -> String {
    let name = words(raw).to_snake_case();
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("n{name}") } else { name };
    escape_keyword(name)
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without a raw prefix (`r#type` is `type` to serde).
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The English singular of a simple plural (`times` to `time`, `entries` to
/// `entry`); `None` when the word does not look like one.
pub fn singular(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    if lower.ends_with("ies") && word.len() > 3 {
        return Some(format!("{}y", &word[..word.len() - 3]));
    }
    for ending in ["sses", "shes", "ches", "xes"] {
        if lower.ends_with(ending) {
            return Some(word[..word.len() - 2].to_owned());
        }
    }
    if lower.ends_with('s')
        && !lower.ends_with("ss")
        && !lower.ends_with("us")
        && !lower.ends_with("is")
        && word.len() > 1
    {
        return Some(word[..word.len() - 1].to_owned());
    }
    None
}

/// What serde's `rename_all = "camelCase"` makes of a snake_case field name.
pub fn serde_camel_case(field: &str) -> String {
    let mut camel = String::with_capacity(field.len());
    let mut capitalize = false;
    for (index, c) in unraw(field).chars().enumerate() {
        if c == '_' {
            capitalize = index > 0;
        } else if capitalize {
            camel.extend(c.to_uppercase());
            capitalize = false;
        } else {
            camel.push(c);
        }
    }
    camel
}

/// A Cargo package name from a document title (`GoToWebinar Webhook Events` to
/// `go-to-webinar-webhook-events`).
pub fn crate_name(title: &str) -> String {
    use heck::ToKebabCase;
    let name = words(title).to_kebab_case();
    let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) { name } else { format!("api-{name}") };
    // Cargo refuses a keyword as a package name (`type`), and a crate the
    // generated code uses would be hidden by its namesake: `type-api` instead.
    let rust_name = name.replace('-', "_");
    if KEYWORDS.contains(&rust_name.as_str()) || CRATES_IN_USE.contains(&rust_name.as_str()) {
        format!("{name}-api")
    } else {
        name
    }
}

/// Why `name` cannot name the generated package, if it cannot: Cargo wants
/// ASCII letters, digits, `-` and `_`, starting with a letter, and no Rust
/// keyword, and the crate's Rust name (`-` as `_`) must be an identifier that
/// hides no crate the generated code uses.
pub fn crate_name_problem(name: &str) -> Option<&'static str> {
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("a package name starts with an ASCII letter")
    } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Some("a package name holds only ASCII letters, digits, `-` and `_`")
    } else if KEYWORDS.contains(&name.replace('-', "_").as_str()) {
        Some("a Rust keyword cannot name a package")
    } else if CRATES_IN_USE.contains(&name.replace('-', "_").as_str()) {
        Some("the generated code uses a crate of that name, which this one would hide")
    } else {
        None
    }
}

/// A semantic version for Cargo from `info.version`: kept when it is one,
/// completed when it lacks parts (`1.2` to `1.2.0`), else `0.0.0` with the
/// document's version as build metadata (`2023-01` to `0.0.0+2023-01`).
pub fn crate_version(version: &str) -> String {
    let version = version.trim().trim_start_matches(['v', 'V']);
    let (core, rest) = match version.find(['-', '+']) {
        Some(at) => (&version[..at], &version[at..]),
        None => (version, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric = numbers.iter().all(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'))
    });
    // A pre-release or build suffix only on a complete version; numeric
    // identifiers without leading zeros, as semver says.
    let suffix_ok = rest.is_empty()
        || (numbers.len() == 3
            && rest[1..].split(['.', '-', '+']).all(|part| {
                !part.is_empty()
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
                    && !(part.len() > 1 && part.starts_with('0') && part.bytes().all(|b| b.is_ascii_digit()))
            }));
    if numeric && (1..=3).contains(&numbers.len()) && suffix_ok {
        let mut parts: Vec<&str> = numbers;
        while parts.len() < 3 {
            parts.push("0");
        }
        return format!("{}{rest}", parts.join("."));
    }
    let metadata: String = version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' })
        .collect::<String>()
        .split('.')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    if metadata.is_empty() { "0.0.0".to_owned() } else { format!("0.0.0+{metadata}") }
}

/// Hands out unique names in one scope (the fields of a struct, the variants of
/// an enum, the types of a module): the first claimant keeps a name, later ones
/// get `2`, `3`... in the order they claim.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope in which `names` are already taken.
    pub fn with_reserved(names: &[&str]) -> Self {
        Self { taken: names.iter().map(|n| (*n).to_owned()).collect() }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// `name` if free, else `name2`, `name3`... (`name_2` for snake_case names).
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let (stem, separator) = match name.strip_prefix("r#") {
            Some(bare) => (bare, "_"),
            None if name.contains('_') || name.chars().all(|c| !c.is_ascii_uppercase()) => (name, "_"),
            None => (name, ""),
        };
        (2..)
            .map(|n| format!("{stem}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_rust_keywords() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("ref"), "r#ref");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(pascal("self"), "SelfValue");
        assert_eq!(unraw("r#type"), "type");
    }

    #[test]
    fn makes_identifiers_of_any_text() {
        assert_eq!(snake("eventName"), "event_name");
        assert_eq!(snake("X-Webhook-Signature"), "x_webhook_signature");
        assert_eq!(snake("1inch"), "n1inch");
        assert_eq!(pascal("1inchusd"), "N1inchusd");
        assert_eq!(pascal("registrant.added"), "RegistrantAdded");
        assert_eq!(snake("user@host"), "user_host");
        assert_eq!(snake("café_crème"), "cafe_creme");
        assert_eq!(pascal("auction, block_trade"), "AuctionBlockTrade");
        assert_eq!(pascal("\r\n"), "CrLf");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("+"), "Plus");
        assert_eq!(snake("$ref"), "r#ref");
        assert_eq!(snake("__proto__"), "proto");
    }

    #[test]
    fn singularizes_simple_plurals_only() {
        assert_eq!(singular("times").as_deref(), Some("time"));
        assert_eq!(singular("responses").as_deref(), Some("response"));
        assert_eq!(singular("entries").as_deref(), Some("entry"));
        assert_eq!(singular("boxes").as_deref(), Some("box"));
        assert_eq!(singular("status"), None);
        assert_eq!(singular("address"), None);
        assert_eq!(singular("meta"), None);
    }

    #[test]
    fn predicts_serde_camel_case() {
        assert_eq!(serde_camel_case("event_name"), "eventName");
        assert_eq!(serde_camel_case("r#type"), "type");
        assert_eq!(serde_camel_case("join_url"), "joinUrl");
        assert_eq!(serde_camel_case("n1inch"), "n1inch");
    }

    #[test]
    fn derives_cargo_names_and_versions() {
        assert_eq!(crate_name("GoToWebinar Webhook Events"), "go-to-webinar-webhook-events");
        assert_eq!(crate_name("1st API"), "api-1st-api");
        assert_eq!(crate_name("Type"), "type-api");
        assert_eq!(crate_name("Match"), "match-api");
        assert_eq!(crate_name("Std"), "std-api");
        assert_eq!(crate_name("Tokio"), "tokio-api");
        assert_eq!(crate_name("Serde JSON"), "serde-json-api");
        assert_eq!(crate_name("URL"), "url-api");
        assert_eq!(crate_name("Serde JSON Events"), "serde-json-events");
        for title in ["Type", "1st API", "--", "Chat {{beta}}", "Ünïcode ✓", "a_b", "Std", "Proc Macro"] {
            assert_eq!(crate_name_problem(&crate_name(title)), None, "{title}");
        }
        assert_eq!(crate_name_problem("ok-name_2"), None);
        for name in ["a b", "9lives", "type", "self", "-x", "", "naïve", "std", "serde-json", "asyncapi-rt"]
        {
            assert!(crate_name_problem(name).is_some(), "{name}");
        }
        assert_eq!(crate_version("1.0.0"), "1.0.0");
        assert_eq!(crate_version("1.2"), "1.2.0");
        assert_eq!(crate_version("v2"), "2.0.0");
        assert_eq!(crate_version("1.0.0-beta.1"), "1.0.0-beta.1");
        assert_eq!(crate_version("2023-01-15"), "0.0.0+2023-01-15");
        assert_eq!(crate_version("01.2.3"), "0.0.0+01.2.3");
        assert_eq!(crate_version(""), "0.0.0");
    }

    #[test]
    fn resolves_collisions_after_case_conversion_in_order() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim(&snake("fooBar")), "foo_bar");
        assert_eq!(scope.claim(&snake("foo_bar")), "foo_bar_2");
        assert_eq!(scope.claim(&snake("FOO-BAR")), "foo_bar_3");
        let mut types = Scope::with_reserved(&RESERVED_TYPE_NAMES);
        assert_eq!(types.claim(&pascal("string")), "String2");
        assert_eq!(types.claim(&pascal("user")), "User");
        assert_eq!(types.claim(&pascal("USER")), "User2");
        let mut fields = Scope::new();
        assert_eq!(fields.claim("r#type"), "r#type");
        assert_eq!(fields.claim("r#type"), "type_2");
    }
}
