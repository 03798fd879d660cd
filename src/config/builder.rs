//! The configuration builder: `ClientConfigBuilder<C, T>`, where `C` is the credential state and `T`
//! the TLS state. [`build`](ClientConfigBuilder::build) exists for every state but compiles only when
//! the credential is complete and the transport is one its mechanism accepts.

use std::time::Duration;

use mongo_auth_core::{Error, Errors, Password};

use super::assemble::{Assembly, CredentialInput, assemble};

use super::credential::{PasswordCredential, X509Credential};
use super::hosts::HostEntry;
use super::options;
use super::states::{
    AuthenticatesOver, CredentialState, HasPassword, HasUsername, NoCredential, NoPassword,
    NoUsername, PasswordMechanism, TlsState, WithClientCert, WithoutClientCert, WithoutTls,
    WithoutTlsClearTextAllowed, X509TakesNoPassword,
};
use super::tls::Tls;
use super::wording::{Vocabulary, reword};
use super::{ClientConfig, ConfigError, ConnectOptions, SecretRefs, ServerApi};

/// Builds a [`ClientConfig`] in code. The type parameters are the builder's state: `C` the credential
/// ([`NoCredential`], a [`PasswordCredential`], an [`X509Credential`], a
/// [`GssapiCredential`](super::GssapiCredential)), `T` the transport ([`WithoutTls`],
/// [`WithoutTlsClearTextAllowed`], [`Tls<WithoutClientCert>`], [`Tls<WithClientCert>`]).
///
/// [`build`](Self::build) compiles only for states that can authenticate: a password credential with
/// its username and password, MONGODB-X509 with a client certificate, PLAIN with TLS (or the explicit
/// opt-in). What types cannot say (an empty host list, an empty user name) is checked when it runs.
///
/// ```
/// use mongo_auth::{Auth, ClientConfig, Tls};
/// let config = ClientConfig::builder()
///     .hosts(["db.example.com"])
///     .credential(Auth::x509())
///     .tls(Tls::enabled().client_cert("client.pem").ca_file("ca.pem"))
///     .build()?;
/// assert_eq!(config.credential().unwrap().source, "$external");
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `.build()` is called"]
pub struct ClientConfigBuilder<C, T> {
    pub(crate) hosts: Vec<HostEntry>,
    pub(crate) srv: bool,
    pub(crate) credential: C,
    pub(crate) tls: T,
    pub(crate) options: ConnectOptions,
    pub(crate) secret_refs: SecretRefs,
}

impl ClientConfig {
    /// A builder with no host, no credential and no TLS.
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::builder().hosts(["localhost:27017"]).build()?;
    /// assert_eq!(config.hosts()[0].port, Some(27017));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn builder() -> ClientConfigBuilder<NoCredential, WithoutTls> {
        ClientConfigBuilder {
            hosts: Vec::new(),
            srv: false,
            credential: NoCredential,
            tls: WithoutTls,
            options: ConnectOptions::default(),
            secret_refs: SecretRefs::default(),
        }
    }
}

impl<C, T> ClientConfigBuilder<C, T> {
    /// The seed hosts, each `host`, `host:port`, `[ipv6]:port` or a socket path ending in `.sock`.
    /// Replaces the hosts given before.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().hosts(["a.example.com", "b.example.com:27018"]);
    /// # let _ = builder;
    /// ```
    pub fn hosts<I>(mut self, hosts: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.hosts = hosts
            .into_iter()
            .map(|h| HostEntry::Text(h.into()))
            .collect();
        self.srv = false;
        self
    }

    /// Adds one seed host.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().host("a.example.com").host("b.example.com");
    /// # let _ = builder;
    /// ```
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.hosts.push(HostEntry::Text(host.into()));
        self
    }

    /// The credential, in any state: a missing username or password can still be added on the
    /// builder ([`password`](ClientConfigBuilder::password)). Replaces a credential given before.
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig};
    /// let builder = ClientConfig::builder().credential(Auth::scram_sha_256().username("app"));
    /// let config = builder.hosts(["localhost"]).password("pencil").build()?;
    /// # let _ = config;
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn credential<C2: CredentialState>(self, credential: C2) -> ClientConfigBuilder<C2, T> {
        ClientConfigBuilder {
            hosts: self.hosts,
            srv: self.srv,
            credential,
            tls: self.tls,
            options: self.options,
            secret_refs: SecretRefs {
                password: None,
                ..self.secret_refs
            },
        }
    }

    /// Turns TLS on with these settings. Replaces TLS settings given before.
    ///
    /// ```
    /// use mongo_auth::{ClientConfig, Tls};
    /// let config = ClientConfig::builder().hosts(["db"]).tls(Tls::enabled().ca_file("ca.pem")).build()?;
    /// assert!(config.tls().is_some());
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn tls<S>(self, tls: Tls<S>) -> ClientConfigBuilder<C, Tls<S>>
    where
        Tls<S>: TlsState,
    {
        ClientConfigBuilder {
            hosts: self.hosts,
            srv: self.srv,
            credential: self.credential,
            tls,
            options: self.options,
            secret_refs: SecretRefs {
                key_password: None,
                ..self.secret_refs
            },
        }
    }

    /// `appName`: sent to the server in the handshake's client metadata.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().app_name("inventory");
    /// # let _ = builder;
    /// ```
    pub fn app_name(mut self, app_name: impl Into<String>) -> Self {
        self.options.app_name = Some(app_name.into());
        self
    }

    /// `connectTimeoutMS`: the bound on the whole connection phase of one host (TCP, TLS, hello
    /// and authentication). Default 10 s; a zero duration means no timeout, as
    /// `connectTimeoutMS=0` does.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().connect_timeout(std::time::Duration::from_secs(3));
    /// # let _ = builder;
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = options::timeout(timeout);
        self
    }

    /// `socketTimeoutMS`: the bound on each command's round trip on a connection once it is
    /// handed over. Default: the handshake timeout. A zero duration means "not set".
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().socket_timeout(std::time::Duration::from_secs(5));
    /// # let _ = builder;
    /// ```
    pub fn socket_timeout(mut self, timeout: Duration) -> Self {
        self.options.socket_timeout = options::timeout(timeout);
        self
    }

    /// `timeoutMS`, the client-side operation timeout: it bounds each connection phase (with
    /// `connectTimeoutMS`, whichever is nearer), each whole
    /// [`Connection::run_command`](crate::Connection::run_command) (a reauthentication and its
    /// retry included), and it is the MONGODB-OIDC machine callback's timeout. When given it
    /// replaces `socketTimeoutMS`; a zero duration means no bound, as `timeoutMS=0` does. Not set
    /// by default.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().timeout(std::time::Duration::from_secs(20));
    /// # let _ = builder;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(options::timeout(timeout));
        self
    }

    /// The limit on the whole handshake of one connection (hello plus authentication). Default 30 s.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().handshake_timeout(std::time::Duration::from_secs(5));
    /// # let _ = builder;
    /// ```
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.options.handshake_timeout = timeout;
        self
    }

    /// A Stable API version: every command declares it, and the handshake uses `hello` instead of
    /// the legacy `isMaster`.
    ///
    /// ```
    /// use mongo_auth::config::ServerApi;
    /// let builder = mongo_auth::ClientConfig::builder().server_api(ServerApi::V1);
    /// # let _ = builder;
    /// ```
    pub fn server_api(mut self, version: ServerApi) -> Self {
        self.options.server_api = Some(version);
        self
    }

    /// The largest SCRAM iteration count the client accepts (default 1,000,000; the spec's minimum of
    /// 4096 always holds): a bound on the CPU a hostile server can make the client spend.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().max_scram_iterations(100_000);
    /// # let _ = builder;
    /// ```
    pub fn max_scram_iterations(mut self, iterations: u32) -> Self {
        self.options.max_scram_iterations = iterations;
        self
    }

    /// `replicaSet`: the replica set name the hosts must belong to.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().replica_set("rs0");
    /// # let _ = builder;
    /// ```
    pub fn replica_set(mut self, name: impl Into<String>) -> Self {
        self.options.replica_set = Some(name.into());
        self
    }

    /// `directConnection`: talk to the one given host only, without discovering the topology.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().direct_connection(true);
    /// # let _ = builder;
    /// ```
    pub fn direct_connection(mut self, direct: bool) -> Self {
        self.options.direct_connection = Some(direct);
        self
    }

    /// `loadBalanced`: the one host is a load balancer in front of a sharded cluster.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().load_balanced(true);
    /// # let _ = builder;
    /// ```
    pub fn load_balanced(mut self, load_balanced: bool) -> Self {
        self.options.load_balanced = Some(load_balanced);
        self
    }

    /// `srvMaxHosts`: with `mongodb+srv`, use at most this many of the hosts the SRV record lists
    /// (a random choice; `0` means all). Only with [`srv`](Self::srv), and not with `replicaSet` or
    /// `loadBalanced=true`.
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::builder()
    ///     .srv("cluster0.example.com")
    ///     .srv_max_hosts(2)
    ///     .build()?;
    /// assert_eq!(config.srv_max_hosts(), Some(2));
    /// assert!(config.to_string().contains("srvMaxHosts=2"));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn srv_max_hosts(mut self, max: u64) -> Self {
        self.options.srv_max_hosts = Some(max);
        self
    }

    /// `srvServiceName`: with `mongodb+srv`, the SRV service to look up (`_<name>._tcp.<host>`;
    /// default `mongodb`). Only with [`srv`](Self::srv).
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::builder()
    ///     .srv("cluster0.example.com")
    ///     .srv_service_name("customname")
    ///     .build()?;
    /// assert_eq!(config.srv_service_name(), "customname");
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn srv_service_name(mut self, name: impl Into<String>) -> Self {
        self.options.srv_service_name = Some(name.into());
        self
    }

    /// The door to the switches that weaken the configuration's safety.
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig};
    /// let builder = ClientConfig::builder()
    ///     .credential(Auth::plain().username("u").password("p"))
    ///     .dangerous()
    ///     .allow_plain_password_without_tls();
    /// # let _ = builder;
    /// ```
    pub fn dangerous(self) -> DangerousClientConfigBuilder<C, T> {
        DangerousClientConfigBuilder { builder: self }
    }
}

impl<C> ClientConfigBuilder<C, WithoutTls> {
    /// `mongodb+srv`: the hosts are looked up in DNS (`_mongodb._tcp.<name>`) when connecting. Replaces
    /// the hosts given before. TLS is implied: the builder moves to [`Tls<WithoutClientCert>`] with the
    /// bundled Mozilla roots (call [`tls`](Self::tls) to change the settings).
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig};
    /// let config = ClientConfig::builder()
    ///     .srv("cluster0.example.com")
    ///     .credential(Auth::plain().username("u").password("p")) // PLAIN is fine: SRV implies TLS
    ///     .build()?;
    /// assert!(config.is_srv() && config.tls().is_some());
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn srv(self, name: impl Into<String>) -> ClientConfigBuilder<C, Tls<WithoutClientCert>> {
        let mut builder = self.tls(Tls::enabled());
        builder.hosts = vec![HostEntry::Text(name.into())];
        builder.srv = true;
        builder
    }
}

impl<C> ClientConfigBuilder<C, Tls<WithoutClientCert>> {
    /// `mongodb+srv` with the TLS settings already given. See the other [`srv`](ClientConfigBuilder::srv).
    ///
    /// ```
    /// use mongo_auth::{ClientConfig, Tls};
    /// let config = ClientConfig::builder().tls(Tls::enabled().ca_file("ca.pem")).srv("cluster0.example.com").build()?;
    /// assert!(config.is_srv());
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn srv(mut self, name: impl Into<String>) -> Self {
        self.hosts = vec![HostEntry::Text(name.into())];
        self.srv = true;
        self
    }
}

impl<C> ClientConfigBuilder<C, Tls<WithClientCert>> {
    /// `mongodb+srv` with the TLS settings already given. See the other [`srv`](ClientConfigBuilder::srv).
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig, Tls};
    /// let config = ClientConfig::builder()
    ///     .credential(Auth::x509())
    ///     .tls(Tls::enabled().client_cert("client.pem"))
    ///     .srv("cluster0.example.com")
    ///     .build()?;
    /// assert!(config.is_srv());
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn srv(mut self, name: impl Into<String>) -> Self {
        self.hosts = vec![HostEntry::Text(name.into())];
        self.srv = true;
        self
    }
}

impl<M: PasswordMechanism, P, T> ClientConfigBuilder<PasswordCredential<M, NoUsername, P>, T> {
    /// Gives the credential its user name (see [`PasswordCredential::username`]).
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig};
    /// let config = ClientConfig::builder()
    ///     .hosts(["db"])
    ///     .credential(Auth::scram_sha_256())
    ///     .username("app")
    ///     .password("pencil")
    ///     .build()?;
    /// # let _ = config;
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn username(
        self,
        username: impl Into<String>,
    ) -> ClientConfigBuilder<PasswordCredential<M, HasUsername, P>, T> {
        let credential = self.credential.username(username);
        ClientConfigBuilder {
            hosts: self.hosts,
            srv: self.srv,
            credential,
            tls: self.tls,
            options: self.options,
            secret_refs: self.secret_refs,
        }
    }
}

impl<M: PasswordMechanism, U, T> ClientConfigBuilder<PasswordCredential<M, U, NoPassword>, T> {
    /// Gives the credential its password: how a `mongo_uri!` literal without a password is completed.
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig};
    /// let secret = String::from("pencil"); // e.g. std::env::var("MONGO_PASSWORD")?
    /// let config = ClientConfig::builder()
    ///     .hosts(["db"])
    ///     .credential(Auth::scram_sha_256().username("app"))
    ///     .password(secret)
    ///     .build()?;
    /// # let _ = config;
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn password(
        self,
        password: impl Into<Password>,
    ) -> ClientConfigBuilder<PasswordCredential<M, U, HasPassword>, T> {
        let credential = self.credential.password(password);
        ClientConfigBuilder {
            hosts: self.hosts,
            srv: self.srv,
            credential,
            tls: self.tls,
            options: self.options,
            secret_refs: self.secret_refs,
        }
    }
}

impl<T> ClientConfigBuilder<X509Credential, T> {
    /// Does not compile: MONGODB-X509 takes no password.
    #[doc(hidden)]
    pub fn password<A: X509TakesNoPassword>(self, refused: A) -> Self {
        refused.refused()
    }
}

impl<C: CredentialState, T: TlsState> ClientConfigBuilder<C, T> {
    /// Checks what the types could not (hosts given and well-formed, no empty user name or source, no
    /// NUL in a SASL user name or password, no TLS settings where every host is a Unix socket) with
    /// the rulebook, and returns the configuration.
    ///
    /// Compiles only when the credential can authenticate over the transport: see
    /// [`AuthenticatesOver`].
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig, Tls};
    /// let config = ClientConfig::builder()
    ///     .hosts(["db.example.com"])
    ///     .credential(Auth::plain().username("ldapuser").password("ldappassword"))
    ///     .tls(Tls::enabled())
    ///     .build()?;
    /// assert_eq!(config.credential().unwrap().source, "$external");
    ///
    /// // what the types cannot say is checked here
    /// let error = ClientConfig::builder().build().unwrap_err();
    /// assert_eq!(error.to_string(), "no host given: add one, e.g. `db.example.com:27017`");
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn build(self) -> Result<ClientConfig, ConfigError>
    where
        C: AuthenticatesOver<T>,
    {
        let allow_plain = self.tls.allows_plain_password_in_clear();
        let tls = self.tls.into_settings();
        let parts = self.credential.into_parts();
        let mechanism = parts.as_ref().and_then(|p| p.mechanism);
        let mut options = self.options;
        options.allow_plain_without_tls |= allow_plain;
        assemble(Assembly {
            hosts: self.hosts,
            srv: self.srv,
            credential: parts.map(CredentialInput::Parts),
            tls,
            options,
            secret_refs: self.secret_refs,
        })
        .map_err(|errors| {
            let reworded: Vec<Error> = errors
                .iter()
                .map(|e| reword(e.clone(), Vocabulary::Builder, mechanism))
                .collect();
            // rewording keeps one error per error, so the list is never empty
            ConfigError::Rules(Errors::from_vec(reworded).unwrap_or(errors))
        })
    }
}

/// The switches that weaken a configuration's safety, reached through
/// [`ClientConfigBuilder::dangerous`].
///
/// ```
/// use mongo_auth::{Auth, ClientConfig};
/// let config = ClientConfig::builder()
///     .hosts(["ldap-proxy.internal"])
///     .credential(Auth::plain().username("u").password("p"))
///     .dangerous()
///     .allow_plain_password_without_tls()
///     .build()?;
/// assert!(config.tls().is_none());
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `.build()` is called"]
pub struct DangerousClientConfigBuilder<C, T> {
    builder: ClientConfigBuilder<C, T>,
}

impl<C> DangerousClientConfigBuilder<C, WithoutTls> {
    /// Lets PLAIN send the password without TLS: anyone who can read the network reads the password.
    /// For a trusted network or an LDAP proxy on the same host only.
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig};
    /// let builder = ClientConfig::builder()
    ///     .credential(Auth::plain().username("u").password("p"))
    ///     .dangerous()
    ///     .allow_plain_password_without_tls();
    /// # let _ = builder;
    /// ```
    pub fn allow_plain_password_without_tls(
        self,
    ) -> ClientConfigBuilder<C, WithoutTlsClearTextAllowed> {
        let b = self.builder;
        let mut options = b.options;
        options.allow_plain_without_tls = true;
        ClientConfigBuilder {
            hosts: b.hosts,
            srv: b.srv,
            credential: b.credential,
            tls: WithoutTlsClearTextAllowed,
            options,
            secret_refs: b.secret_refs,
        }
    }
}

impl<C, T> DangerousClientConfigBuilder<C, T> {
    /// Closes the door again without changing anything.
    ///
    /// ```
    /// let builder = mongo_auth::ClientConfig::builder().dangerous().safe();
    /// # let _ = builder;
    /// ```
    pub fn safe(self) -> ClientConfigBuilder<C, T> {
        self.builder
    }
}
