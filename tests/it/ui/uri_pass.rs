//! The cases of `ui-tests/uri-pass/`: each compiles, and its `main` runs.

#[path = "../../../ui-tests/uri-pass/hygiene.rs"]
mod hygiene;
#[path = "../../../ui-tests/uri-pass/left_to_code.rs"]
mod left_to_code;
#[path = "../../../ui-tests/uri-pass/literal_forms.rs"]
mod literal_forms;
#[path = "../../../ui-tests/uri-pass/pymongo_gssapi.rs"]
mod pymongo_gssapi;
#[path = "../../../ui-tests/uri-pass/pymongo_scram.rs"]
mod pymongo_scram;
#[path = "../../../ui-tests/uri-pass/pymongo_x509_plain.rs"]
mod pymongo_x509_plain;

#[test]
fn hygiene() {
    hygiene::main();
}

#[test]
fn left_to_code() {
    left_to_code::main().unwrap();
}

#[test]
fn literal_forms() {
    literal_forms::main();
}

#[test]
fn pymongo_gssapi() {
    pymongo_gssapi::main();
}

#[test]
fn pymongo_scram() {
    pymongo_scram::main();
}

#[test]
fn pymongo_x509_plain() {
    pymongo_x509_plain::main();
}
