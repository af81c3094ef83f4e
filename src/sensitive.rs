//! Text that may be a token or a secret, carried between parts of the app: it reads like a
//! `String` but its `Debug` output says only how long it is, so a log line, a test failure
//! or a panic message never prints it.

use std::fmt;
use std::ops::Deref;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Sensitive(String);

impl Sensitive {
    #[must_use]
    pub fn into_inner(self) -> String {
        self.0
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

impl Deref for Sensitive {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes hidden>", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::Sensitive;

    #[test]
    fn debug_shows_the_length_only() {
        let token = Sensitive::from("eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
        assert_eq!(format!("{token:?}"), "<29 bytes hidden>");
        assert_eq!(&*token, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
    }
}
