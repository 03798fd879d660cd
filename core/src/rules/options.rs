//! Rules on options that every entry point applies, not only connection strings: `appName`,
//! `srvServiceName`, the `mongodb+srv` options, the SCRAM iteration floor.

use crate::error::{Error, ErrorKind};

/// The smallest SCRAM iteration count the spec lets a server use (RFC 7677 and the auth spec): a
/// server offering fewer is refused, and a client maximum below it accepts no server.
pub const MIN_SCRAM_ITERATIONS: u32 = 4096;

/// The longest `appName` the server accepts in the handshake's client metadata, in bytes.
pub const MAX_APP_NAME_LEN: usize = 128;

/// `appName`: at most [`MAX_APP_NAME_LEN`] bytes. The rule every entry point applies (connection
/// strings, builders, config files).
///
/// ```
/// use mongo_auth_core::rules::check_app_name;
/// assert!(check_app_name("inventory").is_ok());
/// assert!(check_app_name(&"x".repeat(129)).unwrap_err().starts_with("appName is longer"));
/// ```
pub fn check_app_name(name: &str) -> Result<(), &'static str> {
    if name.len() > MAX_APP_NAME_LEN {
        Err("appName is longer than 128 bytes (the server's limit for the handshake): shorten it")
    } else {
        Ok(())
    }
}

/// `srvServiceName`: an SRV service name (RFC 6335: 1 to 15 letters, digits and single hyphens,
/// at least one letter, no hyphen at either end). The rule every entry point applies.
///
/// ```
/// use mongo_auth_core::rules::check_srv_service_name;
/// assert!(check_srv_service_name("customname").is_ok());
/// assert!(check_srv_service_name("a b").is_err());
/// ```
pub fn check_srv_service_name(name: &str) -> Result<(), &'static str> {
    if valid_service_name(name) {
        Ok(())
    } else {
        Err(
            "srvServiceName must be an SRV service name (1 to 15 letters, digits and single hyphens): \
             fix it",
        )
    }
}

/// RFC 6335's service-name syntax, as the URI-options spec asks of `srvServiceName`.
fn valid_service_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=15).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.iter().any(u8::is_ascii_alphabetic)
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Which `mongodb+srv` options a configuration gives, for [`check_srv_options`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SrvOptions {
    /// The configuration uses `mongodb+srv` (an SRV name instead of hosts).
    pub srv: bool,
    /// `srvServiceName` is given.
    pub service_name: bool,
    /// `srvMaxHosts`, when given.
    pub max_hosts: Option<u64>,
    /// `replicaSet` is given.
    pub replica_set: bool,
    /// `loadBalanced=true` is given.
    pub load_balanced: bool,
}

/// An SRV option given where it does not apply (`srvServiceName`, `srvMaxHosts` without
/// `mongodb+srv`).
pub fn srv_option_without_srv(key: &str) -> String {
    format!("{key} only applies to mongodb+srv:// connection strings: remove it")
}

/// `srvMaxHosts` > 0 with `replicaSet`.
pub const SRV_MAX_HOSTS_WITH_REPLICA_SET: &str =
    "srvMaxHosts cannot be combined with replicaSet: remove one of them";

/// `srvMaxHosts` > 0 with `loadBalanced=true`.
pub const SRV_MAX_HOSTS_WITH_LOAD_BALANCED: &str =
    "srvMaxHosts cannot be combined with loadBalanced=true: remove one of them";

/// The `mongodb+srv` option rules of the URI-options spec for input that is not a connection string
/// (builders, config tables): the connection-string parser applies the same rules, with the same
/// words, at the options' spans. Every problem is an [`ErrorKind::SrvRule`] with an empty span.
///
/// ```
/// use mongo_auth_core::rules::{check_srv_options, SrvOptions};
/// let mut options = SrvOptions::default();
/// options.max_hosts = Some(2);
/// let problems = check_srv_options(options);
/// assert!(problems[0].message().starts_with("srvMaxHosts only applies to mongodb+srv://"));
/// options.srv = true;
/// assert!(check_srv_options(options).is_empty());
/// ```
pub fn check_srv_options(options: SrvOptions) -> Vec<Error> {
    let mut problems = Vec::new();
    let mut refuse = |message: String| problems.push(Error::new(ErrorKind::SrvRule, 0..0, message));
    if !options.srv {
        if options.service_name {
            refuse(srv_option_without_srv("srvServiceName"));
        }
        if options.max_hosts.is_some() {
            refuse(srv_option_without_srv("srvMaxHosts"));
        }
    } else if options.max_hosts.is_some_and(|max| max > 0) {
        if options.replica_set {
            refuse(SRV_MAX_HOSTS_WITH_REPLICA_SET.to_owned());
        }
        if options.load_balanced {
            refuse(SRV_MAX_HOSTS_WITH_LOAD_BALANCED.to_owned());
        }
    }
    problems
}
