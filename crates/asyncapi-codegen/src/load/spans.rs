//! Where each node of a YAML or JSON text sits, by JSON pointer.
//!
//! `serde_yaml` gives us the document's values but not their positions, so we read
//! the same text once more with `saphyr-parser`, which reports a span for every
//! event. Mapping members are placed at their key (that is where a reader looks),
//! other nodes at their first character. The same pass finds duplicate keys, which
//! `serde_yaml` silently collapses.
//!
//! This pass runs *before* the text is turned into values, and refuses texts
//! that would be too costly to turn into values: nesting deeper than
//! [`MAX_DEPTH`], more than [`MAX_NODES`] nodes once YAML aliases are expanded
//! (a "billion laughs" document is a few hundred bytes that expand to billions
//! of nodes; `serde_yaml`'s own limit still lets a quadratic blow-up through),
//! and keys so long and so deeply nested that the JSON pointers of all nodes,
//! which every later stage builds, would add up to more than
//! [`MAX_POINTER_BYTES`]. The index itself is a tree keyed by one token per
//! node, so it takes space linear in the size of the text.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span, Tag};
use struson::reader::{JsonReader, JsonStreamReader, LinePosition, ReaderError, ReaderSettings, ValueType};

use crate::pointer;

/// Deepest nesting of mappings and sequences accepted (the value parsers'
/// own recursion limit).
pub const MAX_DEPTH: usize = 128;
/// Most nodes a document may have, counting each YAML alias as the nodes it
/// stands for.
pub const MAX_NODES: usize = 2_000_000;
/// Most bytes the JSON pointers of all nodes may add up to.
pub const MAX_POINTER_BYTES: usize = 256 << 20;
/// The anchor id of a node without a YAML anchor (saphyr's; JSON has none).
const NO_ANCHOR: usize = 0;
/// Duplicate keys reported per file: past that, the rest is noise.
const MAX_DUPLICATES: usize = 100;

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A key that appears twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub pointer: String,
    pub position: Position,
}

/// The tags of YAML's core schema, which say what JSON already does.
const CORE_TAGS: [&str; 7] = ["str", "int", "float", "bool", "null", "map", "seq"];

/// Why a text is not read any further.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub help: String,
    pub position: Position,
    /// JSON pointer of the node where the limit was crossed.
    pub pointer: String,
}

/// Positions of the nodes of one text.
#[derive(Debug, Default)]
pub struct SpanIndex {
    /// Node 0 is the root, when the text has one.
    nodes: Vec<Node>,
    pub duplicates: Vec<DuplicateKey>,
    /// Where a second YAML document starts, if the text has one.
    pub second_document: Option<Position>,
    /// Where the parser found the text malformed, with the pointer of the
    /// innermost mapping or sequence open there.
    pub syntax_error: Option<(Position, String)>,
}

#[derive(Debug)]
struct Node {
    position: Position,
    children: Children,
}

#[derive(Debug)]
enum Children {
    None,
    Members(HashMap<String, usize>),
    Items(Vec<usize>),
}

/// What a mapping waits for next.
enum Slot {
    Key,
    /// The value of the member whose key was just read: its node (`None` when not
    /// indexed) and its token.
    Value(Option<usize>, String),
}

enum FrameKind {
    Mapping(Slot),
    Sequence(usize),
    /// A mapping or sequence used as a mapping key, or inside one: neither
    /// indexed nor counted (the value parser rejects such keys).
    ComplexKey,
}

struct Frame {
    kind: FrameKind,
    /// The node in the index; `None` for what is not indexed (complex keys).
    node: Option<usize>,
    /// Its token in its parent (for the pointers of duplicate keys).
    token: String,
    anchor: usize,
    /// Length of its JSON pointer.
    pointer_len: usize,
    /// Nodes in it, itself included, aliases expanded.
    count: usize,
    /// Sum of the pointer lengths of those nodes.
    bytes: usize,
}

/// Where a value event lands.
struct Placement {
    node: Option<usize>,
    token: String,
    pointer_len: usize,
    is_key: bool,
}

struct Builder {
    index: SpanIndex,
    stack: Vec<Frame>,
    /// Expanded size of each complete anchored node: (nodes, pointer bytes
    /// relative to the anchored node).
    anchors: HashMap<usize, (usize, usize)>,
    total_nodes: usize,
    total_bytes: usize,
}

impl SpanIndex {
    /// Indexes `text`, or refuses it when it is too costly to read (see the
    /// module documentation). A text the parser rejects yields a partial index:
    /// syntax errors are reported by the value parser.
    pub fn build(text: &str) -> Result<SpanIndex, Box<Refusal>> {
        let mut builder = Builder::new();
        let mut first_done = false;
        for event in Parser::new_from_str(text) {
            let (event, span) = match event {
                Ok(event) => event,
                Err(error) => {
                    let marker = error.marker();
                    let position = Position { line: marker.line(), column: marker.col() + 1 };
                    builder.index.syntax_error = Some((position, builder.open_pointer()));
                    break;
                }
            };
            if first_done {
                // Only the first document is read: the value parser rejects more.
                if let Event::DocumentStart(_) = event {
                    builder.index.second_document = Some(position_of(span));
                    break;
                }
                continue;
            }
            let position = position_of(span);
            if let Event::Scalar(.., Some(tag))
            | Event::MappingStart(_, Some(tag))
            | Event::SequenceStart(_, Some(tag)) = &event
            {
                builder.tag(tag, position)?;
            }
            match event {
                Event::Scalar(value, _, anchor, _) => builder.scalar(value.into_owned(), anchor, position)?,
                Event::Alias(anchor) => builder.alias(anchor, position)?,
                Event::MappingStart(anchor, _) => builder.start(anchor, position, true)?,
                Event::SequenceStart(anchor, _) => builder.start(anchor, position, false)?,
                Event::MappingEnd | Event::SequenceEnd => builder.end(),
                Event::DocumentEnd => first_done = true,
                _ => {}
            }
        }
        Ok(builder.index)
    }

    /// [`SpanIndex::build`] for a JSON text. YAML's scanner reads JSON as flow
    /// style, an order of magnitude slower than a JSON reader; the index and its
    /// limits are the same.
    pub fn build_json(text: &str) -> Result<SpanIndex, Box<Refusal>> {
        // The builder enforces the nesting limit, with its own message.
        let settings =
            ReaderSettings { track_path: false, max_nesting_depth: None, ..ReaderSettings::default() };
        let mut reader = JsonStreamReader::new_custom(text.as_bytes(), settings);
        let mut builder = Builder::new();
        match read_json(&mut reader, &mut builder) {
            Ok(()) => {}
            Err(JsonStop::Refused(refusal)) => return Err(refusal),
            Err(JsonStop::Malformed) => {
                builder.index.syntax_error = Some((json_position(&reader), builder.open_pointer()));
            }
        }
        Ok(builder.index)
    }

    /// Whether the text holds no node at all (empty, or only comments).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The position of `pointer`, or of its nearest indexed ancestor.
    pub fn find(&self, pointer: &str) -> Option<Position> {
        let mut node = self.nodes.first()?;
        for token in pointer::tokens(pointer) {
            let next = match &node.children {
                Children::Members(members) => members.get(&token).copied(),
                Children::Items(items) => token.parse::<usize>().ok().and_then(|i| items.get(i).copied()),
                Children::None => None,
            };
            match next {
                Some(next) => node = &self.nodes[next],
                None => break,
            }
        }
        Some(node.position)
    }
}

/// Why reading a JSON text stopped early.
enum JsonStop {
    Refused(Box<Refusal>),
    /// Syntax errors are reported by the value parser.
    Malformed,
}

impl From<Box<Refusal>> for JsonStop {
    fn from(refusal: Box<Refusal>) -> Self {
        JsonStop::Refused(refusal)
    }
}

impl From<ReaderError> for JsonStop {
    fn from(_: ReaderError) -> Self {
        JsonStop::Malformed
    }
}

/// Feeds the builder the nodes of a JSON text, in the order a YAML parser would.
fn read_json(reader: &mut JsonStreamReader<&[u8]>, builder: &mut Builder) -> Result<(), JsonStop> {
    // Whether each open container is an object.
    let mut open: Vec<bool> = Vec::new();
    loop {
        if let Some(&object) = open.last() {
            if !reader.has_next()? {
                if object {
                    reader.end_object()?;
                } else {
                    reader.end_array()?;
                }
                open.pop();
                builder.end();
                if open.is_empty() {
                    break;
                }
                continue;
            }
            if object {
                let position = json_position(reader);
                let key = reader.next_name_owned()?;
                builder.scalar(key, NO_ANCHOR, position)?;
            }
        }
        let kind = reader.peek()?;
        let position = json_position(reader);
        match kind {
            ValueType::Object => {
                reader.begin_object()?;
                builder.start(NO_ANCHOR, position, true)?;
                open.push(true);
            }
            ValueType::Array => {
                reader.begin_array()?;
                builder.start(NO_ANCHOR, position, false)?;
                open.push(false);
            }
            ValueType::String | ValueType::Number | ValueType::Boolean | ValueType::Null => {
                // Only keys are kept: a value's text is not needed.
                reader.skip_value()?;
                builder.scalar(String::new(), NO_ANCHOR, position)?;
            }
        }
        if open.is_empty() {
            break;
        }
    }
    // What follows the value, if anything, is the value parser's to report.
    Ok(())
}

/// Where the JSON reader stands (before the value or key it has peeked).
fn json_position(reader: &JsonStreamReader<&[u8]>) -> Position {
    let at = reader.current_position(false).line_pos.unwrap_or(LinePosition { line: 0, column: 0 });
    let one_based = |n: u64| usize::try_from(n).unwrap_or(usize::MAX).saturating_add(1);
    Position { line: one_based(at.line), column: one_based(at.column) }
}

impl Builder {
    fn new() -> Self {
        Builder {
            index: SpanIndex::default(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            total_nodes: 0,
            total_bytes: 0,
        }
    }

    fn new_node(&mut self, position: Position) -> usize {
        self.index.nodes.push(Node { position, children: Children::None });
        self.index.nodes.len() - 1
    }

    /// Places a value node (not a mapping key) in its parent.
    fn place(&mut self, position: Position) -> Placement {
        let Some(parent) = self.stack.last_mut() else {
            let node = if self.index.nodes.is_empty() { Some(self.new_node(position)) } else { None };
            return Placement { node, token: String::new(), pointer_len: 0, is_key: false };
        };
        let parent_len = parent.pointer_len;
        let parent_node = parent.node;
        match &mut parent.kind {
            FrameKind::Mapping(slot) => match std::mem::replace(slot, Slot::Key) {
                Slot::Value(node, token) => {
                    let pointer_len = parent_len + 1 + escaped_len(&token);
                    Placement { node, token, pointer_len, is_key: false }
                }
                Slot::Key => {
                    // A mapping or sequence as a key: YAML allows it, JSON has no such
                    // thing. Its value is not indexed.
                    *slot = Slot::Value(None, String::new());
                    Placement { node: None, token: String::new(), pointer_len: parent_len, is_key: true }
                }
            },
            FrameKind::Sequence(next) => {
                let token = next.to_string();
                *next += 1;
                let pointer_len = parent_len + 1 + token.len();
                let node = parent_node.map(|parent| {
                    let node = self.new_node(position);
                    if let Children::Items(items) = &mut self.index.nodes[parent].children {
                        items.push(node);
                    }
                    node
                });
                Placement { node, token, pointer_len, is_key: false }
            }
            FrameKind::ComplexKey => {
                Placement { node: None, token: String::new(), pointer_len: parent_len, is_key: true }
            }
        }
    }

    fn scalar(&mut self, value: String, anchor: usize, position: Position) -> Result<(), Box<Refusal>> {
        if let Some(Frame { kind: FrameKind::Mapping(slot @ Slot::Key), node, .. }) = self.stack.last_mut() {
            let member = node.map(|mapping| (mapping, value.clone()));
            *slot = Slot::Value(None, value);
            if let Some((mapping, key)) = member {
                self.member(mapping, key, position);
            }
            return Ok(());
        }
        let placement = self.place(position);
        if placement.is_key {
            return Ok(());
        }
        if anchor != NO_ANCHOR {
            self.anchors.insert(anchor, (1, 0));
        }
        self.count(1, placement.pointer_len, position, false)
    }

    /// Records the member `key` of the mapping node `mapping`, read at `position`.
    fn member(&mut self, mapping: usize, key: String, position: Position) {
        let node = self.new_node(position);
        let Children::Members(members) = &mut self.index.nodes[mapping].children else { return };
        // serde keeps the last of duplicate members: so does the index.
        if members.insert(key.clone(), node).is_some() && self.index.duplicates.len() < MAX_DUPLICATES {
            let mut parent = String::new();
            for frame in self.stack.iter().skip(1) {
                parent = pointer::join(&parent, &frame.token);
            }
            let pointer = pointer::join(&parent, &key);
            self.index.duplicates.push(DuplicateKey { pointer, position });
        }
        if let Some(Frame { kind: FrameKind::Mapping(slot), .. }) = self.stack.last_mut() {
            *slot = Slot::Value(Some(node), key);
        }
    }

    fn alias(&mut self, anchor: usize, position: Position) -> Result<(), Box<Refusal>> {
        let placement = self.place(position);
        if placement.is_key {
            return Ok(());
        }
        if self.stack.iter().any(|frame| frame.anchor == anchor) {
            return Err(self.refuse(
                position,
                "this alias repeats a mapping or sequence that it is inside of: \
                 the document would be infinitely deep"
                    .to_owned(),
                "an alias `*name` must refer to a node that is complete where the alias is written",
            ));
        }
        let (nodes, relative_bytes) = self.anchors.get(&anchor).copied().unwrap_or((1, 0));
        let bytes = nodes.saturating_mul(placement.pointer_len).saturating_add(relative_bytes);
        self.count(nodes, bytes, position, true)
    }

    fn start(&mut self, anchor: usize, position: Position, mapping: bool) -> Result<(), Box<Refusal>> {
        let placement = self.place(position);
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.refuse(
                position,
                format!("the document nests mappings and sequences more than {MAX_DEPTH} levels deep"),
                "no AsyncAPI document needs this much nesting: move inner schemas to \
                 `components/schemas` and refer to them with `$ref`",
            ));
        }
        let kind = match (placement.is_key, mapping) {
            (true, _) => FrameKind::ComplexKey,
            (false, true) => FrameKind::Mapping(Slot::Key),
            (false, false) => FrameKind::Sequence(0),
        };
        if let Some(node) = placement.node {
            self.index.nodes[node].children =
                if mapping { Children::Members(HashMap::new()) } else { Children::Items(Vec::new()) };
        }
        if !placement.is_key {
            self.total(1, placement.pointer_len, position, false)?;
        }
        self.stack.push(Frame {
            kind,
            node: placement.node,
            token: placement.token,
            anchor,
            pointer_len: placement.pointer_len,
            count: 1,
            bytes: placement.pointer_len,
        });
        Ok(())
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else { return };
        if frame.anchor != NO_ANCHOR {
            let relative = frame.bytes.saturating_sub(frame.count.saturating_mul(frame.pointer_len));
            self.anchors.insert(frame.anchor, (frame.count, relative));
        }
        let is_key = matches!(frame.kind, FrameKind::ComplexKey);
        if let Some(parent) = self.stack.last_mut()
            && !is_key
        {
            parent.count = parent.count.saturating_add(frame.count);
            parent.bytes = parent.bytes.saturating_add(frame.bytes);
        }
    }

    /// Adds nodes to the current container and to the totals.
    fn count(
        &mut self,
        nodes: usize,
        bytes: usize,
        position: Position,
        alias: bool,
    ) -> Result<(), Box<Refusal>> {
        if let Some(parent) = self.stack.last_mut() {
            parent.count = parent.count.saturating_add(nodes);
            parent.bytes = parent.bytes.saturating_add(bytes);
        }
        self.total(nodes, bytes, position, alias)
    }

    fn total(
        &mut self,
        nodes: usize,
        bytes: usize,
        position: Position,
        alias: bool,
    ) -> Result<(), Box<Refusal>> {
        self.total_nodes = self.total_nodes.saturating_add(nodes);
        self.total_bytes = self.total_bytes.saturating_add(bytes);
        if self.total_nodes > MAX_NODES {
            return Err(if alias {
                self.refuse(
                    position,
                    format!(
                        "YAML aliases expand this document to more than {MAX_NODES} nodes \
                         (a \"billion laughs\" document?)"
                    ),
                    "write shared parts once and use them through `$ref`, which does not copy them",
                )
            } else {
                self.refuse(
                    position,
                    format!("the document has more than {MAX_NODES} nodes, more than this generator reads"),
                    "split the document into files joined by `$ref`s, or remove what it does not need",
                )
            });
        }
        if self.total_bytes > MAX_POINTER_BYTES {
            return Err(self.refuse(
                position,
                format!(
                    "the document's keys are too long for how deeply they are nested: the JSON \
                     pointers of its nodes add up to more than {} MiB",
                    MAX_POINTER_BYTES >> 20
                ),
                "use short keys for mappings that hold many nodes",
            ));
        }
        Ok(())
    }

    /// The pointer of the innermost indexed mapping or sequence being read.
    fn open_pointer(&self) -> String {
        let mut at = String::new();
        for frame in self.stack.iter().skip(1) {
            if frame.node.is_none() {
                break;
            }
            at = pointer::join(&at, &frame.token);
        }
        at
    }

    /// Refuses a `!!` tag outside YAML's core schema (`!!invalidTag 1.0`): the
    /// value parser would drop it silently, and the author meant something by
    /// it. (Local tags, `!custom`, the value parser refuses itself.)
    fn tag(&self, tag: &Tag, position: Position) -> Result<(), Box<Refusal>> {
        if !tag.is_yaml_core_schema() || CORE_TAGS.contains(&tag.suffix.as_str()) {
            return Ok(());
        }
        Err(self.refuse(
            position,
            format!("invalid YAML: unknown tag `!!{}`", tag.suffix),
            "AsyncAPI documents are JSON data written in YAML: remove the tag \
             (YAML's core tags are `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map` and `!!seq`)",
        ))
    }

    fn refuse(&self, position: Position, message: String, help: &str) -> Box<Refusal> {
        Box::new(Refusal { message, help: help.to_owned(), position, pointer: self.open_pointer() })
    }
}

/// Length of `token` escaped for a JSON pointer.
fn escaped_len(token: &str) -> usize {
    token.len() + token.bytes().filter(|b| matches!(b, b'~' | b'/')).count()
}

fn position_of(span: Span) -> Position {
    Position { line: span.start.line(), column: span.start.col() + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_members_at_their_keys_and_items_at_their_start() {
        let text = "info:\n  title: x\nchannels:\n  a/b:\n    tags: [one, two]\n";
        let index = SpanIndex::build(text).unwrap();
        assert_eq!(index.find(""), Some(Position { line: 1, column: 1 }));
        assert_eq!(index.find("/info/title"), Some(Position { line: 2, column: 3 }));
        assert_eq!(index.find("/channels/a~1b"), Some(Position { line: 4, column: 3 }));
        assert_eq!(index.find("/channels/a~1b/tags/1"), Some(Position { line: 5, column: 17 }));
        // Unknown pointers fall back to the nearest ancestor.
        assert_eq!(index.find("/info/title/nope"), Some(Position { line: 2, column: 3 }));
        assert_eq!(index.find("/channels/a~1b/tags/7"), Some(Position { line: 5, column: 5 }));
        assert!(index.duplicates.is_empty());
    }

    #[test]
    fn indexes_json_too() {
        let index = SpanIndex::build("{\n  \"a\": {\"b\": [1, 2]}\n}").unwrap();
        assert_eq!(index.find("/a/b/1"), Some(Position { line: 2, column: 18 }));
    }

    /// Every pointer of `value`, the root included.
    fn pointers(value: &serde_json::Value) -> Vec<String> {
        fn walk(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(members) => {
                    for (key, member) in members {
                        walk(member, pointer::join(&at, key), out);
                    }
                }
                serde_json::Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        walk(item, pointer::join(&at, &index.to_string()), out);
                    }
                }
                _ => {}
            }
            out.push(at);
        }
        let mut all = Vec::new();
        walk(value, String::new(), &mut all);
        all
    }

    #[test]
    fn the_json_reader_places_every_node_where_the_yaml_reader_does() {
        let texts = [
            "{\n  \"a\": {\"b\": [1, 2]},\n  \"c\":   \"x\"\n}",
            "{\"a/b\": {\"~c\": [[], {}, [true, null, -1.5e3]]}, \"\\u00e9t\\u00e9\": \"\u{e9}\u{e9}\", \"d\": 1}",
            "{\"k\u{e9}y\": {\"x\": 1, \"x\": {\"y\": 2}}, \"e\": {}}",
            "[\n\t{\"a\":\n\t\t[\"\\\"quoted\\\"\", 2]}, 3]",
            "\"a lone string\"",
        ];
        for text in texts {
            let value: serde_json::Value = serde_json::from_str(text).expect(text);
            let yaml = SpanIndex::build(text).unwrap();
            let json = SpanIndex::build_json(text).unwrap();
            for pointer in &pointers(&value) {
                assert_eq!(json.find(pointer), yaml.find(pointer), "{pointer} in {text}");
            }
            assert_eq!(json.duplicates, yaml.duplicates, "{text}");
            assert_eq!(json.syntax_error, None, "{text}");
        }
        let spec = include_str!("../../../../spec/gotowebinar-webhooks.asyncapi.yaml");
        let value: serde_json::Value = serde_yaml::from_str(spec).unwrap();
        let text = serde_json::to_string_pretty(&value).unwrap();
        let (yaml, json) = (SpanIndex::build(&text).unwrap(), SpanIndex::build_json(&text).unwrap());
        let all = pointers(&value);
        assert!(all.len() > 300, "{} nodes", all.len());
        for pointer in &all {
            assert_eq!(json.find(pointer), yaml.find(pointer), "{pointer}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 2_000, ..Default::default() })]

        /// Edited JSON, mostly broken: the JSON reader never panics, and where
        /// the edit left valid JSON that both readers index without trouble,
        /// they place every node alike.
        #[test]
        fn the_json_reader_survives_any_edit(
            edits in proptest::collection::vec((0usize..400, 0usize..16, proptest::bool::ANY), 0..8),
        ) {
            const PIECES: [&str; 16] =
                ["{", "}", "[", "]", ",", ":", "\"", "\\", "a", "1", " ", "\n", "\"k\": ", "\u{e9}", "\t", "null"];
            let mut text = String::from(
                "{\n  \"a\": {\"b\": [1, 2.5e3, \"x\\\"y\"]},\n  \"c\u{e9}\": [{}, [], null, true],\n  \"d\": \"\"\n}",
            );
            for (at, piece, insert) in edits {
                let mut at = at.min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if insert {
                    text.insert_str(at, PIECES[piece]);
                } else if let Some(c) = text[at..].chars().next() {
                    text.replace_range(at..at + c.len_utf8(), "");
                }
            }
            let json = SpanIndex::build_json(&text);
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
                && let (Ok(json), Ok(yaml)) = (json, SpanIndex::build(&text))
                && yaml.syntax_error.is_none()
            {
                proptest::prop_assert_eq!(&json.syntax_error, &None);
                for pointer in &pointers(&value) {
                    proptest::prop_assert_eq!(json.find(pointer), yaml.find(pointer), "{} in {:?}", pointer, text);
                }
            }
        }
    }

    #[test]
    fn the_json_reader_notes_where_the_text_is_malformed_and_refuses_deep_nesting() {
        let index = SpanIndex::build_json("{\"a\": {\"b\": [1, 2\n\"c\": 3}}").unwrap();
        let (position, pointer) = index.syntax_error.unwrap();
        assert_eq!((position.line, pointer.as_str()), (2, "/a/b"));
        assert!(SpanIndex::build_json("").unwrap().is_empty());

        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let refusal = SpanIndex::build_json(&deep).unwrap_err();
        assert_eq!(refusal, SpanIndex::build(&deep).unwrap_err());
        assert!(refusal.message.contains("levels deep"), "{}", refusal.message);
    }

    #[test]
    fn finds_duplicate_keys() {
        let index = SpanIndex::build("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap();
        assert_eq!(
            index.duplicates,
            [DuplicateKey { pointer: "/b/c".into(), position: Position { line: 4, column: 3 } }]
        );
        // The index places a duplicated member at its last occurrence, the one kept.
        assert_eq!(index.find("/b/c"), Some(Position { line: 4, column: 3 }));
    }

    #[test]
    fn notes_where_the_text_is_malformed() {
        let index = SpanIndex::build("a:\n  b: [1, 2\nc: 3\n").unwrap();
        let (position, pointer) = index.syntax_error.unwrap();
        assert_eq!((position.line, pointer.as_str()), (3, "/a/b"));
        assert_eq!(SpanIndex::build("a: 1\n").unwrap().syntax_error, None);
    }

    #[test]
    fn empty_texts_have_no_nodes() {
        assert!(SpanIndex::build("").unwrap().is_empty());
        assert!(SpanIndex::build("# only a comment\n").unwrap().is_empty());
        assert!(!SpanIndex::build("~\n").unwrap().is_empty());
    }

    #[test]
    fn notes_where_a_second_document_starts() {
        let index = SpanIndex::build("a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(index.second_document, Some(Position { line: 2, column: 1 }));
        assert_eq!(index.find("/b"), Some(Position { line: 1, column: 1 }), "not indexed");
        assert_eq!(SpanIndex::build("a: 1\n").unwrap().second_document, None);
    }

    #[test]
    fn aliases_are_placed_where_they_are_written() {
        let text = "a: &x {b: 1}\nc:\n  - *x\n";
        let index = SpanIndex::build(text).unwrap();
        assert_eq!(index.find("/c/0/b"), Some(Position { line: 3, column: 5 }));
    }

    #[test]
    fn complex_keys_do_not_derail_the_index() {
        let text = "? [a, b]\n: 1\nc: 2\n";
        let index = SpanIndex::build(text).unwrap();
        assert_eq!(index.find("/c"), Some(Position { line: 3, column: 1 }));
    }

    #[test]
    fn refuses_a_billion_laughs_quickly() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let started = std::time::Instant::now();
        let refusal = SpanIndex::build(&text).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(refusal.message.contains("billion laughs"), "{}", refusal.message);
        assert_eq!(refusal.position.line, 7, "the alias that crosses the limit");
        assert_eq!(refusal.pointer, "/a6");
    }

    #[test]
    fn refuses_a_quadratic_alias_blow_up() {
        // A long list, then a list of aliases to it: serde_yaml's repetition limit
        // (100 alias jumps per event) lets this through.
        let long = vec!["x"; 10_000].join(", ");
        let aliases = vec!["*a"; 1_000].join(", ");
        let text = format!("a: &a [{long}]\nb: [{aliases}]\n");
        let refusal = SpanIndex::build(&text).unwrap_err();
        assert!(refusal.message.contains("YAML aliases expand"), "{}", refusal.message);
    }

    #[test]
    fn refuses_tags_outside_the_core_schema() {
        let refusal = SpanIndex::build("info:\n  version: !!invalidTag 0.1.0\n").unwrap_err();
        assert_eq!(refusal.message, "invalid YAML: unknown tag `!!invalidTag`");
        assert_eq!(refusal.position, Position { line: 2, column: 12 });
        assert!(SpanIndex::build("a: !!str 1\nb: !!map {c: !!seq [!!int 2, !!null ~]}\n").is_ok());
    }

    #[test]
    fn refuses_an_alias_inside_its_own_anchor() {
        let refusal = SpanIndex::build("a: &a\n  b: [1, *a]\n").unwrap_err();
        assert!(refusal.message.contains("infinitely deep"), "{}", refusal.message);
        assert_eq!(refusal.position, Position { line: 2, column: 10 });
        assert!(SpanIndex::build("a: &a [1]\nb: [*a, *a]\n").is_ok());
    }

    #[test]
    fn refuses_deep_nesting() {
        let mut text = String::new();
        for depth in 0..10_000 {
            text.push_str(&format!("{}a:\n", " ".repeat(depth)));
        }
        let refusal = SpanIndex::build(&text).unwrap_err();
        assert!(refusal.message.contains("more than 128 levels deep"), "{}", refusal.message);
        assert_eq!(refusal.position, Position { line: 129, column: 129 });
        assert_eq!(refusal.pointer.matches('/').count(), 127, "the mapping that holds it");
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(SpanIndex::build(&ok).is_ok());
    }

    #[test]
    fn refuses_long_keys_nested_deeply() {
        // 100 levels of 100 KiB keys, then many members: the pointers would add
        // up to gigabytes, the text is 10 MiB. (Explicit `? key` entries: implicit
        // keys are limited to 1024 characters.)
        let key = "k".repeat(100 << 10);
        let mut text = String::new();
        for depth in 0..100 {
            let indent = " ".repeat(2 * depth);
            text.push_str(&format!("{indent}? {key}\n{indent}:\n"));
        }
        for member in 0..1000 {
            text.push_str(&format!("{}m{member}: 1\n", " ".repeat(200)));
        }
        let refusal = SpanIndex::build(&text).unwrap_err();
        assert!(refusal.message.contains("keys are too long"), "{}", refusal.message);
    }

    #[test]
    fn indexes_large_flat_texts_in_linear_time() {
        let mut text = String::new();
        for member in 0..100_000 {
            text.push_str(&format!("key{member}: {{type: string, description: \"text {member}\"}}\n"));
        }
        let started = std::time::Instant::now();
        let index = SpanIndex::build(&text).unwrap();
        assert_eq!(index.find("/key99999/type"), Some(Position { line: 100_000, column: 12 }));
        // The same as one line of JSON.
        let members: Vec<String> = (0..100_000).map(|m| format!("\"key{m}\": [{m}, \"{m}\"]")).collect();
        let text = format!("{{{}}}", members.join(", "));
        let index = SpanIndex::build(&text).unwrap();
        assert_eq!(index.find("/key3/1").map(|p| p.line), Some(1));
        // A few seconds in a debug build; a quadratic pass would take hours.
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
    }
}
