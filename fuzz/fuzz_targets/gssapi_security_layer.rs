#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mongo_auth::fuzzing::gssapi_security_layer(data));
