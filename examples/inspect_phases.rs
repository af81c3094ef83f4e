//! Where the time of one inspect goes, phase by phase (normalize, parse, parse + diagnose, the
//! whole inspect) beside the bench's anchor (base64 + `serde_json::Value` parse of the
//! payload), for the bench's typical 1.6 KB access token and its 1 MiB token. The criterion
//! bench (`make bench`) gives the totals with confidence intervals; this says which phase to
//! work on.
//!
//!   cargo run --release --example inspect_phases
//!
//! For valgrind (`scripts/measure-inspect`): `PHASES_ONLY=typical` (or `1MiB`) runs one of
//! the two tokens, `PHASES_ONE=inspect` one phase, `PHASES_N=2000` sets the iterations.

#[path = "../benches/support/tokens.rs"]
mod tokens;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::hint::black_box;
use std::time::Instant;
use tokens::{one_mib_token, typical_access_token};
use tokenscope::token::{self, Options};

/// Runs `f` n/10 times to warm up, then n times on the clock. Never inlined, so that
/// callgrind can count this function's instructions alone (`--toggle-collect`).
#[inline(never)]
fn time<R>(phase: &str, n: u32, mut f: impl FnMut() -> R) {
    for _ in 0..n / 10 {
        black_box(f());
    }
    let t = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    println!(
        "{phase:<12} {:>10.2} us",
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}

/// A token's name, how to make it, and how many times to inspect it.
type Sample = (&'static str, fn() -> String, u32);

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn main() {
    let opts = Options::at(1_899_998_000);
    let only = env("PHASES_ONLY");
    let one = env("PHASES_ONE");
    let runs: Option<u32> = env("PHASES_N").and_then(|n| n.parse().ok());
    let wanted = |phase: &str| one.as_deref().is_none_or(|o| o == phase);
    let samples: [Sample; 2] = [
        ("typical", typical_access_token, 20000),
        ("1MiB", one_mib_token, 20),
    ];
    for (label, make, n) in samples {
        if only.as_deref().is_some_and(|o| o != label) {
            continue;
        }
        let n = runs.unwrap_or(n);
        let tok = make();
        println!("== {label}");
        let norm = token::normalize(&tok).unwrap();
        let found = &norm.tokens[0];
        let seg = tok.split('.').nth(1).unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(seg).unwrap();
        if wanted("normalize") {
            time("normalize", n, || token::normalize(&tok).unwrap());
        }
        if wanted("parse") {
            time("parse", n, || token::parse(&found.token).unwrap());
        }
        if wanted("diagnose") {
            // Parse and diagnose: the whole inspect but for normalize.
            time("diagnose", n, || {
                token::diagnose_owned(
                    token::parse(&found.token).unwrap(),
                    token::input_info(&norm, found),
                    &opts,
                    None,
                )
            });
        }
        if wanted("inspect") {
            time("inspect", n, || token::inspect(&tok, &opts).unwrap());
        }
        if wanted("shown") {
            // Inspect, then the payload as the window's JSON view and `--json` show it.
            time("shown", n, || {
                let found = token::inspect(&tok, &opts).unwrap();
                let report = found[0].result.as_ref().unwrap();
                serde_json::to_string_pretty(&report.payload).unwrap()
            });
        }
        if wanted("anchor") {
            time("anchor", n, || {
                let bytes = URL_SAFE_NO_PAD.decode(seg).unwrap();
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
            });
        }
        if wanted("base64") {
            time("base64", n, || URL_SAFE_NO_PAD.decode(seg).unwrap());
        }
        if wanted("value") {
            time("value", n, || {
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
            });
        }
        if wanted("tree") {
            // Our own parse of the whole tree (duplicates recorded), built when shown.
            time("tree", n, || token::json::parse(&bytes).unwrap());
        }
    }
}
