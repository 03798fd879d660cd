//! PyMongo 4 authenticates with MONGODB-OIDC (`ENVIRONMENT:test`, the token read from
//! `OIDC_TOKEN_FILE`) against the conformance server: an independent client proves that the
//! server's one-step conversation, its JWT checks and its `ReauthenticationRequired` (391) are the
//! ones drivers implement, which is also what our client's tests rely on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mongo_auth_test_server::oidc::{OidcIdp, OidcIssuer, Seen};
use mongo_auth_test_server::{Server, ServerConfig, User};

const USER: &str = "pymongo-app";

/// Runs PyMongo's `ping` + `connectionStatus` with MONGODB-OIDC `ENVIRONMENT:test` reading
/// `token_file`; returns its output and whether it succeeded.
async fn pymongo(python: &PathBuf, uri: &str, token_file: &Path) -> (bool, String) {
    let script = concat!(
        "import sys\n",
        "from pymongo import MongoClient\n",
        "from pymongo.errors import OperationFailure\n",
        "client = MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000)\n",
        "try:\n",
        "    client.admin.command('ping')\n",
        "    status = client.admin.command('connectionStatus')\n",
        "    print('users', [u['user'] + '@' + u['db'] for u in status['authInfo']['authenticatedUsers']])\n",
        "except OperationFailure as exc:\n",
        "    print('refused', exc.code)\n",
        "    sys.exit(1)\n",
    );
    let mut command = tokio::process::Command::new(python);
    command
        .args(["-c", script, uri])
        .env("OIDC_TOKEN_FILE", token_file);
    crate::support::pymongo::run(command).await
}

#[tokio::test]
async fn pymongo_4_authenticates_with_mongodb_oidc_environment_test() {
    let Some(python) = crate::support::pymongo::python("MONGO_AUTH_PYTHON") else {
        return;
    };
    let issuer = OidcIssuer::demo();
    let idp = OidcIdp::trusting(&issuer);
    let server = Server::start(
        ServerConfig::new()
            .user(User::oidc(USER))
            .require_auth(true)
            .sasl_mechanism(Arc::new(idp.clone())),
    )
    .await
    .unwrap();
    let uri = format!(
        "mongodb://{}/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test",
        server.addr()
    );
    let token_file =
        std::env::temp_dir().join(format!("mongo-auth-pymongo-oidc-{}", std::process::id()));

    std::fs::write(&token_file, issuer.token(USER)).unwrap();
    let (ok, output) = pymongo(&python, &uri, &token_file).await;
    assert!(ok, "PyMongo with MONGODB-OIDC failed:\n{output}");
    assert!(
        output.contains(&format!("users ['{USER}@$external']")),
        "{output}"
    );
    assert_eq!(idp.seen(), [Seen::OneStep { accepted: true }]);

    // ReauthenticationRequired on its first command: PyMongo runs saslStart again on that
    // connection and retries, as our Connection::run_command does
    server.require_reauthentication();
    let (ok, output) = pymongo(&python, &uri, &token_file).await;
    assert!(ok, "PyMongo did not reauthenticate:\n{output}");
    let authenticated = server
        .connections()
        .into_iter()
        .rfind(|c| c.commands.iter().any(|name| name == "saslStart"))
        .expect("PyMongo's authenticated connection");
    assert_eq!(
        authenticated
            .commands
            .iter()
            .filter(|name| *name == "saslStart")
            .count(),
        2,
        "{:?}",
        authenticated.commands
    );

    // an expired token is refused with AuthenticationFailed
    std::fs::write(&token_file, issuer.expired_token(USER)).unwrap();
    let (ok, output) = pymongo(&python, &uri, &token_file).await;
    assert!(!ok && output.contains("refused 18"), "{output}");
    std::fs::remove_file(&token_file).unwrap();
    server.shutdown().await;
}
