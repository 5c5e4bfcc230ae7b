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

use gotowebinar_webhooks::Message;
use serde::de::IgnoredAny;
use serde_json::Value;

/// The reference validator (the `jsonschema` crate, draft 7, formats checked)
/// for `message`'s payload schema: what both benchmarks compare against.
pub fn reference(message: Message) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(message.schema()).expect("the bundled schema is JSON");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the bundled schema compiles")
}

/// serde_json reading `body` and keeping nothing (no types, no checks): the
/// least any route that parses with it pays, and so the scale of both
/// benchmarks' ceilings.
pub fn read_only(body: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(body).is_ok()
}
