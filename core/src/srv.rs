//! `mongodb+srv` rules that need the DNS answers: the TXT record's options and the topology checks
//! run again once they are merged with the connection string's options.
//!
//! The runtime crate does the lookups; every rule about what the answers may say lives here.
//!
//! ```
//! use mongo_auth_core::srv::{SrvTopology, TxtOptions};
//! let txt = TxtOptions::parse("authSource=my%20db&replicaSet=rs0").unwrap();
//! assert_eq!(txt.auth_source.as_deref(), Some("my db"));
//! assert_eq!(txt.replica_set.as_deref(), Some("rs0"));
//! assert!(TxtOptions::parse("ssl=false").is_err());
//! assert!(TxtOptions::parse("authSource=").is_err());
//!
//! // loadBalanced from TXT, replicaSet from the connection string: refused
//! let topology = SrvTopology { hosts: 1, replica_set: Some("rs0"), load_balanced: Some(true), ..SrvTopology::default() };
//! assert!(topology.check().is_err());
//! ```

use crate::decode::decode;
use crate::error::{ErrorKind, Errors, Report};
use crate::options::parse_bool;

/// The options a `mongodb+srv` TXT record may carry (`authSource`, `replicaSet`, `loadBalanced`; the
/// spec allows no others), values percent-decoded.
///
/// ```
/// use mongo_auth_core::srv::TxtOptions;
/// // the TXT record of `mongodb+srv://cluster0.example.com`
/// let txt = TxtOptions::parse("replicaSet=rs0&authSource=admin").unwrap();
/// assert_eq!(txt.replica_set.as_deref(), Some("rs0"));
/// assert_eq!(txt.auth_source.as_deref(), Some("admin"));
/// assert_eq!(txt.load_balanced, None);
/// // an empty record sets nothing
/// assert_eq!(TxtOptions::parse("").unwrap(), TxtOptions::default());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TxtOptions {
    /// `authSource`: the source default for mechanisms that take one, below an explicit `authSource`.
    pub auth_source: Option<String>,
    /// `replicaSet`.
    pub replica_set: Option<String>,
    /// `loadBalanced`.
    pub load_balanced: Option<bool>,
}

impl TxtOptions {
    /// Parses the text of a TXT record (its strings already concatenated): `key=value` pairs joined by
    /// `&`, keys case-insensitive, values percent-decoded once. Any key but `authSource`, `replicaSet`
    /// and `loadBalanced` is an error, and so are an empty `authSource`, a pair without `=`, bad
    /// percent-encoding and a `loadBalanced` that is not `true` or `false`. Every problem is reported.
    ///
    /// ```
    /// use mongo_auth_core::srv::TxtOptions;
    /// let txt = TxtOptions::parse("loadBalanced=true").unwrap();
    /// assert_eq!(txt.load_balanced, Some(true));
    /// let errors = TxtOptions::parse("authSource=admin&tls=false").unwrap_err();
    /// assert!(errors.first().message().contains("tls"));
    /// ```
    pub fn parse(text: &str) -> Result<Self, Errors> {
        let mut report = Report::default();
        let mut options = TxtOptions::default();
        let mut start = 0;
        for piece in text.split('&') {
            let span = start..start + piece.len();
            start = span.end + 1;
            if piece.is_empty() {
                continue;
            }
            let Some((key, _)) = piece.split_once('=') else {
                report.error(
                    ErrorKind::SrvRule,
                    span,
                    format!(
                        "the TXT record's option `{piece}` has no `=`: the record must hold key=value pairs"
                    ),
                );
                continue;
            };
            let value_span = span.start + key.len() + 1..span.end;
            let Some(value) = decode(
                text,
                value_span.clone(),
                ErrorKind::SrvRule,
                &format!("TXT record's {key} value"),
                &mut report,
            ) else {
                continue;
            };
            match key.to_ascii_lowercase().as_str() {
                "authsource" if value.is_empty() => report.error(
                    ErrorKind::InvalidSource,
                    span,
                    "the TXT record's authSource is empty: fix the DNS record, or give authSource in \
                     the connection string",
                ),
                "authsource" => options.auth_source = Some(value.into_owned()),
                "replicaset" => options.replica_set = Some(value.into_owned()),
                "loadbalanced" => match parse_bool(&value) {
                    Some(b) => options.load_balanced = Some(b),
                    None => report.error(
                        ErrorKind::SrvRule,
                        value_span,
                        format!(
                            "the TXT record's loadBalanced={value} is not true or false: fix the DNS record"
                        ),
                    ),
                },
                _ => report.error(
                    ErrorKind::SrvRule,
                    span.start..span.start + key.len(),
                    format!(
                        "the TXT record sets {key}, but only authSource, replicaSet and loadBalanced \
                         are allowed there: fix the DNS record"
                    ),
                ),
            }
        }
        match report.into_errors() {
            None => Ok(options),
            Some(errors) => Err(errors),
        }
    }
}

/// The topology of a resolved `mongodb+srv` configuration: the connection string's (or code's)
/// options with the TXT record's merged under them, and how many hosts the SRV record gave.
///
/// ```
/// use mongo_auth_core::srv::{SrvTopology, TxtOptions};
/// use mongo_auth_core::ErrorKind;
/// let txt = TxtOptions::parse("loadBalanced=true").unwrap();
/// // a load balancer is one host, but the SRV lookup gave two
/// let topology = SrvTopology { hosts: 2, load_balanced: txt.load_balanced, ..SrvTopology::default() };
/// assert_eq!(topology.check().unwrap_err().first().kind(), ErrorKind::TopologyRule);
/// assert!(SrvTopology { hosts: 1, ..topology }.check().is_ok());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SrvTopology<'a> {
    /// The number of hosts the SRV lookup gave.
    pub hosts: usize,
    /// `replicaSet`, after merging.
    pub replica_set: Option<&'a str>,
    /// `loadBalanced`, after merging.
    pub load_balanced: Option<bool>,
    /// `directConnection`.
    pub direct_connection: Option<bool>,
    /// `srvMaxHosts`.
    pub srv_max_hosts: Option<u64>,
}

impl SrvTopology<'_> {
    /// The topology rules, applied after the lookups: `loadBalanced=true` with `replicaSet`, with
    /// `directConnection=true` or with more than one SRV host; `srvMaxHosts` > 0 with `replicaSet` or
    /// `loadBalanced=true`; `directConnection=true` at all.
    ///
    /// ```
    /// use mongo_auth_core::srv::SrvTopology;
    /// let ok = SrvTopology { hosts: 3, replica_set: Some("rs0"), ..SrvTopology::default() };
    /// assert!(ok.check().is_ok());
    /// let max = SrvTopology { hosts: 3, replica_set: Some("rs0"), srv_max_hosts: Some(1), ..SrvTopology::default() };
    /// assert!(max.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), Errors> {
        let mut report = Report::default();
        let load_balanced = self.load_balanced == Some(true);
        if self.direct_connection == Some(true) {
            report.error(
                ErrorKind::SrvRule,
                0..0,
                "directConnection=true cannot be used with mongodb+srv (it may resolve to several \
                 hosts): remove it or use mongodb:// with one host",
            );
        }
        if load_balanced {
            if self.replica_set.is_some() {
                report.error(
                    ErrorKind::TopologyRule,
                    0..0,
                    "replicaSet cannot be combined with loadBalanced=true (one of them may come from \
                     the DNS TXT record): remove one of them",
                );
            }
            if self.hosts > 1 {
                report.error(
                    ErrorKind::TopologyRule,
                    0..0,
                    format!(
                        "loadBalanced=true needs exactly one host (the load balancer), but the SRV \
                         record gave {}: fix the DNS records or remove loadBalanced",
                        self.hosts
                    ),
                );
            }
        }
        if self.srv_max_hosts.is_some_and(|n| n > 0) {
            if self.replica_set.is_some() {
                report.error(
                    ErrorKind::SrvRule,
                    0..0,
                    "srvMaxHosts cannot be combined with replicaSet (one of them may come from the \
                     DNS TXT record): remove one of them",
                );
            }
            if load_balanced {
                report.error(
                    ErrorKind::SrvRule,
                    0..0,
                    "srvMaxHosts cannot be combined with loadBalanced=true (one of them may come \
                     from the DNS TXT record): remove one of them",
                );
            }
        }
        match report.into_errors() {
            None => Ok(()),
            Some(errors) => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_options_are_decoded_and_checked() {
        let txt =
            TxtOptions::parse("authSource=my%24db&replicaSet=rs%200&loadBalanced=false").unwrap();
        assert_eq!(txt.auth_source.as_deref(), Some("my$db"));
        assert_eq!(txt.replica_set.as_deref(), Some("rs 0"));
        assert_eq!(txt.load_balanced, Some(false));
        assert_eq!(TxtOptions::parse("").unwrap(), TxtOptions::default());
        for bad in [
            "authSource=",
            "authSource",
            "ssl=false",
            "tls=true",
            "loadBalanced=maybe",
            "authSource=a%2",
            "srvMaxHosts=1",
        ] {
            assert!(TxtOptions::parse(bad).is_err(), "{bad}");
        }
        let errors = TxtOptions::parse("authSource=&ssl=false").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.first().kind(), ErrorKind::InvalidSource);
    }

    #[test]
    fn topology_rules_after_merging() {
        let base = SrvTopology {
            hosts: 1,
            ..SrvTopology::default()
        };
        assert!(base.check().is_ok());
        let lb = SrvTopology {
            load_balanced: Some(true),
            ..base
        };
        assert!(lb.check().is_ok());
        assert!(SrvTopology { hosts: 2, ..lb }.check().is_err());
        assert!(
            SrvTopology {
                replica_set: Some("rs"),
                ..lb
            }
            .check()
            .is_err()
        );
        assert!(
            SrvTopology {
                srv_max_hosts: Some(1),
                ..lb
            }
            .check()
            .is_err()
        );
        assert!(
            SrvTopology {
                srv_max_hosts: Some(0),
                ..lb
            }
            .check()
            .is_ok()
        );
        assert!(
            SrvTopology {
                direct_connection: Some(true),
                ..base
            }
            .check()
            .is_err()
        );
    }
}
