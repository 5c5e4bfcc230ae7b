//! The generated crate's two tools as the README runs them, as processes.
//! `inspect`: one JSON line and the exit code of each verdict, from a file or
//! standard input, with the delivery's headers and any signature scheme.
//! Both take the scheme as flags. `receiver`: it refuses to start without a secret; it
//! answers signed, rotated, forged, invalid and repeated deliveries, one JSON
//! line on stdout each; and on SIGTERM, as a container runtime stops it, it
//! exits cleanly once the deliveries in progress are answered, or at once on
//! a second SIGTERM.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use asyncapi_rt::http::HeaderName;
use asyncapi_rt::signature::{Encoding, Secret, SignatureScheme, Signer, TimestampPolicy};
use asyncapi_tests::e2e::workspace_root;
use serde_json::{Value, json};

/// How long any one step may take before the test gives up on the process.
const PATIENCE: Duration = Duration::from_secs(60);

/// The example's executable, both built on first use as `cargo test
/// --workspace` builds them (so that, after it, this builds nothing).
fn example(name: &str) -> PathBuf {
    static EXECUTABLES: OnceLock<BTreeMap<String, PathBuf>> = OnceLock::new();
    let executables = EXECUTABLES.get_or_init(|| {
        let output = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--message-format=json", "--workspace"])
            .args(["--example", "inspect", "--example", "receiver"])
            .current_dir(workspace_root())
            .stderr(Stdio::inherit())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "the examples build");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|message| message["reason"] == "compiler-artifact")
            .filter_map(|message| {
                let executable = message["executable"].as_str()?;
                Some((message["target"]["name"].as_str()?.to_owned(), PathBuf::from(executable)))
            })
            .collect()
    });
    executables
        .get(name)
        .unwrap_or_else(|| panic!("cargo names no executable for the `{name}` example"))
        .clone()
}

/// What `inspect` with `args` makes of `stdin`: exit code, the stdout line as
/// JSON, and stderr.
fn inspect(args: &[impl AsRef<OsStr>], stdin: &[u8]) -> (Option<i32>, Value, String) {
    let mut child = Command::new(example("inspect"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("inspect starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    // Written while inspect runs: a large input does not fit a pipe's buffer.
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&stdin));
    let output = child.wait_with_output().expect("inspect runs");
    // inspect may stop reading early only by failing, which the exit code shows.
    let _ = writer.join();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(stdout.trim()).unwrap_or_else(|error| panic!("`{stdout}` is not JSON: {error}"))
    };
    (output.status.code(), line, String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn inspect_gives_each_verdict_its_line_and_exit_code() {
    let valid = webinar_created("e1", "g2w");
    let (code, line, _) = inspect(&[] as &[&str], &valid);
    assert_eq!(code, Some(0), "{line}");
    assert_eq!(
        (&line["outcome"], &line["event"], &line["key"]),
        (&json!("dispatched"), &json!("webinar.created"), &json!("e1"))
    );
    assert_eq!(line["signature"], "not_checked");
    assert_eq!(
        line["message"],
        serde_json::from_slice::<Value>(&valid).expect("JSON"),
        "re-serialized as it came"
    );

    let signature = &signed(&valid, "s1")[0].1;
    let (code, line, _) = inspect(&["--secret", "s0", "--secret", "s1", "--signature", signature], &valid);
    assert_eq!((code, &line["signature"]), (Some(0), &json!("verified")), "{line}");
    let (code, line, _) = inspect(&["--secret", "s0", "--signature", signature], &valid);
    assert_eq!((code, &line["outcome"]), (Some(2), &json!("unauthenticated")), "{line}");

    let file = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(file.path(), webinar_created("e2", "g2m")).expect("the body is written");
    let path = file.path().to_str().expect("a UTF-8 path");
    let (code, line, _) = inspect(&["--strict", path], b"");
    assert_eq!(
        (code, &line["outcome"], &line["mode"]),
        (Some(1), &json!("rejected"), &json!("strict")),
        "{line}"
    );
    assert_eq!(line["violations"][0]["pointer"], "/product", "{line}");

    let missing = format!("{path}.missing");
    let (code, line, stderr) = inspect(&[&missing], b"");
    assert_eq!((code, line), (Some(3), Value::Null));
    assert!(stderr.contains(&format!("cannot read the body from {missing}")), "{stderr}");

    // A body over the limit is read no further: from a file, its size is known all the same.
    let (code, line, _) = inspect(&["--body-limit", "10"], &vec![b' '; 1 << 20]);
    assert_eq!((code, line), (Some(4), json!({"outcome": "too_large", "limit": 10})));
    let (code, line, _) = inspect(&["--body-limit", "10", path], b"");
    let size = std::fs::metadata(path).expect("the file is there").len();
    assert_eq!((code, line), (Some(4), json!({"outcome": "too_large", "size": size, "limit": 10})));
}

#[test]
fn inspect_takes_the_delivery_s_headers_and_any_signature_scheme() {
    let valid = webinar_created("e1", "g2w");
    let now = unix_now();
    let inspect_with = |headers: &[(String, String)], more: &[&str]| {
        let mut args: Vec<String> = ["--secret", "s1"].map(str::to_owned).to_vec();
        args.extend(OTHER_SCHEME_FLAGS.map(str::to_owned));
        args.extend(header_flags(headers));
        args.extend(more.iter().map(|arg| (*arg).to_owned()));
        inspect(&args, &valid)
    };

    let genuine = signed_at(&valid, "s1", &other_scheme(), None);
    let (code, line, _) = inspect_with(&genuine, &[]);
    assert_eq!((code, &line["signature"]), (Some(0), &json!("verified")), "{line}");
    // The same delivery under the default scheme: its signature is not where that looks.
    let mut args = vec!["--secret".to_owned(), "s1".to_owned()];
    args.extend(header_flags(&genuine));
    let (code, line, _) = inspect(&args, &valid);
    assert_eq!((code, &line["reason"]), (Some(2), &json!("missing signature header `x-webhook-signature`")));

    let without_timestamp = only(&genuine, "x-sig");
    let (code, line, _) = inspect_with(&without_timestamp, &[]);
    assert_eq!(code, Some(2), "{line}");
    assert!(line["reason"].as_str().is_some_and(|reason| reason.contains("x-sent-at")), "{line}");
    // Two minutes old: fresh by the default tolerance, stale by the 60 s the flags give.
    let stale = signed_at(&valid, "s1", &other_scheme(), Some(now - 120));
    let (code, line, _) = inspect_with(&stale, &[]);
    assert_eq!(code, Some(2), "{line}");
    assert!(line["reason"].as_str().is_some_and(|reason| reason.contains("60s tolerated")), "{line}");
    // A delivery captured earlier is judged as of when it came.
    let received_at = (now - 110).to_string();
    let (code, line, _) = inspect_with(&stale, &["--received-at", &received_at]);
    assert_eq!((code, &line["signature"]), (Some(0), &json!("verified")), "{line}");
    // Any time at all: a stale verdict, not a panic.
    let (code, line, _) = inspect_with(&stale, &["--received-at", &u64::MAX.to_string()]);
    assert_eq!(code, Some(2), "{line}");
    assert!(line["reason"].as_str().is_some_and(|reason| reason.contains("tolerated")), "{line}");
    // `Name:` drops a header, as curl does; `Name;` sends it empty.
    let (code, line, _) = inspect_with(&genuine, &["-H", "X-Sent-At:"]);
    assert_eq!(code, Some(2), "{line}");
    let (code, line, _) = inspect_with(&genuine, &["-H", "Content-Type;"]);
    assert_eq!((code, &line["violations"][0]["pointer"]), (Some(1), &json!("/Content-Type")), "{line}");

    // Headers the message declares are validated: this one only allows JSON.
    let (code, line, _) = inspect_with(&genuine, &["-H", "Content-Type: text/plain"]);
    assert_eq!((code, &line["outcome"]), (Some(1), &json!("rejected")), "{line}");
    assert_eq!(line["violations"][0]["pointer"], "/Content-Type", "{line}");

    // Usage errors exit 64, never 2 (unauthenticated), with clap's usage line.
    let (code, line, stderr) = inspect(&["--signature", "00", "-H", "X-Webhook-Signature: 00"], &valid);
    assert_eq!((code, line), (Some(64), Value::Null));
    assert!(stderr.contains("the signature is given twice") && stderr.contains("Usage: inspect"), "{stderr}");
    let (code, _, stderr) = inspect(&["--timestamp-tolerance", "30"], &valid);
    assert_eq!(code, Some(64), "{stderr}");
    let (code, _, stderr) = inspect(&["-H", "no colon"], &valid);
    assert_eq!(code, Some(64), "{stderr}");
    // So are secrets and schemes that can verify nothing, with a line saying why.
    let (code, line, _) = inspect(&["--secret", ""], &valid);
    assert_eq!((code, line), (Some(64), json!({"outcome": "error", "reason": "webhook secret #0 is empty"})));
    let same = ["--secret", "s1", "--signature-header", "X-A", "--timestamp-header", "x-a"];
    let (code, line, _) = inspect(&same, &valid);
    assert_eq!((code, &line["outcome"]), (Some(64), &json!("error")), "{line}");
    // Help is no error; scheme flags without a secret check nothing, and say so.
    let help = Command::new(example("inspect")).arg("--help").output().expect("inspect runs");
    assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).contains("--received-at"));
    let (code, line, stderr) = inspect(&["--signature-header", "X-Sig"], &valid);
    assert_eq!((code, &line["signature"]), (Some(0), &json!("not_checked")), "{line}");
    assert!(stderr.contains("without --secret, the signature is not checked"), "{stderr}");
}

#[test]
fn the_receiver_verifies_under_the_scheme_its_flags_describe() {
    let receiver = Running::start_with("s1", &OTHER_SCHEME_FLAGS);
    let (address, path) = receiver.endpoint();
    let valid = webinar_created("e1", "g2w");
    let now = unix_now();
    let genuine = signed_at(&valid, "s1", &other_scheme(), None);
    let untimed = only(&genuine, "x-sig");
    let deliveries = [
        ("under the configured scheme", genuine.clone(), 200, "handled"),
        ("under the default scheme", signed(&valid, "s1"), 401, "unauthenticated"),
        // Fresh by the default tolerance, stale by the 60 s the flags give.
        (
            "two minutes old",
            signed_at(&valid, "s1", &other_scheme(), Some(now - 120)),
            401,
            "unauthenticated",
        ),
        ("without its timestamp", untimed, 401, "unauthenticated"),
    ];
    for (what, headers, status, outcome) in deliveries {
        assert_eq!(post(&address, &path, &headers, &valid), status, "{what}");
        assert_eq!(receiver.stdout_json()["outcome"], outcome, "{what}");
    }
}

#[test]
fn the_receiver_refuses_flags_that_would_mean_nothing() {
    let (code, stderr) =
        receiver_refusal(None, &["--insecure-accept-unsigned", "--signature-header", "X-Sig"]);
    assert_eq!(code, Some(64));
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (code, stderr) =
        receiver_refusal(Some("s1"), &["--signature-header", "X-A", "--timestamp-header", "x-a"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("refusing to start") && stderr.contains("cannot both be in header"), "{stderr}");
}

/// The exit code and stderr of a receiver started with `secrets` (none:
/// `WEBHOOK_SECRETS` unset) and `args`, which refuses to start.
fn receiver_refusal(secrets: Option<&str>, args: &[&str]) -> (Option<i32>, String) {
    let mut command = Command::new(example("receiver"));
    command.args(["--listen", "127.0.0.1:0"]).args(args);
    match secrets {
        Some(secrets) => command.env("WEBHOOK_SECRETS", secrets),
        None => command.env_remove("WEBHOOK_SECRETS"),
    };
    let output = command.output().expect("the receiver runs");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// A running receiver, killed if the test ends before it stops.
struct Running {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

impl Running {
    fn start(secrets: &str) -> Self {
        Self::start_with(secrets, &[])
    }

    /// A receiver started with `args` besides the address.
    fn start_with(secrets: &str, args: &[&str]) -> Self {
        let mut child = Command::new(example("receiver"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env("WEBHOOK_SECRETS", secrets)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the receiver starts");
        let stdout = lines(child.stdout.take().expect("stdout is piped"));
        let stderr = lines(child.stderr.take().expect("stderr is piped"));
        Self { child, stdout, stderr }
    }

    /// The next stderr line that contains `text`.
    fn stderr_line(&self, text: &str) -> String {
        loop {
            let line = self.stderr.recv_timeout(PATIENCE).unwrap_or_else(|_| panic!("no `{text}` on stderr"));
            if line.contains(text) {
                return line;
            }
        }
    }

    /// The next stdout line, as JSON.
    fn stdout_json(&self) -> Value {
        let line = self.stdout.recv_timeout(PATIENCE).expect("a line per delivery on stdout");
        serde_json::from_str(&line).unwrap_or_else(|error| panic!("`{line}` is not JSON: {error}"))
    }

    /// Where it listens: its address, and the path deliveries go to.
    fn endpoint(&self) -> (String, String) {
        let listening = self.stderr_line("listening on http://");
        let url = listening.rsplit("http://").next().expect("an address");
        let (address, path) = url.split_at(url.find('/').expect("a path"));
        (address.to_owned(), path.to_owned())
    }

    /// Sends SIGTERM, as a container runtime stops a process.
    fn terminate(&self) {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        assert!(sent.is_ok_and(|status| status.success()), "SIGTERM is sent");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines `from` writes, as they come.
fn lines(from: impl Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// A connection to `address`, whose reads give up after [`PATIENCE`].
fn connect(address: &str) -> TcpStream {
    let stream = TcpStream::connect(address).expect("the receiver accepts connections");
    stream.set_read_timeout(Some(PATIENCE)).expect("a timeout can be set");
    stream
}

/// The head of a POST to `address` + `path` with `headers`, announcing a body
/// of `length` bytes.
fn head(address: &str, path: &str, length: usize, headers: &[(String, String)]) -> String {
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {length}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// POSTs `body` to `address` + `path` with `headers`; the response's status.
fn post(address: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> u16 {
    let mut stream = connect(address);
    let mut all = headers.to_vec();
    all.push(("Connection".to_owned(), "close".to_owned()));
    all.push(("Content-Type".to_owned(), "application/json".to_owned()));
    let request = head(address, path, body.len(), &all);
    stream.write_all(request.as_bytes()).and_then(|()| stream.write_all(body)).expect("the request is sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("the response is read");
    let status = response.split(' ').nth(1).unwrap_or_default();
    status.parse().unwrap_or_else(|_| panic!("no status in `{response}`"))
}

/// The signature headers of `body` under `secret`, as GoTo would send them.
fn signed(body: &[u8], secret: &str) -> Vec<(String, String)> {
    signed_at(body, secret, &SignatureScheme::default(), None)
}

/// The signature headers of `body` under `secret` and `scheme`, signed now
/// or `at` the given Unix time.
fn signed_at(body: &[u8], secret: &str, scheme: &SignatureScheme, at: Option<u64>) -> Vec<(String, String)> {
    let signer = Signer::new(scheme.clone(), Secret::from(secret)).expect("a secret");
    let headers = match at {
        Some(at) => signer.sign_at(body, at),
        None => signer.sign(body),
    };
    headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().expect("ASCII").to_owned()))
        .collect()
}

/// A sender that signs otherwise than the default assumes: its own header, in
/// base64, with a timestamp of its own.
fn other_scheme() -> SignatureScheme {
    SignatureScheme {
        header: HeaderName::from_static("x-sig"),
        encoding: Encoding::Base64,
        prefix: None,
        timestamp: Some(TimestampPolicy {
            header: HeaderName::from_static("x-sent-at"),
            tolerance: Duration::from_secs(60),
        }),
    }
}

/// [`other_scheme`] as flags.
const OTHER_SCHEME_FLAGS: [&str; 10] = [
    "--signature-header",
    "X-Sig",
    "--signature-encoding",
    "base64",
    "--signature-prefix",
    "",
    "--timestamp-header",
    "X-Sent-At",
    "--timestamp-tolerance",
    "60",
];

/// The seconds since the Unix epoch, now.
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs()
}

/// The headers of `headers` named `name`.
fn only(headers: &[(String, String)], name: &str) -> Vec<(String, String)> {
    headers.iter().filter(|(header, _)| header == name).cloned().collect()
}

/// `headers` as `--header` flags.
fn header_flags(headers: &[(String, String)]) -> Vec<String> {
    headers.iter().flat_map(|(name, value)| ["--header".to_owned(), format!("{name}: {value}")]).collect()
}

fn webinar_created(key: &str, product: &str) -> Vec<u8> {
    let body = json!({
        "eventName": "webinar.created", "eventVersion": "1.0.0", "product": product,
        "eventKey": key, "webinarKey": "42",
    });
    serde_json::to_vec(&body).expect("JSON")
}

#[test]
fn the_receiver_refuses_to_start_without_a_secret() {
    let (code, stderr) = receiver_refusal(None, &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("refusing to start") && stderr.contains("WEBHOOK_SECRETS"), "{stderr}");
}

#[test]
fn the_receiver_answers_each_delivery_and_stops_cleanly_on_sigterm() {
    let receiver = Running::start("old, new");
    let (address, path) = receiver.endpoint();
    assert_eq!(path, "/gotowebinar/callback", "the spec's server path");
    let (address, path) = (address.as_str(), path.as_str());

    let valid = webinar_created("e1", "g2w");
    let invalid = webinar_created("e2", "g2m");
    // What each delivery gets: its status, and the line printed for it.
    let deliveries = [
        ("signed with the new secret", signed(&valid, "new"), &valid, 200, "handled", Some("e1")),
        ("the same again, with the old one", signed(&valid, "old"), &valid, 200, "duplicate", Some("e1")),
        ("forged", signed(&valid, "guess"), &valid, 401, "unauthenticated", None),
        ("unsigned", Vec::new(), &valid, 401, "unauthenticated", None),
        ("with a product the spec does not list", signed(&invalid, "old"), &invalid, 202, "rejected", None),
    ];
    for (what, headers, body, status, outcome, key) in deliveries {
        assert_eq!(post(address, path, &headers, body), status, "{what}");
        let line = receiver.stdout_json();
        let event = (status != 401).then_some("webinar.created");
        assert_eq!(line, json!({"outcome": outcome, "event": event, "eventKey": key}), "{what}");
    }
    // What could not be typed also goes to stderr, with its body: nothing is lost.
    let rejected = receiver.stderr_line("\"rejected\"");
    assert!(rejected.contains("/product") && rejected.contains("g2m"), "{rejected}");

    let mut receiver = receiver;
    receiver.terminate();
    receiver.stderr_line("shutting down");
    let status = receiver.child.wait().expect("the receiver stops");
    assert!(status.success(), "a clean exit on SIGTERM, not {status}");
}

#[test]
fn the_receiver_waits_for_a_delivery_in_progress_until_a_second_sigterm() {
    let mut receiver = Running::start("s1");
    let (address, path) = receiver.endpoint();
    // One whole request first, so that the connection is surely being served...
    let mut stream = connect(&address);
    stream
        .write_all(format!("{}{{}}", head(&address, &path, 2, &[])).as_bytes())
        .expect("the request is sent");
    let mut answer = [0; 12];
    stream.read_exact(&mut answer).expect("an answer");
    assert_eq!(&answer, b"HTTP/1.1 401", "unsigned");
    // ... then a delivery whose promised body never ends.
    stream
        .write_all(format!("{}{{", head(&address, &path, 100, &[])).as_bytes())
        .expect("the request is sent");
    // Time for the server to read the head: a connection between requests is idle, and
    // shutting down closes it at once (nothing shows when the head has been read).
    std::thread::sleep(Duration::from_millis(500));
    receiver.terminate();
    receiver.stderr_line("shutting down");
    std::thread::sleep(Duration::from_millis(300));
    assert!(receiver.child.try_wait().expect("a status").is_none(), "the delivery in progress is waited for");
    receiver.terminate();
    receiver.stderr_line("stopped with deliveries in progress");
    assert_eq!(receiver.child.wait().expect("the receiver stops").code(), Some(1));
}
