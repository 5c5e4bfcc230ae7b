//! `cargo xtask bench-report`: the ratios the benchmarks are judged by, read
//! from criterion's results (`target/criterion`) of the last run.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// Mean time in nanoseconds of every benchmark criterion has a result for, by
/// its full id (`valid/generated/registrant.added`).
pub fn means(criterion: &Path) -> BTreeMap<String, f64> {
    let mut means = BTreeMap::new();
    let mut pending = vec![criterion.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let is_new = path.parent().and_then(Path::file_name).is_some_and(|name| name == "new");
            if !is_new || path.file_name().is_none_or(|name| name != "benchmark.json") {
                continue;
            }
            let read = |file: &Path| -> Option<Value> {
                serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()
            };
            let (Some(benchmark), Some(estimates)) =
                (read(&path), read(&path.with_file_name("estimates.json")))
            else {
                continue;
            };
            if let (Some(id), Some(mean)) =
                (benchmark["full_id"].as_str(), estimates["mean"]["point_estimate"].as_f64())
            {
                means.insert(id.to_owned(), mean);
            }
        }
    }
    means
}

/// The report, as text.
pub fn report(means: &BTreeMap<String, f64>) -> String {
    let mut out = String::new();
    let time = |ns: f64| if ns >= 1000.0 { format!("{:.2} µs", ns / 1000.0) } else { format!("{ns:.0} ns") };
    for group in ["valid", "invalid"] {
        let prefix = format!("{group}/generated/");
        for (id, generated) in means.iter().filter(|(id, _)| id.starts_with(&prefix)) {
            let name = &id[prefix.len()..];
            if let Some(reference) = means.get(&format!("{group}/reference/{name}")) {
                out.push_str(&format!(
                    "{group:8} {name:20} generated {:>10}  reference {:>10}  reference/generated = {:.1}x\n",
                    time(*generated),
                    time(*reference),
                    reference / generated
                ));
            }
        }
    }
    let get = |name: &str| means.get(&format!("dispatch/{name}")).copied();
    if let (Some(dispatch), Some(hmac), Some(parse), Some(generic)) =
        (get("dispatch"), get("hmac"), get("typed_parse"), get("generic"))
    {
        out.push_str(&format!(
            "dispatch {}  hmac {}  typed parse {}  generic {}\n  dispatch / (hmac + typed parse) = {:.2}x (target <= 1.5)\n  generic / dispatch = {:.1}x (target >= 5)\n",
            time(dispatch),
            time(hmac),
            time(parse),
            time(generic),
            dispatch / (hmac + parse),
            generic / dispatch
        ));
    }
    if out.is_empty() {
        out.push_str("no benchmark results: run `cargo bench -p asyncapi-benches` first\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_ratios() {
        let means = [
            ("valid/generated/a", 1000.0),
            ("valid/reference/a", 8000.0),
            ("dispatch/dispatch", 3000.0),
            ("dispatch/hmac", 1000.0),
            ("dispatch/typed_parse", 1500.0),
            ("dispatch/generic", 18000.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let report = super::report(&means);
        assert!(report.contains("reference/generated = 8.0x"), "{report}");
        assert!(report.contains("dispatch / (hmac + typed parse) = 1.20x"), "{report}");
        assert!(report.contains("generic / dispatch = 6.0x"), "{report}");
    }
}
