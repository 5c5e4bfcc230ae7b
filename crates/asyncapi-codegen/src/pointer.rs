//! JSON pointers (RFC 6901): the one way every stage names a node of a document.

/// Escapes one reference token (`~` becomes `~0`, `/` becomes `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `pointer` extended by one token.
pub fn join(pointer: &str, token: &str) -> String {
    let mut joined = String::with_capacity(pointer.len() + token.len() + 1);
    joined.push_str(pointer);
    joined.push('/');
    joined.push_str(&escape(token));
    joined
}

/// The unescaped tokens of `pointer` (empty for the root).
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape)
}

/// The last token of `pointer`, unescaped (`None` for the root).
pub fn last_token(pointer: &str) -> Option<String> {
    if pointer.is_empty() { None } else { pointer.rsplit('/').next().map(unescape) }
}

/// The pointer one level up (`None` for the root).
pub fn parent(pointer: &str) -> Option<&str> {
    pointer.rfind('/').map(|at| &pointer[..at])
}

/// Decodes the percent-escapes a URI fragment may use (`#/paths/~1a%20b`).
pub fn from_fragment(fragment: &str) -> Result<String, String> {
    let bytes = fragment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = fragment
                .get(at + 1..at + 3)
                .ok_or_else(|| format!("truncated percent-escape in `{fragment}`"))?;
            let byte = u8::from_str_radix(hex, 16)
                .map_err(|_| format!("invalid percent-escape `%{hex}` in `{fragment}`"))?;
            decoded.push(byte);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| format!("percent-escapes in `{fragment}` are not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_joins_tokens() {
        assert_eq!(join("/channels", "user/signedup"), "/channels/user~1signedup");
        assert_eq!(join("", "a~b"), "/a~0b");
        assert_eq!(
            tokens("/channels/user~1signedup/x~0y").collect::<Vec<_>>(),
            ["channels", "user/signedup", "x~y"]
        );
        assert_eq!(last_token("/components/schemas/a~1b").as_deref(), Some("a/b"));
        assert_eq!(last_token(""), None);
        assert_eq!(parent("/a/b"), Some("/a"));
        assert_eq!(parent("/a"), Some(""));
        assert_eq!(parent(""), None);
    }

    #[test]
    fn decodes_fragments() {
        assert_eq!(from_fragment("/a%20b/c").unwrap(), "/a b/c");
        assert!(from_fragment("/a%2").is_err());
        assert!(from_fragment("/a%zz").is_err());
    }
}
