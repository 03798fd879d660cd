//! mongo-auth beside the official `mongodb` driver: same process, same strings, same run, ratios.
//!
//! ```sh
//! cargo bench --features mongodb --bench versus_driver            # the full report
//! scripts/bench-table.sh                                          # the same, and README's table
//! ```
//!
//! 1. Parsing: core's `ConnectionStringRef::parse` (in place) and `ConnectionString::parse`,
//!    `str::parse::<ClientConfig>` and a complete `mongo_uri!` literal against the driver's
//!    `ConnectionString::parse`, on a typical and a complex string and two more. Medians of
//!    interleaved rounds, nanoseconds per call.
//! 2. PBKDF2 (SCRAM's `Hi`) against its SHA-NI bound: two compression-function calls per iteration,
//!    timed on this machine in this run (`sha1::block_api::compress`, `sha2::block_api::compress256`).
//! 3. Connection set-up against the conformance server on loopback, run in a child process so that the
//!    client's CPU can be told from the server's: a fresh connection + SCRAM-SHA-256 + `ping` through a
//!    shared authenticator (warm key cache) against a fresh driver client (whose process-wide key cache is
//!    warm too), and the floor under both (a fresh TCP connection and three round trips of commands
//!    encoded in advance, blocking sockets). Measured twice: in a task on the runtime's workers (how a
//!    service makes its connections) and from `block_on`'s own thread (the body of `#[tokio::main]`,
//!    where each socket readiness wakes that thread from a worker). Then the same from a fresh process
//!    (cold, whole-process wall time), beside the least any client can take there (an empty process of
//!    this binary and PBKDF2 at its chained bound), and 1,000 concurrent connections through one
//!    authenticator.
//!
//! `MONGO_AUTH_BENCH_QUICK=1` runs fewer rounds (for a smoke test); `MONGO_AUTH_BENCH_MARKDOWN=1` adds the
//! README table at the end, between `<!-- bench:begin -->` and `<!-- bench:end -->`.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bson::doc;
use mongo_auth::mechanism::scram::ScramMechanism;
use mongo_auth::{Authenticator, ClientConfig, mongo_uri};

/// The child process this binary runs as, and its argument.
const ROLE: &str = "MONGO_AUTH_BENCH_ROLE";
const ROLE_ARG: &str = "MONGO_AUTH_BENCH_ARG";

const USER: &str = "app";
const PASSWORD: &str = "pencil";

/// One connection string, with its `mongo_uri!` literal.
struct Case {
    label: &'static str,
    uri: &'static str,
    literal: fn() -> ClientConfig,
}

macro_rules! case {
    ($label:expr, $uri:literal) => {
        Case {
            label: $label,
            uri: $uri,
            literal: || mongo_uri!($uri),
        }
    };
}

fn cases() -> [Case; 4] {
    [
        case!(
            "typical: one host, SCRAM-SHA-256, authSource",
            "mongodb://app:s3cret@db.example.com:27017/shop?authSource=admin&authMechanism=SCRAM-SHA-256"
        ),
        case!(
            "complex: 3 hosts, TLS files, SCRAM-SHA-1, 10 more options",
            "mongodb://inventory:p%40ssw0rd@db1.example.com:27017,db2.example.com:27018,db3.example.com:27019/inventory?authSource=admin&authMechanism=SCRAM-SHA-1&tls=true&tlsCAFile=/etc/ssl/mongodb/ca.pem&tlsCertificateKeyFile=/etc/ssl/mongodb/client.pem&replicaSet=rs0&appName=inventory-service&connectTimeoutMS=5000&socketTimeoutMS=30000&serverSelectionTimeoutMS=10000&maxPoolSize=50&minPoolSize=5&retryWrites=true&w=majority&readPreference=secondaryPreferred"
        ),
        case!("minimal", "mongodb://localhost"),
        case!(
            "X509 over TLS",
            "mongodb://db.example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=/etc/ssl/mongodb/client.pem&tlsCAFile=/etc/ssl/mongodb/ca.pem"
        ),
    ]
}

fn quick() -> bool {
    std::env::var_os("MONGO_AUTH_BENCH_QUICK").is_some()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// How many calls of `f` take about `target`.
fn calibrate(target: Duration, mut f: impl FnMut()) -> u32 {
    let mut batch = 1u32;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        let elapsed = start.elapsed();
        if elapsed >= target / 4 || batch >= 1 << 24 {
            let per_call = elapsed.as_secs_f64() / f64::from(batch);
            return ((target.as_secs_f64() / per_call) as u32).max(1);
        }
        batch *= 4;
    }
}

/// Nanoseconds per call of each of `fs`: medians over `rounds` rounds, the functions interleaved in
/// every round so that the machine's load falls on all of them alike.
fn interleaved(rounds: usize, fs: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let target = Duration::from_millis(if quick() { 2 } else { 5 });
    let batches: Vec<u32> = fs.iter_mut().map(|f| calibrate(target, f)).collect();
    let mut samples = vec![Vec::with_capacity(rounds); fs.len()];
    for _ in 0..rounds {
        for ((f, &batch), samples) in fs.iter_mut().zip(&batches).zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            samples.push(start.elapsed().as_secs_f64() * 1e9 / f64::from(batch));
        }
    }
    samples.into_iter().map(median).collect()
}

fn ns(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.2} ms", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.2} µs", value / 1e3)
    } else {
        format!("{value:.0} ns")
    }
}

/// The rows README's table is made of.
#[derive(Default)]
struct Summary {
    rows: Vec<[String; 4]>,
}

struct ParseTimes {
    in_place: f64,
    core: f64,
    config: f64,
    literal: f64,
    driver: f64,
}

fn parsing(summary: &mut Summary) {
    let rounds = if quick() { 5 } else { 41 };
    println!("== parsing (ns per call, medians of {rounds} interleaved rounds) ==");
    println!(
        "{:<58} {:>10} {:>10} {:>12} {:>12} {:>10} {:>14} {:>12} {:>14} {:>14}",
        "string",
        "in place",
        "core",
        "ClientConfig",
        "mongo_uri!",
        "driver",
        "driver/in place",
        "driver/core",
        "driver/Config",
        "Config/core"
    );
    for case in cases() {
        // each must succeed, or the numbers would time an error path
        mongo_auth::rulebook::ConnectionString::parse(case.uri).expect("core parses it");
        assert!(
            mongo_auth::rulebook::ConnectionStringRef::parse(case.uri)
                .expect("core parses it in place")
                .is_in_place(),
            "{} is read in place",
            case.label
        );
        case.uri
            .parse::<ClientConfig>()
            .expect("ClientConfig parses it");
        mongodb::options::ConnectionString::parse(case.uri).expect("the driver parses it");
        assert_eq!(
            (case.literal)().to_string(),
            case.uri.parse::<ClientConfig>().unwrap().to_string(),
            "{}",
            case.label
        );

        let uri = case.uri;
        let times = interleaved(
            rounds,
            &mut [
                &mut || {
                    black_box(
                        mongo_auth::rulebook::ConnectionStringRef::parse(black_box(uri)).ok(),
                    );
                },
                &mut || {
                    black_box(mongo_auth::rulebook::ConnectionString::parse(black_box(uri)).ok());
                },
                &mut || {
                    black_box(black_box(uri).parse::<ClientConfig>().ok());
                },
                &mut || {
                    black_box((case.literal)());
                },
                &mut || {
                    black_box(mongodb::options::ConnectionString::parse(black_box(uri)).ok());
                },
            ],
        );
        let times = ParseTimes {
            in_place: times[0],
            core: times[1],
            config: times[2],
            literal: times[3],
            driver: times[4],
        };
        println!(
            "{:<58} {:>10} {:>10} {:>12} {:>12} {:>10} {:>13.1}× {:>11.1}× {:>13.1}× {:>13.2}×",
            case.label,
            ns(times.in_place),
            ns(times.core),
            ns(times.config),
            ns(times.literal),
            ns(times.driver),
            times.driver / times.in_place,
            times.driver / times.core,
            times.driver / times.config,
            times.config / times.core,
        );
        summary.rows.push([
            format!("parse: {}", case.label),
            format!(
                "core in place {}, core {}, `ClientConfig` {}, `mongo_uri!` {}",
                ns(times.in_place),
                ns(times.core),
                ns(times.config),
                ns(times.literal)
            ),
            ns(times.driver),
            format!(
                "{:.1}× / {:.1}× / {:.1}×",
                times.driver / times.in_place,
                times.driver / times.core,
                times.driver / times.config
            ),
        ]);
    }
    println!();
}

/// PBKDF2 of this crate against two compression-function calls per iteration.
fn pbkdf2(summary: &mut Summary) {
    let runs = if quick() { 3 } else { 21 };
    println!("== PBKDF2 against the SHA-NI bound (medians of {runs} interleaved runs) ==");
    for (mechanism, iterations) in [
        (ScramMechanism::Sha1, 10_000u32),
        (ScramMechanism::Sha256, 15_000u32),
    ] {
        let password = b"correct horse battery staple";
        let salt = b"0123456789abcdef";
        let block = [0x5cu8; 64];
        let mut ours = Vec::new();
        let mut bound = Vec::new();
        let mut chained = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            black_box(mechanism.hi(black_box(password), salt, iterations));
            ours.push(start.elapsed().as_secs_f64() * 1e9);
            let start = Instant::now();
            black_box(compressions(mechanism, 2 * iterations, block, false));
            bound.push(start.elapsed().as_secs_f64() * 1e9);
            let start = Instant::now();
            black_box(compressions(mechanism, 2 * iterations, block, true));
            chained.push(start.elapsed().as_secs_f64() * 1e9);
        }
        let (ours, bound, chained) = (median(ours), median(bound), median(chained));
        let label = format!(
            "{} ({iterations} iterations)",
            mechanism.mechanism().as_str()
        );
        println!(
            "{label:<34} ours {:>10}   bound {:>10} (ours/bound {:.2}×)   chained bound {:>10} (ours/chained {:.2}×)",
            ns(ours),
            ns(bound),
            ours / bound,
            ns(chained),
            ours / chained,
        );
        summary.rows.push([
            format!("PBKDF2 {label}"),
            ns(ours),
            format!("SHA-NI bound {} / chained {}", ns(bound), ns(chained)),
            format!("{:.2}× / {:.2}× the bound", ours / bound, ours / chained),
        ]);
    }
    println!();
}

/// `count` calls of the hash's compression function, the state carried from call to call: the SHA-NI
/// bound of PBKDF2 (two calls per iteration). With `chained`, each block starts with the previous
/// state's bytes, as in PBKDF2, where every block holds the previous output (so that the CPU cannot
/// prepare a block's message schedule before the previous compression ends); without, every block is
/// the same.
fn compressions(mechanism: ScramMechanism, count: u32, mut block: [u8; 64], chained: bool) -> u32 {
    fn feed(state: &[u32], block: &mut [u8; 64]) {
        for (word, bytes) in state.iter().zip(block.chunks_exact_mut(4)) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }
    match mechanism {
        ScramMechanism::Sha1 => {
            let mut state = [
                0x6745_2301u32,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ];
            for _ in 0..count {
                sha1::block_api::compress(&mut state, std::slice::from_ref(black_box(&block)));
                if chained {
                    feed(&state, &mut block);
                }
            }
            state[0]
        }
        ScramMechanism::Sha256 => {
            let mut state = [
                0x6a09_e667u32,
                0xbb67_ae85,
                0x3c6e_f372,
                0xa54f_f53a,
                0x510e_527f,
                0x9b05_688c,
                0x1f83_d9ab,
                0x5be0_cd19,
            ];
            for _ in 0..count {
                sha2::block_api::compress256(&mut state, std::slice::from_ref(black_box(&block)));
                if chained {
                    feed(&state, &mut block);
                }
            }
            state[0]
        }
    }
}

/// CPU time of this process so far (every thread that is still alive), from /proc: nanoseconds.
fn process_cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// The conformance server in a child process (this binary again), so that its CPU is not ours.
struct ServerProcess {
    child: std::process::Child,
    port: u16,
}

impl ServerProcess {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .env(ROLE, "server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server process starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("the server prints its port");
        let port = line.trim().parse().expect("a port");
        Self { child, port }
    }

    fn uri(&self) -> String {
        format!(
            "mongodb://{USER}:{PASSWORD}@127.0.0.1:{}/?directConnection=true&authSource=admin&authMechanism=SCRAM-SHA-256",
            self.port
        )
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take()); // the server stops at the end of its stdin
        let _ = self.child.wait();
    }
}

fn run_server() {
    use mongo_auth_test_server::{Server, ServerConfig, User};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server =
            Server::start(ServerConfig::new().user(User::new(USER, "admin").password(PASSWORD)))
                .await
                .expect("the conformance server starts");
        println!("{}", server.addr().port());
        std::io::stdout().flush().unwrap();
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
        })
        .await
        .unwrap();
        server.shutdown().await;
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// `connect`, then a ping of its own round trip.
async fn ours_once(authenticator: &Authenticator) {
    let mut connection = authenticator.connect().await.expect("connects");
    connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .expect("ping");
}

/// `connect_and_ping`: the ping rides with the last SASL message.
async fn ours_pinged_once(authenticator: &Authenticator) {
    authenticator
        .connect_and_ping()
        .await
        .expect("connects and pings");
}

/// The floor under any client: a fresh TCP connection and three round trips of commands encoded
/// in advance (`hello`, `ping`, `ping`: the round trips ours takes), with blocking sockets, so that
/// no runtime, no parsing and no authentication is in it.
struct Floor {
    addr: std::net::SocketAddr,
    frames: [Vec<u8>; 3],
    /// The two `ping`s back to back: what `connect_and_ping` writes after the hello.
    pipelined: Vec<u8>,
}

impl Floor {
    fn new(port: u16) -> Self {
        use mongo_auth::wire::{Frame, Message, OpMsg};
        let frame = |command: bson::Document| {
            Frame::new(Message::Msg(OpMsg::new(command)))
                .encode()
                .expect("a command encodes")
        };
        let frames = [
            frame(doc! { "hello": 1, "$db": "admin" }),
            frame(doc! { "ping": 1, "$db": "admin" }),
            frame(doc! { "ping": 1, "$db": "admin" }),
        ];
        Self {
            addr: (std::net::Ipv4Addr::LOCALHOST, port).into(),
            pipelined: [frames[1].as_slice(), frames[2].as_slice()].concat(),
            frames,
        }
    }

    /// The same on the benchmark's tokio runtime: what any client on it pays before doing any work.
    async fn once_async(&self) {
        let [hello, ping, again] = &self.frames;
        Self::exchange_async(self.addr, &[(hello, 1), (ping, 1), (again, 1)]).await;
    }

    /// As [`Floor::once_async`] with the round trips `connect_and_ping` takes: the hello, then two
    /// commands in one write and their two replies.
    async fn once_async_pipelined(&self) {
        Self::exchange_async(self.addr, &[(&self.frames[0], 1), (&self.pipelined, 2)]).await;
    }

    /// A fresh TCP connection to `addr`, then each write and as many replies as it asks for.
    async fn exchange_async(addr: std::net::SocketAddr, writes: &[(&Vec<u8>, usize)]) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let mut stream = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connects");
        stream.set_nodelay(true).unwrap();
        let mut reply = vec![0u8; 16 * 1024];
        for (write, replies) in writes {
            stream.write_all(write).await.expect("sends");
            for _ in 0..*replies {
                stream.read_exact(&mut reply[..4]).await.expect("a reply");
                let length = i32::from_le_bytes(reply[..4].try_into().unwrap()) as usize;
                stream
                    .read_exact(&mut reply[4..length])
                    .await
                    .expect("the reply's body");
            }
        }
    }

    fn once(&self) {
        use std::io::Read as _;
        let mut stream = std::net::TcpStream::connect(self.addr).expect("connects");
        stream.set_nodelay(true).unwrap();
        let mut reply = vec![0u8; 16 * 1024];
        for frame in &self.frames {
            stream.write_all(frame).expect("sends");
            stream.read_exact(&mut reply[..4]).expect("a reply");
            let length = i32::from_le_bytes(reply[..4].try_into().unwrap()) as usize;
            stream
                .read_exact(&mut reply[4..length])
                .expect("the reply's body");
        }
    }
}

async fn driver_once(uri: &str) -> mongodb::Client {
    let client = mongodb::Client::with_uri_str(uri)
        .await
        .expect("the driver's client");
    client
        .database("admin")
        .run_command(doc! { "ping": 1 })
        .await
        .expect("the driver's ping");
    client
}

/// A cold run in this process: parse, authenticate (PBKDF2 included), ping, exit.
fn run_cold(which: &str, uri: &str) {
    let runtime = runtime();
    runtime.block_on(async {
        match which {
            "ours" => {
                let config: ClientConfig = uri.parse().expect("the URI parses");
                let authenticator = Authenticator::new(&config).expect("an authenticator");
                ours_pinged_once(&authenticator).await;
            }
            _ => {
                driver_once(uri).await;
            }
        }
    });
    // no shutdown: the process ends here, as a command-line tool's would
    std::process::exit(0);
}

/// The warm set-up's medians (ns per set-up).
struct Warm {
    ours: f64,
    ours_cpu: f64,
    pinged: f64,
    pinged_cpu: f64,
    driver: f64,
    driver_cpu: f64,
    floor: f64,
    tokio_floor: f64,
    pipelined_floor: f64,
}

/// Warm set-ups through `authenticator` against fresh driver clients and the floors, interleaved:
/// a block of ours (each way) and of the floors, then one driver client, and so on.
async fn warm_rounds(
    authenticator: Arc<Authenticator>,
    uri: String,
    floor: Arc<Floor>,
    ours_n: usize,
    driver_n: usize,
) -> Warm {
    ours_once(&authenticator).await;
    driver_once(&uri).await.shutdown().await;
    let mut ours = Vec::new();
    let mut pinged = Vec::new();
    let mut driver = Vec::new();
    let mut floors = Vec::new();
    let mut tokio_floors = Vec::new();
    let mut pipelined_floors = Vec::new();
    let mut ours_cpu = 0;
    let mut pinged_cpu = 0;
    let mut driver_cpu = 0;
    let per_driver = ours_n / driver_n;
    for _ in 0..driver_n {
        let cpu = process_cpu_ns().unwrap_or(0);
        for _ in 0..per_driver {
            let start = Instant::now();
            ours_pinged_once(&authenticator).await;
            pinged.push(start.elapsed().as_secs_f64() * 1e9);
        }
        pinged_cpu += process_cpu_ns().unwrap_or(0) - cpu;
        let cpu = process_cpu_ns().unwrap_or(0);
        for _ in 0..per_driver {
            let start = Instant::now();
            ours_once(&authenticator).await;
            ours.push(start.elapsed().as_secs_f64() * 1e9);
        }
        ours_cpu += process_cpu_ns().unwrap_or(0) - cpu;
        for _ in 0..per_driver {
            // blocking sockets: this thread waits in the kernel, nothing of the runtime's is in it
            let start = Instant::now();
            floor.once();
            floors.push(start.elapsed().as_secs_f64() * 1e9);
            let start = Instant::now();
            floor.once_async().await;
            tokio_floors.push(start.elapsed().as_secs_f64() * 1e9);
            let start = Instant::now();
            floor.once_async_pipelined().await;
            pipelined_floors.push(start.elapsed().as_secs_f64() * 1e9);
        }
        let cpu = process_cpu_ns().unwrap_or(0);
        let start = Instant::now();
        let client = driver_once(&uri).await;
        driver.push(start.elapsed().as_secs_f64() * 1e9);
        driver_cpu += process_cpu_ns().unwrap_or(0) - cpu;
        // outside the timing, but its CPU counts
        client.shutdown().immediate(true).await;
    }
    let per_ours = (per_driver * driver_n) as f64;
    Warm {
        ours: median(ours),
        ours_cpu: ours_cpu as f64 / per_ours,
        pinged: median(pinged),
        pinged_cpu: pinged_cpu as f64 / per_ours,
        driver: median(driver),
        driver_cpu: driver_cpu as f64 / driver_n as f64,
        floor: median(floors),
        tokio_floor: median(tokio_floors),
        pipelined_floor: median(pipelined_floors),
    }
}

fn connecting(summary: &mut Summary) {
    let server = ServerProcess::start();
    let uri = server.uri();
    let runtime = runtime();
    let (ours_n, driver_n, cold_n) = if quick() { (20, 5, 3) } else { (400, 100, 21) };
    println!(
        "== connection set-up against the conformance server on 127.0.0.1 (a child process) =="
    );

    // warm: one authenticator (keys cached after its first connection) against a fresh driver
    // client, measured twice: in a task on the runtime's workers (how a service makes its
    // connections), then from `block_on`'s own thread (what `#[tokio::main]`'s body is), where each
    // socket readiness is a wake-up across threads.
    let config: ClientConfig = uri.parse().unwrap();
    let authenticator = Arc::new(Authenticator::new(&config).unwrap());
    let floor = Arc::new(Floor::new(server.port));
    let rounds = || {
        warm_rounds(
            authenticator.clone(),
            uri.clone(),
            floor.clone(),
            ours_n,
            driver_n,
        )
    };
    let warm = runtime
        .block_on(runtime.spawn(rounds()))
        .expect("the warm rounds' task");
    let main_future = runtime.block_on(rounds());
    let Warm {
        ours,
        ours_cpu,
        pinged,
        pinged_cpu,
        driver,
        driver_cpu,
        floor,
        tokio_floor,
        pipelined_floor,
    } = warm;
    println!("warm, in a task on the runtime's workers:");
    println!(
        "warm: fresh connection + SCRAM-SHA-256 + ping, connect_and_ping   ours {:>10} (client CPU {})   driver {:>10} (client CPU {})   driver/ours {:.1}×",
        ns(pinged),
        ns(pinged_cpu),
        ns(driver),
        ns(driver_cpu),
        driver / pinged
    );
    println!(
        "      connect, then run_command(ping)   ours {:>10} (client CPU {})   driver/ours {:.1}×",
        ns(ours),
        ns(ours_cpu),
        driver / ours
    );
    println!(
        "      the floor (TCP connect + 3 round trips of commands encoded in advance, blocking \
         sockets) {:>10}; above it: ours {}, driver {}, driver/ours {:.1}×",
        ns(floor),
        ns(ours - floor),
        ns(driver - floor),
        (driver - floor) / (ours - floor)
    );
    println!(
        "      the same floor on this runtime (tokio sockets, awaited here) {:>10}: a client that \
         did nothing else would measure driver/it {:.1}×",
        ns(tokio_floor),
        driver / tokio_floor
    );
    println!(
        "      and with connect_and_ping's two round trips (the hello; two commands in one write) \
         {:>10}: driver/it {:.1}×",
        ns(pipelined_floor),
        driver / pipelined_floor
    );
    println!(
        "warm, from block_on's thread (#[tokio::main]'s body): connect_and_ping   ours {:>10} \
         (client CPU {})   driver {:>10} (client CPU {})   driver/ours {:.1}×",
        ns(main_future.pinged),
        ns(main_future.pinged_cpu),
        ns(main_future.driver),
        ns(main_future.driver_cpu),
        main_future.driver / main_future.pinged
    );
    println!(
        "      connect, then run_command(ping)   ours {:>10}   driver/ours {:.1}×; the floors: \
         blocking {}, tokio {} (three round trips) / {} (two)",
        ns(main_future.ours),
        main_future.driver / main_future.ours,
        ns(main_future.floor),
        ns(main_future.tokio_floor),
        ns(main_future.pipelined_floor),
    );
    summary.rows.push([
        "connect + SCRAM-SHA-256 + ping, warm key cache, in a task: `connect_and_ping` (the ping \
         rides with the last SASL message: two round trips)"
            .to_owned(),
        format!("{} (client CPU {})", ns(pinged), ns(pinged_cpu)),
        format!("{} (client CPU {})", ns(driver), ns(driver_cpu)),
        format!("{:.1}×", driver / pinged),
    ]);
    summary.rows.push([
        "the same with `connect`, then `run_command` ping (three round trips)".to_owned(),
        format!("{} (client CPU {})", ns(ours), ns(ours_cpu)),
        format!("{} (client CPU {})", ns(driver), ns(driver_cpu)),
        format!("{:.1}×", driver / ours),
    ]);
    summary.rows.push([
        format!(
            "the same, above the {} a fresh TCP connection and three round trips of commands \
             encoded in advance take (blocking sockets)",
            ns(floor)
        ),
        ns(ours - floor),
        ns(driver - floor),
        format!("{:.1}×", (driver - floor) / (ours - floor)),
    ]);
    summary.rows.push([
        "that floor on the benchmark's runtime (tokio sockets): a client doing nothing else, \
         three round trips / two (`connect_and_ping`'s)"
            .to_owned(),
        format!("{} / {}", ns(tokio_floor), ns(pipelined_floor)),
        ns(driver),
        format!(
            "{:.1}× / {:.1}×",
            driver / tokio_floor,
            driver / pipelined_floor
        ),
    ]);

    summary.rows.push([
        "the same from `block_on`'s own thread (the body of `#[tokio::main]`), where each wake-up \
         crosses threads: `connect_and_ping` / `connect`, then ping"
            .to_owned(),
        format!("{} / {}", ns(main_future.pinged), ns(main_future.ours)),
        ns(main_future.driver),
        format!(
            "{:.1}× / {:.1}×",
            main_future.driver / main_future.pinged,
            main_future.driver / main_future.ours
        ),
    ]);

    // cold: a fresh process each time, whole-process wall time
    let exe = std::env::current_exe().unwrap();
    // `empty`: the same binary started with nothing to do, the floor both sides share
    let mut cold = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..cold_n {
        for (which, samples) in ["ours", "driver", "empty"].into_iter().zip(&mut cold) {
            let start = Instant::now();
            let status = Command::new(&exe)
                .env(ROLE, which)
                .env(ROLE_ARG, &uri)
                .status()
                .expect("the child runs");
            samples.push(start.elapsed().as_secs_f64() * 1e9);
            assert!(status.success(), "the {which} child failed");
        }
    }
    let [ours_cold, driver_cold, empty] = cold.map(median);
    // The least any client can take here: the empty process, and PBKDF2 over the server's
    // iteration count at the chained SHA-NI bound (the salt only arrives in the server's first
    // reply, so nothing can run it earlier, and each iteration waits for the one before).
    let iterations = mongo_auth_test_server::DEFAULT_SCRAM_SHA_256_ITERATIONS;
    let chained = median(
        (0..if quick() { 3 } else { 11 })
            .map(|_| {
                let start = Instant::now();
                black_box(compressions(
                    ScramMechanism::Sha256,
                    2 * iterations,
                    [0x5c; 64],
                    true,
                ));
                start.elapsed().as_secs_f64() * 1e9
            })
            .collect(),
    );
    let cold_floor = empty + chained;
    println!(
        "cold: a fresh process (parse, connect, PBKDF2, ping, exit)   ours {:>10}   driver {:>10}   driver/ours {:.2}×",
        ns(ours_cold),
        ns(driver_cold),
        driver_cold / ours_cold
    );
    println!(
        "      an empty process of the same binary takes {}; above it: ours {}, driver {}, driver/ours {:.2}×",
        ns(empty),
        ns(ours_cold - empty),
        ns(driver_cold - empty),
        (driver_cold - empty) / (ours_cold - empty)
    );
    println!(
        "      no client can take less than {} here: that empty process and PBKDF2's {iterations} SHA-256 iterations at the chained bound ({}); driver/that {:.2}×",
        ns(cold_floor),
        ns(chained),
        driver_cold / cold_floor
    );
    summary.rows.push([
        "the same from a fresh process (cold key cache), whole-process wall time".to_owned(),
        ns(ours_cold),
        ns(driver_cold),
        format!("{:.2}×", driver_cold / ours_cold),
    ]);
    summary.rows.push([
        format!(
            "the same, above the {} an empty process of the benchmark's binary takes",
            ns(empty)
        ),
        ns(ours_cold - empty),
        ns(driver_cold - empty),
        format!("{:.2}×", (driver_cold - empty) / (ours_cold - empty)),
    ]);
    summary.rows.push([
        format!(
            "the least any client can take from a fresh process here: that empty process and \
             PBKDF2's {iterations} iterations at the chained SHA-NI bound"
        ),
        ns(cold_floor),
        ns(driver_cold),
        format!("{:.2}× at most, for any client", driver_cold / cold_floor),
    ]);

    // 1,000 concurrent connections through one authenticator
    let authenticator = Arc::new(Authenticator::new(&config).unwrap());
    let cpu_before = process_cpu_ns().unwrap_or(0);
    let (elapsed, failures) = runtime.block_on(async {
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..1000 {
            let authenticator = authenticator.clone();
            tasks.spawn(async move {
                let mut connection = authenticator.connect().await?;
                connection.run_command("admin", doc! { "ping": 1 }).await?;
                Ok::<_, mongo_auth::Error>(connection)
            });
        }
        let mut failures = 0;
        let mut open = Vec::new();
        while let Some(result) = tasks.join_next().await {
            match result {
                Ok(Ok(connection)) => open.push(connection),
                _ => failures += 1,
            }
        }
        (start.elapsed(), failures)
    });
    let client_cpu = process_cpu_ns().unwrap_or(0).saturating_sub(cpu_before) as f64;
    let derivations = authenticator.pbkdf2_computations();
    println!(
        "1,000 concurrent connections + ping through one authenticator: {} (client CPU {}), {failures} failures, PBKDF2 ran {derivations} time(s)",
        ns(elapsed.as_secs_f64() * 1e9),
        ns(client_cpu)
    );
    summary.rows.push([
        "1,000 concurrent connections + ping, one authenticator".to_owned(),
        format!(
            "{} (client CPU {}), {failures} failures, {derivations} PBKDF2",
            ns(elapsed.as_secs_f64() * 1e9),
            ns(client_cpu)
        ),
        "—".to_owned(),
        "—".to_owned(),
    ]);
    println!();
}

/// `parser:case:count`: parses one of the cases `count` times and nothing else, for
/// `scripts/parse-instructions.sh` (callgrind's instruction count of two counts, subtracted, is the
/// count per parse).
fn parse_loop(arg: &str) {
    let mut parts = arg.split(':');
    let (Some(parser), Some(case), Some(count)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("MONGO_AUTH_BENCH_ARG is parser:case:count");
    };
    let cases = cases();
    let case = &cases[case.parse::<usize>().expect("a case number")];
    let count: usize = count.parse().expect("a count");
    let uri = case.uri;
    for _ in 0..count {
        match parser {
            "inplace" => {
                black_box(mongo_auth::rulebook::ConnectionStringRef::parse(black_box(uri)).ok());
            }
            "core" => {
                black_box(mongo_auth::rulebook::ConnectionString::parse(black_box(uri)).ok());
            }
            "config" => {
                black_box(black_box(uri).parse::<ClientConfig>().ok());
            }
            "literal" => {
                black_box((case.literal)());
            }
            "driver" => {
                black_box(mongodb::options::ConnectionString::parse(black_box(uri)).ok());
            }
            other => panic!("unknown parser {other}"),
        }
    }
}

/// `ours:count`, `pinged:count` (`connect_and_ping`), `driver:count` or `floor:count`: that many
/// warm connection set-ups against a
/// conformance server in a child process, and nothing else, for a profiler (`perf record`) to look at.
fn warm_loop(arg: &str) {
    let (which, count) = arg
        .split_once(':')
        .expect("MONGO_AUTH_BENCH_ARG is which:count");
    let count: usize = count.parse().expect("a count");
    let server = ServerProcess::start();
    let uri = server.uri();
    let floor = Floor::new(server.port);
    let config: ClientConfig = uri.parse().expect("the URI parses");
    let authenticator = Authenticator::new(&config).expect("an authenticator");
    runtime().block_on(async {
        ours_once(&authenticator).await;
        for _ in 0..count {
            match which {
                "ours" => ours_once(&authenticator).await,
                "pinged" => ours_pinged_once(&authenticator).await,
                "driver" => driver_once(&uri).await.shutdown().await,
                "floor" => floor.once_async().await,
                other => panic!("unknown set-up {other}"),
            }
        }
    });
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let sha = std::fs::read_to_string("/proc/cpuinfo")
        .map(|info| info.contains(" sha_ni"))
        .unwrap_or(false);
    format!(
        "{cpu}, {cores} cores{}, {} {}",
        if sha { ", SHA-NI" } else { "" },
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("server") => return run_server(),
        Ok("empty") => std::process::exit(0),
        Ok(which @ ("ours" | "driver")) => {
            return run_cold(which, &std::env::var(ROLE_ARG).expect("the URI"));
        }
        Ok("parse-loop") => return parse_loop(&std::env::var(ROLE_ARG).expect("what to parse")),
        Ok("warm-loop") => return warm_loop(&std::env::var(ROLE_ARG).expect("ours|floor:count")),
        _ => {}
    }
    // `cargo bench -- FILTER`: run the sections whose name contains FILTER
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    println!("machine: {}\n", machine());
    let mut summary = Summary::default();
    if "parsing".contains(&filter) {
        parsing(&mut summary);
    }
    if "pbkdf2".contains(&filter) {
        pbkdf2(&mut summary);
    }
    if "connecting".contains(&filter) {
        connecting(&mut summary);
    }
    if std::env::var_os("MONGO_AUTH_BENCH_MARKDOWN").is_some() {
        println!("<!-- bench:begin -->");
        println!(
            "Measured by `scripts/bench-table.sh` on {} (release build, the official `mongodb` 3.x of \
             Cargo.lock in the same process; medians of interleaved rounds; for PBKDF2 the third \
             column is the SHA-NI bound, not the driver):\n",
            machine(),
        );
        println!("| work | mongo-auth | official driver | ratio (driver / ours) |");
        println!("|---|---|---|---|");
        for row in &summary.rows {
            println!("| {} | {} | {} | {} |", row[0], row[1], row[2], row[3]);
        }
        println!("<!-- bench:end -->");
    }
}
