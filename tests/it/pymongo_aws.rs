//! PyMongo 4 (with `pymongo[aws]`, which signs with botocore) authenticates with MONGODB-AWS
//! against the conformance server: an independent client proves that the server's STS stand-in
//! checks the signature AWS defines, which is also what our client's tests rely on.

use std::path::PathBuf;
use std::sync::Arc;

use mongo_auth_test_server::aws::AwsSts;
use mongo_auth_test_server::{Server, ServerConfig, User};

const ARN: &str = "arn:aws:iam::123456789012:user/pymongo";
const KEY_ID: &str = "AKIAPYMONGOEXAMPLE01";
const SECRET: &str = "pymongo/aws/secret/EXAMPLEKEY";

/// Runs PyMongo's `ping` + `connectionStatus` with MONGODB-AWS and the given key in its
/// environment; returns its output and whether it succeeded.
async fn pymongo(python: &PathBuf, uri: &str, key_id: &str, secret: &str) -> (bool, String) {
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
        .env("AWS_ACCESS_KEY_ID", key_id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        // botocore must not look beyond the environment (no instance metadata on this machine)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    crate::support::pymongo::run(command).await
}

#[tokio::test]
async fn pymongo_4_authenticates_with_mongodb_aws() {
    let Some(python) = crate::support::pymongo::python("MONGO_AUTH_PYTHON") else {
        return;
    };
    let sts = Arc::new(AwsSts::new().key(KEY_ID, SECRET, None, ARN));
    let server = Server::start(
        ServerConfig::new()
            .user(User::aws(ARN))
            .sasl_mechanism(sts.clone()),
    )
    .await
    .unwrap();
    let uri = format!("mongodb://{}/?authMechanism=MONGODB-AWS", server.addr());

    let (ok, output) = pymongo(&python, &uri, KEY_ID, SECRET).await;
    assert!(ok, "PyMongo with MONGODB-AWS failed:\n{output}");
    assert!(
        output.contains(&format!("users ['{ARN}@$external']")),
        "{output}"
    );
    assert_eq!(sts.seen().len(), 1);
    assert_eq!(sts.seen()[0].region, "us-east-1");

    // a wrong secret is refused with AuthenticationFailed
    let (ok, output) = pymongo(&python, &uri, KEY_ID, "not-the-secret").await;
    assert!(!ok && output.contains("refused 18"), "{output}");
    server.shutdown().await;
}
