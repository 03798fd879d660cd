//! The client side of the GSSAPI SASL conversation (RFC 4752) as MongoDB runs it, over the system's
//! GSSAPI library. No I/O of its own, but every call may block on the KDC: run it off async workers.

use libgssapi::context::{ClientCtx, CtxFlags, SecurityContext};
use libgssapi::credential::{Cred, CredUsage};
use libgssapi::name::Name;
use libgssapi::oid::{GSS_MECH_KRB5, GSS_NT_HOSTBASED_SERVICE, GSS_NT_KRB5_PRINCIPAL, OidSet};
use mongo_auth_core::Credential;

use super::GssapiStep;
use super::error::{CredentialSource, GssStatus, GssapiError};
use super::principal::ServicePrincipal;

/// Byte 0 of the security-layer messages: the "no security layer" bit.
const SECURITY_LAYER_NONE: u8 = 0x01;

fn status(error: libgssapi::error::Error) -> GssStatus {
    GssStatus::new(error.major.bits(), error.minor, error.to_string())
}

enum State {
    /// `gss_init_sec_context` has not completed yet.
    Establishing,
    /// The context is complete; the server's next payload is the wrapped security-layer offer.
    AwaitingSecurityLayer,
    /// The security-layer reply was produced; only `done: true` may follow.
    Finished,
}

pub(super) struct Conversation {
    context: ClientCtx,
    state: State,
    authorization_id: String,
    service_principal: String,
}

impl Conversation {
    pub(super) fn start(
        credential: &Credential,
        principal: &ServicePrincipal,
    ) -> Result<(Self, Vec<u8>), GssapiError> {
        let username = credential
            .username
            .as_deref()
            .filter(|name| !name.is_empty())
            .ok_or(GssapiError::MissingUsername)?;
        let mechanisms = OidSet::singleton(GSS_MECH_KRB5).map_err(|e| GssapiError::Worker {
            problem: format!("cannot build the Kerberos mechanism set: {}", status(e)),
        })?;
        let client_name =
            Name::new(username.as_bytes(), Some(GSS_NT_KRB5_PRINCIPAL)).map_err(|e| {
                GssapiError::BadName {
                    name: username.to_owned(),
                    status: status(e),
                }
            })?;
        let credentials = match &credential.password {
            // MIT's gss_acquire_cred_with_password gets an initial ticket from the KDC into a
            // fresh in-memory cache that belongs to this credential alone; the ticket cache is
            // neither read nor written.
            Some(password) => Cred::acquire_with_password(
                Some(&client_name),
                password.expose_secret(),
                None,
                CredUsage::Initiate,
                Some(&mechanisms),
            )
            .map_err(|e| GssapiError::Credentials {
                principal: username.to_owned(),
                source: CredentialSource::Password,
                status: status(e),
            })?,
            None => Cred::acquire(
                Some(&client_name),
                None,
                CredUsage::Initiate,
                Some(&mechanisms),
            )
            .map_err(|e| GssapiError::Credentials {
                principal: username.to_owned(),
                source: CredentialSource::TicketCache,
                status: status(e),
            })?,
        };

        let service_principal = principal.to_string();
        let target = match principal.realm() {
            Some(_) => Name::new(service_principal.as_bytes(), Some(GSS_NT_KRB5_PRINCIPAL)),
            None => Name::new(service_principal.as_bytes(), Some(GSS_NT_HOSTBASED_SERVICE)),
        }
        .map_err(|e| GssapiError::BadName {
            name: service_principal.clone(),
            status: status(e),
        })?;

        let mut context = ClientCtx::new(
            Some(credentials),
            target,
            CtxFlags::GSS_C_MUTUAL_FLAG | CtxFlags::GSS_C_SEQUENCE_FLAG,
            Some(GSS_MECH_KRB5),
        );
        let first = context
            .step(None, None)
            .map_err(|e| GssapiError::SecurityContext {
                service_principal: service_principal.clone(),
                status: status(e),
            })?
            .map(|token| token.to_vec())
            .unwrap_or_default();
        let state = if context.is_complete() {
            State::AwaitingSecurityLayer
        } else {
            State::Establishing
        };
        Ok((
            Self {
                context,
                state,
                authorization_id: username.to_owned(),
                service_principal,
            },
            first,
        ))
    }

    pub(super) fn step(&mut self, server_payload: &[u8]) -> Result<GssapiStep, GssapiError> {
        match self.state {
            State::Establishing => {
                let token = self
                    .context
                    .step(Some(server_payload), None)
                    .map_err(|e| GssapiError::SecurityContext {
                        service_principal: self.service_principal.clone(),
                        status: status(e),
                    })?
                    .map(|token| token.to_vec())
                    .unwrap_or_default();
                if self.context.is_complete() {
                    self.state = State::AwaitingSecurityLayer;
                }
                // An empty token is still sent: the server answers it with the security-layer offer.
                Ok(GssapiStep {
                    payload: token,
                    done: false,
                })
            }
            State::AwaitingSecurityLayer => {
                let offer = self
                    .context
                    .unwrap(server_payload)
                    .map_err(|e| GssapiError::Wrap {
                        operation: "unwrap",
                        status: status(e),
                    })?;
                check_offer(&offer)?;
                let mut reply = Vec::with_capacity(4 + self.authorization_id.len());
                reply.extend_from_slice(&[SECURITY_LAYER_NONE, 0, 0, 0]);
                reply.extend_from_slice(self.authorization_id.as_bytes());
                let wrapped = self
                    .context
                    .wrap(false, &reply)
                    .map_err(|e| GssapiError::Wrap {
                        operation: "wrap",
                        status: status(e),
                    })?;
                self.state = State::Finished;
                Ok(GssapiStep {
                    payload: wrapped.to_vec(),
                    done: true,
                })
            }
            State::Finished => Err(GssapiError::ConversationFinished),
        }
    }

    pub(super) fn is_finished(&self) -> bool {
        matches!(self.state, State::Finished)
    }
}

/// The unwrapped offer is 4 bytes: a bit mask of the layers the server supports, then its maximum
/// message size. MongoDB clients only ever choose "no security layer".
pub(crate) fn check_offer(offer: &[u8]) -> Result<(), GssapiError> {
    if offer.len() != 4 {
        return Err(GssapiError::SecurityLayer {
            problem: format!("is {} bytes long, not 4", offer.len()),
        });
    }
    if offer[0] & SECURITY_LAYER_NONE == 0 {
        return Err(GssapiError::SecurityLayer {
            problem: format!(
                "does not allow \"no security layer\" (layers {:#04x}); MongoDB clients use none",
                offer[0]
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offer_must_be_four_bytes_allowing_no_layer() {
        assert!(check_offer(&[0x01, 0x00, 0x10, 0x00]).is_ok());
        assert!(check_offer(&[0x07, 0xff, 0xff, 0xff]).is_ok());
        for bad in [&[][..], &[0x01], &[0x01, 0, 0, 0, 0], &[0x06, 0, 0, 0]] {
            let err = check_offer(bad).unwrap_err();
            assert!(matches!(err, GssapiError::SecurityLayer { .. }), "{bad:?}");
        }
        assert_eq!(
            check_offer(&[0x04, 0, 0, 0]).unwrap_err().to_string(),
            "the server's GSSAPI security-layer offer does not allow \"no security layer\" \
             (layers 0x04); MongoDB clients use none"
        );
    }
}
