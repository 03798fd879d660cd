//! The subject of an X.509 certificate as the server computes it: the user name MONGODB-X509
//! authenticates as.
//!
//! A minimal DER walk from the certificate to its subject `Name`, then the string OpenSSL prints
//! with `-nameopt RFC2253` (what a MongoDB server built on OpenSSL takes as the user): every
//! attribute in reverse order, `+` within a multi-valued RDN and `,` between RDNs, OpenSSL's short
//! name for each object it knows (`CN`, `street`, `serialNumber`, `emailAddress`, …) and otherwise
//! the dotted OID with the value's DER as `#`-hex; in values `\` before `, + " \ < > ;`, a leading
//! `#` or space and a trailing space, and every control byte and every byte of a non-ASCII
//! character's UTF-8 as `\XX`. `src/tls/tests.rs` compares it with the openssl CLI on a generated
//! corpus.

use std::fmt::Write as _;

use super::openssl_names::OPENSSL_SHORT_NAMES;

/// Why a certificate's DER could not be read up to its subject.
pub(crate) type DerProblem = &'static str;

/// A DER tag-length-value, borrowed from the input.
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    /// The whole encoding, tag and length included (for `#`-hex values).
    encoded: &'a [u8],
    content: &'a [u8],
}

/// Reads one TLV from the front of `input`, returning it and the rest.
fn read_tlv(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), DerProblem> {
    let (&tag, rest) = input.split_first().ok_or("unexpected end of data")?;
    if tag & 0x1f == 0x1f {
        return Err("multi-byte tags are not used in certificates");
    }
    let (&first, mut rest) = rest.split_first().ok_or("unexpected end of data")?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return Err("unsupported length encoding");
        }
        if rest.len() < count {
            return Err("unexpected end of data");
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    if rest.len() < length {
        return Err("a length runs past the end of the data");
    }
    let (content, after) = rest.split_at(length);
    let header = input.len() - rest.len();
    Ok((
        Tlv {
            tag,
            encoded: &input[..header + length],
            content,
        },
        after,
    ))
}

/// Reads one TLV that must have `tag`.
fn expect(input: &[u8], tag: u8, what: DerProblem) -> Result<(Tlv<'_>, &[u8]), DerProblem> {
    let (tlv, rest) = read_tlv(input)?;
    if tlv.tag != tag {
        return Err(what);
    }
    Ok((tlv, rest))
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const INTEGER: u8 = 0x02;

/// The DER content of the subject `Name` of a DER certificate.
pub(crate) fn subject_name(certificate: &[u8]) -> Result<&[u8], DerProblem> {
    let (cert, _) = expect(
        certificate,
        SEQUENCE,
        "the certificate is not a DER SEQUENCE",
    )?;
    let (tbs, _) = expect(
        cert.content,
        SEQUENCE,
        "the certificate has no tbsCertificate",
    )?;
    let mut fields = tbs.content;
    // version [0] EXPLICIT, optional
    if fields.first() == Some(&0xa0) {
        fields = read_tlv(fields)?.1;
    }
    let (_, fields) = expect(fields, INTEGER, "the certificate has no serial number")?;
    let (_, fields) = expect(
        fields,
        SEQUENCE,
        "the certificate has no signature algorithm",
    )?;
    let (_, fields) = expect(fields, SEQUENCE, "the certificate has no issuer")?;
    let (_, fields) = expect(fields, SEQUENCE, "the certificate has no validity")?;
    let (subject, _) = expect(fields, SEQUENCE, "the certificate has no subject")?;
    Ok(subject.content)
}

/// The RFC 2253 string of a DER certificate's subject.
pub(crate) fn rfc2253_subject(certificate: &[u8]) -> Result<String, DerProblem> {
    rfc2253_name(subject_name(certificate)?)
}

/// The RFC 2253 string of the content of a DER `Name` (a SEQUENCE OF RelativeDistinguishedName),
/// as `openssl x509 -subject -nameopt RFC2253` prints it: every attribute in reverse order (the
/// attributes of a multi-valued RDN too), `+` between the attributes of one RDN and `,` between
/// RDNs, OpenSSL's short name for every object it knows ([`OPENSSL_SHORT_NAMES`]) and the dotted OID
/// with a `#`-hex DER value for any other.
///
/// A name OpenSSL itself refuses to read (a value type a directory string cannot have, invalid
/// UTF-8, a BMP or Universal string of the wrong length or with a surrogate) is an error: a
/// server built on OpenSSL cannot take a user name from that certificate either.
pub(crate) fn rfc2253_name(mut name: &[u8]) -> Result<String, DerProblem> {
    let mut attributes = Vec::new();
    let mut rdn_index = 0usize;
    while !name.is_empty() {
        let (rdn, rest) = expect(name, SET, "a subject RDN is not a SET")?;
        name = rest;
        let mut entries = rdn.content;
        while !entries.is_empty() {
            let (entry, rest) = expect(entries, SEQUENCE, "a subject attribute is not a SEQUENCE")?;
            entries = rest;
            let (oid, rest) = expect(entry.content, OID, "a subject attribute has no type")?;
            let (value, rest) = read_tlv(rest)?;
            if !rest.is_empty() {
                return Err("a subject attribute has trailing data");
            }
            attributes.push((rdn_index, oid.content, value));
        }
        rdn_index += 1;
    }
    let mut out = String::new();
    let mut previous = None;
    for (rdn, oid, value) in attributes.into_iter().rev() {
        match previous {
            Some(p) if p == rdn => out.push('+'),
            Some(_) => out.push(','),
            None => {}
        }
        previous = Some(rdn);
        attribute(&mut out, oid, value)?;
    }
    Ok(out)
}

/// How OpenSSL reads a value's characters (its `tag2nbyte` widths).
#[derive(Clone, Copy)]
enum Characters {
    /// UTF8String: printed byte by byte as it is.
    Utf8,
    /// One byte per character, read as Latin-1 and printed as UTF-8.
    Latin1,
    /// BMPString: UTF-16BE without surrogates.
    Bmp,
    /// UniversalString: UTF-32BE.
    Universal,
}

/// One `type=value` pair.
fn attribute(out: &mut String, oid: &[u8], value: Tlv<'_>) -> Result<(), DerProblem> {
    let dotted = dotted_oid(oid)?;
    let characters = value_characters(value)?;
    let short_name = OPENSSL_SHORT_NAMES
        .binary_search_by(|(known, _)| (*known).cmp(dotted.as_str()))
        .ok()
        .map(|index| OPENSSL_SHORT_NAMES[index].1);
    match (short_name, characters) {
        (Some(name), Some(characters)) => {
            out.push_str(name);
            out.push('=');
            print_characters(out, value.content, characters)
        }
        (name, _) => {
            // An unknown type, or a value that is not a string: the value's DER, in hex.
            out.push_str(name.unwrap_or(&dotted));
            out.push('=');
            dump(out, value);
            Ok(())
        }
    }
}

/// How a value's characters are read, `None` for a value OpenSSL accepts but dumps as hex, or an
/// error for one it cannot read at all (the X.509 `Name` attribute values it decodes are the
/// directory strings, BIT STRING, SEQUENCE and a few unused universal tags).
fn value_characters(value: Tlv<'_>) -> Result<Option<Characters>, DerProblem> {
    let content = value.content;
    Ok(match value.tag {
        0x0c => {
            std::str::from_utf8(content).map_err(|_| "a UTF8String value is not valid UTF-8")?;
            Some(Characters::Utf8)
        }
        // NumericString, PrintableString, TeletexString, IA5String
        0x12 | 0x13 | 0x14 | 0x16 => Some(Characters::Latin1),
        0x1e => {
            if !content.len().is_multiple_of(2) {
                return Err("a BMPString value has an odd length");
            }
            for pair in content.chunks_exact(2) {
                let unit = u16::from_be_bytes([pair[0], pair[1]]);
                if (0xd800..=0xdfff).contains(&unit) {
                    return Err("a BMPString value holds a surrogate");
                }
            }
            Some(Characters::Bmp)
        }
        0x1c => {
            if !content.len().is_multiple_of(4) {
                return Err("a UniversalString value's length is not a multiple of 4");
            }
            for quad in content.chunks_exact(4) {
                let scalar = u32::from_be_bytes([quad[0], quad[1], quad[2], quad[3]]);
                if char::from_u32(scalar).is_none() {
                    return Err("a UniversalString value holds a code point outside Unicode");
                }
            }
            Some(Characters::Universal)
        }
        // BIT STRING: its unused-bits count must be valid
        0x03 => {
            match content {
                [] => return Err("a BIT STRING value is empty"),
                [unused, ..] if *unused > 7 => {
                    return Err("a BIT STRING value has more than 7 unused bits");
                }
                [unused] if *unused != 0 => return Err("an empty BIT STRING has unused bits"),
                _ => {}
            }
            None
        }
        // SEQUENCE, and universal tags no directory string uses (printed as hex)
        0x30 | 0x07 | 0x08 | 0x09 | 0x0b | 0x0d | 0x0e | 0x0f | 0x1d => None,
        _ => return Err("a subject attribute value has a type OpenSSL does not read in names"),
    })
}

/// Prints a string value's characters with OpenSSL's RFC 2253 escaping: each character as UTF-8
/// bytes, every byte above 0x7F and every control byte as `\XX`, `\` before `, + " \ < > ;`, a
/// leading `#` (of a value longer than one character) or space and a trailing space.
fn print_characters(
    out: &mut String,
    content: &[u8],
    characters: Characters,
) -> Result<(), DerProblem> {
    let chars: Vec<u32> = match characters {
        Characters::Utf8 | Characters::Latin1 => content.iter().map(|&b| u32::from(b)).collect(),
        Characters::Bmp => content
            .chunks_exact(2)
            .map(|pair| u32::from(u16::from_be_bytes([pair[0], pair[1]])))
            .collect(),
        Characters::Universal => content
            .chunks_exact(4)
            .map(|quad| u32::from_be_bytes([quad[0], quad[1], quad[2], quad[3]]))
            .collect(),
    };
    let last = chars.len().saturating_sub(1);
    for (index, &c) in chars.iter().enumerate() {
        // OpenSSL marks the last character after the first, so a one-character value is only
        // "last": a lone `#` is not escaped, a lone space is.
        let position = if index == last {
            Position::Last
        } else if index == 0 {
            Position::First
        } else {
            Position::Middle
        };
        match characters {
            // Already UTF-8: each byte as it is.
            Characters::Utf8 => escape_byte(out, c as u8, position),
            _ => {
                let c = char::from_u32(c).ok_or("a value holds a code point outside Unicode")?;
                let mut buf = [0u8; 4];
                for &byte in c.encode_utf8(&mut buf).as_bytes() {
                    escape_byte(out, byte, position);
                }
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    First,
    Middle,
    Last,
}

fn escape_byte(out: &mut String, byte: u8, position: Position) {
    match byte {
        b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';' => {
            out.push('\\');
            out.push(char::from(byte));
        }
        b'#' if position == Position::First => out.push_str("\\#"),
        b' ' if position != Position::Middle => out.push_str("\\ "),
        0x00..=0x1f | 0x7f..=0xff => {
            let _ = write!(out, "\\{byte:02X}");
        }
        _ => out.push(char::from(byte)),
    }
}

/// `#` and the value's DER in upper-case hex, as OpenSSL dumps a value it does not print as text.
fn dump(out: &mut String, value: Tlv<'_>) {
    out.push('#');
    let mut write_hex = |bytes: &[u8]| {
        for byte in bytes {
            let _ = write!(out, "{byte:02X}");
        }
    };
    match value.tag {
        // OpenSSL keeps a SEQUENCE's encoding as it came.
        0x30 => write_hex(value.encoded),
        // Other values are encoded again: the minimal length, and a BIT STRING's unused bits
        // cleared.
        tag => {
            let mut content = value.content.to_vec();
            if tag == 0x03
                && let [unused, .., last] = content.as_mut_slice()
            {
                *last &= 0xffu8 << *unused;
            }
            let mut header = vec![tag];
            let len = content.len();
            if len < 0x80 {
                header.push(len as u8);
            } else {
                let bytes = len.to_be_bytes();
                let skip = bytes.iter().take_while(|&&b| b == 0).count();
                header.push(0x80 | (bytes.len() - skip) as u8);
                header.extend_from_slice(&bytes[skip..]);
            }
            write_hex(&header);
            write_hex(&content);
        }
    }
}

/// The dotted form of an OID's content octets.
fn dotted_oid(content: &[u8]) -> Result<String, DerProblem> {
    let mut arcs: Vec<u128> = Vec::new();
    let mut current: u128 = 0;
    let mut arc_start = true;
    for (i, &byte) in content.iter().enumerate() {
        if arc_start && byte == 0x80 {
            return Err("an attribute type OID has a padded arc");
        }
        if current > (u128::MAX >> 8) {
            return Err("an attribute type OID arc is too large");
        }
        current = (current << 7) | u128::from(byte & 0x7f);
        arc_start = byte & 0x80 == 0;
        if arc_start {
            arcs.push(current);
            current = 0;
        } else if i + 1 == content.len() {
            return Err("an attribute type OID is truncated");
        }
    }
    let Some(&first) = arcs.first() else {
        return Err("an attribute type OID is empty");
    };
    let (a, b) = match first {
        0..40 => (0, first),
        40..80 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in &arcs[1..] {
        let _ = write!(out, ".{arc}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DER helper: tag, short/long length, content.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if content.len() < 0x80 {
            out.push(content.len() as u8);
        } else if content.len() < 0x100 {
            out.extend([0x81, content.len() as u8]);
        } else {
            out.extend([0x82, (content.len() >> 8) as u8, content.len() as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    fn atv(oid: &[u8], value: Vec<u8>) -> Vec<u8> {
        let mut content = tlv(OID, oid);
        content.extend(value);
        tlv(SEQUENCE, &content)
    }

    fn rdn(atvs: &[Vec<u8>]) -> Vec<u8> {
        tlv(SET, &atvs.concat())
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];
    const OU: &[u8] = &[0x55, 0x04, 0x0b];
    const C: &[u8] = &[0x55, 0x04, 0x06];
    const DC: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19];
    const EMAIL: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];

    #[test]
    fn reverses_rdns_and_uses_short_names() {
        let name = [
            rdn(&[atv(C, tlv(0x13, b"IS"))]),
            rdn(&[atv(O, tlv(0x0c, b"mongo-auth"))]),
            rdn(&[atv(OU, tlv(0x0c, b"clients"))]),
            rdn(&[atv(CN, tlv(0x0c, b"client"))]),
        ]
        .concat();
        assert_eq!(
            rfc2253_name(&name).unwrap(),
            "CN=client,OU=clients,O=mongo-auth,C=IS"
        );
    }

    #[test]
    fn multi_valued_rdn_joined_with_plus() {
        let name = [
            rdn(&[atv(DC, tlv(0x16, b"example")), atv(DC, tlv(0x16, b"com"))]),
            rdn(&[atv(CN, tlv(0x0c, b"x")), atv(OU, tlv(0x0c, b"y"))]),
        ]
        .concat();
        // OpenSSL reverses every attribute, those of one RDN too.
        assert_eq!(rfc2253_name(&name).unwrap(), "OU=y+CN=x,DC=com+DC=example");
    }

    #[test]
    fn escapes_specials_leading_and_trailing() {
        let name = [rdn(&[atv(CN, tlv(0x0c, br#"# a,b+c"d\e<f>g;h "#))])].concat();
        assert_eq!(
            rfc2253_name(&name).unwrap(),
            r#"CN=\# a\,b\+c\"d\\e\<f\>g\;h\ "#
        );
        let leading_space = rdn(&[atv(CN, tlv(0x0c, b" x#"))]);
        assert_eq!(rfc2253_name(&leading_space).unwrap(), r"CN=\ x#");
        let control = rdn(&[atv(CN, tlv(0x0c, b"a\nb\x7f"))]);
        assert_eq!(rfc2253_name(&control).unwrap(), r"CN=a\0Ab\7F");
        // A one-character value is only "last": a lone `#` stays, a lone space is escaped.
        let hash = rdn(&[atv(CN, tlv(0x0c, b"#"))]);
        assert_eq!(rfc2253_name(&hash).unwrap(), "CN=#");
        let space = rdn(&[atv(CN, tlv(0x0c, b" "))]);
        assert_eq!(rfc2253_name(&space).unwrap(), r"CN=\ ");
        let equals = rdn(&[atv(CN, tlv(0x0c, b"a=b"))]);
        assert_eq!(rfc2253_name(&equals).unwrap(), "CN=a=b");
    }

    #[test]
    fn openssl_names_and_unknown_types_as_dotted_oid_with_hex_der() {
        let name = rdn(&[atv(EMAIL, tlv(0x16, b"a@b"))]);
        assert_eq!(rfc2253_name(&name).unwrap(), "emailAddress=a@b");
        let street = rdn(&[atv(&[0x55, 0x04, 0x09], tlv(0x0c, b"1 Main St"))]);
        assert_eq!(rfc2253_name(&street).unwrap(), "street=1 Main St");
        let unknown = rdn(&[atv(&[0x2a, 0x03, 0x04], tlv(0x0c, b"x"))]);
        assert_eq!(rfc2253_name(&unknown).unwrap(), "1.2.3.4=#0C0178");
        // a known type whose value is not a string: its DER in hex
        let sequence = rdn(&[atv(CN, tlv(SEQUENCE, &tlv(0x0c, b"x")))]);
        assert_eq!(rfc2253_name(&sequence).unwrap(), "CN=#30030C0178");
    }

    #[test]
    fn string_types() {
        // Non-ASCII characters are written as their UTF-8 bytes, each escaped.
        let bmp = rdn(&[atv(CN, tlv(0x1e, &[0x00, b'h', 0x00, 0xe9]))]);
        assert_eq!(rfc2253_name(&bmp).unwrap(), r"CN=h\C3\A9");
        let universal = rdn(&[atv(CN, tlv(0x1c, &[0, 0, 0, b'z', 0, 1, 0xf6, 0x00]))]);
        assert_eq!(rfc2253_name(&universal).unwrap(), r"CN=z\F0\9F\98\80");
        let utf8 = rdn(&[atv(CN, tlv(0x0c, "Þór".as_bytes()))]);
        assert_eq!(rfc2253_name(&utf8).unwrap(), r"CN=\C3\9E\C3\B3r");
        let teletex = rdn(&[atv(CN, tlv(0x14, &[b'a', 0xe9]))]);
        assert_eq!(rfc2253_name(&teletex).unwrap(), r"CN=a\C3\A9");
        // Values OpenSSL cannot read in a name: the certificate cannot name a user.
        for bad in [
            tlv(INTEGER, &[5]),
            tlv(0x1a, b"visible"),
            tlv(0x0c, &[0xff]),
            tlv(0x1e, &[0x00]),
            tlv(0x1e, &[0xd8, 0x00]),
            tlv(0x1c, &[0, 0x11, 0, 0]),
        ] {
            assert!(
                rfc2253_name(&rdn(&[atv(CN, bad.clone())])).is_err(),
                "{bad:02x?}"
            );
        }
    }

    #[test]
    fn empty_subject_is_empty_string() {
        assert_eq!(rfc2253_name(&[]).unwrap(), "");
    }

    #[test]
    fn malformed_der_is_an_error_not_a_panic() {
        assert!(rfc2253_subject(&[]).is_err());
        assert!(rfc2253_subject(&[0x30, 0x82, 0xff]).is_err());
        assert!(rfc2253_subject(&[0x30, 0x03, 0x30, 0x01, 0x02]).is_err());
        assert!(rfc2253_name(&[0x31, 0x02, 0x30, 0x00]).is_err());
        assert!(rfc2253_name(&rdn(&[atv(&[0x88], tlv(0x0c, b"x"))])).is_err());
        for len in 0..40 {
            let name = rdn(&[atv(CN, tlv(0x0c, b"truncate me please"))]);
            let cut = &name[..len.min(name.len())];
            let _ = rfc2253_name(cut);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = rfc2253_subject(&bytes);
            let _ = rfc2253_name(&bytes);
        }

        #[test]
        fn any_utf8_value_round_trips_through_escaping(value in "\\PC{0,40}") {
            let name = rdn(&[atv(CN, tlv(0x0c, value.as_bytes()))]);
            let text = rfc2253_name(&name).unwrap();
            proptest::prop_assert!(text.is_ascii());
            // undo the escaping: `\XX` is a byte in hex, any other `\` escapes the next character
            let mut unescaped = Vec::new();
            let mut bytes = text.strip_prefix("CN=").unwrap().bytes();
            while let Some(b) = bytes.next() {
                if b != b'\\' {
                    unescaped.push(b);
                    continue;
                }
                let next = bytes.next().unwrap();
                if next.is_ascii_hexdigit() && !matches!(next, b'#') {
                    let low = bytes.next().unwrap();
                    let hex = [next, low];
                    unescaped.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
                } else {
                    unescaped.push(next);
                }
            }
            proptest::prop_assert_eq!(String::from_utf8(unescaped).unwrap(), value);
        }
    }

    #[test]
    fn dotted_oids() {
        assert_eq!(dotted_oid(&[0x55, 0x04, 0x03]).unwrap(), "2.5.4.3");
        assert_eq!(
            dotted_oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]).unwrap(),
            "1.2.840.113549"
        );
        assert_eq!(dotted_oid(&[0x88, 0x37]).unwrap(), "2.999");
    }
}
