//! One rulebook: every case of the spec suites (`../shared/spec/tests/`: auth, connection-string and
//! uri-options) goes through the run-time parser (`ConnectionString::parse`) and through `mongo_uri!`'s
//! own functions, called as ordinary functions, and the two must agree.
//!
//! The macro is stricter than a run-time parse, so "agree" is defined precisely:
//!
//! 1. Spec layer. `check_with(uri, Layers::Spec)` accepts ⇔ the run-time parse succeeds **without a
//!    warning**. When both accept, the credential (user name, password, source, mechanism, properties),
//!    the hosts and the options are the same. When both refuse, the macro's diagnostics are exactly the
//!    run-time errors (or, for a string the run time accepts with warnings, exactly its warnings): same
//!    rule, same byte range, same message.
//! 2. Library layer. `check(uri)` (what `mongo_uri!` runs) accepts only what the spec layer accepts, and
//!    what it refuses beyond that is refused by a library rule (MONGODB-X509 or PLAIN without TLS, a
//!    source other than `$external`) and by nothing else.
//! 3. Expansion. For every string `mongo_uri!` accepts, `expand` succeeds, and the credential written
//!    into the expansion's tokens (decoded back from them) is the run-time credential.
//! 4. The typed configuration. A literal that leaves nothing to code is accepted exactly when
//!    `str::parse::<ClientConfig>` (both layers, at run time, as strict as the macro) accepts the
//!    string, with the same credential; a literal that leaves a password or a client certificate to
//!    code is one the run-time parse refuses for exactly that. When the spec layer refuses a string or
//!    warns about it, `str::parse::<ClientConfig>` refuses it with exactly the macro's diagnostics: each
//!    run-time error, and each warning as [`ErrorKind::Refused`] with the macro's span and message.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mongo_auth::ClientConfig;
use mongo_auth_core::{ConnectionString, ErrorKind, Errors, Warning};
use mongo_auth_macros_core::{Deferred, Diagnostic, Layers, Rule, check, check_with, expand};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/tests")
}

/// Every case of the three suites: (file and description, uri).
fn spec_cases() -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for suite in ["auth", "connection-string", "uri-options"] {
        let dir = spec_dir().join(suite);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let name = format!("{suite}/{}", file.file_name().unwrap().to_string_lossy());
            for case in json["tests"].as_array().expect("a `tests` array") {
                let description = case["description"].as_str().unwrap();
                let uri = case["uri"].as_str().unwrap();
                cases.push((format!("{name}: {description}"), uri.to_owned()));
            }
        }
    }
    cases
}

/// Cases of our own, for what the suites do not hold: PyMongo's authentication guide, MONGODB-CR (no
/// spec cases since 2024), PLAIN over TLS, literals that leave a part to code, the library rules.
const OWN_CASES: &[&str] = &[
    "mongodb://user:pass%2Fword@127.0.0.1",
    "mongodb://user:password@example.com/default_db?authSource=admin",
    "mongodb://user:password@example.com/the_database?authMechanism=SCRAM-SHA-1",
    "mongodb://user:password@example.com/?authSource=the_database&authMechanism=MONGODB-CR",
    "mongodb://user@example.com/?authMechanism=MONGODB-CR",
    "mongodb://example.com/?authMechanism=MONGODB-CR",
    "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename",
    "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename,CANONICALIZE_HOST_NAME:true",
    "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename,SERVICE_REALM:otherrealm",
    "mongodb://example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=/path/to/client.pem&tlsCAFile=/path/to/ca.pem",
    "mongodb://example.com/?authMechanism=MONGODB-X509&tls=true&tlsCAFile=ca.pem",
    "mongodb://example.com/?authMechanism=MONGODB-X509&tlsCertificateKeyFile=client.pem",
    "mongodb://user:password@example.com/?authMechanism=PLAIN&authSource=$external&tls=true",
    "mongodb://user:password@example.com/?authMechanism=PLAIN&authSource=$external",
    "mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256&tls=true",
    "mongodb+srv://app@cluster0.example.com/",
    "mongodb://example.com/?ssl=true&ssl_certfile=client.pem&authMechanism=MONGODB-X509",
];

fn from_errors(errors: &Errors) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = errors.iter().map(Diagnostic::from).collect();
    diagnostics.sort_by_key(|d| (d.range().start, d.range().end));
    diagnostics
}

fn from_warnings(warnings: &[Warning]) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = warnings.iter().map(Diagnostic::from).collect();
    diagnostics.sort_by_key(|d| (d.range().start, d.range().end));
    diagnostics
}

const LIBRARY_RULES: [ErrorKind; 5] = [
    ErrorKind::X509NeedsTls,
    ErrorKind::PlainNeedsTls,
    ErrorKind::ExternalSourceOnly,
    ErrorKind::NulInCredential,
    ErrorKind::TlsOverUnixSocket,
];

#[derive(Default)]
struct Tally {
    cases: usize,
    accepted: usize,
    refused_errors: usize,
    refused_warnings: usize,
    refused_library: usize,
    expanded: usize,
    typed_config: usize,
    left_to_code: usize,
    same_refusal: usize,
}

#[test]
fn macro_and_runtime_agree_on_every_spec_case() {
    let cases = spec_cases();
    assert!(
        cases.len() >= 324,
        "the suites hold 324 cases, found {}",
        cases.len()
    );
    let mut tally = Tally::default();
    let mut failures = String::new();
    let own = OWN_CASES
        .iter()
        .map(|uri| ("our own case".to_owned(), (*uri).to_owned()));
    for (name, uri) in cases.iter().cloned().chain(own) {
        let (name, uri) = (&name, &uri);
        tally.cases += 1;
        if let Err(why) = agree(uri, &mut tally) {
            writeln!(failures, "- {name}\n  uri: {uri}\n  {why}").unwrap();
        }
    }
    println!(
        "macro equivalence: {} cases ({} spec, {} our own); {} accepted by both, {} refused for run-time errors, {} refused \
         for run-time warnings, {} refused by the library layer only, {} expansions decoded; {} agree \
         with str::parse::<ClientConfig>, {} leave a part to code, {} refused by both in the same \
         words",
        tally.cases,
        cases.len(),
        OWN_CASES.len(),
        tally.accepted,
        tally.refused_errors,
        tally.refused_warnings,
        tally.refused_library,
        tally.expanded,
        tally.typed_config,
        tally.left_to_code,
        tally.same_refusal
    );
    assert!(
        tally.same_refusal >= tally.refused_errors + tally.refused_warnings,
        "every string the spec layer refuses or warns about is refused in the same words"
    );
    assert!(
        failures.is_empty(),
        "the macro and the run time disagree:\n{failures}"
    );
}

fn agree(uri: &str, tally: &mut Tally) -> Result<(), String> {
    let runtime = ConnectionString::parse(uri);
    let spec = check_with(uri, Layers::Spec);

    // 1. The spec layer.
    match (&runtime, &spec) {
        (Ok(parsed), Ok(accepted)) => {
            if !parsed.warnings().is_empty() {
                return Err(format!(
                    "the run time warns ({:?}) but the macro accepts",
                    parsed.warnings()
                ));
            }
            let macro_side = accepted.connection_string();
            if macro_side.credential() != parsed.credential() {
                return Err(format!(
                    "credentials differ: macro {:?}, run time {:?}",
                    macro_side.credential(),
                    parsed.credential()
                ));
            }
            if macro_side.hosts() != parsed.hosts() || macro_side.options() != parsed.options() {
                return Err("hosts or options differ".to_owned());
            }
            tally.accepted += 1;
        }
        (Ok(parsed), Err(diagnostics)) => {
            if parsed.warnings().is_empty() {
                return Err(format!(
                    "the run time accepts without a warning but the macro refuses: {diagnostics:?}"
                ));
            }
            let expected = from_warnings(parsed.warnings());
            if diagnostics != &expected {
                return Err(format!(
                    "the macro's diagnostics {diagnostics:?} are not the run-time warnings {expected:?}"
                ));
            }
            tally.refused_warnings += 1;
        }
        (Err(errors), Err(diagnostics)) => {
            let expected = from_errors(errors);
            if diagnostics != &expected {
                return Err(format!(
                    "the macro's diagnostics {diagnostics:?} are not the run-time errors {expected:?}"
                ));
            }
            tally.refused_errors += 1;
        }
        (Err(errors), Ok(_)) => {
            return Err(format!(
                "the run time refuses ({errors}) but the macro accepts"
            ));
        }
    }

    // 2. The library layer only narrows, and only by library rules.
    let full = check(uri);
    match (&spec, &full) {
        (Err(_), Ok(_)) => {
            return Err("the library layer accepts what the spec layer refuses".into());
        }
        (Ok(_), Err(diagnostics)) => {
            let others: Vec<&Diagnostic> = diagnostics
                .iter()
                .filter(|d| !matches!(d.rule(), Rule::Error(kind) if LIBRARY_RULES.contains(&kind)))
                .collect();
            if !others.is_empty() {
                return Err(format!(
                    "refused by the library layer for a non-library rule: {others:?}"
                ));
            }
            tally.refused_library += 1;
        }
        _ => {}
    }

    // 3. The expansion carries the run-time credential.
    if let Ok(accepted) = &full {
        let tokens = expand(uri).map_err(|d| format!("check accepts but expand refuses: {d:?}"))?;
        let decoded = expansion_decoder::credential(&tokens).map_err(|why| {
            format!("cannot decode the expansion's credential: {why}\n  {tokens}")
        })?;
        let runtime_credential = runtime.as_ref().ok().and_then(|p| p.credential());
        if decoded.as_ref() != runtime_credential {
            return Err(format!(
                "the expansion carries {decoded:?}, the run time {runtime_credential:?}"
            ));
        }
        let _ = accepted;
        tally.expanded += 1;
    }

    // 4. The run-time typed configuration.
    let config = uri.parse::<ClientConfig>();
    if let (Err(diagnostics), Err(error)) = (&spec, &config) {
        // refused by the spec layer or for a warning: the same problems, in the same words
        let (runtime, macro_side) = (runtime_verdicts(error), macro_verdicts(diagnostics));
        if runtime != macro_side {
            return Err(format!(
                "str::parse::<ClientConfig> refuses with {runtime:?}, the macro with {macro_side:?}"
            ));
        }
        tally.same_refusal += 1;
    }
    match (&full, &config) {
        (Ok(accepted), Ok(config)) if accepted.deferred() == Deferred::default() => {
            if config.credential() != accepted.connection_string().credential() {
                return Err("the macro's credential is not ClientConfig's".into());
            }
            tally.typed_config += 1;
        }
        (Ok(_), Ok(_)) => {
            return Err(
                "the macro leaves a part to code that str::parse::<ClientConfig> does not need"
                    .into(),
            );
        }
        (Ok(accepted), Err(error)) => {
            let deferred = accepted.deferred();
            let expected = if deferred.password {
                ErrorKind::MissingPassword
            } else if deferred.client_certificate {
                ErrorKind::X509NeedsTls
            } else {
                return Err(format!(
                    "the macro accepts what str::parse::<ClientConfig> refuses: {error}"
                ));
            };
            if error.rules().iter().any(|e| e.kind() != expected) {
                return Err(format!(
                    "str::parse::<ClientConfig> refuses for more than the part left to code: {error}"
                ));
            }
            tally.left_to_code += 1;
        }
        (Err(_), Ok(_)) => {
            return Err("str::parse::<ClientConfig> accepts what the macro refuses".into());
        }
        (Err(_), Err(_)) => {}
    }
    Ok(())
}

/// One problem as both sides can state it: the rule (a refused warning is the macro's
/// [`Rule::Warning`]), the byte range and the message.
type Verdict = (Rule, std::ops::Range<usize>, String);

fn runtime_verdicts(error: &mongo_auth::ConfigError) -> Vec<Verdict> {
    let mut verdicts: Vec<Verdict> = error
        .rules()
        .into_iter()
        .map(|e| {
            let rule = match e.kind() {
                ErrorKind::Refused(kind) => Rule::Warning(kind),
                kind => Rule::Error(kind),
            };
            (rule, e.span(), e.message().to_owned())
        })
        .collect();
    verdicts.sort_by_key(|(_, range, message)| (range.start, range.end, message.clone()));
    verdicts
}

fn macro_verdicts(diagnostics: &[Diagnostic]) -> Vec<Verdict> {
    let mut verdicts: Vec<Verdict> = diagnostics
        .iter()
        .map(|d| (d.rule(), d.range(), d.message().to_owned()))
        .collect();
    verdicts.sort_by_key(|(_, range, message)| (range.start, range.end, message.clone()));
    verdicts
}

/// Reads the credential back out of an expansion's tokens: the `UriCredential { … }` of a complete
/// literal, or the builder credential of a literal that leaves a part to code. Written against
/// the token shape, not by calling the emitter, so a mistake in what the emitter writes shows up as a
/// difference from the run-time credential.
mod expansion_decoder {
    use mongo_auth_core::{
        Canonicalize, Credential, GssapiProperties, Mechanism, MechanismProperties, Password,
    };
    use proc_macro2::{Delimiter, TokenStream, TokenTree};

    type Tokens = Vec<TokenTree>;

    pub(crate) fn credential(expansion: &TokenStream) -> Result<Option<Credential>, String> {
        if let Some(body) = find_struct(expansion.clone(), "UriCredential") {
            let fields = fields(body)?;
            return Ok(Some(Credential::from_parts(
                option(field(&fields, "username")?)?
                    .map(string)
                    .transpose()?,
                option(field(&fields, "password")?)?
                    .map(string)
                    .transpose()?
                    .map(Password::new),
                string(field(&fields, "source")?.clone())?,
                option(field(&fields, "mechanism")?)?
                    .map(|path| self::mechanism(&last_ident(&path)?))
                    .transpose()?,
                self::properties(field(&fields, "properties")?)?,
            )));
        }
        if let Some((marker, args)) =
            find_generic_call(expansion.clone(), "password_credential_without_password")?
        {
            let [username, source] = args.as_slice() else {
                return Err("password_credential_without_password takes 2 arguments".into());
            };
            let mechanism = match marker.as_str() {
                "NegotiatedScram" => None,
                other => Some(mechanism(other)?),
            };
            return Ok(Some(Credential::from_parts(
                Some(string(username.clone())?),
                None,
                string(source.clone())?,
                mechanism,
                MechanismProperties::None,
            )));
        }
        if let Some(args) = find_call(expansion.clone(), "x509_credential")? {
            let [subject] = args.as_slice() else {
                return Err("x509_credential takes 1 argument".into());
            };
            // the builder's X509 credential always authenticates against `$external`
            return Ok(Some(Credential::from_parts(
                option(subject)?.map(string).transpose()?,
                None,
                "$external".to_owned(),
                Some(Mechanism::MongodbX509),
                MechanismProperties::None,
            )));
        }
        Ok(None)
    }

    /// The brace group that follows the path ending in `name`.
    fn find_struct(tokens: TokenStream, name: &str) -> Option<TokenStream> {
        let trees: Tokens = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Ident(ident) if ident == name => {
                    if let Some(TokenTree::Group(g)) = trees.get(i + 1)
                        && g.delimiter() == Delimiter::Brace
                    {
                        return Some(g.stream());
                    }
                }
                TokenTree::Group(g) => {
                    if let Some(found) = find_struct(g.stream(), name) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// `name: value, …` split at the top-level commas.
    fn fields(body: TokenStream) -> Result<Vec<(String, Tokens)>, String> {
        arguments(body)
            .into_iter()
            .map(|field| {
                let mut parts = field.into_iter();
                match (parts.next(), parts.next()) {
                    (Some(TokenTree::Ident(name)), Some(TokenTree::Punct(colon)))
                        if colon.as_char() == ':' =>
                    {
                        Ok((name.to_string(), parts.collect()))
                    }
                    _ => Err("a field is not `name: value`".to_owned()),
                }
            })
            .collect()
    }

    fn field<'a>(fields: &'a [(String, Tokens)], name: &str) -> Result<&'a Tokens, String> {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("no field `{name}`"))
    }

    /// The arguments of the first `…::name(…)` call (a path call, not a method call).
    fn find_call(tokens: TokenStream, name: &str) -> Result<Option<Vec<Tokens>>, String> {
        let trees: Tokens = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Ident(ident) if ident == name => {
                    let after_path =
                        i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':');
                    if let (true, Some(TokenTree::Group(g))) = (after_path, trees.get(i + 1))
                        && g.delimiter() == Delimiter::Parenthesis
                    {
                        return Ok(Some(arguments(g.stream())));
                    }
                }
                TokenTree::Group(g) => {
                    if let Some(found) = find_call(g.stream(), name)? {
                        return Ok(Some(found));
                    }
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// `name::<…::Marker>(…)`: the marker's last segment and the arguments.
    fn find_generic_call(
        tokens: TokenStream,
        name: &str,
    ) -> Result<Option<(String, Vec<Tokens>)>, String> {
        let trees: Tokens = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Ident(ident) if ident == name => {
                    let rest = &trees[i + 1..];
                    let close = rest
                        .iter()
                        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '>'))
                        .ok_or_else(|| format!("`{name}` without `<…>`"))?;
                    let marker = last_ident(&rest[..close].to_vec())?;
                    let Some(TokenTree::Group(args)) = rest.get(close + 1) else {
                        return Err(format!("`{name}::<…>` without arguments"));
                    };
                    return Ok(Some((marker, arguments(args.stream()))));
                }
                TokenTree::Group(g) => {
                    if let Some(found) = find_generic_call(g.stream(), name)? {
                        return Ok(Some(found));
                    }
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Arguments split at the top-level commas (a trailing comma is allowed).
    fn arguments(stream: TokenStream) -> Vec<Tokens> {
        let mut args = vec![Vec::new()];
        for tree in stream {
            if matches!(&tree, TokenTree::Punct(p) if p.as_char() == ',') {
                args.push(Vec::new());
            } else {
                args.last_mut().unwrap().push(tree);
            }
        }
        args.retain(|arg| !arg.is_empty());
        args
    }

    /// `…::Some(x)` → `Some(x)`, `…::None` → `None`.
    fn option(value: &Tokens) -> Result<Option<Tokens>, String> {
        match value.as_slice() {
            [.., TokenTree::Ident(some), TokenTree::Group(args)] if some == "Some" => {
                Ok(Some(args.stream().into_iter().collect()))
            }
            [.., TokenTree::Ident(none)] if none == "None" => Ok(None),
            other => Err(format!("not an Option: {}", render(other))),
        }
    }

    fn string(value: Tokens) -> Result<String, String> {
        match value.as_slice() {
            [TokenTree::Literal(lit)] => syn::parse_str::<syn::LitStr>(&lit.to_string())
                .map(|s| s.value())
                .map_err(|e| format!("not a string literal: {lit} ({e})")),
            other => Err(format!("not a string literal: {}", render(other))),
        }
    }

    fn last_ident(path: &Tokens) -> Result<String, String> {
        match path.last() {
            Some(TokenTree::Ident(ident)) => Ok(ident.to_string()),
            _ => Err(format!("not a path: {}", render(path))),
        }
    }

    fn mechanism(variant: &str) -> Result<Mechanism, String> {
        Ok(match variant {
            "ScramSha1" => Mechanism::ScramSha1,
            "ScramSha256" => Mechanism::ScramSha256,
            "MongodbCr" => Mechanism::MongodbCr,
            "MongodbX509" => Mechanism::MongodbX509,
            "Gssapi" => Mechanism::Gssapi,
            "Plain" => Mechanism::Plain,
            "MongodbAws" => Mechanism::MongodbAws,
            "MongodbOidc" => Mechanism::MongodbOidc,
            other => return Err(format!("unknown mechanism `{other}`")),
        })
    }

    fn properties(value: &Tokens) -> Result<MechanismProperties, String> {
        match value.as_slice() {
            [.., TokenTree::Ident(none)] if none == "None" => Ok(MechanismProperties::None),
            [.., TokenTree::Ident(gssapi), TokenTree::Group(body)]
                if gssapi == "Gssapi" && body.delimiter() == Delimiter::Brace =>
            {
                let fields = fields(body.stream())?;
                let canonicalize =
                    match last_ident(field(&fields, "canonicalize_host_name")?)?.as_str() {
                        "None" => Canonicalize::None,
                        "Forward" => Canonicalize::Forward,
                        "ForwardAndReverse" => Canonicalize::ForwardAndReverse,
                        other => return Err(format!("unknown CANONICALIZE_HOST_NAME `{other}`")),
                    };
                Ok(MechanismProperties::Gssapi({
                    let mut properties = GssapiProperties::default();
                    properties.service_name = string(field(&fields, "service_name")?.clone())?;
                    properties.canonicalize_host_name = canonicalize;
                    properties.service_realm = option(field(&fields, "service_realm")?)?
                        .map(string)
                        .transpose()?;
                    properties.service_host = option(field(&fields, "service_host")?)?
                        .map(string)
                        .transpose()?;
                    properties
                }))
            }
            [.., TokenTree::Ident(kind), TokenTree::Group(inner)]
                if kind == "Aws" || kind == "Oidc" =>
            {
                // `(&[("K", "V"), …])`
                let mut pairs = Vec::new();
                for tree in inner.stream() {
                    if let TokenTree::Group(list) = tree {
                        for pair in list.stream() {
                            if let TokenTree::Group(pair) = pair {
                                let items = arguments(pair.stream());
                                let [k, v] = items.as_slice() else {
                                    return Err("a property pair is not (key, value)".into());
                                };
                                pairs.push((string(k.clone())?, string(v.clone())?));
                            }
                        }
                    }
                }
                Ok(if kind == "Aws" {
                    MechanismProperties::Aws(pairs)
                } else {
                    MechanismProperties::Oidc(pairs)
                })
            }
            other => Err(format!("not mechanism properties: {}", render(other))),
        }
    }

    fn render(tokens: &[TokenTree]) -> String {
        tokens.iter().cloned().collect::<TokenStream>().to_string()
    }
}

/// A `mongodb+srv` literal keeps what its source was resolved from (an explicit `authSource`, the
/// database path) and its topology options as given, exactly as a run-time parse does, so that the
/// TXT record is merged the same way at connect time.
#[test]
fn srv_literals_keep_the_inputs_of_the_source_and_topology() {
    let literal = mongo_auth::mongo_uri!(
        "mongodb+srv://app:pencil@cluster0.example.com/shop?authSource=admin&loadBalanced=false"
    );
    let parsed: ClientConfig =
        "mongodb+srv://app:pencil@cluster0.example.com/shop?authSource=admin&loadBalanced=false"
            .parse()
            .unwrap();
    let debug = format!("{literal:?}");
    assert_eq!(debug, format!("{parsed:?}"));
    assert!(debug.contains(r#"explicit: Some("admin")"#), "{debug}");
    assert!(debug.contains(r#"database: Some("shop")"#), "{debug}");
    assert!(debug.contains("load_balanced: Some(false)"), "{debug}");
}
