//! The official `mongodb` driver, configured by mongo-auth: a `mongo_uri!` literal checked at
//! compile time, and the same settings from a TOML config file, each become a `mongodb::Client`
//! that pings the server and asks who it is.
//!
//! ```sh
//! cargo run --example with_driver --features mongodb                  # the embedded server
//! cargo run --example with_driver --features mongodb -- 'mongodb://…' # a real server (or MONGODB_URI)
//! ```
//!
//! With no URI it starts the conformance server on a Unix socket (`/tmp/mongo-auth-with-driver.sock`,
//! the address the literal and `examples/with_driver.toml` name) with its demo users.

use std::time::{Duration, Instant};

use bson::doc;
use mongo_auth::config::from_deserializer;
use mongo_auth::{ClientConfig, ConfigError, mongo_uri};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[derive(serde::Deserialize)]
struct AppConfig {
    mongodb: ClientConfig,
}

#[tokio::main]
async fn main() {
    let uri = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("MONGODB_URI").ok());
    let result = match uri {
        Some(uri) => against_a_server(&uri).await,
        None => against_the_embedded_server().await,
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Any connection string: checked by the rulebook at run time, then handed to the driver.
async fn against_a_server(uri: &str) -> Result<()> {
    let config: ClientConfig = uri.parse()?;
    ping("connection string", &config).await
}

#[cfg(unix)]
async fn against_the_embedded_server() -> Result<()> {
    use mongo_auth_test_server::{Server, ServerConfig, demo};

    let server = Server::start(ServerConfig::demo()).await?;
    server.listen_on_unix_socket("/tmp/mongo-auth-with-driver.sock")?;

    // checked when this example compiled; the password is left to code
    let literal = mongo_uri!(
        "mongodb://demo@%2Ftmp%2Fmongo-auth-with-driver.sock/?authMechanism=SCRAM-SHA-256&appName=with-driver"
    )
    .password(demo::SCRAM_PASSWORD)
    .build()?;
    ping("mongo_uri! literal", &literal).await?;

    // the same from a config file (paths in it are relative to the repository root)
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR"))?;
    let text = std::fs::read_to_string("examples/with_driver.toml")?;
    let document =
        toml::Deserializer::parse(&text).map_err(|e| ConfigError::from_message(e.message()))?;
    let app: AppConfig = from_deserializer(document)?;
    ping("examples/with_driver.toml", &app.mongodb).await?;

    for connection in server.connections() {
        for (user, mechanism) in connection.authenticated.iter().zip(&connection.mechanisms) {
            println!(
                "server: connection {} authenticated {user} with {mechanism}",
                connection.id
            );
        }
    }
    server.shutdown().await;
    Ok(())
}

#[cfg(not(unix))]
async fn against_the_embedded_server() -> Result<()> {
    Err("the embedded server of this example listens on a Unix socket: give a URI instead".into())
}

/// Makes a driver client from `config`, runs `ping` and `connectionStatus`, prints who we are.
async fn ping(label: &str, config: &ClientConfig) -> Result<()> {
    let mut options = config.to_driver_options().await?;
    // fail within seconds rather than after the driver's 30 s server selection
    options.server_selection_timeout = Some(Duration::from_secs(5));
    let client = mongodb::Client::with_options(options)?;
    let started = Instant::now();
    let admin = client.database("admin");
    admin.run_command(doc! { "ping": 1 }).await?;
    let elapsed = started.elapsed();
    let status = admin.run_command(doc! { "connectionStatus": 1 }).await?;
    let users: Vec<String> = status
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .map(|users| {
            users
                .iter()
                .filter_map(|user| user.as_document())
                .map(|user| {
                    format!(
                        "{}@{}",
                        user.get_str("user").unwrap_or("?"),
                        user.get_str("db").unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    println!(
        "{label:<28} first ping of a new client in {:>6.2} ms, authenticated as {}",
        elapsed.as_secs_f64() * 1e3,
        if users.is_empty() {
            "nobody".to_owned()
        } else {
            users.join(", ")
        }
    );
    client.shutdown().await;
    Ok(())
}
