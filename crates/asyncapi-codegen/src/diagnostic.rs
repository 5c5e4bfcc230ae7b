//! Located diagnostics, rendered like a compiler's: what is wrong, where (file,
//! line, column and the JSON pointer of the node), the offending line, and how to
//! fix it when we know.

use std::fmt;

/// How bad a diagnostic is: errors stop generation, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a node of one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Box<Location>>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, message: message.into(), location: None, help: None }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, message: message.into(), location: None, help: None }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
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
                let text = text.trim_end();
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
        if let Some(help) = &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

/// Everything found in one run, errors and warnings, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
