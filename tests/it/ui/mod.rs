//! The compile-time guarantees of `ui-tests/`.
//!
//! `*-fail/`: each case must fail to compile with exactly its committed `.stderr`: one trybuild
//! `TestCases` for both families, which trybuild checks with one `cargo check`. Regenerate the
//! `.stderr` files with `TRYBUILD=overwrite cargo test --test it -- ui::` and read each one.
//!
//! `*-pass/`: each case is a program a user could write, which must compile and whose `main` must
//! run. They are modules of this test binary ([`builder_pass`], [`uri_pass`]), compiled with it: as
//! trybuild `pass` cases, each took a `cargo build` and a `cargo run` of its own.

mod builder_pass;
mod uri_pass;

/// Left out (said on stderr; an error under `CI=true`) when `MONGO_AUTH_SKIP_UI=1`, as
/// `scripts/test-quick.sh` sets it: trybuild checks the cases against the whole dependency tree.
#[test]
fn compile_fail() {
    if std::env::var("MONGO_AUTH_SKIP_UI").is_ok_and(|skip| skip == "1") {
        crate::support::skip(
            "MONGO_AUTH_SKIP_UI=1 leaves out the compile-fail cases of ui-tests/",
            "unset it to check them",
        );
        return;
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui-tests/builder-fail/*.rs");
    cases.compile_fail("ui-tests/uri-fail/*.rs");
}

/// Every file of `ui-tests/*-pass/` is a module of [`builder_pass`] or [`uri_pass`]: a case added to
/// the directory alone would never be compiled.
#[test]
fn every_pass_case_is_compiled() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (family, module) in [
        ("builder-pass", "builder_pass.rs"),
        ("uri-pass", "uri_pass.rs"),
    ] {
        let declared = std::fs::read_to_string(root.join("tests/it/ui").join(module)).unwrap();
        for entry in std::fs::read_dir(root.join("ui-tests").join(family)).unwrap() {
            let name = entry.unwrap().file_name();
            let name = name.to_str().unwrap();
            assert!(
                declared.contains(&format!("#[path = \"../../../ui-tests/{family}/{name}\"]")),
                "ui-tests/{family}/{name} is not a module of tests/it/ui/{module}: add it there, \
                 with a test that runs its `main`"
            );
        }
    }
}
