//! Property: for connection strings assembled from every part the rulebook knows (schemes, userinfo
//! shapes, hosts, paths, mechanisms, properties, TLS options, typos), `mongo_uri!` never fails
//! internally: it either expands or reports rules, and what `check` accepts, `expand` expands.

use proptest::prelude::*;

fn uri() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["mongodb://", "mongodb+srv://", "mongo://"]);
    let userinfo = prop::sample::select(vec![
        "",
        "u@",
        "u:p@",
        ":p@",
        "@",
        ":@",
        "u:@",
        "u%40R.COM@",
        "CN%3Dc@",
        "u%zz@",
        "a:b:c@",
    ]);
    let hosts = prop::sample::select(vec![
        "h",
        "h:27017",
        "h:0",
        "[::1]:27018",
        "a.example.com,b.example.com",
        "%2Ftmp%2Fm.sock",
        "10.0.0.1",
        "",
    ]);
    let path = prop::sample::select(vec!["", "/", "/db", "/$external", "/a%20b"]);
    let option = prop::sample::select(vec![
        "authMechanism=SCRAM-SHA-1",
        "authMechanism=SCRAM-SHA-256",
        "authMechanism=MONGODB-CR",
        "authMechanism=MONGODB-X509",
        "authMechanism=GSSAPI",
        "authMechanism=PLAIN",
        "authMechanism=MONGODB-AWS",
        "authMechanism=MONGODB-OIDC",
        "authMechanism=DEFAULT",
        "authMechanism=NOPE",
        "authSource=admin",
        "authSource=$external",
        "authSource=",
        "authMechanismProperties=SERVICE_NAME:s,CANONICALIZE_HOST_NAME:forward",
        "authMechanismProperties=SERVICE_REALM:r,SERVICE_HOST:h",
        "authMechanismProperties=ENVIRONMENT:test",
        "authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:x",
        "gssapiServiceName=s",
        "tls=true",
        "tls=false",
        "ssl=true",
        "tlsCertificateKeyFile=c.pem",
        "tlsCertificateKeyFilePassword=k",
        "ssl_keyfile=k.pem",
        "tlsCAFile=ca.pem",
        "tlsCRLFile=crl.pem",
        "tlsInsecure=true",
        "tlsAllowInvalidHostnames=true",
        "replicaSet=rs",
        "directConnection=true",
        "loadBalanced=true",
        "appName=a",
        "connectTimeoutMS=10",
        "srvServiceName=s",
        "replicaSett=rs",
        "w",
    ]);
    (
        scheme,
        userinfo,
        hosts,
        path,
        prop::collection::vec(option, 0..5),
    )
        .prop_map(|(scheme, userinfo, hosts, path, options)| {
            let mut uri = format!("{scheme}{userinfo}{hosts}{path}");
            if !options.is_empty() {
                if path.is_empty() {
                    uri.push('/');
                }
                uri.push('?');
                uri.push_str(&options.join("&"));
            }
            uri
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn expands_or_reports_rules(uri in uri()) {
        let literal = proc_macro2::TokenStream::from(proc_macro2::TokenTree::Literal(
            proc_macro2::Literal::string(&uri),
        ));
        let tokens = mongo_auth_macros_core::mongo_uri(literal).to_string();
        prop_assert!(!tokens.contains("internal error"), "{uri}: {tokens}");
        if mongo_auth_macros_core::check(&uri).is_ok() {
            prop_assert!(mongo_auth_macros_core::expand(&uri).is_ok(), "{uri}");
            prop_assert!(!tokens.contains("compile_error"), "{uri}: {tokens}");
        } else {
            prop_assert!(tokens.contains("compile_error"), "{uri}: {tokens}");
        }
    }
}
