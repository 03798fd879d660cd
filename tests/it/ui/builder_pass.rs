//! The cases of `ui-tests/builder-pass/`: each compiles, and its `main` runs.

#[path = "../../../ui-tests/builder-pass/gssapi_properties.rs"]
mod gssapi_properties;
#[path = "../../../ui-tests/builder-pass/mongodb_cr.rs"]
mod mongodb_cr;
#[path = "../../../ui-tests/builder-pass/negotiated_scram.rs"]
mod negotiated_scram;
#[path = "../../../ui-tests/builder-pass/no_credential.rs"]
mod no_credential;
#[path = "../../../ui-tests/builder-pass/password_on_the_builder.rs"]
mod password_on_the_builder;
#[path = "../../../ui-tests/builder-pass/plain_cleartext_opt_in.rs"]
mod plain_cleartext_opt_in;
#[path = "../../../ui-tests/builder-pass/plain_tls_external.rs"]
mod plain_tls_external;
#[path = "../../../ui-tests/builder-pass/scram_sha_1_auth_source.rs"]
mod scram_sha_1_auth_source;
#[path = "../../../ui-tests/builder-pass/scram_sha_256.rs"]
mod scram_sha_256;
#[path = "../../../ui-tests/builder-pass/x509_cert_and_ca.rs"]
mod x509_cert_and_ca;

#[test]
fn gssapi_properties() {
    gssapi_properties::main();
}

#[test]
fn mongodb_cr() {
    mongodb_cr::main();
}

#[test]
fn negotiated_scram() {
    negotiated_scram::main();
}

#[test]
fn no_credential() {
    no_credential::main();
}

#[test]
fn password_on_the_builder() {
    password_on_the_builder::main();
}

#[test]
fn plain_cleartext_opt_in() {
    plain_cleartext_opt_in::main();
}

#[test]
fn plain_tls_external() {
    plain_tls_external::main();
}

#[test]
fn scram_sha_1_auth_source() {
    scram_sha_1_auth_source::main();
}

#[test]
fn scram_sha_256() {
    scram_sha_256::main();
}

#[test]
fn x509_cert_and_ca() {
    x509_cert_and_ca::main();
}
