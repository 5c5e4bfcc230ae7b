//! Benchmarks of the generated crate (the files in `benches/`), and the
//! paired timing they report with.
//!
//! Run them on their own, `cargo bench -p asyncapi-benches`, so that the
//! build is the one a user of the generated crate gets: the generator turns on
//! serde_json's `preserve_order`, Cargo unifies features over everything one
//! command builds, and under that feature `serde_json::Value` keeps objects in
//! an `IndexMap`, which makes the reference route slower than in a user's
//! build (by 15-35% on these bodies).

pub mod paired;
