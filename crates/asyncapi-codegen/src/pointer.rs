//! JSON pointers (RFC 6901): the one way every stage names a node of a document.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;

/// Escapes one reference token (`~` becomes `~0`, `/` becomes `~1`).
pub fn escape(token: &str) -> String {
    escaped(token).into_owned()
}

/// Escapes one reference token, without copying one that needs no escape.
fn escaped(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> String {
    unescaped(token).into_owned()
}

/// Unescapes one reference token, without copying one that has no escape
/// (nearly all of them: every stage looks nodes up by pointer).
fn unescaped(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// `pointer` extended by one token.
pub fn join(pointer: &str, token: &str) -> String {
    let mut joined = String::with_capacity(pointer.len() + token.len() + 1);
    joined.push_str(pointer);
    joined.push('/');
    joined.push_str(&escaped(token));
    joined
}

/// The node of `root` at `pointer`: `Value::pointer`, without allocating a
/// string per token.
pub fn resolve<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(root, |node, token| match node {
        Value::Object(members) => members.get(unescaped(token).as_ref()),
        // An index is digits without a leading zero (RFC 6901).
        Value::Array(items) if token == "0" || !token.starts_with(['0', '+']) => {
            token.parse::<usize>().ok().and_then(|index| items.get(index))
        }
        _ => None,
    })
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

/// What a URI fragment cannot hold as it is (RFC 3986: a fragment is
/// `pchar`s, `/` and `?`): controls, and ASCII outside those. Other bytes
/// (non-ASCII) are always escaped.
const NOT_IN_FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The URI fragment naming `pointer` (`/a b` is `#/a%20b`): the inverse of
/// [`from_fragment`].
pub fn to_fragment(pointer: &str) -> String {
    format!("#{}", utf8_percent_encode(pointer, NOT_IN_FRAGMENT))
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
    fn resolves_like_serde_json() {
        let value = serde_json::json!({"a/b": {"~c": [10, {"d": null}]}, "": {"": 1}, "e": [1, 2]});
        for pointer in [
            "",
            "/a~1b",
            "/a~1b/~0c",
            "/a~1b/~0c/1/d",
            "/a~1b/~0c/0",
            "/a~1b/~0c/2",
            "/",
            "//",
            "/e/01",
            "/e/+1",
            "/e/-1",
            "/e/1",
            "/e/1/x",
            "a",
            "/nope",
            "/a~1b/~0c/1/d/x",
            "/e/99999999999999999999",
        ] {
            assert_eq!(resolve(&value, pointer), value.pointer(pointer), "{pointer:?}");
        }
    }

    #[test]
    fn escapes_and_joins_tokens() {
        assert_eq!(join("/channels", "user/signedup"), "/channels/user~1signedup");
        assert_eq!(join("", "a~b"), "/a~0b");
        assert_eq!(join("/a", "plain"), "/a/plain");
        assert_eq!(escape("~/"), "~0~1");
        assert_eq!(unescape("~0~1"), "~/");
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

    #[test]
    fn fragments_escape_what_a_uri_cannot_hold() {
        assert_eq!(to_fragment("/definitions/a~1b"), "#/definitions/a~1b");
        assert_eq!(to_fragment("/d/percent%field"), "#/d/percent%25field");
        assert_eq!(to_fragment("/d/foo\"bar é"), "#/d/foo%22bar%20%C3%A9");
        assert_eq!(to_fragment("/d/a{b}|c"), "#/d/a%7Bb%7D%7Cc");
        for pointer in ["", "/a b", "/%41", "/x\"y/ü/#", "/!$&'()*+,;=:@?"] {
            assert_eq!(from_fragment(&to_fragment(pointer)[1..]).unwrap(), pointer);
        }
    }
}
