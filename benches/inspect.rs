//! Targets: a typical 1.6 KB access token fully inspected in ≤ 5 µs; a 1 MiB token decoded and
//! pretty-printed in ≤ 20 ms.

#[path = "support/tokens.rs"]
mod tokens;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tokens::{one_mib_token, typical_access_token};
use tokenscope::token::{self, Options};

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
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
