//! Strings that match a `pattern`, and strings that do not.
//!
//! A pattern is parsed with `regex-syntax` (whose syntax covers what schemas
//! commonly write: classes, quantifiers, groups, alternations, escapes) and a
//! string is drawn from its syntax tree, then checked with the ECMA-262 engine
//! the runtime uses. Patterns `regex-syntax` cannot read (look-arounds,
//! back-references) and draws that do not match fall back to a few stock
//! strings; when nothing matches, the caller gets a non-matching string, and
//! the reference validator's verdict says what that body is.

use std::collections::HashMap;

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::rng::Rng;

/// Compiled patterns, by source.
#[derive(Default)]
pub struct Patterns {
    compiled: HashMap<String, Compiled>,
}

struct Compiled {
    /// The pattern as the runtime runs it (ECMA-262, Unicode mode).
    regex: Option<regress::Regex>,
    /// Its syntax tree, when `regex-syntax` reads it.
    hir: Option<Hir>,
}

/// `source` with ECMA-262's control escapes (`\cC`, the code point of the
/// letter modulo 32), which `regex-syntax` does not know, spelled in hex.
fn control_escapes_as_hex(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match (chars.next(), chars.peek()) {
            (Some('c'), Some(letter)) if letter.is_ascii_alphabetic() => {
                out.push_str(&format!("\\x{:02X}", u32::from(*letter) % 32));
                chars.next();
            }
            (Some(escaped), _) => {
                out.push('\\');
                out.push(escaped);
            }
            (None, _) => out.push('\\'),
        }
    }
    out
}

/// Strings tried when drawing from the syntax tree fails.
const STOCK: &[&str] = &["", "a", "abc", "A", "ABC", "0", "123", "a1", "x-y", "a_b", "a.b", "a b", "/", "-"];

impl Patterns {
    fn get(&mut self, source: &str) -> &Compiled {
        self.compiled.entry(source.to_owned()).or_insert_with(|| Compiled {
            regex: asyncapi_rt::format::compile_pattern(source),
            hir: regex_syntax::ParserBuilder::new().build().parse(&control_escapes_as_hex(source)).ok(),
        })
    }

    /// Whether `text` matches `source` anywhere, as the runtime decides it
    /// (`false` for a pattern that does not compile).
    pub fn is_match(&mut self, source: &str, text: &str) -> bool {
        self.get(source).regex.as_ref().is_some_and(|regex| regex.find(text).is_some())
    }

    /// A string matching `source` whose length in code points is in
    /// `min..=max` when one can be found, else the best attempt.
    pub fn matching(&mut self, source: &str, min: usize, max: usize, rng: &mut Rng) -> String {
        let fits = |text: &str| (min..=max).contains(&text.chars().count());
        let mut fallback = None;
        if let Some(hir) = self.get(source).hir.clone() {
            for _ in 0..12 {
                let mut bytes = Vec::new();
                draw(&hir, rng, &mut bytes);
                let text = String::from_utf8_lossy(&bytes).into_owned();
                if self.is_match(source, &text) {
                    if fits(&text) {
                        return text;
                    }
                    // Unanchored patterns match inside longer strings: pad.
                    let padded = pad(&text, min);
                    if fits(&padded) && self.is_match(source, &padded) {
                        return padded;
                    }
                    fallback.get_or_insert(text);
                }
            }
        }
        if let Some(text) = fallback {
            return text;
        }
        for stock in STOCK {
            if fits(stock) && self.is_match(source, stock) {
                return (*stock).to_owned();
            }
        }
        STOCK.get(rng.below(STOCK.len())).map_or_else(String::new, |s| (*s).to_owned())
    }

    /// A string near `text` that does not match `source`, if one is found.
    pub fn breaking(&mut self, source: &str, text: &str, rng: &mut Rng) -> Option<String> {
        let mut candidates: Vec<String> = vec![
            String::new(),
            "!".to_owned(),
            format!("{text}!"),
            format!("!{text}"),
            format!("{text} "),
            text.to_uppercase(),
            text.to_lowercase(),
            "\u{e9}".to_owned(),
            "\u{661}\u{662}".to_owned(),
        ];
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..8 {
            if chars.is_empty() {
                break;
            }
            let at = rng.below(chars.len());
            let mut changed = chars.clone();
            match rng.below(3) {
                0 => {
                    changed.remove(at);
                }
                1 => changed[at] = *rng.pick(&['#', 'Z', '0', ' ', '\u{e9}', '_']).unwrap_or(&'#'),
                _ => changed.insert(at, *rng.pick(&['#', 'a', '9', '-', '\u{3b1}']).unwrap_or(&'#')),
            }
            candidates.push(changed.into_iter().collect());
        }
        let start = rng.below(candidates.len());
        (0..candidates.len())
            .map(|offset| candidates[(start + offset) % candidates.len()].clone())
            .find(|candidate| !self.is_match(source, candidate))
    }
}

fn pad(text: &str, min: usize) -> String {
    let count = text.chars().count();
    if count >= min { text.to_owned() } else { format!("{text}{}", "a".repeat(min - count)) }
}

/// Appends to `out` a string the tree matches (look-arounds are skipped).
fn draw(hir: &Hir, rng: &mut Rng, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.extend_from_slice(&literal.0),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            // Prefer printable ASCII, which every engine reads alike.
            let ascii: Vec<(char, char)> = ranges
                .iter()
                .filter_map(|r| {
                    let (start, end) = (r.start().max(' '), r.end().min('~'));
                    (start <= end).then_some((start, end))
                })
                .collect();
            let pool: Vec<(char, char)> = if !ascii.is_empty() && rng.chance(0.9) {
                ascii
            } else {
                ranges.iter().map(|r| (r.start(), r.end())).collect()
            };
            if let Some(&(start, end)) = rng.pick(&pool) {
                let span = u32::from(end) - u32::from(start);
                let offset = rng.below(span.min(1_000) as usize + 1) as u32;
                let c = char::from_u32(u32::from(start) + offset).unwrap_or(start);
                let mut buffer = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            if let Some(range) = rng.pick(class.ranges()) {
                let span = range.end() - range.start();
                out.push(range.start() + rng.below(usize::from(span) + 1) as u8);
            }
        }
        HirKind::Repetition(repetition) => {
            let min = repetition.min as usize;
            let max = repetition.max.map_or(min + 3, |max| (max as usize).min(min + 3));
            for _ in 0..rng.between(min, max) {
                draw(&repetition.sub, rng, out);
            }
        }
        HirKind::Capture(capture) => draw(&capture.sub, rng, out),
        HirKind::Concat(parts) => parts.iter().for_each(|part| draw(part, rng, out)),
        HirKind::Alternation(alternatives) => {
            if let Some(alternative) = rng.pick(alternatives) {
                draw(alternative, rng, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_escapes_are_spelled_in_hex() {
        assert_eq!(control_escapes_as_hex("^\\cC\\cc$"), "^\\x03\\x03$");
        // An escaped backslash before `c` is no control escape; nor is `\c` without a letter.
        assert_eq!(control_escapes_as_hex("\\\\cC \\c1 \\"), "\\\\cC \\c1 \\");
    }

    #[test]
    fn draws_match_their_patterns() {
        let mut patterns = Patterns::default();
        let mut rng = Rng::new(1);
        for source in [
            "^[A-Z]{2}-\\d+$",
            "^amq\\.gen\\-.+$",
            "b",
            "^(?:a|bc)*x$",
            "^\\p{L}{3}$",
            "^[^\\s]{4,6}$",
            "^\\cC$",
        ] {
            for _ in 0..20 {
                let text = patterns.matching(source, 0, 40, &mut rng);
                assert!(patterns.is_match(source, &text), "{source}: {text:?}");
            }
            let text = patterns.matching(source, 0, 40, &mut rng);
            let broken = patterns.breaking(source, &text, &mut rng);
            assert!(broken.is_some_and(|text| !patterns.is_match(source, &text)), "{source}");
        }
    }

    #[test]
    fn lengths_are_honoured_where_possible() {
        let mut patterns = Patterns::default();
        let mut rng = Rng::new(2);
        for _ in 0..20 {
            let text = patterns.matching("[0-9]", 5, 8, &mut rng);
            assert!((5..=8).contains(&text.chars().count()), "{text:?}");
        }
    }
}
