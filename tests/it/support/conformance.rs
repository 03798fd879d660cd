//! The conformance server as the end-to-end tests start it: with its users, over TLS with the test
//! PKI, and what it says in `connectionStatus`.

use bson::doc;
use mongo_auth_test_server::certs::{CLIENT_SUBJECT, TestPki};
use mongo_auth_test_server::tls::{ClientAuth, TlsOptions};
use mongo_auth_test_server::{RunningServer, Server, ServerConfig, User};

/// The PLAIN (LDAP) user of [`x509_and_plain_over_tls`], in `$external`.
pub(crate) const PLAIN_USER: &str = "ldapuser";
/// [`PLAIN_USER`]'s password.
pub(crate) const PLAIN_PASSWORD: &str = "ldap-secret";

/// Starts the conformance server on 127.0.0.1 with `config`.
pub(crate) async fn start(config: ServerConfig) -> RunningServer {
    Server::start(config)
        .await
        .expect("the conformance server starts")
}

/// `config` over TLS: the test PKI's server certificate, and a client certificate from its CA asked
/// for as `client_auth` says.
pub(crate) fn over_tls(
    config: ServerConfig,
    pki: &TestPki,
    client_auth: ClientAuth,
) -> ServerConfig {
    config.tls(TlsOptions::new(&pki.server.pem).client_auth(client_auth))
}

/// A client certificate from the test CA is required.
pub(crate) fn required(pki: &TestPki) -> ClientAuth {
    ClientAuth::Required { ca: pki.ca.clone() }
}

/// A client certificate from the test CA is checked when one is sent.
pub(crate) fn optional(pki: &TestPki) -> ClientAuth {
    ClientAuth::Optional { ca: pki.ca.clone() }
}

/// A server over TLS whose users are the test PKI's client certificate (MONGODB-X509) and
/// [`PLAIN_USER`].
pub(crate) fn x509_and_plain_over_tls(pki: &TestPki, client_auth: ClientAuth) -> ServerConfig {
    over_tls(
        ServerConfig::new()
            .user(User::x509(CLIENT_SUBJECT))
            .user(User::plain(PLAIN_USER, PLAIN_PASSWORD)),
        pki,
        client_auth,
    )
}

/// The users `connectionStatus` reports as authenticated on `connection`, as `user@db`.
pub(crate) async fn authenticated_users(connection: &mut mongo_auth::Connection) -> Vec<String> {
    let status = connection
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await
        .expect("connectionStatus");
    status
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .expect("connectionStatus has authInfo.authenticatedUsers")
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
}

/// A server that speaks as MongoDB 2.6 does (wire version 2: OP_QUERY only, MONGODB-CR), with the
/// MONGODB-CR user `old` (password `pencil`) on `admin`.
pub(crate) fn mongodb_2_6() -> ServerConfig {
    ServerConfig::new()
        .max_wire_version(2)
        .user(User::mongodb_cr("old", "admin", "pencil"))
}
