//! Where secrets live: the OS keychain (`keyring`: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows) under the service name `tokenscope`, one entry per
//! secret, or — when no keychain answers — memory, for this session only. Never a file.
//!
//! Every call may be a blocking D-Bus (or system) round trip: run them on the worker or the
//! CLI's own thread, never inside a UI frame.

mod keychain;
mod memory;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use keychain::{KeyringStore, SERVICE};
pub use memory::MemoryStore;

use crate::profiles::ProfileName;
use crate::sensitive::Sensitive;

/// Largest secret Windows Credential Manager keeps (`CRED_MAX_CREDENTIAL_BLOB_SIZE`, bytes).
pub const WINDOWS_MAX_SECRET_BYTES: usize = 2560;

/// The size limit of this platform's keychain, if it has a small one. Only Windows does:
/// the Secret Service and the macOS Keychain keep secrets of any size a token has, and a
/// large access token pinned on Linux should not be refused for Windows' sake.
pub const PLATFORM_MAX_SECRET_BYTES: Option<usize> = if cfg!(windows) {
    Some(WINDOWS_MAX_SECRET_BYTES)
} else {
    None
};

/// What a secret is, under a profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretKind {
    ClientSecret,
    RefreshToken,
    /// A resource owner's password, kept only when the user chose to remember it.
    Password,
    /// A token the user pinned, by its id.
    PinnedToken(String),
}

impl SecretKind {
    /// The keychain account: `PROFILE/client_secret`, `PROFILE/pinned/ID` …
    #[must_use]
    pub fn account(&self, profile: &ProfileName) -> String {
        match self {
            Self::ClientSecret => format!("{profile}/client_secret"),
            Self::RefreshToken => format!("{profile}/refresh_token"),
            Self::Password => format!("{profile}/password"),
            Self::PinnedToken(id) => format!("{profile}/pinned/{id}"),
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClientSecret => f.write_str("client secret"),
            Self::RefreshToken => f.write_str("refresh token"),
            Self::Password => f.write_str("password"),
            Self::PinnedToken(id) => write!(f, "pinned token {id}"),
        }
    }
}

/// A keychain failure. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(
        "the {what} of profile {profile} is {bytes} bytes; the OS keychain here keeps at most {limit}"
    )]
    TooLong {
        profile: String,
        what: String,
        bytes: usize,
        limit: usize,
    },
    #[error("the OS keychain is unavailable, locked or refused access: {reason}")]
    Unavailable { reason: String },
    #[error("the OS keychain failed: {reason}")]
    Failed { reason: String },
    #[error("the {what} of profile {profile} in the keychain is not text")]
    NotText { profile: String, what: String },
}

/// Get, set and delete secrets by profile and kind. Implementations block (see the module
/// docs) and are shared between threads.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// The secret, or `None` when none is stored.
    fn get(
        &self,
        profile: &ProfileName,
        kind: &SecretKind,
    ) -> Result<Option<Sensitive>, SecretError>;
    /// Stores the secret, replacing any before it.
    fn set(
        &self,
        profile: &ProfileName,
        kind: &SecretKind,
        secret: &Sensitive,
    ) -> Result<(), SecretError>;
    /// Deletes the secret; `true` when there was one.
    fn delete(&self, profile: &ProfileName, kind: &SecretKind) -> Result<bool, SecretError>;
    /// True when secrets outlive the process (the OS keychain).
    fn is_persistent(&self) -> bool;
}

/// Refuses a secret over `limit` bytes before any keychain sees it.
pub fn check_size(
    profile: &ProfileName,
    kind: &SecretKind,
    secret: &Sensitive,
    limit: Option<usize>,
) -> Result<(), SecretError> {
    match limit {
        Some(limit) if secret.len() > limit => Err(SecretError::TooLong {
            profile: profile.to_string(),
            what: kind.to_string(),
            bytes: secret.len(),
            limit,
        }),
        _ => Ok(()),
    }
}

/// Said once, when no keychain answered and secrets stay in memory: the CLI prints it on
/// stderr, the window shows it as a banner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no OS keychain answered ({reason}): secrets are kept in memory for this session only and are lost when tokenscope exits; none is written to a file. {}",
    reason.remedy()
)]
pub struct KeychainUnavailable {
    /// Why the start-up probe failed, in the keychain's words.
    pub reason: ProbeFailure,
}

/// Why the start-up probe found no keychain to use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeFailure {
    /// None could be reached, or the service failed: on Linux the Secret Service store
    /// reports a missing service (or bus) and its other faults alike.
    #[error("{0}")]
    Unreachable(String),
    /// It answered and refused: locked, or access denied.
    #[error("{0}")]
    Refused(String),
    /// No answer in time: it may be showing an unlock prompt.
    #[error("it did not answer within {0} s; it may be locked")]
    TimedOut(u64),
    /// It answered wrongly, or the probe could not run.
    #[error("{0}")]
    Failed(String),
}

impl ProbeFailure {
    /// What the user can do about it, so that the next start finds the keychain.
    #[must_use]
    pub fn remedy(&self) -> &'static str {
        match self {
            Self::Unreachable(_) if cfg!(any(target_os = "linux", target_os = "freebsd")) => {
                "To keep them, make sure a Secret Service runs in this desktop session (GNOME Keyring, KWallet, or KeePassXC with its Secret Service on) and start tokenscope again"
            }
            Self::Unreachable(_) | Self::Failed(_) => {
                "To keep them, check the OS keychain works for this user and start tokenscope again"
            }
            Self::Refused(_) | Self::TimedOut(_) => {
                "To keep them, unlock the keychain (or allow tokenscope when it asks) and start tokenscope again"
            }
        }
    }
}

/// The store to use, and the warning to show when it is not the OS keychain.
#[derive(Debug, Clone)]
pub struct OpenedStore {
    pub store: Arc<dyn SecretStore>,
    pub warning: Option<KeychainUnavailable>,
}

/// How long the probe waits for the keychain before falling back to memory. A locked
/// keychain may be showing the user an unlock prompt; past this the session goes on
/// without it rather than hanging.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Probes the OS keychain once (store a probe entry, read it back, delete it) and returns it
/// when it answered, else the memory store and the warning. Blocks up to `PROBE_TIMEOUT`.
#[must_use]
pub fn open() -> OpenedStore {
    open_with_timeout(PROBE_TIMEOUT)
}

/// As [`open`], waiting at most `timeout` for the probe.
#[must_use]
pub fn open_with_timeout(timeout: Duration) -> OpenedStore {
    match KeyringStore::probe(timeout) {
        Ok(store) => OpenedStore {
            store: Arc::new(store),
            warning: None,
        },
        Err(reason) => OpenedStore {
            store: Arc::new(MemoryStore::new()),
            warning: Some(KeychainUnavailable { reason }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{SecretError, SecretKind, WINDOWS_MAX_SECRET_BYTES, check_size};
    use crate::profiles::ProfileName;
    use crate::sensitive::Sensitive;

    #[test]
    fn a_secret_over_the_limit_is_refused_with_its_size_and_not_its_text() {
        let name = ProfileName::new("prod").unwrap();
        let at_limit = Sensitive::from("s".repeat(WINDOWS_MAX_SECRET_BYTES));
        let over = Sensitive::from("s".repeat(WINDOWS_MAX_SECRET_BYTES + 1));
        let limit = Some(WINDOWS_MAX_SECRET_BYTES);
        assert_eq!(
            check_size(&name, &SecretKind::RefreshToken, &at_limit, limit),
            Ok(())
        );
        let err = check_size(&name, &SecretKind::RefreshToken, &over, limit).unwrap_err();
        assert!(matches!(err, SecretError::TooLong { bytes: 2561, .. }));
        let said = err.to_string();
        assert_eq!(
            said,
            "the refresh token of profile prod is 2561 bytes; the OS keychain here keeps at most 2560"
        );
        assert_eq!(
            check_size(&name, &SecretKind::Password, &over, None),
            Ok(())
        );
    }

    #[test]
    fn accounts_keep_profiles_and_kinds_apart() {
        let name = ProfileName::new("prod").unwrap();
        assert_eq!(
            SecretKind::ClientSecret.account(&name),
            "prod/client_secret"
        );
        assert_eq!(
            SecretKind::PinnedToken("7".into()).account(&name),
            "prod/pinned/7"
        );
    }
}
