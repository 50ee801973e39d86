//! Builds the `mini` fixture and checks the output against snapshots, like mdBook's testsuite.

mod common;
use common::*;

fn built() -> Site {
    let site = Site::fixture("mini");
    let out = site.run(&["build", "--strict"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    site
}

#[test]
fn output_file_list() {
    let site = built();
    insta::assert_snapshot!(files(&site.root().join("public")).join("\n"));
}

#[test]
fn summary_line_counts_pages_per_kind_and_language() {
    let site = Site::fixture("mini");
    let out = site.run(&["build", "--verbose"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (line, detail) = out.stdout.trim().split_once('\n').unwrap();
    assert!(line.starts_with("wrote 90 files, "), "{line}");
    assert!(line.ends_with(" s"), "{line}");
    assert!(
        detail.contains("en: 1 404, 3 code, 1 enhanced, 1 explain, 1 explain-index, 1 home, 1 index, 3 pair, 2 provider, 21 redirect, 1 search, 1 search-index"),
        "{detail}"
    );
    assert!(
        detail.contains("zh: 1 404, 3 code, 1 enhanced, 1 explain, 1 explain-index, 1 home, 1 index, 3 pair, 2 provider, 21 redirect, 1 search, 1 search-index"),
        "{detail}"
    );
}

#[test]
fn snapshot_code_page_en() {
    insta::assert_snapshot!(built().read("smtp/451/index.html"));
}

#[test]
fn snapshot_code_page_zh() {
    insta::assert_snapshot!(built().read("zh/smtp/451/index.html"));
}

#[test]
fn snapshot_pair_page_en() {
    insta::assert_snapshot!(built().read("smtp/451-vs-550/index.html"));
}

#[test]
fn snapshot_pair_page_zh() {
    insta::assert_snapshot!(built().read("zh/smtp/451-vs-550/index.html"));
}

#[test]
fn snapshot_redirect_pages() {
    let site = built();
    insta::assert_snapshot!(site.read("smtp/550-vs-451/index.html"));
    insta::assert_snapshot!(site.read("zh/smtp/5.7.1/index.html"));
}

#[test]
fn snapshot_home_en() {
    insta::assert_snapshot!(built().read("index.html"));
}

#[test]
fn snapshot_home_zh() {
    insta::assert_snapshot!(built().read("zh/index.html"));
}

#[test]
fn snapshot_provider_page_en() {
    insta::assert_snapshot!(built().read("smtp/5.7.606-5.7.609/index.html"));
}

#[test]
fn snapshot_provider_page_zh() {
    insta::assert_snapshot!(built().read("zh/smtp/5.7.606-5.7.609/index.html"));
}

#[test]
fn provider_codes_redirect_to_their_page_and_a_single_code_wins_over_a_range() {
    let site = built();
    let target = |path: &str| {
        let html = site.read(path);
        let i = html
            .find("url=")
            .unwrap_or_else(|| panic!("{path} is not a redirect"));
        html[i + 4..].split('"').next().unwrap().to_string()
    };
    for c in ["5.7.606", "5.7.608", "5.7.609"] {
        assert_eq!(
            target(&format!("smtp/{c}/index.html")),
            "/smtp/5.7.606-5.7.609/"
        );
        assert_eq!(
            target(&format!("zh/smtp/{c}/index.html")),
            "/zh/smtp/5.7.606-5.7.609/"
        );
        assert_eq!(target(&format!("{c}/index.html")), "/smtp/5.7.606-5.7.609/");
    }
    // 5.7.607 has a page of its own inside the range; its other class redirects to it.
    assert!(
        site.read("smtp/5.7.607/index.html")
            .contains("<h1>Example Mail: a single code")
    );
    assert_eq!(target("smtp/4.7.607/index.html"), "/smtp/5.7.607/");
    // The registry entry lists its provider pages; the family index lists all of them.
    let entry = site.read("smtp/x.7.1/index.html");
    assert!(entry.contains("href=\"/smtp/5.7.606-5.7.609/\""), "{entry}");
    assert!(!entry.contains("href=\"/smtp/5.7.607/\""));
    let index = site.read("smtp/index.html");
    assert!(index.contains("id=\"provider-examplemail\""));
    assert!(index.contains("href=\"/smtp/5.7.607/\""));
    // 5.7.607 refines no entry: its subject section lists it.
    let subject = &index[index.find("id=\"subject-7\"").unwrap()..];
    assert!(subject.contains("href=\"/smtp/5.7.607/\""));
}

#[test]
fn snapshot_enhanced_page() {
    insta::assert_snapshot!(built().read("smtp/x.7.1/index.html"));
}

#[test]
fn missing_translation_falls_back_to_english_marked_as_such() {
    let site = Site::fixture("mini");
    site.edit(
        "content/smtp/codes/550.yaml",
        r#"description: {en: "The server will not deliver to this mailbox.", zh: "服务器不会投递到这个邮箱。"}"#,
        r#"description: {en: "The server will not deliver to this mailbox."}"#,
    );
    let out = site.run(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        "warning: content/smtp/codes/550.yaml:12:1: `description` is not translated into `zh`"
    );
    let zh = site.read("zh/smtp/550/index.html");
    assert!(
        zh.contains(r#"<p class="untranslated">尚未翻译，以下为英文原文。</p><div lang="en"><p>The server will not deliver to this mailbox.</p>"#),
        "{zh}"
    );
    // With --strict the same input is an error and the previous output stays.
    let before = site.read("zh/smtp/550/index.html");
    let out = site.run(&["build", "--strict"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: content/smtp/codes/550.yaml:12:1: `description` is not translated into `zh`\n  = hint: add a `zh:` entry under `description`\n1 error found; nothing was written\n"
    );
    assert_eq!(site.read("zh/smtp/550/index.html"), before);
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("mini");
    let out = site.run(&["check", "--strict"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let n: usize = out
        .stdout
        .strip_prefix("ok: ")
        .and_then(|s| s.strip_suffix(" files would be written\n"))
        .unwrap_or_else(|| panic!("{}", out.stdout))
        .parse()
        .unwrap();
    assert!(!site.root().join("public").exists());
    // The same count as a real build writes (nothing of codesite's own is in the output).
    assert_eq!(site.run(&["build"]).code, 0);
    let written = files(&site.root().join("public"));
    assert_eq!(written.len(), n);
}

#[test]
fn usage_error_exits_2() {
    let out = run_in(&repo(), &["build", "--no-such-flag"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--no-such-flag"), "{}", out.stderr);
}

#[test]
fn markdown_html_in_content_is_sanitized() {
    let site = Site::fixture("mini");
    site.edit(
        "content/smtp/codes/550.yaml",
        r#"description: {en: "The server will not deliver to this mailbox.""#,
        r#"description: {en: "Bad <script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))""#,
    );
    let out = site.run(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = site.read("smtp/550/index.html");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(!page.contains("javascript:"), "{page}");
    // Raw HTML is shown as text.
    assert!(
        page.contains("Bad &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
}

#[test]
fn base_url_prefixes_every_internal_link() {
    let site = Site::fixture("mini");
    let out = site.run(&["build", "--base-url", "https://org.github.io/repo/"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = site.read("zh/smtp/451/index.html");
    assert!(
        page.contains(r#"<link rel="canonical" href="https://org.github.io/repo/zh/smtp/451/">"#),
        "{page}"
    );
    assert!(page.contains(r#"href="/repo/zh/smtp/550/""#), "{page}");
    assert!(page.contains(r#"href="/repo/style.css""#), "{page}");
    assert!(!page.contains(r#"href="/smtp"#), "{page}");
}

#[test]
fn a_base_url_without_a_host_warns_and_leaves_out_relative_permalinks() {
    let site = Site::fixture("mini");
    site.edit(
        "config.yaml",
        "base_url: https://mini.example.org/",
        "base_url: /",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "warning: config.yaml:7:1: base_url `/` has no host, so sitemap.xml, the robots.txt Sitemap line, canonical and hreflang links and og:url are left out (they must be absolute URLs)\n  = hint: for a published build pass --base-url https://HOST/PATH/ (the Pages workflow does)\n"
    );
    let page = site.read("smtp/451/index.html");
    assert!(!page.contains("rel=\"canonical\""), "{page}");
    assert!(!page.contains("hreflang=\"en\" href"), "{page}");
    assert!(!page.contains("og:url"), "{page}");
    assert!(!site.root().join("public/sitemap.xml").exists());
    assert_eq!(site.read("robots.txt"), "User-agent: *\nAllow: /\n");
}
