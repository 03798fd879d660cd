//! Every case of the MongoDB spec suites through the runtime path `"mongodb://…".parse::<ClientConfig>()`:
//! spec-invalid strings are refused; spec-valid strings give the rulebook's credential and hosts, or
//! are refused only by the library layer (X509 without a client certificate, PLAIN without TLS, a
//! missing password) with a message that says what to add, and by their spec warnings, each refused
//! as the warning's own error ([`Warning::refused`]). No case shows its password.

use std::path::{Path, PathBuf};

use mongo_auth::ClientConfig;
use mongo_auth::rulebook::{ConnectionString, ErrorKind, Warning};
use serde_json::Value;

/// The same two contradictory MONGODB-AWS cases the rulebook's own spec test skips, for its reason.
const SKIPS: &[&str] = &[
    "should use username and password if specified (MONGODB-AWS)",
    "should use username, password and session token if specified (MONGODB-AWS)",
];

const LIBRARY_LAYER: &[ErrorKind] = &[
    ErrorKind::X509NeedsTls,
    ErrorKind::PlainNeedsTls,
    ErrorKind::MissingPassword,
    ErrorKind::ExternalSourceOnly,
    ErrorKind::NulInCredential,
    ErrorKind::TlsOverUnixSocket,
];

fn suites() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/tests");
    let mut files = Vec::new();
    for sub in ["auth", "connection-string", "uri-options"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A password distinctive enough that finding it in output means it leaked (not a word a message
/// would use, such as "password").
fn distinctive_password(uri: &str) -> Option<String> {
    let uri = ConnectionString::parse(uri).ok()?;
    let password = uri.password()?.expose_secret().to_owned();
    (password.len() >= 4 && !["password", "pass", "secret", "pencil"].contains(&password.as_str()))
        .then_some(password)
}

#[test]
fn spec_suites_through_the_runtime_path() {
    let (mut accepted, mut library_refused, mut warnings_refused, mut spec_refused) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for file in suites() {
        let root: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in root["tests"].as_array().unwrap() {
            let description = case["description"].as_str().unwrap_or_default();
            if SKIPS.contains(&description) {
                continue;
            }
            let Some(uri) = case["uri"].as_str() else {
                continue;
            };
            let valid = case["valid"].as_bool().unwrap_or(true);
            let at = format!(
                "{}: {description}",
                file.file_name().unwrap().to_string_lossy()
            );
            let secret = distinctive_password(uri);
            // A rendered error shows the string with the password masked; a user name that is the
            // same text as the password (`!$&'()*+,;=:!$&'()*+,;=@…`) is shown as a user name.
            let leaks = |text: &str| {
                secret
                    .as_deref()
                    .is_some_and(|s| text.replace(&format!("{s}:****@"), "").contains(s))
            };
            match (valid, uri.parse::<ClientConfig>()) {
                (false, Ok(_)) => failures.push(format!("{at}: accepted a spec-invalid string")),
                (false, Err(error)) => {
                    spec_refused += 1;
                    if leaks(&format!("{error} {error:?}")) {
                        failures.push(format!("{at}: the error shows the password"));
                    }
                }
                (true, Ok(config)) => {
                    accepted += 1;
                    let spec = ConnectionString::parse(uri).unwrap();
                    if !spec.warnings().is_empty() {
                        failures.push(format!(
                            "{at}: accepted a string the spec warns about: {:?}",
                            spec.warnings()
                        ));
                    }
                    if config.credential() != spec.credential() {
                        failures.push(format!("{at}: credential differs from the rulebook's"));
                    }
                    if config.hosts() != spec.hosts() {
                        failures.push(format!("{at}: hosts differ from the rulebook's"));
                    }
                    if config.tls().is_some() != spec.tls_enabled() {
                        failures.push(format!("{at}: TLS differs from the rulebook's"));
                    }
                    let shown = format!(
                        "{config} {config:?} {}",
                        serde_json::to_string(&config).unwrap()
                    );
                    if leaks(&shown) {
                        failures.push(format!("{at}: the configuration shows the password"));
                    }
                }
                (true, Err(error)) => {
                    let spec = ConnectionString::parse(uri).unwrap();
                    // each spec warning is refused as its own error, the rest by the library layer
                    let mut refused_warnings: Vec<_> =
                        spec.warnings().iter().map(Warning::refused).collect();
                    let mut library = Vec::new();
                    for rule in error.rules() {
                        match refused_warnings.iter().position(|w| w == rule) {
                            Some(i) => {
                                refused_warnings.remove(i);
                            }
                            None => library.push(rule),
                        }
                    }
                    if !refused_warnings.is_empty() {
                        failures.push(format!(
                            "{at}: warnings not refused as their own errors: {refused_warnings:?}"
                        ));
                    }
                    if library.is_empty() {
                        warnings_refused += 1;
                    } else {
                        library_refused += 1;
                    }
                    let kinds: Vec<ErrorKind> = library.iter().map(|e| e.kind()).collect();
                    if !kinds.iter().all(|k| LIBRARY_LAYER.contains(k)) {
                        failures.push(format!(
                            "{at}: spec-valid string refused by {kinds:?}: {error}"
                        ));
                    }
                    for rule in library {
                        let message = rule.message();
                        if !message.contains(": add ") && !message.contains("needs") {
                            failures.push(format!(
                                "{at}: the message does not say what to add: {message}"
                            ));
                        }
                    }
                    if leaks(&format!("{error} {error:?}")) {
                        failures.push(format!("{at}: the error shows the password"));
                    }
                }
            }
        }
    }
    println!(
        "spec cases through ClientConfig: {accepted} accepted, {library_refused} refused by the \
         library layer, {warnings_refused} refused for their spec warnings only, {spec_refused} \
         refused by the spec layer"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(accepted > 100 && library_refused > 0 && warnings_refused > 20 && spec_refused > 50);
}
