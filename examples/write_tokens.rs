//! Writes the tokens `scripts/measure-idle` opens in its loaded window: N copies of the inspect
//! bench's typical 1.6 KB access token, each with its own `jti`, one per file, and the bench's
//! 1 MiB token.
//!
//!   cargo run --release --example write_tokens -- DIR [N]

#[path = "../benches/support/tokens.rs"]
mod tokens;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(dir), count) = (args.next().map(PathBuf::from), args.next()) else {
        eprintln!("usage: write_tokens DIR [N]");
        return ExitCode::from(2);
    };
    let count: usize = count.and_then(|n| n.parse().ok()).unwrap_or(50);
    let typical = tokens::typical_access_token();
    let parts: Vec<&str> = typical.split('.').collect();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64")).expect("json");
    let written = (0..count).try_for_each(|i| {
        let mut claims = claims.clone();
        claims["jti"] = format!("measure-idle-{i:03}").into();
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let token = format!("{}.{payload}.{}", parts[0], parts[2]);
        std::fs::write(dir.join(format!("token-{i:03}.jwt")), token)
    });
    let big = std::fs::write(dir.join("one-mib.jwt"), tokens::one_mib_token());
    match written.and(big) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("write_tokens: {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
