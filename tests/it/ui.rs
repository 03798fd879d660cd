//! Compile-time guarantees, one `TestCases` per family directory of `ui-tests/`: `*-fail` cases must
//! fail to compile with exactly the committed `.stderr`, `*-pass` cases must compile and run.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test --test it -- ui::` and read each one.

#[test]
fn builder_fail() {
    trybuild::TestCases::new().compile_fail("ui-tests/builder-fail/*.rs");
}

#[test]
fn builder_pass() {
    trybuild::TestCases::new().pass("ui-tests/builder-pass/*.rs");
}

#[test]
fn uri_fail() {
    trybuild::TestCases::new().compile_fail("ui-tests/uri-fail/*.rs");
}

#[test]
fn uri_pass() {
    trybuild::TestCases::new().pass("ui-tests/uri-pass/*.rs");
}
