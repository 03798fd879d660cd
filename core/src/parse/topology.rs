//! The cross-option rules that need the scheme and the hosts (step 8 of the grammar).

use std::ops::Range;

use crate::error::{ErrorKind, Report};
use crate::host::HostSpans;
use crate::options::{Options, key};
use crate::rules;
use crate::{Host, HostKind};

pub(super) fn check_topology(
    srv: bool,
    hosts: &[Host],
    host_spans: &[HostSpans],
    hosts_span: &Range<usize>,
    options: &Options,
    report: &mut Report,
) {
    let direct = options.canonical(key!("directConnection"));
    let direct_true = direct.filter(|e| e.value().as_bool() == Some(true));
    let load_balanced = options
        .canonical(key!("loadBalanced"))
        .filter(|e| e.value().as_bool() == Some(true));
    if srv {
        if hosts.len() > 1 {
            report.error(
                ErrorKind::SrvRule,
                hosts_span.clone(),
                "mongodb+srv takes exactly one host name (the hosts come from DNS): list several \
                 hosts with mongodb:// instead",
            );
        }
        for (host, (span, port_span)) in hosts.iter().zip(host_spans) {
            if let Some(port_span) = port_span {
                report.error(
                    ErrorKind::SrvRule,
                    port_span.start - 1..port_span.end,
                    "mongodb+srv takes no port (DNS SRV records give the ports): remove the port or \
                     use mongodb://",
                );
            }
            if host.kind != HostKind::Hostname {
                report.error(
                    ErrorKind::SrvRule,
                    span.clone(),
                    "mongodb+srv needs a DNS name to look up, not an address or a socket path: give \
                     the cluster's DNS name, or use mongodb:// for an address",
                );
            }
        }
        if let Some(direct) = direct_true {
            report.error(
                ErrorKind::SrvRule,
                direct.span(),
                "directConnection=true cannot be used with mongodb+srv (it may resolve to several \
                 hosts): remove it or use mongodb:// with one host",
            );
        }
        if let Some(max) = options.canonical(key!("srvMaxHosts"))
            && max.value().as_int().is_some_and(|n| n > 0)
        {
            if let Some(replica_set) = options.canonical(key!("replicaSet")) {
                report.error(
                    ErrorKind::SrvRule,
                    replica_set.span(),
                    rules::SRV_MAX_HOSTS_WITH_REPLICA_SET,
                );
            }
            if let Some(lb) = load_balanced {
                report.error(
                    ErrorKind::SrvRule,
                    lb.span(),
                    rules::SRV_MAX_HOSTS_WITH_LOAD_BALANCED,
                );
            }
        }
    } else {
        for key in [key!("srvServiceName"), key!("srvMaxHosts")] {
            if let Some(entry) = options.canonical(key) {
                report.error(
                    ErrorKind::SrvRule,
                    entry.span(),
                    rules::srv_option_without_srv(key.name()),
                );
            }
        }
        if let Some(direct) = direct_true
            && hosts.len() > 1
        {
            report.error(
                ErrorKind::TopologyRule,
                direct.span(),
                "directConnection=true needs exactly one host: remove the other hosts or the option",
            );
        }
        if let Some(lb) = load_balanced
            && hosts.len() > 1
        {
            report.error(
                ErrorKind::TopologyRule,
                lb.span(),
                "loadBalanced=true needs exactly one host (the load balancer): remove the other hosts",
            );
        }
    }
    if let Some(lb) = load_balanced {
        if let Some(replica_set) = options.canonical(key!("replicaSet")) {
            report.error(
                ErrorKind::TopologyRule,
                replica_set.span(),
                "replicaSet cannot be combined with loadBalanced=true: remove one of them",
            );
        }
        if let Some(direct) = direct_true {
            report.error(
                ErrorKind::TopologyRule,
                direct.span().start.max(lb.span().start)..direct.span().end.max(lb.span().end),
                "directConnection=true cannot be combined with loadBalanced=true: remove one of them",
            );
        }
    }
}
