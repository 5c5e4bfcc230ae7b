//! The AsyncAPI 2.6 specification's rules that its meta-schema does not say:
//! how servers, channel parameters and components may be named, channel names
//! without a query, channel parameters declared exactly as the channel name
//! uses them, tag names unique in each list, security requirements that
//! name a declared scheme (with scopes only where the scheme has them), and
//! server variable examples among the variable's `enum`.
//!
//! These are checked in the document's root file, where the meta-schema is,
//! and in the parts of other files it refers to.
//! Each is an error, except names (see [`Rules::names`]).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{COMPONENT_MAPS, Site, Sources};

/// Members whose values are schemas, bindings, examples or extensions, where
/// `tags` and `security` are data rather than AsyncAPI fields.
const NOT_ASYNCAPI_OBJECTS: [&str; 6] = ["payload", "headers", "schema", "schemas", "bindings", "examples"];

/// Security scheme types whose requirements list scopes.
const SCHEMES_WITH_SCOPES: [&str; 2] = ["oauth2", "openIdConnect"];

pub fn check(sources: &Sources) -> Diagnostics {
    let mut rules = Rules { sources, diagnostics: Diagnostics::new(), parts: HashSet::new() };
    let root = sources.root_site();
    rules.names(&root.join("servers"), "server", is_server_or_parameter_name, "letters, digits, `_` and `-`");
    for map in COMPONENT_MAPS {
        rules.names(
            &root.join("components").join(map),
            "component",
            is_component_name,
            "letters, digits, `.`, `_` and `-`",
        );
    }
    for channel in sources.member_names(&root.join("channels")) {
        let site = root.join("channels").join(&channel);
        if channel.contains('?') {
            rules.diagnostics.push(
                Diagnostic::error(format!("channel name `{channel}` has a query"))
                    .at(sources.locate(&site))
                    .with_help(
                        "AsyncAPI channel names hold no query parameters: describe them with bindings",
                    ),
            );
        }
        rules.names(
            &site.join("parameters"),
            "parameter",
            is_server_or_parameter_name,
            "letters, digits, `_` and `-`",
        );
        rules.parameters(&channel, &site);
    }
    for servers in [root.join("servers"), root.join("components").join("servers")] {
        for server in sources.member_names(&servers) {
            rules.variables(&servers.join(&server).join("variables"));
        }
    }
    let schemes = rules.security_schemes();
    rules.walk(&root, &schemes);
    rules.diagnostics
}

/// `^[a-zA-Z0-9\.\-_]+$`, the Components Object's pattern for its keys.
fn is_component_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// `^[A-Za-z0-9_\-]+$`, the Servers and Parameters Objects' pattern for their keys.
fn is_server_or_parameter_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

struct Rules<'a> {
    sources: &'a Sources,
    diagnostics: Diagnostics,
    /// Nodes of other files already walked (reached through `$ref`s).
    parts: HashSet<Site>,
}

impl<'a> Rules<'a> {
    /// The node at `site`, through `$ref`s.
    fn deref(&self, site: &Site) -> Option<&'a Value> {
        self.sources.get(&self.sources.follow_refs(site))
    }

    /// A name outside its map's pattern is a warning, not an error: real
    /// documents name components `Billing Receipt Created`, the official
    /// parser takes them, and so can the generator.
    fn names(&mut self, map: &Site, what: &str, allowed: fn(&str) -> bool, alphabet: &str) {
        for name in self.sources.member_names(map) {
            if !allowed(&name) {
                self.diagnostics.push(
                    Diagnostic::warning(format!(
                        "{what} name `{name}` has characters AsyncAPI does not allow"
                    ))
                    .at(self.sources.locate(&map.join(&name)))
                    .with_help(format!(
                        "{what} names are made of {alphabet}; other tools may refuse this one"
                    )),
                );
            }
        }
    }

    /// A channel's `parameters` are exactly those its name uses: each
    /// `{name}` declared (2.6: the map "MUST contain all the parameters used
    /// in the parent channel name"), and none declared that the name does
    /// not use, which no address could give a value; and no two side by side.
    fn parameters(&mut self, channel: &str, site: &Site) {
        let site = self.sources.follow_refs(site);
        let parameters = site.join("parameters");
        let declared = self.sources.member_names(&parameters);
        let used: Vec<&str> = channel
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        for name in &used {
            if !declared.iter().any(|declared| declared == name) {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "channel `{channel}` uses parameter `{name}` but does not declare it"
                    ))
                    .at(self.sources.locate(&site))
                    .with_help(format!(
                        "add `{name}` to the channel's `parameters`, with the schema of its values"
                    )),
                );
            }
        }
        if channel.contains("}{") {
            self.diagnostics.push(
                Diagnostic::error(format!("channel `{channel}` has two parameters side by side"))
                    .at(self.sources.locate(&site))
                    .with_help(
                        "no address tells where one ends and the next begins: put a separator between them",
                    ),
            );
        }
        for name in declared {
            if !used.contains(&name.as_str()) {
                self.diagnostics.push(
                    Diagnostic::error(format!("parameter `{name}` is not in the channel name `{channel}`"))
                        .at(self.sources.locate(&parameters.join(&name)))
                        .with_help(format!(
                            "write `{{{name}}}` where it goes in the channel name, or remove the parameter"
                        )),
                );
            }
        }
    }

    fn variables(&mut self, variables: &Site) {
        for name in self.sources.member_names(variables) {
            let Some(variable) = self.deref(&variables.join(&name)) else { continue };
            let (Some(Value::Array(allowed)), Some(Value::Array(examples))) =
                (variable.get("enum"), variable.get("examples"))
            else {
                continue;
            };
            for (index, example) in examples.iter().enumerate() {
                if !allowed.contains(example) {
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "example {example} of server variable `{name}` is not in its `enum`"
                        ))
                        .at(self.sources.locate(&variables.join(&name).join("examples").item(index)))
                        .with_help(
                            "a variable with an `enum` takes only those values: examples show some of them",
                        ),
                    );
                }
            }
        }
    }

    /// The declared security schemes, each with its `type` when it has one.
    fn security_schemes(&self) -> HashMap<String, Option<String>> {
        let schemes = self.sources.root_site().join("components").join("securitySchemes");
        self.sources
            .member_names(&schemes)
            .into_iter()
            .map(|name| {
                let kind = self
                    .deref(&schemes.join(&name))
                    .and_then(|scheme| scheme.get("type"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                (name, kind)
            })
            .collect()
    }

    /// Checks `tags` and `security` lists in the AsyncAPI objects at and below
    /// `site`, and in the parts of other files its `$ref`s name.
    fn walk(&mut self, site: &Site, schemes: &HashMap<String, Option<String>>) {
        let sources = self.sources;
        // Nodes of other files are reached through references, maybe several.
        if site.file != sources.root() && !self.parts.insert(site.clone()) {
            return;
        }
        match sources.get(site) {
            Some(Value::Object(object)) => {
                if let Some(Value::String(reference)) = object.get("$ref")
                    && let Ok(target) = sources.resolve_ref(site.file, reference)
                    && target.file != sources.root()
                {
                    self.walk(&target, schemes);
                }
                if let Some(Value::Array(tags)) = object.get("tags") {
                    self.tags(&site.join("tags"), tags);
                }
                if let Some(Value::Array(requirements)) = object.get("security") {
                    for index in 0..requirements.len() {
                        self.requirement(&site.join("security").item(index), schemes);
                    }
                }
                for key in object.keys() {
                    if !NOT_ASYNCAPI_OBJECTS.contains(&key.as_str()) && !key.starts_with("x-") {
                        self.walk(&site.join(key), schemes);
                    }
                }
            }
            Some(Value::Array(items)) => {
                for index in 0..items.len() {
                    self.walk(&site.item(index), schemes);
                }
            }
            _ => {}
        }
    }

    fn tags(&mut self, list: &Site, tags: &[Value]) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (index, tag) in tags.iter().enumerate() {
            let Some(Value::String(name)) = tag.get("name") else { continue };
            let earlier = *first.entry(name).or_insert(index);
            if earlier != index {
                let line = self.sources.locate(&list.item(earlier)).line.unwrap_or(0);
                self.diagnostics.push(
                    Diagnostic::error(format!("duplicate tag `{name}`"))
                        .at(self.sources.locate(&list.item(index).join("name")))
                        .with_help(format!(
                            "each tag name in a list must be unique; it is first at line {line}"
                        )),
                );
            }
        }
    }

    fn requirement(&mut self, site: &Site, schemes: &HashMap<String, Option<String>>) {
        let sources = self.sources;
        let Some(Value::Object(requirement)) = sources.get(site) else { return };
        for (name, scopes) in requirement {
            let at = sources.locate(&site.join(name));
            match schemes.get(name) {
                None => {
                    let mut declared: Vec<&str> = schemes.keys().map(String::as_str).collect();
                    declared.sort_unstable();
                    let help = if declared.is_empty() {
                        "declare it under `components.securitySchemes`".to_owned()
                    } else {
                        format!("the declared schemes are `{}`", declared.join("`, `"))
                    };
                    self.diagnostics.push(
                        Diagnostic::error(format!("security scheme `{name}` is not declared"))
                            .at(at)
                            .with_help(help),
                    );
                }
                Some(Some(kind)) if !SCHEMES_WITH_SCOPES.contains(&kind.as_str()) => {
                    if scopes.as_array().is_some_and(|scopes| !scopes.is_empty()) {
                        self.diagnostics.push(
                            Diagnostic::error(format!(
                                "security scheme `{name}` is of type `{kind}`, which has no scopes: its list must be empty"
                            ))
                            .at(at)
                            .with_help("only `oauth2` and `openIdConnect` requirements list scopes"),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (message, pointer) of each diagnostic for the document `text`, with
    /// "warning: " before the message of a warning.
    fn check_text(text: &str) -> Vec<(String, String)> {
        let sources = Sources::from_text(text, "d.yaml").unwrap();
        check(&sources)
            .iter()
            .map(|d| {
                let warning = if d.is_error() { "" } else { "warning: " };
                let pointer = d.pointer().to_owned();
                (format!("{warning}{}", d.message), pointer)
            })
            .collect()
    }

    fn error(message: &str, pointer: &str) -> (String, String) {
        (message.to_owned(), pointer.to_owned())
    }

    #[test]
    fn names_follow_the_patterns_of_their_maps() {
        let text = "servers:\n  prod-1_a: {}\n  prod.1: {}\ncomponents:\n  schemas:\n    a.b-c_D9: {}\n    'inval#d': {}\n  securitySchemes:\n    'bad key': {}\nchannels:\n  'a/{id_1-x}/{$!}':\n    parameters:\n      id_1-x: {}\n      '$!': {}\n";
        assert_eq!(
            check_text(text),
            [
                error(
                    "warning: server name `prod.1` has characters AsyncAPI does not allow",
                    "/servers/prod.1"
                ),
                error(
                    "warning: component name `inval#d` has characters AsyncAPI does not allow",
                    "/components/schemas/inval#d"
                ),
                error(
                    "warning: component name `bad key` has characters AsyncAPI does not allow",
                    "/components/securitySchemes/bad key"
                ),
                error(
                    "warning: parameter name `$!` has characters AsyncAPI does not allow",
                    "/channels/a~1{id_1-x}~1{$!}/parameters/$!"
                ),
            ]
        );
    }

    #[test]
    fn channel_parameters_are_declared_exactly_as_the_name_uses_them() {
        let text = "channels:\n  'a/{id}/{kind}': {parameters: {id: {}, kind: {$ref: '#/components/parameters/k'}}}\n  b: {$ref: '#/components/x'}\ncomponents:\n  x: {}\n  parameters: {k: {}}\n";
        assert_eq!(check_text(text), []);
        let text = "channels:\n  'a/{id}/{kind}': {parameters: {id: {}, env: {}}}\n  'b/{x}{y}': {parameters: {x: {}, y: {}}}\n";
        assert_eq!(
            check_text(text),
            [
                error(
                    "channel `a/{id}/{kind}` uses parameter `kind` but does not declare it",
                    "/channels/a~1{id}~1{kind}"
                ),
                error(
                    "parameter `env` is not in the channel name `a/{id}/{kind}`",
                    "/channels/a~1{id}~1{kind}/parameters/env"
                ),
                error("channel `b/{x}{y}` has two parameters side by side", "/channels/b~1{x}{y}"),
            ]
        );
    }

    /// A part in another file is held to the same rules as the root.
    #[test]
    fn parts_in_other_files_are_checked_too() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root =
            "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  a: {$ref: 'parts/channel.yaml'}\n";
        let part = "subscribe:\n  security: [{nosuch: []}]\n  message: {$ref: '#/M'}\nM:\n  tags: [{name: a}, {name: a}]\n";
        std::fs::create_dir(dir.path().join("parts")).expect("a folder");
        std::fs::write(dir.path().join("d.yaml"), root).expect("written");
        std::fs::write(dir.path().join("parts/channel.yaml"), part).expect("written");
        let sources = Sources::load(&dir.path().join("d.yaml"), "d.yaml").expect("loads");
        let mut found: Vec<(String, String)> =
            check(&sources).iter().map(|d| (d.message.clone(), d.pointer().to_owned())).collect();
        found.sort();
        assert_eq!(
            found,
            [
                error("duplicate tag `a`", "/M/tags/1/name"),
                error("security scheme `nosuch` is not declared", "/subscribe/security/0/nosuch"),
            ]
        );
    }

    #[test]
    fn channel_names_hold_no_query() {
        let text = "channels:\n  'a/b?x=1': {}\n  'a/{b}': {parameters: {b: {}}}\n  'devices/#': {}\n";
        assert_eq!(check_text(text), [error("channel name `a/b?x=1` has a query", "/channels/a~1b?x=1")]);
    }

    #[test]
    fn tag_names_are_unique_in_each_list_but_not_inside_schemas() {
        let text = "tags: [{name: a}, {name: b}, {name: a}]\nchannels:\n  c:\n    subscribe:\n      tags: [{name: a}]\n      message:\n        tags: [{name: m}, {name: m}]\n        payload:\n          properties:\n            tags: [{name: a}, {name: a}]\n        examples: [{payload: {tags: [{name: a}, {name: a}]}}]\n";
        assert_eq!(
            check_text(text),
            [
                error("duplicate tag `a`", "/tags/2/name"),
                error("duplicate tag `m`", "/channels/c/subscribe/message/tags/1/name"),
            ]
        );
    }

    #[test]
    fn security_requirements_name_declared_schemes_and_scopes_only_where_they_exist() {
        let text = "servers:\n  s:\n    security:\n      - {token: [], oauth: [read], open: [write]}\n      - {token: [hello]}\n      - {missing: []}\ncomponents:\n  securitySchemes:\n    token: {type: http, scheme: bearer}\n    oauth: {$ref: '#/components/x-oauth'}\n    open: {type: openIdConnect}\n  x-oauth: {type: oauth2}\n";
        assert_eq!(
            check_text(text),
            [
                error(
                    "security scheme `token` is of type `http`, which has no scopes: its list must be empty",
                    "/servers/s/security/1/token"
                ),
                error("security scheme `missing` is not declared", "/servers/s/security/2/missing"),
            ]
        );
    }

    #[test]
    fn server_variable_examples_are_among_its_enum() {
        let text = "servers:\n  s:\n    variables:\n      port: {enum: ['1', '2'], examples: ['1', '3']}\n      user: {examples: [anyone]}\n";
        assert_eq!(
            check_text(text),
            [error(
                "example \"3\" of server variable `port` is not in its `enum`",
                "/servers/s/variables/port/examples/1"
            )]
        );
    }
}
