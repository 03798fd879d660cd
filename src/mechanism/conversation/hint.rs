//! What to check from the client's side when the server refuses the credential.

use mongo_auth_core::{Credential, Mechanism};

/// What to check after the server refused the credential. `subject` is the RFC 2253 subject of
/// the client certificate this connection presented, when it has one.
pub(super) fn hint(
    credential: &Credential,
    mechanism: Mechanism,
    server_text: &str,
    subject: Option<&str>,
) -> String {
    match mechanism {
        Mechanism::MongodbX509 if server_text.contains("No verified subject") => {
            "the server received no client certificate: set the certificate (tlsCertificateKeyFile) \
             and make sure the server requests client certificates"
                .to_owned()
        }
        Mechanism::MongodbX509 if let Some(subject) = subject => {
            let mut hint = format!(
                "the certificate's subject is `{subject}`; the server has no user with that \
                 subject in $external: create one (db.getSiblingDB(\"$external\").createUser) or \
                 use the certificate of an existing user"
            );
            if let Some(username) = &credential.username
                && username != subject
            {
                hint.push_str(&format!(
                    "; the user name given (`{username}`) is not that subject: leave it out, or \
                     write the subject exactly"
                ));
            }
            hint
        }
        Mechanism::MongodbX509 => "the user name, when given, must be the certificate's RFC 2253 \
             subject exactly (leave it out to let the server read it from the certificate), and \
             the server needs a user for that subject in $external"
            .to_owned(),
        Mechanism::Gssapi => format!(
            "check that the Kerberos principal exists as a user in {}",
            credential.source
        ),
        _ => format!(
            "check the user name, the password and the source (authSource={}); an unknown user \
             and a wrong password look the same",
            credential.source
        ),
    }
}
