//! Presenter mode: token strings, signatures and secrets are shown as their first and last
//! four characters, enough to tell two tokens apart on a shared screen and useless to a viewer.

/// Shown in place of anything too short to mask meaningfully.
const HIDDEN: &str = "••••";

/// `eyJh…Q9xA`; text of 12 characters or fewer is hidden entirely.
#[must_use]
pub fn mask(text: &str) -> String {
    let count = text.chars().count();
    if count <= 12 {
        return HIDDEN.to_string();
    }
    let head: String = text.chars().take(4).collect();
    let tail: String = text.chars().skip(count - 4).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_four_characters_each_side() {
        assert_eq!(mask("eyJhbGciOiJSUzI1NiJ9.payload.Q9xA"), "eyJh…Q9xA");
        assert_eq!(mask("short"), HIDDEN);
    }
}
