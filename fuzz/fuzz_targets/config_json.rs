#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        mongo_auth::fuzzing::config_file(
            &mut serde_json::Deserializer::from_str(text),
            &mut serde_json::Deserializer::from_str(text),
        );
    }
});
