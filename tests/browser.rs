//! Browser, accessibility and HTML-validity checks of the bundled site: runs
//! `tests/browser/run.mjs` (headless Chromium via playwright-core, axe-core) and the Nu HTML
//! Checker (vnu-jar) over a fresh build.
//!
//! Needs Debian's chromium, Node.js, Java and `npm ci --prefix tests/browser`; `.ci/run`
//! installs them. Outside CI, a machine without them skips these two tests with a message; in CI
//! (`CI` set) a missing tool is a failure.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn tools_ready() -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node_modules = repo().join("tests/browser/node_modules");
    let ok = Path::new(&chromium).exists()
        && node_modules.join("playwright-core").is_dir()
        && node_modules.join("vnu-jar").is_dir()
        && Command::new("java").arg("-version").output().is_ok()
        && Command::new("node").arg("--version").output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser test tools are missing in CI: .ci/run must install chromium and run npm ci --prefix tests/browser"
        );
        eprintln!("skipped: install chromium, node, java and run `npm ci --prefix tests/browser`");
    }
    ok
}

#[test]
fn pages_work_in_headless_chromium() {
    if !tools_ready() {
        return;
    }
    let out = bundled_site();
    let r = Command::new("node")
        .arg(repo().join("tests/browser/run.mjs"))
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    println!("{stdout}");
    assert!(
        r.status.success(),
        "browser checks failed:\n{}\n{}",
        stdout,
        String::from_utf8_lossy(&r.stderr)
    );
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    if !tools_ready() {
        return;
    }
    let out = bundled_site();
    let jar = repo().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    let r = Command::new("java")
        .args(["-Xss4m", "-jar"])
        .arg(jar)
        .args(["--skip-non-html", "--errors-only"])
        .arg(out)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&r.stderr);
    assert!(
        r.status.success(),
        "Nu HTML Checker errors:\n{}",
        report.lines().take(40).collect::<Vec<_>>().join("\n")
    );
}
