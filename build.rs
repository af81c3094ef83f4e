//! How the two programs are linked on Linux (glibc).
//!
//! `tokenscope` (the command line) is linked statically and without PIE. A dynamically linked
//! run of `tokenscope inspect` spent most of its ~1.6 ms in the kernel and the dynamic loader:
//! mapping libc, libm and libgcc_s, resolving their symbols, and (as PIE) applying ~41 000
//! relative relocations. A static, position-dependent executable has no loader and nothing to
//! relocate, and only the pages the CLI touches are read; a run takes about two thirds of the
//! time (README, "Performance"). Cargo can only set `crt-static` for a whole build, and the
//! window cannot be static (Mesa and X11 are `dlopen`ed, which needs the shared libc). So this
//! script emulates `crt-static` for the one binary: it passes `-static` and puts, first on its
//! library path, linker scripts named like the shared libraries rustc asks for (`libc.so`,
//! `libgcc_s.so`, …) that point at the static archives.
//!
//! `tokenscope-window` stays dynamic; in release builds it is linked without PIE, which spares
//! it the same relocations and their copied pages (resident memory of the idle window).
//!
//! In release builds `tokenscope-window`'s functions that run from launch to the idle window
//! are placed together, in the order of `linker/tokenscope-window.order` (lld's
//! `--symbol-ordering-file`; the list is written by `scripts/order-window`). A fault maps the
//! whole cached block of the file around the byte it needs, so code run at start-up scattered
//! over 18 MB kept 10–14 MB of it resident; placed together, 4.2 MB. A stale list only
//! orders less: names it has that the build lacks are skipped. The release profile keeps
//! symbols (`strip = false`) and this script strips the programs at link time instead, so
//! that the build `scripts/order-window` profiles, with `TOKENSCOPE_KEEP_SYMBOLS=1`, compiles
//! every crate exactly as the release build does and so gives its functions the same names.
//!
//! The trade: executables at a fixed address (libraries, heap and stacks stay randomised), and a
//! CLI that resolves host names through the glibc it was built against, as `cargo install`
//! does. `TOKENSCOPE_PIE=1` builds both programs as Cargo would (dynamic, PIE). Without the
//! static C library (`libc6-dev`'s `libc.a`) the CLI is linked dynamically, with a warning.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The libraries rustc's standard library (and the crates tokenscope uses) ask for by name.
const SHARED_NAMES: &[&str] = &["c", "m", "pthread", "dl", "rt", "util", "gcc_s"];

/// The functions the window runs from launch to idle, to be placed together (`scripts/order-window`).
const ORDER_FILE: &str = "linker/tokenscope-window.order";

fn main() {
    println!("cargo:rerun-if-env-changed=TOKENSCOPE_PIE");
    println!("cargo:rerun-if-env-changed=TOKENSCOPE_KEEP_SYMBOLS");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={ORDER_FILE}");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let release = var("PROFILE") == "release";
    if !linux_gnu {
        return;
    }
    // A profile with debug information (`profiling`, for perf and callgrind) keeps its symbols.
    let symbols_wanted = var("DEBUG") == "true" || !var("TOKENSCOPE_KEEP_SYMBOLS").is_empty();
    if release && !symbols_wanted {
        println!("cargo:rustc-link-arg-bins=-s");
        println!("cargo:rustc-link-arg-examples=-s");
    }
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join(ORDER_FILE);
    if release && order.is_file() && links_with_rust_lld(&var) {
        println!(
            "cargo:rustc-link-arg-bin=tokenscope-window=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        // `-s` also makes lld drop local symbols as it reads the objects, before it orders by
        // name, and many functions are local: without this, part of the list was not
        // placed and the window kept 7.5 MB of code resident instead of 4.2 MB. The output
        // has no symbol table either way.
        println!("cargo:rustc-link-arg-bin=tokenscope-window=-Wl,--discard-none");
    }
    if !var("TOKENSCOPE_PIE").is_empty() {
        return;
    }
    if release {
        println!("cargo:rustc-link-arg-bin=tokenscope-window=-no-pie");
    }
    let out_dir = PathBuf::from(var("OUT_DIR"));
    match static_library_scripts(&out_dir, &var("CC")) {
        Ok(dir) => {
            println!("cargo:rustc-link-arg-bin=tokenscope=-static");
            println!("cargo:rustc-link-arg-bin=tokenscope=-no-pie");
            println!("cargo:rustc-link-arg-bin=tokenscope=-L{}", dir.display());
        }
        Err(why) => println!("cargo:warning=tokenscope CLI linked dynamically: {why}"),
    }
}

/// Whether rustc links with its own lld, the only linker here that takes a symbol order: the
/// default for x86_64 Linux since Rust 1.90 (this crate needs 1.95), unless the build names
/// another linker. GNU ld would refuse the option and fail the link.
fn links_with_rust_lld(var: &dyn Fn(&str) -> String) -> bool {
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("RUSTC_LINKER").is_empty()
        && !flags.contains("linker")
        && !flags.contains("link-self-contained")
}

/// Writes `lib<name>.so` linker scripts that name the static archives, into `out/static-libs`.
fn static_library_scripts(out: &Path, cc: &str) -> Result<PathBuf, String> {
    let cc = if cc.is_empty() { "cc" } else { cc };
    let archive = |file: &str| -> Result<PathBuf, String> {
        let output = Command::new(cc)
            .arg(format!("-print-file-name={file}"))
            .output()
            .map_err(|e| format!("cannot run {cc}: {e}"))?;
        let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        // The compiler echoes the bare name back when it has no such file.
        if path.is_absolute() && path.is_file() {
            Ok(path)
        } else {
            Err(format!("{file} not found (install libc6-dev)"))
        }
    };
    let runtime = [archive("libgcc.a")?, archive("libgcc_eh.a")?];
    let dir = out.join("static-libs");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for name in SHARED_NAMES {
        let mut members = Vec::new();
        if *name != "gcc_s" {
            members.push(archive(&format!("lib{name}.a"))?);
        }
        // libgcc and its unwinder go with every group: libc.a and the unwinding code in std
        // both need them, and a static link has no libgcc_s to provide them.
        members.extend(runtime.iter().cloned());
        let list: Vec<String> = members.iter().map(|p| p.display().to_string()).collect();
        let script = format!("GROUP ( {} )\n", list.join(" "));
        let file = dir.join(format!("lib{name}.so"));
        std::fs::write(&file, script).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(dir)
}
