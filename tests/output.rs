//! The output folder: atomic swap, skipping unchanged files, removing stale ones, surviving a
//! build killed half-way.

mod common;
use common::*;
use std::time::{Duration, Instant};

fn changed(stdout: &str) -> usize {
    // "wrote 59 files, 12 changed, 0.41 s"
    let i = stdout
        .find(" changed,")
        .unwrap_or_else(|| panic!("{stdout}"));
    stdout[..i]
        .rsplit(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap()
}

#[test]
fn unchanged_files_are_not_rewritten_and_stale_files_go() {
    let site = Site::fixture("mini");
    assert_eq!(site.run(&["build"]).code, 0);
    // The second build fills the sibling folder; from the third on it is updated in place.
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.root().join("public/smtp/235/index.html");
    let before = std::fs::metadata(&page).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let out = site.run(&["build"]);
    assert_eq!(changed(&out.stdout), 0, "{}", out.stdout);
    let out = site.run(&["build"]);
    assert_eq!(changed(&out.stdout), 0, "{}", out.stdout);
    assert_eq!(
        std::fs::metadata(&page).unwrap().modified().unwrap(),
        before,
        "an unchanged page was rewritten"
    );

    // One title changes: the pages that show it change, the rest stay.
    site.edit(
        "content/smtp/codes/235.yaml",
        "Authentication succeeded",
        "Authentication successful",
    );
    let out = site.run(&["build"]);
    let n = changed(&out.stdout);
    assert!(n > 0 && n < 40, "{}", out.stdout);
    assert!(
        site.read("smtp/235/index.html")
            .contains("Authentication successful")
    );

    // A code removed: its pages disappear from the output.
    std::fs::remove_file(site.root().join("content/smtp/pairs/451-vs-550.yaml")).unwrap();
    site.edit(
        "content/smtp/codes/451.yaml",
        "related: [550]",
        "related: []",
    );
    site.edit(
        "content/smtp/codes/550.yaml",
        "related: [451]",
        "related: []",
    );
    site.edit(
        "content/smtp/enhanced/x.7.1.yaml",
        "basic: [451, 550]",
        "basic: [451]",
    );
    site.edit(
        "content/smtp/providers/5.7.606-5.7.609.yaml",
        "basic: [550]",
        "basic: [451]",
    );
    std::fs::remove_file(site.root().join("content/smtp/codes/550.yaml")).unwrap();
    site.edit(
        "content/smtp/codes/451.yaml",
        "related: []",
        "related: [235]",
    );
    site.edit(
        "content/smtp/codes/235.yaml",
        "related: [550]",
        "related: [451]",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!site.root().join("public/smtp/550").exists());
    assert!(!site.root().join("public/smtp/451-vs-550").exists());
    assert!(
        site.root()
            .join("public/smtp/235-vs-451/index.html")
            .is_file()
    );
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let b = std::fs::read(dir.join(&f)).unwrap();
            (f, b)
        })
        .collect()
}

/// Adds 98 synthetic codes to the fixture so that a build takes long enough to be killed.
fn grow(site: &Site) {
    for code in (401..450).chain(501..550) {
        let class = code / 100;
        let action = if class == 4 { "retry" } else { "bounce" };
        site.write(
            &format!("content/smtp/codes/{code}.yaml"),
            &format!(
                "code: {code}\nclass: {class}\ntitle: {{en: Title {code}, zh: 标题 {code}}}\nsummary: {{en: Summary., zh: 摘要。}}\nstages: [rcpt]\naction: {action}\nrfcs: [{{rfc: 5321, section: \"4.2.3\"}}]\ndescription: {{en: Text., zh: 正文。}}\nwhen: {{en: Often., zh: 经常。}}\nfix:\n  sender: {{en: Wait., zh: 等待。}}\nsend_when: {{en: \"it sends {code}\", zh: 它发送 {code}}}\nseen_when: {{en: \"you see {code}\", zh: 你看到 {code}}}\n"
            ),
        );
    }
}

#[test]
fn a_build_killed_half_way_leaves_the_previous_output_intact() {
    let site = Site::fixture("mini");
    assert_eq!(site.run(&["build"]).code, 0);
    let public = site.root().join("public");
    let before = snapshot(&public);

    grow(&site);
    let next = site.root().join(".public.codesite/next");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_codesite"))
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .spawn()
        .unwrap();
    // Kill it once it is writing the new site.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !next.join("smtp").is_dir() {
        assert!(Instant::now() < deadline, "the build never started writing");
        if child.try_wait().unwrap().is_some() {
            panic!("the build finished before it could be killed; grow the fixture");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let after = snapshot(&public);
    assert!(before == after, "public/ changed after a killed build");

    // The next build recovers and publishes the grown site.
    let out = site.run(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(site.read("smtp/401/index.html").contains("Title 401"));
    assert!(
        site.read("zh/smtp/401-vs-402/index.html")
            .contains("标题 402")
    );
}
