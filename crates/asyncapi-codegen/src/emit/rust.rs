//! Spelling IR things in Rust: identifiers, types, doc comments, and turning
//! token streams into formatted files.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::ir::types::{Docs, TypeKind, TypeRef, TypeSpace};

/// An identifier from a name the IR decided (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// How generated code outside the `types` module reaches a named type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `types.rs`: bare names.
    Types,
    /// Anywhere else, where `use crate::types;` is in scope: `types::Name`.
    Crate,
}

/// The Rust type for `ty`.
pub fn type_tokens(ty: &TypeRef, types: &TypeSpace, scope: Scope) -> TokenStream {
    let named = |id: &crate::ir::types::TypeId| {
        let name = ident(&types.get(*id).name);
        match scope {
            Scope::Types => quote!(#name),
            Scope::Crate => quote!(types::#name),
        }
    };
    match ty {
        TypeRef::Named(id) => named(id),
        TypeRef::Boxed(id) => {
            let inner = named(id);
            quote!(Box<#inner>)
        }
        TypeRef::String | TypeRef::LenientString => quote!(String),
        TypeRef::I64 => quote!(i64),
        TypeRef::I32 => quote!(i32),
        TypeRef::F64 => quote!(f64),
        TypeRef::F32 => quote!(f32),
        TypeRef::Bool => quote!(bool),
        TypeRef::Unit => quote!(()),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::FixedOffset>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Url => quote!(url::Url),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Object => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner, types, scope);
            quote!(Option<#inner>)
        }
        TypeRef::List(inner) => {
            let inner = type_tokens(inner, types, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, types, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// A raw string literal (`r#"..."#`) for text full of quotes, such as JSON.
pub fn raw_string(text: &str) -> proc_macro2::Literal {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    let source = format!("r{fence}\"{text}\"{fence}");
    // A raw string of any text with a long enough fence is a valid literal.
    source.parse().unwrap_or_else(|_| proc_macro2::Literal::string(text))
}

/// `use crate::types;` when `body` names a type through it.
pub fn types_import(body: &TokenStream) -> TokenStream {
    use_mentioned("crate", &["types"], |name| uses_ident(body, name))
}

/// `use path::{a, b};` for those of `names` that `mentioned` says the file
/// uses, and nothing when it uses none: generated files import exactly what
/// they need, with no `unused_imports` to silence. `self` imports the module
/// itself (`check::{self, Bounds}`), which code mentions by its last segment.
pub fn use_mentioned(path: &str, names: &[&str], mentioned: impl Fn(&str) -> bool) -> TokenStream {
    let module = path.rsplit("::").next().unwrap_or(path);
    let used: Vec<Ident> = names
        .iter()
        .filter(|name| mentioned(if **name == "self" { module } else { name }))
        .map(|name| ident(name))
        .collect();
    let segments = path.split("::").map(ident);
    match used.as_slice() {
        [] => quote!(),
        [only] if only == "self" => quote!(use #(#segments)::*;),
        [one] => quote!(use #(#segments)::* :: #one;),
        _ => quote!(use #(#segments)::* :: { #(#used),* };),
    }
}

/// Whether `tokens` mention the identifier `name` anywhere (doc comments and
/// string literals hold no identifiers).
pub fn uses_ident(tokens: &TokenStream, name: &str) -> bool {
    let [used] = uses_idents(tokens, [name]);
    used
}

/// Which of `names` `tokens` mention, in one walk.
pub fn uses_idents<const N: usize>(tokens: &TokenStream, names: [&str; N]) -> [bool; N] {
    let mut used = [false; N];
    mark_mentions(tokens, &names, &mut used);
    used
}

/// Sets `used[i]` when `tokens` mention `names[i]`; stops early once all are
/// (walking a token stream copies it).
fn mark_mentions(tokens: &TokenStream, names: &[&str], used: &mut [bool]) {
    for tree in tokens.clone() {
        match tree {
            TokenTree::Ident(ident) => {
                if let Some(index) = names.iter().position(|name| ident == name) {
                    used[index] = true;
                }
            }
            TokenTree::Group(group) => mark_mentions(&group.stream(), names, used),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
        if used.iter().all(|used| *used) {
            return;
        }
    }
}

/// `ty` with aliases followed to what they stand for.
pub fn resolve_alias<'a>(ty: &'a TypeRef, types: &'a TypeSpace) -> &'a TypeRef {
    let mut current = ty;
    for _ in 0..types.types.len() + 1 {
        match current {
            TypeRef::Named(id) => match &types.get(*id).kind {
                TypeKind::Alias(target) => current = target,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

/// Which external crates the types use.
#[derive(Debug, Default, Clone, Copy)]
pub struct Uses {
    pub chrono: bool,
    pub url: bool,
    pub uuid: bool,
}

impl Uses {
    pub fn of(types: &TypeSpace, extra: impl IntoIterator<Item = TypeRef>) -> Uses {
        let mut uses = Uses::default();
        fn visit(ty: &TypeRef, uses: &mut Uses) {
            match ty {
                TypeRef::DateTime | TypeRef::Date => uses.chrono = true,
                TypeRef::Url => uses.url = true,
                TypeRef::Uuid => uses.uuid = true,
                TypeRef::Option(inner) | TypeRef::List(inner) | TypeRef::Map(inner) => visit(inner, uses),
                _ => {}
            }
        }
        for def in &types.types {
            match &def.kind {
                TypeKind::Struct(s) => {
                    for field in &s.fields {
                        visit(&field.ty, &mut uses);
                    }
                    if let crate::ir::types::Unknown::Capture { value, .. } = &s.unknown {
                        visit(value, &mut uses);
                    }
                }
                TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty, &mut uses)),
                TypeKind::Alias(ty) => visit(ty, &mut uses),
                TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => {}
            }
        }
        for ty in extra {
            visit(&ty, &mut uses);
        }
        uses
    }
}

/// `#[doc = "..."]` attributes for a title and a description.
pub fn doc_attrs(docs: &Docs) -> TokenStream {
    let mut paragraphs = Vec::new();
    if let Some(title) = docs.title.as_deref().filter(|t| !t.trim().is_empty()) {
        paragraphs.push(title.trim().to_owned());
    }
    if let Some(description) = docs.description.as_deref().filter(|d| !d.trim().is_empty())
        && docs.title.as_deref().map(str::trim) != Some(description.trim())
    {
        paragraphs.push(description.trim().to_owned());
    }
    doc_lines(&paragraphs.join("\n\n"))
}

/// `#[doc = "..."]` attributes for free text (one per line).
pub fn doc_lines(text: &str) -> TokenStream {
    if text.trim().is_empty() {
        return TokenStream::new();
    }
    let lines = sanitize_doc(text);
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// Text from a document made safe for rustdoc: code fences without a language
/// become `text` (they would be compiled as doctests), indentation that would
/// make an indented code block is dropped, brackets that would be read as
/// intra-doc links and angle brackets that would be read as HTML are escaped,
/// and bare URLs become links.
pub fn sanitize_doc(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    // A lone carriage return ends a line too; rustc refuses one in a doc comment.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for raw in text.lines() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") {
            let language = trimmed.trim_start_matches('`').trim();
            lines.push(if in_fence || !language.is_empty() {
                trimmed.to_owned()
            } else {
                "```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(raw.trim_end().to_owned());
        } else if trimmed.is_empty() {
            // One blank line separates paragraphs (texts joined from a document's
            // block scalars end in newlines of their own): no blank line leads.
            if lines.last().is_some_and(|line: &String| !line.is_empty()) {
                lines.push(String::new());
            }
        } else {
            lines.push(escape_markdown_line(trimmed.trim_end()));
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// The length of the code span `text` starts with (a run of backticks, up to
/// the next run of as many), if it is one.
fn code_span_end(text: &str) -> Option<usize> {
    let fence = text.len() - text.trim_start_matches('`').len();
    let mut from = fence;
    while let Some(found) = text[from..].find('`') {
        let start = from + found;
        let run = text[start..].len() - text[start..].trim_start_matches('`').len();
        if run == fence {
            return Some(start + run);
        }
        from = start + run;
    }
    None
}

fn escape_markdown_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut index = 0;
    while let Some(c) = line[index..].chars().next() {
        let rest = &line[index..];
        // A code span: shown as written, so nothing in it is escaped.
        if c == '`'
            && let Some(end) = code_span_end(rest)
        {
            out.push_str(&rest[..end]);
            index += end;
            continue;
        }
        // A markdown link `[text](target)`: keep as is.
        if c == '[' {
            if let Some(end) = markdown_link_end(rest) {
                out.push_str(&rest[..end]);
                index += end;
                continue;
            }
            out.push_str("\\[");
        } else if c == ']' {
            out.push_str("\\]");
        } else if c == '<' {
            if let Some(end) = rest.find('>').filter(|_| rest.starts_with("<http")) {
                out.push_str(&rest[..=end]);
                index += end + 1;
                continue;
            }
            out.push_str("&lt;");
        } else if c == '>' {
            out.push_str("&gt;");
        } else if (rest.starts_with("http://") || rest.starts_with("https://"))
            && !out.ends_with('(')
            && !out.ends_with('<')
        {
            let end = rest.find(|c: char| c.is_whitespace() || c == ')' || c == '"').unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            index += url.len();
            continue;
        } else {
            out.push(c);
        }
        index += c.len_utf8();
    }
    out
}

/// The byte length of a `[text](target)` link at the start of `text`.
fn markdown_link_end(text: &str) -> Option<usize> {
    let close = text.find("](")?;
    if text[1..close].contains(['[', ']']) {
        return None;
    }
    let target_end = text[close + 2..].find(')')?;
    Some(close + 2 + target_end + 1)
}

/// Parses generated tokens as a file, its nested conditions flattened (see [`super::tidy`]).
fn parse(tokens: TokenStream) -> Result<syn::File, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|error| format!("generated code does not parse: {error}"))?;
    super::tidy::collapse(&mut file);
    Ok(file)
}

/// Renders items that follow another part of a file (no header).
pub fn render_items(tokens: TokenStream) -> Result<String, String> {
    let file = parse(tokens)?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// Formats a generated file: tokens parsed into a `syn::File`, printed with
/// prettyplease, under the generated-file header.
pub fn render(tokens: TokenStream, header: &str) -> Result<String, String> {
    let file = parse(tokens)?;
    let body = space_items(&prettyplease::unparse(&file));
    Ok(format!("{header}\n{body}"))
}

/// Lines that start an item (after their indentation).
const ITEM_STARTS: [&str; 14] = [
    "///",
    "#[",
    "pub ",
    "pub(",
    "fn ",
    "async fn ",
    "impl",
    "const ",
    "static ",
    "struct ",
    "enum ",
    "type ",
    "trait ",
    "mod ",
];

/// Lines that end an item on their own and may be followed by another.
fn ends_item(line: &str) -> bool {
    let line = line.trim();
    line == "}"
        || line == "};"
        || (line.ends_with(';')
            && ["pub ", "pub(", "const ", "static ", "type ", "mod "]
                .iter()
                .any(|start| line.starts_with(start)))
}

/// Imports and module declarations stay together in groups.
fn group(line: &str) -> Option<&'static str> {
    let line = line.trim_start();
    let line = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub ")).unwrap_or(line);
    if line.starts_with("use ") {
        Some("use")
    } else if line.starts_with("mod ") {
        Some("mod")
    } else {
        None
    }
}

/// prettyplease prints items back to back; hand-written code separates them
/// with a blank line (and the imports from what follows). Adds those lines,
/// judging by indentation and how lines start, which is safe on its output:
/// generated code has no multi-line string literals.
fn space_items(text: &str) -> String {
    /// What the rules need of a line, worked out once.
    struct Line<'a> {
        text: &'a str,
        /// Without its indentation.
        content: &'a str,
        group: Option<&'static str>,
    }
    let lines: Vec<Line<'_>> = text
        .lines()
        .map(|text| {
            // prettyplease indents with spaces: skip them bytewise, then anything else.
            let spaces = text.bytes().take_while(|b| *b == b' ').count();
            let content = text[spaces..].trim_start();
            Line { text, content, group: group(content) }
        })
        .collect();
    let indent = |line: &Line<'_>| line.text.len() - line.content.len();
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for (index, line) in lines.iter().enumerate() {
        if let Some(previous) = index.checked_sub(1).map(|i| &lines[i]) {
            let current = line.content;
            // Only lines at their neighbour's level may need a blank line before them.
            let same_level = indent(previous) == indent(line) && !current.is_empty();
            let after_item = || {
                ends_item(previous.content)
                    && !(previous.group.is_some() && previous.group == line.group)
                    && ITEM_STARTS.iter().any(|start| current.starts_with(start))
            };
            let after_imports = || previous.group == Some("use") && line.group != Some("use");
            let after_inner_docs = || {
                (previous.text.starts_with("//!") || previous.text.starts_with("#!["))
                    && !(current.starts_with("//!") || current.starts_with("#!["))
            };
            if same_level && (after_item() || after_imports() || after_inner_docs()) {
                out.push('\n');
            }
        }
        out.push_str(line.text);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_name_exactly_what_is_mentioned() {
        let body = quote!(check::passes(|out| f(Bounds::NONE, out)); /// Path is only named here.
        );
        let import =
            |names: &[&str]| use_mentioned("asyncapi_rt::check", names, |n| uses_ident(&body, n)).to_string();
        assert_eq!(
            import(&["self", "Bounds", "Path"]),
            quote!(
                use asyncapi_rt::check::{self, Bounds};
            )
            .to_string()
        );
        assert_eq!(
            import(&["Bounds", "JsonType"]),
            quote!(
                use asyncapi_rt::check::Bounds;
            )
            .to_string()
        );
        // `check::{self}` alone is no valid import.
        assert_eq!(
            import(&["self", "JsonType"]),
            quote!(
                use asyncapi_rt::check;
            )
            .to_string()
        );
        assert_eq!(import(&["JsonType", "Path"]), "");
    }

    #[test]
    fn raw_strings_fence_their_content() {
        assert_eq!(raw_string(r#"{"a":"b"}"#).to_string(), r###"r#"{"a":"b"}"#"###);
        assert_eq!(raw_string(r##"say "#hi""##).to_string(), r####"r##"say "#hi""##"####);
    }

    #[test]
    fn raw_identifiers_for_keywords() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("event_name").to_string(), "event_name");
    }

    #[test]
    fn separates_items_with_blank_lines() {
        let text = "//! Docs.\nuse a;\nuse b;\npub struct A {\n    x: u8,\n}\nimpl A {\n    pub const N: u8 = 1;\n    /// Doc.\n    pub fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n    fn g() {}\n}\n";
        assert_eq!(
            space_items(text),
            "//! Docs.\n\nuse a;\nuse b;\n\npub struct A {\n    x: u8,\n}\n\nimpl A {\n    pub const N: u8 = 1;\n\n    /// Doc.\n    pub fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n\n    fn g() {}\n}\n"
        );
    }

    #[test]
    fn docs_are_safe_for_rustdoc() {
        let lines = sanitize_doc(
            "See [Sequence Numbers](https://x.example/a) and [here].\n```\ncode\n```\n    indented\n<b> https://example.com/x.",
        );
        assert_eq!(
            lines,
            [
                "See [Sequence Numbers](https://x.example/a) and \\[here\\].",
                "```text",
                "code",
                "```",
                "indented",
                "&lt;b&gt; <https://example.com/x>.",
            ]
        );
        assert_eq!(
            sanitize_doc("Größe [x] — <http://ä.example/ö> é https://b.example/ü. [ü](https://c.example)"),
            ["Größe \\[x\\] — <http://ä.example/ö> é <https://b.example/ü>. [ü](https://c.example)"]
        );
        // Code spans show text as written: nothing in them is escaped.
        assert_eq!(
            sanitize_doc("Example: `[4,3]`, ``a`<b>`c`` and `<i>`; [x] `unclosed <y>"),
            ["Example: `[4,3]`, ``a`<b>`c`` and `<i>`; \\[x\\] `unclosed &lt;y&gt;"]
        );
        assert_eq!(sanitize_doc("```bash\nls\n```"), ["```bash", "ls", "```"]);
        // Paragraphs joined from block scalars keep one blank line between them.
        assert_eq!(sanitize_doc("\nTitle\n\n\nText.\n \n\nMore.\n"), ["Title", "", "Text.", "", "More."]);
        assert_eq!(sanitize_doc("```\na\n\n\nb\n```"), ["```text", "a", "", "", "b", "```"]);
        assert_eq!(sanitize_doc("open\n```\nnever closed"), ["open", "```text", "never closed", "```"]);
    }
}
