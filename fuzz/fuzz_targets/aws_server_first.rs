#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mongo_auth::fuzzing::aws_server_first(data));
