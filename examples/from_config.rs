//! Loads the `[mongodb]` section of a TOML config file into a validated `ClientConfig`, prints it
//! (secrets redacted), writes it back (secrets as references), and shows what a bad file reports.
//!
//! ```text
//! cargo run --example from_config [path/to/config.toml]
//! ```

use mongo_auth::config::from_deserializer;
use mongo_auth::{ClientConfig, ConfigError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct AppConfig {
    mongodb: ClientConfig,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // paths in the example file are relative to the repository root
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR"))?;
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/from_config.toml".to_owned());
    let text = std::fs::read_to_string(&path)?;

    // `from_deserializer` errors name the field and the rule, never the file's text; a TOML syntax
    // error is reported by its message, without the source line toml's Display would quote
    let document =
        toml::Deserializer::parse(&text).map_err(|e| ConfigError::from_message(e.message()))?;
    let app: AppConfig = from_deserializer(document)?;
    println!("loaded {path}");
    println!("as a connection string: {}", app.mongodb);
    println!("debug: {:#?}", app.mongodb);
    println!("written back:\n{}", toml::to_string(&app.mongodb)?);

    // a file that breaks a rule: the error names the field and the rule
    let bad = r#"
        [mongodb]
        hosts = ["db.example.com"]
        auth = { mechanism = "MONGODB-X509", password = "not-for-x509" }
    "#;
    let document =
        toml::Deserializer::parse(bad).map_err(|e| ConfigError::from_message(e.message()))?;
    match from_deserializer::<AppConfig, _>(document) {
        Ok(_) => unreachable!("MONGODB-X509 with a password and no TLS is refused"),
        Err(error) => println!("a bad file is refused:\n{error}"),
    }
    Ok(())
}
