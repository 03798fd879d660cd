// authMechanismProperties: only GSSAPI (and the unimplemented AWS/OIDC) take them, with known keys and values.
use mongo_auth::mongo_uri;

fn main() {
    // SERVICE_NAME belongs to GSSAPI
    let _ = mongo_uri!(
        "mongodb://user:password@localhost/?authMechanism=SCRAM-SHA-256&authMechanismProperties=SERVICE_NAME:mongodb"
    );
    // CANONICALIZE_HOST_NAME takes none, forward, forwardAndReverse, true or false
    let _ = mongo_uri!(
        "mongodb://user%40EXAMPLE.COM@localhost/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:always"
    );
    // an unknown GSSAPI property
    let _ = mongo_uri!(
        "mongodb://user%40EXAMPLE.COM@localhost/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAMES:mongodb"
    );
    // a pair without `:`
    let _ = mongo_uri!(
        "mongodb://user%40EXAMPLE.COM@localhost/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME"
    );
}
