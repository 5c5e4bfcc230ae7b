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
    let root = workspace_root();
    let mut outcomes = Vec::new();
    for generated_crate in CRATES {
        let generated = asyncapi_codegen::generate(&generated_crate.options(&root))
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
}
