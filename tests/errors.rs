//! The error catalog: one broken input per failure class, with the exact message a contributor
//! sees. Every case also checks the exit code, that a previous build's output is untouched, and
//! that `check` reports exactly the same errors as `build`.

mod common;
use common::*;

/// Builds once (so there is a previous output), applies `breakage`, builds again and returns
/// stderr, asserting exit code 1, that the previous output is unchanged and that `check` with the
/// same arguments prints exactly the same errors.
fn fails(breakage: impl FnOnce(&Site), args: &[&str]) -> String {
    let site = Site::fixture("mini");
    assert_eq!(site.run(&["build"]).code, 0);
    let before = site.read("smtp/451/index.html");
    breakage(&site);
    let mut full = vec!["build"];
    full.extend_from_slice(args);
    let out = site.run(&full);
    assert_eq!(
        out.code, 1,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert_eq!(
        site.read("smtp/451/index.html"),
        before,
        "previous output changed"
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let mut check = vec!["check"];
    check.extend_from_slice(args);
    let checked = site.run(&check);
    assert_eq!(
        (
            checked.code,
            checked.stdout.as_str(),
            checked.stderr.as_str()
        ),
        (1, "", out.stderr.as_str()),
        "check and build disagree"
    );
    out.stderr
}

#[test]
fn malformed_yaml() {
    let err = fails(
        |s| {
            s.edit(
                "content/smtp/codes/550.yaml",
                "action: bounce",
                "action: \"bounce",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn wrong_type() {
    let err = fails(
        |s| {
            s.edit(
                "content/smtp/codes/550.yaml",
                "code: 550",
                "code: five-fifty",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_field() {
    let err = fails(
        |s| {
            s.edit("content/smtp/codes/550.yaml", "summary:", "sumary:");
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn duplicate_code() {
    let err = fails(
        |s| {
            let text =
                std::fs::read_to_string(s.root().join("content/smtp/codes/550.yaml")).unwrap();
            s.write("content/smtp/codes/551.yaml", &text);
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn class_disagrees_with_first_digit() {
    let err = fails(
        |s| {
            s.edit("content/smtp/codes/550.yaml", "class: 5", "class: 4");
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_related_code_and_enhanced_code() {
    let err = fails(
        |s| {
            s.edit(
                "content/smtp/codes/550.yaml",
                "related: [451]",
                "related: [451, 999]",
            );
            s.edit(
                "content/smtp/codes/550.yaml",
                r#"enhanced: ["5.7.1"]"#,
                r#"enhanced: ["5.7.1", "5.9.9", "4.7.1"]"#,
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn bad_references() {
    let err = fails(
        |s| {
            s.edit(
                "content/smtp/codes/550.yaml",
                r#"section: "4.2.3""#,
                r#"section: "4..2""#,
            );
            s.edit("content/smtp/codes/451.yaml", "rfc: 5321", "rfc: 5312");
            s.edit(
                "content/smtp/enhanced/x.7.1.yaml",
                "url: \"https://www.iana.org/",
                "url: \"http://www.iana.org/",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn enhanced_entry_without_any_reference() {
    let err = fails(
        |s| {
            let path = "content/smtp/enhanced/x.7.1.yaml";
            let text = std::fs::read_to_string(s.root().join(path)).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| {
                    !l.starts_with("rfcs:") && !l.starts_with("sources:") && !l.starts_with("  - {")
                })
                .collect();
            s.write(path, &kept.join("\n"));
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn pair_with_missing_code() {
    let err = fails(
        |s| {
            s.write(
                "content/smtp/pairs/235-vs-999.yaml",
                "note: {en: x, zh: x}\n",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn pair_with_higher_code_first() {
    let err = fails(
        |s| {
            s.write(
                "content/smtp/pairs/550-vs-451.yaml",
                "note: {en: x, zh: x}\n",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn missing_translation_under_strict() {
    let err = fails(
        |s| {
            s.edit(
                "content/smtp/codes/235.yaml",
                "title: {en: Authentication succeeded, zh: 认证成功}",
                "title: {en: Authentication succeeded}",
            );
        },
        &["--strict"],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn missing_i18n_label() {
    let err = fails(
        |s| {
            s.edit("i18n/zh.yaml", "how_to_fix: 如何修复\n", "");
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn template_syntax_error() {
    let err = fails(
        |s| {
            s.edit(
                "templates/code.html",
                "{{ code.summary }}",
                "{{ code.summary }",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn template_undefined_variable() {
    let err = fails(
        |s| {
            s.edit(
                "templates/code.html",
                "{{ code.summary }}",
                "{{ code.sumary }}",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn invalid_utf8() {
    let err = fails(
        |s| {
            let p = s.root().join("content/smtp/codes/550.yaml");
            let mut b = std::fs::read(&p).unwrap();
            b.extend_from_slice(b"note: \xff\xfe\n");
            std::fs::write(p, b).unwrap();
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn empty_content_folder() {
    let err = fails(
        |s| {
            std::fs::remove_dir_all(s.root().join("content/smtp")).unwrap();
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn unsafe_language_code() {
    let err = fails(
        |s| {
            s.edit("config.yaml", "code: zh", "code: ../zh");
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn bad_config_values() {
    // Each value ends up in URLs, robots.txt, HTML attributes or the CNAME file.
    let err = fails(
        |s| {
            s.edit(
                "config.yaml",
                "base_url: https://mini.example.org/",
                "base_url: \"/docs/\\nDisallow: /\"",
            );
            s.edit("config.yaml", "html_lang: zh-Hans", "html_lang: zh_Hans");
            s.edit("config.yaml", "locale: en_US", "locale: en-us");
            let text = std::fs::read_to_string(s.root().join("config.yaml")).unwrap();
            s.write(
                "config.yaml",
                &format!("{text}cname: https://smtp.example.com/\n"),
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn unsafe_names() {
    let err = fails(
        |s| {
            let text = std::fs::read_to_string(s.root().join("content/smtp/family.yaml")).unwrap();
            s.write("content/Bad Name/family.yaml", &text);
            s.write(
                "content/smtp/enhanced/x.7.1.yaml",
                &std::fs::read_to_string(s.root().join("content/smtp/enhanced/x.7.1.yaml"))
                    .unwrap()
                    .replace("code: X.7.1", "code: X.7.1/../../etc"),
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn file_too_large() {
    let err = fails(
        |s| {
            let big = format!("code: 550\n# {}\n", "x".repeat(3 * 1024 * 1024));
            s.write("content/smtp/codes/552.yaml", &big);
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn deeply_nested_yaml() {
    let err = fails(
        |s| {
            let deep = format!("code: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
            s.write("content/smtp/codes/552.yaml", &deep);
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn all_errors_reported_together_sorted_by_file() {
    let err = fails(
        |s| {
            s.edit("content/smtp/codes/550.yaml", "summary:", "sumary:");
            s.edit("content/smtp/codes/235.yaml", "class: 2", "class: 3");
            s.write(
                "content/smtp/pairs/235-vs-999.yaml",
                "note: {en: x, zh: x}\n",
            );
            s.edit(
                "templates/code.html",
                "{{ code.summary }}",
                "{{ code.summary }",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn refuses_output_it_did_not_create() {
    let site = Site::fixture("mini");
    let foreign = site.tmp.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("precious.txt"), "keep me").unwrap();
    let out = site.run(&["build", "--output", foreign.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("refusing to replace")
            && out.stderr.contains("was not created by codesite"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("precious.txt")).unwrap(),
        "keep me"
    );

    let out = site.run(&["build", "--output", "."]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("refusing to write to"),
        "{}",
        out.stderr
    );
    assert!(site.root().join("config.yaml").is_file());
}

#[test]
fn symbolic_links_are_refused() {
    let err = fails(
        |s| {
            std::os::unix::fs::symlink("/etc/passwd", s.root().join("content/smtp/codes/552.yaml"))
                .unwrap();
            std::os::unix::fs::symlink(
                "/nonexistent",
                s.root().join("content/smtp/codes/553.yaml"),
            )
            .unwrap();
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn a_folder_where_a_file_belongs() {
    let err = fails(
        |s| std::fs::create_dir_all(s.root().join("content/smtp/codes/552.yaml")).unwrap(),
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn glossary_variant_in_chinese_text() {
    // A variant in a content field, in a label, and an English word that only looks like one:
    // the glossary applies to the text under `zh:` keys and to i18n/zh.yaml, nowhere else.
    let err = fails(
        |s| {
            s.edit(
                "content/smtp/codes/451.yaml",
                "zh: 服务器出现临时故障。",
                "zh: 服务器出现临时故障，或者正在限流。",
            )
            .edit(
                "content/smtp/codes/451.yaml",
                "en: Wait.",
                "en: Wait (身份验证 is only an example here).",
            )
            .edit(
                "i18n/zh.yaml",
                "fix_sending_admin: 如果你管理发件方服务器",
                "fix_sending_admin: 如果你管理发送方服务器",
            );
        },
        &[],
    );
    assert_eq!(
        err,
        "error: content/smtp/codes/451.yaml:4:70: “限流” is not the glossary term for rate limiting, throttling: write “限速”
  = hint: 接收方限制连接数、每小时邮件数或登录次数，都叫“限速”。
error: i18n/zh.yaml:50:25: “发送方服务器” is not the glossary term for sending server (the MTA that delivers the message): write “发件方服务器”
  = hint: 与“接收方服务器”对称；邮件客户端里的 outgoing server 设置写作“发件服务器（SMTP）”。
2 errors found; nothing was written
"
    );
}

/// Every way a provider page can point nowhere or say too little, in one run.
#[test]
fn provider_page_errors() {
    let err = fails(
        |s| {
            s.write(
                "content/smtp/providers/5.7.700.yaml",
                r#"slug: 5.7.70
title: {en: "Example Mail: blocked", zh: "Example Mail：被封禁"}
summary: {en: Blocked.}
providers: [examplemail, hotmale]
entry: X.7.99
codes: ["5.7.701", "5.7.800-5.7.790", "6.1.1", "4.7.1-5.7.9"]
basic: [550, 599]
patterns: ["IP", "Blocked here", "blocked HERE"]
who: []
retry: false
description: {en: Blocked., zh: 被封禁。}
when: {en: Always., zh: 总是。}
fix:
  sender: {en: Wait., zh: 稍等。}
sources:
  - {kind: vendor, title: "Example", url: "http://mail.example.com/errors"}
"#,
            );
        },
        &["--strict"],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn provider_page_with_unknown_audience() {
    let err = fails(
        |s| {
            s.edit(
                "content/smtp/providers/5.7.607.yaml",
                "who: [sender]",
                "who: [sender, postmaster]",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

/// Two pages may not claim one code, unless one names it on its own inside the other's range.
#[test]
fn provider_pages_claiming_the_same_code() {
    let err = fails(
        |s| {
            s.write(
                "content/smtp/providers/5.7.608-5.7.620.yaml",
                &std::fs::read_to_string(
                    s.root().join("content/smtp/providers/5.7.606-5.7.609.yaml"),
                )
                .unwrap()
                .replace("5.7.606-5.7.609", "5.7.608-5.7.620"),
            );
            s.write(
                "content/smtp/providers/example-607.yaml",
                &std::fs::read_to_string(s.root().join("content/smtp/providers/5.7.607.yaml"))
                    .unwrap()
                    .replace("slug: 5.7.607", "slug: example-607"),
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn provider_text_page_without_patterns_or_sources() {
    let err = fails(
        |s| {
            s.write(
                "content/smtp/providers/example-text.yaml",
                r#"slug: example-text
title: {en: "Example Mail: a text", zh: "Example Mail：一段文字"}
summary: {en: A text., zh: 一段文字。}
providers: [examplemail]
who: [sender]
retry: true
description: {en: Text., zh: 文字。}
when: {en: Always., zh: 总是。}
fix:
  sender: {en: Wait., zh: 稍等。}
"#,
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn pair_file_names_in_canonical_form_only() {
    let err = fails(
        |s| {
            s.write(
                "content/smtp/pairs/0451-vs-550.yaml",
                "note: {en: x, zh: x}\n",
            );
            s.write(
                "content/smtp/pairs/+235-vs-451.yaml",
                "note: {en: x, zh: x}\n",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn duplicate_keys_in_any_map() {
    let err = fails(
        |s| {
            // Top level, in a nested map, and in the labels.
            s.edit(
                "content/smtp/codes/550.yaml",
                "class: 5",
                "class: 5\nclass: 4",
            );
            s.edit(
                "content/smtp/codes/235.yaml",
                "title: {en: Authentication succeeded,",
                "title: {en: Authentication succeeded, en: Other,",
            );
            s.edit(
                "i18n/zh.yaml",
                "how_to_fix: 如何修复\n",
                "how_to_fix: 如何修复\nhow_to_fix: 怎么办\n",
            );
        },
        &[],
    );
    insta::assert_snapshot!(err);
}
