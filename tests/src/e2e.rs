//! Workspaces of generated crates, built apart from this one: the corpus test
//! and the generator fuzz write crates into `target/e2e/<name>`, compile them
//! together (their dependencies once, into `target/e2e/target`, which both
//! share and which outlives each run), and run a runner crate's tests over
//! them. Apart from this workspace's own build folder, so that their builds
//! never change its artifacts.

use std::path::{Path, PathBuf};
use std::process::Command;

/// This workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").to_path_buf()
}

/// The path of this workspace's `asyncapi-rt` from a crate of an e2e workspace.
pub const RUNTIME_PATH: &str = "../../../../crates/asyncapi-rt";

/// A workspace under `target/e2e`.
#[derive(Debug)]
pub struct Workspace {
    dir: PathBuf,
}

impl Workspace {
    /// An empty workspace at `target/e2e/<name>` (what an earlier run left is removed).
    pub fn create(name: &str) -> Self {
        let dir = workspace_root().join("target/e2e").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the e2e folder can be created");
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the manifest naming `members`, and a copy of this workspace's
    /// lock file: the same versions, no resolution work. Every e2e workspace
    /// has the same profile, so that they share compiled dependencies; none is
    /// incremental, which would keep gigabytes for crates built once.
    pub fn write_manifest(&self, members: &[String]) {
        let members: Vec<String> = members.iter().map(|member| format!("\"{member}\"")).collect();
        let manifest = format!(
            "# Written by asyncapi_tests::e2e.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n\
             [profile.dev.package.\"*\"]\nopt-level = 1\ndebug = false\n\n\
             [profile.dev]\ndebug = \"line-tables-only\"\nincremental = false\n",
            members.join(", ")
        );
        std::fs::write(self.dir.join("Cargo.toml"), manifest).expect("the workspace manifest can be written");
        std::fs::copy(workspace_root().join("Cargo.lock"), self.dir.join("Cargo.lock"))
            .expect("Cargo.lock can be copied");
    }

    /// Writes the crate `runner` (package `package`), which depends on
    /// `crates` and on this workspace's test support, and whose one
    /// integration test is `test`.
    pub fn write_runner(&self, package: &str, crates: &[String], test: &str) {
        let dir = self.dir.join("runner");
        std::fs::create_dir_all(dir.join("tests")).expect("the runner folder can be created");
        std::fs::create_dir_all(dir.join("src")).expect("the runner folder can be created");
        let dependencies: String =
            crates.iter().map(|name| format!("{name} = {{ path = \"../{name}\" }}\n")).collect();
        let manifest = format!(
            "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nasyncapi-rt = {{ path = \"{RUNTIME_PATH}\" }}\n\
             asyncapi-tests = {{ path = \"../../../../tests\" }}\nserde_json = \"1\"\n{dependencies}"
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).expect("the runner manifest can be written");
        std::fs::write(dir.join("tests/runner.rs"), test).expect("the runner test can be written");
        std::fs::write(dir.join("src/lib.rs"), "//! See tests/runner.rs.\n")
            .expect("the runner lib can be written");
    }

    /// Clippy over every target of every member but `excluded`, warnings
    /// denied: generated crates must compile cleanly.
    pub fn clippy(&self, excluded: &str, extra: &[&str]) {
        let mut args = vec![
            "clippy",
            "--quiet",
            "--workspace",
            "--exclude",
            excluded,
            "--all-targets",
            "--all-features",
        ];
        args.extend(extra);
        args.extend(["--", "-D", "warnings"]);
        self.cargo(&args, &[]);
    }

    /// Runs cargo in the workspace; panics when it fails.
    pub fn cargo(&self, args: &[&str], env: &[(&str, &str)]) {
        cargo(&self.dir, args, env);
    }
}

/// Runs cargo in `dir` with the e2e build folder; panics when it fails.
pub fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace_root().join("target/e2e/target"))
        .env_remove("RUSTFLAGS");
    for (name, value) in env {
        command.env(name, value);
    }
    let status = command.status().expect("cargo runs");
    assert!(status.success(), "`cargo {}` failed in {}", args.join(" "), dir.display());
}

/// The identifiers of crates, as Rust code names them.
pub fn crate_idents(crates: &[String]) -> String {
    crates.iter().map(|name| name.replace('-', "_")).collect::<Vec<_>>().join(", ")
}
