//! The expression a valid literal expands to: already-validated parts handed to the hidden constructors
//! of `mongo_auth::__private`. The generated code parses nothing; every string in it is a part the
//! rulebook has already decoded and checked.
//!
//! A literal with nothing left to code becomes a `ClientConfig`, from one constant expression that the
//! compiler promotes to a static (so a literal costs one call where it is used):
//!
//! ```text
//! ::mongo_auth::__private::config(&::mongo_auth::__private::UriConfig {
//!     srv: false,
//!     hosts: &[(HostKind::Hostname, "db.example.com", None)],
//!     credential: Some(UriCredential { username: Some("app"), password: Some("pw"), source: "shop", … }),
//!     tls: Some(UriTls { parts: TlsParts { … }, certificate_file: None, … }),
//!     options: UriOptions { options: &[("appName", UriValue::Str("shop")), …], database: … },
//! })
//! ```
//!
//! A literal that leaves something to code becomes a builder in the state that demands it:
//! `PasswordCredential<M, HasUsername, NoPassword>` (needs `.password(…)`) or `X509Credential` without a
//! client certificate (needs `.tls(Tls::enabled().client_cert(…))`); `.build()` compiles once it is supplied.

use mongo_auth_core::{
    Canonicalize, ConnectionString, Credential, EffectiveTls, Host, HostKind, Mechanism,
    MechanismProperties, OptionValue,
};
use proc_macro2::TokenStream;
use quote::quote;

use crate::{Accepted, Deferred};

/// The expansion of an accepted literal.
pub(crate) fn config(accepted: &Accepted) -> TokenStream {
    let uri = accepted.connection_string();
    let hosts = uri.hosts().iter().map(host);
    let hosts = quote!(::std::vec![#(#hosts),*]);
    let srv = uri.is_srv();
    let tls = tls(uri);
    let options = options(uri);
    match (accepted.deferred(), uri.credential()) {
        (Deferred { password: true, .. }, Some(credential)) => {
            let marker = password_mechanism(credential.mechanism);
            let Some(username) = credential.username.as_deref() else {
                unreachable!("the spec layer requires a user name for password mechanisms")
            };
            let source = &credential.source;
            let builder = quote! {
                ::mongo_auth::__private::builder(#hosts, #srv)
                    .credential(::mongo_auth::__private::password_credential_without_password::<
                        ::mongo_auth::__private::#marker
                    >(#username, #source))
            };
            with_tls_and_options(builder, tls, options)
        }
        (
            Deferred {
                client_certificate: true,
                ..
            },
            Some(credential),
        ) => {
            let subject = option_str(credential.username.as_deref());
            let builder = quote! {
                ::mongo_auth::__private::builder(#hosts, #srv)
                    .credential(::mongo_auth::__private::x509_credential(#subject))
            };
            with_tls_and_options(builder, tls, options)
        }
        (_, credential) => {
            let hosts = uri.hosts().iter().map(static_host);
            let credential = option(credential.map(self::credential));
            let tls = option(static_tls(uri));
            quote! {
                ::mongo_auth::__private::config(&::mongo_auth::__private::UriConfig {
                    srv: #srv,
                    hosts: &[#(#hosts),*],
                    credential: #credential,
                    tls: #tls,
                    options: #options,
                })
            }
        }
    }
}

fn with_tls_and_options(
    builder: TokenStream,
    tls: Option<TokenStream>,
    options: TokenStream,
) -> TokenStream {
    let builder = match tls {
        Some(tls) => quote!(#builder.tls(#tls)),
        None => builder,
    };
    quote!(::mongo_auth::__private::with_uri_options(#builder, #options))
}

/// The builder's mechanism marker for a password mechanism (`None` negotiates SCRAM).
fn password_mechanism(mechanism: Option<Mechanism>) -> TokenStream {
    match mechanism {
        None => quote!(NegotiatedScram),
        Some(Mechanism::ScramSha1) => quote!(ScramSha1),
        Some(Mechanism::ScramSha256) => quote!(ScramSha256),
        Some(Mechanism::MongodbCr) => quote!(MongodbCr),
        Some(Mechanism::Plain) => quote!(Plain),
        // The library layer defers a password only for the mechanisms above.
        Some(other) => unreachable!("a password is never left to code for {other}"),
    }
}

/// `(kind, host, port)`, for `UriConfig`'s constant host list.
fn static_host(host: &Host) -> TokenStream {
    let kind = host_kind(host.kind);
    let name = &host.host;
    let port = option(host.port.map(|port| quote!(#port)));
    quote!((::mongo_auth::__private::HostKind::#kind, #name, #port))
}

fn host_kind(kind: HostKind) -> TokenStream {
    match kind {
        HostKind::Hostname => quote!(Hostname),
        HostKind::Ipv4 => quote!(Ipv4),
        HostKind::IpLiteral => quote!(IpLiteral),
        HostKind::Unix => quote!(Unix),
        // core and the macro are released together; a kind this expansion does not know is a bug
        // in that pairing, reported where the literal is
        other => {
            let message = format!(
                "mongo_uri! cannot expand a host of kind {other:?}: mongo-auth-macros and mongo-auth-core are out of step"
            );
            quote!(Hostname; ::core::compile_error!(#message))
        }
    }
}

fn host(host: &Host) -> TokenStream {
    let kind = host_kind(host.kind);
    let name = &host.host;
    let port = option(host.port.map(|port| quote!(#port)));
    quote! {
        ::mongo_auth::__private::host(::mongo_auth::__private::HostKind::#kind, #name, #port)
    }
}

/// The resolved credential, as the rulebook built it.
fn credential(credential: &Credential) -> TokenStream {
    let username = option_str(credential.username.as_deref());
    let password = option_str(credential.password.as_ref().map(|p| p.expose_secret()));
    let source = &credential.source;
    let mechanism = option(credential.mechanism.map(mechanism));
    let properties = properties(&credential.properties);
    quote! {
        ::mongo_auth::__private::UriCredential {
            username: #username,
            password: #password,
            source: #source,
            mechanism: #mechanism,
            properties: #properties,
        }
    }
}

fn mechanism(mechanism: Mechanism) -> TokenStream {
    let variant = match mechanism {
        Mechanism::ScramSha1 => quote!(ScramSha1),
        Mechanism::ScramSha256 => quote!(ScramSha256),
        Mechanism::MongodbCr => quote!(MongodbCr),
        Mechanism::MongodbX509 => quote!(MongodbX509),
        Mechanism::Gssapi => quote!(Gssapi),
        Mechanism::Plain => quote!(Plain),
        Mechanism::MongodbAws => quote!(MongodbAws),
        Mechanism::MongodbOidc => quote!(MongodbOidc),
        other => unreachable!("mechanism {other} has no expansion"),
    };
    quote!(::mongo_auth::__private::Mechanism::#variant)
}

fn properties(properties: &MechanismProperties) -> TokenStream {
    match properties {
        MechanismProperties::None => quote!(::mongo_auth::__private::UriProperties::None),
        MechanismProperties::Gssapi(gssapi) => {
            let service_name = &gssapi.service_name;
            let canonicalize = match gssapi.canonicalize_host_name {
                Canonicalize::None => quote!(None),
                Canonicalize::Forward => quote!(Forward),
                Canonicalize::ForwardAndReverse => quote!(ForwardAndReverse),
                other => {
                    let message = format!(
                        "mongo_uri! cannot expand CANONICALIZE_HOST_NAME {other:?}: mongo-auth-macros and mongo-auth-core are out of step"
                    );
                    return quote!(::core::compile_error!(#message));
                }
            };
            let service_realm = option_str(gssapi.service_realm.as_deref());
            let service_host = option_str(gssapi.service_host.as_deref());
            quote! {
                ::mongo_auth::__private::UriProperties::Gssapi {
                    service_name: #service_name,
                    canonicalize_host_name: ::mongo_auth::__private::Canonicalize::#canonicalize,
                    service_realm: #service_realm,
                    service_host: #service_host,
                }
            }
        }
        MechanismProperties::Aws(pairs) => {
            let pairs = pairs.iter().map(|(k, v)| quote!((#k, #v)));
            quote!(::mongo_auth::__private::UriProperties::Aws(&[#(#pairs),*]))
        }
        MechanismProperties::Oidc(pairs) => {
            let pairs = pairs.iter().map(|(k, v)| quote!((#k, #v)));
            quote!(::mongo_auth::__private::UriProperties::Oidc(&[#(#pairs),*]))
        }
        other => unreachable!("mechanism properties {other:?} have no expansion"),
    }
}

/// CA file, CRL file and the relaxations, as the rulebook computes them for a connection string
/// read at run time ([`mongo_auth_core::Options::effective_tls`]).
fn tls_parts(tls: &EffectiveTls<'_>) -> TokenStream {
    let ca_file = option_str(tls.ca_file);
    let crl_file = option_str(tls.crl_file);
    let allow_invalid_certificates = tls.allow_invalid_certificates;
    let allow_invalid_hostnames = tls.allow_invalid_hostnames;
    quote! {
        ::mongo_auth::__private::TlsParts {
            ca_file: #ca_file,
            crl_file: #crl_file,
            allow_invalid_certificates: #allow_invalid_certificates,
            allow_invalid_hostnames: #allow_invalid_hostnames,
        }
    }
}

fn key_password(tls: &EffectiveTls<'_>) -> TokenStream {
    option_str(tls.key_password.map(|p| p.expose_secret()))
}

/// The builder's TLS state, when TLS is on.
fn tls(uri: &ConnectionString) -> Option<TokenStream> {
    let effective = uri.effective_tls();
    if !effective.enabled {
        return None;
    }
    let parts = tls_parts(&effective);
    Some(match effective.certificate_key_file {
        None => quote!(::mongo_auth::__private::tls_without_client_cert(#parts)),
        Some(certificate_file) => {
            let key_file = option_str(effective.key_file);
            let key_password = key_password(&effective);
            quote! {
                ::mongo_auth::__private::tls_with_client_cert(
                    #parts,
                    #certificate_file,
                    #key_file,
                    #key_password,
                )
            }
        }
    })
}

/// TLS for `UriConfig`, when TLS is on.
fn static_tls(uri: &ConnectionString) -> Option<TokenStream> {
    let effective = uri.effective_tls();
    if !effective.enabled {
        return None;
    }
    let parts = tls_parts(&effective);
    let certificate_file = option_str(effective.certificate_key_file);
    let key_file = option_str(effective.key_file);
    let key_password = key_password(&effective);
    Some(quote! {
        ::mongo_auth::__private::UriTls {
            parts: #parts,
            certificate_file: #certificate_file,
            key_file: #key_file,
            key_password: #key_password,
        }
    })
}

/// The literal's options that a configuration can take (booleans, non-negative integers, strings),
/// by canonical key: the runtime sets them through its one table from option to configuration, as it
/// does for a connection string read at run time.
fn options(uri: &ConnectionString) -> TokenStream {
    let pairs = uri.options().iter().filter_map(|(key, value)| {
        let value = match value {
            OptionValue::Bool(flag) => quote!(Bool(#flag)),
            OptionValue::Int(number) => {
                let number = u64::try_from(*number).ok()?;
                quote!(Int(#number))
            }
            OptionValue::String(text) => quote!(Str(#text)),
            _ => return None,
        };
        Some(quote!((#key, ::mongo_auth::__private::UriValue::#value)))
    });
    let database = option_str(uri.database());
    quote! {
        ::mongo_auth::__private::UriOptions {
            options: &[#(#pairs),*],
            database: #database,
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    option(value.map(|s| quote!(#s)))
}
