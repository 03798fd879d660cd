// SERVICE_NAME, CANONICALIZE_HOST_NAME, SERVICE_REALM and SERVICE_HOST are GSSAPI properties.
use mongo_auth::Auth;
use mongo_auth::rulebook::Canonicalize;

fn main() {
    let _ = Auth::scram_sha_256()
        .username("app")
        .service_name("myservicename");
    let _ = Auth::plain().canonicalize_host_name(Canonicalize::Forward);
    let _ = Auth::mongodb_cr().service_realm("EXAMPLE.COM");
}
