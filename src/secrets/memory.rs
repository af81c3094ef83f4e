//! Secrets in memory: for tests, and for a session with no keychain (lost at exit).

use std::collections::HashMap;
use std::sync::Mutex;

use super::{SecretError, SecretKind, SecretStore, check_size};
use crate::profiles::ProfileName;
use crate::sensitive::Sensitive;

/// A map in memory, optionally with a size limit (to behave like a platform that has one).
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<(ProfileName, SecretKind), Sensitive>>,
    limit: Option<usize>,
}

impl MemoryStore {
    /// An empty store with no size limit.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store that refuses secrets over `limit` bytes, as a keychain with that limit.
    #[must_use]
    pub fn with_limit(limit: usize) -> Self {
        Self {
            limit: Some(limit),
            ..Self::default()
        }
    }

    // A poisoned lock only means another thread panicked mid-insert; the map is still usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(ProfileName, SecretKind), Sensitive>> {
        self.secrets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn get(
        &self,
        profile: &ProfileName,
        kind: &SecretKind,
    ) -> Result<Option<Sensitive>, SecretError> {
        Ok(self.lock().get(&(profile.clone(), kind.clone())).cloned())
    }

    fn set(
        &self,
        profile: &ProfileName,
        kind: &SecretKind,
        secret: &Sensitive,
    ) -> Result<(), SecretError> {
        check_size(profile, kind, secret, self.limit)?;
        self.lock()
            .insert((profile.clone(), kind.clone()), secret.clone());
        Ok(())
    }

    fn delete(&self, profile: &ProfileName, kind: &SecretKind) -> Result<bool, SecretError> {
        Ok(self
            .lock()
            .remove(&(profile.clone(), kind.clone()))
            .is_some())
    }

    fn is_persistent(&self) -> bool {
        false
    }
}
