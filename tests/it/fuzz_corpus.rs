//! Every committed fuzz corpus and regression input (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the same entry points as the fuzz targets, on the stable
//! toolchain, so that a regression found by fuzzing is checked by the normal suite.

use std::path::{Path, PathBuf};

use mongo_auth::fuzzing::{self, TARGETS};

use crate::support::{child, test_path};

/// What each fuzz target in `fuzz/fuzz_targets/` runs.
fn run(target: &str, data: &[u8]) {
    let text = std::str::from_utf8(data);
    match target {
        "connection_string" => fuzzing::connection_string(data),
        "config_toml" => {
            if let Ok(text) = text
                && let (Ok(screen), Ok(load)) = (
                    toml::Deserializer::parse(text),
                    toml::Deserializer::parse(text),
                )
            {
                fuzzing::config_file(screen, load);
            }
        }
        "config_json" => {
            if let Ok(text) = text {
                fuzzing::config_file(
                    &mut serde_json::Deserializer::from_str(text),
                    &mut serde_json::Deserializer::from_str(text),
                );
            }
        }
        "config_yaml" => {
            if let Ok(text) = text {
                fuzzing::config_file(
                    serde_yaml::Deserializer::from_str(text),
                    serde_yaml::Deserializer::from_str(text),
                );
            }
        }
        "wire_frame" => fuzzing::wire_frame(data),
        "hello_reply" => fuzzing::hello_reply(data),
        "sasl_reply" => fuzzing::sasl_reply(data),
        "scram_server_first" => fuzzing::scram_server_first(data),
        "scram_server_final" => fuzzing::scram_server_final(data),
        "aws_server_first" => fuzzing::aws_server_first(data),
        "oidc_idp_info" => fuzzing::oidc_idp_info(data),
        "certificate_subject" => fuzzing::certificate_subject(data),
        "srv_records" => fuzzing::srv_records(data),
        #[cfg(all(feature = "gssapi", unix))]
        "gssapi_security_layer" => fuzzing::gssapi_security_layer(data),
        #[cfg(not(all(feature = "gssapi", unix)))]
        "gssapi_security_layer" => {}
        other => panic!("no entry point for the fuzz target {other}: add it to `run`"),
    }
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_file())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("{}: {e}", dir.display()),
    };
    files.sort();
    files
}

/// Runs in a child process whose current directory is fuzz/, where `cargo fuzz` runs the targets: a
/// config file's relative `{ file = "…" }` resolves from there here too, so that every input gets
/// the verdict it got while fuzzing (the other tests of this binary read files relative to the
/// package root).
#[test]
fn every_corpus_and_regression_input_passes() {
    let test = test_path!("every_corpus_and_regression_input_passes");
    if !cfg!(all(feature = "gssapi", unix)) && !child::is_child(&test) {
        crate::support::skip(
            "the inputs of gssapi_security_layer need the `gssapi` feature (the other targets' \
             inputs are checked)",
            "run cargo test --features gssapi (scripts/test-all.sh: --all-features)",
        );
    }
    child::in_child(
        &test,
        |command| {
            command.current_dir(fuzz_dir());
        },
        every_input_passes,
    );
}

fn every_input_passes() {
    let mut failures = Vec::new();
    let mut count = 0;
    for target in TARGETS {
        for kind in ["corpus", "regressions"] {
            for path in inputs(&fuzz_dir().join(kind).join(target)) {
                let data = std::fs::read(&path).unwrap();
                count += 1;
                // libFuzzer runs on the main thread (8 MiB of stack); a test thread has 2 MiB, and
                // this build is less optimised.
                let outcome = std::thread::Builder::new()
                    .stack_size(32 << 20)
                    .spawn(move || run(target, &data))
                    .unwrap()
                    .join();
                if outcome.is_err() {
                    failures.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "inputs that fail (see the panics above):\n{}",
        failures.join("\n")
    );
    assert!(count > 0, "no corpus found under {}", fuzz_dir().display());
}

/// The targets `fuzz/Cargo.toml` builds, the corpus directories and [`TARGETS`] agree.
#[test]
fn the_fuzz_targets_and_their_corpora_agree() {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap()).unwrap();
    let mut built: Vec<&str> = manifest["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|bin| bin["name"].as_str().unwrap())
        .collect();
    built.sort_unstable();
    let mut targets = TARGETS.to_vec();
    targets.sort_unstable();
    assert_eq!(built, targets);
    for kind in ["corpus", "regressions"] {
        for entry in std::fs::read_dir(fuzz_dir().join(kind))
            .into_iter()
            .flatten()
        {
            let name = entry.unwrap().file_name();
            let name = name.to_str().unwrap();
            assert!(TARGETS.contains(&name), "fuzz/{kind}/{name} is no target's");
        }
    }
    for target in TARGETS {
        assert!(
            !inputs(&fuzz_dir().join("corpus").join(target)).is_empty(),
            "the fuzz target {target} has no committed corpus"
        );
    }
}
