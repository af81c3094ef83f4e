//! Client authentication at the token, introspection and revocation endpoints (RFC 6749
//! §2.3.1): `client_secret_basic` with the id and secret form-encoded before base64,
//! `client_secret_post`, or `none` for a public client. Exactly one method per request.

use std::fmt;

use base64::Engine as _;

use crate::sensitive::Sensitive;

/// How the client proves who it is; the names are the registered metadata values (RFC 7591),
/// as profiles.toml, `--auth-method` and server metadata write them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum AuthMethod {
    /// `Authorization: Basic` with the form-encoded id and secret.
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// A public client: `client_id` in the form, no secret at all.
    None,
}

impl AuthMethod {
    /// From the registered name (`client_secret_basic`, `client_secret_post`, `none`).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "client_secret_basic" => Some(Self::ClientSecretBasic),
            "client_secret_post" => Some(Self::ClientSecretPost),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// The registered name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
        }
    }

    /// True when this method sends a client secret.
    #[must_use]
    pub fn needs_secret(self) -> bool {
        !matches!(self, Self::None)
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The client's credentials as a profile gives them; the secret comes from the keychain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAuth {
    pub client_id: String,
    pub method: AuthMethod,
    /// Needed for the two secret methods; never sent with `none`.
    pub secret: Option<Sensitive>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientAuthError {
    #[error(
        "client \"{client_id}\" authenticates with {method} but has no client secret; store the secret for the profile, or set its auth method to none if it is a public client"
    )]
    MissingSecret {
        client_id: String,
        method: AuthMethod,
    },
    #[error("the client_id is empty; set it in the profile")]
    EmptyClientId,
}

impl ClientAuth {
    /// A public client (`none`).
    #[must_use]
    pub fn public(client_id: &str) -> Self {
        Self {
            client_id: client_id.to_string(),
            method: AuthMethod::None,
            secret: None,
        }
    }

    /// A confidential client with `method`.
    #[must_use]
    pub fn confidential(client_id: &str, method: AuthMethod, secret: Sensitive) -> Self {
        Self {
            client_id: client_id.to_string(),
            method,
            secret: Some(secret),
        }
    }

    /// Puts the credentials into `form` or returns the `Authorization` header value to send.
    /// Any client_id or client_secret already in `form` (e.g. from extra parameters) is
    /// removed first, so two methods are never used at once.
    pub fn apply(
        &self,
        form: &mut Vec<(String, Sensitive)>,
    ) -> Result<Option<Sensitive>, ClientAuthError> {
        if self.client_id.is_empty() {
            return Err(ClientAuthError::EmptyClientId);
        }
        form.retain(|(name, _)| name != "client_id" && name != "client_secret");
        match self.method {
            AuthMethod::None => {
                form.push(("client_id".into(), self.client_id.as_str().into()));
                Ok(None)
            }
            AuthMethod::ClientSecretPost => {
                let secret = self.secret()?;
                form.push(("client_id".into(), self.client_id.as_str().into()));
                form.push(("client_secret".into(), secret.clone()));
                Ok(None)
            }
            AuthMethod::ClientSecretBasic => {
                Ok(Some(basic_authorization(&self.client_id, self.secret()?)))
            }
        }
    }

    fn secret(&self) -> Result<&Sensitive, ClientAuthError> {
        self.secret
            .as_ref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ClientAuthError::MissingSecret {
                client_id: self.client_id.clone(),
                method: self.method,
            })
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` per RFC 6749 §2.3.1 and Appendix B.
/// Encoding first is what lets a `:` in the id, or any non-ASCII, survive.
#[must_use]
pub fn basic_authorization(client_id: &str, secret: &str) -> Sensitive {
    let id: String = url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
    let secret: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let pair = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(header: &str) -> String {
        let b64 = header.strip_prefix("Basic ").unwrap();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn basic_form_encodes_colons_percent_and_non_ascii_in_both_parts() {
        let h = basic_authorization("my:app%1é", "p@ss:w%rd ü");
        assert_eq!(decoded(&h), "my%3Aapp%251%C3%A9:p%40ss%3Aw%25rd+%C3%BC");
        assert_eq!(
            decoded(&basic_authorization("plain", "s3cret")),
            "plain:s3cret"
        );
    }

    #[test]
    fn each_method_sends_credentials_one_way_only() {
        let secret = Sensitive::from("s");
        let mut form = vec![
            (
                "grant_type".to_string(),
                Sensitive::from("client_credentials"),
            ),
            ("client_secret".to_string(), Sensitive::from("injected")),
        ];
        let basic = ClientAuth::confidential("id", AuthMethod::ClientSecretBasic, secret.clone());
        let header = basic.apply(&mut form).unwrap();
        assert!(header.is_some());
        assert!(
            form.iter()
                .all(|(k, _)| k != "client_id" && k != "client_secret")
        );

        let mut form = Vec::new();
        let post = ClientAuth::confidential("id", AuthMethod::ClientSecretPost, secret);
        assert_eq!(post.apply(&mut form).unwrap(), None);
        let names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["client_id", "client_secret"]);
    }

    #[test]
    fn a_public_client_never_sends_a_secret_even_an_empty_one() {
        let mut form = Vec::new();
        let mut public = ClientAuth::public("app");
        public.secret = Some(Sensitive::from(""));
        assert_eq!(public.apply(&mut form).unwrap(), None);
        assert_eq!(form.len(), 1);
        assert_eq!(form[0].0, "client_id");

        let empty = ClientAuth::confidential("app", AuthMethod::ClientSecretPost, "".into());
        assert_eq!(
            empty.apply(&mut Vec::new()),
            Err(ClientAuthError::MissingSecret {
                client_id: "app".into(),
                method: AuthMethod::ClientSecretPost
            })
        );
    }
}
