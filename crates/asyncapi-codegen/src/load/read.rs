//! Reading one file of a document: its bytes, as UTF-8 text, parsed as YAML
//! or JSON into a tree with the position of every node; and every way that
//! fails, located in the file (a syntax error points at its line, column and
//! the construct it is in).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::spans::{MAX_DEPTH, Position, SpanIndex};
use super::{MAX_FILE_BYTES, Site, merge_keys};
use crate::diagnostic::{Diagnostic, Location};

const TOO_DEEP_HELP: &str = "no AsyncAPI document needs this much nesting: move inner schemas to \
                             `components/schemas` and refer to them with `$ref`";

/// One parsed file of the document.
pub(super) struct SourceFile {
    /// Where it was read from (only used to find the files it references).
    pub(super) path: PathBuf,
    /// How diagnostics and generated files name it.
    pub(super) display: String,
    pub(super) text: String,
    /// Where each line of `text` starts, for the snippets of diagnostics.
    pub(super) line_starts: Vec<usize>,
    pub(super) value: Value,
    pub(super) spans: SpanIndex,
    /// For a value built by the generator (traits merged into a message), the node
    /// it stands for.
    pub(super) synthesized_for: Option<Site>,
}

impl SourceFile {
    /// The text of the 1-based `line`, without its line break.
    pub(super) fn line_text(&self, line: usize) -> Option<String> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        let text = self.text[start..end].trim_end_matches('\n').trim_end_matches('\r');
        Some(text.to_owned())
    }
}

/// Where each line of `text` starts.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect()
}

/// Why a file could not be loaded.
pub(super) enum ReadError {
    /// Not there, not a file, not readable (the reason, for a sentence).
    Unreadable(String),
    /// Read, but not a document: a located diagnostic inside the file.
    Invalid(Diagnostic),
}

pub(super) fn too_large(bytes: u64) -> String {
    format!(
        "{} MiB, larger than the {} MiB this generator reads",
        bytes.div_ceil(1 << 20),
        MAX_FILE_BYTES >> 20
    )
}

pub(super) fn read_file(path: &Path, display: String) -> Result<SourceFile, ReadError> {
    let unreadable = |error: std::io::Error| {
        ReadError::Unreadable(match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => error.to_string(),
        })
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(ReadError::Unreadable("it is a folder, not a file".to_owned()));
    }
    // Devices and pipes could be endless, or wait forever for input.
    if !metadata.is_file() {
        return Err(ReadError::Unreadable("it is not a regular file".to_owned()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ReadError::Unreadable(format!("it is {}", too_large(metadata.len()))));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::Unreadable(format!("it is {}", too_large(bytes.len() as u64))));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return Err(ReadError::Invalid(not_utf8(&display, error))),
    };
    parse_text(path.to_owned(), display, text).map_err(ReadError::Invalid)
}

/// The diagnostic for a file that is not UTF-8, at its first bad byte.
pub(super) fn not_utf8(display: &str, error: std::string::FromUtf8Error) -> Diagnostic {
    let valid_up_to = error.utf8_error().valid_up_to();
    let bytes = error.as_bytes();
    let before = String::from_utf8_lossy(&bytes[..valid_up_to]);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before[line_start..].chars().count() + 1;
    let line_end =
        bytes[valid_up_to..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |at| valid_up_to + at);
    let text = String::from_utf8_lossy(&bytes[line_start..line_end]).into_owned();
    Diagnostic::error(format!(
        "the file is not UTF-8 text: byte 0x{:02X} cannot start a character here",
        bytes[valid_up_to]
    ))
    .at(Location {
        file: display.to_owned(),
        line: Some(line),
        column: Some(column),
        pointer: String::new(),
        line_text: Some(text),
    })
    .with_help("save the file as UTF-8")
}

pub(super) fn parse_text(path: PathBuf, display: String, mut text: String) -> Result<SourceFile, Diagnostic> {
    // A byte-order mark is no character of the document (editors do not show it).
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let located = |message: String, position: Option<Position>, pointer: String| {
        let location = Location {
            file: display.clone(),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            pointer,
            line_text: position.and_then(|p| line_text(&text, p.line)),
        };
        Diagnostic::error(message).at(location)
    };
    // The span index comes first: it refuses what would be too costly to parse.
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let spans = if is_json { SpanIndex::build_json(&text) } else { SpanIndex::build(&text) };
    let spans = spans.map_err(|refusal| {
        located(refusal.message, Some(refusal.position), refusal.pointer).with_help(refusal.help)
    })?;
    let parsed = if is_json {
        serde_json::from_str::<Value>(&text).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            let mut position = Position { line: e.line(), column: e.column() };
            if message == "trailing comma" {
                position = comma_before(&text, position).unwrap_or(position);
            }
            if message == "recursion limit exceeded" {
                return (too_deep(), Some(position), Some(TOO_DEEP_HELP.to_owned()));
            }
            let help = (e.classify() == serde_json::error::Category::Eof)
                .then_some("the file ends too early: is it cut off, or is a `}` or `]` missing?");
            (format!("invalid JSON: {message}"), Some(position), help.map(str::to_owned))
        })
    } else {
        serde_yaml::from_str::<Value>(&text).map_err(|e| {
            let position = e.location().map(|l| Position { line: l.line(), column: l.column() });
            yaml_error(&e.to_string(), position, &spans, &text)
        })
    };
    match parsed {
        Ok(_) if spans.is_empty() => {
            Err(located("the file is empty".to_owned(), Some(Position { line: 1, column: 1 }), String::new())
                .with_help(format!(
                    "an AsyncAPI document is a YAML or JSON mapping that starts with `asyncapi: {}`",
                    crate::check::SUPPORTED_VERSION
                )))
        }
        Ok(mut value) => {
            if !is_json
                && text.contains("<<")
                && let Err((at, message)) = merge_keys::apply(&mut value, "")
            {
                let position = spans.find(&at);
                return Err(located(message, position, at).with_help(
                    "a merge key `<<` takes an alias of a mapping (`<<: *base`) or a list of them",
                ));
            }
            let line_starts = line_starts(&text);
            Ok(SourceFile { path, display, text, line_starts, value, spans, synthesized_for: None })
        }
        Err((message, position, help)) => {
            // Where the span index stopped on the same line: the node being read.
            let pointer = match (&spans.syntax_error, position) {
                (Some((at, pointer)), Some(position)) if at.line == position.line => pointer.clone(),
                _ => String::new(),
            };
            let diagnostic = located(message, position, pointer);
            Err(match help {
                Some(help) => diagnostic.with_help(help),
                None => diagnostic,
            })
        }
    }
}

/// A `serde_yaml` error as a message, a position and maybe a help. Its text reads
/// `<problem> at line L column C[, <context> at line L2 column C2]`; the context
/// names the construct the problem is in, which is often where the mistake is.
pub(super) fn yaml_error(
    error: &str,
    position: Option<Position>,
    spans: &SpanIndex,
    text: &str,
) -> (String, Option<Position>, Option<String>) {
    let (problem, rest) = match error.find(" at line ").or_else(|| error.find(" at position ")) {
        Some(at) => (&error[..at], &error[at + 4..]),
        None => (error, ""),
    };
    // Errors found while reading characters have a byte offset, not a line.
    let position = match rest.strip_prefix("position ") {
        Some(offset) => {
            let digits: String = offset.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok().map(|offset| position_of_offset(text, offset)).or(position)
        }
        None => position,
    };
    let context = rest.split_once(", ").map(|(_, context)| context).unwrap_or_default();
    let context = match context.split_once(" at line ") {
        Some((what, place)) => {
            let place = place.replacen(" column ", ", column ", 1);
            format!(" ({what} that starts at line {place})")
        }
        None if !context.is_empty() => format!(" ({context})"),
        None => String::new(),
    };
    if problem == "recursion limit exceeded" {
        return (too_deep(), position, Some(TOO_DEEP_HELP.to_owned()));
    }
    if problem.contains("more than one document") {
        return (
            "the file holds more than one YAML document".to_owned(),
            spans.second_document.or(position),
            Some("an AsyncAPI document is one YAML document: remove the second `---` and what follows it, or move it to a file of its own".to_owned()),
        );
    }
    if let Some((path, _)) = problem.split_once("invalid type: enum") {
        return (
            format!("invalid YAML: {path}a tagged value (`!tag`) has no JSON equivalent"),
            position,
            Some("AsyncAPI documents are JSON data written in YAML: remove the tag".to_owned()),
        );
    }
    let unclosed = [("flow mapping", '{', '}'), ("flow sequence", '[', ']')]
        .into_iter()
        .find(|(what, ..)| problem.starts_with("did not find expected") && context.contains(what));
    let help = if let Some((_, open, close)) = unclosed {
        Some(format!(
            "the `{open}` there is not closed: add the missing `{close}`, or a `,` between its entries"
        ))
    } else if problem == "unknown anchor" {
        Some("an alias `*name` must come after the anchor `&name` it repeats".to_owned())
    } else if problem.contains("invalid type") && problem.contains("expected a string") {
        Some("AsyncAPI documents use only strings as mapping keys".to_owned())
    } else if position.and_then(|p| line_text(text, p.line)).is_some_and(|line| line.starts_with('\t'))
        || problem.contains("tab")
    {
        Some("YAML indents with spaces, never tabs: replace the tabs at the start of the line".to_owned())
    } else {
        None
    };
    (format!("invalid YAML: {problem}{context}"), position, help)
}

pub(super) fn too_deep() -> String {
    format!("the document nests mappings and sequences more than {MAX_DEPTH} levels deep")
}

/// The line and column of the byte at `offset` in `text`.
pub(super) fn position_of_offset(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    Position { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
}

/// Where the comma is that a JSON "trailing comma" error at `position` is about.
pub(super) fn comma_before(text: &str, position: Position) -> Option<Position> {
    let lines: Vec<&str> = text.lines().take(position.line).collect();
    let mut line = position.line.checked_sub(1)?;
    let mut limit = position.column.saturating_sub(1);
    loop {
        let chars: Vec<char> = lines.get(line)?.chars().collect();
        let end = limit.min(chars.len());
        for column in (0..end).rev() {
            match chars[column] {
                ',' => return Some(Position { line: line + 1, column: column + 1 }),
                c if c.is_whitespace() => {}
                _ => return None,
            }
        }
        line = line.checked_sub(1)?;
        limit = usize::MAX;
    }
}

/// The text of the 1-based `line` of `text` (for a single diagnostic: files keep
/// an index of their lines).
pub(super) fn line_text(text: &str, line: usize) -> Option<String> {
    match text.lines().nth(line.checked_sub(1)?) {
        Some(found) => Some(found.to_owned()),
        // An empty text still has a first line.
        None if line == 1 => Some(String::new()),
        None => None,
    }
}
