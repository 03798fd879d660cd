//! The URI-options table: every option the library knows, its value kind, its aliases, the options
//! that conflict, and the lookups and suggestions over them.

#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Bool,
    /// An integer in `min..=max`; the text says what is expected.
    Int(i64, i64, &'static str),
    /// `-1` or an integer of at least 90 (`maxStalenessSeconds`).
    Staleness,
    Str,
    Secret,
    /// A comma-separated list of compressor names.
    Compressors,
    /// `k:v,k:v`, one tag set per occurrence.
    Tags,
    /// `k:v,k:v` mechanism properties.
    Properties,
    /// A non-negative integer or a string (`w`).
    W,
    /// One of a fixed set of strings, matched case-insensitively and stored as spelled here.
    Choice(&'static [&'static str]),
    /// An RFC 6335 service name (`srvServiceName`).
    ServiceName,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Repeat {
    /// Warn and keep the last value.
    LastWins,
    /// Repeating is an error.
    Forbidden,
    /// Each occurrence adds to a list.
    Append,
    /// Every occurrence must have the same value (`tls`/`ssl`).
    MustAgree,
}

#[derive(Clone, Copy)]
pub(crate) struct Spec {
    pub(super) key: &'static str,
    pub(super) kind: Kind,
    pub(super) repeat: Repeat,
    /// The row's position in [`SPECS`] ([`Key`]).
    pub(super) id: Key,
}

pub(super) const I32: i64 = i32::MAX as i64;
const NON_NEGATIVE: &str = "a non-negative integer";
const POSITIVE: &str = "a positive integer";

const fn spec(key: &'static str, kind: Kind) -> Spec {
    Spec {
        key,
        kind,
        repeat: Repeat::LastWins,
        id: Key(0),
    }
}

const fn once(key: &'static str, kind: Kind) -> Spec {
    Spec {
        key,
        kind,
        repeat: Repeat::Forbidden,
        id: Key(0),
    }
}

/// A canonical key as its row's position in the table: entries are found by a byte compare, and a
/// set of keys fits in one `u64` ([`Key::bit`]). Written `key!("tlsCAFile")`, which checks the name
/// against the table at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key(u8);

impl Key {
    /// The key of a canonical name; a name the table lacks stops the build (in a `const` context).
    pub(crate) const fn of(name: &str) -> Key {
        let mut i = 0;
        while i < TABLE.len() {
            if eq_bytes(TABLE[i].key.as_bytes(), name.as_bytes()) {
                return Key(i as u8);
            }
            i += 1;
        }
        panic!("not a canonical key of the option table")
    }

    /// The canonical name.
    pub(crate) fn name(self) -> &'static str {
        SPECS[usize::from(self.0)].key
    }

    /// The key's bit in a set of keys.
    pub(crate) const fn bit(self) -> u64 {
        1 << self.0
    }
}

const fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `key!("tlsCAFile")`: the [`Key`] of a canonical name, checked at compile time.
macro_rules! key {
    ($name:literal) => {
        const { $crate::options::Key::of($name) }
    };
}
pub(crate) use key;

/// The table with each row's [`Key`] filled in.
const fn numbered<const N: usize>(mut rows: [Spec; N]) -> [Spec; N] {
    assert!(N <= 64, "a set of keys is a u64");
    let mut i = 0;
    while i < N {
        rows[i].id = Key(i as u8);
        i += 1;
    }
    rows
}

/// Every option the library knows, by canonical key.
static SPECS: [Spec; TABLE.len()] = TABLE;

/// [`SPECS`] for compile-time lookups ([`Key::of`]).
const TABLE: [Spec; 51] = numbered([
    spec("appName", Kind::Str),
    spec("authMechanism", Kind::Str),
    spec("authMechanismProperties", Kind::Properties),
    spec("authSource", Kind::Str),
    spec("compressors", Kind::Compressors),
    spec("connectTimeoutMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("directConnection", Kind::Bool),
    spec("enableOverloadRetargeting", Kind::Bool),
    spec("gssapiServiceName", Kind::Str),
    spec(
        "heartbeatFrequencyMS",
        Kind::Int(500, I32, "an integer of at least 500"),
    ),
    spec("journal", Kind::Bool),
    spec("loadBalanced", Kind::Bool),
    spec("localThresholdMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxAdaptiveRetries", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxConnecting", Kind::Int(1, I32, POSITIVE)),
    spec("maxIdleTimeMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxPoolSize", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxStalenessSeconds", Kind::Staleness),
    spec("minPoolSize", Kind::Int(0, I32, NON_NEGATIVE)),
    once("proxyHost", Kind::Str),
    once("proxyPassword", Kind::Secret),
    once(
        "proxyPort",
        Kind::Int(0, 65535, "a port number (0 to 65535)"),
    ),
    once("proxyUsername", Kind::Str),
    spec("readConcernLevel", Kind::Str),
    spec(
        "readPreference",
        Kind::Choice(&[
            "primary",
            "primaryPreferred",
            "secondary",
            "secondaryPreferred",
            "nearest",
        ]),
    ),
    Spec {
        key: "readPreferenceTags",
        kind: Kind::Tags,
        repeat: Repeat::Append,
        id: Key(0),
    },
    spec("replicaSet", Kind::Str),
    spec("retryReads", Kind::Bool),
    spec("retryWrites", Kind::Bool),
    spec(
        "serverMonitoringMode",
        Kind::Choice(&["stream", "poll", "auto"]),
    ),
    spec("serverSelectionTimeoutMS", Kind::Int(1, I32, POSITIVE)),
    spec("serverSelectionTryOnce", Kind::Bool),
    spec("socketTimeoutMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("srvMaxHosts", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("srvServiceName", Kind::ServiceName),
    spec("ssl_keyfile", Kind::Str),
    spec("timeoutMS", Kind::Int(0, i64::MAX, NON_NEGATIVE)),
    Spec {
        key: "tls",
        kind: Kind::Bool,
        repeat: Repeat::MustAgree,
        id: Key(0),
    },
    spec("tlsAllowInvalidCertificates", Kind::Bool),
    spec("tlsAllowInvalidHostnames", Kind::Bool),
    spec("tlsCAFile", Kind::Str),
    spec("tlsCertificateKeyFile", Kind::Str),
    spec("tlsCertificateKeyFilePassword", Kind::Secret),
    spec("tlsCRLFile", Kind::Str),
    spec("tlsDisableCertificateRevocationCheck", Kind::Bool),
    spec("tlsDisableOCSPEndpointCheck", Kind::Bool),
    spec("tlsInsecure", Kind::Bool),
    spec("w", Kind::W),
    spec("waitQueueTimeoutMS", Kind::Int(1, I32, POSITIVE)),
    spec("wTimeoutMS", Kind::Int(0, i64::MAX, NON_NEGATIVE)),
    spec(
        "zlibCompressionLevel",
        Kind::Int(-1, 9, "an integer from -1 to 9"),
    ),
]);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mapping {
    /// The value means the same under both names.
    Same,
    /// `ssl_cert_reqs`: `CERT_NONE` → `true`, `CERT_REQUIRED`/`CERT_OPTIONAL` → `false`.
    CertReqs,
    /// A boolean with the opposite meaning (`ssl_match_hostname`).
    Inverted,
}

pub(crate) struct Alias {
    pub(super) alias: &'static str,
    pub(super) target: &'static str,
    pub(super) mapping: Mapping,
    pub(super) deprecated: bool,
    /// A PyMongo 3 option: turns TLS on when `tls`/`ssl` is absent.
    pub(super) pymongo3: bool,
}

const fn alias(alias: &'static str, target: &'static str) -> Alias {
    Alias {
        alias,
        target,
        mapping: Mapping::Same,
        deprecated: true,
        pymongo3: false,
    }
}

const fn pymongo3(alias: &'static str, target: &'static str, mapping: Mapping) -> Alias {
    Alias {
        alias,
        target,
        mapping,
        deprecated: true,
        pymongo3: true,
    }
}

static ALIASES: &[Alias] = &[
    Alias {
        alias: "ssl",
        target: "tls",
        mapping: Mapping::Same,
        deprecated: false,
        pymongo3: false,
    },
    alias("wtimeout", "wTimeoutMS"),
    pymongo3("ssl_certfile", "tlsCertificateKeyFile", Mapping::Same),
    pymongo3(
        "ssl_pem_passphrase",
        "tlsCertificateKeyFilePassword",
        Mapping::Same,
    ),
    pymongo3("ssl_ca_certs", "tlsCAFile", Mapping::Same),
    pymongo3(
        "ssl_cert_reqs",
        "tlsAllowInvalidCertificates",
        Mapping::CertReqs,
    ),
    pymongo3(
        "ssl_match_hostname",
        "tlsAllowInvalidHostnames",
        Mapping::Inverted,
    ),
    pymongo3("ssl_crlfile", "tlsCRLFile", Mapping::Same),
    alias("sslCAFile", "tlsCAFile"),
    alias("sslPEMKeyFile", "tlsCertificateKeyFile"),
    alias("sslPEMKeyPassword", "tlsCertificateKeyFilePassword"),
    alias("sslAllowInvalidCertificates", "tlsAllowInvalidCertificates"),
    alias("sslAllowInvalidHostnames", "tlsAllowInvalidHostnames"),
    alias("sslCRLFile", "tlsCRLFile"),
];

/// The options whose mere presence conflicts with each other (the URI-options spec's table).
pub(super) const TLS_CONFLICTS: &[(Key, Key, &str)] = &[
    (
        key!("tlsInsecure"),
        key!("tlsAllowInvalidCertificates"),
        "tlsInsecure already allows invalid certificates",
    ),
    (
        key!("tlsInsecure"),
        key!("tlsAllowInvalidHostnames"),
        "tlsInsecure already allows invalid hostnames",
    ),
    (
        key!("tlsInsecure"),
        key!("tlsDisableOCSPEndpointCheck"),
        "tlsInsecure already disables OCSP",
    ),
    (
        key!("tlsInsecure"),
        key!("tlsDisableCertificateRevocationCheck"),
        "tlsInsecure already disables revocation checks",
    ),
    (
        key!("tlsAllowInvalidCertificates"),
        key!("tlsDisableOCSPEndpointCheck"),
        "with invalid certificates allowed, OCSP is not checked",
    ),
    (
        key!("tlsAllowInvalidCertificates"),
        key!("tlsDisableCertificateRevocationCheck"),
        "with invalid certificates allowed, revocation is not checked",
    ),
    (
        key!("tlsDisableOCSPEndpointCheck"),
        key!("tlsDisableCertificateRevocationCheck"),
        "disabling revocation checks already disables OCSP",
    ),
];

pub(super) const COMPRESSORS: &[&str] = &["snappy", "zlib", "zstd"];

pub(super) const PROXY_KEYS: [Key; 4] = [
    key!("proxyHost"),
    key!("proxyPort"),
    key!("proxyUsername"),
    key!("proxyPassword"),
];

fn find_spec(canonical: &str) -> &'static Spec {
    SPECS
        .iter()
        .find(|s| s.key == canonical)
        .expect("every alias target is in the table")
}

/// A key's row in the table: a canonical key, or an alias and the row it stands for.
#[derive(Clone, Copy)]
pub(crate) enum Lookup {
    Canonical(&'static Spec),
    Alias(&'static Alias, &'static Spec),
}

/// Every key and alias with the same length as its bucket: a key is compared (case-insensitively)
/// with the few known keys of its own length only, not with the whole table.
struct ByLength {
    /// `buckets[len]`: the keys of `len` bytes, canonical keys before aliases.
    buckets: Vec<Vec<Lookup>>,
}

static BY_LENGTH: std::sync::OnceLock<ByLength> = std::sync::OnceLock::new();

fn by_length() -> &'static ByLength {
    BY_LENGTH.get_or_init(|| {
        let longest = known_keys().map(str::len).max().unwrap_or(0);
        let mut buckets: Vec<Vec<Lookup>> = (0..=longest).map(|_| Vec::new()).collect();
        for spec in &SPECS {
            buckets[spec.key.len()].push(Lookup::Canonical(spec));
        }
        for alias in ALIASES {
            buckets[alias.alias.len()].push(Lookup::Alias(alias, find_spec(alias.target)));
        }
        ByLength { buckets }
    })
}

impl Lookup {
    fn spelled(&self) -> &'static str {
        match self {
            Lookup::Canonical(spec) => spec.key,
            Lookup::Alias(alias, _) => alias.alias,
        }
    }
}

/// The table's row for a key or alias, matched case-insensitively (ASCII). Keys are almost always
/// spelled as in the table, so an exact match is tried first.
pub(crate) fn lookup(key: &str) -> Option<Lookup> {
    let bucket = by_length().buckets.get(key.len())?;
    let first = *key.as_bytes().first()?;
    bucket
        .iter()
        .find(|found| found.spelled().as_bytes()[0] == first && found.spelled() == key)
        .or_else(|| {
            bucket
                .iter()
                .find(|found| found.spelled().eq_ignore_ascii_case(key))
        })
        .copied()
}

/// The multiplier of [`key_slot`]: with it, no two canonical keys share a slot (checked when
/// [`KEY_SLOTS`] is built, at compile time).
const KEY_HASH: u64 = 0x4740_f9b3_22c9_d05b;

/// A key's slot in [`KEY_SLOTS`], from its length and five of its bytes (multiply-shift).
const fn key_slot(key: &[u8]) -> usize {
    let n = key.len();
    let (second, second_last) = if n > 1 {
        (key[1], key[n - 2])
    } else {
        (key[0], key[0])
    };
    let x = n as u64
        | (key[0] as u64) << 8
        | (key[n / 2] as u64) << 16
        | (key[n - 1] as u64) << 24
        | (second as u64) << 32
        | (second_last as u64) << 40;
    (x.wrapping_mul(KEY_HASH) >> 57) as usize
}

/// Each canonical key's row (plus one; 0 is no key) at its slot: a lookup hashes once and
/// compares one key.
const KEY_SLOTS: [u8; 128] = {
    let mut slots = [0u8; 128];
    let mut row = 0;
    while row < TABLE.len() {
        let slot = key_slot(TABLE[row].key.as_bytes());
        assert!(
            slots[slot] == 0,
            "two option keys share a slot of KEY_SLOTS: choose another KEY_HASH"
        );
        slots[slot] = row as u8 + 1;
        row += 1;
    }
    slots
};

/// The table's row for a canonical key spelled exactly as in the table (no alias, no other case).
pub(crate) fn canonical_exact(key: &str) -> Option<&'static Spec> {
    let bytes = key.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let row = KEY_SLOTS[key_slot(bytes)].checked_sub(1)?;
    let spec = &SPECS[usize::from(row)];
    same_key(spec.key.as_bytes(), bytes).then_some(spec)
}

/// `a == b` for option keys: two of 8 to 16 bytes are compared as two overlapping words rather
/// than by a call to `memcmp`.
fn same_key(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() || !(8..=16).contains(&len) {
        return a == b;
    }
    let word =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    word(a, 0) == word(b, 0) && word(a, len - 8) == word(b, len - 8)
}

/// The canonical key of a secret-valued row (`tlsCertificateKeyFilePassword`, `proxyPassword` and
/// their aliases).
pub(crate) fn secret_row_key(found: &Lookup) -> Option<&'static str> {
    match found {
        Lookup::Canonical(spec) | Lookup::Alias(_, spec) => {
            matches!(spec.kind, Kind::Secret).then_some(spec.key)
        }
    }
}

/// The [`Key`] of a key or alias, case-insensitively.
pub(crate) fn key_of(key: &str) -> Option<Key> {
    match lookup(key)? {
        Lookup::Canonical(spec) | Lookup::Alias(_, spec) => Some(spec.id),
    }
}

/// The canonical key for a key or alias, case-insensitively.
pub(crate) fn canonical_key(key: &str) -> Option<&'static str> {
    match lookup(key)? {
        Lookup::Canonical(spec) | Lookup::Alias(_, spec) => Some(spec.key),
    }
}

/// The canonical key of a secret-valued option (`tlsCertificateKeyFilePassword`, `proxyPassword` and
/// their aliases), case-insensitively: its value is never quoted.
pub(crate) fn secret_key(key: &str) -> Option<&'static str> {
    secret_row_key(&lookup(key)?)
}

/// Every key and alias the library knows (for suggestions).
/// Every canonical key, in table order.
#[cfg(test)]
pub(crate) fn canonical_keys() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.key)
}

fn known_keys() -> impl Iterator<Item = &'static str> {
    SPECS
        .iter()
        .map(|s| s.key)
        .chain(ALIASES.iter().map(|a| a.alias))
}

/// The closest known key to an unknown one, when it is close enough to be a likely typo.
///
/// A key whose length differs from a known key's by more than the limit cannot be within it (the
/// difference is a lower bound of the edit distance), so only keys of about the right length are
/// compared: a hostile key of a megabyte costs one count of its characters, not a distance
/// computation per known key.
pub(super) fn suggest(key: &str) -> Option<&'static str> {
    let length = key.chars().count();
    let limit = (length / 3).clamp(1, 3);
    known_keys()
        .filter(|known| known.len().abs_diff(length) <= limit)
        .filter_map(|known| Some((edit_distance_within(key, known, limit)?, known)))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// Levenshtein distance over chars, ignoring ASCII case, when it is at most `limit`: a row whose
/// every cell is over the limit ends the computation (the distance only grows from there).
fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().map(|c| c.to_ascii_lowercase()).enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().all(|&cell| cell > limit) {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&distance| distance <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_key_is_found_exactly_and_nothing_else() {
        for spec in &SPECS {
            let found = canonical_exact(spec.key).map(|s| s.key);
            assert_eq!(found, Some(spec.key));
            assert!(
                canonical_exact(&spec.key.to_ascii_uppercase()).is_none()
                    || spec.key.chars().all(|c| !c.is_ascii_lowercase())
            );
        }
        for alias in ALIASES {
            assert!(canonical_exact(alias.alias).is_none(), "{}", alias.alias);
        }
        assert!(canonical_exact("").is_none());
        assert!(canonical_exact(&"x".repeat(300)).is_none());
        assert!(canonical_exact("authSourcf").is_none());
    }
}
