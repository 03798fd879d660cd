#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mongo_auth::fuzzing::oidc_idp_info(data));
