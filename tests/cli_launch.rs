//! How `tokenscope` starts: the command line on its own, the window through its sibling program.

use std::process::Command;

#[test]
fn without_its_window_program_tokenscope_says_what_is_missing_and_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let lone = dir.path().join("tokenscope");
    std::fs::copy(env!("CARGO_BIN_EXE_tokenscope"), &lone).unwrap();
    let output = Command::new(&lone).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("tokenscope-window is missing") && stderr.contains("cargo install"),
        "{stderr}"
    );
    // The commands do not need the window program.
    let inspect = Command::new(&lone)
        .args([
            "inspect",
            "--json",
            include_str!("fixtures/rfc7519-s3.1.jwt").trim(),
        ])
        .output()
        .unwrap();
    assert!(inspect.status.success() || inspect.status.code() == Some(1));
    let report: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(report["kind"], "jws");
}

/// The command line is linked statically on Linux (build.rs): no dynamic loader runs before
/// `main`. If the static link quietly fell back to a dynamic one, start-up would be back to
/// the slower figure without anything else failing, so this looks at the program headers.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_command_line_program_starts_without_the_dynamic_loader() {
    if std::env::var_os("TOKENSCOPE_PIE").is_some() {
        eprintln!("skipped: TOKENSCOPE_PIE asks for a dynamic build");
        return;
    }
    let has_interpreter = |path: &str| {
        let elf = std::fs::read(path).unwrap();
        assert_eq!(&elf[..4], b"\x7fELF", "{path} is not an ELF file");
        let u16_at = |at: usize| usize::from(u16::from_le_bytes([elf[at], elf[at + 1]]));
        let phoff =
            usize::try_from(u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap())).unwrap();
        let (size, count) = (u16_at(0x36), u16_at(0x38));
        assert!(count > 0, "{path} has no program headers");
        const PT_INTERP: u32 = 3;
        (0..count).any(|i| {
            let at = phoff + i * size;
            u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) == PT_INTERP
        })
    };
    assert!(!has_interpreter(env!("CARGO_BIN_EXE_tokenscope")));
    // The window needs the shared C library (Mesa and X11 are loaded at run time).
    assert!(has_interpreter(env!("CARGO_BIN_EXE_tokenscope-window")));
}
