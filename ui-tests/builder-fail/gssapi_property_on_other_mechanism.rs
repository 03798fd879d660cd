// SERVICE_NAME, CANONICALIZE_HOST_NAME, SERVICE_REALM and SERVICE_HOST are GSSAPI properties.
use mongo_auth::Credential;
use mongo_auth::core::Canonicalize;

fn main() {
    let _ = Credential::scram_sha_256()
        .username("app")
        .service_name("myservicename");
    let _ = Credential::plain().canonicalize_host_name(Canonicalize::Forward);
    let _ = Credential::mongodb_cr().service_realm("EXAMPLE.COM");
}
