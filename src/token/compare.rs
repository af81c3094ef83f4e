//! Explains how two strings that should be equal differ: the usual cause of an `iss` or
//! `aud` mismatch is a trailing slash, a scheme or a letter case, and saying so saves an hour.

/// Whether two values name the same thing written differently (a trailing slash, letter
/// case, whitespace): a configuration slip rather than another server.
#[must_use]
pub fn same_but_spelled(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    a != b && norm(a) == norm(b)
}

/// "they differ at character 24: the token has a trailing '/'".
#[must_use]
pub fn difference(found: &str, expected: &str) -> String {
    difference_in(found, expected, "the token")
}

/// The same, naming where `found` came from: "the token", "the metadata".
#[must_use]
pub fn difference_in(found: &str, expected: &str, source: &str) -> String {
    if found == expected {
        return "they are equal".to_string();
    }
    if found.trim_end_matches('/') == expected.trim_end_matches('/') {
        return if found.ends_with('/') {
            format!("{source} has a trailing '/' that the expected value does not")
        } else {
            format!("the expected value has a trailing '/' that {source} does not")
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
        "they differ from character {}: {source} has {} where {} was expected",
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
