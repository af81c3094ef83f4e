//! Presenter mode: token strings, signatures and secrets are shown as their first and last
//! four characters, enough to tell two tokens apart on a shared screen and useless to a viewer;
//! personal claims (a name, an email address …) are hidden whole until revealed.

/// Shown in place of anything too short to mask meaningfully, and of a personal claim.
pub const HIDDEN: &str = "••••";

/// Claims that name or reach a person: hidden in presenter mode until the user reveals them.
pub const PERSONAL_CLAIMS: [&str; 10] = [
    "name",
    "given_name",
    "family_name",
    "email",
    "upn",
    "unique_name",
    "preferred_username",
    "phone_number",
    "address",
    "birthdate",
];

/// Whether the top-level claim `name` is personal data.
#[must_use]
pub fn is_personal(name: &str) -> bool {
    PERSONAL_CLAIMS.contains(&name)
}

/// Whether a payload holds any personal claim at its top level.
#[must_use]
pub fn has_personal(payload: &serde_json::Value) -> bool {
    payload
        .as_object()
        .is_some_and(|claims| claims.keys().any(|k| is_personal(k)))
}

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

    #[test]
    fn personal_claims_are_found_at_the_top_level() {
        assert!(has_personal(
            &serde_json::json!({"sub": "1", "email": "a@b.c"})
        ));
        assert!(!has_personal(
            &serde_json::json!({"sub": "1", "act": {"email": "a@b.c"}})
        ));
    }
}
