//! Where a validator is in the document, kept as a stack of borrowed segments so
//! that walking a valid message allocates nothing; the JSON pointer string is only
//! built when a violation is recorded.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The location being validated, as a JSON pointer under construction.
#[derive(Debug, Clone, Default)]
pub struct Path<'a> {
    segments: Vec<Segment<'a>>,
}

impl<'a> Path<'a> {
    /// The whole document.
    pub fn root() -> Self {
        Self { segments: Vec::new() }
    }

    /// Descends into the property `key`.
    pub fn push_key(&mut self, key: &'a str) {
        self.segments.push(Segment::Key(key));
    }

    /// Descends into the array item `index`.
    pub fn push_index(&mut self, index: usize) {
        self.segments.push(Segment::Index(index));
    }

    /// Goes back up one level.
    pub fn pop(&mut self) {
        self.segments.pop();
    }

    /// The RFC 6901 pointer of this location (`""` for the root).
    pub fn to_pointer(&self) -> String {
        // Sized up front: each key's length (escapes aside), or the most digits an index has.
        let length = |segment: &Segment<'_>| match segment {
            Segment::Key(key) => 1 + key.len(),
            Segment::Index(_) => 1 + 20,
        };
        let mut pointer = String::with_capacity(self.segments.iter().map(length).sum());
        for segment in &self.segments {
            pointer.push('/');
            match segment {
                Segment::Key(key) => push_escaped(&mut pointer, key),
                Segment::Index(index) => {
                    let _ = write!(pointer, "{index}");
                }
            }
        }
        pointer
    }
}

/// Appends `key` with `~` and `/` escaped as RFC 6901 requires.
fn push_escaped(pointer: &mut String, key: &str) {
    if !key.contains(['~', '/']) {
        pointer.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_rfc6901_pointers() {
        let mut path = Path::root();
        assert_eq!(path.to_pointer(), "");
        path.push_key("times");
        path.push_index(0);
        path.push_key("startTime");
        assert_eq!(path.to_pointer(), "/times/0/startTime");
        path.pop();
        path.pop();
        path.push_key("a/b~c");
        assert_eq!(path.to_pointer(), "/times/a~1b~0c");
    }
}
