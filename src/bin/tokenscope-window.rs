//! The window: `tokenscope-window [FILE…]` opens each file as if it were dropped on it.
//! `tokenscope` with no command starts this program (it sits beside it): the window needs the
//! shared C library to load Mesa and X11, while the command line is linked statically so that
//! it starts quickly (see build.rs).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    keep_heap_top();
    let mut launch = tokenscope::ui::LaunchOptions::from_env();
    for arg in std::env::args_os().skip(1) {
        if arg.to_string_lossy().starts_with('-') {
            eprintln!("usage: tokenscope-window [FILE…]   (files of tokens or keys to open)");
            return ExitCode::from(2);
        }
        launch.files.push(PathBuf::from(arg));
    }
    tokenscope::ui::run_window(launch)
}

/// Without a GPU, Mesa copies each frame's vertex buffers into the heap and frees them after
/// drawing; glibc then gives the top of the heap back to the kernel (its trim threshold is
/// 128 KiB) and takes it again in the next frame, about twenty `brk` calls and their page
/// faults per countdown tick. Keeping up to 8 MiB free at the top costs about 0.3 MB resident
/// and cut the idle window's CPU by a sixth (scripts/measure-idle).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_heap_top() {
    /// `M_TRIM_THRESHOLD` in glibc's malloc.h.
    const M_TRIM_THRESHOLD: std::ffi::c_int = -1;
    unsafe extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    // SAFETY: mallopt only changes a malloc tunable; it is called before any other thread
    // exists. Its result (0 when refused) needs no handling: the default is kept.
    unsafe {
        mallopt(M_TRIM_THRESHOLD, 8 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_heap_top() {}
