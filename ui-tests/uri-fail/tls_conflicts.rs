// TLS options that contradict each other (whatever their values).
use mongo_auth::mongo_uri;

fn main() {
    let _ = mongo_uri!("mongodb://localhost/?tls=true&ssl=false");
    let _ = mongo_uri!("mongodb://localhost/?tlsInsecure=true&tlsAllowInvalidCertificates=false");
    let _ = mongo_uri!("mongodb://localhost/?tlsInsecure=true&tlsAllowInvalidHostnames=true");
    let _ = mongo_uri!(
        "mongodb://localhost/?tlsAllowInvalidCertificates=true&tlsDisableOCSPEndpointCheck=true"
    );
    let _ = mongo_uri!(
        "mongodb://localhost/?tlsDisableOCSPEndpointCheck=true&tlsDisableCertificateRevocationCheck=true"
    );
}
