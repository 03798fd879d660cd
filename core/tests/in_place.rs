//! `ConnectionStringRef` against `ConnectionString`: on every string, the same verdict, the same
//! errors, and the same hosts, user, password, database, credential, options and TLS settings. Strings are
//! built around the shape the in-place reader takes, with the near misses it must leave to the full
//! parser (escapes, aliases, case, bad values, repeated keys, the rules between options).

use mongo_auth_core::{ConnectionString, ConnectionStringRef, HostRef, OptionRef, OptionValue};
use proptest::prelude::*;
use proptest::sample::select;

const USERINFO: &[&str] = &["", "app:s3cret@", "a.b_c~d-e:P4ss.w_rd~@"];

const USERINFO_NEAR: &[&str] = &[
    "app@",
    "app:@",
    ":pw@",
    "@",
    "app:p%40ss@",
    "app:p%4@",
    "app:p%zz@",
    "app:%FF@",
    "app%3Ax:%C3%A9t%C3%A9@",
    "app:pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp%21@",
    "app:pa:ss@",
    "ap$p:pw@",
    "app:p+w@",
];

const HOSTS: &[&str] = &[
    "db.example.com",
    "db.example.com:27017",
    "localhost",
    "127.0.0.1",
    "10.0.0.1:27018",
    "1.2.3",
    "256.1.1.1",
    "01.2.3.4",
    "Db-1_x.Example.COM:1",
    "h:65535",
    "h:00027",
];

const HOSTS_NEAR: &[&str] = &[
    "h:0",
    "h:65536",
    "h:",
    ":27017",
    "h:1:2",
    "[::1]",
    "[::1]:27019",
    "%2Ftmp%2Fm.sock",
    "bücher.example.com",
    "",
];

const DATABASES: &[&str] = &[
    "",
    "/",
    "/shop",
    "/a.b",
    "/a$b",
    "/x%20y",
    "/Shop_1-2",
    "/admin.sock",
];

const OPTIONS: &[&str] = &[
    "authSource=admin",
    "authSource=shop",
    "authMechanism=SCRAM-SHA-256",
    "authMechanism=SCRAM-SHA-1",
    "authMechanism=MONGODB-X509",
    "tls=true",
    "tls=TRUE",
    "tls=false",
    "tlsCAFile=/etc/ssl/ca.pem",
    "tlsCertificateKeyFile=client.pem",
    "tlsCRLFile=/etc/ssl/crl.pem",
    "replicaSet=rs0",
    "appName=inventory-service",
    "connectTimeoutMS=5000",
    "socketTimeoutMS=0",
    "serverSelectionTimeoutMS=10000",
    "maxPoolSize=5",
    "maxPoolSize=0",
    "minPoolSize=10",
    "retryWrites=true",
    "w=majority",
    "w=2",
    "readPreference=secondaryPreferred",
    "readPreference=SECONDARY",
    "directConnection=true",
    "directConnection=false",
    "journal=true",
    "heartbeatFrequencyMS=500",
];

const OPTIONS_NEAR: &[&str] = &[
    "authSource=",
    "authSource=$external",
    "authMechanism=scram-sha-256",
    "authMechanism=PLAIN",
    "authMechanism=DEFAULT",
    "authMechanism=MONGODB-CR",
    "tls=1",
    "ssl=true",
    "tlsInsecure=true",
    "tlsAllowInvalidCertificates=true",
    "appName=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "connectTimeoutMS=-1",
    "connectTimeoutMS=x",
    "retryWrites=yes",
    "w=-1",
    "w=",
    "readPreference=bogus",
    "maxStalenessSeconds=120",
    "loadBalanced=true",
    "srvMaxHosts=2",
    "unknownKey=1",
    "AUTHSOURCE=admin",
    "wtimeout=5",
    "compressors=zlib",
    "heartbeatFrequencyMS=5",
    "replicaSet=a%26b",
    "appName=a+b",
    "noValue",
    "",
];

/// Mostly what the in-place reader takes, sometimes a near miss.
fn mostly(
    common: &'static [&'static str],
    near: &'static [&'static str],
) -> BoxedStrategy<&'static str> {
    prop_oneof![4 => select(common), 1 => select(near)].boxed()
}

fn shaped() -> impl Strategy<Value = String> {
    (
        prop_oneof![9 => Just("mongodb://"), 1 => Just("mongodb+srv://")],
        mostly(USERINFO, USERINFO_NEAR),
        proptest::collection::vec(mostly(HOSTS, HOSTS_NEAR), 1..4),
        select(DATABASES),
        proptest::collection::vec(mostly(OPTIONS, OPTIONS_NEAR), 0..6),
        prop_oneof![3 => Just(""), 1 => Just("?")],
    )
        .prop_map(|(scheme, userinfo, hosts, database, options, query_mark)| {
            let mut uri = format!("{scheme}{userinfo}{}", hosts.join(","));
            if options.is_empty() {
                uri.push_str(database);
                if !database.is_empty() {
                    uri.push_str(query_mark);
                }
            } else {
                uri.push_str(if database.is_empty() { "/" } else { database });
                uri.push('?');
                uri.push_str(&options.join("&"));
            }
            uri
        })
}

/// The same verdict, errors and readings from both.
fn agree(input: &str) {
    let full = ConnectionString::parse(input);
    let in_place = ConnectionStringRef::parse(input);
    match (&full, &in_place) {
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{input}"),
        (Ok(full), Ok(in_place)) => {
            let hosts: Vec<HostRef<'_>> = full.hosts().iter().map(HostRef::from).collect();
            assert_eq!(hosts, in_place.hosts().collect::<Vec<_>>(), "{input}");
            assert_eq!(full.username(), in_place.username(), "{input}");
            assert_eq!(
                full.password().map(|p| p.expose_secret()),
                in_place.expose_password(),
                "{input}"
            );
            assert_eq!(full.database(), in_place.database(), "{input}");
            assert_eq!(
                full.credential().is_some(),
                in_place.has_credential(),
                "{input}"
            );
            assert_eq!(
                full.credential().and_then(|c| c.mechanism),
                in_place.mechanism(),
                "{input}"
            );
            assert_eq!(
                full.credential().map(|c| c.source.as_str()),
                in_place.auth_source(),
                "{input}"
            );
            assert_eq!(full.tls_enabled(), in_place.tls_enabled(), "{input}");
            assert_eq!(full.is_srv(), in_place.is_srv(), "{input}");
            assert_eq!(full.warnings(), in_place.warnings(), "{input}");
            let scalars: Vec<(&str, OptionRef<'_>)> = full
                .options()
                .iter()
                .filter_map(|(key, value)| {
                    let value = match value {
                        OptionValue::Bool(on) => OptionRef::Bool(*on),
                        OptionValue::Int(n) => OptionRef::Int(*n),
                        OptionValue::String(text) => OptionRef::Str(text),
                        _ => return None,
                    };
                    Some((key, value))
                })
                .collect();
            assert_eq!(scalars, in_place.options().collect::<Vec<_>>(), "{input}");
            assert_eq!(full.effective_tls(), in_place.effective_tls(), "{input}");
            assert!(
                full.credential() == in_place.to_credential().as_ref(),
                "{input}: the credentials differ"
            );
            assert_eq!(
                full,
                &ConnectionStringRef::parse(input).unwrap().into_owned(),
                "{input}"
            );
        }
        _ => panic!(
            "{input}: the full parser says {}, the in-place reader {}",
            full.is_ok(),
            in_place.is_ok()
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn the_in_place_reader_agrees_with_the_full_parser(input in shaped()) {
        agree(&input);
    }
}

/// The common shapes are read in place (so the test above exercises both readers), and the
/// near misses are not.
#[test]
fn common_strings_are_read_in_place() {
    for input in [
        "mongodb://localhost",
        "mongodb://localhost:27017/",
        "mongodb://app:s3cret@db.example.com:27017/shop?authSource=admin&authMechanism=SCRAM-SHA-256",
        "mongodb://inventory:pw@db1.example.com:27017,db2.example.com:27018,db3.example.com:27019/inventory?authSource=admin&authMechanism=SCRAM-SHA-1&tls=true&tlsCAFile=/etc/ssl/mongodb/ca.pem&tlsCertificateKeyFile=/etc/ssl/mongodb/client.pem&replicaSet=rs0&appName=inventory-service&connectTimeoutMS=5000&socketTimeoutMS=30000&serverSelectionTimeoutMS=10000&maxPoolSize=50&minPoolSize=5&retryWrites=true&w=majority&readPreference=secondaryPreferred",
        "mongodb://db.example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=/etc/ssl/mongodb/client.pem&tlsCAFile=/etc/ssl/mongodb/ca.pem",
        "mongodb://10.0.0.1:27018/?directConnection=true",
        "mongodb://app:p%40ss@db/",
    ] {
        agree(input);
        assert!(
            ConnectionStringRef::parse(input).unwrap().is_in_place(),
            "{input}"
        );
    }
    for input in [
        "mongodb+srv://cluster0.example.net/",
        "mongodb://db/?ssl=true",
        "mongodb://db/?connectTimeoutMS=-1",
        "mongodb://db/?authSource=admin&authSource=admin",
        "mongodb://[::1]/",
    ] {
        agree(input);
        assert!(
            !ConnectionStringRef::parse(input).unwrap().is_in_place(),
            "{input}"
        );
    }
}
