#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mongo_auth::fuzzing::certificate_subject(data));
