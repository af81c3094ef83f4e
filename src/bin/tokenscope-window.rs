//! The window. `tokenscope` with no command starts this program (it sits beside it): the
//! window needs the shared C library to load Mesa and X11, while the command line is linked
//! statically so that it starts quickly (see build.rs).

use std::process::ExitCode;

fn main() -> ExitCode {
    tokenscope::ui::run_window()
}
