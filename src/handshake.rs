//! The connection handshake, sans-IO: the first hello (legacy `isMaster` + `helloOk`, or `hello`
//! with a Stable API version), client metadata, `saslSupportedMechs`, `speculativeAuthenticate`,
//! parsing the reply and choosing the mechanism.

use bson::{Bson, Document, doc};
use mongo_auth_core::Credential;

use crate::error::{Error, ProtocolViolation};
use crate::mechanism::conversation::Speculation;
use crate::reply::bson_i32;

/// The largest client metadata document a server accepts.
pub(crate) const MAX_CLIENT_METADATA: usize = 512;
/// The longest application name the handshake spec allows.
const MAX_APP_NAME: usize = 128;

/// What the handshake needs from the configuration.
#[derive(Clone, Copy)]
pub(crate) struct HelloParameters<'a> {
    pub(crate) credential: Option<&'a Credential>,
    /// The client metadata ([`client_metadata`]), built once per authenticator.
    pub(crate) client_metadata: &'a Document,
    pub(crate) server_api: Option<&'a str>,
    /// `loadBalanced=true`: `hello` with `loadBalanced: true`.
    pub(crate) load_balanced: bool,
    /// The hello goes as OP_QUERY (legacy server): always `isMaster`.
    pub(crate) op_query: bool,
    /// The conversation's first step, to carry as `speculativeAuthenticate`.
    pub(crate) speculation: Option<&'a Speculation>,
}

/// Builds the first hello command.
pub(crate) fn hello(parameters: &HelloParameters<'_>) -> Document {
    let modern = parameters.server_api.is_some() || parameters.load_balanced;
    let mut command = if modern && !parameters.op_query {
        doc! { "hello": 1 }
    } else {
        doc! { "isMaster": 1, "helloOk": true }
    };
    command.insert("client", parameters.client_metadata.clone());
    if parameters.load_balanced {
        command.insert("loadBalanced", true);
    }
    // The 2026 handshake spec: always, as a string.
    command.insert("backpressure", "2");
    if let Some(credential) = parameters.credential {
        if credential.mechanism.is_none()
            && let Some(user) = &credential.username
        {
            command.insert(
                "saslSupportedMechs",
                format!("{}.{}", credential.source, user),
            );
        }
        if let Some(speculation) = parameters.speculation {
            command.insert(
                "speculativeAuthenticate",
                speculation.command(&credential.source),
            );
        }
    }
    command
}

/// The handshake's client metadata: driver, OS, application name; at most 512 bytes.
pub(crate) fn client_metadata(app_name: Option<&str>) -> Document {
    let os_type = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "Darwin",
        "windows" => "Windows",
        other => other,
    };
    let mut metadata = Document::new();
    if let Some(name) = app_name {
        let mut end = name.len().min(MAX_APP_NAME);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        metadata.insert("application", doc! { "name": &name[..end] });
    }
    metadata.insert(
        "driver",
        doc! { "name": "mongo-auth", "version": env!("CARGO_PKG_VERSION") },
    );
    metadata.insert(
        "os",
        doc! { "type": os_type, "name": std::env::consts::OS, "architecture": std::env::consts::ARCH },
    );
    metadata.insert("platform", "Rust (tokio, rustls)");
    // Shed optional fields until the document fits, as the handshake spec orders.
    for (field, sub) in [
        ("platform", None),
        ("os", Some("name")),
        ("os", Some("architecture")),
    ] {
        if encoded_len(&metadata) <= MAX_CLIENT_METADATA {
            break;
        }
        match sub {
            None => {
                metadata.remove(field);
            }
            Some(sub) => {
                if let Ok(os) = metadata.get_document_mut(field) {
                    os.remove(sub);
                }
            }
        }
    }
    metadata
}

fn encoded_len(document: &Document) -> usize {
    let mut bytes = Vec::new();
    document
        .to_writer(&mut bytes)
        .map(|()| bytes.len())
        .unwrap_or(usize::MAX)
}

/// The fields of the hello reply the handshake uses.
#[derive(Debug)]
pub(crate) struct HelloReply {
    pub(crate) max_wire_version: i32,
    pub(crate) sasl_supported_mechs: Option<Vec<String>>,
    pub(crate) speculative_authenticate: Option<Document>,
    pub(crate) max_message_size: Option<usize>,
    pub(crate) arbiter: bool,
}

impl HelloReply {
    pub(crate) fn parse(reply: &Document) -> Result<Self, Error> {
        if !crate::reply::reply_ok(reply) || reply.get("ok").is_none() {
            return Err(Error::Command(crate::error::CommandError::from_reply(
                "hello",
                reply,
                "the server refused the handshake",
            )));
        }
        let malformed = |problem: String| {
            Error::protocol(
                None,
                ProtocolViolation::MalformedReply {
                    command: "hello",
                    problem,
                },
            )
        };
        let max_wire_version = match reply.get("maxWireVersion") {
            None => 0,
            Some(value) => bson_i32(value)
                .ok_or_else(|| malformed("maxWireVersion is not an integer".into()))?,
        };
        let sasl_supported_mechs = match reply.get("saslSupportedMechs") {
            None => None,
            Some(Bson::Array(items)) => Some(
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
            ),
            Some(_) => return Err(malformed("saslSupportedMechs is not an array".into())),
        };
        let speculative_authenticate = match reply.get("speculativeAuthenticate") {
            None | Some(Bson::Null) => None,
            Some(Bson::Document(document)) => Some(document.clone()),
            Some(_) => {
                return Err(malformed(
                    "speculativeAuthenticate is not a document".into(),
                ));
            }
        };
        let max_message_size = reply
            .get("maxMessageSizeBytes")
            .and_then(bson_i32)
            .and_then(|size| usize::try_from(size).ok())
            .filter(|&size| size >= 1024);
        Ok(HelloReply {
            max_wire_version,
            sasl_supported_mechs,
            speculative_authenticate,
            max_message_size,
            arbiter: reply.get_bool("arbiterOnly").unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanism::conversation::Speculation;
    use mongo_auth_core::{Mechanism, MechanismProperties, Password};

    /// A hello as the authenticator builds it: with the credential's speculative step.
    struct Hello {
        command: Document,
        speculative: Option<Speculation>,
    }

    fn hello(
        parameters: &HelloParameters<'_>,
    ) -> Result<Hello, crate::mechanism::ConversationError> {
        let speculative = match parameters.credential {
            Some(credential) => Speculation::for_credential(credential)?,
            None => None,
        };
        let command = super::hello(&HelloParameters {
            speculation: speculative.as_ref(),
            ..*parameters
        });
        Ok(Hello {
            command,
            speculative,
        })
    }

    fn negotiate(reply: &HelloReply) -> Mechanism {
        crate::mechanism::conversation::negotiate(
            reply.sasl_supported_mechs.as_deref(),
            reply.max_wire_version,
        )
    }

    fn credential(mechanism: Option<Mechanism>) -> Credential {
        Credential::from_parts(
            Some("app".into()),
            Some(Password::new("pw")),
            "shop".into(),
            mechanism,
            MechanismProperties::None,
        )
    }

    fn params(credential: Option<&Credential>) -> HelloParameters<'_> {
        static METADATA: std::sync::LazyLock<Document> =
            std::sync::LazyLock::new(|| client_metadata(Some("inventory")));
        HelloParameters {
            credential,
            client_metadata: &METADATA,
            server_api: None,
            load_balanced: false,
            op_query: false,
            speculation: None,
        }
    }

    #[test]
    fn negotiating_hello_asks_for_mechanisms_and_speculates_sha256() {
        let c = credential(None);
        let hello = hello(&params(Some(&c))).unwrap();
        let keys: Vec<_> = hello.command.keys().collect();
        assert_eq!(keys[0], "isMaster");
        assert!(hello.command.get_bool("helloOk").unwrap());
        assert_eq!(
            hello.command.get_str("saslSupportedMechs").unwrap(),
            "shop.app"
        );
        let spec = hello
            .command
            .get_document("speculativeAuthenticate")
            .unwrap();
        assert_eq!(spec.get_str("mechanism").unwrap(), "SCRAM-SHA-256");
        assert_eq!(spec.get_str("db").unwrap(), "shop");
        assert!(
            spec.get_document("options")
                .unwrap()
                .get_bool("skipEmptyExchange")
                .unwrap()
        );
        assert_eq!(
            hello.speculative.unwrap().mechanism(),
            Mechanism::ScramSha256
        );
        let client = hello.command.get_document("client").unwrap();
        assert_eq!(
            client
                .get_document("application")
                .unwrap()
                .get_str("name")
                .unwrap(),
            "inventory"
        );
        assert_eq!(
            client
                .get_document("driver")
                .unwrap()
                .get_str("name")
                .unwrap(),
            "mongo-auth"
        );
        assert!(client.get_document("os").unwrap().get_str("type").is_ok());
    }

    #[test]
    fn explicit_mechanism_sends_no_sasl_supported_mechs() {
        let c = credential(Some(Mechanism::ScramSha1));
        let hello = hello(&params(Some(&c))).unwrap();
        assert!(!hello.command.contains_key("saslSupportedMechs"));
        assert_eq!(hello.speculative.unwrap().mechanism(), Mechanism::ScramSha1);
        let c = credential(Some(Mechanism::MongodbCr));
        assert!(
            self::hello(&params(Some(&c)))
                .unwrap()
                .speculative
                .is_none()
        );
        let c = credential(Some(Mechanism::Plain));
        assert!(
            !self::hello(&params(Some(&c)))
                .unwrap()
                .command
                .contains_key("speculativeAuthenticate")
        );
    }

    #[test]
    fn x509_speculates_with_user_only_when_given() {
        let c = Credential::from_parts(
            None,
            None,
            "$external".into(),
            Some(Mechanism::MongodbX509),
            MechanismProperties::None,
        );
        let hello = hello(&params(Some(&c))).unwrap();
        let spec = hello
            .command
            .get_document("speculativeAuthenticate")
            .unwrap();
        assert_eq!(spec.get_str("mechanism").unwrap(), "MONGODB-X509");
        assert!(!spec.contains_key("user"));
        assert_eq!(spec.get_str("db").unwrap(), "$external");
    }

    #[test]
    fn stable_api_uses_hello_and_op_query_uses_is_master() {
        let mut p = params(None);
        p.server_api = Some("1");
        assert_eq!(hello(&p).unwrap().command.keys().next().unwrap(), "hello");
        p.op_query = true;
        assert_eq!(
            hello(&p).unwrap().command.keys().next().unwrap(),
            "isMaster"
        );
    }

    #[test]
    fn metadata_fits_in_512_bytes_even_with_a_long_app_name() {
        let long = "x".repeat(1000);
        let metadata = client_metadata(Some(&long));
        assert!(encoded_len(&metadata) <= MAX_CLIENT_METADATA);
        assert_eq!(
            metadata
                .get_document("application")
                .unwrap()
                .get_str("name")
                .unwrap()
                .len(),
            128
        );
        let metadata = client_metadata(Some(&"é".repeat(100)));
        assert!(
            metadata
                .get_document("application")
                .unwrap()
                .get_str("name")
                .unwrap()
                .len()
                <= 128
        );
    }

    #[test]
    fn negotiation_follows_the_spec_table() {
        let reply = |mechs: Option<Vec<&str>>, wire: i32| HelloReply {
            max_wire_version: wire,
            sasl_supported_mechs: mechs.map(|m| m.into_iter().map(str::to_owned).collect()),
            speculative_authenticate: None,
            max_message_size: None,
            arbiter: false,
        };
        assert_eq!(
            negotiate(&reply(Some(vec!["SCRAM-SHA-1", "SCRAM-SHA-256"]), 17)),
            Mechanism::ScramSha256
        );
        assert_eq!(
            negotiate(&reply(Some(vec!["SCRAM-SHA-1"]), 17)),
            Mechanism::ScramSha1
        );
        assert_eq!(negotiate(&reply(Some(vec![]), 17)), Mechanism::ScramSha1);
        assert_eq!(
            negotiate(&reply(Some(vec!["NOPE"]), 17)),
            Mechanism::ScramSha1
        );
        assert_eq!(negotiate(&reply(None, 17)), Mechanism::ScramSha1);
        assert_eq!(negotiate(&reply(None, 3)), Mechanism::ScramSha1);
        assert_eq!(negotiate(&reply(None, 2)), Mechanism::MongodbCr);
        assert_eq!(
            negotiate(&reply(Some(vec!["SCRAM-SHA-1"]), 2)),
            Mechanism::ScramSha1
        );
    }

    #[test]
    fn hello_reply_parsing() {
        let r = HelloReply::parse(
            &doc! {"ok": 1.0, "maxWireVersion": 25i64, "saslSupportedMechs": ["SCRAM-SHA-256", 5],
            "speculativeAuthenticate": {"conversationId": 1}},
        )
        .unwrap();
        assert_eq!(r.max_wire_version, 25);
        assert_eq!(r.sasl_supported_mechs.unwrap(), vec!["SCRAM-SHA-256"]);
        assert!(r.speculative_authenticate.is_some());
        assert!(matches!(
            HelloReply::parse(&doc! {"ok": 0, "errmsg": "no"}),
            Err(Error::Command(_))
        ));
        assert!(matches!(
            HelloReply::parse(&doc! {"ok": 1, "maxWireVersion": "x"}),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            HelloReply::parse(&doc! {"ok": 1, "saslSupportedMechs": "x"}),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            HelloReply::parse(&doc! {"ok": 1, "speculativeAuthenticate": 1}),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn arbitrary_hello_replies_never_panic() {
        use proptest::prelude::*;
        const KEYS: &[&str] = &[
            "ok",
            "maxWireVersion",
            "saslSupportedMechs",
            "speculativeAuthenticate",
            "maxMessageSizeBytes",
            "arbiterOnly",
            "errmsg",
            "code",
        ];
        proptest!(ProptestConfig::with_cases(1024), |(reply in crate::mechanism::tests::arbitrary_reply(KEYS))| {
            if let Ok(parsed) = HelloReply::parse(&reply) {
                let _ = negotiate(&parsed);
            }
        });
    }
}
