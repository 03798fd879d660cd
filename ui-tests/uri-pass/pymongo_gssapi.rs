// PyMongo's authentication guide, GSSAPI (Kerberos) examples, as literals.
use mongo_auth::rulebook::{Canonicalize, MechanismProperties};
use mongo_auth::{Mechanism, mongo_uri};

fn gssapi(config: &mongo_auth::ClientConfig) -> &mongo_auth::rulebook::GssapiProperties {
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::Gssapi));
    assert_eq!(
        credential.username.as_deref(),
        Some("mongodbuser@EXAMPLE.COM")
    );
    assert_eq!(credential.source, "$external");
    match &credential.properties {
        MechanismProperties::Gssapi(properties) => properties,
        other => panic!("not GSSAPI properties: {other:?}"),
    }
}

pub(crate) fn main() {
    let config = mongo_uri!(
        "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename"
    );
    assert_eq!(gssapi(&config).service_name, "myservicename");

    let config = mongo_uri!(
        "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename,CANONICALIZE_HOST_NAME:true"
    );
    assert_eq!(
        gssapi(&config).canonicalize_host_name,
        Canonicalize::ForwardAndReverse
    );

    let config = mongo_uri!(
        "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename,SERVICE_REALM:otherrealm"
    );
    let properties = gssapi(&config);
    assert_eq!(properties.service_realm.as_deref(), Some("otherrealm"));

    // no properties: SERVICE_NAME defaults to `mongodb`
    let config =
        mongo_uri!("mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI");
    assert_eq!(gssapi(&config).service_name, "mongodb");
}
