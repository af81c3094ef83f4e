//! Text that may be a token or a secret, carried between parts of the app. `Debug` and
//! `Display` print `[redacted]` (Debug adds the length), so a log line, a test failure, a
//! panic message or a `format!` never shows it; `reveal` is the one way to the text. There is
//! deliberately no `Serialize`: a struct holding one cannot be written to a file by serde.

use std::fmt;
use std::ops::Deref;

/// A secret or a token. Compare, clone and move it freely; read it with [`Sensitive::reveal`].
///
/// It cannot be serialized, so no saved struct can hold one:
///
/// ```compile_fail,E0277
/// fn saved<T: serde::Serialize>(_: &T) {}
/// saved(&tokenscope::sensitive::Sensitive::from("a client secret"));
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Sensitive(String);

impl Sensitive {
    /// The text itself, asked for on purpose: sending it to a server, copying it for the user,
    /// storing it in the keychain.
    #[must_use]
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// The text, moved out.
    #[must_use]
    pub fn into_inner(self) -> String {
        self.0
    }

    /// Length in bytes (shown in place of the text).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when it holds no text.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Sensitive {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Sensitive {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

// Kept for the window's existing callers, which read the text as `&str`; new code calls
// `reveal()` so that each place the text leaves is visible in a search.
impl Deref for Sensitive {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[redacted: {} bytes]", self.0.len())
    }
}

// Without this, `to_string()` would reach `str::to_string` through `Deref` and copy the text.
impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Sensitive;

    #[test]
    fn debug_and_display_hide_the_text() {
        let token = Sensitive::from("eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
        assert_eq!(format!("{token:?}"), "[redacted: 29 bytes]");
        assert_eq!(format!("{token}"), "[redacted]");
        assert_eq!(token.to_string(), "[redacted]");
        assert_eq!(format!("{:?}", Some(&token)), "Some([redacted: 29 bytes])");
        assert_eq!(token.reveal(), "eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
        assert_eq!(&*token, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
    }
}
