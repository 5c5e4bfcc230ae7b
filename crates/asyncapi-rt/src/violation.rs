//! What a validator reports: every violation at once, each with the JSON pointer
//! of the offending value, the keyword that failed and a message for humans.

use std::fmt;

use crate::path::Path;

/// The schema keyword (or parsing step) a violation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Keyword {
    /// The body is not JSON at all.
    Json,
    /// The body is JSON, but a value cannot be represented by the generated Rust
    /// type although the schema allows it (an integer beyond `i64`, say).
    Representable,
    /// No message of the document matches the discriminator value.
    Discriminator,
    Type,
    Enum,
    Const,
    Required,
    AdditionalProperties,
    PropertyNames,
    MinProperties,
    MaxProperties,
    Dependencies,
    AdditionalItems,
    Contains,
    MinItems,
    MaxItems,
    UniqueItems,
    MinLength,
    MaxLength,
    Pattern,
    Format,
    ContentEncoding,
    ContentMediaType,
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
    MultipleOf,
    AllOf,
    AnyOf,
    OneOf,
    Not,
    /// `false` as a schema: nothing is allowed here.
    FalseSchema,
}

impl Keyword {
    /// The keyword as spelled in JSON Schema (`minLength`, `oneOf`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Json => "json",
            Keyword::Representable => "representable",
            Keyword::Discriminator => "discriminator",
            Keyword::Type => "type",
            Keyword::Enum => "enum",
            Keyword::Const => "const",
            Keyword::Required => "required",
            Keyword::AdditionalProperties => "additionalProperties",
            Keyword::PropertyNames => "propertyNames",
            Keyword::MinProperties => "minProperties",
            Keyword::MaxProperties => "maxProperties",
            Keyword::Dependencies => "dependencies",
            Keyword::AdditionalItems => "additionalItems",
            Keyword::Contains => "contains",
            Keyword::MinItems => "minItems",
            Keyword::MaxItems => "maxItems",
            Keyword::UniqueItems => "uniqueItems",
            Keyword::MinLength => "minLength",
            Keyword::MaxLength => "maxLength",
            Keyword::Pattern => "pattern",
            Keyword::Format => "format",
            Keyword::ContentEncoding => "contentEncoding",
            Keyword::ContentMediaType => "contentMediaType",
            Keyword::Minimum => "minimum",
            Keyword::Maximum => "maximum",
            Keyword::ExclusiveMinimum => "exclusiveMinimum",
            Keyword::ExclusiveMaximum => "exclusiveMaximum",
            Keyword::MultipleOf => "multipleOf",
            Keyword::AllOf => "allOf",
            Keyword::AnyOf => "anyOf",
            Keyword::OneOf => "oneOf",
            Keyword::Not => "not",
            Keyword::FalseSchema => "false",
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Keyword {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One thing wrong with a message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON pointer (RFC 6901) of the offending value; `""` is the whole body.
    pub pointer: String,
    /// The keyword that failed.
    pub keyword: Keyword,
    /// What is wrong, for humans.
    pub message: String,
}

impl Violation {
    /// Where it is, for people: the pointer, or `(root)` for the whole body.
    fn place(&self) -> &str {
        if self.pointer.is_empty() { "(root)" } else { &self.pointer }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.place(), self.message, self.keyword)
    }
}

/// Every violation found in one message, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation at `at`.
    pub fn push(&mut self, at: &Path<'_>, keyword: Keyword, message: impl Into<String>) {
        self.0.push(Violation { pointer: at.to_pointer(), keyword, message: message.into() });
    }

    /// Records a violation whose pointer is already known.
    pub fn push_violation(&mut self, violation: Violation) {
        self.0.push(violation);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }

    /// `Ok(())` when nothing was found, else these violations as an error.
    pub fn into_result(self) -> Result<(), Violations> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Number of violations recorded so far: generated `anyOf`/`oneOf` checks
    /// validate a branch into the same list and roll it back with [`Self::truncate`].
    pub fn mark(&self) -> usize {
        self.0.len()
    }

    /// Drops violations recorded after `mark`.
    pub fn truncate(&mut self, mark: usize) {
        self.0.truncate(mark);
    }

    /// Where the violations are and which keywords they break, without their
    /// messages, which quote the body's values (personal data, in a webhook):
    /// `/email (format), /status (enum)`. For logs. A pointer names the keys
    /// that lead to a value, an undeclared property's name among them.
    pub fn locations(&self) -> impl fmt::Display + '_ {
        Locations(&self.0)
    }
}

impl Extend<Violation> for Violations {
    fn extend<I: IntoIterator<Item = Violation>>(&mut self, violations: I) {
        self.0.extend(violations);
    }
}

struct Locations<'a>(&'a [Violation]);

impl fmt::Display for Locations<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, violation) in self.0.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            write!(f, "{separator}{} ({})", violation.place(), violation.keyword)?;
        }
        Ok(())
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.len() {
            0 => f.write_str("no violations"),
            1 => write!(f, "1 violation: {}", self.0[0]),
            n => {
                write!(f, "{n} violations:")?;
                for violation in &self.0 {
                    write!(f, "\n  - {violation}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Violations {}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Violation> for Violations {
    fn from(violation: Violation) -> Self {
        Violations(vec![violation])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_lists_every_violation_with_its_pointer() {
        let mut path = Path::root();
        let mut found = Violations::new();
        path.push_key("product");
        found.push(&path, Keyword::Enum, "`x` is not one of \"g2w\"");
        path.pop();
        found.push(&path, Keyword::Required, "missing required property `eventKey`");
        let text = found.to_string();
        assert_eq!(
            text,
            "2 violations:\n  - /product: `x` is not one of \"g2w\" (enum)\n  - (root): missing required property `eventKey` (required)"
        );
    }

    #[test]
    fn serializes_keyword_as_its_json_schema_spelling() {
        let violation = Violation { pointer: "/a".into(), keyword: Keyword::MinLength, message: "m".into() };
        let json = serde_json::to_string(&violation).unwrap();
        assert_eq!(json, r#"{"pointer":"/a","keyword":"minLength","message":"m"}"#);
    }
}
