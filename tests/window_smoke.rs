//! The real binary opens a real window: started with the sample tokens on the X display that
//! `scripts/test` provides (a private Xvfb), it must show up and paint something that is not
//! a blank rectangle. Skipped, saying so, when there is no display at all.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the window when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| {
            format!("cannot run {program}: {e} (scripts/install-deps test installs it)")
        })?;
    if !output.status.success() {
        return Err(format!(
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Distinct colours in a screenshot: a blank or unpainted window has one or two.
fn colours(shot: &Path) -> usize {
    run(
        "convert",
        &[&shot.display().to_string(), "-format", "%k", "info:"],
    )
    .unwrap()
    .parse()
    .unwrap_or(0)
}

#[test]
fn the_window_opens_and_paints_the_sample_tokens() {
    let Some(display) = std::env::var_os("DISPLAY") else {
        eprintln!("skipped: DISPLAY is not set; `make test` runs this under a private Xvfb");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .env("TOKENSCOPE_OPEN_SAMPLE", "1")
        // eframe saves window settings under the data dir: keep the test's out of $HOME.
        .env("XDG_DATA_HOME", home.path())
        .env("TOKENSCOPE_CONFIG_DIR", home.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tokenscope binary starts");
    let mut window = Running(child);

    let id = run(
        "timeout",
        &[
            "60",
            "xdotool",
            "search",
            "--sync",
            "--onlyvisible",
            "--name",
            "^tokenscope$",
        ],
    )
    .unwrap_or_else(|e| panic!("no tokenscope window appeared on {display:?} within 60 s: {e}"));
    let id = id.lines().next().unwrap_or_default().to_string();

    // The samples are signed on the worker thread; poll until the window shows them.
    let shot = home.path().join("shot.png");
    let start = Instant::now();
    let mut seen = 0;
    while start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(500));
        if let Some(status) = window.0.try_wait().unwrap() {
            let mut stderr = String::new();
            if let Some(mut pipe) = window.0.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            panic!("the window exited early ({status}): {stderr}");
        }
        if run("import", &["-window", &id, &shot.display().to_string()]).is_err() {
            continue;
        }
        seen = colours(&shot);
        if seen > 1000 {
            break;
        }
    }
    assert!(
        seen > 200,
        "the screenshot has only {seen} colours: the window looks blank"
    );
}
