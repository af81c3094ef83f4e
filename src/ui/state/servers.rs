//! What the window holds about servers: the profiles as last read, the profile form, each
//! profile's discovery, the running server jobs, the rotation timelines of fetched token
//! groups and the exchange log. In memory only; never saved.

use std::collections::HashMap;
use std::sync::Arc;

use crate::profiles::endpoints::{Endpoint, ServerMetadata};
use crate::profiles::{AuthMethod, Profile, ProfileError, ProfileName, ProfilesFile};
use crate::secrets::KeychainUnavailable;
use crate::sensitive::Sensitive;
use crate::token::introspection::Difference;
use crate::worker::JobId;

use crate::ui::state::entry::EntryId;
use crate::ui::state::exchange_log::ExchangeLog;

/// The server side of the window's state.
#[derive(Default)]
pub struct ServersState {
    /// The profiles as the worker last read them; `None` until the first answer.
    pub file: Option<ProfilesFile>,
    /// Why the profiles file could not be read: a banner naming the file and line.
    pub file_error: Option<ProfileError>,
    /// Said once by the worker when no keychain answered.
    pub keychain_warning: Option<KeychainUnavailable>,
    pub keychain_banner_closed: bool,
    /// The profile shown in the centre (instead of a token).
    pub open: Option<ProfileName>,
    /// The profile form, while adding or editing.
    pub form: Option<ProfileForm>,
    pub metadata: HashMap<ProfileName, Arc<ServerMetadata>>,
    pub discovery_errors: HashMap<ProfileName, String>,
    pub fetch_forms: HashMap<ProfileName, FetchForm>,
    /// The import box's text, while it is open.
    pub import_text: Option<String>,
    /// Running jobs and what each was for.
    pub jobs: HashMap<JobId, ServerJob>,
    /// Fetched token groups: where they came from and their refresh history.
    pub groups: HashMap<u64, FetchedGroup>,
    /// Every request to a server and its answer.
    pub log: ExchangeLog,
    /// The last profile-side error, shown in the profile view.
    pub profile_error: Option<String>,
    /// Asking to remove this profile.
    pub confirm_remove: Option<ProfileName>,
}

impl ServersState {
    /// The profile called `name`, as last read.
    #[must_use]
    pub fn profile(&self, name: &ProfileName) -> Option<&Profile> {
        self.file.as_ref()?.get(name)
    }

    /// Every profile name, sorted.
    #[must_use]
    pub fn names(&self) -> Vec<ProfileName> {
        self.file
            .as_ref()
            .map(|f| f.names().into_iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The running job of `entry`, if any.
    #[must_use]
    pub fn running_for(&self, entry: EntryId) -> Option<(JobId, &ServerJob)> {
        self.jobs
            .iter()
            .find(|(_, j)| j.entry() == Some(entry))
            .map(|(id, j)| (*id, j))
    }

    /// Fetches and token calls running (the status line's count; profile file work and
    /// discovery show on the profile's page).
    #[must_use]
    pub fn calls_running(&self) -> usize {
        self.jobs
            .values()
            .filter(|j| matches!(j, ServerJob::Fetch { .. } | ServerJob::Token { .. }))
            .count()
    }

    /// Whether `profile` has a fetch running.
    #[must_use]
    pub fn fetching(&self, profile: &ProfileName) -> Option<JobId> {
        self.jobs.iter().find_map(|(id, j)| match j {
            ServerJob::Fetch { profile: p, .. } if p == profile => Some(*id),
            _ => None,
        })
    }

    /// Gives the centre back to the selected token: no profile page, form or import box.
    pub fn close_centre(&mut self) {
        self.open = None;
        self.form = None;
        self.import_text = None;
    }
}

/// The profile form's fields, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileForm {
    /// The profile being edited; `None` for a new one.
    pub original: Option<ProfileName>,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub auth_method: AuthMethod,
    /// Typed here only when the user sets a new one; the stored one is never read back.
    pub secret: Sensitive,
    /// The secret field shows the text (never in presenter mode).
    pub reveal: bool,
    /// Remove the stored secret on save.
    pub clear_secret: bool,
    pub scopes: String,
    pub resources: String,
    pub audience: String,
    pub allow_http: bool,
    /// Endpoint overrides, by endpoint, as typed.
    pub endpoints: Vec<(Endpoint, String)>,
    /// The profile's fields the form does not show, kept as they were.
    pub rest: Option<Profile>,
}

impl ProfileForm {
    /// An empty form for a new profile.
    #[must_use]
    pub fn new_profile() -> Self {
        Self {
            original: None,
            name: String::new(),
            issuer: String::new(),
            client_id: String::new(),
            auth_method: AuthMethod::ClientSecretBasic,
            secret: Sensitive::default(),
            reveal: false,
            clear_secret: false,
            scopes: String::new(),
            resources: String::new(),
            audience: String::new(),
            allow_http: false,
            endpoints: EDITABLE_ENDPOINTS
                .iter()
                .map(|e| (*e, String::new()))
                .collect(),
            rest: None,
        }
    }

    /// The form for `profile` as `name`.
    #[must_use]
    pub fn of(name: &ProfileName, profile: &Profile) -> Self {
        Self {
            original: Some(name.clone()),
            name: name.to_string(),
            issuer: profile.issuer.to_string(),
            client_id: profile.client_id.clone(),
            auth_method: profile.auth_method,
            scopes: profile.scopes.join(" "),
            resources: profile.resources.join(" "),
            audience: profile.audience.clone().unwrap_or_default(),
            allow_http: profile.allow_http,
            endpoints: EDITABLE_ENDPOINTS
                .iter()
                .map(|e| {
                    let url = e.override_in(&profile.endpoints);
                    (*e, url.map(ToString::to_string).unwrap_or_default())
                })
                .collect(),
            rest: Some(profile.clone()),
            ..Self::new_profile()
        }
    }

    /// The name and profile the form describes, or what is wrong with it.
    pub fn build(&self) -> Result<(ProfileName, Profile), String> {
        use crate::profiles::EndpointUrl;
        let name = ProfileName::new(self.name.trim()).map_err(|e| format!("Name: {e}"))?;
        let issuer =
            EndpointUrl::new(self.issuer.trim()).map_err(|e| format!("Issuer URL: {e}"))?;
        let client_id = self.client_id.trim();
        if client_id.is_empty() {
            return Err("Client ID: give the client's id at the server".into());
        }
        let mut profile = self
            .rest
            .clone()
            .unwrap_or_else(|| Profile::new(issuer.clone(), client_id));
        profile.issuer = issuer;
        profile.client_id = client_id.to_string();
        profile.auth_method = self.auth_method;
        profile.scopes = words(&self.scopes);
        profile.resources = words(&self.resources);
        let audience = self.audience.trim();
        profile.audience = (!audience.is_empty()).then(|| audience.to_string());
        profile.allow_http = self.allow_http;
        for (endpoint, text) in &self.endpoints {
            let text = text.trim();
            let url = if text.is_empty() {
                None
            } else {
                Some(
                    EndpointUrl::new(text)
                        .map_err(|e| format!("{} endpoint: {e}", endpoint.name()))?,
                )
            };
            let slot = match endpoint {
                Endpoint::Token => &mut profile.endpoints.token,
                Endpoint::Authorization => &mut profile.endpoints.authorization,
                Endpoint::Device => &mut profile.endpoints.device,
                Endpoint::Introspection => &mut profile.endpoints.introspection,
                Endpoint::Revocation => &mut profile.endpoints.revocation,
                Endpoint::Userinfo => &mut profile.endpoints.userinfo,
                Endpoint::JwksUri => &mut profile.endpoints.jwks_uri,
            };
            *slot = url;
        }
        profile.check_http()?;
        Ok((name, profile))
    }
}

/// The endpoints the form lets the user set by hand.
pub const EDITABLE_ENDPOINTS: [Endpoint; 4] = [
    Endpoint::Token,
    Endpoint::Introspection,
    Endpoint::Revocation,
    Endpoint::Userinfo,
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The grant a Fetch uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FetchGrant {
    #[default]
    ClientCredentials,
    /// Legacy (RFC 9700 forbids it): labelled so.
    Password,
}

/// The Fetch area's fields for one profile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchForm {
    pub grant: FetchGrant,
    /// Empty: the profile's own.
    pub scope: String,
    pub resource: String,
    pub audience: String,
    pub username: String,
    pub password: Sensitive,
}

/// What a token asks its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenOp {
    Introspect,
    Refresh,
    Revoke,
    Userinfo,
    CallApi,
}

impl TokenOp {
    pub const ALL: [Self; 5] = [
        Self::Introspect,
        Self::Refresh,
        Self::Revoke,
        Self::Userinfo,
        Self::CallApi,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Introspect => "Introspect",
            Self::Refresh => "Refresh",
            Self::Revoke => "Revoke",
            Self::Userinfo => "Userinfo",
            Self::CallApi => "Call API",
        }
    }

    /// The endpoint it needs, when it needs one of the server's.
    #[must_use]
    pub fn endpoint(self) -> Option<Endpoint> {
        match self {
            Self::Introspect => Some(Endpoint::Introspection),
            Self::Refresh => Some(Endpoint::Token),
            Self::Revoke => Some(Endpoint::Revocation),
            Self::Userinfo => Some(Endpoint::Userinfo),
            Self::CallApi => None,
        }
    }

    /// "introspecting…", for the spinner.
    #[must_use]
    pub fn running_words(self) -> &'static str {
        match self {
            Self::Introspect => "introspecting…",
            Self::Refresh => "refreshing…",
            Self::Revoke => "revoking…",
            Self::Userinfo => "asking userinfo…",
            Self::CallApi => "calling the API…",
        }
    }
}

/// A running server job: what to do with its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerJob {
    /// A load, save, removal or import; on success, open this profile.
    Profiles {
        open: Option<ProfileName>,
    },
    Discover(ProfileName),
    Fetch {
        profile: ProfileName,
        /// Re-fetching for an existing group (keep alive with client_credentials).
        group: Option<u64>,
    },
    Token {
        entry: EntryId,
        op: TokenOp,
        /// Started by keep alive, not by a press.
        automatic: bool,
    },
    Keep {
        entry: EntryId,
        keep: bool,
    },
}

impl ServerJob {
    /// The token this job is about.
    #[must_use]
    pub fn entry(&self) -> Option<EntryId> {
        match self {
            Self::Token { entry, .. } | Self::Keep { entry, .. } => Some(*entry),
            _ => None,
        }
    }
}

/// A token group that came from a profile's fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedGroup {
    pub profile: ProfileName,
    pub client_credentials: bool,
    pub timeline: Vec<RotationRow>,
}

/// One refresh on the rotation timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationRow {
    /// Seconds since 1970.
    pub at: i64,
    /// Short fingerprints of the refresh token before and after (the same when not rotated).
    pub old: String,
    pub new: Option<String>,
    /// The new access token's expiry, seconds since 1970.
    pub access_expires_at: Option<i64>,
    /// Started by keep alive.
    pub automatic: bool,
}

/// What a token learned from its server, for the header strip and the Server tab.
#[derive(Debug, Clone, Default)]
pub struct TokenServer {
    /// The profile the token belongs to (fetched there, or attached by the user).
    pub profile: Option<ProfileName>,
    /// For a token whose expiry cannot be read from it: from `expires_in` at arrival, or
    /// introspection's `exp`.
    pub known_exp: Option<i64>,
    /// When it arrived from its server (seconds since 1970): where keep alive counts from
    /// for a token without `iat`.
    pub arrived_at: Option<i64>,
    pub introspection: Option<IntrospectionView>,
    /// The server accepted a revocation at this time.
    pub revoked_at: Option<i64>,
    pub userinfo: Option<serde_json::Value>,
    pub last_call: Option<CallView>,
    /// The last failure of a server operation on this token, in words.
    pub error: Option<String>,
    /// Server clock minus local clock, when over the limit: a `clock` check.
    pub clock_skew: Option<i64>,
    pub keep_alive: Option<KeepAlive>,
    /// Stored in the keychain under its profile.
    pub kept: bool,
    /// The Call API form, while open.
    pub call_form: Option<CallForm>,
}

/// Keep alive for one token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepAlive {
    /// When the next automatic refresh runs (seconds since 1970); `None` when it cannot be
    /// planned (no expiry known).
    pub next_at: Option<i64>,
    /// It stopped, and why.
    pub stopped: Option<String>,
}

/// The answer of an introspection, set against the token's claims.
#[derive(Debug, Clone)]
pub struct IntrospectionView {
    pub at: i64,
    pub active: bool,
    pub raw: serde_json::Value,
    pub differences: Vec<Difference>,
}

/// The last API call of a token and what tokenscope made of it.
#[derive(Debug, Clone)]
pub struct CallView {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub body: String,
    pub sentences: Vec<String>,
}

/// The Call API form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallForm {
    pub method: String,
    pub url: String,
    /// `Name: value`, one per line.
    pub headers: String,
    pub body: String,
}

impl Default for CallForm {
    fn default() -> Self {
        Self {
            method: "GET".into(),
            url: String::new(),
            headers: String::new(),
            body: String::new(),
        }
    }
}

/// A short, stable fingerprint of a token: the first 8 hex digits of its SHA-256.
#[must_use]
pub fn fingerprint(token: &Sensitive) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.reveal().as_bytes());
    digest.as_ref()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the user asked of the server side.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerIntent {
    NewProfile,
    Edit(ProfileName),
    Duplicate(ProfileName),
    /// Save the form.
    SaveForm,
    CloseForm,
    Open(ProfileName),
    Remove(ProfileName),
    Discover(ProfileName),
    Fetch(ProfileName),
    /// Copy the profiles (no secret: the file format has none) as TOML.
    Export,
    /// Add the profiles of the import box's text.
    Import,
    Act {
        entry: EntryId,
        op: TokenOp,
    },
    Attach {
        entry: EntryId,
        profile: ProfileName,
    },
    Cancel(JobId),
    KeepAlive {
        entry: EntryId,
        on: bool,
    },
    KeepInKeychain {
        entry: EntryId,
        on: bool,
    },
    /// Copy an exchange as curl (with placeholders unless revealed).
    CopyCurl(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> ProfileForm {
        ProfileForm {
            name: "staging".into(),
            issuer: "https://as.example".into(),
            client_id: " cli ".into(),
            scopes: "openid, profile api:read".into(),
            secret: "typed-secret".into(),
            ..ProfileForm::new_profile()
        }
    }

    #[test]
    fn the_form_builds_a_profile_and_names_the_field_that_is_wrong() {
        let (name, profile) = filled().build().unwrap();
        assert_eq!(name.as_str(), "staging");
        assert_eq!(profile.client_id, "cli");
        assert_eq!(profile.scopes, ["openid", "profile", "api:read"]);
        assert!(!format!("{profile:?}").contains("typed-secret"));

        let bad_name = ProfileForm {
            name: "a b".into(),
            ..filled()
        };
        assert!(bad_name.build().unwrap_err().starts_with("Name:"));
        let bad_issuer = ProfileForm {
            issuer: "as.example".into(),
            ..filled()
        };
        assert!(bad_issuer.build().unwrap_err().starts_with("Issuer URL:"));
        let mut bad_endpoint = filled();
        bad_endpoint.endpoints[1].1 = "ftp://x".into();
        assert!(
            bad_endpoint
                .build()
                .unwrap_err()
                .starts_with("introspection endpoint:")
        );
        let plain_http = ProfileForm {
            issuer: "http://as.example".into(),
            ..filled()
        };
        assert!(plain_http.build().unwrap_err().contains("allow_http"));
    }

    #[test]
    fn editing_keeps_what_the_form_does_not_show() {
        let (name, mut profile) = filled().build().unwrap();
        profile.pinned = vec!["abc".into()];
        profile.timeout_seconds = Some(5);
        let form = ProfileForm::of(&name, &profile);
        assert_eq!(form.original.as_ref(), Some(&name));
        assert!(form.secret.is_empty(), "a stored secret is never read back");
        let (_, again) = form.build().unwrap();
        assert_eq!(again, profile);
    }

    #[test]
    fn fingerprints_are_short_and_tell_tokens_apart() {
        let a = fingerprint(&"rt-1".into());
        assert_eq!(a.len(), 8);
        assert_eq!(a, fingerprint(&"rt-1".into()));
        assert_ne!(a, fingerprint(&"rt-2".into()));
    }
}
