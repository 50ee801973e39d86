//! Pair pages of the bundled site: the seed pair as a snapshot, the five sections on every
//! pair, Key difference texts that say something specific, little text copied from the code
//! pages, and Chinese punctuation and spacing.

mod common;
use codesite::compare::{self, Lang};
use codesite::diag::Diagnostics;
use codesite::model::Site as Model;
use common::site_checks::text_blocks;
use common::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The `<main>` element of a built page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn bundled_model() -> Model {
    let mut diags = Diagnostics::default();
    let loaded = codesite::load::load(&repo(), &mut diags);
    assert!(!diags.has_errors(), "bundled site must load");
    loaded.site.expect("bundled site has a config")
}

/// `(a, b, url path)` of every pair page, from the built site's folder names.
fn pair_pages(out: &Path) -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(out.join("smtp")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some((a, b)) = name.split_once("-vs-")
            && a < b
        {
            v.push((
                a.to_string(),
                b.to_string(),
                format!("smtp/{name}/index.html"),
            ));
        }
    }
    v.sort();
    v
}

fn labels(lang: &str) -> BTreeMap<String, String> {
    codesite::yaml::from_str(
        &std::fs::read_to_string(repo().join(format!("i18n/{lang}.yaml"))).unwrap(),
    )
    .unwrap()
}

#[test]
fn seed_pair_235_vs_451_en() {
    insta::assert_snapshot!(main_of(&read(bundled_site(), "smtp/235-vs-451/index.html")));
}

#[test]
fn seed_pair_235_vs_451_zh() {
    insta::assert_snapshot!(main_of(&read(
        bundled_site(),
        "zh/smtp/235-vs-451/index.html"
    )));
}

#[test]
fn every_pair_page_has_the_five_localized_sections() {
    let out = bundled_site();
    let pairs = pair_pages(out);
    assert!(pairs.len() >= 1176, "only {} pairs", pairs.len());
    for (prefix, lang) in [("", "en"), ("zh/", "zh")] {
        let t = labels(lang);
        for (a, b, rel) in &pairs {
            let html = read(out, &format!("{prefix}{rel}"));
            let main = main_of(&html);
            for (id, key) in [
                ("key-difference", "key_difference"),
                ("when-to-use-which", "when_to_use_which"),
            ] {
                let h = format!("<h2 id=\"{id}\">{}</h2>", t[key]);
                assert!(main.contains(&h), "{prefix}{rel}: missing {h}");
            }
            for code in [a, b] {
                for (id, key) in [
                    ("description", "description"),
                    ("when-it-occurs", "when_it_occurs"),
                    ("how-to-fix", "how_to_fix"),
                ] {
                    let h = format!("<h3 id=\"{code}-{id}\">{}</h3>", t[key]);
                    assert!(main.contains(&h), "{prefix}{rel}: missing {h}");
                }
            }
            assert!(
                main.contains("class=\"key-facts\""),
                "{prefix}{rel}: no key facts"
            );
            assert!(
                !main.contains("class=\"generated\""),
                "{prefix}{rel}: grey generated text"
            );
            assert!(
                main.contains("class=\"toc\""),
                "{prefix}{rel}: no contents list"
            );
        }
    }
}

/// Two pairs may share a Key difference text (with the codes masked) only when the facts of
/// their codes are identical: otherwise the text is not saying anything specific to the pair.
#[test]
fn key_difference_texts_differ_unless_the_facts_are_identical() {
    let site = bundled_model();
    let fam = &site.families[0];
    for l in &site.config.languages {
        let lang = Lang {
            code: &l.code,
            default: &site.config.languages[0].code,
            labels: &site.i18n[&l.code].map,
        };
        let mut seen: HashMap<String, (u16, u16)> = HashMap::new();
        let mut n = 0;
        for (ia, ib) in codesite::plan::family_pairs(fam) {
            let (a, b) = (&fam.codes[ia].data, &fam.codes[ib].data);
            let text = compare::key_difference(fam, a, b, &lang);
            assert!(
                !text.contains('{'),
                "{}-vs-{}: unfilled slot in {text}",
                a.code,
                b.code
            );
            let masked = text
                .replace(&a.code.to_string(), "‹A›")
                .replace(&b.code.to_string(), "‹B›");
            if let Some(&(pa, pb)) = seen.get(&masked) {
                let (oa, ob) = (&fam.code(pa).unwrap().data, &fam.code(pb).unwrap().data);
                assert!(
                    compare::facts(fam, a, &lang) == compare::facts(fam, oa, &lang)
                        && compare::facts(fam, b, &lang) == compare::facts(fam, ob, &lang),
                    "{}: {}-vs-{} and {pa}-vs-{pb} share the Key difference but not the facts:\n{text}",
                    l.code,
                    a.code,
                    b.code
                );
            }
            seen.insert(masked, (a.code, b.code));
            n += 1;
        }
        assert!(n >= 1176, "only {n} pairs");
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text blocks (paragraphs, list items, headings, cells) of a page's `<main>`.
fn blocks(html: &str) -> Vec<String> {
    text_blocks(main_of(html))
        .lines()
        .map(squash)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Share of a pair page's main text (in characters) that sits in blocks found verbatim in
/// the main text of the two code pages.
fn duplicated_share(pair: &str, code_a: &str, code_b: &str) -> f64 {
    let hay = format!(
        "{}\n{}",
        blocks(code_a).join("\n"),
        blocks(code_b).join("\n")
    );
    let (mut dup, mut total) = (0usize, 0usize);
    for b in blocks(pair) {
        let n = b.chars().count();
        total += n;
        if hay.contains(&b) {
            dup += n;
        }
    }
    dup as f64 / total.max(1) as f64
}

#[test]
fn duplication_measure_counts_copied_blocks() {
    let code = "<main><h1>451</h1><p>The server failed.</p><p>Try later.</p></main>";
    let pair = "<main><h1>451 vs 550</h1><p>The server failed.</p><p>New words here!</p></main>";
    let share = duplicated_share(pair, code, "<main></main>");
    let expected = "The server failed.".len() as f64
        / ("451 vs 550".len() + "The server failed.".len() + "New words here!".len()) as f64;
    assert!((share - expected).abs() < 1e-9, "{share} != {expected}");
    assert_eq!(duplicated_share(code, code, "<main></main>"), 1.0);
}

/// Generated pair pages repeat less than 40 % of their text from the two code pages. Prints the
/// distribution per language (`cargo test --test pairs duplication_under -- --nocapture`).
#[test]
fn duplication_under_40_percent_for_every_generated_pair() {
    let out = bundled_site();
    let curated: Vec<String> = std::fs::read_dir(repo().join("content/smtp/pairs"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".yaml")
                .to_string()
        })
        .collect();
    for prefix in ["", "zh/"] {
        let mut shares = Vec::new();
        let mut worst = Vec::new();
        for (a, b, rel) in pair_pages(out) {
            if curated.contains(&format!("{a}-vs-{b}")) {
                continue;
            }
            let share = duplicated_share(
                &read(out, &format!("{prefix}{rel}")),
                &read(out, &format!("{prefix}smtp/{a}/index.html")),
                &read(out, &format!("{prefix}smtp/{b}/index.html")),
            );
            if share >= 0.40 {
                worst.push(format!("{prefix}{rel}: {:.1} %", share * 100.0));
            }
            shares.push(share);
        }
        shares.sort_by(|x, y| x.partial_cmp(y).unwrap());
        eprintln!(
            "duplication {}: {} generated pairs, min {:.1} %, median {:.1} %, max {:.1} %",
            if prefix.is_empty() { "en" } else { "zh" },
            shares.len(),
            shares[0] * 100.0,
            shares[shares.len() / 2] * 100.0,
            shares[shares.len() - 1] * 100.0
        );
        assert!(shares.len() > 1000);
        assert!(
            worst.is_empty(),
            "pairs copying 40 % or more:\n{}",
            worst.join("\n")
        );
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Full-width punctuation that Chinese text uses.
fn is_cjk_punct(c: char) -> bool {
    "，。：；！？、（）“”‘’《》【】—…".contains(c)
}

/// Problems with Chinese punctuation and spacing in a text: ASCII punctuation next to a Chinese
/// character, a space between two Chinese characters (or next to full-width punctuation), and
/// Chinese glued to Latin letters or digits.
fn zh_problems(text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let ctx = |i: usize| -> String {
        chars[i.saturating_sub(8)..(i + 8).min(chars.len())]
            .iter()
            .collect()
    };
    for i in 0..chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        if ",;:!?()".contains(c) && (prev.is_some_and(is_han) || next.is_some_and(is_han)) {
            bad.push(format!("ASCII `{c}` next to Chinese: …{}…", ctx(i)));
        }
        if c == ' ' {
            let (Some(p), Some(n)) = (prev, next) else {
                continue;
            };
            let wide = |x: char| is_han(x) || is_cjk_punct(x);
            if (wide(p) && wide(n))
                || (is_cjk_punct(p) && n != ' ')
                || (is_cjk_punct(n) && p != ' ')
            {
                bad.push(format!(
                    "space between Chinese characters or punctuation: …{}…",
                    ctx(i)
                ));
            }
        }
        if let Some(n) = next
            && ((is_han(c) && n.is_ascii_alphanumeric())
                || (c.is_ascii_alphanumeric() && is_han(n)))
        {
            bad.push(format!("no space between Chinese and Latin: …{}…", ctx(i)));
        }
    }
    bad
}

#[test]
fn zh_checker_finds_what_it_should() {
    assert!(zh_problems("451 表示临时失败，稍后重试。").is_empty());
    assert_eq!(zh_problems("RFC 5321 第 4.2.2 节; RFC").len(), 1);
    assert_eq!(zh_problems("认证成功 与 451").len(), 1);
    assert_eq!(zh_problems("使用SPF记录").len(), 2);
    assert_eq!(zh_problems("出现在：ETRN。 其他").len(), 1);
}

/// Every Chinese pair page: generated and written text alike, headings, cells and paragraphs.
/// Example server lines and code spans are data and are left out.
#[test]
fn chinese_pair_pages_use_full_width_punctuation_and_spacing() {
    let out = bundled_site();
    let mut bad = Vec::new();
    for (_, _, rel) in pair_pages(out) {
        let html = read(out, &format!("zh/{rel}"));
        let main = main_of(&html);
        let main = strip(&strip(main, "<pre", "</pre>"), "<code", "</code>");
        let text = plain_text(&main);
        for p in zh_problems(&text) {
            bad.push(format!("zh/{rel}: {p}"));
        }
    }
    bad.sort();
    bad.dedup();
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad[..bad.len().min(40)].join("\n")
    );
}

/// Visible text with inline markup dropped as is (so it can neither hide a missing space nor
/// add one) and block boundaries as line breaks; each line trimmed.
fn plain_text(html: &str) -> String {
    let inline = [
        "a", "em", "strong", "span", "abbr", "b", "i", "kbd", "sup", "sub",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        let name: String = rest[i + 1..end]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !inline.contains(&name.as_str()) {
            out.push('\n');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let out = out
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    out.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

/// `s` with each span from `open` to `close` replaced by a placeholder word.
fn strip(s: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        match rest[i..].find(close) {
            Some(j) => {
                out.push_str("CODE");
                rest = &rest[i + j + close.len()..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The pair facts of a basic code are checked like every other field: all errors at once, with
/// file, line and column, and nothing written.
#[test]
fn missing_or_wrong_pair_facts_are_reported() {
    let site = Site::fixture("mini");
    let file = "content/smtp/codes/550.yaml";
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    let start = text.find("seen_when:\n").unwrap();
    let end = start + text[start..].find("\n  zh: ").unwrap();
    let end = end + 1 + text[end + 1..].find('\n').unwrap() + 1;
    let broken = format!("{}{}", &text[..start], &text[end..])
        .replace("who: [sender, sending_admin]", "who: [sender, postmaster]")
        .replace("send_when:\n  en:", "send_when:\n  fr: x\n  en:");
    site.write(file, &broken);
    let lines = broken.lines().count();
    let who_line = broken.lines().position(|l| l.starts_with("who:")).unwrap() + 1;
    let out = site.run(&["build"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        !site.root().join("public").exists(),
        "nothing may be written"
    );
    let expected = format!(
        "error: {file}:{who_line}:15: unknown `who` id `postmaster`\n  = hint: use one of: sender, sending_admin, receiving_admin, recipient\n\
         error: {file}:{}:3: `send_when` has text in unknown language `fr`\n  = hint: configured languages: en, zh\n\
         error: {file}:{}:1: `seen_when` is missing\n  = hint: pair pages compare codes with it; the README describes the field\n\
         3 errors found; nothing was written\n",
        who_line + 2,
        lines + 1,
    );
    assert_eq!(out.stderr, expected);
}

/// A reply to a command that carries no message (ETRN, VRFY, HELP …) must not say the message
/// is queued, retried or bounced: the generated sentences take the action word for it.
#[test]
fn replies_without_a_message_in_flight_claim_no_retry_or_bounce() {
    let site = bundled_model();
    let no_message = ["etrn", "atrn", "vrfy", "expn", "help", "noop", "quit"];
    let mut checked = 0;
    for c in &site.families[0].codes {
        let d = &c.data;
        if d.stages.iter().all(|s| no_message.contains(&s.as_str())) {
            assert!(
                !["retry", "bounce", "reconnect"].contains(&d.action.as_str()),
                "{}: action `{}` talks about a message, but it only answers {:?}",
                d.code,
                d.action,
                d.stages
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} such codes");
}

/// The first sentence of Key difference follows the rules: the most separating fact first.
#[test]
fn key_difference_rules_pick_the_most_separating_fact() {
    let site = bundled_model();
    let fam = &site.families[0];
    let kd = |lang: &str, a: u16, b: u16| {
        let l = Lang {
            code: lang,
            default: "en",
            labels: &site.i18n[lang].map,
        };
        compare::key_difference(
            fam,
            &fam.code(a).unwrap().data,
            &fam.code(b).unwrap().data,
            &l,
        )
    };
    let cases: &[(u16, u16, &str)] = &[
        // success against failure, different next steps
        (
            235,
            451,
            "235 is a success and 451 is a temporary failure: after 235 the sending side carries on",
        ),
        // different classes, same next step: no invented contrast
        (
            432,
            535,
            "432 is a temporary failure and 535 is a permanent failure, yet after either one",
        ),
        // same class, different next step
        (
            421,
            451,
            "Like 421, 451 is a temporary failure, but after 421 the sending side drops the connection",
        ),
        // same class and step, different people to act
        (
            510,
            541,
            "what differs is who has to act: the sender for 510, the sending server's admin for 541.",
        ),
        // then where in the session: what only one of them answers
        (
            450,
            451,
            "what differs is where they come back: only 450 at ATRN, only 451 at the DATA command.",
        ),
        (
            530,
            535,
            "what differs is that only 530 also comes back at MAIL FROM or RCPT TO.",
        ),
        // `any command` covers every stage: nothing left but the cause
        (500, 502, "can come back at the same points in the session"),
    ];
    for (a, b, want) in cases {
        let text = kd("en", *a, *b);
        assert!(
            text.contains(want),
            "{a}-vs-{b}: expected {want:?} in\n{text}"
        );
    }
    let zh = kd("zh", 450, 451);
    assert!(
        zh.contains("只有 450 会出现在 ATRN，只有 451 会出现在 DATA 命令。"),
        "{zh}"
    );
    // An ETRN reply has no message in flight: nothing is queued, retried or bounced.
    let etrn = kd("en", 458, 459);
    assert!(
        !etrn.contains("queued") && !etrn.contains("bounce"),
        "{etrn}"
    );
}
