//! The site search as people use it: `tests/search/run.mjs` runs the real search code of
//! `static/site.js` in Node.js over the bundled site's indexes and checks the queries in
//! `tests/search/queries.mjs` (what support engineers type, in both languages, with the
//! results that must come first or among the first three). Needs `node`; outside CI a machine
//! without it skips the test with a message, in CI (`CI` set) that is a failure.

mod common;
use common::*;
use std::process::Command;

#[test]
fn queries_find_the_expected_codes() {
    if Command::new("node").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "node is missing in CI");
        eprintln!("skipped: install Node.js to run the search queries");
        return;
    }
    let out = bundled_site();
    let r = Command::new("node")
        .arg(repo().join("tests/search/run.mjs"))
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success(),
        "search queries failed:\n{}\n{}",
        stdout,
        String::from_utf8_lossy(&r.stderr)
    );
}

#[test]
fn index_stays_small() {
    // The index is loaded on a phone when the search field gets focus; it must stay a small
    // download. Sizes are measured uncompressed (gzip shrinks them about 3x; see README).
    let out = bundled_site();
    for (file, limit) in [
        ("search-index.json", 240_000),
        ("zh/search-index.json", 320_000),
    ] {
        let n = std::fs::metadata(out.join(file)).unwrap().len();
        assert!(n < limit, "{file} is {n} bytes, over {limit}");
    }
}
