//! `WWW-Authenticate` (RFC 9110 §11.6.1) as a pure function: every challenge of every header
//! line, its scheme as written, its parameters with quoted strings unescaped, or a token68.
//! RFC 6750 §3 puts a Bearer token's `error`, `error_description` and `scope` there.

use super::error::ErrorCode;

/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// As the server wrote it ("Bearer", "Basic", "DPoP", "Negotiate" …).
    pub scheme: String,
    /// `name=value` parameters in order, quoted strings unescaped; names as sent.
    pub params: Vec<(String, String)>,
    /// A token68 credential instead of parameters (e.g. `Negotiate abc==`).
    pub token68: Option<String>,
}

impl Challenge {
    /// True for the Bearer scheme (RFC 6750; scheme names are case-insensitive).
    #[must_use]
    pub fn is_bearer(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("bearer")
    }

    /// The value of parameter `name` (case-insensitive).
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// RFC 6750 `error`.
    #[must_use]
    pub fn error(&self) -> Option<ErrorCode> {
        self.param("error").map(ErrorCode::parse)
    }

    /// RFC 6750 `scope`: the scopes the resource wants, split on spaces.
    #[must_use]
    pub fn scopes(&self) -> Vec<&str> {
        self.param("scope")
            .map(|s| s.split_ascii_whitespace().collect())
            .unwrap_or_default()
    }
}

/// Parses the values of one or more `WWW-Authenticate` headers into challenges. Never fails:
/// what cannot be read is skipped.
#[must_use]
pub fn parse_www_authenticate<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    values.into_iter().flat_map(parse_one_header).collect()
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn is_token68_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~+/".contains(&c)
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }
    fn skip_ws_and_commas(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.pos += 1;
        }
    }
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> String {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.pos]).into_owned()
    }
    /// A quoted-string after its opening quote; `\x` is `x`; an unclosed one runs to the end.
    fn quoted(&mut self) -> String {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    if let Some(next) = self.peek() {
                        out.push(next);
                        self.pos += 1;
                    }
                }
                other => out.push(other),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    /// True when an `auth-param` (`token BWS "=" BWS value`) starts here; a token followed by
    /// `=` and then the end or a comma is a token68 instead.
    fn at_param(&self) -> bool {
        let mut i = self.pos;
        let start = i;
        while self.s.get(i).copied().is_some_and(is_tchar) {
            i += 1;
        }
        if i == start {
            return false;
        }
        while matches!(self.s.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if self.s.get(i) != Some(&b'=') {
            return false;
        }
        i += 1;
        while matches!(self.s.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        !matches!(self.s.get(i), None | Some(b',' | b'='))
    }
}

fn parse_one_header(value: &str) -> Vec<Challenge> {
    let mut c = Cursor {
        s: value.as_bytes(),
        pos: 0,
    };
    let mut out = Vec::new();
    loop {
        c.skip_ws_and_commas();
        if c.peek().is_none() {
            break;
        }
        let scheme = c.take_while(is_tchar);
        if scheme.is_empty() {
            c.pos += 1; // not a token: skip the byte and resynchronise
            continue;
        }
        let mut challenge = Challenge {
            scheme,
            params: Vec::new(),
            token68: None,
        };
        c.skip_ws();
        if !c.at_param() && c.peek().is_some_and(is_token68_char) {
            let save = c.pos;
            let mut t = c.take_while(is_token68_char);
            t.push_str(&c.take_while(|b| b == b'='));
            c.skip_ws();
            if matches!(c.peek(), None | Some(b',')) {
                challenge.token68 = Some(t);
            } else {
                c.pos = save; // the next challenge's scheme
            }
            out.push(challenge);
            continue;
        }
        loop {
            c.skip_ws();
            if !c.at_param() {
                break;
            }
            let name = c.take_while(is_tchar);
            c.skip_ws();
            c.pos += 1; // '='
            c.skip_ws();
            let value = if c.peek() == Some(b'"') {
                c.pos += 1;
                c.quoted()
            } else {
                c.take_while(is_tchar)
            };
            challenge.params.push((name, value));
            c.skip_ws();
            // After a comma comes either another parameter or the next challenge.
            let save = c.pos;
            c.skip_ws_and_commas();
            if !c.at_param() {
                c.pos = save;
                break;
            }
        }
        out.push(challenge);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_challenge_gives_error_description_scope_and_realm() {
        let c = parse_www_authenticate([
            r#"Bearer realm="example", error="insufficient_scope", error_description="The token needs \"orders:write\"", scope="orders:read orders:write""#,
        ]);
        assert_eq!(c.len(), 1);
        let b = &c[0];
        assert!(b.is_bearer());
        assert_eq!(b.param("realm"), Some("example"));
        assert_eq!(b.error(), Some(ErrorCode::InsufficientScope));
        assert_eq!(
            b.param("error_description"),
            Some("The token needs \"orders:write\"")
        );
        assert_eq!(b.scopes(), ["orders:read", "orders:write"]);
    }

    #[test]
    fn several_challenges_in_one_header_and_across_headers() {
        let c = parse_www_authenticate([
            r#"Basic realm="simple", Bearer error=invalid_token,error_description="expired, sorry""#,
            "Negotiate abc+/12==, DPoP algs=\"ES256 PS256\"",
        ]);
        let schemes: Vec<&str> = c.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Basic", "Bearer", "Negotiate", "DPoP"]);
        assert_eq!(c[0].param("realm"), Some("simple"));
        assert_eq!(c[1].error(), Some(ErrorCode::InvalidToken));
        assert_eq!(c[1].param("error_description"), Some("expired, sorry"));
        assert_eq!(c[2].token68.as_deref(), Some("abc+/12=="));
        assert_eq!(c[3].param("algs"), Some("ES256 PS256"));
    }

    #[test]
    fn a_bare_scheme_and_odd_spacing_are_read() {
        let c = parse_www_authenticate(["bearer", "  BEARER   realm = \"x\" ,  , scope=\"a\""]);
        assert_eq!(c.len(), 2);
        assert!(c[0].is_bearer() && c[0].params.is_empty());
        assert_eq!(c[1].param("REALM"), Some("x"));
        assert_eq!(c[1].param("scope"), Some("a"));
    }

    #[test]
    fn garbage_never_panics_and_an_unclosed_quote_runs_to_the_end() {
        let c = parse_www_authenticate([r#"Bearer error="invalid_token, realm=\"#]);
        assert_eq!(c[0].param("error"), Some("invalid_token, realm="));
        for junk in ["", ",,,", "=", "\"", "Bearer =x", "Bearer a=", "€ Bearer"] {
            let _ = parse_www_authenticate([junk]);
        }
        assert_eq!(parse_www_authenticate(["€ Bearer"])[0].scheme, "Bearer");
    }

    proptest::proptest! {
        #[test]
        fn any_header_value_parses_without_panicking(value in "[ -~\\t€]{0,80}") {
            let challenges = parse_www_authenticate([value.as_str()]);
            // Every challenge has a scheme; there are never more than the input has bytes.
            proptest::prop_assert!(challenges.len() <= value.len());
            proptest::prop_assert!(challenges.iter().all(|c| !c.scheme.is_empty()));
        }
    }
}
