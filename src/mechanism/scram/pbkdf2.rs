//! PBKDF2-HMAC (RFC 8018) for SCRAM's `Hi()`, on the hash's compression function.
//!
//! HMAC's key only changes the two states the hash is in after its first block (`K ⊕ ipad` and
//! `K ⊕ opad`), so those are computed once. Every iteration after the first hashes one hash-length
//! message under each state, which fits in one pre-padded block: an iteration is exactly two calls of
//! the compression function (`sha1::block_api::compress`, `sha2::block_api::compress256`, which use the
//! CPU's SHA instructions when it has them), with no buffering, no length bookkeeping and no
//! finalization. Everything that depends on the password is zeroized on drop.

use hmac::{KeyInit, Mac};
use sha2::Digest as _;
use zeroize::{Zeroize, Zeroizing};

const BLOCK: usize = 64;

/// What PBKDF2 needs of a Merkle–Damgård hash with 64-byte blocks and 32-bit big-endian state words.
trait CompressionFunction {
    /// The state: `WORDS` big-endian 32-bit words.
    type State: AsRef<[u32]> + AsMut<[u32]> + Copy + Zeroize;
    /// The state before the first block.
    const INITIAL: Self::State;
    /// The output length in bytes (`4 × WORDS`).
    const OUTPUT: usize;
    /// The streaming HMAC, for the first iteration's message of any length.
    type Hmac: Mac + KeyInit + Clone;

    fn compress(state: &mut Self::State, block: &[u8; BLOCK]);

    /// The hash of `data` into `out` (`OUTPUT` bytes).
    fn hash(data: &[u8], out: &mut [u8]);
}

struct Sha1;

impl CompressionFunction for Sha1 {
    type State = [u32; 5];
    // FIPS 180-4, 5.3.1
    const INITIAL: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    const OUTPUT: usize = 20;
    type Hmac = hmac::Hmac<sha1::Sha1>;

    fn compress(state: &mut [u32; 5], block: &[u8; BLOCK]) {
        sha1::block_api::compress(state, std::slice::from_ref(block));
    }

    fn hash(data: &[u8], out: &mut [u8]) {
        let mut digest = sha1::Sha1::digest(data);
        out.copy_from_slice(&digest);
        digest.as_mut_slice().zeroize();
    }
}

struct Sha256;

impl CompressionFunction for Sha256 {
    type State = [u32; 8];
    // FIPS 180-4, 5.3.3
    const INITIAL: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    const OUTPUT: usize = 32;
    type Hmac = hmac::Hmac<sha2::Sha256>;

    fn compress(state: &mut [u32; 8], block: &[u8; BLOCK]) {
        sha2::block_api::compress256(state, std::slice::from_ref(block));
    }

    fn hash(data: &[u8], out: &mut [u8]) {
        let mut digest = sha2::Sha256::digest(data);
        out.copy_from_slice(&digest);
        digest.as_mut_slice().zeroize();
    }
}

/// PBKDF2-HMAC-SHA-1 with `out.len()` bytes of output.
pub(super) fn pbkdf2_hmac_sha1(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    pbkdf2::<Sha1>(password, salt, iterations, out);
}

/// PBKDF2-HMAC-SHA-256 with `out.len()` bytes of output.
pub(super) fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    pbkdf2::<Sha256>(password, salt, iterations, out);
}

/// The state after one block of `key ⊕ pad` (the key already at most one block long).
fn keyed_state<H: CompressionFunction>(key: &[u8], pad: u8) -> Zeroizing<H::State> {
    let mut block = Zeroizing::new([pad; BLOCK]);
    for (b, k) in block.iter_mut().zip(key) {
        *b ^= k;
    }
    let mut state = Zeroizing::new(H::INITIAL);
    H::compress(&mut state, &block);
    state
}

/// A block holding a hash-length message that follows one block already hashed: the message, `0x80`,
/// zeros and the total length in bits (`(64 + OUTPUT) × 8`) at the end. Only the message part changes
/// from one iteration to the next.
fn padded_block<H: CompressionFunction>() -> Zeroizing<[u8; BLOCK]> {
    let mut block = Zeroizing::new([0u8; BLOCK]);
    block[H::OUTPUT] = 0x80;
    let bits = ((BLOCK + H::OUTPUT) * 8) as u64;
    block[BLOCK - 8..].copy_from_slice(&bits.to_be_bytes());
    block
}

fn write_state(state: &[u32], to: &mut [u8]) {
    for (word, bytes) in state.iter().zip(to.chunks_exact_mut(4)) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
}

fn pbkdf2<H: CompressionFunction>(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    // the first iteration hashes salt ‖ INT(i), of any length: the streaming HMAC does it
    let first =
        <H::Hmac as KeyInit>::new_from_slice(password).expect("HMAC takes keys of any length");
    // HMAC's key, at most one block: a longer password is hashed first (RFC 2104)
    let mut hashed_key = Zeroizing::new([0u8; 32]);
    let key: &[u8] = if password.len() > BLOCK {
        H::hash(password, &mut hashed_key[..H::OUTPUT]);
        &hashed_key[..H::OUTPUT]
    } else {
        password
    };
    let inner = keyed_state::<H>(key, 0x36);
    let outer = keyed_state::<H>(key, 0x5c);

    let mut block = padded_block::<H>();
    let mut u = Zeroizing::new(H::INITIAL);
    let mut t = Zeroizing::new(H::INITIAL);
    let mut bytes = Zeroizing::new([0u8; 32]);
    for (index, chunk) in out.chunks_mut(H::OUTPUT).enumerate() {
        let mut mac = first.clone();
        mac.update(salt);
        mac.update(&(index as u32 + 1).to_be_bytes());
        let mut u1 = mac.finalize().into_bytes();
        block[..H::OUTPUT].copy_from_slice(&u1);
        u1.zeroize();
        for (word, bytes) in t
            .as_mut()
            .iter_mut()
            .zip(block[..H::OUTPUT].chunks_exact(4))
        {
            *word = u32::from_be_bytes(bytes.try_into().expect("four bytes"));
        }
        for _ in 1..iterations {
            // inner hash of U: one block under K ⊕ ipad
            *u = *inner;
            H::compress(&mut u, &block);
            write_state(u.as_ref(), &mut block[..H::OUTPUT]);
            // outer hash of the inner digest: one block under K ⊕ opad
            *u = *outer;
            H::compress(&mut u, &block);
            write_state(u.as_ref(), &mut block[..H::OUTPUT]);
            for (t, u) in t.as_mut().iter_mut().zip(u.as_ref()) {
                *t ^= u;
            }
        }
        write_state(t.as_ref(), &mut bytes[..H::OUTPUT]);
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::{pbkdf2_hmac_sha1, pbkdf2_hmac_sha256};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn sha1(password: &[u8], salt: &[u8], iterations: u32, len: usize) -> String {
        let mut out = vec![0; len];
        pbkdf2_hmac_sha1(password, salt, iterations, &mut out);
        hex(&out)
    }

    fn sha256(password: &[u8], salt: &[u8], iterations: u32, len: usize) -> String {
        let mut out = vec![0; len];
        pbkdf2_hmac_sha256(password, salt, iterations, &mut out);
        hex(&out)
    }

    /// RFC 6070, section 2 (PBKDF2-HMAC-SHA1), every vector but the one of 16,777,216 iterations
    /// (below, ignored by default).
    #[test]
    fn rfc_6070_vectors() {
        assert_eq!(
            sha1(b"password", b"salt", 1, 20),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6"
        );
        assert_eq!(
            sha1(b"password", b"salt", 2, 20),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        assert_eq!(
            sha1(b"password", b"salt", 4096, 20),
            "4b007901b765489abead49d926f721d065a429c1"
        );
        assert_eq!(
            sha1(
                b"passwordPASSWORDpassword",
                b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
                4096,
                25
            ),
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"
        );
        assert_eq!(
            sha1(b"pass\0word", b"sa\0lt", 4096, 16),
            "56fa6aa75548099dcc37d7f03425e0c3"
        );
    }

    /// RFC 6070's fourth vector: 16,777,216 iterations (seconds in a debug build).
    #[test]
    #[ignore = "16,777,216 iterations: run with --ignored"]
    fn rfc_6070_sixteen_million_iterations() {
        assert_eq!(
            sha1(b"password", b"salt", 16_777_216, 20),
            "eefe3d61cd4da4e4e9945b3d6ba2158c2634e984"
        );
    }

    /// RFC 7914, section 11 (PBKDF2-HMAC-SHA256): two output blocks each.
    #[test]
    fn rfc_7914_vectors() {
        assert_eq!(
            sha256(b"passwd", b"salt", 1, 64),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
             49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
        assert_eq!(
            sha256(b"Password", b"NaCl", 80_000, 64),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56\
             a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        );
    }

    /// A password longer than a block is hashed into HMAC's key first (RFC 2104); the expected values
    /// are OpenSSL's (`hashlib.pbkdf2_hmac`).
    #[test]
    fn passwords_longer_than_a_block() {
        assert_eq!(
            sha256(&[b'x'; 100], b"long key", 1000, 32),
            "64b59d3a07383814ec271743bb79bc7c98a7c33c4d206cd60fc6927e3b85c686"
        );
        assert_eq!(
            sha1(&[b'y'; 65], b"long key", 1000, 20),
            "fd1e42c99bd5d143b0733714290a5d355f6e2cf6"
        );
    }

    /// The same output as the RustCrypto `pbkdf2` crate's streaming implementation, for passwords
    /// and salts of every length around the block size.
    #[test]
    fn agrees_with_the_streaming_implementation() {
        for len in [0usize, 1, 19, 20, 31, 32, 55, 56, 63, 64, 65, 100, 200] {
            let password: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let salt: Vec<u8> = (0..len).map(|i| (i * 13 + 1) as u8).collect();
            for iterations in [1, 2, 3, 4096] {
                let mut expected = [0u8; 40];
                ::pbkdf2::pbkdf2_hmac::<::sha1::Sha1>(&password, &salt, iterations, &mut expected);
                let mut out = [0u8; 40];
                pbkdf2_hmac_sha1(&password, &salt, iterations, &mut out);
                assert_eq!(out, expected, "SHA-1, {len} bytes, {iterations} iterations");

                let mut expected = [0u8; 40];
                ::pbkdf2::pbkdf2_hmac::<::sha2::Sha256>(
                    &password,
                    &salt,
                    iterations,
                    &mut expected,
                );
                let mut out = [0u8; 40];
                pbkdf2_hmac_sha256(&password, &salt, iterations, &mut out);
                assert_eq!(
                    out, expected,
                    "SHA-256, {len} bytes, {iterations} iterations"
                );
            }
        }
    }
}
