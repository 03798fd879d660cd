//! The server side of SCRAM (RFC 5802 / RFC 7677, MongoDB variant), written from the RFC for this
//! server alone: it shares no code with the client's mechanism.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::conversation::{Authenticated, CommandError};
use crate::users::{ScramCredential, ScramHash, StoredUser, random_bytes};

/// How this conversation should deviate from the protocol (for client tests).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ScramDeviations {
    /// Announce this iteration count instead of the stored one.
    pub(crate) iterations: Option<u32>,
    /// Send a server nonce that does not start with the client's.
    pub(crate) foreign_nonce: bool,
    /// Send a server signature that does not verify.
    pub(crate) wrong_signature: bool,
}

/// What a SCRAM step produced.
pub(crate) enum ScramStep {
    /// Send this payload with `done: false` and wait for the next `saslContinue`.
    Continue(Vec<u8>),
    /// Send this payload with `done: true`: the user is authenticated.
    Done(Vec<u8>, Authenticated),
}

enum State {
    AwaitClientFinal,
    /// The long conversation: `v=` was sent with `done: false`; an empty payload completes it.
    AwaitEmpty,
    Finished,
}

/// One SCRAM conversation in progress.
pub(crate) struct ScramConversation {
    hash: ScramHash,
    user: Authenticated,
    credential: ScramCredential,
    gs2_header: String,
    client_first_bare: String,
    server_first: String,
    nonce: String,
    skip_empty_exchange: bool,
    deviations: ScramDeviations,
    state: State,
}

fn bad_value(message: impl Into<String>) -> CommandError {
    CommandError::new(2, "BadValue", message)
}

/// Undoes RFC 5802 `saslname` escaping: `=2C` is `,`, `=3D` is `=`, and any other `=` is an error.
fn unescape_saslname(escaped: &str) -> Option<String> {
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("=2C") {
            out.push(',');
        } else if tail.starts_with("=3D") {
            out.push('=');
        } else {
            return None;
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    Some(out)
}

/// Compares two byte strings without an early exit on the first difference.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl ScramConversation {
    /// Handles the client-first message of a `saslStart` on database `db`.
    ///
    /// `lookup` finds a stored user by (db, name). An unknown user gets the same error as a wrong
    /// password later on.
    pub(crate) fn start(
        hash: ScramHash,
        db: &str,
        payload: &[u8],
        skip_empty_exchange: bool,
        deviations: ScramDeviations,
        lookup: impl FnOnce(&str, &str) -> Option<std::sync::Arc<StoredUser>>,
    ) -> Result<(Self, Vec<u8>), CommandError> {
        let text = std::str::from_utf8(payload)
            .map_err(|_| bad_value("SCRAM client-first message is not UTF-8"))?;
        // gs2-header = cbind-flag "," [authzid] ","
        let mut parts = text.splitn(3, ',');
        let (cbind, authzid, bare) = match (parts.next(), parts.next(), parts.next()) {
            (Some(c), Some(a), Some(b)) => (c, a, b),
            _ => return Err(bad_value("SCRAM client-first message has no GS2 header")),
        };
        match cbind {
            "n" | "y" => {}
            c if c.starts_with("p=") => {
                return Err(bad_value(
                    "SCRAM channel binding is not supported by this server",
                ));
            }
            _ => {
                return Err(bad_value(
                    "SCRAM client-first message has an invalid GS2 header",
                ));
            }
        }
        if !authzid.is_empty() {
            return Err(bad_value("SCRAM authorization identity must be empty"));
        }
        let mut attributes = bare.split(',');
        let name = match attributes.next() {
            Some(a) if a.starts_with("m=") => {
                return Err(bad_value("SCRAM mandatory extensions are not supported"));
            }
            Some(a) if a.starts_with("n=") => &a[2..],
            _ => return Err(bad_value("SCRAM client-first message must start with n=")),
        };
        let client_nonce = match attributes.next() {
            Some(a) if a.starts_with("r=") && a.len() > 2 => &a[2..],
            _ => return Err(bad_value("SCRAM client-first message has no nonce (r=)")),
        };
        if !client_nonce.bytes().all(|b| (0x21..=0x7E).contains(&b)) {
            return Err(bad_value("SCRAM client nonce has unprintable characters"));
        }
        let name = unescape_saslname(name)
            .ok_or_else(|| bad_value("SCRAM user name has an invalid '=' escape"))?;

        let user = lookup(db, &name).ok_or_else(CommandError::authentication_failed)?;
        let credential = user.scram(hash).cloned().ok_or_else(|| {
            CommandError::new(
                334,
                "MechanismUnavailable",
                format!(
                    "Unable to use {} based authentication for user without any {} credentials registered",
                    hash.mechanism(),
                    hash.mechanism()
                ),
            )
        })?;

        let server_part = BASE64.encode(random_bytes(24));
        let nonce = if deviations.foreign_nonce {
            server_part
        } else {
            format!("{client_nonce}{server_part}")
        };
        let iterations = deviations.iterations.unwrap_or(credential.iterations);
        let server_first = format!("r={nonce},s={},i={iterations}", credential.salt_base64());
        let conversation = Self {
            hash,
            user: Authenticated::of(&user, hash.mechanism().as_str()),
            credential,
            gs2_header: format!("{cbind},{authzid},"),
            client_first_bare: bare.to_owned(),
            server_first: server_first.clone(),
            nonce,
            skip_empty_exchange,
            deviations,
            state: State::AwaitClientFinal,
        };
        Ok((conversation, server_first.into_bytes()))
    }

    /// Handles the payload of a `saslContinue`.
    pub(crate) fn step(&mut self, payload: &[u8]) -> Result<ScramStep, CommandError> {
        match self.state {
            State::AwaitClientFinal => self.client_final(payload),
            State::AwaitEmpty => {
                self.state = State::Finished;
                if payload.is_empty() {
                    Ok(ScramStep::Done(Vec::new(), self.user.clone()))
                } else {
                    Err(bad_value(
                        "SCRAM conversation expected an empty final message",
                    ))
                }
            }
            State::Finished => Err(CommandError::new(
                17,
                "ProtocolError",
                "SCRAM conversation is already complete",
            )),
        }
    }

    fn client_final(&mut self, payload: &[u8]) -> Result<ScramStep, CommandError> {
        // Any failure here ends the conversation.
        self.state = State::Finished;
        let text = std::str::from_utf8(payload)
            .map_err(|_| bad_value("SCRAM client-final message is not UTF-8"))?;
        let (without_proof, proof) = text
            .rsplit_once(",p=")
            .ok_or_else(|| bad_value("SCRAM client-final message has no proof (p=)"))?;
        let mut attributes = without_proof.split(',');
        let channel_binding = match attributes.next() {
            Some(a) if a.starts_with("c=") => &a[2..],
            _ => return Err(bad_value("SCRAM client-final message must start with c=")),
        };
        if BASE64.decode(channel_binding).ok().as_deref() != Some(self.gs2_header.as_bytes()) {
            return Err(bad_value(
                "SCRAM channel binding data does not match the GS2 header",
            ));
        }
        match attributes.next() {
            Some(a) if a.strip_prefix("r=") == Some(self.nonce.as_str()) => {}
            _ => return Err(bad_value("SCRAM nonce mismatch")),
        }
        let proof = BASE64
            .decode(proof)
            .map_err(|_| bad_value("SCRAM client proof is not valid base64"))?;

        let auth_message = format!(
            "{},{},{}",
            self.client_first_bare, self.server_first, without_proof
        );
        let hash = self.hash;
        let client_signature = hash.hmac(&self.credential.stored_key, auth_message.as_bytes());
        if proof.len() != client_signature.len() {
            return Err(CommandError::authentication_failed());
        }
        let client_key: Vec<u8> = proof
            .iter()
            .zip(&client_signature)
            .map(|(p, s)| p ^ s)
            .collect();
        if !constant_time_eq(&hash.hash(&client_key), &self.credential.stored_key) {
            return Err(CommandError::authentication_failed());
        }
        let mut signature = hash.hmac(&self.credential.server_key, auth_message.as_bytes());
        if self.deviations.wrong_signature {
            signature[0] ^= 0xFF;
        }
        let server_final = format!("v={}", BASE64.encode(signature)).into_bytes();
        if self.skip_empty_exchange {
            Ok(ScramStep::Done(server_final, self.user.clone()))
        } else {
            self.state = State::AwaitEmpty;
            Ok(ScramStep::Continue(server_final))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saslname_unescaping() {
        assert_eq!(unescape_saslname("a=2Cb=3Dc").as_deref(), Some("a,b=c"));
        assert_eq!(unescape_saslname("plain").as_deref(), Some("plain"));
        assert_eq!(unescape_saslname("bad=2"), None);
        assert_eq!(unescape_saslname("bad=41"), None);
        assert_eq!(unescape_saslname("="), None);
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
