//! The files around the modules: `Cargo.toml` and `README.md` (from
//! `templates/`), `src/lib.rs`, the `inspect` and `receiver` examples, and the
//! tests generated from the document's message examples.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::messages::implements_validate;
use super::rust::{Scope, doc_lines, ident, type_tokens};
use super::{Settings, Uses};
use crate::ir::Ir;
use crate::ir::api::EventRouting;
use crate::ir::naming::{self, Scope as NameScope};

const CARGO_TEMPLATE: &str = include_str!("../../templates/Cargo.toml.template");
const README_TEMPLATE: &str = include_str!("../../templates/README.md.template");

/// Fills `{{name}}` placeholders in one pass, so that a value holding `{{`
/// (a title, say) is copied as it is; every placeholder must be given.
fn fill(template: &str, values: &[(&str, &str)]) -> Result<String, String> {
    let mut text = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let name = after.find("}}").map(|close| &after[..close]);
        let Some((name, value)) = name.and_then(|name| values.iter().find(|(n, _)| *n == name)) else {
            let shown: String = rest[open..].chars().take(40).collect();
            return Err(format!("template placeholder without a value: {shown}"));
        };
        text.push_str(value);
        rest = &after[name.len() + 2..];
    }
    text.push_str(rest);
    Ok(text)
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The crates a type of some format needs, each with its `Cargo.toml` line.
const FORMAT_CRATES: [(&str, &str); 3] = [
    ("chrono", r#"{ version = "0.4", default-features = false, features = ["std", "serde"] }"#),
    ("url", r#"{ version = "2", features = ["serde"] }"#),
    ("uuid", r#"{ version = "1", default-features = false, features = ["std", "serde"] }"#),
];

pub fn cargo_toml(ir: &Ir, settings: &Settings<'_>, uses: Uses) -> Result<String, String> {
    let mut formats = String::new();
    for ((name, requirement), used) in FORMAT_CRATES.into_iter().zip([uses.chrono, uses.url, uses.uuid]) {
        if used {
            formats.push_str(&format!("{name} = {requirement}\n"));
        }
    }
    let description =
        format!("{} {}: typed, validated messages and a dispatcher.", ir.api.title, ir.api.version);
    let description = toml_string(&description);
    let description = description.trim_matches('"');
    let runtime = format!("{{ path = {} }}", toml_string(&settings.runtime_path));
    // `event::router` exists where the document says where deliveries arrive.
    let axum_entry = if ir.api.webhook_path.is_some() && !ir.api.receives.is_empty() {
        "`event::router`"
    } else {
        "`rt::axum::router`"
    };
    // The examples serve over axum and share the runtime's flags.
    let runtime_for_examples =
        format!("{{ path = {}, features = [\"axum\", \"cli\"] }}", toml_string(&settings.runtime_path));
    fill(
        CARGO_TEMPLATE,
        &[
            ("spec", settings.spec),
            ("regenerate", settings.regenerate),
            ("crate_name", settings.crate_name),
            ("crate_version", &settings.crate_version),
            ("description", description),
            ("runtime", &runtime),
            ("runtime_for_examples", &runtime_for_examples),
            ("axum_entry", axum_entry),
            ("format_dependencies", &formats),
        ],
    )
}

pub fn readme(ir: &Ir, settings: &Settings<'_>) -> Result<String, String> {
    let channel = match ir.api.routing {
        EventRouting::Channel => " --channel CHANNEL",
        EventRouting::Body(_) => "",
    };
    let receive = if ir.api.receives.is_empty() {
        String::new()
    } else {
        format!(
            "- `Event`, `Handler`, `Dispatcher`: what the API sends you, parsed once, validated, and routed to one\n  \
         handler method per operation; deliveries that cannot be typed reach `Handler::on_rejected` with\n  \
         their bytes and every reason. The `axum` feature adds an HTTP receiver.\n\
         - `cargo run --example inspect --{channel} [--secret S]... [--signature SIG] [-H 'NAME: VALUE']...\n  \
         [FILE]`: what becomes of one delivery.\n\
         - `cargo run --example receiver -- --listen 127.0.0.1:8080` (secrets in `WEBHOOK_SECRETS`): a receiver\n  \
         that prints one JSON line per delivery.\n\
         - Both take the signature scheme as flags (`--signature-header`, `--signature-encoding`,\n  \
         `--signature-prefix`, `--timestamp-header`, `--timestamp-tolerance`; `--help` lists them), for a\n  \
         sender that signs otherwise than the default assumes.\n"
        )
    };
    let send = if ir.api.sends.is_empty() {
        String::new()
    } else {
        "- `publish`: what you send the API, validated and serialized with its declared headers, and\n  \
         signed where the document says so.\n"
            .to_owned()
    };
    fill(
        README_TEMPLATE,
        &[
            ("spec", settings.spec),
            ("regenerate", settings.regenerate),
            ("crate_name", settings.crate_name),
            ("title", &ir.api.title),
            ("version", &ir.api.version),
            ("receive_section", &receive),
            ("send_section", &send),
        ],
    )
}

#[derive(Debug, Clone, Copy)]
pub struct Modules {
    pub event: bool,
    pub channels: bool,
    pub publish: bool,
}

pub fn lib_rs(ir: &Ir, settings: &Settings<'_>, modules: &Modules) -> TokenStream {
    // The document's text is sanitized for rustdoc; ours holds real intra-doc links.
    let mut lines = vec![format!("# {}", ir.api.title), String::new()];
    if let Some(description) = &ir.api.description {
        lines.extend(super::rust::sanitize_doc(description));
        lines.push(String::new());
    }
    lines.push(format!(
        "Generated by asyncapi-codegen from `{}` (version {}).",
        settings.spec, ir.api.version
    ));
    lines.push(String::new());
    lines.push("- [`types`]: the payload, header and parameter types.".to_owned());
    lines.push("- [`messages`]: every message by name; raw bodies validated against any of them.".to_owned());
    if modules.event {
        lines.push(
            "- [`event`]: what the API sends you, and the [`Handler`] you implement to receive it."
                .to_owned(),
        );
    }
    if modules.channels {
        lines.push("- [`channels`]: channel addresses with typed, checked parameters.".to_owned());
    }
    if modules.publish {
        lines.push("- [`publish`]: what you send the API.".to_owned());
    }
    lines.push("- [`rt`]: the runtime these build on (dispatcher, signatures, de-duplication).".to_owned());
    lines.push(String::new());
    lines.push("The modules are formatted by the generator (`#[rustfmt::skip]`), so that rustfmt".to_owned());
    lines.push("never makes the checked-in crate differ from what the generator writes.".to_owned());
    let docs = lines.iter().map(|line| {
        let line = if line.is_empty() { line.clone() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    let version = &ir.api.version;
    let title = &ir.api.title;
    let mut mods = Vec::new();
    if modules.channels {
        mods.push(quote!(
            pub mod channels;
        ));
    }
    if modules.event {
        mods.push(quote!(
            pub mod event;
        ));
    }
    mods.push(quote!(
        pub mod messages;
    ));
    if modules.publish {
        mods.push(quote!(
            pub mod publish;
        ));
    }
    mods.push(quote!(
        pub mod types;
    ));
    mods.push(quote!(
        mod validate;
    ));
    let event_uses = if modules.event {
        quote!(
            pub use event::{Dispatcher, Event, Handler};
        )
    } else {
        quote!()
    };
    // A glob of an empty module would be an unused import.
    let types_uses = if ir.types.types.is_empty() {
        quote!()
    } else {
        quote!(
            pub use types::*;
        )
    };
    quote! {
        #(#docs)*
        #![forbid(unsafe_code)]

        #(#[rustfmt::skip] #mods)*

        pub use asyncapi_rt as rt;
        pub use asyncapi_rt::dispatch::Delivery;
        pub use asyncapi_rt::message::{Mode, Rejection, RejectionKind, Validate};
        pub use asyncapi_rt::violation::{Violation, Violations};
        #event_uses
        pub use messages::Message;
        #types_uses

        /// The `info.version` of the document this crate was generated from.
        pub const SPEC_VERSION: &str = #version;

        /// The `info.title` of the document this crate was generated from.
        pub const SPEC_TITLE: &str = #title;
    }
}

/// The root of a generated example or test target: module docs, then the
/// generated body as a module rustfmt leaves alone, and a `main` (for examples)
/// that calls it.
pub fn target_root(docs: &str, module: &str, main: bool) -> TokenStream {
    let docs = docs.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    let module = format_ident!("{}", module);
    let main = if main {
        quote! {
            fn main() -> std::process::ExitCode {
                #module::main()
            }
        }
    } else {
        quote!()
    };
    quote! {
        #(#docs)*

        #[rustfmt::skip]
        mod #module;

        #main
    }
}

/// `examples/inspect.rs`: what becomes of one delivery, as one JSON line.
pub fn inspect_example(ir: &Ir, settings: &Settings<'_>) -> TokenStream {
    let krate = format_ident!("{}", settings.crate_name.replace('-', "_"));
    let title = &ir.api.title;
    let about = doc_lines(&format!("Inspects one delivery of {title}: signature, parsing, validation."));
    let (channel_field, channel_use) = match ir.api.routing {
        EventRouting::Channel => (
            quote! {
                /// The channel the delivery came on.
                #[arg(long)]
                channel: String,
            },
            quote!(Some(args.channel.as_str())),
        ),
        EventRouting::Body(_) => (quote!(), quote!(None)),
    };
    quote! {
        //! The `inspect` example (see `main.rs`).

        use std::path::PathBuf;
        use std::process::ExitCode;

        use clap::Parser;
        use #krate::rt::cli::{self, SchemeArgs};
        use #krate::rt::http::{HeaderName, HeaderValue};
        use #krate::rt::inspect::{Body, Inspection, inspect};
        use #krate::rt::signature::SignatureScheme;
        use #krate::{Event, Mode};

        #about
        #[derive(Parser)]
        #[command(name = "inspect")]
        struct Args {
            /// A webhook secret (repeat for several); the signature is checked
            /// when at least one is given.
            #[arg(long = "secret")]
            secrets: Vec<String>,
            /// The signature header's value the delivery came with (a shorthand
            /// for `--header`).
            #[arg(long, value_parser = cli::header_value)]
            signature: Option<HeaderValue>,
            /// A header the delivery came with, as `curl -H` takes it (repeat
            /// for several): the signature's, a signed timestamp's, and those
            /// the message declares, which are validated.
            #[arg(long = "header", short = 'H', value_name = "NAME: VALUE", value_parser = cli::header)]
            headers: Vec<(HeaderName, Option<HeaderValue>)>,
            #[command(flatten)]
            scheme: SchemeArgs,
            /// When the delivery came, in Unix seconds, for one captured
            /// earlier: its signed timestamp is judged against it (default: now).
            #[arg(long, value_name = "SECONDS", requires = "timestamp_header")]
            received_at: Option<u64>,
            /// Read the body exactly as the document says (no tolerated deviations).
            #[arg(long)]
            strict: bool,
            /// The largest body accepted, in bytes (as the receiver's).
            #[arg(long, default_value_t = #krate::rt::dispatch::DEFAULT_BODY_LIMIT)]
            body_limit: usize,
            #channel_field
            /// The body; standard input when absent.
            file: Option<PathBuf>,
        }

        pub fn main() -> ExitCode {
            let args = match cli::parse::<Args>() {
                Ok(args) => args,
                Err(code) => return code,
            };
            let scheme = args.scheme.scheme();
            let headers = match cli::delivery_headers(&scheme, &args.headers, args.signature.as_ref()) {
                Ok(headers) => headers,
                Err(error) => return cli::usage_error::<Args>(error),
            };
            if args.secrets.is_empty() && (args.signature.is_some() || scheme != SignatureScheme::default()) {
                eprintln!("note: without --secret, the signature is not checked");
            }
            // Past the limit, bytes are counted and dropped: a huge input costs no memory.
            let body = match &args.file {
                Some(path) => Body::read_file(path, args.body_limit),
                None => Body::read(std::io::stdin().lock(), args.body_limit),
            };
            let body = match body {
                Ok(body) => body,
                Err(error) => {
                    let source = args.file.as_ref().map_or("standard input".into(), |path| path.display().to_string());
                    eprintln!("cannot read the body from {source}: {error}");
                    return ExitCode::from(3);
                }
            };
            let mode = if args.strict { Mode::Strict } else { Mode::Lenient };
            let inspection = Inspection {
                body: &body,
                headers: &headers,
                scheme: &scheme,
                secrets: &args.secrets,
                channel: #channel_use,
                mode,
                body_limit: args.body_limit,
                received_at: args.received_at,
            };
            let report = inspect::<Event>(&inspection);
            println!("{}", report.line);
            ExitCode::from(report.exit_code)
        }
    }
}

/// `examples/receiver.rs`: an HTTP receiver printing one JSON line per delivery.
pub fn receiver_example(ir: &Ir, settings: &Settings<'_>) -> TokenStream {
    let krate = format_ident!("{}", settings.crate_name.replace('-', "_"));
    let path = ir.api.webhook_path.clone().unwrap_or_else(|| "/".to_owned());
    let key_name = ir.api.dedupe_key.clone().unwrap_or_else(|| "key".to_owned());
    let (path_doc, endpoint) = match &ir.api.routing {
        EventRouting::Body(_) => ("The path deliveries are posted to.", quote!(&args.path)),
        EventRouting::Channel => {
            let leading_slash = ir.api.channels_start_with_a_slash();
            (
                "The path under which deliveries are posted, followed by their channel's address.",
                quote!(#krate::rt::axum::Endpoint::Channels { base: &args.path, leading_slash: #leading_slash }),
            )
        }
    };
    let path_doc = doc_lines(path_doc);
    let methods = ir.api.receives.iter().map(|receive| {
        let method = ident(&receive.method);
        let payload = type_tokens(&ir.api.messages[receive.message].payload_type(), &ir.types, Scope::Crate);
        let parameters = super::event::carried_parameters(ir, receive)
            .map(|parameters| quote!(_parameters: channels::#parameters,));
        quote! {
            async fn #method(&self, _message: #payload, #parameters _delivery: &Delivery) -> Result<(), Self::Error> {
                Ok(())
            }
        }
    });
    let methods: Vec<TokenStream> = methods.collect();
    let types_import = super::rust::use_mentioned(&krate.to_string(), &["channels", "types"], |name| {
        methods.iter().any(|method| super::rust::uses_ident(method, name))
    });
    let about = doc_lines(&format!(
        "Receives {} deliveries and prints one JSON line per delivery to stdout; a delivery that \
             cannot be typed also goes to stderr, with its reasons and its body.",
        ir.api.title
    ));
    quote! {
        //! The `receiver` example (see `main.rs`).

        use std::convert::Infallible;
        use std::net::SocketAddr;
        use std::process::ExitCode;
        use std::sync::Arc;

        use clap::Parser;
        use #krate::rt::cli::{self, SchemeArgs};
        use #krate::rt::signature::{Secret, Verifier};
        #types_import
        use #krate::{Delivery, Dispatcher, Handler, Rejection};

        #about
        #[derive(Parser)]
        #[command(name = "receiver")]
        struct Args {
            /// The address to listen on.
            #[arg(long, default_value = "127.0.0.1:8080")]
            listen: SocketAddr,
            #path_doc
            #[arg(long, default_value = #path, value_parser = absolute_path)]
            path: String,
            /// The largest body accepted, in bytes.
            #[arg(long, default_value_t = #krate::rt::dispatch::DEFAULT_BODY_LIMIT)]
            body_limit: usize,
            /// Accept deliveries without checking their signature. Never in production.
            #[arg(long, conflicts_with = "SchemeArgs")]
            insecure_accept_unsigned: bool,
            #[command(flatten)]
            scheme: SchemeArgs,
        }

        /// A `--path` as requests name it: from the root.
        fn absolute_path(path: &str) -> Result<String, &'static str> {
            if path.starts_with('/') { Ok(path.to_owned()) } else { Err("a path starts with `/`") }
        }

        /// Accepts every message: the receiver's output is the point.
        struct Accept;

        impl Handler for Accept {
            type Error = Infallible;

            #(#methods)*

            /// Prints what could not be typed to stderr, with its bytes: a real
            /// handler stores them.
            async fn on_rejected(&self, rejection: Rejection, delivery: &Delivery) -> Result<(), Self::Error> {
                let line = serde_json::Value::from_iter([
                    ("rejected", serde_json::to_value(&rejection).unwrap_or_default()),
                    ("body", serde_json::Value::from(String::from_utf8_lossy(&delivery.body))),
                ]);
                eprintln!("{line}");
                Ok(())
            }
        }

        #[tokio::main]
        pub async fn main() -> ExitCode {
            let args = match cli::parse::<Args>() {
                Ok(args) => args,
                Err(code) => return code,
            };
            let secrets = Secret::list(&std::env::var("WEBHOOK_SECRETS").unwrap_or_default());
            let verifier = if args.insecure_accept_unsigned {
                Verifier::accept_unsigned_insecure()
            } else {
                match Verifier::new(args.scheme.scheme(), secrets) {
                    Ok(verifier) => verifier,
                    Err(error) => {
                        eprintln!("refusing to start: {error}");
                        eprintln!("set WEBHOOK_SECRETS, or pass --insecure-accept-unsigned");
                        return ExitCode::from(2);
                    }
                }
            };
            let dispatcher = Arc::new(Dispatcher::new(Accept, verifier).with_body_limit(args.body_limit));
            let app = #krate::rt::axum::router_with_observer(dispatcher, #endpoint, |summary| {
                let line = serde_json::Value::from_iter([
                    ("outcome", serde_json::Value::from(summary.outcome)),
                    ("event", serde_json::Value::from(summary.message.as_deref())),
                    (#key_name, serde_json::Value::from(summary.key.as_deref())),
                ]);
                println!("{line}");
            });
            let listener = match tokio::net::TcpListener::bind(args.listen).await {
                Ok(listener) => listener,
                Err(error) => {
                    eprintln!("cannot listen on {}: {error}", args.listen);
                    return ExitCode::from(1);
                }
            };
            match listener.local_addr() {
                Ok(address) => eprintln!("listening on http://{address}{}", args.path),
                Err(error) => eprintln!("listening (address unknown: {error})"),
            }
            match #krate::rt::axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("server error: {error}");
                    ExitCode::from(1)
                }
            }
        }

        /// Ctrl-C, or SIGTERM as container runtimes send it: the server then
        /// takes no new connection and finishes the deliveries in progress. A
        /// second signal stops it at once.
        async fn shutdown_signal() {
            signal().await;
            eprintln!("shutting down: finishing the deliveries in progress (a second signal stops at once)");
            tokio::spawn(async {
                signal().await;
                eprintln!("stopped with deliveries in progress: their senders get no answer, and retry");
                std::process::exit(1);
            });
        }

        /// The next Ctrl-C or SIGTERM (never, where no handler can be set).
        async fn signal() {
            let interrupt = async {
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            #[cfg(unix)]
            let terminate = async {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut terminate) => {
                        terminate.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            #[cfg(not(unix))]
            let terminate = std::future::pending::<()>();
            tokio::select! { () = interrupt => {}, () = terminate => {} }
        }
    }
}

/// Whether any message gives an example payload (then the crate gets tests).
pub fn has_examples(ir: &Ir) -> bool {
    ir.api.messages.iter().any(|message| message.examples.iter().any(|example| example.payload.is_some()))
}

/// `tests/examples/cases.rs`: each message example parses, validates and writes
/// back to an equal JSON value (only generated when [`has_examples`]).
pub fn examples_test(ir: &Ir, settings: &Settings<'_>) -> TokenStream {
    let krate = format_ident!("{}", settings.crate_name.replace('-', "_"));
    let mut scope = NameScope::new();
    let mut tests = Vec::new();
    for message in &ir.api.messages {
        for (index, example) in message.examples.iter().enumerate() {
            let Some(payload) = &example.payload else { continue };
            let label = example.name.clone().unwrap_or_else(|| format!("example {}", index + 1));
            let name = format_ident!(
                "{}",
                naming::unraw(&scope.claim(&naming::snake(&format!("{} {label}", message.variant))))
            );
            let body = super::rust::raw_string(&payload.to_string());
            let variant = ident(&message.variant);
            let ty = type_tokens(&message.payload_type(), &ir.types, Scope::Crate);
            let typed_validation = if implements_validate(&message.payload_type(), ir) {
                quote!(typed.validate().expect("the example passes its typed checks");)
            } else {
                quote!()
            };
            let mut sentence = format!("Example `{label}` of message `{}`", message.label);
            if let Some(summary) = &example.summary {
                sentence.push_str(": ");
                sentence.push_str(summary.trim_end());
            }
            if !sentence.ends_with(['.', '!', '?']) {
                sentence.push('.');
            }
            let doc = doc_lines(&sentence);
            tests.push(quote! {
                #doc
                #[test]
                fn #name() {
                    let body = #body;
                    let original: serde_json::Value = serde_json::from_str(body).expect("the example is JSON");
                    if let Err(violations) = Message::#variant.validate_body(body.as_bytes(), Mode::Strict) {
                        panic!("the example breaks its schema: {violations}");
                    }
                    let typed: #ty = serde_json::from_str(body).expect("the example parses into its type");
                    #typed_validation
                    let written = serde_json::to_value(&typed).expect("the example writes back as JSON");
                    assert!(check::json_equal(&original, &written), "written back differently:\n{original}\n{written}");
                }
            });
        }
    }
    let tests = quote!(#(#tests)*);
    let krate_path = krate.to_string();
    let mentioned = |name: &str| match name {
        // `typed.validate()` needs the trait in scope.
        "Validate" => super::rust::uses_ident(&tests, "validate"),
        _ => super::rust::uses_ident(&tests, name),
    };
    let imports =
        super::rust::use_mentioned(&krate_path, &["Message", "Mode", "Validate", "types"], mentioned);
    quote! {
        //! The cases (see `main.rs`).

        #imports
        use #krate::rt::check;

        #tests
    }
}

#[cfg(test)]
mod tests {
    use super::{CARGO_TEMPLATE, FORMAT_CRATES, fill};
    use crate::ir::naming::CRATES_IN_USE;

    #[test]
    fn no_generated_crate_takes_the_name_of_one_it_depends_on() {
        let mut section = "";
        let mut dependencies: Vec<&str> = FORMAT_CRATES.iter().map(|(name, _)| *name).collect();
        for line in CARGO_TEMPLATE.lines() {
            if line.starts_with('[') {
                section = line;
            } else if section.ends_with("dependencies]")
                && let Some((name, _)) = line.split_once(" = ")
            {
                dependencies.push(name);
            }
        }
        assert!(dependencies.contains(&"asyncapi-rt"), "{dependencies:?}");
        for name in dependencies {
            assert!(CRATES_IN_USE.contains(&name.replace('-', "_").as_str()), "{name} is not reserved");
        }
    }

    #[test]
    fn fill_copies_values_as_they_are() {
        let values = [("title", "Chat {{crate_name}} }}{{"), ("crate_name", "chat")];
        assert_eq!(
            fill("# {{title}} ({{crate_name}})", &values).as_deref(),
            Ok("# Chat {{crate_name}} }}{{ (chat)")
        );
        assert_eq!(fill("no placeholders", &[]).as_deref(), Ok("no placeholders"));
    }

    #[test]
    fn fill_refuses_a_placeholder_without_a_value() {
        let error = fill("a {{missing}} b", &[("title", "x")]).expect_err("no value for it");
        assert!(error.contains("{{missing}}"), "{error}");
        assert!(fill("a {{unclosed", &[]).is_err());
    }
}
