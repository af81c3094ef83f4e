//! Server profiles: an authorization server plus a client, kept in `profiles.toml` in the
//! config directory. The file never holds a secret; a profile's secrets are in the
//! [`SecretStore`](crate::secrets::SecretStore) under its name, and the operations here that
//! rename or remove a profile move or remove them too.

pub mod endpoints;
mod file;
mod model;

use std::path::{Path, PathBuf};

pub use file::{FILE_NAME, ProfilesFile};
pub use model::{
    AuthMethod, EndpointOverrides, EndpointUrl, ExtraParams, MAX_NAME_CHARS, Profile, ProfileName,
};

use crate::config::ConfigError;
use crate::secrets::{SecretError, SecretKind, SecretStore};
use crate::sensitive::Sensitive;

/// What went wrong with the profiles file or a profile operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{}:{line}: {message} (the file was left as it is; fix it by hand)", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot write {}: {reason} (the previous file is unchanged)", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("cannot write the profiles as TOML: {0}")]
    Encode(String),
    #[error("no profile named \"{name}\" in {}{}", path.display(), known_names(known))]
    NotFound {
        name: ProfileName,
        known: Vec<String>,
        path: PathBuf,
    },
    #[error("a profile named \"{0}\" already exists: remove it first, or choose another name")]
    Exists(ProfileName),
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

fn known_names(known: &[String]) -> String {
    if known.is_empty() {
        " (there are none yet: tokenscope profile add NAME --issuer URL --client-id ID)".into()
    } else {
        format!(" (profiles: {})", known.join(", "))
    }
}

/// The path of `profiles.toml` in the config directory.
pub fn default_path() -> Result<PathBuf, ProfileError> {
    Ok(crate::config::config_dir()?.join(FILE_NAME))
}

/// Loads the profiles file at `path` (no file yet: no profiles).
pub fn load(path: &Path) -> Result<ProfilesFile, ProfileError> {
    ProfilesFile::load(path)
}

/// Every secret kind a profile may have stored.
fn kinds_of(profile: &Profile) -> Vec<SecretKind> {
    let mut kinds = vec![
        SecretKind::ClientSecret,
        SecretKind::RefreshToken,
        SecretKind::Password,
    ];
    kinds.extend(profile.pinned.iter().cloned().map(SecretKind::PinnedToken));
    kinds
}

/// Adds `profile` as `name` and stores its client secret, if given. The secret is stored
/// first and taken back out should the file not be written, so neither is left alone.
pub fn add(
    file: &mut ProfilesFile,
    name: ProfileName,
    profile: Profile,
    client_secret: Option<&Sensitive>,
    secrets: &dyn SecretStore,
) -> Result<(), ProfileError> {
    if file.get(&name).is_some() {
        return Err(ProfileError::Exists(name));
    }
    profile.check_http().map_err(ProfileError::BadInput)?;
    if let Some(secret) = client_secret {
        secrets.set(&name, &SecretKind::ClientSecret, secret)?;
    }
    file.insert(name.clone(), profile);
    if let Err(e) = file.save() {
        file.remove(&name);
        if client_secret.is_some() {
            let _ = secrets.delete(&name, &SecretKind::ClientSecret);
        }
        return Err(e);
    }
    Ok(())
}

/// Renames a profile and moves its secrets. The secrets are copied to the new name, the file
/// is written, and only then are the old entries deleted.
pub fn rename(
    file: &mut ProfilesFile,
    from: &ProfileName,
    to: ProfileName,
    secrets: &dyn SecretStore,
) -> Result<(), ProfileError> {
    let profile = file
        .get(from)
        .cloned()
        .ok_or_else(|| file.not_found(from))?;
    if file.get(&to).is_some() {
        return Err(ProfileError::Exists(to));
    }
    let mut copied = Vec::new();
    for kind in kinds_of(&profile) {
        if let Some(secret) = secrets.get(from, &kind)? {
            if let Err(e) = secrets.set(&to, &kind, &secret) {
                undo_copies(secrets, &to, &copied);
                return Err(e.into());
            }
            copied.push(kind);
        }
    }
    file.remove(from);
    file.insert(to.clone(), profile.clone());
    if let Err(e) = file.save() {
        file.remove(&to);
        file.insert(from.clone(), profile);
        undo_copies(secrets, &to, &copied);
        return Err(e);
    }
    for kind in &copied {
        secrets.delete(from, kind)?;
    }
    Ok(())
}

fn undo_copies(secrets: &dyn SecretStore, to: &ProfileName, copied: &[SecretKind]) {
    for kind in copied {
        let _ = secrets.delete(to, kind);
    }
}

/// Removes a profile and every secret stored under it. The secrets go first: a keychain that
/// refuses leaves the profile in place, so no secret is left behind without its profile.
pub fn remove(
    file: &mut ProfilesFile,
    name: &ProfileName,
    secrets: &dyn SecretStore,
) -> Result<Profile, ProfileError> {
    let profile = file
        .get(name)
        .cloned()
        .ok_or_else(|| file.not_found(name))?;
    for kind in kinds_of(&profile) {
        secrets.delete(name, &kind)?;
    }
    file.remove(name);
    if let Err(e) = file.save() {
        file.insert(name.clone(), profile);
        return Err(e);
    }
    Ok(profile)
}
