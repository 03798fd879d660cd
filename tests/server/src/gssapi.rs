//! The server side of GSSAPI (Kerberos, RFC 4752 as mongod runs it), and a throwaway MIT realm to
//! run it against (feature `gssapi`).
//!
//! [`GssapiAcceptor`] accepts security contexts with the keys of a keytab (`KRB5_KTNAME`), then
//! performs the security-layer step: it wraps the 4-byte offer `[0x01, max size]` ("no security
//! layer" only), unwraps the client's reply, and checks that it chose no layer and that its
//! authorization identity is empty or the authenticated principal. The principal is the user the
//! server authenticates (database `$external`).
//!
//! [`Kdc`] runs `scripts/kdc.sh run`: a KDC on 127.0.0.1 serving the realms `MONGO-AUTH.TEST` and
//! `SERVICES.MONGO-AUTH.TEST` (which trusts the first), stopped when the process that started it
//! exits.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mongo_auth_test_server::ServerConfig;
//! use mongo_auth_test_server::gssapi::GssapiAcceptor;
//! let config = ServerConfig::new().sasl_mechanism(Arc::new(GssapiAcceptor::any_service()));
//! # let _ = config;
//! ```

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use libgssapi::context::{CtxFlags, SecurityContext, ServerCtx};
use libgssapi::credential::{Cred, CredUsage};
use libgssapi::name::Name;
use libgssapi::oid::{GSS_MECH_KRB5, GSS_NT_HOSTBASED_SERVICE, GSS_NT_KRB5_PRINCIPAL, OidSet};

use crate::{SaslConversation, SaslMechanism, SaslStep};

/// The "no security layer" bit of the security-layer messages.
const LAYER_NONE: u8 = 0x01;
/// The maximum message size the offer announces (mongod's Cyrus SASL announces 64 KiB).
const MAX_MESSAGE_SIZE: u32 = 0x01_0000;

fn gss_text(error: libgssapi::error::Error) -> String {
    format!(
        "{error} (major {:#x}, minor {})",
        error.major.bits(),
        error.minor
    )
}

/// The `GSSAPI` SASL mechanism of the conformance server.
#[derive(Debug, Clone)]
pub struct GssapiAcceptor {
    service: Option<String>,
}

impl GssapiAcceptor {
    /// Accepts tickets for any service principal whose key is in the keytab.
    pub fn any_service() -> Self {
        Self { service: None }
    }

    /// Accepts tickets only for one service principal: a host-based name (`othersvc@localhost`)
    /// or a Kerberos principal (`mongodb/localhost@REALM`).
    pub fn for_service(principal: impl Into<String>) -> Self {
        Self {
            service: Some(principal.into()),
        }
    }

    fn credentials(&self) -> Result<Option<Cred>, String> {
        let Some(service) = &self.service else {
            // GSS_C_NO_CREDENTIAL: any key of the default keytab.
            return Ok(None);
        };
        let kind = if service.contains('/') {
            GSS_NT_KRB5_PRINCIPAL
        } else {
            GSS_NT_HOSTBASED_SERVICE
        };
        let name = Name::new(service.as_bytes(), Some(kind))
            .map_err(|e| format!("bad service name {service}: {}", gss_text(e)))?;
        let mechanisms = OidSet::singleton(GSS_MECH_KRB5).map_err(gss_text)?;
        Cred::acquire(Some(&name), None, CredUsage::Accept, Some(&mechanisms))
            .map(Some)
            .map_err(|e| format!("no key for {service} in the keytab: {}", gss_text(e)))
    }

    /// Starts a conversation from the client's first token, without the SASL plumbing.
    pub fn accept(&self, first_token: &[u8]) -> (AcceptorConversation, SaslStep) {
        let mut conversation = AcceptorConversation {
            context: None,
            state: State::Accepting,
        };
        let step = match self.credentials() {
            Ok(credentials) => {
                conversation.context = Some(ServerCtx::new(credentials));
                conversation.step(first_token)
            }
            Err(reason) => {
                conversation.state = State::Over;
                SaslStep::Failed(reason)
            }
        };
        (conversation, step)
    }
}

impl SaslMechanism for GssapiAcceptor {
    fn name(&self) -> &str {
        "GSSAPI"
    }

    fn start(&self, payload: &[u8]) -> (Box<dyn SaslConversation>, SaslStep) {
        let (conversation, step) = self.accept(payload);
        (Box::new(conversation), step)
    }
}

enum State {
    /// `gss_accept_sec_context` has not completed.
    Accepting,
    /// The context is complete and its last token was sent; the client answers with an empty
    /// payload, and the server then sends the offer.
    Established,
    /// The wrapped offer was sent; the client's wrapped choice comes next.
    OfferSent { principal: String },
    /// Finished or failed: any further step fails.
    Over,
}

/// One GSSAPI conversation on the server's side.
pub struct AcceptorConversation {
    context: Option<ServerCtx>,
    state: State,
}

impl fmt::Debug for AcceptorConversation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptorConversation")
            .finish_non_exhaustive()
    }
}

impl AcceptorConversation {
    fn fail(&mut self, reason: String) -> SaslStep {
        self.state = State::Over;
        SaslStep::Failed(reason)
    }

    fn offer(&mut self) -> SaslStep {
        let Some(context) = self.context.as_mut() else {
            return self.fail("no security context".to_owned());
        };
        let principal = match context.source_name() {
            Ok(name) => name.to_string(),
            Err(e) => return self.fail(format!("no client principal: {}", gss_text(e))),
        };
        let size = MAX_MESSAGE_SIZE.to_be_bytes();
        let offer = [LAYER_NONE, size[1], size[2], size[3]];
        match context.wrap(false, &offer) {
            Ok(wrapped) => {
                self.state = State::OfferSent { principal };
                SaslStep::Continue(wrapped.to_vec())
            }
            Err(e) => self.fail(format!("cannot wrap the offer: {}", gss_text(e))),
        }
    }

    fn accept_token(&mut self, payload: &[u8]) -> SaslStep {
        let Some(context) = self.context.as_mut() else {
            return self.fail("no security context".to_owned());
        };
        match context.step(payload, None) {
            Err(e) => self.fail(format!("gss_accept_sec_context failed: {}", gss_text(e))),
            Ok(token) => {
                let token = token.map(|t| t.to_vec()).unwrap_or_default();
                if !context.is_complete() {
                    return SaslStep::Continue(token);
                }
                let flags = context.flags().unwrap_or(CtxFlags::empty());
                if !flags.contains(CtxFlags::GSS_C_INTEG_FLAG) {
                    return self.fail("the context offers no integrity protection".to_owned());
                }
                if token.is_empty() {
                    // Nothing left for the client to consume: the offer goes out right away.
                    self.offer()
                } else {
                    self.state = State::Established;
                    SaslStep::Continue(token)
                }
            }
        }
    }

    fn check_choice(&mut self, payload: &[u8], principal: String) -> SaslStep {
        let Some(context) = self.context.as_mut() else {
            return self.fail("no security context".to_owned());
        };
        let choice = match context.unwrap(payload) {
            Ok(choice) => choice.to_vec(),
            Err(e) => {
                return self.fail(format!(
                    "cannot unwrap the client's choice: {}",
                    gss_text(e)
                ));
            }
        };
        self.state = State::Over;
        if choice.len() < 4 {
            return SaslStep::Failed(format!(
                "the client's choice is {} bytes long",
                choice.len()
            ));
        }
        if choice[0] != LAYER_NONE {
            return SaslStep::Failed(format!(
                "the client chose security layer {:#04x}; only \"none\" was offered",
                choice[0]
            ));
        }
        let authorization_id = match std::str::from_utf8(&choice[4..]) {
            Ok(id) => id,
            Err(_) => {
                return SaslStep::Failed("the authorization identity is not UTF-8".to_owned());
            }
        };
        if !authorization_id.is_empty() && authorization_id != principal {
            return SaslStep::Failed(format!(
                "{principal} may not act as {authorization_id} (the authorization identity must be \
                 the principal)"
            ));
        }
        SaslStep::Done {
            payload: Vec::new(),
            principal,
        }
    }
}

impl SaslConversation for AcceptorConversation {
    fn step(&mut self, payload: &[u8]) -> SaslStep {
        match std::mem::replace(&mut self.state, State::Over) {
            State::Accepting => {
                self.state = State::Accepting;
                self.accept_token(payload)
            }
            State::Established if payload.is_empty() => self.offer(),
            State::Established => {
                self.fail("the client sent a token after the context was established".to_owned())
            }
            State::OfferSent { principal } => self.check_choice(payload, principal),
            State::Over => SaslStep::Failed("the GSSAPI conversation is over".to_owned()),
        }
    }
}

/// A running throwaway KDC (`scripts/kdc.sh run`) and the environment that points Kerberos at it.
///
/// The KDC stops when the process that started it exits (the script waits for its standard
/// input to close); [`Kdc::shared`] starts one per process.
#[derive(Debug)]
pub struct Kdc {
    dir: PathBuf,
    env: Vec<(String, String)>,
    password: String,
    started_in: Duration,
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

/// The Debian packages the KDC needs.
pub const KDC_PACKAGES: &str = "krb5-kdc krb5-admin-server krb5-user";

impl Kdc {
    /// The client realm.
    pub const REALM: &'static str = "MONGO-AUTH.TEST";
    /// The service realm that trusts [`Kdc::REALM`].
    pub const SERVICE_REALM: &'static str = "SERVICES.MONGO-AUTH.TEST";
    /// The user principal that has a password.
    pub const USER: &'static str = "mongodbuser@MONGO-AUTH.TEST";
    /// A user whose tickets last 2 seconds (same password as [`Kdc::USER`]).
    pub const SHORT_LIVED_USER: &'static str = "shortlived@MONGO-AUTH.TEST";

    /// The KDC of this process, started on first use. Panics with the reason when it cannot start
    /// (the krb5 tools are missing, for example): tests that need it fail, they are not skipped.
    pub fn shared() -> &'static Kdc {
        static KDC: OnceLock<Kdc> = OnceLock::new();
        KDC.get_or_init(|| Kdc::start().unwrap_or_else(|e| panic!("{e}")))
    }

    /// Starts a KDC in a fresh directory under the system's temporary directory.
    pub fn start() -> Result<Kdc, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/kdc.sh");
        let unique = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("mongo-auth-kdc-{}-{unique}", std::process::id()));
        let began = Instant::now();
        let mut child = Command::new("bash")
            .arg(&script)
            .arg("run")
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin pipe to kdc.sh")?;
        let stdout = child.stdout.take().ok_or("no stdout pipe from kdc.sh")?;
        let mut env = Vec::new();
        let mut ready = false;
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading kdc.sh: {e}"))?;
            if line == "ready" {
                ready = true;
                break;
            }
            if let Some((key, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('='))
            {
                env.push((key.to_owned(), value.to_owned()));
            }
        }
        if !ready {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                use std::io::Read;
                let _ = pipe.read_to_string(&mut stderr);
            }
            let _ = child.wait();
            return Err(format!(
                "the test KDC did not start: {} (it needs the Debian packages {KDC_PACKAGES}; \
                 scripts/test-all.sh installs them)",
                stderr.trim()
            ));
        }
        let started_in = began.elapsed();
        let password_file = env
            .iter()
            .find(|(k, _)| k == "MONGO_AUTH_KRB5_PASSWORD_FILE")
            .map(|(_, v)| v.clone())
            .ok_or("kdc.sh printed no password file")?;
        let password = std::fs::read_to_string(&password_file)
            .map_err(|e| format!("reading {password_file}: {e}"))?;
        Ok(Kdc {
            dir,
            env,
            password,
            started_in,
            _stdin: Mutex::new(stdin),
            _child: Mutex::new(child),
        })
    }

    /// The realm's directory (configuration, database, keytab, log).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The environment for Kerberos clients and the acceptor: `KRB5_CONFIG`, `KRB5_KDC_PROFILE`,
    /// `KRB5CCNAME` (a default cache in the realm's directory), `KRB5_KTNAME`, `KRB5RCACHEDIR`.
    pub fn env(&self) -> impl Iterator<Item = (&str, &str)> {
        self.env.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The password of [`Kdc::USER`] and [`Kdc::SHORT_LIVED_USER`].
    pub fn password(&self) -> &str {
        &self.password
    }

    /// How long the script took from launch to a KDC that answers.
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// A fresh ticket cache path in the realm's directory (`FILE:` form), empty until [`Kdc::kinit`].
    pub fn new_ccache(&self, name: &str) -> String {
        format!("FILE:{}", self.dir.join(format!("ccache-{name}")).display())
    }

    /// `kinit principal` into `ccache` with the user password, optionally with a ticket lifetime.
    pub fn kinit(
        &self,
        ccache: &str,
        principal: &str,
        lifetime: Option<&str>,
    ) -> Result<(), String> {
        use std::io::Write;
        let mut command = Command::new("kinit");
        command.envs(self.env()).env("KRB5CCNAME", ccache);
        if let Some(lifetime) = lifetime {
            command.arg("-l").arg(lifetime);
        }
        let mut child = command
            .arg(principal)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run kinit: {e} (install {KDC_PACKAGES})"))?;
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{}", self.password).map_err(|e| format!("kinit stdin: {e}"))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|e| format!("kinit: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "kinit {principal} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }

    /// Whether the KDC refuses the ticket-granting ticket in `ccache` as expired (`kvno --no-store`
    /// asks it for a service ticket).
    pub fn refuses_as_expired(&self, ccache: &str) -> bool {
        Command::new("kvno")
            .args(["--no-store", "othersvc/localhost"])
            .envs(self.env())
            .env("KRB5CCNAME", ccache)
            .output()
            .map(|output| {
                !output.status.success()
                    && String::from_utf8_lossy(&output.stderr).contains("expired")
            })
            .unwrap_or(false)
    }

    /// Whether `ccache` holds a ticket-granting ticket that has not expired (`klist -s`).
    pub fn has_valid_ticket(&self, ccache: &str) -> bool {
        Command::new("klist")
            .arg("-s")
            .envs(self.env())
            .env("KRB5CCNAME", ccache)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}
