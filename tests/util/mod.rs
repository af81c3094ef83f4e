//! Runs the real `tokenscope` binary: build the command, feed stdin, read stdout, stderr and
//! the exit status.
#![allow(dead_code)]

pub mod http_server;

use std::path::PathBuf;

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON; panics with both streams when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `tokenscope ARGS` with `stdin`, a private config dir, and no colour.
pub fn tokenscope(args: &[&str], stdin: &str) -> Run {
    tokenscope_with(args, stdin, &[])
}

/// As `tokenscope`, with more environment variables; a `TOKENSCOPE_CONFIG_DIR` among them
/// replaces the private one (to run several commands against one config dir).
pub fn tokenscope_with(args: &[&str], stdin: &str, env: &[(&str, &std::ffi::OsStr)]) -> Run {
    let config = tempfile::tempdir().expect("temp dir");
    let output = assert_cmd::Command::cargo_bin("tokenscope")
        .expect("the tokenscope binary is built")
        .args(args)
        .env("TOKENSCOPE_CONFIG_DIR", config.path())
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .write_stdin(stdin.as_bytes().to_vec())
        .output()
        .expect("tokenscope runs");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The check `id` of a JSON report; panics with the report when it is missing.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}
