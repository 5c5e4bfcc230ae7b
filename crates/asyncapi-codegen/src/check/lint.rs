//! Rules with one precise answer, checked before the meta-schema so that the
//! author reads "unknown type `strng`" rather than "matches none of the forms".

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, near_miss};
use crate::formats::SchemaFormat;
use crate::ir::schema::Member;
use crate::load::{Site, Sources};

/// JSON Schema's type names.
pub const TYPE_NAMES: [&str; 7] = ["array", "boolean", "integer", "null", "number", "object", "string"];

/// The longest chain of schemas inside schemas (through `$ref`s too) accepted:
/// later stages walk schemas recursively, and no real document comes close.
pub const MAX_SCHEMA_DEPTH: usize = 256;

/// How a schema was reached from the one before it on the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// From a message, parameter or component: the start of a walk.
    Root,
    Ref,
    AllOf,
    /// Any other keyword (`properties`, `items`, `oneOf`, ...).
    Other,
}

struct Linter<'a> {
    sources: &'a Sources,
    /// Schemas already linted, with the length of the longest chain of
    /// schemas below them.
    heights: HashMap<Site, usize>,
    /// The schemas being walked, each with how it was reached.
    stack: Vec<(Site, Edge)>,
    /// Cycles already reported, by the smallest site in them.
    cycles: HashSet<Site>,
    too_deep: bool,
    /// Where each `operationId` and `messageId` is first given, by its kind and value.
    ids: BTreeMap<(IdKind, String), Site>,
    diagnostics: Diagnostics,
}

/// The two ids the specification wants unique across the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum IdKind {
    Operation,
    Message,
}

impl IdKind {
    fn keyword(self) -> &'static str {
        match self {
            IdKind::Operation => "operationId",
            IdKind::Message => "messageId",
        }
    }

    fn why_unique(self) -> &'static str {
        match self {
            IdKind::Operation => "operationIds name handler methods and must be unique",
            IdKind::Message => "messageIds must be unique among all messages",
        }
    }
}

pub fn lint(sources: &Sources) -> Diagnostics {
    let mut linter = Linter {
        sources,
        heights: HashMap::new(),
        stack: Vec::new(),
        cycles: HashSet::new(),
        too_deep: false,
        ids: BTreeMap::new(),
        diagnostics: Diagnostics::new(),
    };
    let root = sources.root_site();
    for name in sources.member_names(&root.join("channels")) {
        let channel = root.join("channels").join(&name);
        let channel = sources.follow_refs(&channel);
        for parameter in sources.member_names(&channel.join("parameters")) {
            let parameter = sources.follow_refs(&channel.join("parameters").join(&parameter));
            linter.schema(&parameter.join("schema"));
        }
        for kind in ["subscribe", "publish"] {
            let operation = channel.join(kind);
            linter.unique_id(IdKind::Operation, &operation);
        }
    }
    for message in sources.message_sites() {
        linter.message(&message);
    }
    let components = root.join("components");
    for name in sources.member_names(&components.join("schemas")) {
        linter.schema(&components.join("schemas").join(&name));
    }
    for name in sources.member_names(&components.join("messageTraits")) {
        let message_trait = sources.follow_refs(&components.join("messageTraits").join(&name));
        linter.schema(&message_trait.join("headers"));
    }
    for name in sources.member_names(&components.join("parameters")) {
        let parameter = sources.follow_refs(&components.join("parameters").join(&name));
        linter.schema(&parameter.join("schema"));
    }
    linter.diagnostics
}

impl Linter<'_> {
    /// Checks the `operationId` or `messageId` of the object at `site`, once
    /// its traits are merged into it, against those met before.
    fn unique_id(&mut self, kind: IdKind, site: &Site) {
        let Some(at) = self.sources.member_after_traits(site, kind.keyword()) else { return };
        let Some(Value::String(id)) = self.sources.get(&at) else { return };
        match self.ids.get(&(kind, id.clone())) {
            Some(first) => {
                let first = self.sources.locate(first);
                let (line, column) = (first.line.unwrap_or(0), first.column.unwrap_or(0));
                self.diagnostics.push(
                    Diagnostic::error(format!("duplicate {} `{id}`", kind.keyword()))
                        .at(self.sources.locate(&at))
                        .with_help(format!(
                            "{}; first used at {}:{line}:{column}",
                            kind.why_unique(),
                            first.file
                        )),
                );
            }
            None => {
                self.ids.insert((kind, id.clone()), at);
            }
        }
    }

    /// Lints a message object (one of [`Sources::message_sites`]).
    fn message(&mut self, site: &Site) {
        self.unique_id(IdKind::Message, site);
        for (index, _) in
            self.sources.get(&site.join("traits")).and_then(Value::as_array).into_iter().flatten().enumerate()
        {
            let message_trait = self.sources.follow_refs(&site.join("traits").item(index));
            self.schema(&message_trait.join("headers"));
        }
        self.schema(&site.join("headers"));
        // Payloads in the other formats this generator reads are JSON Schema by now.
        let format = self.sources.member_after_traits(site, "schemaFormat");
        match format.as_ref().and_then(|at| Some((at, self.sources.get(at)?.as_str()?))) {
            Some((at, format)) if SchemaFormat::parse(format).is_none() => {
                self.diagnostics.push(
                    Diagnostic::error(format!("unsupported schemaFormat `{format}`"))
                        .at(self.sources.locate(at))
                        .with_help(format!(
                            "payloads can be generated from {}; convert the payload schema to one of them",
                            SchemaFormat::SUPPORTED
                        )),
                );
            }
            _ => self.schema(&site.join("payload")),
        }
    }

    /// Lints the schema written at `site`, the start of a walk.
    fn schema(&mut self, site: &Site) {
        self.walk(site, Edge::Root);
    }

    /// Lints the schema at `site` and everything below it; returns the length of
    /// the longest chain of schemas from it down.
    fn walk(&mut self, site: &Site, edge: Edge) -> usize {
        if let Some(at) = self.stack.iter().position(|(s, _)| s == site) {
            self.cycle(at, edge);
            return 0;
        }
        if let Some(height) = self.heights.get(site) {
            let height = *height;
            self.check_depth(site, height);
            return height;
        }
        if !self.check_depth(site, 1) {
            return 0;
        }
        let sources = self.sources;
        let Some(Value::Object(schema)) = sources.get(site) else {
            self.heights.insert(site.clone(), 1);
            return 1;
        };
        self.stack.push((site.clone(), edge));
        let mut below = 0;
        if let Some(Value::String(reference)) = schema.get("$ref") {
            // Keywords beside a `$ref` are ignored in draft-07: follow it alone. An
            // unresolvable reference is reported by the stage that needs it.
            if let Ok(target) = sources.resolve_ref(site.file, reference) {
                below = self.walk(&target, Edge::Ref);
            }
        } else {
            self.keywords(site, schema);
            let children = children(site, schema);
            for (child, edge) in children {
                below = below.max(self.walk(&child, edge));
            }
        }
        self.stack.pop();
        self.heights.insert(site.clone(), below + 1);
        below + 1
    }

    /// Checks the keywords of one schema object that have one precise answer.
    fn keywords(&mut self, site: &Site, schema: &serde_json::Map<String, Value>) {
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
        if let Some(Value::String(pattern)) = schema.get("pattern") {
            self.pattern(pattern, site.join("pattern"));
        }
        if let Some(Value::String(property)) = schema.get("discriminator") {
            self.discriminator(property, site, schema);
        }
        if let Some(Value::Object(patterns)) = schema.get("patternProperties") {
            for pattern in patterns.keys() {
                self.pattern(pattern, site.join("patternProperties").join(pattern));
            }
        }
    }

    /// AsyncAPI 2.6: the discriminator "MUST be defined at this schema and it
    /// MUST be in the required property list".
    fn discriminator(&mut self, property: &str, site: &Site, schema: &serde_json::Map<String, Value>) {
        let defined = schema.get("properties").and_then(|p| p.get(property)).is_some();
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|name| name == property));
        let problem = match (defined, required) {
            (true, true) => return,
            (false, _) => "is not one of this schema's `properties`",
            (true, false) => "is not in this schema's `required` list",
        };
        self.diagnostics.push(
            Diagnostic::error(format!("discriminator `{property}` {problem}"))
                .at(self.sources.locate(&site.join("discriminator")))
                .with_help(
                    "a discriminator names a property that every value has: define it here and require it",
                ),
        );
    }

    fn pattern(&mut self, pattern: &str, site: Site) {
        if let Some(problem) = pattern_problem(pattern) {
            let shown: String = pattern.chars().take(60).collect();
            let shown = if shown.len() < pattern.len() { format!("{shown}...") } else { shown };
            self.diagnostics.push(
                Diagnostic::error(format!("`{shown}` is not a valid ECMA-262 regular expression: {problem}"))
                    .at(self.sources.locate(&site))
                    .with_help(
                        "JSON Schema patterns are ECMA-262 (JavaScript) regular expressions; \
                         escape `[`, `]`, `(`, `)`, `{`, `}` with `\\` where they stand for themselves",
                    ),
            );
        }
    }

    /// Whether a walk may go one schema deeper (`height` more) at `site`;
    /// reports it, once, when it may not.
    fn check_depth(&mut self, site: &Site, height: usize) -> bool {
        if self.stack.len() + height <= MAX_SCHEMA_DEPTH {
            return true;
        }
        if !self.too_deep {
            self.too_deep = true;
            let start = self.stack.first().map(|(s, _)| s.clone()).unwrap_or_else(|| site.clone());
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "schemas nest more than {MAX_SCHEMA_DEPTH} levels deep here, counting the schemas that `$ref`s lead to"
                ))
                .at(self.sources.locate(&start))
                .with_note(format!("the chain passes {}", self.name(site)))
                .with_help(
                    "later stages follow schemas recursively and stop at this depth: \
                     shorten the chain, for example by writing small schemas in place",
                ),
            );
        }
        false
    }

    /// Reports the cycle closed by going back to `self.stack[at]` through `edge`,
    /// when it is one that no type can break: only `$ref`s, or `$ref`s and
    /// `allOf`s. (A cycle through `properties`, `items` and the like is a
    /// recursive type, which is fine.)
    fn cycle(&mut self, at: usize, edge: Edge) {
        let edges: Vec<Edge> = self.stack[at + 1..].iter().map(|(_, e)| *e).chain([edge]).collect();
        let all_refs = edges.iter().all(|e| *e == Edge::Ref);
        let merges = edges.iter().all(|e| matches!(e, Edge::Ref | Edge::AllOf));
        if !merges {
            return;
        }
        let Some(smallest) = self.stack[at..].iter().map(|(s, _)| s).min().cloned() else { return };
        if !self.cycles.insert(smallest) {
            return;
        }
        // Name the schemas the `$ref`s lead to, starting from the one the cycle returns to.
        let mut chain = vec![self.name(&self.stack[at].0)];
        chain.extend(self.stack[at + 1..].iter().filter(|(_, e)| *e == Edge::Ref).map(|(s, _)| self.name(s)));
        chain.push(self.name(&self.stack[at].0));
        let (last, _) = self.stack.last().expect("the cycle is on the stack");
        let closing = if edge == Edge::Ref { last.join("$ref") } else { last.clone() };
        let diagnostic = if all_refs {
            Diagnostic::error(format!("reference cycle: {}", chain.join(" -> ")))
                .with_help("a chain of `$ref`s must end at a schema: make one of them the schema itself")
        } else {
            Diagnostic::error(format!("reference cycle through `allOf`: {}", chain.join(" -> ")))
                .with_help("a schema cannot include itself through `allOf`: remove the `allOf` entry that leads back, or put the recursion under `properties` or `items`")
        };
        self.diagnostics.push(diagnostic.at(self.sources.locate(&closing)));
    }

    /// How a diagnostic names a schema: as a `$ref` to it would.
    fn name(&self, site: &Site) -> String {
        if site.file == self.sources.root() {
            format!("`#{}`", site.pointer)
        } else {
            format!("`{}#{}`", self.sources.display(site.file), site.pointer)
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
        if let Some(suggestion) = TYPE_NAMES.iter().find(|t| near_miss(found.trim_matches('`'), t)) {
            diagnostic = diagnostic.with_help(format!(
                "did you mean `{suggestion}`? (JSON Schema types are {})",
                TYPE_NAMES.join(", ")
            ));
        }
        self.diagnostics.push(diagnostic);
    }
}

/// The schemas directly inside `schema` (written at `site`), with how each is
/// reached: the members [`Member::of`] says hold schemas, as the IR reads them.
fn children(site: &Site, schema: &serde_json::Map<String, Value>) -> Vec<(Site, Edge)> {
    let mut children = Vec::new();
    for (key, value) in schema {
        let at = site.join(key);
        let edge = if key == "allOf" { Edge::AllOf } else { Edge::Other };
        match (Member::of(key), value) {
            (Member::NamedSchemas, Value::Object(named)) => children.extend(
                named.iter().filter(|(_, value)| value.is_object()).map(|(name, _)| (at.join(name), edge)),
            ),
            (Member::Schemas, Value::Array(items)) => {
                children.extend((0..items.len()).map(|index| (at.item(index), edge)));
            }
            (Member::Schemas, Value::Object(_)) => children.push((at, edge)),
            _ => {}
        }
    }
    children
}

/// What is wrong with `pattern` as an ECMA-262 regular expression, if anything.
/// Patterns are compiled as the generated code compiles them
/// (`asyncapi_rt::format::compile_pattern`).
pub fn pattern_problem(pattern: &str) -> Option<String> {
    // `regress` parses groups recursively: refuse nesting deep enough to
    // exhaust the stack before handing it over.
    let mut depth: usize = 0;
    let mut deepest = 0;
    let mut escaped = false;
    let mut in_class = false;
    for c in pattern.chars() {
        match (escaped, in_class, c) {
            (true, ..) => escaped = false,
            (false, _, '\\') => escaped = true,
            (false, false, '[') => in_class = true,
            (false, true, ']') => in_class = false,
            (false, false, '(') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, false, ')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > 64 {
        return Some(format!(
            "its groups nest {deepest} levels deep, more than the 64 this generator accepts"
        ));
    }
    match asyncapi_rt::format::compile_pattern(pattern) {
        Some(_) => None,
        // The runtime's dialect (Unicode mode) refuses it: say why in regress's words.
        None => Some(
            regress::Regex::with_flags(pattern, "u")
                .err()
                .map_or_else(|| "it is not valid in Unicode mode".to_owned(), |error| error.to_string()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint_text(text: &str) -> Vec<(String, String)> {
        let sources = Sources::from_text(text, "d.yaml").unwrap();
        lint(&sources).iter().map(|d| (d.message.clone(), d.pointer().to_owned())).collect()
    }

    #[test]
    fn every_keyword_that_holds_a_schema_is_walked() {
        let bad = "{type: strng}";
        let text = format!(
            "components:\n  schemas:\n    a:\n      \
             properties: {{p: {bad}}}\n      patternProperties: {{'^x': {bad}}}\n      \
             definitions: {{d: {bad}}}\n      dependencies: {{e: {bad}, f: [p]}}\n      \
             additionalProperties: {bad}\n      propertyNames: {bad}\n      \
             items: [{bad}]\n      additionalItems: {bad}\n      contains: {bad}\n      \
             allOf: [{bad}]\n      anyOf: [{bad}]\n      oneOf: [{bad}]\n      \
             not: {bad}\n      if: {bad}\n      then: {bad}\n      else: {bad}\n"
        );
        let mut found: Vec<String> = lint_text(&text).into_iter().map(|(_, pointer)| pointer).collect();
        found.sort();
        let expected = [
            "additionalItems",
            "additionalProperties",
            "allOf/0",
            "anyOf/0",
            "contains",
            "definitions/d",
            "dependencies/e",
            "else",
            "if",
            "items/0",
            "not",
            "oneOf/0",
            "patternProperties/^x",
            "properties/p",
            "propertyNames",
            "then",
        ];
        let expected: Vec<String> =
            expected.iter().map(|at| format!("/components/schemas/a/{at}/type")).collect();
        assert_eq!(found, expected);
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
    fn operation_ids_given_by_traits_count_too() {
        // The trait's id replaces the operation's own; `null` removes it.
        let text = "channels:\n  a:\n    subscribe: {operationId: own, traits: [$ref: '#/components/operationTraits/t']}\n    publish: {operationId: own}\n  b: {publish: {operationId: x, traits: [{operationId: null}]}}\n  c: {publish: {operationId: x}}\ncomponents:\n  operationTraits:\n    t: {operationId: c}\n";
        assert_eq!(lint_text(text), []);
        let clash = text.replace("t: {operationId: c}", "t: {operationId: x}");
        assert_eq!(
            lint_text(&clash),
            [("duplicate operationId `x`".to_owned(), "/channels/c/publish/operationId".to_owned())]
        );
    }

    #[test]
    fn message_ids_are_unique_across_the_document() {
        // The same message reached twice is one message; a trait's id counts.
        let text = "channels:\n  a:\n    subscribe:\n      message:\n        oneOf:\n          - {messageId: one, payload: {}}\n          - $ref: '#/components/messages/Two'\n  b: {publish: {message: {$ref: '#/components/messages/Two'}}}\ncomponents:\n  messages:\n    Two: {messageId: two, payload: {}}\n    Three: {payload: {}, traits: [{messageId: three}]}\n";
        assert_eq!(lint_text(text), []);
        let clash = text.replace("messageId: three", "messageId: one");
        assert_eq!(
            lint_text(&clash),
            [(
                "duplicate messageId `one`".to_owned(),
                "/components/messages/Three/traits/0/messageId".to_owned()
            )]
        );
    }

    #[test]
    fn discriminators_are_defined_and_required() {
        let schema = |properties: &str, required: &str| {
            format!(
                "components:\n  schemas:\n    Pet:\n      discriminator: petType\n      properties: {{{properties}}}\n      required: [{required}]\n"
            )
        };
        assert_eq!(lint_text(&schema("petType: {type: string}", "petType")), []);
        let at = "/components/schemas/Pet/discriminator".to_owned();
        assert_eq!(
            lint_text(&schema("petType: {type: string}", "name")),
            [("discriminator `petType` is not in this schema's `required` list".to_owned(), at.clone())]
        );
        assert_eq!(
            lint_text(&schema("name: {type: string}", "petType")),
            [("discriminator `petType` is not one of this schema's `properties`".to_owned(), at)]
        );
    }

    #[test]
    fn reports_unsupported_schema_formats() {
        let text = "components:\n  messages:\n    m:\n      schemaFormat: application/raml+yaml;version=1.0\n      payload: {type: User}\n";
        assert_eq!(
            lint_text(text),
            [(
                "unsupported schemaFormat `application/raml+yaml;version=1.0`".to_owned(),
                "/components/messages/m/schemaFormat".to_owned()
            )]
        );
        // A trait's `schemaFormat` is the message's.
        let text = "components:\n  messages:\n    m:\n      traits: [{$ref: '#/components/messageTraits/t'}]\n      payload: {type: User}\n  messageTraits:\n    t: {schemaFormat: application/raml+yaml;version=1.0}\n";
        assert_eq!(
            lint_text(text),
            [(
                "unsupported schemaFormat `application/raml+yaml;version=1.0`".to_owned(),
                "/components/messageTraits/t/schemaFormat".to_owned()
            )]
        );
    }

    #[test]
    fn reports_pure_reference_cycles_once() {
        let text = "components:\n  schemas:\n    a: {$ref: '#/components/schemas/b'}\n    b: {$ref: '#/components/schemas/a'}\n    c: {$ref: '#/components/schemas/c'}\n";
        let sources = Sources::from_text(text, "d.yaml").unwrap();
        let diagnostics = lint(&sources);
        let found: Vec<(String, String, Option<usize>)> = diagnostics
            .iter()
            .map(|d| {
                let location = d.location.as_ref().unwrap();
                (d.message.clone(), location.pointer.clone(), location.line)
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "reference cycle: `#/components/schemas/a` -> `#/components/schemas/b` -> `#/components/schemas/a`"
                        .to_owned(),
                    "/components/schemas/b/$ref".to_owned(),
                    Some(4)
                ),
                (
                    "reference cycle: `#/components/schemas/c` -> `#/components/schemas/c`".to_owned(),
                    "/components/schemas/c/$ref".to_owned(),
                    Some(5)
                ),
            ]
        );
    }

    #[test]
    fn reports_cycles_through_all_of_but_not_recursive_types() {
        let text = r"
components:
  schemas:
    A:
      allOf:
        - $ref: '#/components/schemas/B'
    B:
      allOf:
        - type: object
        - $ref: '#/components/schemas/A'
    Tree:
      type: object
      properties:
        children:
          type: array
          items: {$ref: '#/components/schemas/Tree'}
    Base:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Derived'}
    Derived:
      allOf:
        - $ref: '#/components/schemas/Base'
";
        assert_eq!(
            lint_text(text),
            [(
                "reference cycle through `allOf`: `#/components/schemas/A` -> `#/components/schemas/B` -> `#/components/schemas/A`"
                    .to_owned(),
                "/components/schemas/B/allOf/1/$ref".to_owned()
            )]
        );
    }

    #[test]
    fn reports_invalid_patterns() {
        let text = "components:\n  schemas:\n    a:\n      pattern: '^[A-Z+$'\n      patternProperties:\n        '(x': {}\n        '^x-[a-z]+$': {}\n    b: {pattern: '^\\d{3}-\\p{L}$'}\n";
        let found = lint_text(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].0.starts_with("`^[A-Z+$` is not a valid ECMA-262 regular expression: "),
            "{found:?}"
        );
        assert_eq!(found[0].1, "/components/schemas/a/pattern");
        assert_eq!(found[1].1, "/components/schemas/a/patternProperties/(x");
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(pattern_problem(&deep).unwrap().contains("nest 10000 levels deep"));
        let text = format!("components:\n  schemas:\n    a: {{pattern: '{deep}'}}\n");
        let found = lint_text(&text);
        assert!(found[0].0.starts_with(&format!("`{}...` is not", "(".repeat(60))), "{found:?}");
        assert_eq!(pattern_problem(&format!("{}a{}", "(".repeat(64), ")".repeat(64))), None);
        assert_eq!(pattern_problem("[(((((]"), None, "brackets in a class are characters");
    }

    /// Schemas `s0` .. `s{depth}`, each the items of the one before.
    fn ref_chain(depth: usize) -> String {
        let mut text = String::from("components:\n  schemas:\n");
        for index in 0..depth {
            text.push_str(&format!(
                "    s{index}: {{items: {{$ref: '#/components/schemas/s{}'}}}}\n",
                index + 1
            ));
        }
        text.push_str(&format!("    s{depth}: {{type: string}}\n"));
        text
    }

    #[test]
    fn reports_schemas_nested_too_deeply_through_refs() {
        let found = lint_text(&ref_chain(1000));
        assert_eq!(found.len(), 1, "reported once: {found:?}");
        assert!(found[0].0.starts_with("schemas nest more than 256 levels deep"), "{found:?}");
        // Deep, but not too deep.
        assert_eq!(lint_text(&ref_chain(100)), []);
    }
}
