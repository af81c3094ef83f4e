//! The first pass over a JSON payload: is it well-formed, which member names appear twice, and
//! the values of the few claims the checks read. Nothing else is built: the whole tree costs
//! several times this pass and is only needed when shown (see `lazy`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::claim_set::CheckedClaims;
use super::json::{JsonError, Path, ValueSeed};
use super::parse::json_type;

/// The top-level claims the checklist, the token type and the lifetime read: only these are
/// parsed into values by `scan`. A check that reads a claim not named here sees it absent, so
/// a new check's own tests fail until its claim is added.
macro_rules! checked_claims {
    ($($name:literal)|*) => {
        /// The checked claims in a fixed order: each has its slot in `CheckedClaims`.
        pub const CHECKED_NAMES: &[&str] = &[$($name),*];

        /// Where `name` sits in `CHECKED_NAMES`, when the checks read it: one `match`, the
        /// slot found without comparing the name with each claim kept.
        #[must_use]
        pub fn checked_index(name: &str) -> Option<usize> {
            match name {
                $($name => Some(const { position($name) }),)*
                _ => None,
            }
        }
    };
}

/// `name`'s place in `CHECKED_NAMES`, at compile time.
const fn position(name: &str) -> usize {
    let mut i = 0;
    while i < CHECKED_NAMES.len() {
        let (a, b) = (CHECKED_NAMES[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a checked claim")
}

checked_claims!(
    // Lifetime and the date checks.
    "exp" | "nbf" | "iat" | "auth_time" | "updated_at" | "toe"
    // iss, aud and scope checks; RFC 9068's required claims.
    | "iss" | "sub" | "aud" | "jti" | "client_id" | "scope" | "scp" | "roles"
    // What the token is for, and whose: TokenType::classify and vendor markers.
    | "azp" | "typ" | "token_use" | "idtyp" | "appid" | "tid" | "gty"
    | "preferred_username" | "kubernetes.io" | "job_workflow_ref" | "role"
    | "events" | "sid" | "nonce" | "at_hash" | "c_hash"
);

/// What `scan` learned of a well-formed document.
#[derive(Debug)]
pub struct Scanned {
    /// The checked claims, when the document is an object.
    pub checked: Option<CheckedClaims>,
    /// "an object", "a string" …
    pub json_type: &'static str,
    /// Member names that appear twice, as JSON paths (`$.a.b`), in the order found.
    pub duplicates: Vec<String>,
}

/// Checks that `bytes` is one JSON value and reads the checked claims out of it.
pub fn scan(bytes: &[u8]) -> Result<Scanned, JsonError> {
    // One UTF-8 check of the whole document instead of one per string; bytes that are not
    // UTF-8 take the slice reader, whose error names the offending byte.
    match std::str::from_utf8(bytes) {
        Ok(text) => scan_with(bytes, &mut serde_json::Deserializer::from_str(text)),
        Err(_) => scan_with(bytes, &mut serde_json::Deserializer::from_slice(bytes)),
    }
}

fn scan_with<'de, R: serde_json::de::Read<'de>>(
    bytes: &[u8],
    de: &mut serde_json::Deserializer<R>,
) -> Result<Scanned, JsonError> {
    let scratch = Scratch {
        duplicates: RefCell::new(Vec::new()),
        names: RefCell::new(Vec::with_capacity(FEW_NAMES)),
    };
    let result = Top { scratch: &scratch }
        .deserialize(&mut *de)
        .and_then(|top| de.end().map(|()| top));
    match result {
        Ok((checked, json_type)) => Ok(Scanned {
            checked,
            json_type,
            duplicates: scratch.duplicates.into_inner(),
        }),
        Err(err) => Err(JsonError::new(bytes, &err)),
    }
}

/// What the scan carries from object to object: the duplicates found so far, and the member
/// names of the objects being read, innermost last. One list for every object (each truncates
/// it back when done) instead of one per object: a token holds a dozen small objects, and a
/// list each was a third of the scan's allocations.
struct Scratch<'de> {
    duplicates: RefCell<Vec<String>>,
    names: RefCell<Vec<(u16, Cow<'de, str>)>>,
}

/// Past this many names an object's names move to a set (a 1 MiB token's large object); most
/// objects in a token are small, where a list compared by length and first byte beats hashing.
const FEW_NAMES: usize = 64;

/// The names of one object, to find the second of a pair.
struct Seen<'s, 'de> {
    scratch: &'s Scratch<'de>,
    /// Where this object's names start in `scratch.names`.
    start: usize,
    many: HashSet<Cow<'de, str>>,
}

impl<'s, 'de> Seen<'s, 'de> {
    fn new(scratch: &'s Scratch<'de>) -> Self {
        Self {
            scratch,
            start: scratch.names.borrow().len(),
            many: HashSet::new(),
        }
    }

    /// False when `name` was seen before in this object.
    fn first(&mut self, name: Cow<'de, str>) -> bool {
        if !self.many.is_empty() {
            return self.many.insert(name);
        }
        let mut names = self.scratch.names.borrow_mut();
        // Length and first byte rule out nearly every other name before the bytes are compared.
        let tag =
            (name.len() as u16) << 8 | u16::from(name.as_bytes().first().copied().unwrap_or(0));
        let own = &names[self.start..];
        if own.iter().any(|(t, n)| *t == tag && *n == name) {
            return false;
        }
        if own.len() < FEW_NAMES {
            names.push((tag, name));
            return true;
        }
        self.many = names.drain(self.start..).map(|(_, n)| n).collect();
        self.many.insert(name)
    }
}

impl Drop for Seen<'_, '_> {
    fn drop(&mut self) {
        self.scratch.names.borrow_mut().truncate(self.start);
    }
}

/// A member name, borrowed from the input unless it holds escapes.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The document itself: an object's checked claims are kept, everything else skipped.
struct Top<'s, 'de> {
    scratch: &'s Scratch<'de>,
}

type TopValue = (Option<CheckedClaims>, &'static str);

impl<'de> DeserializeSeed<'de> for Top<'_, 'de> {
    type Value = TopValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TopValue, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, 'de> {
    type Value = TopValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<TopValue, E> {
        Ok((None, json_type(&Value::Bool(false))))
    }
    fn visit_i64<E>(self, _: i64) -> Result<TopValue, E> {
        Ok((None, json_type(&Value::from(0))))
    }
    fn visit_u64<E>(self, _: u64) -> Result<TopValue, E> {
        Ok((None, json_type(&Value::from(0))))
    }
    fn visit_f64<E>(self, _: f64) -> Result<TopValue, E> {
        Ok((None, json_type(&Value::from(0))))
    }
    fn visit_str<E>(self, _: &str) -> Result<TopValue, E> {
        Ok((None, json_type(&Value::String(String::new()))))
    }
    fn visit_unit<E>(self) -> Result<TopValue, E> {
        Ok((None, json_type(&Value::Null)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TopValue, A::Error> {
        Skip {
            path: Path::Root,
            scratch: self.scratch,
        }
        .visit_seq(seq)?;
        Ok((None, json_type(&Value::Array(Vec::new()))))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TopValue, A::Error> {
        let scratch = self.scratch;
        let mut checked = CheckedClaims::for_a_token();
        members(map, &Path::Root, scratch, |map, name, path| {
            if let Some(index) = checked_index(name) {
                // Last one wins, as in the whole tree; `members` reports the duplicate.
                let value = map.next_value_seed(ValueSeed {
                    path,
                    duplicates: &scratch.duplicates,
                })?;
                checked.insert(index, value);
                Ok(())
            } else {
                map.next_value_seed(Skip { path, scratch })
            }
        })?;
        Ok((Some(checked), json_type(&Value::Object(Map::new()))))
    }
}

/// Any value, checked for duplicate names and otherwise dropped as it is read.
struct Skip<'a, 'de> {
    path: Path<'a>,
    scratch: &'a Scratch<'de>,
}

impl<'de> DeserializeSeed<'de> for Skip<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while seq
            .next_element_seed(Skip {
                path: Path::Index(&self.path, index),
                scratch: self.scratch,
            })?
            .is_some()
        {
            index += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let scratch = self.scratch;
        members(map, &self.path, scratch, |map, _, path| {
            map.next_value_seed(Skip { path, scratch })
        })
    }
}

/// Reads an object's members, each value by `value`, and reports the names given twice.
fn members<'de, A: MapAccess<'de>>(
    mut map: A,
    parent: &Path<'_>,
    scratch: &Scratch<'de>,
    mut value: impl FnMut(&mut A, &str, Path<'_>) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    let mut seen = Seen::new(scratch);
    while let Some(name) = map.next_key_seed(Name)? {
        let path = Path::Member(parent, &name);
        value(&mut map, &name, path)?;
        if !seen.first(name.clone()) {
            scratch.duplicates.borrow_mut().push(path.to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::checks::{claim_checks, typ_check};
    use crate::token::claim_set::Claims as _;
    use crate::token::claims::TokenType;
    use crate::token::json;
    use crate::token::lifetime::Lifetime;
    use crate::token::options::Options;
    use serde_json::json;

    fn scanned(doc: &Value) -> Scanned {
        scan(doc.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn duplicates_are_found_where_the_whole_parse_finds_them() {
        let many: String = (0..100).map(|i| format!("\"k{i}\":{i},")).collect();
        for text in [
            r#"{"a":1,"b":{"c":1,"c":2},"a":3}"#.to_string(),
            r#"{"aud":[{"x":1,"x":2}],"exp":1,"exp":2,"o":[[{"y":{"z":1,"z":1}}]]}"#.into(),
            r#"[{"a":1},{"a":1,"a":2}]"#.into(),
            r#"{"we\u0069rd":1,"weird":2,"plain":{"a b":1,"a b":2}}"#.into(),
            // A large object, where names are kept in a set after the first 64.
            format!("{{{many}\"k3\":0,\"k99\":1,\"last\":2}}"),
            // Objects inside a large one, before and after its names move to the set: each
            // object's names are its own, though all share one list while being read.
            format!(
                "{{\"o\":{{\"k1\":1,\"k1\":2}},{many}\"p\":{{\"k3\":1,\"q\":{{\"k3\":1}},\"k3\":2}},\"o\":0}}"
            ),
        ] {
            let whole = json::parse(text.as_bytes()).unwrap();
            let scan = scan(text.as_bytes()).unwrap();
            assert!(!scan.duplicates.is_empty(), "{text}");
            assert_eq!(scan.duplicates, whole.duplicates, "{text}");
        }
    }

    #[test]
    fn checked_claims_hold_the_last_value_and_nothing_else() {
        let text = br#"{"exp":1,"name":"Jane","exp":2,"aud":["a","b"],"x":{"exp":3}}"#;
        let scan = scan(text).unwrap();
        let checked = scan.checked.unwrap();
        assert_eq!(
            checked.get("exp"),
            Some(&json!(2)),
            "the last exp wins, as in the whole tree"
        );
        assert_eq!(checked.get("aud"), Some(&json!(["a", "b"])));
        assert!(!checked.contains_key("name") && !checked.contains_key("x"));
        assert_eq!(checked.len(), 2, "exp once, in its first place");
        assert_eq!(scan.json_type, "an object");
    }

    #[test]
    fn other_documents_name_their_type() {
        for (text, kind) in [
            ("[1,2]", "an array"),
            ("\"text\"", "a string"),
            ("12.5", "a number"),
            ("true", "a boolean"),
            ("null", "null"),
        ] {
            let scan = scan(text.as_bytes()).unwrap();
            assert_eq!((scan.json_type, scan.checked.is_none()), (kind, true));
        }
    }

    #[test]
    fn errors_are_the_whole_parse_errors() {
        for text in [
            &b"{\"a\":1,\n \"b\" 2}"[..],
            b"{\"a\":\"\xff\"}",
            b"{\"a\":1} x",
            b"{\"a\":[1,2}",
            b"",
        ] {
            let scan = scan(text).unwrap_err();
            assert_eq!(scan, json::parse(text).unwrap_err(), "{text:?}");
        }
    }

    /// Payloads shaped like each vendor's: the checks, the token type and the lifetime read
    /// from the checked claims alone must be what the whole claims give.
    #[test]
    fn the_checked_claims_decide_what_the_whole_claims_decide() {
        let payloads = [
            // Entra v1 access token, app-only.
            json!({"aud": "api://orders", "iss": "https://sts.windows.net/t/", "appid": "c1",
                   "tid": "t", "roles": ["Orders.Read"], "idtyp": "app", "oid": "o",
                   "exp": 1_900_000_000, "nbf": 1_899_990_000, "iat": 1_899_990_000, "ver": "1.0"}),
            // Entra v2 delegated, scp as a string.
            json!({"aud": "c2", "iss": "https://login.microsoftonline.com/t/v2.0", "azp": "c2",
                   "scp": "User.Read Mail.Send", "tid": "t", "exp": 1_900_000_000,
                   "iat": "1899990000", "name": "Jane", "preferred_username": "jane@x"}),
            // Keycloak access, refresh and service-account tokens.
            json!({"typ": "Bearer", "azp": "web", "scope": "openid email", "sub": "u",
                   "iss": "https://kc/realms/r", "exp": 1_900_000_000, "jti": "j",
                   "realm_access": {"roles": ["a"]}, "preferred_username": "service-account-web"}),
            json!({"typ": "Offline", "exp": 0, "iat": 1_899_990_000, "sid": "s",
                   "session_state": "s"}),
            // Cognito access and ID tokens.
            json!({"token_use": "access", "client_id": "c", "sub": "c", "scope": "a/b",
                   "auth_time": 1_899_990_000, "exp": 1_899_000_000, "cognito:groups": ["g"]}),
            json!({"token_use": "id", "aud": "c", "at_hash": "h", "email": "j@x",
                   "exp": 1_900_000_000}),
            // Google ID token; a plain OIDC ID token with a nonce; a logout token.
            json!({"iss": "https://accounts.google.com", "azp": "c", "aud": "c", "sub": "1",
                   "email_verified": true, "exp": 1_900_000_000, "iat": 1_899_996_400}),
            json!({"iss": "https://op", "aud": ["c", "d"], "nonce": "n", "c_hash": "h",
                   "exp": 1_900_000_000, "updated_at": "yesterday", "name": "Jane"}),
            json!({"iss": "https://op", "aud": "c", "sid": "s", "jti": "j", "iat": 1,
                   "events": {"http://schemas.openid.net/event/backchannel-logout": {}}, "txn": "t"}),
            // Workloads: Kubernetes, GitHub Actions; a Supabase token; an RFC 9068 one.
            json!({"iss": "https://kubernetes.default.svc", "kubernetes.io": {"namespace": "n"},
                   "sub": "system:serviceaccount:n:s", "exp": 1_900_000_000, "ext": 1}),
            json!({"iss": "https://token.actions.githubusercontent.com", "aud": "sts",
                   "job_workflow_ref": "o/r/.github/workflows/w.yml@refs/heads/main",
                   "repository": "o/r"}),
            json!({"iss": "https://x.supabase.co/auth/v1", "role": "authenticated",
                   "aud": "authenticated", "exp": 1_900_000_000, "toe": 5, "email": "j@x"}),
            json!({"iss": "https://as", "exp": 1_900_000_000, "aud": 7, "sub": "u",
                   "client_id": "c", "iat": 1_899_996_400, "jti": "j", "gty": "client-credentials",
                   "scope": ["a", "b"], "ext": 1}),
        ];
        let mut opts = Options::at(1_899_998_000);
        opts.expected_iss = Some("https://op".into());
        opts.expected_aud = vec!["c".into()];
        opts.required_scopes = vec!["openid".into()];
        for (i, payload) in payloads.iter().enumerate() {
            let whole = payload.as_object().unwrap();
            let checked = scanned(payload).checked.unwrap();
            assert!(
                checked.len() < whole.len(),
                "payload {i} holds only checked claims, so it would prove nothing"
            );
            for typ in [json!("at+jwt"), json!("JWT")] {
                let header = json!({"alg": "RS256", "typ": typ});
                let header = header.as_object().unwrap();
                let kind = TokenType::classify(header, Some(whole), None);
                assert_eq!(
                    TokenType::classify(header, Some(&checked), None),
                    kind,
                    "payload {i}"
                );
                assert_eq!(
                    claim_checks(Some(&checked), &opts, kind.0),
                    claim_checks(Some(whole), &opts, kind.0),
                    "payload {i}"
                );
                assert_eq!(
                    typ_check(header, Some(&checked), kind),
                    typ_check(header, Some(whole), kind),
                    "payload {i}"
                );
            }
            assert_eq!(
                Lifetime::compute(Some(&checked), opts.now, opts.leeway),
                Lifetime::compute(Some(whole), opts.now, opts.leeway),
                "payload {i}"
            );
        }
    }
}
