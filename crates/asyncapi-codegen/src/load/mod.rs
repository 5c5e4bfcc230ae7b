//! Stage 1, load: the document's files, read and parsed, with every file that an
//! external `$ref` reaches, and the position of every node for diagnostics.

mod spans;

use std::collections::{BTreeMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

pub use spans::Position;
use spans::SpanIndex;

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::pointer;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(usize);

/// A node of the document: a file and a JSON pointer inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    pub file: FileId,
    pub pointer: String,
}

impl Site {
    pub fn new(file: FileId, pointer: impl Into<String>) -> Self {
        Self { file, pointer: pointer.into() }
    }

    /// The child `token` of this node.
    pub fn join(&self, token: &str) -> Site {
        Site { file: self.file, pointer: pointer::join(&self.pointer, token) }
    }

    /// The child at `index` of this (array) node.
    pub fn item(&self, index: usize) -> Site {
        self.join(&index.to_string())
    }
}

/// One parsed file of the document.
struct SourceFile {
    /// Where it was read from (only used to find the files it references).
    path: PathBuf,
    /// How diagnostics and generated files name it.
    display: String,
    text: String,
    value: Value,
    spans: SpanIndex,
    /// For a value built by the generator (traits merged into a message), the node
    /// it stands for.
    synthesized_for: Option<Site>,
}

/// All files of one document.
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Reads `path` and every file reachable from it through `$ref`s.
    /// `display` is how diagnostics name the root file; referenced files are named
    /// relative to it.
    pub fn load(path: &Path, display: &str) -> Result<Sources, Diagnostics> {
        let mut sources = Sources { files: Vec::new() };
        let mut diagnostics = Diagnostics::new();
        let mut by_path: BTreeMap<PathBuf, FileId> = BTreeMap::new();
        let mut queue: VecDeque<FileId> = VecDeque::new();

        let root_path = normalize(path);
        match read_file(&root_path, display.to_owned()) {
            Ok(file) => {
                by_path.insert(root_path, FileId(0));
                queue.push_back(FileId(0));
                sources.files.push(file);
            }
            Err(diagnostic) => return Err(diagnostic.into()),
        }

        while let Some(id) = queue.pop_front() {
            for (site, reference) in external_refs(&sources.files[id.0].value, id) {
                let file_part = reference.split('#').next().unwrap_or_default();
                if file_part.contains("://") {
                    diagnostics.push(
                        Diagnostic::error(format!("remote reference `{reference}` is not supported"))
                            .at(sources.locate(&site))
                            .with_help(
                                "download the file next to the document and reference it by a relative path",
                            ),
                    );
                    continue;
                }
                let from = &sources.files[id.0];
                let target = normalize(&from.path.parent().unwrap_or(Path::new("")).join(file_part));
                if by_path.contains_key(&target) {
                    continue;
                }
                let display = relative_display(&from.display, file_part);
                match read_file(&target, display) {
                    Ok(file) => {
                        let new_id = FileId(sources.files.len());
                        by_path.insert(target, new_id);
                        sources.files.push(file);
                        queue.push_back(new_id);
                    }
                    Err(error) => {
                        let reason = error.message;
                        diagnostics.push(
                            Diagnostic::error(format!("unresolved file reference `{reference}`: {reason}"))
                                .at(sources.locate(&site)),
                        );
                    }
                }
            }
        }

        for file in &sources.files {
            for duplicate in &file.spans.duplicates {
                let key = pointer::last_token(&duplicate.pointer).unwrap_or_default();
                diagnostics.push(Diagnostic::error(format!("duplicate key `{key}`")).at(Location {
                    file: file.display.clone(),
                    line: Some(duplicate.position.line),
                    column: Some(duplicate.position.column),
                    pointer: duplicate.pointer.clone(),
                    line_text: line_text(&file.text, duplicate.position.line),
                }));
            }
        }

        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(sources) }
    }

    /// A document held in memory (tests, benchmarks); it cannot reference files.
    pub fn from_text(text: &str, display: &str) -> Result<Sources, Diagnostic> {
        let file = parse_text(PathBuf::from(display), display.to_owned(), text.to_owned())?;
        Ok(Sources { files: vec![file] })
    }

    /// The file the document starts from.
    pub fn root(&self) -> FileId {
        FileId(0)
    }

    /// The root node of the document.
    pub fn root_site(&self) -> Site {
        Site::new(self.root(), "")
    }

    /// How diagnostics name `file`.
    pub fn display(&self, file: FileId) -> &str {
        &self.files[file.0].display
    }

    /// The whole value of `file`.
    pub fn file_value(&self, file: FileId) -> &Value {
        &self.files[file.0].value
    }

    /// The value at `site`, if the pointer leads somewhere.
    pub fn get(&self, site: &Site) -> Option<&Value> {
        self.files.get(site.file.0)?.value.pointer(&site.pointer)
    }

    /// Adds a value the generator built (a message with its traits merged in);
    /// references inside it resolve relative to `base`, diagnostics point at `origin`.
    pub fn add_synthesized(&mut self, value: Value, base: FileId, origin: Site) -> FileId {
        let id = FileId(self.files.len());
        let base_file = &self.files[base.0];
        let file = SourceFile {
            path: base_file.path.clone(),
            display: base_file.display.clone(),
            text: String::new(),
            value,
            spans: SpanIndex::default(),
            synthesized_for: Some(origin),
        };
        self.files.push(file);
        id
    }

    /// Resolves a `$ref` written in `from` to the node it names.
    pub fn resolve_ref(&self, from: FileId, reference: &str) -> Result<Site, String> {
        let (file_part, fragment) = match reference.split_once('#') {
            Some((file, fragment)) => (file, fragment),
            None => (reference, ""),
        };
        let pointer = pointer::from_fragment(fragment)?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!("`#{fragment}` is not a JSON pointer (it must start with `/`)"));
        }
        let file = if file_part.is_empty() {
            from
        } else {
            let base = &self.files[from.0].path;
            let target = normalize(&base.parent().unwrap_or(Path::new("")).join(file_part));
            let found = self.files.iter().position(|f| f.synthesized_for.is_none() && f.path == target);
            FileId(found.ok_or_else(|| format!("file `{file_part}` was not loaded"))?)
        };
        let site = Site::new(file, pointer);
        if self.get(&site).is_none() {
            let display = self.display(file);
            return Err(format!("nothing at `#{}` in {display}", site.pointer));
        }
        Ok(site)
    }

    /// Where `site` is, for a diagnostic.
    pub fn locate(&self, site: &Site) -> Location {
        let Some(file) = self.files.get(site.file.0) else {
            return Location {
                file: "?".into(),
                line: None,
                column: None,
                pointer: site.pointer.clone(),
                line_text: None,
            };
        };
        if let Some(origin) = &file.synthesized_for {
            return self.locate(origin);
        }
        let position = file.spans.find(&site.pointer);
        Location {
            file: file.display.clone(),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            pointer: site.pointer.clone(),
            line_text: position.and_then(|p| line_text(&file.text, p.line)),
        }
    }

    /// Every file that was read from disk, by display name (for `--check` notes).
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().filter(|f| f.synthesized_for.is_none()).map(|f| f.display.as_str())
    }
}

/// `$ref` strings that name another file, with where they are written.
fn external_refs(value: &Value, file: FileId) -> Vec<(Site, String)> {
    let mut found = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((at, value)) = stack.pop() {
        match value {
            Value::Object(members) => {
                if let Some(Value::String(reference)) = members.get("$ref")
                    && !reference.starts_with('#')
                {
                    found.push((Site::new(file, pointer::join(&at, "$ref")), reference.clone()));
                }
                for (key, child) in members {
                    stack.push((pointer::join(&at, key), child));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    stack.push((pointer::join(&at, &index.to_string()), child));
                }
            }
            _ => {}
        }
    }
    found.sort();
    found
}

fn read_file(path: &Path, display: String) -> Result<SourceFile, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        let reason = match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::InvalidData => "the file is not UTF-8 text".to_owned(),
            _ => error.to_string(),
        };
        Diagnostic::error(format!("cannot read {display}: {reason}"))
    })?;
    parse_text(path.to_owned(), display, text)
}

fn parse_text(path: PathBuf, display: String, text: String) -> Result<SourceFile, Diagnostic> {
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if is_json {
        serde_json::from_str::<Value>(&text).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            (format!("invalid JSON: {message}"), Some(Position { line: e.line(), column: e.column() }))
        })
    } else {
        serde_yaml::from_str::<Value>(&text).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            let position = e.location().map(|l| Position { line: l.line(), column: l.column() });
            (format!("invalid YAML: {message}"), position)
        })
    };
    match parsed {
        Ok(value) => {
            let spans = SpanIndex::build(&text);
            Ok(SourceFile { path, display, text, value, spans, synthesized_for: None })
        }
        Err((message, position)) => {
            let location = Location {
                file: display,
                line: position.map(|p| p.line),
                column: position.map(|p| p.column),
                pointer: String::new(),
                line_text: position.and_then(|p| line_text(&text, p.line)),
            };
            Err(Diagnostic::error(message).at(location))
        }
    }
}

fn line_text(text: &str, line: usize) -> Option<String> {
    text.lines().nth(line.checked_sub(1)?).map(str::to_owned)
}

/// `path` with `.` and `..` removed lexically (the files need not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normalized.pop() {
                    normalized.push("..");
                }
            }
            other => normalized.push(other.as_os_str()),
        }
    }
    normalized
}

/// How to name `reference`, written in the file displayed as `from`.
fn relative_display(from: &str, reference: &str) -> String {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    normalize(&base.join(reference)).to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/b/../c/./d.yaml")), PathBuf::from("a/c/d.yaml"));
        assert_eq!(normalize(Path::new("../x.yaml")), PathBuf::from("../x.yaml"));
        assert_eq!(
            relative_display("examples/sm/backend/asyncapi.yaml", "../common/m.yaml"),
            "examples/sm/common/m.yaml"
        );
    }

    #[test]
    fn yaml_1_2_keeps_on_and_off_as_strings() {
        let sources = Sources::from_text("enum: [on, off, yes]\n", "a.yaml").unwrap();
        assert_eq!(sources.file_value(sources.root())["enum"], serde_json::json!(["on", "off", "yes"]));
    }

    #[test]
    fn syntax_errors_are_located() {
        let Err(diagnostic) = Sources::from_text("a: [1,\n", "bad.yaml") else { panic!("must fail") };
        assert!(diagnostic.message.starts_with("invalid YAML"), "{}", diagnostic.message);
        let location = diagnostic.location.as_ref().unwrap();
        assert_eq!((location.file.as_str(), location.line), ("bad.yaml", Some(2)));
    }

    #[test]
    fn resolves_local_refs_and_reports_missing_ones() {
        let sources = Sources::from_text("a:\n  b: 1\n", "x.yaml").unwrap();
        assert_eq!(sources.resolve_ref(sources.root(), "#/a/b").unwrap().pointer, "/a/b");
        let error = sources.resolve_ref(sources.root(), "#/a/c").unwrap_err();
        assert_eq!(error, "nothing at `#/a/c` in x.yaml");
        assert!(sources.resolve_ref(sources.root(), "#a").is_err());
    }
}
