//! The MongoDB spec suites (auth, connection-string, uri-options), every case, through
//! `ConnectionString::parse` and its credential.
//!
//! All failures are collected and reported together; the test prints one closing line
//! `spec suites: N passed, M skipped` and fails on any failure.

use std::path::{Path, PathBuf};

use mongo_auth_core::{ConnectionString, ConnectionStringRef, HostKind, OptionValue};
use serde_json::{Map, Value};

/// Cases skipped on purpose, with the reason.
const SKIPS: &[(&str, &str, &str)] = &[
    (
        "auth/connection-string.json",
        "should use username and password if specified (MONGODB-AWS)",
        "contradicts the current auth spec (credentials for MONGODB-AWS come from the environment; \
         giving them MUST raise) and the case 'should throw an exception if username and password \
         provided (MONGODB-AWS)' in the same file; the 2025-10 spec change left this older case behind",
    ),
    (
        "auth/connection-string.json",
        "should use username, password and session token if specified (MONGODB-AWS)",
        "contradicts the current auth spec (AWS_SESSION_TOKEN was removed; giving it MUST raise) and \
         the case 'should throw an exception if AWS_SESSION_TOKEN provided (MONGODB-AWS)' in the same file",
    ),
];

fn suites_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/tests")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// auth/connection-string.json: credentials.
    Auth,
    /// connection-string/*.json and uri-options/*.json: hosts, auth parts, options, warnings.
    Parser,
}

#[test]
fn spec_suites() {
    let dir = suites_dir();
    let mut files: Vec<(String, Format)> =
        vec![("auth/connection-string.json".to_owned(), Format::Auth)];
    for sub in ["connection-string", "uri-options"] {
        for path in json_files(&dir.join(sub)) {
            let name = format!("{sub}/{}", path.file_name().unwrap().to_string_lossy());
            files.push((name, Format::Parser));
        }
    }

    let (mut passed, mut skipped) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    let mut skips_used = vec![false; SKIPS.len()];
    for (file, format) in &files {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
        let root: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let cases = root["tests"]
            .as_array()
            .unwrap_or_else(|| panic!("{file}: no tests array"));
        for case in cases {
            let description = case["description"].as_str().unwrap_or("<no description>");
            if let Some(i) = SKIPS
                .iter()
                .position(|(f, d, _)| f == file && *d == description)
            {
                skips_used[i] = true;
                skipped += 1;
                continue;
            }
            match run_case(case, *format) {
                Ok(()) => passed += 1,
                Err(why) => failures.push(format!("{file}: {description}: {why}")),
            }
        }
    }
    for (i, used) in skips_used.iter().enumerate() {
        if !used {
            failures.push(format!(
                "skip list entry matches no case: {} / {}",
                SKIPS[i].0, SKIPS[i].1
            ));
        }
    }
    for failure in &failures {
        eprintln!("FAIL {failure}");
    }
    // written to the real stdout (not `println!`, which the test harness captures) so the summary is
    // visible in every run
    let summary = format!("spec suites: {passed} passed, {skipped} skipped\n");
    std::io::Write::write_all(&mut std::io::stdout(), summary.as_bytes()).expect("stdout");
    assert!(
        failures.is_empty(),
        "{} spec case(s) failed (listed above)",
        failures.len()
    );
}

fn run_case(case: &Value, format: Format) -> Result<(), String> {
    let uri = case["uri"].as_str().ok_or("no uri")?;
    let valid = case["valid"].as_bool().ok_or("no valid flag")?;
    let parsed = ConnectionString::parse(uri);
    // the in-place reader gives the same verdict and errors (debug builds check what it reads)
    match (&parsed, ConnectionStringRef::parse(uri)) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) if a.to_string() == b.to_string() => {}
        _ => {
            return Err("ConnectionStringRef::parse disagrees with ConnectionString::parse".into());
        }
    }
    if !valid {
        return match parsed {
            Err(_) => Ok(()),
            Ok(parsed) => Err(format!("expected an error, parsed as {parsed}")),
        };
    }
    let parsed = parsed.map_err(|errors| format!("expected valid, got: {errors}"))?;

    if let Some(expected) = case.get("warning").and_then(Value::as_bool) {
        let warnings: Vec<String> = parsed.warnings().iter().map(ToString::to_string).collect();
        if expected == warnings.is_empty() {
            return Err(format!("expected warning = {expected}, got {warnings:?}"));
        }
    }
    if let Some(hosts) = case.get("hosts").and_then(Value::as_array) {
        compare_hosts(&parsed, hosts)?;
    }
    if let Some(auth) = case.get("auth").and_then(Value::as_object) {
        compare_auth(&parsed, auth)?;
    }
    if let Some(options) = case.get("options").and_then(Value::as_object) {
        compare_options(&parsed, options)?;
    }
    if format == Format::Auth {
        match case.get("credential") {
            Some(Value::Null) if parsed.credential().is_some() => {
                return Err(format!(
                    "expected no credential, got {:?}",
                    parsed.credential()
                ));
            }
            Some(Value::Object(expected)) => compare_credential(&parsed, expected)?,
            _ => {}
        }
    }
    Ok(())
}

fn compare_hosts(parsed: &ConnectionString, expected: &[Value]) -> Result<(), String> {
    let hosts = parsed.hosts();
    if hosts.len() != expected.len() {
        return Err(format!("expected {} hosts, got {hosts:?}", expected.len()));
    }
    for (host, want) in hosts.iter().zip(expected) {
        if let Some(kind) = want["type"].as_str() {
            let got = match host.kind {
                HostKind::Hostname => "hostname",
                HostKind::Ipv4 => "ipv4",
                HostKind::IpLiteral => "ip_literal",
                HostKind::Unix => "unix",
                other => {
                    return Err(format!(
                        "host {host:?}: a kind the suite does not name: {other:?}"
                    ));
                }
            };
            if got != kind {
                return Err(format!("host {host:?}: expected type {kind}"));
            }
        }
        if want["host"].as_str() != Some(host.host.as_str()) {
            return Err(format!("host {host:?}: expected {}", want["host"]));
        }
        if let Some(port) = want["port"].as_u64()
            && host.port.map(u64::from) != Some(port)
        {
            return Err(format!("host {host:?}: expected port {port}"));
        }
    }
    Ok(())
}

fn compare_optional(what: &str, got: Option<&str>, want: &Value) -> Result<(), String> {
    let want = want.as_str();
    if got != want {
        return Err(format!("{what}: expected {want:?}, got {got:?}"));
    }
    Ok(())
}

fn compare_auth(parsed: &ConnectionString, auth: &Map<String, Value>) -> Result<(), String> {
    compare_optional("username", parsed.username(), &auth["username"])?;
    compare_optional(
        "password",
        parsed.password().map(|p| p.expose_secret()),
        &auth["password"],
    )?;
    compare_optional("db", parsed.database(), &auth["db"])
}

fn pairs_match(got: &[(String, String)], want: &Map<String, Value>, subset: bool) -> bool {
    if !subset && got.len() != want.len() {
        return false;
    }
    want.iter().all(|(key, value)| {
        got.iter()
            .any(|(k, v)| k.eq_ignore_ascii_case(key) && value.as_str() == Some(v.as_str()))
    })
}

fn option_matches(got: &OptionValue, want: &Value) -> bool {
    match (got, want) {
        (OptionValue::Bool(b), Value::Bool(w)) => b == w,
        (OptionValue::Int(i), Value::Number(w)) => w.as_i64() == Some(*i),
        (OptionValue::String(s), Value::String(w)) => s == w,
        (OptionValue::Secret(p), Value::String(w)) => p.expose_secret() == w,
        (OptionValue::List(list), Value::Array(w)) => {
            list.len() == w.len() && list.iter().zip(w).all(|(s, w)| w.as_str() == Some(s))
        }
        (OptionValue::MapList(maps), Value::Array(w)) => {
            maps.len() == w.len()
                && maps
                    .iter()
                    .zip(w)
                    .all(|(map, w)| w.as_object().is_some_and(|w| pairs_match(map, w, false)))
        }
        (OptionValue::Map(map), Value::Object(w)) => pairs_match(map, w, false),
        _ => false,
    }
}

fn compare_options(parsed: &ConnectionString, expected: &Map<String, Value>) -> Result<(), String> {
    for (key, want) in expected {
        match parsed.options().get(key) {
            Some(got) if option_matches(got, want) => {}
            got => return Err(format!("option {key}: expected {want}, got {got:?}")),
        }
    }
    Ok(())
}

fn compare_credential(
    parsed: &ConnectionString,
    expected: &Map<String, Value>,
) -> Result<(), String> {
    let credential = parsed
        .credential()
        .ok_or_else(|| "expected a credential, got none".to_owned())?;
    compare_optional(
        "credential username",
        credential.username.as_deref(),
        &expected["username"],
    )?;
    compare_optional(
        "credential password",
        credential.password.as_ref().map(|p| p.expose_secret()),
        &expected["password"],
    )?;
    if let Some(source) = expected.get("source") {
        compare_optional("credential source", Some(&credential.source), source)?;
    }
    compare_optional(
        "credential mechanism",
        credential.mechanism.map(|m| m.as_str()),
        &expected["mechanism"],
    )?;
    let properties = credential.properties.pairs();
    match &expected["mechanism_properties"] {
        Value::Null => {
            if !properties.is_empty() {
                return Err(format!(
                    "expected no mechanism properties, got {properties:?}"
                ));
            }
        }
        Value::Object(want) => {
            if !pairs_match(&properties, want, true) {
                return Err(format!(
                    "mechanism properties: expected {want:?}, got {properties:?}"
                ));
            }
        }
        other => return Err(format!("unexpected mechanism_properties {other}")),
    }
    Ok(())
}
