//! Located diagnostics, rendered like a compiler's: what is wrong, where (file,
//! line, column and the JSON pointer of the node), the offending line, and how to
//! fix it when we know.

use std::collections::HashSet;
use std::fmt;

/// How bad a diagnostic is: errors stop generation, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a node of one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file as the user named it (relative paths stay relative).
    pub file: String,
    /// 1-based line; `None` when the node could not be placed in the text.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// JSON pointer (RFC 6901) of the node inside the file.
    pub pointer: String,
    /// The text of the line, for the snippet under the message.
    pub line_text: Option<String>,
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Box<Location>>,
    /// Context that is not the fix (`referenced from a.yaml:3:5`), in order.
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            message: message.into(),
            location: None,
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The JSON pointer of the node it is about (empty when it has no location).
    pub fn pointer(&self) -> &str {
        self.location.as_ref().map_or("", |l| l.pointer.as_str())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        if let Some(location) = &self.location {
            match (location.line, location.column) {
                (Some(line), Some(column)) => writeln!(f, "  --> {}:{line}:{column}", location.file)?,
                _ => writeln!(f, "  --> {}", location.file)?,
            }
            if let (Some(line), Some(column), Some(text)) =
                (location.line, location.column, &location.line_text)
            {
                let number = line.to_string();
                let gutter = " ".repeat(number.len());
                let (text, column) = snippet(text.trim_end(), column);
                let caret_indent: String = text
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, " {gutter} |")?;
                writeln!(f, " {number} | {text}")?;
                writeln!(f, " {gutter} | {caret_indent}^")?;
            }
            let pointer = if location.pointer.is_empty() { "(document root)" } else { &location.pointer };
            writeln!(f, "   = at: {pointer}")?;
        }
        for note in &self.notes {
            writeln!(f, "   = note: {note}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

/// Longest snippet line shown, in characters.
const SNIPPET_WIDTH: usize = 120;

/// The part of `text` shown under a message, and where `column` falls in it: a
/// long line is cut to a window around the column, with `...` where it is cut.
fn snippet(text: &str, column: usize) -> (String, usize) {
    let length = text.chars().count();
    if length <= SNIPPET_WIDTH {
        return (text.to_owned(), column);
    }
    let half = SNIPPET_WIDTH / 2;
    let start = column.saturating_sub(1).saturating_sub(half).min(length.saturating_sub(SNIPPET_WIDTH));
    let end = (start + SNIPPET_WIDTH).min(length);
    let mut shown: String = text.chars().skip(start).take(end - start).collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert_str(0, "...");
        column += 3;
    }
    if end < length {
        shown.push_str("...");
    }
    (shown, column)
}

/// Everything found in one run, errors and warnings, in the order found; the
/// same diagnostic (same message, place and help) is kept once.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    seen: HashSet<Diagnostic>,
}

impl PartialEq for Diagnostics {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

impl Eq for Diagnostics {}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if !self.seen.contains(&diagnostic) {
            self.seen.insert(diagnostic.clone());
            self.list.push(diagnostic);
        }
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for diagnostic in other.list {
            self.push(diagnostic);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.list.iter()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter().filter(|d| !d.is_error())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        let mut diagnostics = Self::new();
        diagnostics.push(diagnostic);
        diagnostics
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.list {
            writeln!(f, "{diagnostic}")?;
        }
        let errors = self.errors().count();
        let warnings = self.warnings().count();
        match (errors, warnings) {
            (0, 0) => Ok(()),
            (0, w) => writeln!(f, "{w} warning(s)"),
            (e, 0) => writeln!(f, "{e} error(s)"),
            (e, w) => writeln!(f, "{e} error(s), {w} warning(s)"),
        }
    }
}

impl std::error::Error for Diagnostics {}

/// Whether `found` looks like a slip for `known`, for a "did you mean"
/// suggestion: the same but for case, or, case aside, one edit away (two for
/// names of five characters or more).
pub fn near_miss(found: &str, known: &str) -> bool {
    if found.eq_ignore_ascii_case(known) {
        return true;
    }
    let (a, b) = (found.chars().count(), known.chars().count());
    if a.max(b) > 64 || a.abs_diff(b) > 2 || a.min(b) < 3 {
        return false;
    }
    strsim::levenshtein(&found.to_lowercase(), &known.to_lowercase()) <= if a.min(b) <= 4 { 1 } else { 2 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_slips_not_other_names() {
        assert!(near_miss("UserSignedUp", "UserSignedIn"));
        assert!(near_miss("user", "User"));
        assert!(near_miss("strng", "string"));
        assert!(near_miss("Intger", "integer"));
        assert!(near_miss("nul", "null"));
        assert!(near_miss("Nul", "null") && near_miss("NUMBR", "number"), "case aside");
        assert!(!near_miss("a", "b"), "too short to judge");
        assert!(!near_miss("bool", "null"), "two edits in a short name");
        assert!(!near_miss("number", "object"));
    }

    #[test]
    fn renders_like_a_compiler() {
        let diagnostic = Diagnostic::error("unresolved reference `#/components/schemas/Nope`")
            .at(Location {
                file: "spec/a.yaml".into(),
                line: Some(12),
                column: Some(9),
                pointer: "/channels/a/subscribe/message/$ref".into(),
                line_text: Some("        $ref: '#/components/schemas/Nope'".into()),
            })
            .with_help("define it under components/schemas");
        let text = diagnostic.to_string();
        assert_eq!(
            text,
            "error: unresolved reference `#/components/schemas/Nope`\n  --> spec/a.yaml:12:9\n    |\n 12 |         $ref: '#/components/schemas/Nope'\n    |         ^\n   = at: /channels/a/subscribe/message/$ref\n   = help: define it under components/schemas\n"
        );
    }

    #[test]
    fn renders_notes_before_the_help() {
        let diagnostic = Diagnostic::error("invalid YAML")
            .with_note("referenced from a.yaml:3:5")
            .with_help("fix the file");
        assert_eq!(
            diagnostic.to_string(),
            "error: invalid YAML\n   = note: referenced from a.yaml:3:5\n   = help: fix the file\n"
        );
    }

    #[test]
    fn cuts_long_lines_around_the_column() {
        let line = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let diagnostic = Diagnostic::error("here").at(Location {
            file: "long.json".into(),
            line: Some(1),
            column: Some(1001),
            pointer: String::new(),
            line_text: Some(line),
        });
        let text = diagnostic.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let shown = lines[3].strip_prefix(" 1 | ").unwrap();
        let caret = lines[4].strip_prefix("   | ").unwrap();
        assert!(shown.starts_with("...a") && shown.ends_with("b..."), "{shown}");
        assert_eq!(shown.chars().count(), SNIPPET_WIDTH + 6);
        assert_eq!(shown.chars().nth(caret.len() - 1), Some('X'), "the caret points at X");
        assert_eq!(snippet("short", 3), ("short".to_owned(), 3));
        let (shown, column) = snippet(&"c".repeat(500), 2);
        assert!(shown.ends_with("...") && !shown.starts_with("..."));
        assert_eq!(column, 2);
        let (shown, column) = snippet(&"c".repeat(500), 500);
        assert!(shown.starts_with("...") && !shown.ends_with("..."));
        assert_eq!(shown.chars().nth(column - 1), Some('c'));
    }

    #[test]
    fn keeps_each_diagnostic_once() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::error("cycle"));
        diagnostics.push(Diagnostic::error("cycle"));
        diagnostics.push(Diagnostic::warning("cycle"));
        diagnostics.extend(Diagnostics::from(Diagnostic::error("cycle")));
        assert_eq!(diagnostics.len(), 2);
        assert_eq!(diagnostics.errors().count(), 1);
        assert_eq!(diagnostics.to_string().matches("error: cycle").count(), 1);
    }
}
