//! Stage 1, load: the document's files, read and parsed, with every file that an
//! external `$ref` reaches, and the position of every node for diagnostics.

mod merge_keys;
mod paths;
mod read;
mod spans;

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::Value;

use paths::{is_remote, normalize, relative_display, relative_path};
use read::{ReadError, SourceFile, parse_text, read_file, too_large};
use spans::SpanIndex;
pub use spans::{MAX_DEPTH, MAX_NODES, Position};

/// The largest file read, in bytes: no AsyncAPI document comes close.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Longest `$ref` chain [`Sources::follow_refs`] follows.
const MAX_REF_CHAIN: usize = 64;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, near_miss};
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
            Err(ReadError::Unreadable(reason)) => {
                return Err(Diagnostic::error(format!("cannot read {display}: {reason}")).into());
            }
            Err(ReadError::Invalid(diagnostic)) => return Err(diagnostic.into()),
        }

        // Files that could not be loaded: why, when they could not be read (each
        // reference gets its error), or nothing when they are malformed (reported
        // once, inside the file).
        let mut failed: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
        while let Some(id) = queue.pop_front() {
            for (site, reference) in external_refs(&sources.files[id.0].value, id) {
                let file_part = reference.split('#').next().unwrap_or_default();
                if is_remote(file_part) {
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
                let reason = match failed.get(&target) {
                    Some(None) => continue,
                    Some(Some(reason)) => reason.clone(),
                    None => match read_file(&target, display.clone()) {
                        Ok(file) => {
                            let new_id = FileId(sources.files.len());
                            by_path.insert(target, new_id);
                            sources.files.push(file);
                            queue.push_back(new_id);
                            continue;
                        }
                        Err(ReadError::Unreadable(reason)) => {
                            failed.insert(target, Some(reason.clone()));
                            reason
                        }
                        // What is wrong is inside the referenced file: say so there.
                        Err(ReadError::Invalid(diagnostic)) => {
                            failed.insert(target, None);
                            let from = sources.locate(&site);
                            let (line, column) = (from.line.unwrap_or(1), from.column.unwrap_or(1));
                            diagnostics.push(diagnostic.with_note(format!(
                                "{display} is referenced from {}:{line}:{column}",
                                from.file
                            )));
                            continue;
                        }
                    },
                };
                diagnostics.push(
                    Diagnostic::error(format!(
                        "unresolved file reference `{reference}`: cannot read {display}: {reason}"
                    ))
                    .at(sources.locate(&site))
                    .with_help(
                        "file references are relative to the file they are written in; \
                         check the path and the file's name",
                    ),
                );
            }
        }

        for file in &sources.files {
            for duplicate in &file.spans.duplicates {
                let key = pointer::last_token(&duplicate.pointer).unwrap_or_default();
                let location = Location {
                    file: file.display.clone(),
                    line: Some(duplicate.position.line),
                    column: Some(duplicate.position.column),
                    pointer: duplicate.pointer.clone(),
                    line_text: file.line_text(duplicate.position.line),
                };
                diagnostics.push(Diagnostic::error(format!("duplicate key `{key}`")).at(location).with_help(
                    format!("keys must be unique in a mapping: merge the two `{key}` entries into one"),
                ));
            }
        }

        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(sources) }
    }

    /// A document held in memory (tests, benchmarks); it cannot reference files.
    pub fn from_text(text: &str, display: &str) -> Result<Sources, Diagnostic> {
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(Diagnostic::error(format!("{display} is {}", too_large(text.len() as u64))));
        }
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
        pointer::resolve(&self.files.get(site.file.0)?.value, &site.pointer)
    }

    /// The names of the members of the object at `site` (none when it is not one).
    pub fn member_names(&self, site: &Site) -> Vec<String> {
        match self.get(site) {
            Some(Value::Object(members)) => members.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Follows `$ref`s from `site` as far as they resolve, for checks that
    /// look before references are resolved: an unresolvable one, or a cycle
    /// (cut after [`MAX_REF_CHAIN`] steps), is left for the resolve stage to
    /// report.
    pub fn follow_refs(&self, site: &Site) -> Site {
        let mut site = site.clone();
        for _ in 0..MAX_REF_CHAIN {
            let Some(Value::String(reference)) = self.get(&site.join("$ref")) else { break };
            match self.resolve_ref(site.file, reference) {
                Ok(target) => site = target,
                Err(_) => break,
            }
        }
        site
    }

    /// Where the member `key` of `object` (a message or an operation) is
    /// written once its traits are merged in (JSON Merge Patch, in order: the
    /// last trait that sets it wins, and one that sets it to `null` removes it).
    pub fn member_after_traits(&self, object: &Site, key: &str) -> Option<Site> {
        let mut written = Some(object.join(key)).filter(|site| self.get(site).is_some());
        let traits = self.get(&object.join("traits")).and_then(Value::as_array);
        for index in 0..traits.map_or(0, Vec::len) {
            let each = self.follow_refs(&object.join("traits").item(index));
            match self.get(&each.join(key)) {
                None => {}
                Some(Value::Null) => written = None,
                Some(_) => written = Some(each.join(key)),
            }
        }
        written
    }

    /// Every message object of the document, each once, in the order first
    /// met: those of the channels' operations (a `oneOf`'s alternatives
    /// one by one), then those under `components/messages`. `$ref`s are
    /// followed as far as they resolve.
    pub fn message_sites(&self) -> Vec<Site> {
        let mut found = Vec::new();
        let root = self.root_site();
        for name in self.member_names(&root.join("channels")) {
            let channel = self.follow_refs(&root.join("channels").join(&name));
            for kind in ["subscribe", "publish"] {
                self.collect_messages(&channel.join(kind).join("message"), &mut found);
            }
        }
        let components = root.join("components").join("messages");
        for name in self.member_names(&components) {
            self.collect_messages(&components.join(&name), &mut found);
        }
        found
    }

    fn collect_messages(&self, site: &Site, found: &mut Vec<Site>) {
        let site = self.follow_refs(site);
        if found.contains(&site) || self.get(&site).is_none() {
            return;
        }
        match self.get(&site.join("oneOf")) {
            Some(Value::Array(alternatives)) => {
                for index in 0..alternatives.len() {
                    self.collect_messages(&site.join("oneOf").item(index), found);
                }
            }
            _ => found.push(site),
        }
    }

    /// Replaces the value at `site` (a node that exists) by `value`; the
    /// positions of nodes below it are lost, so diagnostics about them point
    /// at `site`.
    pub fn replace(&mut self, site: &Site, value: Value) {
        if let Some(file) = self.files.get_mut(site.file.0)
            && let Some(node) = file.value.pointer_mut(&site.pointer)
        {
            *node = value;
        }
    }

    /// Adds a value the generator built (a message with its traits merged in);
    /// references inside it resolve as in `origin`'s file, and diagnostics point
    /// at `origin`.
    pub fn add_synthesized(&mut self, value: Value, origin: Site) -> FileId {
        let id = FileId(self.files.len());
        let base_file = &self.files[origin.file.0];
        let file = SourceFile {
            path: base_file.path.clone(),
            display: base_file.display.clone(),
            text: String::new(),
            line_starts: Vec::new(),
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
            // `#...` in a value the generator built names the file it was built in.
            match &self.files[from.0].synthesized_for {
                Some(origin) => origin.file,
                None => from,
            }
        } else {
            let base = &self.files[from.0].path;
            let target = normalize(&base.parent().unwrap_or(Path::new("")).join(file_part));
            let found = self.files.iter().position(|f| f.synthesized_for.is_none() && f.path == target);
            FileId(found.ok_or_else(|| format!("file `{file_part}` was not loaded"))?)
        };
        let site = Site::new(file, pointer);
        if self.get(&site).is_none() {
            let display = self.display(file);
            let why = why_missing(self.file_value(file), &site.pointer);
            return Err(format!("nothing at `#{}` in {display}{why}", site.pointer));
        }
        Ok(site)
    }

    /// Rewrites the `$ref`s in `value`, a part of file `from`, so that they name
    /// the same nodes when written in file `to` (for trait content merged into
    /// a message of another file). A reference that does not resolve, or whose
    /// target no relative path reaches, is left as it is.
    pub fn rebase_refs(&self, value: &mut Value, from: FileId, to: FileId) {
        for (at, reference) in document_refs(value, Place::Keywords) {
            if let Ok(target) = self.resolve_ref(from, &reference)
                && let Some(rebased) = self.reference_to(to, &target)
                && let Some(written) = value.pointer_mut(&at)
            {
                *written = Value::String(rebased);
            }
        }
    }

    /// A `$ref`, written in file `from`, that names `target`.
    pub fn reference_to(&self, from: FileId, target: &Site) -> Option<String> {
        // `%` would be read as the start of an escape.
        let fragment = format!("#{}", target.pointer.replace('%', "%25"));
        if from == target.file {
            return Some(fragment);
        }
        let from_dir = self.files[from.0].path.parent().unwrap_or(Path::new(""));
        let path = relative_path(from_dir, &self.files.get(target.file.0)?.path)?;
        Some(format!("{}{fragment}", path.to_string_lossy().replace('\\', "/")))
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
            line_text: position.and_then(|p| file.line_text(p.line)),
        }
    }

    /// Every file that was read from disk, by display name (for `--check` notes).
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().filter(|f| f.synthesized_for.is_none()).map(|f| f.display.as_str())
    }
}

/// The maps of the Components Object, whose keys are component names.
pub const COMPONENT_MAPS: [&str; 14] = [
    "schemas",
    "servers",
    "serverVariables",
    "channels",
    "messages",
    "securitySchemes",
    "parameters",
    "correlationIds",
    "operationTraits",
    "messageTraits",
    "serverBindings",
    "channelBindings",
    "operationBindings",
    "messageBindings",
];

/// Where a value sits, for finding the `$ref`s of the document in it: the
/// members of an object are names (of `properties`, `schemas`, `channels`...)
/// or keywords; data (`examples`, `default`, `enum`, `const`, `x-`
/// extensions) holds no references of the document, even in a `$ref` member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The top of a file: a document, one schema or message, or a collection
    /// of named ones; its members are searched whatever their names.
    Top,
    Keywords,
    Names,
}

impl Place {
    const DATA: [&str; 5] = ["examples", "example", "default", "enum", "const"];
    /// Maps whose members are names, besides the Components Object's maps
    /// (and the root's `channels` and `servers`, which share their names).
    const NAME_MAPS: [&str; 7] = [
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependencies",
        "dependentSchemas",
        "variables",
    ];

    /// Whether an object here may be a reference (a `$ref` member is one).
    fn holds_references(self) -> bool {
        self != Place::Names
    }

    /// Where the member `key` of an object here sits; `None` for data.
    fn member(self, key: &str) -> Option<Place> {
        if self == Place::Keywords && (Self::DATA.contains(&key) || key.starts_with("x-")) {
            return None;
        }
        Some(if self != Place::Names && (Self::NAME_MAPS.contains(&key) || COMPONENT_MAPS.contains(&key)) {
            Place::Names
        } else {
            Place::Keywords
        })
    }
}

/// `$ref` strings that name another file, with where they are written.
fn external_refs(value: &Value, file: FileId) -> Vec<(Site, String)> {
    let mut found: Vec<(Site, String)> = document_refs(value, Place::Top)
        .into_iter()
        // `#...` and the empty reference name the file they are written in.
        .filter(|(_, reference)| !reference.starts_with('#') && !reference.is_empty())
        .map(|(at, reference)| (Site::new(file, at), reference))
        .collect();
    found.sort();
    found
}

/// Every `$ref` string of the document in `value` (which sits at `place`),
/// with the pointer of its `$ref` member.
fn document_refs(value: &Value, place: Place) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![(String::new(), value, place)];
    while let Some((at, value, place)) = stack.pop() {
        match value {
            Value::Object(members) => {
                if place.holds_references()
                    && let Some(Value::String(reference)) = members.get("$ref")
                {
                    found.push((pointer::join(&at, "$ref"), reference.clone()));
                }
                for (key, child) in members {
                    if let Some(child_place) = place.member(key) {
                        stack.push((pointer::join(&at, key), child, child_place));
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    stack.push((pointer::join(&at, &index.to_string()), child, Place::Keywords));
                }
            }
            _ => {}
        }
    }
    found
}

/// Why nothing is at `pointer` in `value`: the first token that leads nowhere,
/// with the names that are there (or the one the author probably meant).
fn why_missing(value: &Value, pointer: &str) -> String {
    let mut node = value;
    let mut at = String::new();
    for token in pointer::tokens(pointer) {
        let shown = if at.is_empty() { "the file".to_owned() } else { format!("`#{at}`") };
        let next = match node {
            Value::Object(members) => match members.get(&token) {
                Some(next) => next,
                None => {
                    let mut names: Vec<&String> = members.keys().collect();
                    if let Some(near) = names.iter().find(|name| near_miss(name, &token)) {
                        return format!(
                            ": {shown} has no member `{token}`; did you mean `#{}`?",
                            pointer::join(&at, near)
                        );
                    }
                    if names.is_empty() {
                        return format!(": {shown} is empty");
                    }
                    let more = names.len() > 8;
                    names.truncate(8);
                    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    let more = if more { ", ..." } else { "" };
                    return format!(": {shown} has no member `{token}` (it has {}{more})", names.join(", "));
                }
            },
            Value::Array(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(next) => next,
                None => {
                    return format!(
                        ": {shown} is a list of {} item(s), `{token}` is not one of its indexes",
                        items.len()
                    );
                }
            },
            _ => return format!(": {shown} is {}, which has no members", kind_of(node)),
        };
        at = pointer::join(&at, &token);
        node = next;
    }
    String::new()
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::read::{line_starts, not_utf8, position_of_offset};
    use super::*;

    #[test]
    fn file_references_are_looked_for_in_the_document_not_in_its_data() {
        let document = serde_json::json!({
            "channels": {"examples": {"subscribe": {"message": {"$ref": "a.yaml#/M"}}}},
            "components": {
                "schemas": {"default": {"$ref": "b.yaml#/S"}},
                "messages": {"M": {
                    "payload": {"properties": {
                        "enum": {"$ref": "c.yaml#/E"},
                        "x-note": {"$ref": "d.yaml#/N"},
                        "id": {"type": "string", "default": {"$ref": "data.json"}, "enum": [{"$ref": "data.json"}]}
                    }},
                    "examples": [{"payload": {"$ref": "data.json"}}],
                    "x-extension": {"$ref": "data.json"}
                }}
            }
        });
        let mut found: Vec<String> =
            external_refs(&document, FileId(0)).into_iter().map(|(_, reference)| reference).collect();
        found.sort();
        assert_eq!(found, ["a.yaml#/M", "b.yaml#/S", "c.yaml#/E", "d.yaml#/N"]);
        // The top of a file may be a collection of named parts: `default`
        // there is a name.
        let parts =
            serde_json::json!({"default": {"$ref": "e.yaml#/D"}, "$defs": {"enum": {"$ref": "f.yaml"}}});
        let found: Vec<String> =
            external_refs(&parts, FileId(1)).into_iter().map(|(_, reference)| reference).collect();
        assert_eq!(found, ["f.yaml", "e.yaml#/D"]);
    }

    #[test]
    fn relative_paths_between_loaded_files() {
        let relative = |from: &str, to: &str| relative_path(Path::new(from), Path::new(to));
        assert_eq!(relative("specs", "specs/parts/a.yaml"), Some(PathBuf::from("parts/a.yaml")));
        assert_eq!(relative("specs/parts", "specs/b.yaml"), Some(PathBuf::from("../b.yaml")));
        assert_eq!(relative("", "a.yaml"), Some(PathBuf::from("a.yaml")));
        assert_eq!(relative("../x", "../y/a.yaml"), Some(PathBuf::from("../y/a.yaml")));
        assert_eq!(relative("..", "a.yaml"), None, "no way back from above");
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/b/../c/./d.yaml")), PathBuf::from("a/c/d.yaml"));
        assert_eq!(normalize(Path::new("../x.yaml")), PathBuf::from("../x.yaml"));
        assert_eq!(normalize(Path::new("../../x.yaml")), PathBuf::from("../../x.yaml"));
        assert_eq!(normalize(Path::new("a/../../b/../../c.yaml")), PathBuf::from("../../c.yaml"));
        assert_eq!(normalize(Path::new("/../a.yaml")), PathBuf::from("/a.yaml"));
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
        assert_eq!(error, "nothing at `#/a/c` in x.yaml: `#/a` has no member `c` (it has `b`)");
        assert!(sources.resolve_ref(sources.root(), "#a").is_err());
    }

    #[test]
    fn follows_reference_chains_as_far_as_they_resolve() {
        let text = "a: {$ref: '#/b'}\nb: {$ref: '#/c'}\nc: {d: 1}\nbroken: {$ref: '#/nowhere'}\nloop: {$ref: '#/loop'}\n";
        let sources = Sources::from_text(text, "x.yaml").unwrap();
        let follow =
            |pointer: &str| sources.follow_refs(&Site::new(sources.root(), pointer.to_owned())).pointer;
        assert_eq!(follow("/a"), "/c");
        assert_eq!(follow("/c/d"), "/c/d");
        assert_eq!(follow("/broken"), "/broken");
        assert_eq!(follow("/loop"), "/loop");
        assert_eq!(sources.member_names(&sources.root_site().join("c")), ["d"]);
        assert!(sources.member_names(&sources.root_site().join("c").join("d")).is_empty());
    }

    #[test]
    fn missing_pointers_say_what_is_there() {
        let text = "components:\n  schemas:\n    User: {}\n    Order: {}\n  list: [1]\n  name: x\n";
        let sources = Sources::from_text(text, "x.yaml").unwrap();
        let error = |reference: &str| sources.resolve_ref(sources.root(), reference).unwrap_err();
        assert_eq!(
            error("#/components/schemas/Usr"),
            "nothing at `#/components/schemas/Usr` in x.yaml: `#/components/schemas` has no member `Usr`; \
             did you mean `#/components/schemas/User`?"
        );
        assert_eq!(
            error("#/components/schemas/Nothing"),
            "nothing at `#/components/schemas/Nothing` in x.yaml: `#/components/schemas` has no member \
             `Nothing` (it has `User`, `Order`)"
        );
        assert_eq!(
            error("#/components/list/3"),
            "nothing at `#/components/list/3` in x.yaml: `#/components/list` is a list of 1 item(s), \
             `3` is not one of its indexes"
        );
        assert_eq!(
            error("#/components/name/x"),
            "nothing at `#/components/name/x` in x.yaml: `#/components/name` is a string, which has no members"
        );
        assert_eq!(
            error("#/channels"),
            "nothing at `#/channels` in x.yaml: the file has no member `channels` (it has `components`)"
        );
    }

    #[test]
    fn empty_files_are_errors() {
        for text in ["", "\n\n", "# nothing but a comment\n"] {
            let Err(diagnostic) = Sources::from_text(text, "empty.yaml") else { panic!("must fail") };
            assert_eq!(diagnostic.message, "the file is empty");
            let location = diagnostic.location.as_ref().unwrap();
            assert_eq!((location.line, location.column), (Some(1), Some(1)));
        }
    }

    #[test]
    fn yaml_errors_name_the_construct_they_are_in() {
        let text = "a:\n  b: {c: 1, d: [1, 2]\nz: 1\n";
        let Err(diagnostic) = Sources::from_text(text, "bad.yaml") else { panic!("must fail") };
        assert_eq!(
            diagnostic.message,
            "invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping that starts at line 2, column 6)"
        );
        let location = diagnostic.location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (Some(3), Some(1)));
        assert_eq!(location.pointer, "/a/b", "the mapping being read");
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("the `{` there is not closed: add the missing `}`, or a `,` between its entries")
        );
    }

    #[test]
    fn tabs_get_a_help() {
        let Err(diagnostic) = Sources::from_text("a:\n\tb: 1\n", "tabs.yaml") else { panic!("must fail") };
        assert!(diagnostic.help.as_deref().unwrap().contains("never tabs"), "{diagnostic}");
    }

    #[test]
    fn a_second_yaml_document_is_located() {
        let Err(diagnostic) = Sources::from_text("a: 1\n---\nb: 2\n", "two.yaml") else {
            panic!("must fail")
        };
        assert_eq!(diagnostic.message, "the file holds more than one YAML document");
        assert_eq!(diagnostic.location.as_ref().unwrap().line, Some(2));
    }

    #[test]
    fn json_trailing_commas_point_at_the_comma() {
        let text = "{\n  \"a\": [1, 2],\n}\n";
        let Err(diagnostic) = Sources::from_text(text, "bad.json") else { panic!("must fail") };
        assert_eq!(diagnostic.message, "invalid JSON: trailing comma");
        let location = diagnostic.location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (Some(2), Some(14)));
        let Err(diagnostic) = Sources::from_text("{\"a\": [1,", "cut.json") else { panic!("must fail") };
        assert!(diagnostic.help.as_deref().unwrap().contains("ends too early"), "{diagnostic}");
    }

    #[test]
    fn alias_bombs_are_refused_with_a_location() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let items = vec![format!("*{}", "a".repeat(level)); 10].join(", ");
            text.push_str(&format!("{0}: &{0} [{items}]\n", "a".repeat(level + 1)));
        }
        let started = std::time::Instant::now();
        let Err(diagnostic) = Sources::from_text(&text, "lol.yaml") else { panic!("must fail") };
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(diagnostic.message.contains("billion laughs"), "{diagnostic}");
        assert!(diagnostic.location.as_ref().unwrap().line.is_some());
    }

    #[test]
    fn deep_nesting_is_refused_in_yaml_and_json() {
        let flow = format!("a: {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
        let block: String = (0..1000).map(|depth| format!("{}a:\n", " ".repeat(depth))).collect();
        let json = format!("{{\"a\": {}1{}}}", "{\"b\": ".repeat(50_000), "}".repeat(50_000));
        for (text, name) in [(flow, "flow.yaml"), (block, "block.yaml"), (json, "deep.json")] {
            let Err(diagnostic) = Sources::from_text(&text, name) else { panic!("{name} must fail") };
            assert_eq!(
                diagnostic.message, "the document nests mappings and sequences more than 128 levels deep",
                "{name}"
            );
            assert!(diagnostic.location.as_ref().unwrap().line.is_some(), "{name}");
        }
    }

    #[test]
    fn files_that_are_not_utf8_are_located() {
        let bytes = b"a: 1\nb: caf\xe9\n".to_vec();
        let error = String::from_utf8(bytes).unwrap_err();
        let diagnostic = not_utf8("latin1.yaml", error);
        assert_eq!(diagnostic.message, "the file is not UTF-8 text: byte 0xE9 cannot start a character here");
        let location = diagnostic.location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (Some(2), Some(7)));
        assert_eq!(location.line_text.as_deref(), Some("b: caf\u{fffd}"));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_not_read() {
        let Err(ReadError::Unreadable(reason)) = read_file(Path::new("/dev/zero"), "zero".into()) else {
            panic!("a device must not be read")
        };
        assert_eq!(reason, "it is not a regular file");
        let Err(ReadError::Unreadable(reason)) = read_file(Path::new("/"), "root".into()) else {
            panic!("a folder must not be read")
        };
        assert_eq!(reason, "it is a folder, not a file");
    }

    #[test]
    fn errors_inside_referenced_files_are_reported_there() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("api.yaml");
        std::fs::write(
            &root,
            "asyncapi: 2.6.0\ncomponents:\n  schemas:\n    A: {$ref: 'parts/a.yaml#/A'}\n    B: {$ref: 'parts/a.yaml#/B'}\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("parts")).unwrap();
        std::fs::write(dir.path().join("parts/a.yaml"), "A:\n  type: [string\nB: {}\n").unwrap();
        let diagnostics = Sources::load(&root, "api.yaml").err().expect("must fail");
        assert_eq!(diagnostics.len(), 1, "reported once, not once per reference: {diagnostics}");
        let diagnostic = diagnostics.iter().next().unwrap();
        assert!(diagnostic.message.starts_with("invalid YAML"), "{diagnostic}");
        let location = diagnostic.location.as_ref().unwrap();
        assert_eq!(location.file, "parts/a.yaml");
        assert_eq!(diagnostic.notes, ["parts/a.yaml is referenced from api.yaml:4:9"]);
    }

    #[test]
    fn remote_references_are_recognised() {
        assert!(is_remote("https://example.com/a.yaml"));
        assert!(is_remote("HTTP://example.com/a.yaml"));
        assert!(is_remote("//example.com/a.yaml"));
        assert!(!is_remote("parts/a.yaml"));
    }

    #[test]
    fn byte_order_marks_are_skipped() {
        let sources = Sources::from_text("\u{feff}{\"a\": 1}", "bom.json").unwrap();
        assert_eq!(sources.file_value(sources.root())["a"], 1);
        let sources = Sources::from_text("\u{feff}a: 1\nb: 2\n", "bom.yaml").unwrap();
        assert_eq!(sources.locate(&sources.root_site().join("a")).column, Some(1));
    }

    #[test]
    fn character_errors_are_placed_by_their_offset() {
        let Err(diagnostic) = Sources::from_text("a: 1\nb: \"x\u{0}y\"\n", "nul.yaml") else {
            panic!("must fail")
        };
        assert!(diagnostic.message.contains("control characters"), "{diagnostic}");
        let location = diagnostic.location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (Some(2), Some(6)));
        assert_eq!(position_of_offset("ab\ncd", 4), Position { line: 2, column: 2 });
        assert_eq!(position_of_offset("é", 1), Position { line: 1, column: 1 }, "inside a character");
    }

    #[test]
    fn tags_are_explained() {
        let Err(diagnostic) = Sources::from_text("a:\n  b: !custom {c: 1}\n", "tag.yaml") else {
            panic!("must fail")
        };
        assert_eq!(diagnostic.message, "invalid YAML: a.b: a tagged value (`!tag`) has no JSON equivalent");
        assert_eq!(diagnostic.location.as_ref().unwrap().line, Some(2));
    }

    #[test]
    fn merge_keys_are_applied_and_checked() {
        let text = "base: &base {type: string, minLength: 1}\nx:\n  <<: *base\n  minLength: 2\n";
        let sources = Sources::from_text(text, "m.yaml").unwrap();
        assert_eq!(
            sources.file_value(sources.root())["x"],
            serde_json::json!({"type": "string", "minLength": 2})
        );
        let Err(diagnostic) = Sources::from_text("x:\n  y:\n    <<: 1\n", "m.yaml") else {
            panic!("must fail")
        };
        assert_eq!(diagnostic.message, "a merge key `<<` must name a mapping, not a number");
        let location = diagnostic.location.as_ref().unwrap();
        assert_eq!(
            (location.pointer.as_str(), location.line, location.column),
            ("/x/y/<<", Some(3), Some(5))
        );
        // In JSON, `<<` is an ordinary key.
        let sources = Sources::from_text("{\"<<\": 1}", "m.json").unwrap();
        assert_eq!(sources.file_value(sources.root())["<<"], 1);
    }

    #[test]
    fn the_empty_reference_names_its_own_file() {
        let value = serde_json::json!({"a": {"$ref": ""}, "b": {"$ref": "#/a"}, "c": {"$ref": "x.yaml"}});
        let found = external_refs(&value, FileId(0));
        assert_eq!(found, [(Site::new(FileId(0), "/c/$ref"), "x.yaml".to_owned())]);
        assert_eq!(normalize(Path::new("./")), PathBuf::from("."));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn snippets_come_from_the_line_index() {
        let sources = Sources::from_text("a: 1\r\nb:\r\n  c: 2\r\n", "crlf.yaml").unwrap();
        let location = sources.locate(&Site::new(sources.root(), "/b/c"));
        assert_eq!((location.line, location.line_text.as_deref()), (Some(3), Some("  c: 2")));
        assert_eq!(line_starts("a\nb\n"), [0, 2, 4]);
    }

    #[test]
    fn each_reference_to_a_missing_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("api.yaml");
        std::fs::write(&root, "a: {$ref: 'gone.yaml#/A'}\nb: {$ref: './gone.yaml#/B'}\n").unwrap();
        let diagnostics = Sources::load(&root, "api.yaml").err().expect("must fail");
        let lines: Vec<Option<usize>> =
            diagnostics.iter().map(|d| d.location.as_ref().and_then(|l| l.line)).collect();
        assert_eq!(lines, [Some(1), Some(2)], "{diagnostics}");
        assert!(
            diagnostics.iter().all(|d| d.message.ends_with("cannot read gone.yaml: no such file")),
            "{diagnostics}"
        );
    }
}
