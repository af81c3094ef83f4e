//! Where the time of one inspect goes, phase by phase (normalize, parse, parse + diagnose, the
//! whole inspect) beside the JSON parse alone, for the bench's typical 1.6 KB access token and
//! its 1 MiB token. The criterion bench (`make bench`) gives the totals with confidence
//! intervals; this says which phase to work on.
//!
//!   cargo run --release --example inspect_phases

#[path = "../benches/support/tokens.rs"]
mod tokens;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::hint::black_box;
use std::time::Instant;
use tokens::{one_mib_token, typical_access_token};
use tokenscope::token::{self, Options};
fn time<R>(name: &str, n: u32, mut f: impl FnMut() -> R) {
    for _ in 0..n / 10 {
        black_box(f());
    }
    let t = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    println!(
        "{name:<40} {:>10.2} us",
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}
fn main() {
    let opts = Options::at(1_899_998_000);
    for (label, tok, n) in [
        ("typical", typical_access_token(), 20000u32),
        ("1MiB", one_mib_token(), 20),
    ] {
        println!("== {label}");
        time("normalize", n, || token::normalize(&tok).unwrap());
        let norm = token::normalize(&tok).unwrap();
        let found = &norm.tokens[0];
        time("parse", n, || token::parse(&found.token).unwrap());
        time("parse+diagnose", n, || {
            token::diagnose_owned(
                token::parse(&found.token).unwrap(),
                token::input_info(&norm, found),
                &opts,
                None,
            )
        });
        time("inspect", n, || token::inspect(&tok, &opts).unwrap());
        let seg = tok.split('.').nth(1).unwrap();
        time("b64 decode payload (crate)", n, || {
            URL_SAFE_NO_PAD.decode(seg).unwrap()
        });
        let bytes = URL_SAFE_NO_PAD.decode(seg).unwrap();
        time("json::parse (ours)", n, || {
            token::json::parse(&bytes).unwrap()
        });
        time("serde_json::from_slice Value", n, || {
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        });
    }
}
