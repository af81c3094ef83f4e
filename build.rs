//! Link the release binary as a position-dependent executable on Linux.
//!
//! Every run of `tokenscope inspect` used to begin with the dynamic loader applying ~41 000
//! relative relocations to a 26 MB position-independent binary: each page of `.data.rel.ro`
//! (most of it the window's code, which the CLI never runs) was copied on write before `main`.
//! Linked without PIE there is nothing to relocate, and only the pages the CLI touches are
//! read: half the page faults and a third of the kernel time per run (see README,
//! "Performance"). The trade: the executable's own code sits at a fixed address (shared
//! libraries, heap and stacks stay randomised). Set `TOKENSCOPE_PIE=1` to keep PIE.
//!
//! Debug builds, tests and examples are left alone, so `cargo test` links as before.

fn main() {
    println!("cargo:rerun-if-env-changed=TOKENSCOPE_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let release = var("PROFILE") == "release";
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let keep_pie = !var("TOKENSCOPE_PIE").is_empty();
    if release && linux_gnu && !keep_pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
