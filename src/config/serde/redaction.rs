//! Error text that never shows the input: a format's error (which may quote a source line or a value)
//! rebuilt from serde's standard wording and this crate's own messages, with the position kept.

/// What a value that is not a secret gets: the value itself is never shown.
pub(super) const PASSWORD_SHAPE: &str =
    "the password must be a string (quote it) or { env = \"VAR\" } / { file = \"path\" }";

/// The messages this crate raises through `de::Error::custom` that hold nothing of the input.
const OWN_MESSAGES: [&str; 1] = [PASSWORD_SHAPE];

/// A message for a format's error that holds nothing of the input.
///
/// A format's error text can quote the input: `toml` shows the offending source line, and serde's
/// `invalid type` / `invalid value` messages show the value (`integer \`123456\``, `string "…"`).
/// So the message is rebuilt from the parts of serde's standard messages that come from the types
/// (expected types, field names) and from this crate's own messages; anything else is left out, with
/// the position kept when the format gives one.
pub(super) fn safe_message(text: &str) -> String {
    let (message, position) = describe(text).unwrap_or_else(|| {
        (
            "the input could not be read here: a syntax error or a value of the wrong shape (the \
             format's own message is not shown: it can quote the input, secrets included)"
                .to_owned(),
            first_position(text),
        )
    });
    match position {
        Some((line, column)) => format!("{message} (line {line}, column {column})"),
        None => message,
    }
}

/// A line and a column.
type Position = (u64, u64);

/// serde's standard messages, without the values they quote, and where the format says they are:
/// before the message (`toml`) or right after it (`serde_json`, `serde_yaml`).
fn describe(text: &str) -> Option<(String, Option<Position>)> {
    if let Some(own) = OWN_MESSAGES.iter().find(|own| text.contains(**own)) {
        let at = text.find(own).unwrap_or_default();
        let after = text[at + own.len()..].trim_start();
        let position = first_position(&text[..at]).or_else(|| {
            after
                .strip_prefix("at ")
                .and_then(leading_position)
                .map(|(p, _)| p)
        });
        return Some(((*own).to_owned(), position));
    }
    // the lines of the message, without a quoted source line (`3 | password = …`, `  | ^^^`)
    let lines: Vec<&str> = text.lines().filter(|line| !is_source_line(line)).collect();
    let message_text = lines.join("\n");
    // the first marker starts serde's message: what comes before it is the format's prefix (a
    // position, a path), and a marker further on can be inside a quoted value
    const MARKERS: [&str; 7] = [
        "unknown field `",
        "missing field `",
        "duplicate field `",
        "unknown variant `",
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
    ];
    let (at, marker) = MARKERS
        .iter()
        .filter_map(|marker| message_text.find(marker).map(|at| (at, *marker)))
        .min_by_key(|(at, _)| *at)?;
    let rest = &message_text[at + marker.len()..];
    let line = rest.lines().next().unwrap_or_default().trim_end();
    let (rest, trailing) = split_position(line);
    let message = match marker {
        // field names come from the types (or are keys of the input, never values)
        "unknown field `" | "missing field `" | "duplicate field `" => format!("{marker}{rest}"),
        // the variant is a value of the input: left out
        "unknown variant `" => match rest.rsplit_once("`, expected ") {
            Some((_, expected)) => format!("unknown variant, expected {expected}"),
            None => "unknown variant, there are no variants".to_owned(),
        },
        "invalid type: " | "invalid value: " => {
            let word = marker.trim_end_matches(": ");
            let (unexpected, expected) = rest.rsplit_once(", expected ")?;
            match kind_of(unexpected) {
                Some(kind) => format!("{word}: {kind}, expected {expected}"),
                None => format!("{word}, expected {expected}"),
            }
        }
        // a count and an expected length: nothing of the input
        _ => {
            let (count, expected) = rest.split_once(", expected ")?;
            if !count.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            format!("invalid length {count}, expected {expected}")
        }
    };
    Some((message, first_position(&message_text[..at]).or(trailing)))
}

/// A line of a format's error that quotes the input: `toml` shows `3 | password = …` and a `  | ^^^`
/// marker line under it.
fn is_source_line(line: &str) -> bool {
    line.trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start()
        .starts_with('|')
}

/// `line` without the ` at line 3 column 5` that serde_json and serde_yaml append, and that position.
/// Only a position that ends the line counts: one further in is part of a quoted value.
fn split_position(line: &str) -> (&str, Option<Position>) {
    line.rfind(" at line ")
        .and_then(|at| {
            let (position, rest) = leading_position(&line[at + " at ".len()..])?;
            rest.is_empty().then_some((&line[..at], Some(position)))
        })
        .unwrap_or((line, None))
}

/// The kind of a value in serde's `Unexpected` wording, without the value.
fn kind_of(unexpected: &str) -> Option<&'static str> {
    const KINDS: [(&str, &str); 16] = [
        ("boolean", "a boolean"),
        ("integer", "an integer"),
        ("floating point", "a floating point number"),
        ("character", "a character"),
        ("string", "a string"),
        ("byte array", "a byte array"),
        ("unit value", "a unit value"),
        ("Option value", "an option"),
        ("newtype struct", "a newtype struct"),
        ("sequence", "a sequence"),
        ("map", "a map"),
        ("enum", "an enum"),
        ("unit variant", "a unit variant"),
        ("newtype variant", "a newtype variant"),
        ("tuple variant", "a tuple variant"),
        ("struct variant", "a struct variant"),
    ];
    KINDS
        .iter()
        .filter(|(prefix, _)| unexpected.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, kind)| *kind)
}

/// The first `line N, column M` / `line N column M` in a format's error.
fn first_position(text: &str) -> Option<Position> {
    text.match_indices("line ")
        .find_map(|(at, _)| leading_position(&text[at..]).map(|(position, _)| position))
}

/// Where the format says `message` (this crate's own text) was raised: before it (`toml`: `TOML parse
/// error at line 2, column 1`) or right after it (`serde_yaml`: `… at line 3 column 5`).
pub(super) fn position_around(text: &str, message: &str) -> Option<Position> {
    let at = text.find(message)?;
    first_position(&text[..at]).or_else(|| {
        text[at + message.len()..]
            .trim_start()
            .strip_prefix("at ")
            .and_then(leading_position)
            .map(|(position, _)| position)
    })
}

/// `line N, column M` or `line N column M` at the start of `text`, and what follows it.
fn leading_position(text: &str) -> Option<(Position, &str)> {
    let rest = text.strip_prefix("line ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let line = rest[..digits].parse().ok()?;
    let rest = rest[digits..].trim_start_matches(',').trim_start();
    let rest = rest.strip_prefix("column ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let column = rest[..digits].parse().ok()?;
    Some(((line, column), &rest[digits..]))
}

// ---- the structured form ----------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::safe_message;

    #[test]
    fn values_are_left_out_of_serde_messages() {
        let cases = [
            (
                "invalid type: integer `918273645`, expected a string at line 3 column 5",
                "invalid type: an integer, expected a string (line 3, column 5)",
            ),
            (
                r#"invalid type: string "a, expected b at line 1 column 1", expected struct RawAuth"#,
                "invalid type: a string, expected struct RawAuth",
            ),
            (
                r#"invalid value: string "unknown field `pw`", expected a port"#,
                "invalid value: a string, expected a port",
            ),
            (
                "invalid type: something else `918273645`, expected a string",
                "invalid type, expected a string",
            ),
            (
                "unknown variant `918273645`, expected `env` or `file`",
                "unknown variant, expected `env` or `file`",
            ),
            (
                "mongodb.auth: unknown field `sorce`, expected one of `source` at line 4 column 3",
                "unknown field `sorce`, expected one of `source` (line 4, column 3)",
            ),
            (
                "TOML parse error at line 3, column 8\n  |\n3 | auth = { password = \"invalid type: x, expected y\" }\n  |        ^\nmissing field `hosts`\n",
                "missing field `hosts` (line 3, column 8)",
            ),
            (
                "invalid length 3, expected 2 elements",
                "invalid length 3, expected 2 elements",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(safe_message(text), expected, "{text}");
        }
    }

    #[test]
    fn other_messages_are_not_shown() {
        for text in [
            "TOML parse error at line 2, column 12\n  |\n2 | password = \"918273645\n  |            ^\ninvalid basic string\n",
            "some format's message quoting 918273645 at line 2 column 12",
        ] {
            let message = safe_message(text);
            assert!(!message.contains("918273645"), "{message}");
            assert!(message.ends_with("(line 2, column 12)"), "{message}");
        }
    }
}
