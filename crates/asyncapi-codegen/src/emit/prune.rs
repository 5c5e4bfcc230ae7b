//! Keeps only the check functions and statics of `validate.rs` that the crate
//! uses. [`super::validate::Validators::new`] names a function for every schema
//! that may need one (every type, every `$ref` target), but whether a check is
//! emitted depends on the rest of the document (an `anyOf` alternative that
//! accepts anything makes the others moot; a type that is any JSON value is
//! never checked), and an unused private function is dead code the compiler
//! warns about. What is used is found on the built code: a name is used when
//! an item that stays refers to it.

use std::collections::HashSet;

use proc_macro2::{TokenStream, TokenTree};

/// What one built item (or file) defines and refers to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// The prunable name it defines: it stays only if used.
    pub defines: Option<String>,
    /// The prunable names it refers to.
    pub refers: Vec<String>,
}

/// One walk over an item's tokens (walking a token stream copies it): marks
/// in `mentions` which of `imports` it mentions, and returns the identifiers
/// among `names` (the prunable ones) it refers to, each once. An import is
/// mentioned only where a path starts: `check::types` needs no `types`.
pub fn scan(
    tokens: &TokenStream,
    imports: &[&str],
    mentions: &mut [bool],
    names: &HashSet<String>,
) -> Vec<String> {
    fn walk(
        tokens: &TokenStream,
        imports: &[&str],
        mentions: &mut [bool],
        names: &HashSet<String>,
        found: &mut Vec<String>,
    ) {
        // How many `:` came just before: two make a path separator.
        let mut colons = 0;
        for tree in tokens.clone() {
            match tree {
                TokenTree::Ident(ident) => {
                    let text = ident.to_string();
                    let starts_a_path = colons < 2;
                    if let Some(index) = imports.iter().position(|import| *import == text) {
                        mentions[index] |= starts_a_path;
                    } else if names.contains(&text) && !found.contains(&text) {
                        found.push(text);
                    }
                }
                TokenTree::Group(group) => walk(&group.stream(), imports, mentions, names, found),
                TokenTree::Punct(punct) if punct.as_char() == ':' => {
                    colons += 1;
                    continue;
                }
                TokenTree::Punct(_) | TokenTree::Literal(_) => {}
            }
            colons = 0;
        }
    }
    let mut found = Vec::new();
    walk(tokens, imports, mentions, names, &mut found);
    found
}

/// The prunable names in use: those referred to by an item that defines
/// nothing prunable, and, in turn, by the items defining names in use.
pub fn used<'a>(items: impl IntoIterator<Item = &'a Links>) -> HashSet<String> {
    let items: Vec<&Links> = items.into_iter().collect();
    let defining: std::collections::HashMap<&str, &Links> =
        items.iter().filter_map(|links| links.defines.as_deref().map(|name| (name, *links))).collect();
    let mut used = HashSet::new();
    let mut pending: Vec<&str> = items
        .iter()
        .filter(|links| links.defines.is_none())
        .flat_map(|links| links.refers.iter().map(String::as_str))
        .collect();
    while let Some(name) = pending.pop() {
        if used.insert(name)
            && let Some(links) = defining.get(name)
        {
            pending.extend(links.refers.iter().map(String::as_str));
        }
    }
    used.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn links(defines: Option<&str>, refers: &[&str]) -> Links {
        Links {
            defines: defines.map(str::to_owned),
            refers: refers.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    #[test]
    fn references_and_mentions_are_identifiers_not_text() {
        let names: HashSet<String> = ["check_a", "PATTERN_1"].map(str::to_owned).into();
        let tokens = quote! {
            /// Calls check_b, not check_a; no Mode.
            fn f() { check_a(x); let s = "PATTERN_1"; check_a(y); g(&PATTERN_1, Path::root()); }
        };
        let mut mentions = [false; 2];
        assert_eq!(scan(&tokens, &["Mode", "Path"], &mut mentions, &names), ["check_a", "PATTERN_1"]);
        assert_eq!(mentions, [false, true]);
    }

    #[test]
    fn an_import_is_mentioned_where_a_path_starts() {
        let mut mentions = [false; 2];
        scan(
            &quote!(check::types(value, &[JsonType::Null])),
            &["types", "JsonType"],
            &mut mentions,
            &HashSet::new(),
        );
        assert_eq!(mentions, [false, true]);
        scan(
            &quote!(
                fn f(v: &types::Reading) {}
            ),
            &["types", "JsonType"],
            &mut mentions,
            &HashSet::new(),
        );
        assert_eq!(mentions, [true, true]);
    }

    #[test]
    fn names_are_used_only_from_what_stays() {
        let items = [
            links(None, &["check_a"]),
            links(Some("check_a"), &["check_b", "PATTERN_1"]),
            links(Some("check_b"), &["check_b"]),
            // Dead, and so is all it alone refers to.
            links(Some("check_c"), &["check_d", "LITERAL_1"]),
            links(Some("check_d"), &["check_c"]),
        ];
        let mut used: Vec<String> = used(&items).into_iter().collect();
        used.sort_unstable();
        assert_eq!(used, ["PATTERN_1", "check_a", "check_b"]);
    }
}
