//! The library layer of rules: what it takes to actually authenticate, stricter than the spec.
//!
//! The spec-layer parser accepts everything the MongoDB specs accept (the spec suites test exactly
//! that). Before a configuration reaches the network, the library also requires:
//!
//! - **MONGODB-X509** needs TLS and a client certificate ([`ErrorKind::X509NeedsTls`]).
//! - **PLAIN** sends the password in clear: it needs TLS unless clear text is allowed explicitly with
//!   [`LibraryRules::allow_plain_without_tls`] ([`ErrorKind::PlainNeedsTls`]). No URI option can allow
//!   it.
//! - **SCRAM, MONGODB-CR, PLAIN** and negotiation need a password ([`ErrorKind::MissingPassword`]). A
//!   `mongo_uri!` literal or a builder may leave it to code: [`LibraryRules::password_from_code`] skips
//!   this check, and [`Errors::only_missing_password`] tells this case apart from others.
//! - **GSSAPI, MONGODB-X509, MONGODB-AWS, MONGODB-OIDC** authenticate against `$external` only
//!   ([`ErrorKind::ExternalSourceOnly`]); the spec layer already enforces it for strings, this layer for
//!   credentials assembled in code.
//! - **Unix sockets are not TLS-wrapped**: TLS settings on a configuration whose every host is a Unix
//!   socket would be ignored, and the user would believe the channel encrypted (for PLAIN, the
//!   password would cross the socket in clear): [`ErrorKind::TlsOverUnixSocket`]. MONGODB-X509 cannot
//!   authenticate over such a configuration at all (its certificate is never sent). A configuration
//!   with TCP hosts as well is fine.
//! - **SASL mechanisms** (SCRAM, PLAIN, GSSAPI, MONGODB-OIDC, and negotiation) cannot carry a NUL
//!   character in the user name or password (RFC 4616 forbids it in PLAIN, RFC 5802 in SCRAM names,
//!   SASLprep in SCRAM-SHA-256 passwords): [`ErrorKind::NulInCredential`], whose message names the
//!   field and never quotes it.
//!
//! ```
//! use mongo_auth_core::library::{check_credential, LibraryRules, TlsFacts};
//! use mongo_auth_core::{ConnectionString, ErrorKind};
//! let uri = ConnectionString::parse("mongodb://ldapuser@db/?authMechanism=PLAIN").unwrap();
//! let errors = uri.check_library_rules().unwrap_err();
//! let kinds: Vec<_> = errors.iter().map(|e| e.kind()).collect();
//! assert!(kinds.contains(&ErrorKind::PlainNeedsTls));
//! assert!(kinds.contains(&ErrorKind::MissingPassword));
//! assert!(!errors.only_missing_password());
//!
//! let rules = LibraryRules::default().allow_plain_without_tls(true).password_from_code(true);
//! uri.check_library_rules_with(rules).unwrap();
//! check_credential(uri.credential(), TlsFacts::new(false, false), rules).unwrap();
//! ```

use std::ops::Range;

use crate::error::{ErrorKind, Errors, Report};
use crate::options::key;
use crate::{
    ConnectionString, Credential, Host, HostKind, Mechanism, MechanismProperties, Password, rules,
};

impl ConnectionString {
    /// Applies the library layer of rules with the default policy ([`LibraryRules::default`]): see
    /// [`crate::library`].
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionString, ErrorKind};
    /// // valid by the spec, refused by the library: X509 without TLS
    /// let uri = ConnectionString::parse("mongodb://localhost/?authMechanism=MONGODB-X509").unwrap();
    /// let errors = uri.check_library_rules().unwrap_err();
    /// assert_eq!(errors.first().kind(), ErrorKind::X509NeedsTls);
    /// ```
    ///
    /// [`LibraryRules::default`]: LibraryRules
    pub fn check_library_rules(&self) -> Result<(), Errors> {
        self.check_library_rules_with(LibraryRules::default())
    }

    /// Applies the library layer of rules with a chosen policy.
    pub fn check_library_rules_with(&self, rules: LibraryRules) -> Result<(), Errors> {
        check_connection_string(self, rules)
    }
}

/// The library-layer policy switches. The default is the strict policy.
///
/// ```
/// use mongo_auth_core::{library::LibraryRules, ConnectionString, ErrorKind};
/// let uri = ConnectionString::parse("mongodb://ldapuser:pencil@localhost/?authMechanism=PLAIN").unwrap();
/// let errors = uri.check_library_rules().unwrap_err();
/// assert_eq!(errors.first().kind(), ErrorKind::PlainNeedsTls);
///
/// // a local LDAP proxy on a trusted network
/// let rules = LibraryRules::new().allow_plain_without_tls(true);
/// assert!(rules.allows_plain_without_tls() && !rules.defers_password());
/// uri.check_library_rules_with(rules).unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LibraryRules {
    allow_plain: bool,
    password_from_code: bool,
}

impl LibraryRules {
    /// The strict policy (same as `default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Lets PLAIN send the password without TLS (for a trusted network or a local LDAP proxy).
    pub fn allow_plain_without_tls(mut self, allow: bool) -> Self {
        self.allow_plain = allow;
        self
    }

    /// Skips the "password missing" check: the password will be supplied in code before connecting.
    pub fn password_from_code(mut self, deferred: bool) -> Self {
        self.password_from_code = deferred;
        self
    }

    /// Whether PLAIN may run without TLS.
    pub fn allows_plain_without_tls(&self) -> bool {
        self.allow_plain
    }

    /// Whether a missing password is left to code.
    pub fn defers_password(&self) -> bool {
        self.password_from_code
    }
}

/// What the library layer needs to know about TLS.
///
/// ```
/// use mongo_auth_core::library::{check_credential, LibraryRules, TlsFacts};
/// use mongo_auth_core::{ConnectionString, ErrorKind};
/// let uri = ConnectionString::parse("mongodb://db/?authMechanism=MONGODB-X509").unwrap();
/// let no_certificate = TlsFacts::new(true, false);
/// let errors = check_credential(uri.credential(), no_certificate, LibraryRules::default()).unwrap_err();
/// assert_eq!(errors.first().kind(), ErrorKind::X509NeedsTls);
///
/// let with_certificate = TlsFacts::new(true, true);
/// check_credential(uri.credential(), with_certificate, LibraryRules::default()).unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsFacts {
    /// TLS is on.
    pub enabled: bool,
    /// A client certificate is configured.
    pub client_certificate: bool,
}

impl TlsFacts {
    /// The facts: whether TLS is on, and whether a client certificate is configured.
    ///
    /// ```
    /// let facts = mongo_auth_core::library::TlsFacts::new(true, false);
    /// assert!(facts.enabled && !facts.client_certificate);
    /// ```
    pub fn new(enabled: bool, client_certificate: bool) -> Self {
        Self {
            enabled,
            client_certificate,
        }
    }
}

/// Checks a credential (from any input) against the library layer, without the rules about hosts
/// ([`check_configuration`] has them).
pub fn check_credential(
    credential: Option<&Credential>,
    tls: TlsFacts,
    rules: LibraryRules,
) -> Result<(), Errors> {
    check_configuration(credential, &[], tls, rules)
}

/// Checks a configuration (from any input: its credential, hosts and TLS) against the library layer.
///
/// ```
/// use mongo_auth_core::library::{check_configuration, LibraryRules, TlsFacts};
/// use mongo_auth_core::{ErrorKind, Host};
/// let socket = Host::parse("%2Ftmp%2Fmongodb-27017.sock").unwrap();
/// let tls = TlsFacts::new(true, false);
/// // a socket connection is not TLS-wrapped: the TLS settings would be ignored
/// let errors = check_configuration(None, &[socket.clone()], tls, LibraryRules::default()).unwrap_err();
/// assert_eq!(errors.first().kind(), ErrorKind::TlsOverUnixSocket);
/// // with a TCP host as well, TLS applies to that host
/// let tcp = Host::parse("db.example.com").unwrap();
/// check_configuration(None, &[socket, tcp], tls, LibraryRules::default()).unwrap();
/// ```
pub fn check_configuration(
    credential: Option<&Credential>,
    hosts: &[Host],
    tls: TlsFacts,
    rules: LibraryRules,
) -> Result<(), Errors> {
    let mut report = Report::default();
    check(
        credential,
        hosts,
        tls,
        rules,
        &Spans::default(),
        &mut report,
    );
    match report.into_errors() {
        None => Ok(()),
        Some(errors) => Err(errors),
    }
}

pub(crate) fn check_connection_string(
    uri: &ConnectionString,
    rules: LibraryRules,
) -> Result<(), Errors> {
    let tls = TlsFacts::new(
        uri.tls_enabled(),
        uri.options().tls_certificate_key_file().is_some(),
    );
    let options = uri.options();
    let mechanism = options
        .canonical(key!("authMechanism"))
        .map(|e| e.span())
        .unwrap_or(uri.userinfo_span.clone());
    let or_userinfo = |span: &Range<usize>| {
        if span.is_empty() {
            uri.userinfo_span.clone()
        } else {
            span.clone()
        }
    };
    let spans = Spans {
        tls: options
            .canonical(key!("tls"))
            .map(|e| e.span())
            .unwrap_or(mechanism.clone()),
        source: options
            .canonical(key!("authSource"))
            .map(|e| e.span())
            .unwrap_or(mechanism.clone()),
        userinfo: uri.userinfo_span.clone(),
        username: or_userinfo(&uri.user_span),
        password: or_userinfo(&uri.password_span),
        mechanism,
    };
    let mut report = Report::default();
    check(
        uri.credential(),
        uri.hosts(),
        tls,
        rules,
        &spans,
        &mut report,
    );
    match report.into_errors() {
        None => Ok(()),
        // the string's own warnings and secret spans travel with its refusal, as for a string the
        // parser refuses
        Some(errors) => Err(errors
            .with_warnings(uri.warnings().to_vec())
            .with_secret_spans(uri.secret_spans().to_vec())),
    }
}

#[derive(Default)]
struct Spans {
    mechanism: Range<usize>,
    tls: Range<usize>,
    source: Range<usize>,
    userinfo: Range<usize>,
    username: Range<usize>,
    password: Range<usize>,
}

fn check(
    credential: Option<&Credential>,
    hosts: &[Host],
    tls: TlsFacts,
    rules: LibraryRules,
    spans: &Spans,
    report: &mut Report,
) {
    let mechanism = credential.and_then(|c| c.mechanism);
    let x509 = credential.is_some() && mechanism == Some(Mechanism::MongodbX509);
    let only_sockets = !hosts.is_empty() && hosts.iter().all(|h| h.kind == HostKind::Unix);
    if only_sockets && x509 {
        report.error(
            ErrorKind::TlsOverUnixSocket,
            spans.mechanism.clone(),
            "MONGODB-X509 cannot authenticate over a Unix socket, whose connection is not \
             TLS-wrapped (the client certificate would never be sent): connect to a TCP host",
        );
    } else if only_sockets && tls.enabled {
        let plain = if credential.is_some() && mechanism == Some(Mechanism::Plain) {
            " (PLAIN over the socket then sends the password in clear, which must be allowed \
             explicitly)"
        } else {
            ""
        };
        report.error(
            ErrorKind::TlsOverUnixSocket,
            spans.tls.clone(),
            format!(
                "TLS settings have no effect when every host is a Unix socket, whose connection is \
                 not TLS-wrapped (the channel would not be encrypted): remove the TLS settings, or \
                 add a TCP host{plain}"
            ),
        );
    }
    let Some(credential) = credential else {
        return;
    };
    // A comma separates authMechanismProperties pairs, so no connection string can carry one inside
    // a value, and no service name, host name or realm holds one: a config file or builder value
    // with a comma is a mistake, and could not be written back as a string.
    if let MechanismProperties::Gssapi(_) = &credential.properties {
        for (key, value) in credential.properties.pairs() {
            if value.contains(',') {
                report.error(
                    ErrorKind::InvalidMechanismProperty,
                    spans.mechanism.clone(),
                    format!(
                        "{key} holds a comma, which no {} has and authMechanismProperties cannot \
                         carry (a comma separates its pairs): remove it",
                        match key.as_str() {
                            "SERVICE_HOST" => "host name",
                            "SERVICE_REALM" => "Kerberos realm",
                            _ => "service name",
                        }
                    ),
                );
            }
        }
    }
    match mechanism {
        // refused above, for every transport it could have
        Some(Mechanism::MongodbX509) if only_sockets => {}
        Some(Mechanism::MongodbX509) if !tls.enabled => report.error(
            ErrorKind::X509NeedsTls,
            spans.tls.clone(),
            "MONGODB-X509 needs TLS with a client certificate: add \
             tls=true&tlsCertificateKeyFile=<client certificate and key PEM>",
        ),
        Some(Mechanism::MongodbX509) if !tls.client_certificate => report.error(
            ErrorKind::X509NeedsTls,
            spans.mechanism.clone(),
            "MONGODB-X509 needs a client certificate: add \
             tlsCertificateKeyFile=<client certificate and key PEM>",
        ),
        Some(Mechanism::Plain) if !tls.enabled && !rules.allow_plain => report.error(
            ErrorKind::PlainNeedsTls,
            spans.tls.clone(),
            "PLAIN sends the password in clear: add tls=true, or allow clear text explicitly in \
             code (LibraryRules::allow_plain_without_tls)",
        ),
        _ => {}
    }
    if rules::external_only(mechanism) && credential.source != rules::EXTERNAL {
        let name = mechanism.map_or("", Mechanism::as_str);
        report.error(
            ErrorKind::ExternalSourceOnly,
            spans.source.clone(),
            format!("{name} authenticates against $external only: set the source to $external"),
        );
    }
    if sasl(mechanism) {
        let name = mechanism.map_or("SCRAM", Mechanism::as_str);
        let username = credential.username.as_deref();
        let password = credential.password.as_ref().map(Password::expose_secret);
        for (field, text, span) in [
            ("user name", username, &spans.username),
            ("password", password, &spans.password),
        ] {
            if text.is_some_and(|text| text.contains('\0')) {
                report.error(
                    ErrorKind::NulInCredential,
                    span.clone(),
                    format!(
                        "the {field} holds a NUL character, which {name} cannot send (SASL \
                         forbids it): remove it"
                    ),
                );
            }
        }
    }
    if rules::needs_password(mechanism)
        && credential.password.is_none()
        && !rules.password_from_code
    {
        let name = mechanism.map_or("SCRAM", Mechanism::as_str);
        report.error(
            ErrorKind::MissingPassword,
            spans.userinfo.clone(),
            format!(
                "{name} needs a password: add it to the connection string (user:password@host) or \
                 supply it in code"
            ),
        );
    }
}

/// Whether the mechanism sends the user name or password in a SASL conversation (negotiation picks
/// SCRAM).
fn sasl(mechanism: Option<Mechanism>) -> bool {
    matches!(
        mechanism,
        None | Some(
            Mechanism::ScramSha1
                | Mechanism::ScramSha256
                | Mechanism::Plain
                | Mechanism::Gssapi
                | Mechanism::MongodbOidc
        )
    )
}
