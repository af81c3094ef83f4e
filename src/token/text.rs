//! Text from a token as it may be shown: a token is attacker-controlled, so control and
//! format characters are made visible before a terminal or the window draws them, and a
//! character named in an error message is described so that an invisible one can be seen.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that draw nothing yet change how text reads: zero-width characters, bidi
/// embeddings, overrides and isolates, line and paragraph separators, the BOM. A `kid` or `iss`
/// holding U+202E can make "evil" display as "live".
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Control and format characters made visible (`\u{202e}`), for text shown on one line: a
/// terminal, the window's header strip, a verdict.
#[must_use]
pub fn escape_invisible(text: &str) -> String {
    let invisible = |c: char| c.is_control() || is_format_char(c);
    if !text.chars().any(invisible) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                c.escape_default().to_string()
            } else if invisible(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Format characters written as JSON escapes (`\u202e`), for JSON text and multi-line values:
/// the text stays valid JSON (control characters inside strings are already escaped there),
/// and line breaks are kept.
#[must_use]
pub fn escape_format_chars(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_format_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_format_char(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `text` holds any whitespace (`char::is_whitespace`). A pasted token is scanned
/// for it before anything else, so ASCII text, nearly every paste, is checked a block of
/// bytes at a time instead of character by character.
#[must_use]
pub fn has_whitespace(text: &str) -> bool {
    if !text.is_ascii() {
        return text.contains(char::is_whitespace);
    }
    // Every ASCII whitespace byte is at most b' ', and a token holds no such byte: a block's
    // smallest byte (a reduction the compiler vectorises) clears nearly every block at once.
    text.as_bytes().chunks(64).any(|block| {
        block.iter().fold(u8::MAX, |least, &b| least.min(b)) <= b' '
            && block.iter().any(|&b| matches!(b, b'\t'..=b'\r' | b' '))
    })
}

/// A character as a user can see it, with its code point when it is invisible.
#[must_use]
pub fn describe_char(c: char) -> String {
    let name = match c {
        ' ' => "a space",
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\t' => "a tab",
        c if c.is_whitespace() => "a whitespace character",
        c if c.is_control() => "a control character",
        c if !c.is_ascii() => "a non-ASCII character",
        c => return format!("character '{c}'"),
    };
    format!("{name} (U+{:04X})", c as u32)
}

/// A byte count as a person reads it: "812 bytes", "1.1 MiB".
#[must_use]
pub fn human_size(bytes: usize) -> String {
    #[allow(clippy::cast_precision_loss)] // display only
    let b = bytes as f64;
    if bytes < 1024 {
        plural(bytes, "byte", "bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    }
}

/// "1 byte", "2 bytes": a count with its noun, never "1 bytes".
#[must_use]
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_become_json_escapes_and_line_breaks_stay() {
        assert_eq!(escape_format_chars("plain\ntext"), "plain\ntext");
        assert!(matches!(escape_format_chars("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape_format_chars("\"a\u{202e}b\u{200b}\u{feff}\""),
            "\"a\\u202eb\\u200b\\ufeff\""
        );
        // Still JSON, and the same string once parsed.
        let escaped = escape_format_chars("\"x\u{2066}y\"").into_owned();
        assert_eq!(
            serde_json::from_str::<String>(&escaped).unwrap(),
            "x\u{2066}y"
        );
        assert_eq!(escape_invisible("a\u{202e}b\n"), "a\\u{202e}b\\n");
        assert_eq!(escape_invisible("\u{1b}[2J"), "\\u{1b}[2J");
    }

    #[test]
    fn whitespace_is_found_as_char_is_whitespace_finds_it() {
        let long = "x".repeat(200);
        let late_tab = format!("{long}\t");
        for text in ["a b", "a\u{b}b", "\r", &late_tab, "é\u{3000}"] {
            assert!(has_whitespace(text), "{text:?}");
        }
        for text in ["", "abc.def", &long, "é\u{1c}", "\u{200b}", "\u{85}"] {
            assert_eq!(
                has_whitespace(text),
                text.contains(char::is_whitespace),
                "{text:?}"
            );
        }
    }
}
