//! Paths of the files a document's `$ref`s name: normalized lexically (the
//! files need not exist), relative to one another, and told apart from
//! remote references.

use std::path::{Component, Path, PathBuf};

/// Whether a `$ref`'s file part names something on another machine.
pub(super) fn is_remote(file_part: &str) -> bool {
    let lower = file_part.to_ascii_lowercase();
    lower.contains("://") || lower.starts_with("//")
}

/// `path` with `.` and `..` removed lexically (the files need not exist yet).
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // Up from a folder is its parent; up from the top stays there; up
            // from `..` (or from nothing) is one more `..`.
            Component::ParentDir => match normalized.components().next_back() {
                Some(Component::Normal(_)) => {
                    normalized.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => normalized.push(".."),
            },
            other => normalized.push(other.as_os_str()),
        }
    }
    if normalized.as_os_str().is_empty() {
        normalized.push(".");
    }
    normalized
}

/// `target` as a path relative to the folder `from` (both as the loader
/// normalized them); `None` when `from` climbs out through `..` where `target`
/// does not, as no relative path then leads back.
pub(super) fn relative_path(from: &Path, target: &Path) -> Option<PathBuf> {
    let from: Vec<Component<'_>> = from.components().filter(|c| *c != Component::CurDir).collect();
    let target: Vec<Component<'_>> = target.components().filter(|c| *c != Component::CurDir).collect();
    let shared = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for component in &from[shared..] {
        if !matches!(component, Component::Normal(_)) {
            return None;
        }
        path.push("..");
    }
    target[shared..].iter().for_each(|component| path.push(component.as_os_str()));
    Some(path)
}

/// How to name `reference`, written in the file displayed as `from`.
pub(super) fn relative_display(from: &str, reference: &str) -> String {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    normalize(&base.join(reference)).to_string_lossy().replace('\\', "/")
}
