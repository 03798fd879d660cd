#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let (Ok(screen), Ok(load)) = (
            toml::Deserializer::parse(text),
            toml::Deserializer::parse(text),
        )
    {
        mongo_auth::fuzzing::config_file(screen, load);
    }
});
