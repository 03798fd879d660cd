// PyMongo's guide: GSSAPI with SERVICE_NAME, CANONICALIZE_HOST_NAME and SERVICE_REALM.
//   MongoClient('mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI'
//               '&authMechanismProperties=SERVICE_NAME:myservicename,CANONICALIZE_HOST_NAME:true,SERVICE_REALM:otherrealm')
use mongo_auth::rulebook::{Canonicalize, MechanismProperties};
use mongo_auth::{Auth, ClientConfig};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(
            Auth::gssapi("mongodbuser@EXAMPLE.COM")
                .service_name("myservicename")
                .canonicalize_host_name(Canonicalize::ForwardAndReverse)
                .service_realm("otherrealm"),
        )
        .build()
        .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.source, "$external");
    let MechanismProperties::Gssapi(properties) = &credential.properties else {
        panic!("GSSAPI properties expected");
    };
    assert_eq!(properties.service_name, "myservicename");
    assert_eq!(properties.service_realm.as_deref(), Some("otherrealm"));

    // the default service name, a password instead of a ticket, and SERVICE_HOST
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(
            Auth::gssapi("mongodbuser@EXAMPLE.COM")
                .password("pw")
                .service_host("db.internal"),
        )
        .build()
        .unwrap();
    let MechanismProperties::Gssapi(properties) = &config.credential().unwrap().properties else {
        panic!("GSSAPI properties expected");
    };
    assert_eq!(properties.service_name, "mongodb");
}
