//! Where each node of a YAML or JSON text sits, by JSON pointer.
//!
//! `serde_yaml` gives us the document's values but not their positions, so we read
//! the same text once more with `saphyr-parser`, which reports a span for every
//! event. Mapping members are placed at their key (that is where a reader looks),
//! other nodes at their first character. The same pass finds duplicate keys, which
//! `serde_yaml` silently collapses.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

use crate::pointer;

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

/// Positions of the nodes of one text.
#[derive(Debug, Default)]
pub struct SpanIndex {
    positions: HashMap<String, Position>,
    pub duplicates: Vec<DuplicateKey>,
}

enum Frame {
    Mapping { pointer: String, key: Option<String>, seen: std::collections::HashSet<String> },
    Sequence { pointer: String, next: usize },
}

impl SpanIndex {
    /// Indexes `text`. A text the parser rejects yields a partial index: syntax
    /// errors are reported by the loader, which reads the text first.
    pub fn build(text: &str) -> SpanIndex {
        let mut index = SpanIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            match event {
                Event::Scalar(value, ..) => {
                    if let Some(Frame::Mapping { pointer, key, seen }) = stack.last_mut()
                        && key.is_none()
                    {
                        let member = pointer::join(pointer, &value);
                        let position = position_of(span);
                        if !seen.insert(value.to_string()) {
                            index.duplicates.push(DuplicateKey { pointer: member.clone(), position });
                        }
                        index.positions.entry(member).or_insert(position);
                        *key = Some(value.into_owned());
                        continue;
                    }
                    index.enter_node(&mut stack, span);
                }
                Event::Alias(_) => {
                    index.enter_node(&mut stack, span);
                }
                Event::MappingStart(..) => {
                    let pointer = index.enter_node(&mut stack, span);
                    stack.push(Frame::Mapping { pointer, key: None, seen: Default::default() });
                }
                Event::SequenceStart(..) => {
                    let pointer = index.enter_node(&mut stack, span);
                    stack.push(Frame::Sequence { pointer, next: 0 });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        index
    }

    /// Records a value node and returns its pointer, advancing the parent.
    fn enter_node(&mut self, stack: &mut [Frame], span: Span) -> String {
        let pointer = match stack.last_mut() {
            None => String::new(),
            Some(Frame::Mapping { pointer, key, .. }) => match key.take() {
                Some(key) => pointer::join(pointer, &key),
                // A non-scalar key: YAML allows it, AsyncAPI documents never use it.
                None => pointer.clone(),
            },
            Some(Frame::Sequence { pointer, next }) => {
                let item = pointer::join(pointer, &next.to_string());
                *next += 1;
                item
            }
        };
        self.positions.entry(pointer.clone()).or_insert_with(|| position_of(span));
        pointer
    }

    /// The position of `pointer`, or of its nearest indexed ancestor.
    pub fn find(&self, mut pointer: &str) -> Option<Position> {
        loop {
            if let Some(position) = self.positions.get(pointer) {
                return Some(*position);
            }
            pointer = pointer::parent(pointer)?;
        }
    }
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
        let index = SpanIndex::build(text);
        assert_eq!(index.find("/info/title"), Some(Position { line: 2, column: 3 }));
        assert_eq!(index.find("/channels/a~1b"), Some(Position { line: 4, column: 3 }));
        assert_eq!(index.find("/channels/a~1b/tags/1"), Some(Position { line: 5, column: 17 }));
        // Unknown pointers fall back to the nearest ancestor.
        assert_eq!(index.find("/info/title/nope"), Some(Position { line: 2, column: 3 }));
        assert!(index.duplicates.is_empty());
    }

    #[test]
    fn indexes_json_too() {
        let index = SpanIndex::build("{\n  \"a\": {\"b\": [1, 2]}\n}");
        assert_eq!(index.find("/a/b/1"), Some(Position { line: 2, column: 18 }));
    }

    #[test]
    fn finds_duplicate_keys() {
        let index = SpanIndex::build("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(
            index.duplicates,
            [DuplicateKey { pointer: "/b/c".into(), position: Position { line: 4, column: 3 } }]
        );
    }
}
