//! What `mongo_uri!` expands to, for representative literals, compared with the committed snapshots in
//! `tests/snapshots/`. After an intended change, rewrite them with `MONGO_AUTH_BLESS=1 cargo test -p
//! mongo-auth-macros --test expansion_snapshots` and review the diff.

use std::path::PathBuf;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// (snapshot name, macro input tokens)
const CASES: &[(&str, &str)] = &[
    // PyMongo's guide: escaped password, negotiated SCRAM, source `admin`
    (
        "scram_negotiated",
        r#""mongodb://user:pass%2Fword@127.0.0.1""#,
    ),
    // default database vs authSource
    (
        "scram_sha_1_auth_source",
        r#""mongodb://user:password@example.com/default_db?authSource=admin&authMechanism=SCRAM-SHA-1""#,
    ),
    // no password in the literal: a builder that demands `.password(…)`
    (
        "scram_sha_256_password_from_code",
        r#""mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256&tls=true""#,
    ),
    // MONGODB-X509 with everything in the literal
    (
        "x509_complete",
        r#""mongodb://example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=client.pem&tlsCAFile=ca.pem""#,
    ),
    // MONGODB-X509 with the client certificate left to code
    (
        "x509_certificate_from_code",
        r#""mongodb://example.com/?authMechanism=MONGODB-X509""#,
    ),
    // GSSAPI with every property
    (
        "gssapi_properties",
        r#""mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename,CANONICALIZE_HOST_NAME:true,SERVICE_REALM:otherrealm""#,
    ),
    // PLAIN over TLS against $external
    (
        "plain_tls",
        r#""mongodb://user:password@example.com/?authMechanism=PLAIN&authSource=$external&tls=true""#,
    ),
    // no credential; several host kinds and the options a configuration keeps
    (
        "no_credential_hosts_and_options",
        r#""mongodb://db1.example.com:27018,10.0.0.2,[::1]:27019/?replicaSet=rs0&appName=inventory&connectTimeoutMS=2500""#,
    ),
    // SRV: TLS implied
    (
        "srv",
        r#""mongodb+srv://user:password@cluster0.example.com/""#,
    ),
    // a raw literal with escapes written differently maps the same
    (
        "raw_literal",
        r###"r#"mongodb://user:password@localhost/?tls=true&tlsInsecure=true"#"###,
    ),
    // refused: one compile_error! per problem, the offending text quoted (no sub-spans on stable)
    (
        "refused_several_problems",
        r#""mongodb://alice%zz:pw@localhost:0/?tls=true&ssl=false&replicaSett=rs0""#,
    ),
    // refused: not a string literal
    (
        "refused_not_a_literal",
        r#"concat!("mongodb://", "localhost")"#,
    ),
];

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

#[test]
fn expansions_match_their_snapshots() {
    let bless = std::env::var_os("MONGO_AUTH_BLESS").is_some();
    let mut mismatches = Vec::new();
    for (name, input) in CASES {
        let tokens: TokenStream = input.parse().expect("test input tokenizes");
        let actual = format!(
            "// mongo_uri!({input})\n{}\n",
            pretty(mongo_auth_macros_core::mongo_uri(tokens))
        );
        let path = snapshot_dir().join(format!("{name}.txt"));
        if bless {
            std::fs::create_dir_all(snapshot_dir()).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => mismatches.push(format!(
                "{name}: expansion changed\n--- {}\n{expected}\n+++ actual\n{actual}",
                path.display()
            )),
            Err(e) => mismatches.push(format!("{name}: no snapshot at {} ({e})", path.display())),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n(rewrite with MONGO_AUTH_BLESS=1 after reviewing)",
        mismatches.join("\n\n")
    );
}

/// The tokens laid out one field per line: braces and brackets open an indented block, commas and
/// semicolons at their top level end a line.
fn pretty(tokens: TokenStream) -> String {
    let mut out = String::new();
    write_tokens(&mut out, tokens, 0, true);
    out.lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_tokens(out: &mut String, tokens: TokenStream, depth: usize, block: bool) {
    let mut joint = false;
    let mut colon_joint = false;
    let mut field_colon = false;
    let mut angle = 0usize;
    for tree in tokens {
        let at_line_start = out.is_empty() || out.ends_with('\n');
        if at_line_start {
            out.push_str(&"    ".repeat(depth));
        } else if field_colon
            || out.ends_with(',')
            || (!joint && !out.ends_with(['(', '<']) && !starts_tight(&tree))
        {
            out.push(' ');
        }
        joint = false;
        field_colon = false;
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::None => ("", ""),
                };
                if matches!(group.delimiter(), Delimiter::Brace | Delimiter::Bracket)
                    && !group.stream().is_empty()
                {
                    out.push_str(open);
                    out.push('\n');
                    write_tokens(out, group.stream(), depth + 1, true);
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str(&"    ".repeat(depth));
                    out.push_str(close);
                } else {
                    out.push_str(open);
                    write_tokens(out, group.stream(), depth, false);
                    out.push_str(close);
                }
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                out.push(c);
                // `::` and `<`, `&` stick to what follows; a lone `:` (a field) does not
                let path = c == ':' && colon_joint;
                field_colon = c == ':' && !path && punct.spacing() == Spacing::Alone;
                colon_joint = c == ':' && punct.spacing() == Spacing::Joint;
                joint =
                    punct.spacing() == Spacing::Joint || path || matches!(c, '<' | '&' | '.' | '!');
                match c {
                    '<' => angle += 1,
                    '>' => angle = angle.saturating_sub(1),
                    ',' | ';' if block && angle == 0 => out.push('\n'),
                    _ => {}
                }
            }
            other => {
                colon_joint = false;
                out.push_str(&other.to_string());
            }
        }
    }
}

/// Tokens written without a space before them.
fn starts_tight(tree: &TokenTree) -> bool {
    match tree {
        TokenTree::Punct(p) => matches!(p.as_char(), ',' | ';' | ':' | '!' | '>' | '<' | '.'),
        TokenTree::Group(g) => g.delimiter() == Delimiter::Parenthesis,
        _ => false,
    }
}
