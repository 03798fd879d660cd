//! `mongodb+srv` resolution.

use mongo_auth_core::Host;

use crate::config::ConnectOptions;
use crate::error::Error;

/// Resolves the SRV name of a `mongodb+srv` configuration into the hosts to try.
pub(crate) async fn resolve(hosts: &[Host], _options: &ConnectOptions) -> Result<Vec<Host>, Error> {
    let name = hosts.first().map(|h| h.host.as_str()).unwrap_or_default();
    Err(Error::not_supported(format!(
        "mongodb+srv resolution of {name} is not implemented yet; list the hosts in a mongodb:// \
         connection string instead"
    )))
}
