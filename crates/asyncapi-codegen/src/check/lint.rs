//! Rules with one precise answer, checked before the meta-schema so that the
//! author reads "unknown type `strng`" rather than "matches none of the forms".

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Site, Sources};

/// JSON Schema's type names.
pub const TYPE_NAMES: [&str; 7] = ["array", "boolean", "integer", "null", "number", "object", "string"];

/// Whether a message's `schemaFormat` is one whose payload we can read as a schema.
pub fn is_supported_schema_format(format: &str) -> bool {
    let format = format.to_ascii_lowercase().replace(' ', "");
    let Some((media_type, version)) = format.split_once(";version=") else { return false };
    match media_type {
        "application/vnd.aai.asyncapi"
        | "application/vnd.aai.asyncapi+json"
        | "application/vnd.aai.asyncapi+yaml" => version.starts_with("2."),
        "application/schema+json" | "application/schema+yaml" => version == "draft-07",
        _ => false,
    }
}

struct Linter<'a> {
    sources: &'a Sources,
    visited: HashSet<Site>,
    operation_ids: BTreeMap<String, Site>,
    diagnostics: Diagnostics,
}

pub fn lint(sources: &Sources) -> Diagnostics {
    let mut linter = Linter {
        sources,
        visited: HashSet::new(),
        operation_ids: BTreeMap::new(),
        diagnostics: Diagnostics::new(),
    };
    let root = sources.root_site();
    for (name, _) in linter.members(&root.join("channels")) {
        let channel = root.join("channels").join(&name);
        let channel = linter.deref(&channel);
        for (parameter, _) in linter.members(&channel.join("parameters")) {
            let parameter = linter.deref(&channel.join("parameters").join(&parameter));
            linter.schema(&parameter.join("schema"));
        }
        for kind in ["subscribe", "publish"] {
            let operation = channel.join(kind);
            if let Some(Value::String(id)) = sources.get(&operation.join("operationId")) {
                linter.operation_id(id, operation.join("operationId"));
            }
            linter.message(&operation.join("message"));
        }
    }
    let components = root.join("components");
    for (name, _) in linter.members(&components.join("schemas")) {
        linter.schema(&components.join("schemas").join(&name));
    }
    for (name, _) in linter.members(&components.join("messages")) {
        linter.message(&components.join("messages").join(&name));
    }
    for (name, _) in linter.members(&components.join("messageTraits")) {
        let message_trait = linter.deref(&components.join("messageTraits").join(&name));
        linter.schema(&message_trait.join("headers"));
    }
    for (name, _) in linter.members(&components.join("parameters")) {
        let parameter = linter.deref(&components.join("parameters").join(&name));
        linter.schema(&parameter.join("schema"));
    }
    linter.diagnostics
}

impl Linter<'_> {
    fn members(&self, site: &Site) -> Vec<(String, Value)> {
        match self.sources.get(site) {
            Some(Value::Object(members)) => members.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => Vec::new(),
        }
    }

    /// Follows `$ref`s; an unresolvable one is left for the resolve stage to report.
    fn deref(&self, site: &Site) -> Site {
        let mut site = site.clone();
        for _ in 0..64 {
            let Some(Value::String(reference)) = self.sources.get(&site.join("$ref")) else { break };
            match self.sources.resolve_ref(site.file, reference) {
                Ok(target) => site = target,
                Err(_) => break,
            }
        }
        site
    }

    fn operation_id(&mut self, id: &str, site: Site) {
        if let Some(first) = self.operation_ids.get(id) {
            let first = self.sources.locate(first);
            let (line, column) = (first.line.unwrap_or(0), first.column.unwrap_or(0));
            self.diagnostics.push(
                Diagnostic::error(format!("duplicate operationId `{id}`"))
                    .at(self.sources.locate(&site))
                    .with_help(format!("operationIds name handler methods and must be unique; first used at {}:{line}:{column}", first.file)),
            );
        } else {
            self.operation_ids.insert(id.to_owned(), site);
        }
    }

    fn message(&mut self, site: &Site) {
        let site = self.deref(site);
        if !self.visited.insert(site.clone()) {
            return;
        }
        if let Some(Value::Array(alternatives)) = self.sources.get(&site.join("oneOf")) {
            for index in 0..alternatives.len() {
                self.message(&site.join("oneOf").item(index));
            }
            return;
        }
        for (index, _) in
            self.sources.get(&site.join("traits")).and_then(Value::as_array).into_iter().flatten().enumerate()
        {
            let message_trait = self.deref(&site.join("traits").item(index));
            self.schema(&message_trait.join("headers"));
        }
        self.schema(&site.join("headers"));
        match self.sources.get(&site.join("schemaFormat")) {
            Some(Value::String(format)) if !is_supported_schema_format(format) => {
                self.diagnostics.push(
                    Diagnostic::error(format!("unsupported schemaFormat `{format}`"))
                        .at(self.sources.locate(&site.join("schemaFormat")))
                        .with_help("payloads can be generated from AsyncAPI schemas and JSON Schema draft-07 (`application/schema+json;version=draft-07`); convert the payload schema to one of them"),
                );
            }
            _ => self.schema(&site.join("payload")),
        }
    }

    fn schema(&mut self, site: &Site) {
        let site = self.deref(site);
        if !self.visited.insert(site.clone()) {
            return;
        }
        let Some(Value::Object(schema)) = self.sources.get(&site) else { return };
        let schema = schema.clone();
        match schema.get("type") {
            Some(Value::String(name)) => self.type_name(name, site.join("type")),
            Some(Value::Array(names)) => {
                for (index, name) in names.iter().enumerate() {
                    match name {
                        Value::String(name) => self.type_name(name, site.join("type").item(index)),
                        other => self.bad_type(&format!("{other}"), site.join("type").item(index)),
                    }
                }
            }
            Some(other) => self.bad_type(&format!("{other}"), site.join("type")),
            None => {}
        }
        for keyword in [
            "additionalProperties",
            "additionalItems",
            "contains",
            "propertyNames",
            "not",
            "if",
            "then",
            "else",
        ] {
            if schema.get(keyword).is_some_and(Value::is_object) {
                self.schema(&site.join(keyword));
            }
        }
        for keyword in ["properties", "patternProperties", "definitions", "dependencies"] {
            if let Some(Value::Object(members)) = schema.get(keyword) {
                for (name, value) in members {
                    if value.is_object() {
                        self.schema(&site.join(keyword).join(name));
                    }
                }
            }
        }
        for keyword in ["allOf", "anyOf", "oneOf", "items"] {
            match schema.get(keyword) {
                Some(Value::Array(items)) => {
                    for index in 0..items.len() {
                        self.schema(&site.join(keyword).item(index));
                    }
                }
                Some(Value::Object(_)) => self.schema(&site.join(keyword)),
                _ => {}
            }
        }
    }

    fn type_name(&mut self, name: &str, site: Site) {
        if !TYPE_NAMES.contains(&name) {
            self.bad_type(&format!("`{name}`"), site);
        }
    }

    fn bad_type(&mut self, found: &str, site: Site) {
        let mut diagnostic = Diagnostic::error(format!("unknown type {found}"))
            .at(self.sources.locate(&site))
            .with_help(format!("JSON Schema types are {}", TYPE_NAMES.join(", ")));
        if let Some(suggestion) = TYPE_NAMES.iter().find(|t| similar(t, found.trim_matches('`'))) {
            diagnostic = diagnostic.with_help(format!(
                "did you mean `{suggestion}`? (JSON Schema types are {})",
                TYPE_NAMES.join(", ")
            ));
        }
        self.diagnostics.push(diagnostic);
    }
}

/// A cheap "probably a typo of" test: same letters give or take one.
fn similar(known: &str, found: &str) -> bool {
    let found = found.to_ascii_lowercase();
    if found == known {
        return true;
    }
    let (a, b) = (known.as_bytes(), found.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let common_prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let common_suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    common_prefix + common_suffix + 1 >= a.len().max(b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint_text(text: &str) -> Vec<(String, String)> {
        let sources = Sources::from_text(text, "d.yaml").unwrap();
        lint(&sources)
            .iter()
            .map(|d| (d.message.clone(), d.location.as_ref().map(|l| l.pointer.clone()).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn reports_unknown_type_names_with_a_suggestion() {
        let text = "components:\n  schemas:\n    a:\n      properties:\n        b: {type: strng}\n";
        let sources = Sources::from_text(text, "d.yaml").unwrap();
        let diagnostics = lint(&sources);
        let diagnostic = diagnostics.iter().next().unwrap();
        assert_eq!(diagnostic.message, "unknown type `strng`");
        assert_eq!(diagnostic.location.as_ref().unwrap().pointer, "/components/schemas/a/properties/b/type");
        assert!(diagnostic.help.as_ref().unwrap().contains("did you mean `string`?"));
    }

    #[test]
    fn reports_duplicate_operation_ids() {
        let text = "channels:\n  a: {subscribe: {operationId: x}}\n  b: {publish: {operationId: x}}\n";
        assert_eq!(
            lint_text(text),
            [("duplicate operationId `x`".to_owned(), "/channels/b/publish/operationId".to_owned())]
        );
    }

    #[test]
    fn reports_unsupported_schema_formats() {
        let text = "components:\n  messages:\n    m:\n      schemaFormat: application/vnd.apache.avro;version=1.9.0\n      payload: {type: record}\n";
        assert_eq!(
            lint_text(text),
            [(
                "unsupported schemaFormat `application/vnd.apache.avro;version=1.9.0`".to_owned(),
                "/components/messages/m/schemaFormat".to_owned()
            )]
        );
        assert!(is_supported_schema_format("application/schema+yaml;version=draft-07"));
        assert!(is_supported_schema_format("application/vnd.aai.asyncapi+json;version=2.6.0"));
        assert!(!is_supported_schema_format("application/schema+json;version=draft-2020-12"));
    }
}
