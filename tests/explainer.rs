//! The bounce explainer's engine (`static/explain-core.js`) under Node's test runner, against
//! the bundled site built into a temp dir: format and ranking unit tests, and the corpus of real
//! bounces in `tests/explainer/corpus.json` with its metrics (printed, and asserted against the
//! targets in `tests/explainer/corpus.test.mjs`).
//!
//! Needs Node.js; outside CI a machine without it skips with a message, in CI (`CI` set) a
//! missing Node is a failure.

mod common;
use common::*;
use std::process::Command;

#[test]
fn explainer_engine_and_corpus_under_node() {
    if Command::new("node").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "node is missing in CI: .ci/run must install Node.js"
        );
        eprintln!("skipped: install Node.js to run the explainer tests");
        return;
    }
    let site = bundled_site();
    let dir = repo().join("tests/explainer");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "test files missing in {}", dir.display());
    let r = Command::new("node")
        .arg("--test")
        .args(&files)
        .env("SITE", site)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    // The metrics lines, so that `cargo test -- --nocapture` shows them.
    for line in stdout.lines() {
        let l = line.trim_start_matches(['#', ' ']);
        if l.starts_with("explainer corpus:")
            || l.starts_with("noise set:")
            || l.starts_with("provider codes:")
        {
            println!("{l}");
        }
    }
    assert!(
        r.status.success(),
        "explainer tests failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(
        stdout.contains("explainer corpus:") && stdout.contains("noise set:"),
        "the corpus metrics were not printed:\n{stdout}"
    );
}

/// `explain-index.json` of each language matches `tests/api/explain-index.schema.json`, and
/// every link in it lands on an existing page and anchor of the built site.
#[test]
fn explain_index_matches_its_schema_and_its_links_resolve() {
    let site = bundled_site();
    let api = repo().join("tests/api");
    let read = |p: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
        )
        .unwrap()
    };
    let mut schema = read(api.join("explain-index.schema.json"));
    let common = read(api.join("common.schema.json"));
    let text = schema
        .to_string()
        .replace("common.schema.json#/$defs/", "#/$defs/");
    schema = serde_json::from_str(&text).unwrap();
    schema["$defs"] = common["$defs"].clone();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (prefix, lang) in [("", "en"), ("zh/", "zh")] {
        let data = read(site.join(format!("{prefix}explain-index.json")));
        let errors: Vec<String> = validator
            .iter_errors(&data)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{lang} explain-index.json: {errors:?}");
        let mut links: Vec<String> = Vec::new();
        for item in data["items"].as_array().unwrap() {
            links.push(item["fix_url"].as_str().unwrap().to_string());
        }
        for group in ["classes", "subjects"] {
            for v in data[group].as_object().unwrap().values() {
                links.push(v["url"].as_str().unwrap().to_string());
            }
        }
        for link in links {
            let (path, anchor) = link.split_once('#').unwrap();
            let file = site.join(path.trim_start_matches('/')).join("index.html");
            let html = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{link}: {e}"));
            assert!(
                html.contains(&format!("id=\"{anchor}\"")),
                "{link}: no #{anchor}"
            );
            assert!(
                path.starts_with(if lang == "zh" { "/zh/" } else { "/smtp/" }),
                "{link} is not in {lang}"
            );
        }
        // The who labels are the language's own, not the English fallback.
        let sender = data["labels"]["who"]["sender"].as_str().unwrap();
        assert_eq!(
            sender.is_ascii(),
            lang == "en",
            "{lang}: who label {sender}"
        );
    }
}
