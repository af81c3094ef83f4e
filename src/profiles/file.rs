//! `profiles.toml`: every profile in one hand-editable TOML file, read whole, written whole
//! and atomically (a temporary file in the same directory, flushed to disk, then renamed over
//! the old one), so a crash or a full disk leaves either the old file or the new one.
//! A file that cannot be read or understood is reported and never written over.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ProfileError;
use super::model::{Profile, ProfileName};

/// The file's name inside the config directory.
pub const FILE_NAME: &str = "profiles.toml";

const HEADER: &str = "\
# tokenscope server profiles: one [profiles.NAME] table each. Hand edits are welcome;
# tokenscope rewrites the whole file when it changes a profile (comments are not kept).
# Secrets are never kept here: client secrets and refresh tokens live in the OS keychain.
";

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Format {
    #[serde(default)]
    profiles: BTreeMap<ProfileName, Profile>,
}

/// The profiles as read from (or about to be written to) one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfilesFile {
    path: PathBuf,
    profiles: BTreeMap<ProfileName, Profile>,
}

impl ProfilesFile {
    /// Reads `path`; a file that does not exist yet holds no profiles.
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let text = match fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| ProfileError::Invalid {
                path: path.to_path_buf(),
                line: line_of(
                    &String::from_utf8_lossy(e.as_bytes()),
                    e.utf8_error().valid_up_to(),
                ),
                message: "the file is not UTF-8 text".into(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(ProfileError::Read {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                });
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            profiles: parse(&text, path)?,
        })
    }

    /// Where this file lives.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The profile called `name`.
    #[must_use]
    pub fn get(&self, name: &ProfileName) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// Every profile, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&ProfileName, &Profile)> {
        self.profiles.iter()
    }

    /// Every name, sorted.
    #[must_use]
    pub fn names(&self) -> Vec<&ProfileName> {
        self.profiles.keys().collect()
    }

    /// Adds or replaces a profile in memory (call `save` to keep it).
    pub fn insert(&mut self, name: ProfileName, profile: Profile) -> Option<Profile> {
        self.profiles.insert(name, profile)
    }

    /// Takes a profile out in memory (call `save` to keep the change).
    pub fn remove(&mut self, name: &ProfileName) -> Option<Profile> {
        self.profiles.remove(name)
    }

    /// Writes the file atomically, creating its directory when needed.
    pub fn save(&self) -> Result<(), ProfileError> {
        let text = to_toml(&self.profiles)?;
        write_atomic(&self.path, text.as_bytes()).map_err(|e| ProfileError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        })
    }

    /// The named profiles (all when `names` is empty) as a TOML document in this file's own
    /// format, to share with someone else. It cannot hold a secret: the file format has none.
    pub fn export(&self, names: &[ProfileName]) -> Result<String, ProfileError> {
        let chosen = if names.is_empty() {
            self.profiles.clone()
        } else {
            let mut chosen = BTreeMap::new();
            for name in names {
                let profile = self
                    .profiles
                    .get(name)
                    .ok_or_else(|| self.not_found(name))?;
                chosen.insert(name.clone(), profile.clone());
            }
            chosen
        };
        to_toml(&chosen)
    }

    /// Reads an exported document (`source` names it in errors) and adds its profiles. A name
    /// already here is refused unless `replace` is set; nothing is added when one is refused.
    pub fn import(
        &mut self,
        text: &str,
        source: &Path,
        replace: bool,
    ) -> Result<Vec<ProfileName>, ProfileError> {
        let incoming = parse(text, source)?;
        if !replace && let Some(name) = incoming.keys().find(|n| self.profiles.contains_key(n)) {
            return Err(ProfileError::Exists(name.clone()));
        }
        let names = incoming.keys().cloned().collect();
        self.profiles.extend(incoming);
        Ok(names)
    }

    /// The error for a name this file does not hold, listing the names it does.
    #[must_use]
    pub fn not_found(&self, name: &ProfileName) -> ProfileError {
        ProfileError::NotFound {
            name: name.clone(),
            known: self.profiles.keys().map(ToString::to_string).collect(),
            path: self.path.clone(),
        }
    }
}

/// Keys that name a secret. A line setting one, anywhere in the file (an extra parameter
/// too), is refused: the file is readable by anything that can read the user's files.
const SECRET_KEYS: [&str; 5] = [
    "client_secret",
    "refresh_token",
    "access_token",
    "password",
    "client_assertion",
];

/// The first line that sets a secret-named key, with the key.
fn secret_line(text: &str) -> Option<(usize, &'static str)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let (key, _) = line.split_once('=')?;
        let key = key.trim().trim_matches(['"', '\'']);
        SECRET_KEYS
            .iter()
            .find(|k| key.eq_ignore_ascii_case(k))
            .map(|k| (i + 1, *k))
    })
}

fn secret_message(key: &str) -> String {
    format!(
        "{key} is a secret, and secrets are never kept in this file: remove this line; \
         tokenscope keeps a client secret in the OS keychain (tokenscope profile add NAME … \
         --client-secret-stdin)"
    )
}

fn parse(text: &str, path: &Path) -> Result<BTreeMap<ProfileName, Profile>, ProfileError> {
    if let Some((line, key)) = secret_line(text) {
        return Err(ProfileError::Invalid {
            path: path.to_path_buf(),
            line,
            message: secret_message(key),
        });
    }
    let format: Format = toml::from_str(text).map_err(|e| ProfileError::Invalid {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |s| line_of(text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    for (name, profile) in &format.profiles {
        if let Err(message) = profile.check_http() {
            // The value is in the file as written; its first line is the one to fix.
            let line = profile
                .urls()
                .iter()
                .filter(|(_, u)| u.is_insecure())
                .find_map(|(_, u)| text.find(u.as_str()))
                .map_or(1, |at| line_of(text, at));
            return Err(ProfileError::Invalid {
                path: path.to_path_buf(),
                line,
                message: format!("profile {name}: {message}"),
            });
        }
    }
    Ok(format.profiles)
}

fn to_toml(profiles: &BTreeMap<ProfileName, Profile>) -> Result<String, ProfileError> {
    let format = Format {
        profiles: profiles.clone(),
    };
    let body = toml::to_string_pretty(&format).map_err(|e| ProfileError::Encode(e.to_string()))?;
    // An extra parameter is the one place a caller could put a secret: refuse to write it.
    if let Some((_, key)) = secret_line(&body) {
        return Err(ProfileError::Encode(secret_message(key)));
    }
    Ok(format!("{HEADER}\n{body}"))
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = &text.as_bytes()[..offset.min(text.len())];
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Writes `bytes` to a new file beside `path`, flushes it to disk, and renames it over
/// `path`: readers see the old file or the new one, never a part of one.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| FILE_NAME.into(), |n| n.to_string_lossy());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{name}.{}-{nanos}.tmp", std::process::id()));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
        return written;
    }
    // The rename itself is durable once the directory is flushed (POSIX); Windows has no
    // directory handle to flush and makes the rename durable itself.
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::line_of;

    #[test]
    fn a_line_setting_a_secret_is_found_wherever_it_is() {
        let text = "[profiles.a]\nissuer = \"https://x\"\n[profiles.a.extra_params.token]\n\"Password\" = \"x\"\n";
        assert_eq!(super::secret_line(text), Some((4, "password")));
        assert_eq!(super::secret_line("scopes = [\"password\"]\n"), None);
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("ab\ncd", 0), 1);
        assert_eq!(line_of("ab\ncd", 4), 2);
        assert_eq!(line_of("ab\n", 99), 2);
    }
}
