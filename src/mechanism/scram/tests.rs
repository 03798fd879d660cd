use super::*;

const SHA1_NONCE: &str = "fyko+d2lbbFgONRv9qkxdawL";

#[test]
fn the_client_final_message_and_expected_signature_are_zeroed_on_drop() {
    fn zeroed_on_drop<T: zeroize::Zeroize>(_: &Zeroizing<T>) {}
    let first = ScramClientFirst::with_nonce(
        ScramMechanism::Sha1,
        "user",
        &Password::new("pencil"),
        SHA1_NONCE,
    )
    .unwrap();
    let server_first = first
        .handle_server_first(SHA1_SERVER_FIRST, 100_000)
        .unwrap();
    let keys = ScramKeys::derive(&server_first.key_request());
    let client_final = server_first.handle_keys(&keys);
    zeroed_on_drop(&client_final.message);
    zeroed_on_drop(&client_final.expected_server_signature);
    // Built in place, the message is still the RFC 5802 one.
    assert_eq!(
        client_final.message(),
        b"c=biws,r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,p=MC2T8BvbmWRckDw8oWl5IVghwCY="
    );
    assert_eq!(
        client_final.message().len(),
        client_final.message.capacity()
    );
}
const SHA1_SERVER_FIRST: &[u8] =
    b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000";
const SHA256_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
const SHA256_SERVER_FIRST: &[u8] =
    b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

fn first(mechanism: ScramMechanism, user: &str, password: &str, nonce: &str) -> ScramClientFirst {
    ScramClientFirst::with_nonce(mechanism, user, &Password::new(password), nonce).unwrap()
}

/// The RFC 7677 SHA-256 conversation for user `user`, driven up to the client-final message.
fn sha256_client_final(password: &str) -> ScramClientFinal {
    let server_first = first(ScramMechanism::Sha256, "user", password, SHA256_NONCE)
        .handle_server_first(SHA256_SERVER_FIRST, 1_000_000)
        .unwrap();
    let keys = ScramKeys::derive(&server_first.key_request());
    server_first.handle_keys(&keys)
}

fn violation(err: ConversationError) -> ProtocolViolation {
    match err {
        ConversationError::Protocol(e) => e.violation,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[test]
fn sha1_digest_vector() {
    let digest = mongodb_password_digest("user", &Password::new("pencil"));
    assert_eq!(digest.as_str(), "1c33006ec1ffd90f9cadcbcc0e118200");
}

#[test]
fn sha1_conversation_vector() {
    let c = first(ScramMechanism::Sha1, "user", "pencil", SHA1_NONCE);
    assert_eq!(c.message(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    let s = c.handle_server_first(SHA1_SERVER_FIRST, 1_000_000).unwrap();
    let keys = ScramKeys::derive(&s.key_request());
    let f = s.handle_keys(&keys);
    let msg = std::str::from_utf8(f.message()).unwrap();
    assert!(msg.ends_with(",p=MC2T8BvbmWRckDw8oWl5IVghwCY="), "{msg}");
    f.handle_server_final(b"v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=")
        .unwrap();
}

#[test]
fn sha256_conversation_vector() {
    let f = sha256_client_final("pencil");
    let msg = std::str::from_utf8(f.message()).unwrap();
    assert_eq!(
        msg,
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
         p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    );
    f.handle_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        .unwrap();
}

#[test]
fn wrong_server_signature_is_rejected() {
    let f = sha256_client_final("pencil");
    let err = f
        .handle_server_final(b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        .unwrap_err();
    assert_eq!(violation(err), ProtocolViolation::ServerSignatureMismatch);
}

#[test]
fn wrong_password_gives_a_different_proof_and_signature() {
    let f = sha256_client_final("pencil2");
    assert!(
        !f.message()
            .ends_with(b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    );
    let err = f
        .handle_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        .unwrap_err();
    assert_eq!(violation(err), ProtocolViolation::ServerSignatureMismatch);
}

#[test]
fn server_error_attribute_is_an_authentication_failure_with_its_text() {
    let f = sha256_client_final("pencil");
    match f.handle_server_final(b"e=invalid-proof").unwrap_err() {
        ConversationError::Authentication(e) => {
            assert!(e.message.contains("invalid-proof"), "{}", e.message)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn usernames_are_escaped_and_nothing_else() {
    assert_eq!(escape_username("=,"), "=3D=2C");
    assert_eq!(escape_username("ünïcode user"), "ünïcode user");
    let c = first(ScramMechanism::Sha1, "a=b,c", "p", "abc");
    assert_eq!(c.message(), b"n,,n=a=3Db=2Cc,r=abc");
}

#[test]
fn saslprep_cases_of_the_spec() {
    // IX / IX authenticates with "IX" and with "I\u{00AD}X" (soft hyphen mapped to nothing).
    assert_eq!(
        saslprep_password(&Password::new("IX")).unwrap().as_str(),
        "IX"
    );
    assert_eq!(
        saslprep_password(&Password::new("I\u{00AD}X"))
            .unwrap()
            .as_str(),
        "IX"
    );
    // \u{2163} (roman numeral four) normalizes to "IV" under NFKC; "I\u{00AD}V" too.
    assert_eq!(
        saslprep_password(&Password::new("\u{2163}"))
            .unwrap()
            .as_str(),
        "IV"
    );
    assert_eq!(
        saslprep_password(&Password::new("I\u{00AD}V"))
            .unwrap()
            .as_str(),
        "IV"
    );
    // Non-ASCII space maps to a space.
    assert_eq!(
        saslprep_password(&Password::new("a\u{00A0}b"))
            .unwrap()
            .as_str(),
        "a b"
    );
    // Prohibited: control characters, and a bidi string violating RFC 3454 6.
    for bad in ["a\u{0007}", "\u{0627}1"] {
        assert!(
            matches!(
                saslprep_password(&Password::new(bad)),
                Err(ConversationError::Credential(_))
            ),
            "{bad:?}"
        );
    }
    // The username is never SASLprep'd.
    let c = first(ScramMechanism::Sha256, "\u{2168}", "IV", "abc");
    assert_eq!(c.message(), "n,,n=\u{2168},r=abc".as_bytes());
}

#[test]
fn sha256_with_prohibited_password_fails_before_sending() {
    let err = ScramClientFirst::new(ScramMechanism::Sha256, "u", &Password::new("x\u{0000}"))
        .unwrap_err();
    assert!(matches!(err, ConversationError::Credential(_)));
    // SHA-1 does not SASLprep: the same password is accepted.
    let sha1 = ScramClientFirst::new(ScramMechanism::Sha1, "u", &Password::new("x\u{0000}"));
    assert!(sha1.is_ok());
}

#[test]
fn random_nonces_are_long_printable_and_distinct() {
    let a = ScramClientFirst::new(ScramMechanism::Sha1, "u", &Password::new("p")).unwrap();
    let b = ScramClientFirst::new(ScramMechanism::Sha1, "u", &Password::new("p")).unwrap();
    assert_ne!(a.client_nonce, b.client_nonce);
    assert!(a.client_nonce.len() >= 32);
    assert!(!a.client_nonce.contains(','));
}

#[test]
fn hostile_server_first_messages_are_typed_errors() {
    let nonce = "abcdef";
    let cases: &[(&[u8], &str)] = &[
        (b"", "malformed"),
        (b"r", "malformed"),
        (b"r=", "malformed"),
        (b"r=abc", "malformed"),
        (b"r=,s=c2FsdA==,i=4096", "nonce"),
        (b"r=abc,s=c2FsdA==,i=4096", "nonce"),
        (b"r=abcdef,s=c2FsdA==,i=4096", "nonce"),
        (b"r=xbcdefg,s=c2FsdA==,i=4096", "nonce"),
        (b"r=abcde\xff,s=c2FsdA==,i=4096", "malformed"),
        (b"m=ext,r=abcdefX,s=c2FsdA==,i=4096", "mext"),
        (b"r=abcdefX,s=!!!,i=4096", "malformed"),
        (b"r=abcdefX,s=,i=4096", "malformed"),
        (b"r=abcdefX,s=c2FsdA==", "malformed"),
        (b"r=abcdefX,s=c2FsdA==,i=", "malformed"),
        (b"r=abcdefX,s=c2FsdA==,i=-4096", "malformed"),
        (b"r=abcdefX,s=c2FsdA==,i=+4096", "malformed"),
        (b"r=abcdefX,s=c2FsdA==,i=4096.0", "malformed"),
        (b"r=abcdefX,s=c2FsdA==,i=99999999999999", "malformed"),
        (b"r=abcdefX,s=c2FsdA==,i=4095", "low"),
        (b"r=abcdefX,s=c2FsdA==,i=0", "low"),
        (b"r=abcdefX,s=c2FsdA==,i=200001", "high"),
        (b"s=c2FsdA==,r=abcdefX,i=4096", "malformed"),
        (b"r=abcdefX,i=4096,s=c2FsdA==", "malformed"),
        (b",,,", "malformed"),
        (b"r=abcdefX,,i=4096", "malformed"),
    ];
    for (input, expected) in cases {
        let c = first(ScramMechanism::Sha256, "u", "p", nonce);
        let err = c.handle_server_first(input, 200_000).unwrap_err();
        let v = violation(err);
        let ok = match *expected {
            "malformed" => matches!(v, ProtocolViolation::MalformedScramMessage { .. }),
            "nonce" => v == ProtocolViolation::NonceNotExtended,
            "mext" => v == ProtocolViolation::MandatoryExtension,
            "low" => matches!(v, ProtocolViolation::IterationCountTooLow { .. }),
            "high" => matches!(
                v,
                ProtocolViolation::IterationCountTooHigh {
                    maximum: 200_000,
                    ..
                }
            ),
            _ => unreachable!(),
        };
        assert!(ok, "{:?}: {v:?}", String::from_utf8_lossy(input));
    }
    // Extensions after i= are ignored.
    let c = first(ScramMechanism::Sha256, "u", "p", nonce);
    let s = c
        .handle_server_first(b"r=abcdefX,s=c2FsdA==,i=4096,x=ext", 200_000)
        .unwrap();
    assert_eq!(s.key_request().iterations(), 4096);
    assert_eq!(s.key_request().salt(), b"salt");
}

#[test]
fn server_first_messages_and_salts_are_bounded() {
    let message = |salt: &[u8], extension: usize| {
        let mut text = format!("r=abcdefX,s={},i=4096", BASE64.encode(salt));
        if extension > 0 {
            text.push_str(",x=");
            text.push_str(&"e".repeat(extension));
        }
        text.into_bytes()
    };
    let accepted = |payload: &[u8]| {
        first(ScramMechanism::Sha256, "u", "p", "abcdef").handle_server_first(payload, 200_000)
    };
    // The largest salt and the longest message accepted...
    let salt = accepted(&message(&[7; MAX_SALT_LEN], 0)).unwrap();
    assert_eq!(salt.key_request().salt().len(), MAX_SALT_LEN);
    let base = message(b"salt", 0).len();
    let longest = accepted(&message(b"salt", MAX_SERVER_FIRST_LEN - base - 3)).unwrap();
    assert_eq!(longest.key_request().salt(), b"salt");
    // ...and one byte more of either is refused before anything is decoded or derived.
    for payload in [
        message(&[7; MAX_SALT_LEN + 1], 0),
        message(b"salt", MAX_SERVER_FIRST_LEN - base - 2),
        message(&[7; 1 << 20], 0),
    ] {
        let v = violation(accepted(&payload).unwrap_err());
        assert!(
            matches!(&v, ProtocolViolation::MalformedScramMessage { problem, .. }
                if problem.contains("accepted")),
            "{v:?}"
        );
    }
}

#[test]
fn hostile_server_final_messages_are_typed_errors() {
    for input in [
        &b""[..],
        b"x",
        b"v=",
        b"v=!!!",
        b"\xff",
        b"r=abc",
        b"v=AAAA",
    ] {
        let f = sha256_client_final("pencil");
        let err = f.handle_server_final(input).unwrap_err();
        assert!(
            matches!(err, ConversationError::Protocol(_)),
            "{input:?}: {err:?}"
        );
    }
}

#[test]
fn secrets_do_not_print() {
    let c = first(ScramMechanism::Sha1, "user", "pencil", SHA1_NONCE);
    let digest = mongodb_password_digest("user", &Password::new("pencil"));
    assert!(!format!("{c:?}").contains(digest.as_str()));
    let s = c.handle_server_first(SHA1_SERVER_FIRST, 1_000_000).unwrap();
    let printed = format!("{:?} {:?}", s, s.key_request());
    assert!(
        !printed.contains("pencil") && !printed.contains(digest.as_str()),
        "{printed}"
    );
    assert!(!printed.contains("49, 99, 51"), "{printed}");
}

#[test]
fn arbitrary_bytes_never_panic() {
    use proptest::prelude::*;
    proptest!(ProptestConfig::with_cases(512), |(input in proptest::collection::vec(any::<u8>(), 0..80))| {
        let c = first(ScramMechanism::Sha256, "u", "p", "abc");
        let _ = c.handle_server_first(&input, 10_000);
        let mut prefixed = b"r=abcX,s=c2FsdA==,i=".to_vec();
        prefixed.extend_from_slice(&input);
        let c = first(ScramMechanism::Sha256, "u", "p", "abc");
        let _ = c.handle_server_first(&prefixed, 10_000);
    });
}
