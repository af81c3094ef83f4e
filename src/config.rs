//! Where tokenscope keeps its files: the platform's config directory
//! (`~/.config/tokenscope` on Linux, `~/Library/Application Support/dev.tokenscope.tokenscope`
//! on macOS, `%APPDATA%\tokenscope\tokenscope\config` on Windows), or `TOKENSCOPE_CONFIG_DIR`
//! when it is set and not empty (tests and demos use it to keep every file in one place).

use std::path::PathBuf;

/// The environment variable that moves every file tokenscope writes.
pub const CONFIG_DIR_ENV: &str = "TOKENSCOPE_CONFIG_DIR";

/// Why no config directory could be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no config directory: this system names no home directory; set {CONFIG_DIR_ENV} to a directory tokenscope may write to"
    )]
    NoHome,
}

/// The config directory. It is not created here: writers create it when they first write.
pub fn config_dir() -> Result<PathBuf, ConfigError> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "tokenscope", "tokenscope")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or(ConfigError::NoHome)
}
