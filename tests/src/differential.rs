//! Differential testing of generated validators against a reference JSON
//! Schema validator (the `jsonschema` crate, draft-07, formats asserted).
//!
//! For one message, [`run`] draws bodies from the message's bundled schema
//! (`Message::schema()`), seeded and deterministic: valid ones built from the
//! schema, and mutations of them at every depth (see `mutate.rs` for the list).
//! Each body is judged by our validator (strict mode) and by the reference;
//! the two must agree on the verdict and on the set of JSON pointers reported
//! (ours: each violation's `pointer`; the reference: each error's
//! `instance_path`). [`run_typed`] also runs the generated typed parser on
//! every body, in both modes. [`run_cases`] checks hand-written cases, and
//! [`check_cases_against_reference`] checks that the cases themselves say what
//! the reference says.
//!
//! Where we disagree with the reference on purpose, the difference is listed
//! in [`INTENDED_DIFFERENCES`] with its reason; a body that only differs there
//! is counted in [`Report::tolerated`], not as a mismatch.
//!
//! The reference is configured once, here: draft-07 with format assertions,
//! plus `uuid` (a draft 2019-09 format, which AsyncAPI documents use and
//! `jsonschema` ignores in draft-07) checked by `jsonschema`'s own 2019-09
//! `uuid` check, so that our `uuid` check is compared too.

mod generate;
mod mutate;
mod pattern;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use asyncapi_rt::message::{Mode, Rejection, RejectionKind};
use asyncapi_rt::violation::{Keyword, Violation, Violations};
use serde_json::{Value, json};

use self::generate::Generator;
use self::schema::Schema;
use crate::rng::Rng;

/// How many bodies [`run`] draws, from which seed, and which messages may
/// see none valid.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bodies per message (valid ones and mutations together).
    pub cases: usize,
    pub seed: u64,
    pub no_valid_body: NoValidBody,
}

impl Default for Config {
    fn default() -> Self {
        Self { cases: 10_000, seed: 0x5EED_A5C1_0A91_2026, no_valid_body: NoValidBody::Unsatisfiable }
    }
}

/// Which messages may see no valid body. Any other fails its run: a run
/// without a valid body never saw the validator accept anything.
#[derive(Debug, Clone)]
pub enum NoValidBody {
    /// Those of [`UNSATISFIABLE`], which must see none.
    Unsatisfiable,
    /// Those of [`UNSATISFIABLE`], as above, and these, by name, which may.
    Also(BTreeSet<String>),
    /// Any: the schemas are a fuzzer's, which may accept nothing.
    Any,
}

/// A validator under test: the raw check of one message, in strict mode.
pub type Validate<'a> = &'a dyn Fn(&Value) -> Result<(), Violations>;

/// A typed parser under test: `None` when the body is not this message's (it
/// names another message, or none), else the parse's outcome.
pub type Parse<'a> = &'a dyn Fn(&[u8], Mode) -> Option<Result<(), Violations>>;

/// One validator's verdict on one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub valid: bool,
    /// The pointers of every violation, as a set.
    pub pointers: BTreeSet<String>,
    /// `pointer: keyword: message` of every violation, for reports.
    pub details: Vec<String>,
}

impl Verdict {
    fn ours(result: &Result<(), Violations>) -> Self {
        match result {
            Ok(()) => Self { valid: true, pointers: BTreeSet::new(), details: Vec::new() },
            Err(violations) => Self {
                valid: violations.is_empty(),
                pointers: violations.iter().map(|v| v.pointer.clone()).collect(),
                details: violations
                    .iter()
                    .map(|v| format!("{}: {}: {}", v.pointer, v.keyword, v.message))
                    .collect(),
            },
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.valid {
            return f.write_str("valid");
        }
        write!(f, "invalid at {:?}", self.pointers)?;
        for detail in &self.details {
            write!(f, "\n        {}", short(detail, 200))?;
        }
        Ok(())
    }
}

/// Which of our checks disagreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `validate_json` in strict mode.
    Raw,
    /// The typed parser in strict mode.
    StrictParse,
    /// The typed parser in lenient mode.
    LenientParse,
}

/// A body on which we and the reference disagree.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub check: Check,
    pub body: Value,
    /// How the body was made.
    pub origin: String,
    pub ours: Verdict,
    pub reference: Verdict,
}

/// A body the schema allows that the generated Rust types cannot hold (listed
/// once, for the first mode that says so).
#[derive(Debug, Clone)]
pub struct Unrepresentable {
    pub mode: Mode,
    pub body: Value,
    pub violations: Vec<String>,
}

/// What [`run`] found for one message.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub message: String,
    pub bodies: usize,
    /// Bodies the reference accepts.
    pub valid: usize,
    /// Bodies the reference refuses.
    pub invalid: usize,
    pub mismatches: Vec<Mismatch>,
    /// Bodies on which we differ from the reference only as
    /// [`INTENDED_DIFFERENCES`] says.
    pub tolerated: usize,
    /// How often each intended difference was hit, by its `input`.
    pub tolerated_by: BTreeMap<&'static str, usize>,
    /// Bodies the typed parser was run on (both modes; none without a parser).
    pub typed: usize,
    /// Bodies the lenient parser accepted although the reference refuses them,
    /// all for integers where the schema says `string` (the codegen option).
    pub lenient_accepted: usize,
    /// Valid bodies the Rust types cannot represent (keyword `representable`).
    pub unrepresentable: Vec<Unrepresentable>,
    /// The schema or the reference could not be set up.
    pub failure: Option<String>,
}

impl Report {
    /// No mismatch, and the run happened.
    pub fn is_clean(&self) -> bool {
        self.mismatches.is_empty() && self.failure.is_none()
    }

    /// The unrepresentable bodies by kind (their violations with the quoted
    /// values left out): how many, and the first body of each.
    pub fn unrepresentable_kinds(&self) -> BTreeMap<String, (usize, &Value)> {
        let mut kinds: BTreeMap<String, (usize, &Value)> = BTreeMap::new();
        for case in &self.unrepresentable {
            let text = case.violations.join("; ");
            let kind: String =
                text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { "..." } else { part }).collect();
            kinds.entry(kind).or_insert((0, &case.body)).0 += 1;
        }
        kinds
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} bodies ({} valid, {} invalid by the reference), {} tolerated, {} mismatches",
            self.message,
            self.bodies,
            self.valid,
            self.invalid,
            self.tolerated,
            self.mismatches.len()
        )?;
        if self.typed > 0 {
            write!(
                f,
                "; typed parser on {} bodies: {} integer keys accepted in lenient mode, {} unrepresentable",
                self.typed,
                self.lenient_accepted,
                self.unrepresentable.len()
            )?;
        }
        if let Some(failure) = &self.failure {
            write!(f, "\n  failure: {failure}")?;
        }
        for (input, hits) in &self.tolerated_by {
            write!(f, "\n  tolerated {hits}x: {input}")?;
        }
        for mismatch in self.mismatches.iter().take(10) {
            write!(
                f,
                "\n  - {:?} on a body made by: {}\n      body: {}\n      ours: {}\n      reference: {}",
                mismatch.check,
                mismatch.origin,
                short(&mismatch.body.to_string(), 600),
                mismatch.ours,
                mismatch.reference
            )?;
        }
        if self.mismatches.len() > 10 {
            write!(f, "\n  ... and {} more mismatches", self.mismatches.len() - 10)?;
        }
        for (kind, (count, body)) in self.unrepresentable_kinds() {
            write!(f, "\n  unrepresentable {count}x: {kind}\n      e.g. {}", short(&body.to_string(), 300))?;
        }
        Ok(())
    }
}

/// A difference from the reference we keep on purpose.
pub struct IntendedDifference {
    /// Which inputs, in words.
    pub input: &'static str,
    pub reason: &'static str,
    /// Whether the difference explains a pointer that only one side reports,
    /// given the schema (as JSON text) and the value at that pointer.
    pub explains: fn(schema_json: &str, value: &Value) -> bool,
}

/// Where our validators deliberately disagree with `jsonschema`. The format
/// entries are those of `crates/asyncapi-rt/tests/formats.rs`, which tests each
/// at the format level. A body is tolerated when an entry explains every
/// pointer that only one side reports.
pub const INTENDED_DIFFERENCES: &[IntendedDifference] = &[
    IntendedDifference {
        input: "an email address with a display name (`Joe <joe@example.com>`)",
        reason: "RFC 5321 `Mailbox` has no display name; jsonschema accepts an RFC 5322 `name-addr`",
        explains: |schema, value| {
            (uses_format(schema, "email") || uses_format(schema, "idn-email"))
                && holds_string(value, |text| text.contains('<'))
        },
    },
    IntendedDifference {
        input: "a host name with an A-label (`xn--...`, in any case), alone or in an email address",
        reason: "A-labels are checked for LDH syntax only (decoding Punycode against IDNA2008 needs \
                 Unicode tables the runtime does not carry), and the ACE prefix is case-insensitive \
                 (RFC 5890), where jsonschema takes only lowercase `xn--`",
        explains: |schema, value| {
            (uses_format(schema, "hostname") || uses_format(schema, "email"))
                && holds_string(value, |text| text.to_ascii_lowercase().contains("xn--"))
        },
    },
    IntendedDifference {
        input: "a `regex` with a Unicode property escape (`\\p{..}`, `\\P{..}`)",
        reason: "ECMA-262 makes an unknown property name or value a syntax error; regress checks \
                 them against the Unicode tables, jsonschema checks their shape only",
        explains: |schema, value| {
            uses_format(schema, "regex")
                && holds_string(value, |text| text.contains("\\p{") || text.contains("\\P{"))
        },
    },
    IntendedDifference {
        input: "a string not in its `contentEncoding`, beside a `contentMediaType` the runtime does not read",
        reason: "the encoding is checked whatever the media type; jsonschema checks neither when it does \
                 not know the media type",
        explains: |schema, value| {
            let Some(text) = value.as_str() else { return false };
            let Ok(schema) = serde_json::from_str::<Value>(schema) else { return false };
            let mut unread = Vec::new();
            encodings_beside_unread_media_types(&schema, &mut unread);
            unread.iter().any(|encoding| encoding.decode(text).is_none())
        },
    },
];

/// Messages whose schema accepts no value at all, so that no generated body is
/// valid, by the name [`run`] is given and why. Any other message must get
/// valid bodies: a run without one never saw our validator accept anything.
pub const UNSATISFIABLE: &[(&str, &str)] = &[
    ("degenerate/gone", "a required property whose schema is `false`"),
    ("degenerate/impossible", "a payload schema of `false`"),
];

/// The encodings the runtime decodes that a schema object of `schema` names
/// beside a `contentMediaType` the runtime does not read.
fn encodings_beside_unread_media_types(schema: &Value, out: &mut Vec<asyncapi_rt::content::Encoding>) {
    use asyncapi_rt::content::{Encoding, MediaType};
    match schema {
        Value::Object(members) => {
            let encoding =
                members.get("contentEncoding").and_then(Value::as_str).and_then(Encoding::from_name);
            let media_type = members.get("contentMediaType").and_then(Value::as_str);
            if let (Some(encoding), Some(media_type)) = (encoding, media_type)
                && MediaType::from_name(media_type).is_none()
            {
                out.push(encoding);
            }
            members.values().for_each(|member| encodings_beside_unread_media_types(member, out));
        }
        Value::Array(items) => items.iter().for_each(|item| encodings_beside_unread_media_types(item, out)),
        _ => {}
    }
}

/// Whether the schema names `format` somewhere.
fn uses_format(schema_json: &str, format: &str) -> bool {
    schema_json.contains(&format!("\"format\":\"{format}\""))
}

/// Whether `value` or anything in it satisfies `test`.
fn holds(value: &Value, test: &dyn Fn(&Value) -> bool) -> bool {
    test(value)
        || match value {
            Value::Array(items) => items.iter().any(|item| holds(item, test)),
            Value::Object(object) => object.values().any(|item| holds(item, test)),
            _ => false,
        }
}

/// Whether `value` holds a string (or a property name) satisfying `test`.
fn holds_string(value: &Value, test: fn(&str) -> bool) -> bool {
    holds(value, &|value| match value {
        Value::String(text) => test(text),
        Value::Object(object) => object.keys().any(|key| test(key)),
        _ => false,
    })
}

/// The reference validator for one schema.
pub struct Reference {
    validator: jsonschema::Validator,
}

impl Reference {
    /// `jsonschema`, draft-07, formats asserted, `uuid` checked as 2019-09 says.
    pub fn new(schema: &Value) -> Result<Self, String> {
        let uuid = jsonschema::draft201909::options()
            .should_validate_formats(true)
            .build(&json!({ "format": "uuid" }))
            .map_err(|error| format!("the uuid check does not build: {error}"))?;
        let validator = jsonschema::draft7::options()
            .should_validate_formats(true)
            .with_format("uuid", move |text: &str| uuid.is_valid(&Value::String(text.to_owned())))
            .build(schema)
            .map_err(|error| format!("the reference refuses the schema: {error}"))?;
        Ok(Self { validator })
    }

    /// The reference's verdict, and the pointers at which it only reports a
    /// value that is not a string where one is expected.
    pub fn verdict(&self, body: &Value) -> (Verdict, BTreeSet<String>) {
        use jsonschema::error::{TypeKind, ValidationErrorKind};
        let mut pointers = BTreeSet::new();
        let mut details = Vec::new();
        let mut strings = BTreeSet::new();
        let mut others = BTreeSet::new();
        for error in self.validator.iter_errors(body) {
            let pointer = error.instance_path().as_str().to_owned();
            let wants_string = match error.kind() {
                ValidationErrorKind::Type { kind: TypeKind::Single(single) } => {
                    *single == jsonschema::JsonType::String
                }
                ValidationErrorKind::Type { kind: TypeKind::Multiple(set) } => {
                    set.contains(jsonschema::JsonType::String)
                }
                _ => false,
            };
            details.push(format!("{pointer}: {}: {error}", error.kind().keyword()));
            if wants_string { &mut strings } else { &mut others }.insert(pointer.clone());
            pointers.insert(pointer);
        }
        let string_only = strings.difference(&others).cloned().collect();
        (Verdict { valid: pointers.is_empty(), pointers, details }, string_only)
    }
}

/// Draws `config.cases` bodies for `message` from `schema_json` and compares
/// `validate` (strict mode) with the reference on each.
pub fn run(message: &str, schema_json: &str, validate: Validate<'_>, config: &Config) -> Report {
    Runner::run(message, schema_json, validate, None, config)
}

/// A typed parse's verdict on `body` (the name of the message it was routed
/// to, or why it was rejected), seen from the message called `name`: its own
/// acceptance or violations; `None` for another message's body, but an error
/// for a body this message `accepts` that did not reach it, so that a
/// misrouting cannot hide.
pub fn as_seen_from(
    name: &str,
    parsed: Result<&str, Rejection>,
    accepts: impl FnOnce() -> bool,
) -> Option<Result<(), Violations>> {
    let elsewhere = match parsed {
        Ok(routed) if routed == name => return Some(Ok(())),
        Err(rejection)
            if rejection.kind == RejectionKind::Invalid && rejection.message.as_deref() == Some(name) =>
        {
            return Some(Err(rejection.violations));
        }
        Ok(routed) => format!("routed to {routed}"),
        Err(rejection) => format!("rejected: {rejection}"),
    };
    accepts().then(|| {
        let violation =
            Violation { pointer: String::new(), keyword: Keyword::Discriminator, message: elsewhere };
        Err(Violations::from(violation))
    })
}

/// One message of a generated crate, for [`run_all`]: its name
/// (`crate/message`), its bundled schema, and its raw check in strict mode.
pub type Subject = (String, &'static str, Box<dyn Fn(&Value) -> Result<(), Violations>>);

/// Every message of the generated crates named, as [`Subject`]s (the caller
/// depends on `asyncapi_rt` and `serde_json`, as generated crates do).
#[macro_export]
macro_rules! subjects {
    ($($krate:ident),* $(,)?) => {{
        let mut all: Vec<$crate::differential::Subject> = Vec::new();
        $(
            for message in $krate::Message::ALL {
                let check = move |value: &::serde_json::Value| {
                    message.validate_json(value, ::asyncapi_rt::message::Mode::Strict)
                };
                all.push((format!("{}/{}", stringify!($krate), message.name()), message.schema(), Box::new(check)));
            }
        )*
        all
    }};
}

/// [`run`] over every subject: a summary line (`differential: N messages,
/// ...`), and the report of each message that is not clean.
pub fn run_all(subjects: Vec<Subject>, config: &Config) -> (String, Vec<Report>) {
    let mut unclean = Vec::new();
    let (mut bodies, mut valid, mut tolerated) = (0, 0, 0);
    for (name, schema, check) in &subjects {
        let report = run(name, schema, &**check, config);
        bodies += report.bodies;
        valid += report.valid;
        tolerated += report.tolerated;
        if !report.is_clean() {
            unclean.push(report);
        }
    }
    let summary = format!(
        "differential: {} messages, {bodies} bodies ({valid} valid), {tolerated} intended differences",
        subjects.len()
    );
    (summary, unclean)
}

/// [`run`], and the typed parser on every body: in strict mode it must accept
/// exactly what the reference accepts (bodies the Rust types cannot represent
/// are listed in [`Report::unrepresentable`]); in lenient mode too, except
/// integers where the schema says `string` (counted in
/// [`Report::lenient_accepted`]).
pub fn run_typed(
    message: &str,
    schema_json: &str,
    validate: Validate<'_>,
    parse: Parse<'_>,
    config: &Config,
) -> Report {
    Runner::run(message, schema_json, validate, Some(parse), config)
}

struct Runner<'a> {
    report: Report,
    schema_json: &'a str,
    validate: Validate<'a>,
    parse: Option<Parse<'a>>,
    reference: Reference,
}

impl<'a> Runner<'a> {
    fn run(
        message: &str,
        schema_json: &'a str,
        validate: Validate<'a>,
        parse: Option<Parse<'a>>,
        config: &Config,
    ) -> Report {
        let failed = |failure: String| Report {
            message: message.to_owned(),
            failure: Some(failure),
            ..Report::default()
        };
        let root: Value = match serde_json::from_str(schema_json) {
            Ok(root) => root,
            Err(error) => return failed(format!("the schema is not JSON: {error}")),
        };
        let reference = match Reference::new(&root) {
            Ok(reference) => reference,
            Err(error) => return failed(error),
        };
        let mut runner = Runner {
            report: Report { message: message.to_owned(), ..Report::default() },
            schema_json,
            validate,
            parse,
            reference,
        };
        let schema = Schema::new(root);
        let mut rng = Rng::new(config.seed ^ fnv1a(message));
        let mut generator = Generator::new(&schema, rng.fork(1));
        // Bodies to mutate: valid ones when there are, else anything drawn.
        let mut seeds: Vec<Value> = Vec::new();
        let mut drawn: Vec<Value> = Vec::new();
        for index in 0..config.cases {
            let fresh = index % 4 == 0 || (seeds.is_empty() && drawn.is_empty());
            let (body, origin) = if fresh {
                (generator.value(schema.root(), 0), "drawn from the schema".to_owned())
            } else {
                let pool = if seeds.is_empty() || rng.chance(0.05) { &drawn } else { &seeds };
                let pool = if pool.is_empty() { &seeds } else { pool };
                match rng.pick(pool) {
                    Some(base) => generator.mutate(base),
                    None => (generator.value(schema.root(), 0), "drawn from the schema".to_owned()),
                }
            };
            let valid = runner.compare(body.clone(), origin);
            if fresh {
                let pool = if valid { &mut seeds } else { &mut drawn };
                if pool.len() < 32 {
                    pool.push(body);
                } else {
                    let at = rng.below(pool.len());
                    pool[at] = body;
                }
            }
        }
        // Only a schema listed as accepting nothing may leave the run without a
        // valid body: otherwise our validator was never seen to accept one.
        let unsatisfiable = UNSATISFIABLE.iter().any(|(name, _)| *name == message);
        let excused = match &config.no_valid_body {
            NoValidBody::Unsatisfiable => false,
            NoValidBody::Also(names) => names.contains(message),
            NoValidBody::Any => true,
        };
        if runner.report.bodies > 0 && !excused && (runner.report.valid == 0) != unsatisfiable {
            runner.report.failure = Some(if unsatisfiable {
                format!("listed as UNSATISFIABLE, yet {} generated bodies are valid", runner.report.valid)
            } else {
                "no generated body is valid: the run never saw a body accepted (list the message in \
                 UNSATISFIABLE if its schema accepts nothing)"
                    .to_owned()
            });
        }
        // Only a schema that takes any value may leave the run without one
        // invalid body: otherwise the mutations tested nothing.
        if runner.report.bodies > 0 && runner.report.invalid == 0 {
            let probes = [json!(null), json!(true), json!(0), json!(1.5), json!(""), json!([]), json!({})];
            if let Some(refused) = probes.iter().find(|probe| !runner.reference.verdict(probe).0.valid) {
                runner.report.failure = Some(format!(
                    "every generated body is valid, yet the schema refuses {refused}: the mutations made no \
                     invalid case"
                ));
            }
        }
        runner.report
    }

    /// Judges one body every way; returns the reference's verdict.
    fn compare(&mut self, body: Value, origin: String) -> bool {
        let (reference, string_only) = self.reference.verdict(&body);
        let report = &mut self.report;
        report.bodies += 1;
        if reference.valid {
            report.valid += 1;
        } else {
            report.invalid += 1;
        }
        let ours = Verdict::ours(&(self.validate)(&body));
        if ours.valid != reference.valid || ours.pointers != reference.pointers {
            match tolerance(self.schema_json, &body, &ours, &reference) {
                Some(input) => {
                    report.tolerated += 1;
                    *report.tolerated_by.entry(input).or_default() += 1;
                }
                None => report.mismatches.push(Mismatch {
                    check: Check::Raw,
                    body: body.clone(),
                    origin: origin.clone(),
                    ours,
                    reference: reference.clone(),
                }),
            }
        }
        if let Some(parse) = self.parse {
            self.typed(parse, &body, &origin, &reference, &string_only);
        }
        reference.valid
    }

    fn typed(
        &mut self,
        parse: Parse<'_>,
        body: &Value,
        origin: &str,
        reference: &Verdict,
        string_only: &BTreeSet<String>,
    ) {
        let Ok(bytes) = serde_json::to_vec(body) else { return };
        // Pointers where the reference only reports an integer given for a string.
        let integer_only: BTreeSet<String> = string_only
            .iter()
            .filter(|pointer| body.pointer(pointer).is_some_and(|value| value.is_i64() || value.is_u64()))
            .cloned()
            .collect();
        let mismatch = |check, result: &Result<(), Violations>| Mismatch {
            check,
            body: body.clone(),
            origin: origin.to_owned(),
            ours: Verdict::ours(result),
            reference: reference.clone(),
        };
        let mut recorded = false;
        for mode in [Mode::Strict, Mode::Lenient] {
            let Some(result) = parse(&bytes, mode) else { continue };
            self.report.typed += usize::from(mode == Mode::Strict);
            let check = if mode == Mode::Strict { Check::StrictParse } else { Check::LenientParse };
            let tolerable = match mode {
                Mode::Strict => reference.valid,
                Mode::Lenient => reference.pointers.iter().all(|p| integer_only.contains(p)),
            };
            let intended = |result: &Result<(), Violations>| {
                tolerance(self.schema_json, body, &Verdict::ours(result), reference)
            };
            match &result {
                Ok(()) if tolerable => {
                    if !reference.valid {
                        self.report.lenient_accepted += 1;
                    }
                }
                Ok(()) if intended(&result).is_some() => {}
                Ok(()) => self.report.mismatches.push(mismatch(check, &result)),
                Err(violations) if violations.iter().all(|v| v.keyword == Keyword::Representable) => {
                    if tolerable {
                        if std::mem::replace(&mut recorded, true) {
                            continue;
                        }
                        self.report.unrepresentable.push(Unrepresentable {
                            mode,
                            body: body.clone(),
                            violations: violations
                                .iter()
                                .map(|v| format!("{}: {}", v.pointer, v.message))
                                .collect(),
                        });
                    } else {
                        self.report.mismatches.push(mismatch(check, &result));
                    }
                }
                Err(violations) => {
                    let ours: BTreeSet<String> = violations
                        .iter()
                        .filter(|v| v.keyword != Keyword::Representable)
                        .map(|v| v.pointer.clone())
                        .collect();
                    let agrees = match mode {
                        Mode::Strict => ours == reference.pointers,
                        Mode::Lenient => {
                            ours.is_subset(&reference.pointers)
                                && reference
                                    .pointers
                                    .iter()
                                    .all(|p| ours.contains(p) || integer_only.contains(p))
                        }
                    };
                    if !agrees && intended(&result).is_none() {
                        self.report.mismatches.push(mismatch(check, &result));
                    }
                }
            }
        }
    }
}

/// The intended difference that explains every pointer only one side reports,
/// if there is one.
fn tolerance(schema_json: &str, body: &Value, ours: &Verdict, reference: &Verdict) -> Option<&'static str> {
    let differing: Vec<&String> = ours.pointers.symmetric_difference(&reference.pointers).collect();
    if differing.is_empty() {
        return None;
    }
    INTENDED_DIFFERENCES
        .iter()
        .find(|difference| {
            differing.iter().all(|pointer| {
                body.pointer(pointer).is_some_and(|value| (difference.explains)(schema_json, value))
            })
        })
        .map(|difference| difference.input)
}

/// A hand-written body and what must be said of it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub body: Value,
    pub valid: bool,
    /// The pointers of the violations (a set), for an invalid body.
    #[serde(default)]
    pub pointers: Vec<String>,
    /// What the case is about.
    #[serde(default)]
    pub note: String,
}

/// Reads a cases file: `{"messages": {"<message name>": [case, ...], ...}}`
/// (other top-level members, such as `$comment`, are ignored).
pub fn load_cases(json: &str) -> Result<BTreeMap<String, Vec<Case>>, String> {
    #[derive(serde::Deserialize)]
    struct File {
        messages: BTreeMap<String, Vec<Case>>,
    }
    serde_json::from_str::<File>(json)
        .map(|file| file.messages)
        .map_err(|error| format!("bad cases file: {error}"))
}

/// Runs `validate` on each case; every failure, described.
pub fn run_cases(message: &str, cases: &[Case], validate: Validate<'_>) -> Vec<String> {
    cases
        .iter()
        .enumerate()
        .filter_map(|(index, case)| {
            let verdict = Verdict::ours(&validate(&case.body));
            disagreement(case, &verdict).map(|problem| describe(message, index, case, &verdict, &problem))
        })
        .collect()
}

/// Checks the cases themselves against the reference (an intended difference
/// is not a failure); every failure, described.
pub fn check_cases_against_reference(message: &str, schema_json: &str, cases: &[Case]) -> Vec<String> {
    let reference = match serde_json::from_str::<Value>(schema_json)
        .map_err(|error| error.to_string())
        .and_then(|schema| Reference::new(&schema))
    {
        Ok(reference) => reference,
        Err(error) => return vec![format!("{message}: {error}")],
    };
    cases
        .iter()
        .enumerate()
        .filter_map(|(index, case)| {
            let (verdict, _) = reference.verdict(&case.body);
            let problem = disagreement(case, &verdict)?;
            let expected = Verdict {
                valid: case.valid,
                pointers: case.pointers.iter().cloned().collect(),
                details: Vec::new(),
            };
            if tolerance(schema_json, &case.body, &expected, &verdict).is_some() {
                return None;
            }
            Some(describe(message, index, case, &verdict, &format!("the reference: {problem}")))
        })
        .collect()
}

fn disagreement(case: &Case, verdict: &Verdict) -> Option<String> {
    let expected: BTreeSet<String> = case.pointers.iter().cloned().collect();
    if verdict.valid != case.valid {
        Some(format!("expected {}", if case.valid { "valid" } else { "invalid" }))
    } else if verdict.pointers != expected {
        Some(format!("expected pointers {expected:?}"))
    } else {
        None
    }
}

fn describe(message: &str, index: usize, case: &Case, verdict: &Verdict, problem: &str) -> String {
    format!(
        "{message} case {index} ({}): {problem}, got {verdict}\n    body: {}",
        case.note,
        short(&case.body.to_string(), 400)
    )
}

/// FNV-1a, to give each message its own stream of cases from one seed.
fn fnv1a(text: &str) -> u64 {
    text.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

fn short(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        text.to_owned()
    } else {
        format!("{}...", text.chars().take(limit).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use asyncapi_rt::path::Path;

    use super::*;

    /// A deliberately wrong validator (it ignores `maxLength`) is caught.
    #[test]
    fn a_wrong_validator_is_caught() {
        let schema =
            r#"{"type":"object","required":["a"],"properties":{"a":{"type":"string","maxLength":2}}}"#;
        let validate = |value: &Value| {
            let mut out = Violations::new();
            let at = Path::root();
            match value.as_object() {
                None => out.push(&at, Keyword::Type, "not an object"),
                Some(object) => match object.get("a") {
                    None => out.push(&at, Keyword::Required, "a"),
                    Some(a) if !a.is_string() => {
                        let mut at = Path::root();
                        at.push_key("a");
                        out.push(&at, Keyword::Type, "not a string");
                    }
                    Some(_) => {}
                },
            }
            out.into_result()
        };
        let report = run("M", schema, &validate, &Config { cases: 400, seed: 1, ..Config::default() });
        assert!(report.failure.is_none(), "{report}");
        assert!(report.valid > 0 && report.invalid > 0, "{report}");
        assert!(!report.mismatches.is_empty(), "{report}");
        assert!(report.mismatches.iter().all(|m| m.reference.pointers.contains("/a")), "{report}");
    }

    /// A run that never met a valid body fails, unless the schema is listed as
    /// accepting nothing; a listed one that does meet one fails too.
    #[test]
    fn a_run_without_a_valid_body_fails_unless_listed() {
        let refuse_all = |_: &Value| {
            let mut out = Violations::new();
            out.push(&Path::root(), Keyword::Not, "nothing is valid");
            out.into_result()
        };
        let config = Config { cases: 50, seed: 3, ..Config::default() };
        let report = run("degenerate/impossible", "false", &refuse_all, &config);
        assert!(report.is_clean() && report.valid == 0, "{report}");
        let report = run("M", "false", &refuse_all, &config);
        assert!(
            report.failure.as_deref().is_some_and(|f| f.contains("no generated body is valid")),
            "{report}"
        );
        let accept_all = |_: &Value| Ok(());
        let report = run("degenerate/impossible", "true", &accept_all, &config);
        assert!(report.failure.as_deref().is_some_and(|f| f.contains("listed as UNSATISFIABLE")), "{report}");
        // Schemas a fuzzer or a test suite wrote may be excused.
        let excused = Config { no_valid_body: NoValidBody::Also(["M".to_owned()].into()), ..config.clone() };
        assert!(run("M", "false", &refuse_all, &excused).is_clean());
        assert!(run("N", "false", &refuse_all, &excused).failure.is_some());
        let any = Config { no_valid_body: NoValidBody::Any, ..config };
        assert!(run("M", "false", &refuse_all, &any).is_clean());
    }

    #[test]
    fn runs_are_deterministic() {
        let schema = r#"{"type":"object","properties":{"n":{"type":"integer","minimum":1}}}"#;
        let accept_all = |_: &Value| Ok(());
        let config = Config { cases: 200, seed: 42, ..Config::default() };
        let first = run("M", schema, &accept_all, &config);
        let second = run("M", schema, &accept_all, &config);
        assert_eq!(first.invalid, second.invalid);
        assert_eq!(first.mismatches.len(), second.mismatches.len());
        assert!(first.invalid > 0, "{first}");
    }

    #[test]
    fn cases_files_parse() {
        let cases = load_cases(
            r#"{"$comment": "x", "messages": {"M": [{"body": 1, "valid": false, "pointers": [""]}]}}"#,
        );
        let cases = cases.expect("parses");
        assert_eq!(cases["M"][0].pointers, [""]);
        let failures = run_cases("M", &cases["M"], &|_| Ok(()));
        assert_eq!(failures.len(), 1);
    }
}
