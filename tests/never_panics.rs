//! Whatever is pasted, inspect never panics: random bytes, and valid tokens mutated.

mod util;

use proptest::prelude::*;
use tokenscope::token::{self, Options};

fn inspect_all(input: &str) {
    let opts = Options {
        expected_aud: vec!["api".into()],
        expected_iss: Some("https://i.example".into()),
        required_scopes: vec!["read".into()],
        ..Options::at(1_300_000_000)
    };
    if let Ok(found) = token::inspect(input, &opts) {
        for f in found {
            if let Ok(report) = f.result {
                // The report must always serialise: the CLI prints it.
                serde_json::to_string(&report).expect("report serialises");
            }
        }
    }
}

fn valid_tokens() -> Vec<String> {
    [
        "rfc7515-a1-hs256.jwt",
        "rfc7515-a2-rs256.jwt",
        "rfc7515-a3-es256.jwt",
        "rfc7515-a5-unsecured.jwt",
        "rfc7516-a2-jwe.jwt",
    ]
    .iter()
    .map(|n| util::fixture(n))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        inspect_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_token_shaped_text(s in "(eyJ|ew)?[A-Za-z0-9_=+/. -]{0,200}") {
        inspect_all(&s);
    }

    #[test]
    fn mutated_valid_tokens(
        which in 0usize..5,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<char>(), 0u8..3), 1..6),
    ) {
        let mut chars: Vec<char> = valid_tokens()[which].chars().collect();
        for (index, c, op) in edits {
            if chars.is_empty() { break; }
            let i = index.index(chars.len());
            match op {
                0 => chars[i] = c,
                1 => { chars.remove(i); }
                _ => chars.insert(i, c),
            }
        }
        inspect_all(&chars.into_iter().collect::<String>());
    }

    #[test]
    fn mutated_json_payloads(json in "\\{(\"[a-z]{1,3}\":(-?[0-9]{1,25}(\\.[0-9]+)?(e[0-9]{1,3})?|\"[^\"]{0,5}\"|null|\\[\\]|\\{\\}),?){0,6}\\}") {
        use base64::Engine as _;
        let e = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        inspect_all(&format!("{}.{}.c2ln", e(br#"{"alg":"HS256"}"#), e(json.as_bytes())));
        inspect_all(&format!("{}.{}.c2ln", e(json.as_bytes()), e(json.as_bytes())));
    }
}
