//! The OS keychain through `keyring` 4 (its v1 interface picks the platform's store: Secret
//! Service over zbus on Linux and the BSDs, Keychain on macOS, Credential Manager on
//! Windows). Secrets are stored as UTF-8 bytes (`set_secret`), so the size limit counts the
//! same bytes on every platform.

use std::sync::mpsc;
use std::time::Duration;

use super::{PLATFORM_MAX_SECRET_BYTES, SecretError, SecretKind, SecretStore, check_size};
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
    pub fn probe(timeout: Duration) -> Result<Self, String> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("keychain-probe".into())
            .spawn(move || {
                let _ = tx.send(probe_now());
            })
            .map_err(|e| format!("cannot start the keychain probe: {e}"))?;
        match rx.recv_timeout(timeout) {
            Ok(Ok(())) => Ok(Self {
                limit: PLATFORM_MAX_SECRET_BYTES,
            }),
            Ok(Err(reason)) => Err(reason),
            Err(_) => Err(format!(
                "it did not answer within {} s; it may be locked",
                timeout.as_secs()
            )),
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

fn probe_now() -> Result<(), String> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(describe(e));
    }
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let account = format!("{PROBE_ACCOUNT}-{}-{n}", std::process::id());
    let entry = keyring::Entry::new(SERVICE, &account).map_err(|e| describe(&e))?;
    entry.set_secret(b"probe").map_err(|e| describe(&e))?;
    let back = entry.get_secret().map_err(|e| describe(&e));
    let deleted = entry.delete_credential().map_err(|e| describe(&e));
    if back? != b"probe" {
        return Err("it did not give back what was stored".into());
    }
    deleted
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
