//! Property tests: parsing never panics and every span it reports is a valid range of the input; a
//! parsed string's redacted `Display` parses back to the same hosts, database, options and credential
//! (minus the password).

use mongo_auth_core::{ConnectionString, ConnectionStringRef, Credential, OptionValue};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// Valid connection strings to mutate.
const SEEDS: &[&str] = &[
    "mongodb://user:pass%2Fword@127.0.0.1",
    "mongodb://user:password@example.com/default_db?authSource=admin",
    "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename,CANONICALIZE_HOST_NAME:true",
    "mongodb://user:password@example.com/?authMechanism=PLAIN&authSource=$external",
    "mongodb+srv://cluster0.example.net/?retryWrites=true&w=majority&appName=Cluster0",
    "mongodb://alice:secret@example.com,[::1]:27019/admin?replicaSet=rs0&readPreference=nearest&readPreferenceTags=dc:ny,rack:1&readPreferenceTags=",
    "mongodb://%2Ftmp%2Fmongodb-27017.sock,rel%2Fmongodb-27018.sock/admin.sock?w=1",
    "mongodb://h/?tls=true&ssl=true&tlsCAFile=ca.pem&ssl_certfile=c.pem&ssl_cert_reqs=CERT_NONE&wtimeout=5",
    "mongodb://localhost/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:mongodb://x%2Cy",
    "mongodb://bücher.example.com:27017/?compressors=zstd,zlib&zlibCompressionLevel=9&proxyHost=p&proxyPort=1080",
];

/// Characters that matter to the grammar, to insert into seeds.
const SPECIAL: &[char] = &[
    '@', ':', '/', '?', '&', '=', ',', '%', '[', ']', '$', ' ', '.', '+', 'é', '\u{0}', 'A', '1',
    '-',
];

fn check_spans(input: &str) -> Option<ConnectionString> {
    // the in-place reader takes the same strings (debug builds check what it reads in place)
    let in_place = ConnectionStringRef::parse(input).is_ok();
    assert_eq!(
        in_place,
        ConnectionString::parse(input).is_ok(),
        "{input:?}"
    );
    match ConnectionString::parse(input) {
        Ok(uri) => {
            for warning in uri.warnings() {
                assert!(
                    input.get(warning.span()).is_some(),
                    "{input:?}: warning span {:?} out of range",
                    warning.span()
                );
            }
            Some(uri)
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in &errors {
                assert!(
                    input.get(error.span()).is_some(),
                    "{input:?}: error span {:?} out of range ({error})",
                    error.span()
                );
                assert!(!error.message().is_empty());
            }
            None
        }
    }
}

/// An option value comparable across a redacting round trip (secrets compare as "a secret").
fn comparable(value: &OptionValue) -> String {
    match value {
        OptionValue::Secret(_) => "<secret>".to_owned(),
        other => format!("{other:?}"),
    }
}

fn credential_minus_password(c: Option<&Credential>) -> Option<String> {
    c.map(|c| {
        format!(
            "{:?} {} {:?} {:?} password:{}",
            c.username,
            c.source,
            c.mechanism,
            c.properties,
            c.password.is_some()
        )
    })
}

fn assert_round_trip(uri: &ConnectionString) {
    let shown = uri.to_string();
    let again = ConnectionString::parse(&shown)
        .unwrap_or_else(|e| panic!("Display {shown:?} does not parse back: {e}"));
    assert_eq!(again.is_srv(), uri.is_srv(), "{shown}");
    assert_eq!(again.hosts(), uri.hosts(), "{shown}");
    assert_eq!(again.database(), uri.database(), "{shown}");
    assert_eq!(again.username(), uri.username(), "{shown}");
    let options = |u: &ConnectionString| -> Vec<(&'static str, String)> {
        u.options()
            .iter()
            .map(|(k, v)| (k, comparable(v)))
            .collect()
    };
    assert_eq!(options(&again), options(uri), "{shown}");
    assert_eq!(
        credential_minus_password(again.credential()),
        credential_minus_password(uri.credential()),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

fn host() -> impl Strategy<Value = String> {
    let port = proptest::option::of(1u16..=65535);
    prop_oneof![
        ("[a-z][a-z0-9-]{0,10}(\\.[a-z0-9]{1,8}){0,3}", port.clone()).prop_map(|(h, p)| match p {
            Some(p) => format!("{h}:{p}"),
            None => h,
        }),
        (any::<[u8; 4]>(), port.clone()).prop_map(|(a, p)| {
            let h = format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
            match p {
                Some(p) => format!("{h}:{p}"),
                None => h,
            }
        }),
        (any::<std::net::Ipv6Addr>(), port).prop_map(|(a, p)| match p {
            Some(p) => format!("[{a}]:{p}"),
            None => format!("[{a}]"),
        }),
        "[a-z .é_-]{1,12}".prop_map(|p| encode(&format!("/tmp/{p}.sock"))),
    ]
}

/// `(userinfo, credential options)` that are valid together.
fn credential() -> impl Strategy<Value = (Option<String>, Vec<String>)> {
    let user = "\\PC{1,12}";
    let password = proptest::option::of("\\PC{0,12}");
    prop_oneof![
        Just((None, vec![])),
        (
            user,
            password.clone(),
            select(
                &[
                    "",
                    "DEFAULT",
                    "SCRAM-SHA-1",
                    "SCRAM-SHA-256",
                    "MONGODB-CR",
                    "PLAIN"
                ][..]
            ),
            proptest::option::of("[a-zA-Z0-9_]{1,10}"),
        )
            .prop_map(|(u, p, m, source)| {
                let userinfo = match p {
                    Some(p) => format!("{}:{}", encode(&u), encode(&p)),
                    None => encode(&u),
                };
                let mut options = Vec::new();
                if !m.is_empty() {
                    options.push(format!("authMechanism={m}"));
                }
                if let Some(source) = source {
                    options.push(format!("authSource={source}"));
                }
                (Some(userinfo), options)
            }),
        (
            user,
            password,
            subsequence(
                vec![
                    "SERVICE_NAME:svc",
                    "canonicalize_host_name:forward",
                    "SERVICE_REALM:OTHER.REALM",
                    "SERVICE_HOST:kdc.example.com",
                ],
                0..=4
            ),
        )
            .prop_map(|(u, p, props)| {
                let userinfo = match p {
                    Some(p) => format!("{}:{}", encode(&u), encode(&p)),
                    None => encode(&u),
                };
                let mut options = vec!["authMechanism=GSSAPI".to_owned()];
                if !props.is_empty() {
                    options.push(format!("authMechanismProperties={}", props.join(",")));
                }
                (Some(userinfo), options)
            }),
        proptest::option::of(user).prop_map(|u| (
            u.map(|u| encode(&u)),
            vec!["authMechanism=MONGODB-X509".to_owned()]
        )),
    ]
}

const OPTIONS: &[&str] = &[
    "appName=my%20app",
    "connectTimeoutMS=1500",
    "tls=true",
    "tlsCAFile=%2Fetc%2Fca.pem",
    "tlsCertificateKeyFile=client.pem",
    "tlsCertificateKeyFilePassword=hunter2",
    "tlsAllowInvalidHostnames=false",
    "tlsAllowInvalidCertificates=true",
    "replicaSet=rs%260",
    "readPreference=secondaryPreferred&readPreferenceTags=dc:ny,rack:1&maxStalenessSeconds=120",
    "readPreferenceTags=",
    "w=majority",
    "wTimeoutMS=100",
    "journal=true",
    "compressors=zstd,snappy",
    "zlibCompressionLevel=-1",
    "retryWrites=false",
    "heartbeatFrequencyMS=10000",
    "maxPoolSize=0",
    "timeoutMS=0",
    "proxyHost=proxy.local&proxyPort=1080&proxyUsername=pu&proxyPassword=hunter2",
    "readConcernLevel=majority",
    "ssl_crlfile=crl.pem",
];

fn valid_uri() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        proptest::collection::vec(host(), 1..4),
        proptest::option::of("[a-zA-Z0-9_.é-]{1,12}"),
        credential(),
        subsequence(OPTIONS.to_vec(), 0..6),
    )
        .prop_map(|(srv, hosts, db, (userinfo, mut cred_options), options)| {
            let mut uri = String::from(if srv { "mongodb+srv://" } else { "mongodb://" });
            if let Some(userinfo) = userinfo {
                uri.push_str(&userinfo);
                uri.push('@');
            }
            if srv {
                uri.push_str("cluster0.example.net");
            } else {
                uri.push_str(&hosts.join(","));
            }
            cred_options.extend(options.iter().map(|o| (*o).to_owned()));
            if db.is_some() || !cred_options.is_empty() {
                uri.push('/');
            }
            if let Some(db) = db {
                uri.push_str(&encode(&db));
            }
            if !cred_options.is_empty() {
                uri.push('?');
                uri.push_str(&cred_options.join("&"));
            }
            uri
        })
}

fn mutated() -> impl Strategy<Value = String> {
    (
        select(SEEDS),
        proptest::collection::vec(
            (any::<prop::sample::Index>(), 0u8..3, select(SPECIAL)),
            1..6,
        ),
    )
        .prop_map(|(seed, edits)| {
            let mut chars: Vec<char> = seed.chars().collect();
            for (at, op, c) in edits {
                if chars.is_empty() {
                    chars.push(c);
                    continue;
                }
                let i = at.index(chars.len());
                match op {
                    0 => chars.insert(i, c),
                    1 => {
                        chars.remove(i);
                    }
                    _ => chars[i] = c,
                }
            }
            chars.into_iter().collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_input_never_panics(input in "\\PC*") {
        check_spans(&input);
    }

    #[test]
    fn arbitrary_input_after_the_scheme_never_panics(rest in "\\PC*", srv in any::<bool>()) {
        let input = format!("{}{rest}", if srv { "mongodb+srv://" } else { "mongodb://" });
        if let Some(uri) = check_spans(&input) {
            assert_round_trip(&uri);
        }
    }

    #[test]
    fn mutated_valid_strings_never_panic_and_round_trip_when_valid(input in mutated()) {
        if let Some(uri) = check_spans(&input) {
            assert_round_trip(&uri);
        }
    }

    #[test]
    fn generated_valid_strings_parse_and_round_trip(input in valid_uri()) {
        let uri = ConnectionString::parse(&input)
            .unwrap_or_else(|e| panic!("{input:?} should be valid: {e}"));
        assert_round_trip(&uri);
    }
}

#[test]
fn seeds_are_valid() {
    for seed in SEEDS {
        let uri = ConnectionString::parse(seed).unwrap_or_else(|e| panic!("{seed}: {e}"));
        assert_round_trip(&uri);
    }
}
