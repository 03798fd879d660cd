//! SCRAM benchmarks, printed as a table (`cargo bench --bench scram`):
//!
//! 1. PBKDF2 (SCRAM's `Hi`) of this crate against OpenSSL's `PKCS5_PBKDF2_HMAC` (through python3's
//!    `hashlib.pbkdf2_hmac`, which calls it), same parameters, same machine, same run; the ratio.
//! 2. Client CPU per SCRAM handshake with a cold key cache (PBKDF2 included) and a warm one (keys
//!    reused), driving the sans-IO conversation against an in-memory server; no network.
//! 3. Round trips per mechanism, counted by the client and by the conformance server.

use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{KeyInit, Mac};
use mongo_auth::Password;
use mongo_auth::mechanism::scram::{
    ScramClientFirst, ScramKeys, ScramMechanism, mongodb_password_digest, saslprep_password,
};

const USER: &str = "bench";
const PASSWORD: &str = "correct horse battery staple";
const SALT: &[u8] = b"0123456789abcdef";
const SHA1_ITERATIONS: u32 = 10_000;
const SHA256_ITERATIONS: u32 = 15_000;

fn fastest(samples: Vec<Duration>) -> Duration {
    samples.into_iter().min().unwrap_or_default()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The fastest of `runs` timings: on a shared machine, the run least disturbed by other work.
fn time<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    f(); // warm-up
    fastest(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn password_input(mechanism: ScramMechanism) -> Vec<u8> {
    let password = Password::new(PASSWORD);
    match mechanism {
        ScramMechanism::Sha1 => mongodb_password_digest(USER, &password).as_bytes().to_vec(),
        ScramMechanism::Sha256 => saslprep_password(&password).unwrap().as_bytes().to_vec(),
    }
}

/// Median milliseconds of OpenSSL's PBKDF2 through python3's hashlib, or `None` without python3.
fn openssl_pbkdf2(hash: &str, password: &[u8], iterations: u32, runs: usize) -> Option<Duration> {
    let script = format!(
        "import hashlib,time\n\
         pw=bytes.fromhex('{pw}'); salt=bytes.fromhex('{salt}')\n\
         hashlib.pbkdf2_hmac('{hash}', pw, salt, {iterations})\n\
         s=[]\n\
         for _ in range({runs}):\n    t=time.perf_counter(); hashlib.pbkdf2_hmac('{hash}', pw, salt, {iterations}); s.append(time.perf_counter()-t)\n\
         print(min(s))\n",
        pw = hex(password),
        salt = hex(SALT),
    );
    let python = std::env::var("MONGO_AUTH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let output = Command::new(python).arg("-c").arg(script).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let seconds: f64 = String::from_utf8(output.stdout).ok()?.trim().parse().ok()?;
    Some(Duration::from_secs_f64(seconds))
}

/// The OpenSSL that python3's hashlib is linked against.
fn openssl_version() -> Option<String> {
    let python = std::env::var("MONGO_AUTH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let output = Command::new(python)
        .args([
            "-c",
            "import ssl, sys; print(ssl.OPENSSL_VERSION, '/ python', sys.version.split()[0])",
        ])
        .output()
        .ok()?;
    String::from_utf8(output.stdout)
        .ok()
        .map(|s| s.trim().to_owned())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The server side of one SCRAM conversation, from stored keys (as mongod stores them).
struct InMemoryServer {
    mechanism: ScramMechanism,
    server_key: Vec<u8>,
    iterations: u32,
}

impl InMemoryServer {
    fn new(mechanism: ScramMechanism, iterations: u32) -> Self {
        let salted = mechanism.hi(&password_input(mechanism), SALT, iterations);
        Self {
            mechanism,
            server_key: hmac_of(mechanism, &salted, b"Server Key"),
            iterations,
        }
    }

    fn server_first(&self, client_first: &[u8]) -> (String, String) {
        let text = std::str::from_utf8(client_first).unwrap();
        let bare = text.strip_prefix("n,,").unwrap().to_owned();
        let nonce = bare.split(",r=").nth(1).unwrap();
        let server_first = format!(
            "r={nonce}serverpart,s={},i={}",
            BASE64.encode(SALT),
            self.iterations
        );
        (bare, server_first)
    }

    fn server_final(&self, bare: &str, server_first: &str, client_final: &[u8]) -> Vec<u8> {
        let client_final = std::str::from_utf8(client_final).unwrap();
        let without_proof = client_final.rsplit_once(",p=").unwrap().0;
        let auth_message = format!("{bare},{server_first},{without_proof}");
        let signature = hmac_of(self.mechanism, &self.server_key, auth_message.as_bytes());
        format!("v={}", BASE64.encode(signature)).into_bytes()
    }
}

fn hmac_of(mechanism: ScramMechanism, key: &[u8], message: &[u8]) -> Vec<u8> {
    match mechanism {
        ScramMechanism::Sha1 => {
            let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        ScramMechanism::Sha256 => {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
    }
}

/// Client CPU of one handshake: every client step is timed; the in-memory server's work is not.
fn handshake(server: &InMemoryServer, cached: Option<&ScramKeys>) -> Duration {
    let password = Password::new(PASSWORD);
    let start = Instant::now();
    let first = ScramClientFirst::new(server.mechanism, USER, &password).unwrap();
    let message = first.message();
    let mut client = start.elapsed();
    let (bare, server_first) = server.server_first(&message);
    let start = Instant::now();
    let step = first
        .handle_server_first(server_first.as_bytes(), 1_000_000)
        .unwrap();
    let derived;
    let keys = match cached {
        Some(keys) => keys,
        None => {
            derived = ScramKeys::derive(&step.key_request());
            &derived
        }
    };
    let client_final = step.handle_keys(keys);
    client += start.elapsed();
    let server_final = server.server_final(&bare, &server_first, client_final.message());
    let start = Instant::now();
    client_final.handle_server_final(&server_final).unwrap();
    client + start.elapsed()
}

/// Round trips per mechanism, counted by the client and by the conformance server.
fn round_trips() {
    use mongo_auth::{Auth, ClientConfig, Tls};
    use mongo_auth_test_server::certs::{CLIENT_SUBJECT, TestPki};
    use mongo_auth_test_server::tls::{ClientAuth, TlsOptions};
    use mongo_auth_test_server::{Server, ServerConfig, User};

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pki = TestPki::generate_temporary().unwrap();
        let users = |config: ServerConfig| {
            config
                .user(User::new(USER, "admin").password(PASSWORD))
                .user(User::plain("ldap", PASSWORD))
                .user(User::x509(CLIENT_SUBJECT))
        };
        let tls = || Tls::enabled().ca_file(&pki.ca);
        println!("\n== round trips per mechanism (client count / conformance-server count) ==");
        println!(
            "{:<42} {:>8} {:>8}",
            "mechanism (server)", "client", "server"
        );
        for (label, speculative, skip) in [
            ("4.4+: speculative + skipEmptyExchange", true, true),
            ("no speculative, no skipEmptyExchange", false, false),
        ] {
            let server = Server::start(
                users(ServerConfig::new())
                    .speculative_authentication(speculative)
                    .skip_empty_exchange(skip)
                    .tls(
                        TlsOptions::new(&pki.server.pem)
                            .client_auth(ClientAuth::Optional { ca: pki.ca.clone() }),
                    ),
            )
            .await
            .unwrap();
            let host = server.addr().to_string();
            let configs: Vec<(&str, ClientConfig)> = vec![
                (
                    "SCRAM-SHA-256",
                    ClientConfig::builder()
                        .host(host.clone())
                        .credential(
                            Auth::scram_sha_256()
                                .username(USER)
                                .password(PASSWORD),
                        )
                        .tls(tls())
                        .build()
                        .unwrap(),
                ),
                (
                    "SCRAM-SHA-1",
                    ClientConfig::builder()
                        .host(host.clone())
                        .credential(Auth::scram_sha_1().username(USER).password(PASSWORD))
                        .tls(tls())
                        .build()
                        .unwrap(),
                ),
                (
                    "negotiated SCRAM",
                    ClientConfig::builder()
                        .host(host.clone())
                        .credential(Auth::scram().username(USER).password(PASSWORD))
                        .tls(tls())
                        .build()
                        .unwrap(),
                ),
                (
                    "PLAIN",
                    ClientConfig::builder()
                        .host(host.clone())
                        .credential(Auth::plain().username("ldap").password(PASSWORD))
                        .tls(tls())
                        .build()
                        .unwrap(),
                ),
                (
                    "MONGODB-X509",
                    ClientConfig::builder()
                        .host(host.clone())
                        .credential(Auth::x509())
                        .tls(tls().client_cert(&pki.client.pem))
                        .build()
                        .unwrap(),
                ),
            ];
            println!("-- {label}");
            for (name, config) in configs {
                let before = server.connections().len();
                let connection = mongo_auth::connect(&config).await.unwrap();
                let server_count = server.connections()[before].round_trips();
                println!(
                    "{name:<42} {:>8} {:>8}",
                    connection.handshake_round_trips(),
                    server_count
                );
            }
            server.shutdown().await;
        }
        let legacy = Server::start(
            ServerConfig::new()
                .max_wire_version(2)
                .user(User::mongodb_cr(USER, "admin", PASSWORD)),
        )
        .await
        .unwrap();
        let config: ClientConfig = legacy
            .uri_for(USER, PASSWORD, "admin", Some("MONGODB-CR"))
            .parse()
            .unwrap();
        let authenticator = mongo_auth::Authenticator::new(&config).unwrap();
        let first = authenticator.connect().await.unwrap();
        let before = legacy.connections().len();
        let second = authenticator.connect().await.unwrap();
        println!("-- 2.6 (OP_QUERY only)");
        println!(
            "{:<42} {:>8} {:>8}",
            "MONGODB-CR (first, after OP_MSG refused)",
            first.handshake_round_trips(),
            legacy.connections()[before - 1].round_trips()
        );
        println!(
            "{:<42} {:>8} {:>8}",
            "MONGODB-CR (host remembered)",
            second.handshake_round_trips(),
            legacy.connections()[before].round_trips()
        );
        legacy.shutdown().await;

        // Whole handshakes over loopback TCP (client and conformance server in this process).
        println!("\n== SCRAM-SHA-256 handshake over loopback TCP (hello + saslContinue), median ==");
        let server = Server::start(users(ServerConfig::new())).await.unwrap();
        let config = ClientConfig::builder()
            .host(server.addr().to_string())
            .credential(Auth::scram_sha_256().username(USER).password(PASSWORD))
            .build()
            .unwrap();
        let runs = 51;
        let mut cold = Vec::new();
        for _ in 0..runs {
            let authenticator = mongo_auth::Authenticator::new(&config).unwrap();
            let started = Instant::now();
            authenticator.connect().await.unwrap();
            cold.push(started.elapsed());
        }
        let authenticator = mongo_auth::Authenticator::new(&config).unwrap();
        authenticator.connect().await.unwrap();
        let mut warm = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            authenticator.connect().await.unwrap();
            warm.push(started.elapsed());
        }
        println!(
            "cold key cache {:>9.3} ms   warm key cache {:>9.3} ms   (PBKDF2 runs with the warm one: {})",
            median(cold).as_secs_f64() * 1e3,
            median(warm).as_secs_f64() * 1e3,
            authenticator.pbkdf2_computations()
        );
        server.shutdown().await;
    });
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent; keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = if quick { 3 } else { 31 };

    println!(
        "\n== PBKDF2 (SCRAM Hi): mongo-auth vs OpenSSL PKCS5_PBKDF2_HMAC (python3 hashlib), fastest of {runs} =="
    );
    if let Some(version) = openssl_version() {
        println!("({version})");
    }
    println!(
        "{:<10} {:>10} {:>14} {:>14} {:>8}",
        "hash", "iterations", "mongo-auth", "openssl", "ratio"
    );
    for (mechanism, name, iterations) in [
        (ScramMechanism::Sha1, "sha1", SHA1_ITERATIONS),
        (ScramMechanism::Sha256, "sha256", SHA256_ITERATIONS),
    ] {
        let input = password_input(mechanism);
        let ours = time(runs, || {
            std::hint::black_box(mechanism.hi(&input, SALT, iterations));
        });
        match openssl_pbkdf2(name, &input, iterations, runs) {
            Some(openssl) => println!(
                "{name:<10} {iterations:>10} {:>11.3} ms {:>11.3} ms {:>8.3}",
                ours.as_secs_f64() * 1e3,
                openssl.as_secs_f64() * 1e3,
                ours.as_secs_f64() / openssl.as_secs_f64()
            ),
            None => println!(
                "{name:<10} {iterations:>10} {:>11.3} ms {:>14} {:>8}",
                ours.as_secs_f64() * 1e3,
                "(no python3)",
                "-"
            ),
        }
    }

    println!("\n== SCRAM client CPU per handshake (sans-IO, in-memory server, no network) ==");
    println!(
        "{:<15} {:>10} {:>14} {:>14}",
        "mechanism", "iterations", "cold cache", "warm cache"
    );
    for (mechanism, iterations) in [
        (ScramMechanism::Sha1, SHA1_ITERATIONS),
        (ScramMechanism::Sha256, SHA256_ITERATIONS),
    ] {
        let server = InMemoryServer::new(mechanism, iterations);
        let cold = median((0..runs).map(|_| handshake(&server, None)).collect());
        let request = {
            let first = ScramClientFirst::new(mechanism, USER, &Password::new(PASSWORD)).unwrap();
            let (_, server_first) = server.server_first(&first.message());
            first
                .handle_server_first(server_first.as_bytes(), 1_000_000)
                .unwrap()
                .key_request()
        };
        let keys = ScramKeys::derive(&request);
        let warm_runs = if quick { 10 } else { 2001 };
        let warm = median(
            (0..warm_runs)
                .map(|_| handshake(&server, Some(&keys)))
                .collect(),
        );
        println!(
            "{:<15} {iterations:>10} {:>11.3} ms {:>11.1} µs",
            mechanism.mechanism().as_str(),
            cold.as_secs_f64() * 1e3,
            warm.as_secs_f64() * 1e6
        );
    }

    round_trips();
}
