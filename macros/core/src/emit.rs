//! The expression a valid literal expands to: already-validated parts handed to the hidden constructors
//! of `mongo_auth::__private`. The generated code parses nothing; every string in it is a part the
//! rulebook has already decoded and checked.
//!
//! The shape, for `mongodb://app:pw@db.example.com/shop?tls=true`:
//!
//! ```text
//! ::mongo_auth::__private::uri_config(::mongo_auth::__private::UriParts {
//!     srv: false,
//!     hosts: &[::mongo_auth::__private::UriHost { kind: …::Hostname, host: "db.example.com", port: None }],
//!     credential: Some(::mongo_auth::__private::UriCredential { username: Some("app"), … }),
//!     tls: Some(::mongo_auth::__private::UriTls { ca_file: None, … }),
//!     options: ::mongo_auth::__private::UriOptions { app_name: None, … },
//! })
//! ```
//!
//! A literal that leaves the password to code calls `uri_config_without_password::<M, T>` instead, and
//! one that leaves MONGODB-X509's client certificate to code `uri_config_without_client_certificate::<T>`:
//! both return a builder in the state that demands the missing part before `build()` compiles.

use mongo_auth_core::{
    Canonicalize, ConnectionString, Credential, Host, HostKind, Mechanism, MechanismProperties,
};
use proc_macro2::TokenStream;
use quote::quote;

use crate::Accepted;

/// The expansion of an accepted literal.
pub(crate) fn config(accepted: &Accepted) -> TokenStream {
    let uri = accepted.connection_string();
    let parts = parts(uri);
    let deferred = accepted.deferred();
    let tls_state = tls_state(uri);
    if deferred.password {
        let mechanism = password_mechanism(uri.credential().and_then(|c| c.mechanism));
        quote! {
            ::mongo_auth::__private::uri_config_without_password::<
                ::mongo_auth::__private::#mechanism,
                #tls_state
            >(#parts)
        }
    } else if deferred.client_certificate {
        quote! {
            ::mongo_auth::__private::uri_config_without_client_certificate::<#tls_state>(#parts)
        }
    } else {
        quote!(::mongo_auth::__private::uri_config(#parts))
    }
}

/// The builder's transport state for what the literal says about TLS.
fn tls_state(uri: &ConnectionString) -> TokenStream {
    if uri.tls_enabled() {
        quote!(::mongo_auth::__private::Tls<::mongo_auth::__private::WithoutClientCert>)
    } else {
        quote!(::mongo_auth::__private::WithoutTls)
    }
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

fn parts(uri: &ConnectionString) -> TokenStream {
    let srv = uri.is_srv();
    let hosts = uri.hosts().iter().map(host);
    let credential = option(uri.credential().map(credential));
    let tls = option(uri.tls_enabled().then(|| tls(uri)));
    let options = options(uri);
    quote! {
        ::mongo_auth::__private::UriParts {
            srv: #srv,
            hosts: &[#(#hosts),*],
            credential: #credential,
            tls: #tls,
            options: #options,
        }
    }
}

fn host(host: &Host) -> TokenStream {
    let kind = match host.kind {
        HostKind::Hostname => quote!(Hostname),
        HostKind::Ipv4 => quote!(Ipv4),
        HostKind::IpLiteral => quote!(IpLiteral),
        HostKind::Unix => quote!(Unix),
    };
    let name = &host.host;
    let port = option(host.port.map(|port| quote!(#port)));
    quote! {
        ::mongo_auth::__private::UriHost {
            kind: ::mongo_auth::__private::HostKind::#kind,
            host: #name,
            port: #port,
        }
    }
}

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

/// The TLS options as the literal gives them; the constructor maps them onto TLS settings the way a
/// run-time connection string is mapped.
fn tls(uri: &ConnectionString) -> TokenStream {
    let options = uri.options();
    let ca_file = option_str(options.tls_ca_file());
    let certificate_key_file = option_str(options.tls_certificate_key_file());
    let private_key_file = option_str(options.tls_private_key_file());
    let key_password = option_str(
        options
            .tls_certificate_key_file_password()
            .map(|p| p.expose_secret()),
    );
    let crl_file = option_str(options.tls_crl_file());
    let allow_invalid_certificates = option_bool(options.tls_allow_invalid_certificates());
    let allow_invalid_hostnames = option_bool(options.tls_allow_invalid_hostnames());
    let insecure = option_bool(options.tls_insecure());
    quote! {
        ::mongo_auth::__private::UriTls {
            ca_file: #ca_file,
            certificate_key_file: #certificate_key_file,
            private_key_file: #private_key_file,
            certificate_key_file_password: #key_password,
            crl_file: #crl_file,
            allow_invalid_certificates: #allow_invalid_certificates,
            allow_invalid_hostnames: #allow_invalid_hostnames,
            insecure: #insecure,
        }
    }
}

fn options(uri: &ConnectionString) -> TokenStream {
    let options = uri.options();
    let app_name = option_str(options.app_name());
    let connect_timeout_ms = option(options.connect_timeout_ms().map(|ms| quote!(#ms)));
    let replica_set = option_str(options.replica_set());
    let direct_connection = option_bool(options.direct_connection());
    let load_balanced = option_bool(options.load_balanced());
    let srv_service_name = option_str(options.srv_service_name());
    quote! {
        ::mongo_auth::__private::UriOptions {
            app_name: #app_name,
            connect_timeout_ms: #connect_timeout_ms,
            replica_set: #replica_set,
            direct_connection: #direct_connection,
            load_balanced: #load_balanced,
            srv_service_name: #srv_service_name,
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

fn option_bool(value: Option<bool>) -> TokenStream {
    option(value.map(|b| quote!(#b)))
}
