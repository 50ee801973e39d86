//! The command line as a user meets it: finding the site from any folder inside it, one clear
//! error when there is no site, `--base-url` refused as a usage error (exit 2) with the reason,
//! and the summary line.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// Runs the binary in `cwd` with exactly `args` (no `--root` added).
fn run_at(cwd: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_codesite"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const HINT: &str = "  = hint: a site root is the folder holding config.yaml, content/, templates/, static/ and i18n/; run codesite inside it or pass --root <folder>\n";

#[test]
fn finds_the_site_root_from_a_subfolder() {
    let site = Site::fixture("mini");
    let sub = site.root().join("content/smtp/codes");
    let out = run_at(&sub, &["build", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(site.root().join("public/smtp/451/index.html").is_file());
    assert!(
        !sub.join("public").exists(),
        "output goes beside config.yaml"
    );
    let out = run_at(&sub, &["check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn no_site_found_is_one_error_naming_every_folder_looked_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a/b");
    std::fs::create_dir_all(&dir).unwrap();
    let dir = dir.canonicalize().unwrap();
    for cmd in ["build", "check"] {
        let out = run_at(&dir, &[cmd]);
        assert_eq!(out.code, 2, "{cmd}: {}", out.stderr);
        let looked: String = dir
            .ancestors()
            .map(|d| format!("  {}\n", d.display()))
            .collect();
        assert_eq!(
            out.stderr,
            format!(
                "error: no site found: no config.yaml in the current folder or any folder above it:\n{looked}{HINT}"
            )
        );
        assert!(!dir.join("public").exists());
    }
}

#[test]
fn wrong_root_is_one_error_naming_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_at(tmp.path(), &["build", "--root", "nowhere"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "error: --root nowhere: {} is not a folder\n{HINT}",
            tmp.path().join("nowhere").display()
        )
    );
    let out = run_at(tmp.path(), &["check", "--root", "."]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "error: --root .: {} has no config.yaml\n{HINT}",
            tmp.path().display()
        )
    );
}

#[test]
fn bad_base_url_is_a_usage_error() {
    let site = Site::fixture("mini");
    let accepts = "accepted: `/`, a path such as `/docs/`, or an http:// or https:// URL such as `https://org.github.io/repo/`, without spaces, a query (`?`) or a fragment (`#`)";
    for (url, why) in [
        (
            "https://org.github.io/a b/",
            "contains a space (write it as %20)",
        ),
        (
            "https://org.github.io/repo/?x=1",
            "has a query (`?…`), which would end up inside every link",
        ),
        (
            "https://org.github.io/repo/#top",
            "has a fragment (`#…`), which would end up inside every link",
        ),
        (
            "ftp://org.github.io/repo/",
            "must start with / or http:// or https://",
        ),
        (
            "//evil.example/",
            "starts with // (a link to another host); write the scheme, https://",
        ),
        ("https:///repo/", "has no valid host name (``)"),
    ] {
        let out = site.run(&["build", "--base-url", url]);
        assert_eq!(out.code, 2, "{url}");
        assert_eq!(
            out.stderr,
            format!(
                "error: invalid value '{url}' for '--base-url <URL>': the base URL {why}\n  {accepts}\n\nFor more information, try '--help'.\n"
            ),
            "{url}"
        );
        assert!(!site.root().join("public").exists(), "{url}");
    }
    let out = site.run(&[
        "build",
        "--quiet",
        "--base-url",
        "https://org.github.io/repo/",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn summary_is_one_short_line_and_verbose_adds_the_detail() {
    let site = Site::fixture("mini");
    let out = site.run(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Not a terminal: no progress line, nothing on stderr.
    assert_eq!(out.stderr, "");
    let line = out.stdout.strip_suffix('\n').unwrap();
    assert!(!line.contains('\n'), "{line}");
    let n = files(&site.root().join("public")).len();
    let rest = line
        .strip_prefix(&format!("wrote {n} files, {n} changed, "))
        .unwrap_or_else(|| panic!("{n} files: {line}"));
    assert!(rest.ends_with(" s"), "{line}");

    let out = site.run(&["build", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].starts_with(&format!("wrote {n} files, ")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("en: 1 404, 3 code, 1 enhanced"),
        "{}",
        lines[1]
    );
    let out = site.run(&["build", "-q"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn thousands_are_grouped() {
    use codesite::build::thousands;
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(5881), "5,881");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
