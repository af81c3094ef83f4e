//! The OS keychain through `keyring` 4 (its v1 interface picks the platform's store: Secret
//! Service over zbus on Linux and the BSDs, Keychain on macOS, Credential Manager on
//! Windows). Secrets are stored as UTF-8 bytes (`set_secret`), so the size limit counts the
//! same bytes on every platform.

use std::sync::mpsc;
use std::time::Duration;

use super::{
    PLATFORM_MAX_SECRET_BYTES, ProbeFailure, SecretError, SecretKind, SecretStore, check_size,
};
use crate::profiles::ProfileName;
use crate::sensitive::Sensitive;

/// The keychain service name every tokenscope entry is filed under.
pub const SERVICE: &str = "tokenscope";

/// The start of the account the start-up probe writes, reads back and deletes. Each probe
/// adds its process id and a counter: two probing at once (the window and a CLI command, or
/// parallel tests) must not delete each other's entry.
const PROBE_ACCOUNT: &str = "tokenscope-probe";

/// The OS keychain. Build it with [`KeyringStore::probe`] (or `secrets::open`).
#[derive(Debug)]
pub struct KeyringStore {
    limit: Option<usize>,
}

impl KeyringStore {
    /// Checks the keychain answers — a probe entry is stored, read back and deleted, which a
    /// missing, locked or refusing keychain fails — waiting at most `timeout`. On failure,
    /// says why. A probe still waiting (an unlock prompt on screen) is left to finish alone.
    pub fn probe(timeout: Duration) -> Result<Self, ProbeFailure> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("keychain-probe".into())
            .spawn(move || {
                let _ = tx.send(probe_now());
            })
            .map_err(|e| ProbeFailure::Failed(format!("cannot start the keychain probe: {e}")))?;
        match rx.recv_timeout(timeout) {
            Ok(Ok(())) => Ok(Self {
                limit: PLATFORM_MAX_SECRET_BYTES,
            }),
            Ok(Err(reason)) => Err(reason),
            Err(_) => Err(ProbeFailure::TimedOut(timeout.as_secs())),
        }
    }

    fn entry(
        &self,
        profile: &ProfileName,
        kind: &SecretKind,
    ) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, &kind.account(profile)).map_err(|e| to_error(&e))
    }
}

fn probe_now() -> Result<(), ProbeFailure> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(ProbeFailure::Unreachable(describe(e)));
    }
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let account = format!("{PROBE_ACCOUNT}-{}-{n}", std::process::id());
    let entry = keyring::Entry::new(SERVICE, &account).map_err(|e| probe_failure(&e))?;
    entry.set_secret(b"probe").map_err(|e| probe_failure(&e))?;
    let back = entry.get_secret().map_err(|e| probe_failure(&e));
    let deleted = entry.delete_credential().map_err(|e| probe_failure(&e));
    if back? != b"probe" {
        return Err(ProbeFailure::Failed(
            "it did not give back what was stored".into(),
        ));
    }
    deleted
}

/// keyring's kinds, as the Secret Service store sorts them: a locked collection or a
/// dismissed prompt is `NoStorageAccess`; no service on the bus (or no bus) is
/// `PlatformFailure`, as is any other fault of the service.
fn probe_failure(e: &keyring::Error) -> ProbeFailure {
    match e {
        keyring::Error::NoStorageAccess(_) => ProbeFailure::Refused(describe(e)),
        keyring::Error::PlatformFailure(_) | keyring::Error::NoDefaultStore => {
            ProbeFailure::Unreachable(describe(e))
        }
        _ => ProbeFailure::Failed(describe(e)),
    }
}

/// The keychain's words with their cause (keyring's own message stops at "platform failure").
fn describe(e: &keyring::Error) -> String {
    let mut said = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !said.contains(&more) {
            said = format!("{said}: {more}");
        }
        source = s.source();
    }
    said
}

fn to_error(e: &keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::NoDefaultStore => {
            SecretError::Unavailable {
                reason: describe(e),
            }
        }
        _ => SecretError::Failed {
            reason: describe(e),
        },
    }
}

impl SecretStore for KeyringStore {
    fn get(
        &self,
        profile: &ProfileName,
        kind: &SecretKind,
    ) -> Result<Option<Sensitive>, SecretError> {
        match self.entry(profile, kind)?.get_secret() {
            Ok(bytes) => String::from_utf8(bytes)
                .map(|s| Some(Sensitive::from(s)))
                .map_err(|_| SecretError::NotText {
                    profile: profile.to_string(),
                    what: kind.to_string(),
                }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(to_error(&e)),
        }
    }

    fn set(
        &self,
        profile: &ProfileName,
        kind: &SecretKind,
        secret: &Sensitive,
    ) -> Result<(), SecretError> {
        check_size(profile, kind, secret, self.limit)?;
        self.entry(profile, kind)?
            .set_secret(secret.reveal().as_bytes())
            .map_err(|e| match e {
                // The platform's own limit, should it be lower than the one we know.
                keyring::Error::TooLong(_, limit) => SecretError::TooLong {
                    profile: profile.to_string(),
                    what: kind.to_string(),
                    bytes: secret.len(),
                    limit: limit as usize,
                },
                other => to_error(&other),
            })
    }

    fn delete(&self, profile: &ProfileName, kind: &SecretKind) -> Result<bool, SecretError> {
        match self.entry(profile, kind)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(to_error(&e)),
        }
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{ProbeFailure, probe_failure};

    fn platform(words: &str) -> Box<dyn std::error::Error + Send + Sync> {
        Box::new(std::io::Error::other(words.to_string()))
    }

    #[test]
    fn a_locked_keychain_asks_to_be_unlocked_and_a_missing_one_to_be_started() {
        let locked = probe_failure(&keyring::Error::NoStorageAccess(platform(
            "SS error: object locked",
        )));
        assert!(matches!(locked, ProbeFailure::Refused(_)), "{locked:?}");
        assert!(locked.to_string().contains("object locked"), "{locked}");
        assert!(locked.remedy().contains("unlock"), "{}", locked.remedy());

        let missing = probe_failure(&keyring::Error::PlatformFailure(platform(
            "org.freedesktop.secrets was not provided by any .service files",
        )));
        assert!(
            matches!(missing, ProbeFailure::Unreachable(_)),
            "{missing:?}"
        );
        assert!(
            missing.to_string().contains("org.freedesktop.secrets"),
            "{missing}"
        );
        assert!(!missing.remedy().contains("unlock"), "{}", missing.remedy());

        let odd = probe_failure(&keyring::Error::BadEncoding(vec![0xff]));
        assert!(matches!(odd, ProbeFailure::Failed(_)), "{odd:?}");
    }
}
