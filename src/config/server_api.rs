//! The Stable API versions MongoDB defines.

use std::fmt;
use std::str::FromStr;

/// A Stable API version (`apiVersion`): every command on a connection declares it, and the server
/// holds the connection to that version's behaviour. MongoDB defines version `"1"`.
///
/// ```
/// use mongo_auth::config::ServerApi;
/// let config = mongo_auth::ClientConfig::builder().hosts(["db"]).server_api(ServerApi::V1).build()?;
/// assert_eq!(config.server_api(), Some(ServerApi::V1));
/// assert_eq!("1".parse::<ServerApi>()?, ServerApi::V1);
/// assert_eq!(
///     "2".parse::<ServerApi>().unwrap_err().to_string(),
///     "`2` is not a Stable API version MongoDB defines: use \"1\""
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerApi {
    /// Stable API version 1 (MongoDB 5.0+).
    V1,
}

impl ServerApi {
    /// The version as the server spells it in `apiVersion`.
    ///
    /// ```
    /// assert_eq!(mongo_auth::config::ServerApi::V1.as_str(), "1");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ServerApi::V1 => "1",
        }
    }
}

impl fmt::Display for ServerApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ServerApi {
    type Err = UnknownServerApi;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "1" => Ok(ServerApi::V1),
            other => Err(UnknownServerApi {
                given: other.to_owned(),
            }),
        }
    }
}

/// A Stable API version MongoDB does not define (from [`ServerApi`]'s `FromStr`).
///
/// ```
/// let error = "v1".parse::<mongo_auth::config::ServerApi>().unwrap_err();
/// assert_eq!(error.given(), "v1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownServerApi {
    given: String,
}

impl UnknownServerApi {
    /// The version that was given.
    ///
    /// ```
    /// let error = "2".parse::<mongo_auth::config::ServerApi>().unwrap_err();
    /// assert_eq!(error.given(), "2");
    /// ```
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for UnknownServerApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a Stable API version MongoDB defines: use \"1\"",
            self.given
        )
    }
}

impl std::error::Error for UnknownServerApi {}

impl serde::Serialize for ServerApi {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ServerApi {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
