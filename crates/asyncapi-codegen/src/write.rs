//! Stage 6, write: the generated crate onto disk (atomically, file by file,
//! untouched where nothing changed), or compared with what is there.

use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::emit::Files;

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub changed: Vec<String>,
    pub unchanged: usize,
    /// Generated files of an earlier run that this run no longer generates.
    pub removed: Vec<String>,
}

/// Writes `files` under `dir`. Each file is written to a temporary file beside
/// it and renamed into place, so a reader never sees half a file; files whose
/// content is already right are not touched. Files an earlier run generated
/// (they carry the `@generated` mark) and this one does not are removed; other
/// files are left alone.
///
/// A file there without the mark is someone's own (a crate's `Cargo.toml`
/// when `dir` is the wrong folder): if one would be overwritten, nothing is
/// written and the error names them.
pub fn write(dir: &Path, files: &Files) -> io::Result<Written> {
    let mut theirs = Vec::new();
    for (relative, content) in files {
        match std::fs::read(dir.join(relative)) {
            Ok(existing)
                if existing != content.as_bytes()
                    && !std::str::from_utf8(&existing).is_ok_and(is_generated) =>
            {
                theirs.push(relative.as_str());
            }
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
    }
    if !theirs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "it holds files asyncapi-codegen did not write (they lack its `@generated` mark), which \
                 generating would overwrite: {}; nothing was written: move them, or generate into another folder",
                theirs.join(", ")
            ),
        ));
    }
    let mut written = Written::default();
    for (relative, content) in files {
        let path = dir.join(relative);
        if std::fs::read(&path).is_ok_and(|existing| existing == content.as_bytes()) {
            written.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temporary = path.with_extension(format!(
            "{}.asyncapi-codegen-tmp",
            path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        std::fs::write(&temporary, content)?;
        std::fs::rename(&temporary, &path)?;
        written.changed.push(relative.clone());
    }
    for relative in existing_files(dir)? {
        if files.contains_key(&relative) {
            continue;
        }
        let path = dir.join(&relative);
        let generated = std::fs::read_to_string(&path).is_ok_and(|text| is_generated(&text));
        if generated {
            std::fs::remove_file(&path)?;
            written.removed.push(relative);
        }
    }
    Ok(written)
}

/// How a folder differs from what would be generated there.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Files that would be generated but are not there.
    pub missing: Vec<String>,
    /// Files that are there but would not be generated.
    pub extra: Vec<String>,
    /// Files whose content differs, each with a unified diff (there, then generated).
    pub changed: Vec<(String, String)>,
}

impl Comparison {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.changed.is_empty()
    }
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (_, diff) in &self.changed {
            write!(f, "{diff}")?;
        }
        for path in &self.missing {
            writeln!(f, "missing: {path}")?;
        }
        for path in &self.extra {
            writeln!(f, "extra (not generated): {path}")?;
        }
        Ok(())
    }
}

/// Compares `dir` with `files`.
pub fn compare(dir: &Path, files: &Files) -> io::Result<Comparison> {
    let mut comparison = Comparison::default();
    for (relative, content) in files {
        match std::fs::read(dir.join(relative)) {
            Ok(existing) if existing == content.as_bytes() => {}
            Ok(existing) => {
                let existing = String::from_utf8_lossy(&existing);
                let diff = TextDiff::from_lines(existing.as_ref(), content.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{relative}"), &format!("b/{relative}"))
                    .to_string();
                comparison.changed.push((relative.clone(), diff));
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                comparison.missing.push(relative.clone())
            }
            Err(error) => return Err(error),
        }
    }
    for relative in existing_files(dir)? {
        if !files.contains_key(&relative) {
            comparison.extra.push(relative);
        }
    }
    Ok(comparison)
}

/// Whether `text` carries the mark of a file the generator wrote, on its first line.
pub(crate) fn is_generated(text: &str) -> bool {
    text.lines().next().is_some_and(|first| first.contains("@generated by asyncapi-codegen"))
}

/// Every file under `dir` (relative, `/`-separated), skipping build output and
/// hidden folders; empty when `dir` does not exist.
fn existing_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let entries = match std::fs::read_dir(dir.join(&relative)) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "Cargo.lock" {
                continue;
            }
            let path = relative.join(&name);
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else {
                found.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries.iter().map(|(p, c)| ((*p).to_owned(), (*c).to_owned())).collect()
    }

    #[test]
    fn writes_compares_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let first = files(&[
            ("src/lib.rs", "// @generated by asyncapi-codegen\nfn a() {}\n"),
            ("README.md", "<!-- @generated by asyncapi-codegen -->\nhi\n"),
        ]);
        let written = write(dir.path(), &first).unwrap();
        assert_eq!(written.changed.len(), 2);
        assert!(compare(dir.path(), &first).unwrap().is_clean());
        assert_eq!(write(dir.path(), &first).unwrap().unchanged, 2, "nothing rewritten when nothing changed");

        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let second = files(&[("README.md", "<!-- @generated by asyncapi-codegen -->\nhello\n")]);
        let comparison = compare(dir.path(), &second).unwrap();
        assert_eq!(comparison.extra, ["notes.txt", "src/lib.rs"]);
        assert_eq!(comparison.changed.len(), 1);
        assert!(comparison.changed[0].1.contains("-hi\n+hello\n"), "{}", comparison.changed[0].1);
        let written = write(dir.path(), &second).unwrap();
        assert_eq!(written.removed, ["src/lib.rs"], "stale generated files go, the user's stay");
        assert!(dir.path().join("notes.txt").exists());
        let comparison =
            compare(dir.path(), &files(&[("README.md", "hello\n"), ("Cargo.toml", "x")])).unwrap();
        assert_eq!(comparison.missing, ["Cargo.toml"]);
    }

    #[test]
    fn never_overwrites_a_file_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "// @generated by asyncapi-codegen\nold\n").unwrap();
        let generated = files(&[
            ("Cargo.toml", "# @generated by asyncapi-codegen\n[package]\n"),
            ("src/lib.rs", "// @generated by asyncapi-codegen\nnew\n"),
        ]);
        let error = write(dir.path(), &generated).expect_err("Cargo.toml is the user's");
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert!(error.to_string().contains("overwrite: Cargo.toml; nothing was written"), "{error}");
        let lib = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
        assert_eq!(lib, "// @generated by asyncapi-codegen\nold\n", "not even the generated file changed");

        // Once the user's file is gone, or is what would be written, the run goes through.
        std::fs::write(dir.path().join("Cargo.toml"), &generated["Cargo.toml"]).unwrap();
        let written = write(dir.path(), &generated).unwrap();
        assert_eq!((written.changed, written.unchanged), (vec!["src/lib.rs".to_owned()], 1));
    }
}
