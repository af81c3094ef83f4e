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
//! The trade: executables at a fixed address (libraries, heap and stacks stay randomised), and a
//! CLI that resolves host names through the glibc it was built against, as `cargo install`
//! does. `TOKENSCOPE_PIE=1` builds both programs as Cargo would (dynamic, PIE). Without the
//! static C library (`libc6-dev`'s `libc.a`) the CLI is linked dynamically, with a warning.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The libraries rustc's standard library (and the crates tokenscope uses) ask for by name.
const SHARED_NAMES: &[&str] = &["c", "m", "pthread", "dl", "rt", "util", "gcc_s"];

fn main() {
    println!("cargo:rerun-if-env-changed=TOKENSCOPE_PIE");
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if !linux_gnu || !var("TOKENSCOPE_PIE").is_empty() {
        return;
    }
    if var("PROFILE") == "release" {
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
