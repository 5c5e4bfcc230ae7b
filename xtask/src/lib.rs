//! The crates this workspace generates, and how: `cargo xtask codegen` writes
//! them, `cargo xtask codegen --check` (and the test below) fails when a
//! checked-in crate is not what its document generates.

pub mod bench_report;
pub mod synthetic;

use std::path::{Path, PathBuf};

use asyncapi_codegen::{Options, Runtime};

/// A crate generated from a document of this workspace.
pub struct GeneratedCrate {
    pub spec: &'static str,
    pub out: &'static str,
    pub crate_name: &'static str,
    /// Properties that real traffic sends as JSON integers although the document
    /// says string (see `tests/samples/README.md` for GoToWebinar's).
    pub lenient_numeric_strings: &'static [&'static str],
}

/// The command that regenerates every crate.
pub const REGENERATE: &str = "run `cargo xtask codegen`";

pub const CRATES: &[GeneratedCrate] = &[GeneratedCrate {
    spec: "spec/gotowebinar-webhooks.asyncapi.yaml",
    out: "crates/gotowebinar-webhooks",
    crate_name: "gotowebinar-webhooks",
    lenient_numeric_strings: &["*Key"],
}];

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

impl GeneratedCrate {
    pub fn options(&self, root: &Path) -> Options {
        let mut options = Options::new(root.join(self.spec));
        options.spec_name = Some(self.spec.to_owned());
        options.crate_name = Some(self.crate_name.to_owned());
        options.runtime = Runtime::Path("../asyncapi-rt".to_owned());
        options.lenient_numeric_strings =
            self.lenient_numeric_strings.iter().map(|p| (*p).to_owned()).collect();
        options.regenerate = Some(REGENERATE.to_owned());
        options
    }
}

/// What `codegen` found, per crate.
pub enum Outcome {
    Fresh,
    Written { changed: Vec<String>, removed: Vec<String> },
    Stale(String),
}

/// Generates every crate (`check`: compares instead of writing). Errors are
/// the generator's diagnostics or I/O errors, as text for a terminal.
pub fn codegen(check: bool) -> Result<Vec<(&'static str, Outcome)>, String> {
    codegen_in(&workspace_root(), check)
}

/// [`codegen`] for a workspace at `root`.
fn codegen_in(root: &Path, check: bool) -> Result<Vec<(&'static str, Outcome)>, String> {
    let mut outcomes = Vec::new();
    for generated_crate in CRATES {
        let generated = asyncapi_codegen::generate(&generated_crate.options(root))
            .map_err(|diagnostics| format!("{}:\n{diagnostics}", generated_crate.spec))?;
        for warning in generated.warnings.iter() {
            eprint!("{warning}");
        }
        let out = root.join(generated_crate.out);
        let outcome = if check {
            let comparison = asyncapi_codegen::check_dir(&out, &generated)
                .map_err(|error| format!("cannot read {}: {error}", out.display()))?;
            if comparison.is_clean() { Outcome::Fresh } else { Outcome::Stale(comparison.to_string()) }
        } else {
            let written = asyncapi_codegen::write::write(&out, &generated.files)
                .map_err(|error| format!("cannot write {}: {error}", out.display()))?;
            if written.changed.is_empty() && written.removed.is_empty() {
                Outcome::Fresh
            } else {
                Outcome::Written { changed: written.changed, removed: written.removed }
            }
        };
        outcomes.push((generated_crate.out, outcome));
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    /// The drift check as a test: `cargo test` alone catches a checked-in crate
    /// that its document no longer generates.
    #[test]
    fn generated_crates_match_their_documents() {
        let outcomes = super::codegen(true).unwrap_or_else(|error| panic!("{error}"));
        for (out, outcome) in outcomes {
            if let super::Outcome::Stale(diff) = outcome {
                panic!("{out} is stale; {}:\n{diff}", super::REGENERATE);
            }
        }
    }

    /// In a copy of the workspace: a crate edited by hand is stale, with the
    /// edit in the diff; regenerating makes it fresh again.
    #[test]
    fn an_edited_crate_is_stale_until_regenerated() {
        use super::{CRATES, Outcome, codegen_in, workspace_root};
        let copy = tempfile::tempdir().expect("a temporary folder");
        for generated_crate in CRATES {
            let spec = copy.path().join(generated_crate.spec);
            std::fs::create_dir_all(spec.parent().expect("a folder")).expect("a folder");
            std::fs::copy(workspace_root().join(generated_crate.spec), &spec).expect("copied");
        }
        let written = codegen_in(copy.path(), false).unwrap_or_else(|error| panic!("{error}"));
        assert!(written.iter().all(|(_, outcome)| matches!(outcome, Outcome::Written { .. })));
        let fresh = codegen_in(copy.path(), true).unwrap_or_else(|error| panic!("{error}"));
        assert!(fresh.iter().all(|(_, outcome)| matches!(outcome, Outcome::Fresh)));

        let lib = copy.path().join(CRATES[0].out).join("src/lib.rs");
        let edited = std::fs::read_to_string(&lib).expect("generated") + "// edited by hand\n";
        std::fs::write(&lib, edited).expect("written");
        match &codegen_in(copy.path(), true).unwrap_or_else(|error| panic!("{error}"))[0].1 {
            Outcome::Stale(diff) => assert!(diff.contains("-// edited by hand"), "{diff}"),
            _ => panic!("an edited crate is not fresh"),
        }
        codegen_in(copy.path(), false).unwrap_or_else(|error| panic!("{error}"));
        let fresh = codegen_in(copy.path(), true).unwrap_or_else(|error| panic!("{error}"));
        assert!(matches!(fresh[0].1, Outcome::Fresh));
    }
}
