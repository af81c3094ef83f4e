//! Targets: a typical 1.6 KB access token fully inspected in ≤ 5 µs; a 1 MiB token decoded and
//! pretty-printed in ≤ 20 ms.
//!
//! Beside each, its anchor: what any decoder must do with the same token (base64-decode the
//! payload and parse it into a `serde_json::Value`; for the 1 MiB token, pretty-print it too).
//! This machine's speed drifts by half from one sitting to the next; the ratio to the anchor
//! measured in the same sitting does not.

#[path = "support/tokens.rs"]
mod tokens;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tokens::{one_mib_token, typical_access_token};
use tokenscope::token::{self, Options};

/// Base64-decodes the payload segment and parses it: the least any JWT decoder does.
fn decode_payload(token: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn bench(c: &mut Criterion) {
    let opts = Options::at(1_899_998_000);
    let typical = typical_access_token();
    assert!(
        (1500..1800).contains(&typical.len()),
        "typical token is {} bytes",
        typical.len()
    );
    c.bench_function("inspect typical 1.6 KB access token", |b| {
        b.iter(|| token::inspect(black_box(&typical), &opts).unwrap())
    });
    c.bench_function("anchor: decode + parse the typical token's payload", |b| {
        b.iter(|| decode_payload(black_box(&typical)))
    });

    let big = one_mib_token();
    assert!(
        big.len() <= 1024 * 1024 && big.len() > 1000 * 1024,
        "big token is {} bytes",
        big.len()
    );
    let mut group = c.benchmark_group("1 MiB");
    group.sample_size(20);
    group.bench_function("inspect + pretty JSON of a 1 MiB token", |b| {
        b.iter(|| {
            let found = token::inspect(black_box(&big), &opts).unwrap();
            let report = found[0].result.as_ref().unwrap();
            serde_json::to_string_pretty(&report.payload).unwrap()
        })
    });
    group.bench_function("anchor: decode + parse + pretty JSON of the payload", |b| {
        b.iter(|| serde_json::to_string_pretty(&decode_payload(black_box(&big))).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
