//! The RFC 2253 subject of an X.509 certificate: the user name MONGODB-X509 authenticates as.
//!
//! A minimal DER walk from the certificate to its subject `Name`, then the RFC 2253 string form:
//! RDNs in reverse order separated by `,`, the attributes of a multi-valued RDN joined by `+`,
//! the short names `CN L ST O OU C STREET DC UID` and dotted OIDs with a `#`-hex DER value for
//! everything else, and the escaping of `, + " \ < > ;`, a leading `#` or space and a trailing space.
//! Control characters are written as `\XX`; other non-ASCII characters are kept as UTF-8, which RFC
//! 2253 allows (`openssl x509 -subject -nameopt RFC2253` escapes them as `\XX` bytes instead).

use std::fmt::Write as _;

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

/// The RFC 2253 string of the content of a DER `Name` (a SEQUENCE OF RelativeDistinguishedName).
pub(crate) fn rfc2253_name(mut name: &[u8]) -> Result<String, DerProblem> {
    let mut rdns = Vec::new();
    while !name.is_empty() {
        let (rdn, rest) = expect(name, SET, "a subject RDN is not a SET")?;
        name = rest;
        let mut attributes = Vec::new();
        let mut entries = rdn.content;
        while !entries.is_empty() {
            let (entry, rest) = expect(entries, SEQUENCE, "a subject attribute is not a SEQUENCE")?;
            entries = rest;
            let (oid, rest) = expect(entry.content, OID, "a subject attribute has no type")?;
            let (value, rest) = read_tlv(rest)?;
            if !rest.is_empty() {
                return Err("a subject attribute has trailing data");
            }
            attributes.push(attribute(oid.content, value)?);
        }
        if attributes.is_empty() {
            return Err("a subject RDN is empty");
        }
        rdns.push(attributes.join("+"));
    }
    rdns.reverse();
    Ok(rdns.join(","))
}

/// One `type=value` pair.
fn attribute(oid: &[u8], value: Tlv<'_>) -> Result<String, DerProblem> {
    let short_name = match oid {
        [0x55, 0x04, 0x03] => Some("CN"),
        [0x55, 0x04, 0x07] => Some("L"),
        [0x55, 0x04, 0x08] => Some("ST"),
        [0x55, 0x04, 0x0a] => Some("O"),
        [0x55, 0x04, 0x0b] => Some("OU"),
        [0x55, 0x04, 0x06] => Some("C"),
        [0x55, 0x04, 0x09] => Some("STREET"),
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => Some("DC"),
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01] => Some("UID"),
        _ => None,
    };
    let mut out = String::new();
    match short_name {
        Some(name) => out.push_str(name),
        None => out.push_str(&dotted_oid(oid)?),
    }
    out.push('=');
    match short_name.and_then(|_| decode_string(value)) {
        Some(text) => escape_into(&mut out, &text),
        None => {
            out.push('#');
            for byte in value.encoded {
                let _ = write!(out, "{byte:02X}");
            }
        }
    }
    Ok(out)
}

/// The dotted form of an OID's content octets.
fn dotted_oid(content: &[u8]) -> Result<String, DerProblem> {
    let mut arcs: Vec<u128> = Vec::new();
    let mut current: u128 = 0;
    for (i, &byte) in content.iter().enumerate() {
        if current > (u128::MAX >> 8) {
            return Err("an attribute type OID arc is too large");
        }
        current = (current << 7) | u128::from(byte & 0x7f);
        if byte & 0x80 == 0 {
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

/// The text of a directory string value, or `None` for a type that is written as `#`-hex.
fn decode_string(value: Tlv<'_>) -> Option<String> {
    let bytes = value.content;
    match value.tag {
        // UTF8String
        0x0c => String::from_utf8(bytes.to_vec()).ok(),
        // NumericString, PrintableString, IA5String, VisibleString; TeletexString read as Latin-1,
        // as OpenSSL does
        0x12 | 0x13 | 0x16 | 0x1a | 0x14 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        // BMPString: UTF-16BE
        0x1e => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        // UniversalString: UTF-32BE
        0x1c => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            bytes
                .chunks_exact(4)
                .map(|quad| {
                    char::from_u32(u32::from_be_bytes([quad[0], quad[1], quad[2], quad[3]]))
                })
                .collect()
        }
        _ => None,
    }
}

/// Appends `text` with RFC 2253 escaping.
fn escape_into(out: &mut String, text: &str) {
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{byte:02X}");
                }
            }
            c => out.push(c),
        }
    }
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
        assert_eq!(rfc2253_name(&name).unwrap(), "CN=x+OU=y,DC=example+DC=com");
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
        let control = rdn(&[atv(CN, tlv(0x0c, b"a\nb"))]);
        assert_eq!(rfc2253_name(&control).unwrap(), r"CN=a\0Ab");
    }

    #[test]
    fn unknown_types_are_dotted_oid_with_hex_der() {
        let name = rdn(&[atv(EMAIL, tlv(0x16, b"a@b"))]);
        assert_eq!(
            rfc2253_name(&name).unwrap(),
            "1.2.840.113549.1.9.1=#1603614062"
        );
    }

    #[test]
    fn string_types() {
        let bmp = rdn(&[atv(CN, tlv(0x1e, &[0x00, b'h', 0x00, 0xe9]))]);
        assert_eq!(rfc2253_name(&bmp).unwrap(), "CN=hé");
        let universal = rdn(&[atv(CN, tlv(0x1c, &[0, 0, 0, b'z']))]);
        assert_eq!(rfc2253_name(&universal).unwrap(), "CN=z");
        let utf8 = rdn(&[atv(CN, tlv(0x0c, "Þór".as_bytes()))]);
        assert_eq!(rfc2253_name(&utf8).unwrap(), "CN=Þór");
        // a known type whose value is not a string is written as hex
        let integer = rdn(&[atv(CN, tlv(INTEGER, &[5]))]);
        assert_eq!(rfc2253_name(&integer).unwrap(), "CN=#020105");
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
            // undo the escaping: every `\` escapes exactly the next character
            let mut unescaped = String::new();
            let mut chars = text.strip_prefix("CN=").unwrap().chars();
            while let Some(c) = chars.next() {
                unescaped.push(if c == '\\' { chars.next().unwrap() } else { c });
            }
            proptest::prop_assert_eq!(unescaped, value);
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
