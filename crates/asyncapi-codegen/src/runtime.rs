//! The runtime crate (`asyncapi-rt`), embedded so that a crate generated
//! anywhere can carry its own copy and build on its own.

/// Every file of `crates/asyncapi-rt` a build needs, by path relative to that
/// crate. (A test checks this list against the folder.)
const FILES: [(&str, &str); 19] = [
    ("Cargo.toml", include_str!("../../asyncapi-rt/Cargo.toml")),
    ("README.md", include_str!("../../asyncapi-rt/README.md")),
    ("src/axum.rs", include_str!("../../asyncapi-rt/src/axum.rs")),
    ("src/body.rs", include_str!("../../asyncapi-rt/src/body.rs")),
    ("src/channel.rs", include_str!("../../asyncapi-rt/src/channel.rs")),
    ("src/check.rs", include_str!("../../asyncapi-rt/src/check.rs")),
    ("src/content.rs", include_str!("../../asyncapi-rt/src/content.rs")),
    ("src/dedupe.rs", include_str!("../../asyncapi-rt/src/dedupe.rs")),
    ("src/dispatch.rs", include_str!("../../asyncapi-rt/src/dispatch.rs")),
    ("src/format.rs", include_str!("../../asyncapi-rt/src/format.rs")),
    ("src/inspect.rs", include_str!("../../asyncapi-rt/src/inspect.rs")),
    ("src/lib.rs", include_str!("../../asyncapi-rt/src/lib.rs")),
    ("src/message.rs", include_str!("../../asyncapi-rt/src/message.rs")),
    ("src/outgoing.rs", include_str!("../../asyncapi-rt/src/outgoing.rs")),
    ("src/path.rs", include_str!("../../asyncapi-rt/src/path.rs")),
    ("src/serde_helpers.rs", include_str!("../../asyncapi-rt/src/serde_helpers.rs")),
    ("src/signature.rs", include_str!("../../asyncapi-rt/src/signature.rs")),
    ("src/testing.rs", include_str!("../../asyncapi-rt/src/testing.rs")),
    ("src/violation.rs", include_str!("../../asyncapi-rt/src/violation.rs")),
];

/// Where the vendored copy goes, relative to the generated crate.
pub const VENDORED_DIR: &str = "asyncapi-rt";

/// The runtime's files for a vendored copy, by path relative to the generated
/// crate. The copy's manifest drops the runtime's own dev-dependencies: its
/// tests are not built from the copy.
pub fn vendored_files() -> Vec<(String, String)> {
    FILES
        .iter()
        .map(|(path, text)| {
            let text =
                if *path == "Cargo.toml" { without_dev_dependencies(text) } else { (*text).to_owned() };
            (format!("{VENDORED_DIR}/{path}"), text)
        })
        .collect()
}

fn without_dev_dependencies(manifest: &str) -> String {
    let mut kept = Vec::new();
    let mut skipping = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            skipping = line.trim() == "[dev-dependencies]";
        }
        if !skipping {
            kept.push(line);
        }
    }
    let mut text = kept.join("\n");
    while text.ends_with("\n\n") || text.ends_with('\n') {
        text.pop();
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_source_is_embedded() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../asyncapi-rt/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| format!("src/{}", entry.unwrap().file_name().to_string_lossy()))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> =
            FILES.iter().filter(|(p, _)| p.starts_with("src/")).map(|(p, _)| (*p).to_owned()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "update runtime::FILES when the runtime gains or loses a file");
    }

    #[test]
    fn the_vendored_manifest_has_no_dev_dependencies() {
        let files = vendored_files();
        let manifest = &files.iter().find(|(p, _)| p == "asyncapi-rt/Cargo.toml").unwrap().1;
        assert!(manifest.contains("[dependencies]"));
        assert!(!manifest.contains("[dev-dependencies]"));
        assert!(!manifest.contains("jsonschema"));
    }
}
