//! Explains how two strings that should be equal differ: the usual cause of an `iss` or
//! `aud` mismatch is a trailing slash, a scheme or a letter case, and saying so saves an hour.

/// "they differ at character 24: the token has a trailing '/'".
#[must_use]
pub fn difference(found: &str, expected: &str) -> String {
    if found == expected {
        return "they are equal".to_string();
    }
    if found.trim_end_matches('/') == expected.trim_end_matches('/') {
        return if found.ends_with('/') {
            "the token's value has a trailing '/' that the expected one does not".into()
        } else {
            "the expected value has a trailing '/' that the token's does not".into()
        };
    }
    if found.eq_ignore_ascii_case(expected) {
        return "they differ only in letter case; the comparison is exact".into();
    }
    if found.trim() == expected.trim() {
        return "they differ only in surrounding whitespace".into();
    }
    let strip_scheme = |s: &str| {
        s.strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .map(str::to_string)
    };
    if let (Some(a), Some(b)) = (strip_scheme(found), strip_scheme(expected))
        && a == b
    {
        return "they differ only in the scheme (http vs https)".into();
    }
    let common = found
        .chars()
        .zip(expected.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let rest = |s: &str| -> String {
        let tail: String = s.chars().skip(common).take(24).collect();
        if tail.is_empty() {
            "(end)".into()
        } else {
            format!("\"{tail}\"")
        }
    };
    format!(
        "they differ from character {}: the token has {} where {} was expected",
        common + 1,
        rest(found),
        rest(expected)
    )
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn names_the_usual_suspects() {
        assert!(difference("https://a.example/", "https://a.example").contains("trailing '/'"));
        assert!(difference("https://A.example", "https://a.example").contains("letter case"));
        assert!(difference("http://a.example", "https://a.example").contains("scheme"));
        assert_eq!(
            difference("api://orders", "api://billing"),
            "they differ from character 7: the token has \"orders\" where \"billing\" was expected"
        );
    }
}
