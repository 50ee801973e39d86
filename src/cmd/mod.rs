//! One module per subcommand; `main.rs` only parses arguments and dispatches here. What the
//! subcommands share lives below: finding the site root, checking `--base-url`, the progress line.

pub mod build;
pub mod check;
pub mod serve;

use crate::build::Progress;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The file that marks a site root.
const CONFIG: &str = "config.yaml";
const ROOT_HINT: &str = "a site root is the folder holding config.yaml, content/, templates/, static/ and i18n/; run codesite inside it or pass --root <folder>";

/// Exit code for usage errors (wrong flags or folder), as clap uses.
pub const USAGE: i32 = 2;

/// Finds the site root as Zola and mdBook do: `--root` when given, otherwise the nearest folder
/// holding `config.yaml`, starting at the current folder and walking up. The error is one
/// message that names every folder looked in.
pub fn site_root(given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(root) = given {
        if root.join(CONFIG).is_file() {
            return Ok(root.to_path_buf());
        }
        let shown = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let what = if root.is_dir() {
            "has no config.yaml"
        } else {
            "is not a folder"
        };
        return Err(format!(
            "error: --root {}: {} {what}\n  = hint: {ROOT_HINT}",
            root.display(),
            shown.display()
        ));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| format!("error: cannot read the current folder: {e}"))?;
    let mut looked = Vec::new();
    for dir in cwd.ancestors() {
        if dir.join(CONFIG).is_file() {
            return Ok(dir.to_path_buf());
        }
        looked.push(format!("  {}", dir.display()));
    }
    Err(format!(
        "error: no site found: no config.yaml in the current folder or any folder above it:\n{}\n  = hint: {ROOT_HINT}",
        looked.join("\n")
    ))
}

/// clap's check for `--base-url`: a bad value is a usage error (exit 2) that says what is accepted.
pub fn parse_base_url(s: &str) -> Result<String, String> {
    match crate::config_rules::base_url(s) {
        Ok(()) => Ok(s.to_string()),
        Err(why) => Err(format!(
            "the base URL {why}\n  {}",
            crate::config_rules::BASE_URL_ACCEPTS
        )),
    }
}

/// Runs `f` while a thread redraws one status line on stderr (stage, pages rendered), when stderr
/// is a terminal and `enabled`; the line is erased before returning. Nothing is drawn for builds
/// shorter than a quarter second, nor when output goes to a file or a pipe.
pub fn with_progress<T>(progress: &Arc<Progress>, enabled: bool, f: impl FnOnce() -> T) -> T {
    if !enabled || !std::io::stderr().is_terminal() {
        return f();
    }
    let done = Arc::new(AtomicBool::new(false));
    let drawer = {
        let (progress, done) = (progress.clone(), done.clone());
        std::thread::spawn(move || {
            let mut drawn = false;
            let mut waited = 0;
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
                waited += 50;
                if waited < 250 || waited % 100 != 0 {
                    continue;
                }
                let (stage, n, total) = progress.get();
                let line = if stage == "rendering" && total > 0 {
                    format!(
                        "rendering {}/{} pages",
                        crate::build::thousands(n),
                        crate::build::thousands(total)
                    )
                } else {
                    format!("{stage}…")
                };
                let _ = write!(std::io::stderr(), "\r\x1b[2K{line}");
                drawn = true;
            }
            if drawn {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        })
    };
    let out = f();
    done.store(true, Ordering::SeqCst);
    let _ = drawer.join();
    out
}
