//! Source-of-truth checks: the bundled SMTP content against checked-in copies of its sources
//! (`tests/data/`: the IANA "SMTP Enhanced Status Codes" registry and the RFC 5321 reply-code
//! list), and lints for the classes of factual error a review found (timeouts stated as maxima,
//! example lines whose codes disagree with their page). `tests/data/README.md` says how to
//! refresh the copies.

mod common;

use codesite::diag::Diagnostics;
use codesite::model::{Code, Enhanced, Family, SourceKind, parse_enhanced};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;

/// The bundled site's SMTP family, loaded with the real loader.
fn smtp() -> Family {
    let mut diags = Diagnostics::default();
    let loaded = codesite::load::load(&common::repo(), &mut diags);
    assert!(
        !diags.has_errors(),
        "bundled site does not load: {:?}",
        diags.sorted()
    );
    let site = loaded.site.expect("config loads");
    site.families
        .into_iter()
        .find(|f| f.slug == "smtp")
        .expect("smtp family")
}

/// Parses RFC 4180 CSV (quoted fields may hold commas, newlines and doubled quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Reads a CSV from `tests/data/` as maps from header to value.
fn data_csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(common::repo().join("tests/data").join(name)).unwrap();
    let mut rows = parse_csv(&text).into_iter();
    let header = rows.next().expect("header row");
    rows.map(|r| {
        assert_eq!(
            r.len(),
            header.len(),
            "{name}: row {r:?} has the wrong field count"
        );
        header.iter().cloned().zip(r).collect()
    })
    .collect()
}

/// One row of the registry's enumerated status codes.
struct RegistryRow {
    code: String,
    sample: String,
    basic: String,
    description: String,
    reference: String,
}

fn registry() -> Vec<RegistryRow> {
    data_csv("smtp-enhanced-status-codes-3.csv")
        .into_iter()
        .map(|r| RegistryRow {
            code: r["Code"].clone(),
            sample: r["Sample Text"].clone(),
            basic: r["Associated basic status code"].clone(),
            description: r["Description"].clone(),
            reference: r["Reference"].clone(),
        })
        .collect()
}

/// Collapses runs of whitespace (the registry wraps its texts).
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The concrete basic codes in the registry's "Associated basic status code" column, which
/// mixes lists ("451, 550"), "250 or 251", "451/550", notes ("other 4XX … allowed") and
/// placeholders ("Not given", "Any", "5XX", ".").
fn registry_basic(raw: &str) -> Vec<u16> {
    let mut out: Vec<u16> = raw
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|t| t.parse().ok())
        .filter(|n| (200..600).contains(n))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The classes a registry row requires: the first digits of its basic codes, `4XX`/`5XX`
/// placeholders, and what its description says the code is useful as.
fn implied_classes(row: &RegistryRow) -> BTreeSet<u8> {
    let mut cl: BTreeSet<u8> = registry_basic(&row.basic)
        .iter()
        .map(|b| (b / 100) as u8)
        .collect();
    if row.basic.contains("4XX") {
        cl.insert(4);
    }
    if row.basic.contains("5XX") {
        cl.insert(5);
    }
    let d = norm(&row.description).to_lowercase();
    if [
        "persistent transient",
        "transient persistent",
        "persistent temporary",
        "transient error",
        "might be temporary",
    ]
    .iter()
    .any(|p| d.contains(p))
    {
        cl.insert(4);
    }
    if d.contains("permanent") {
        cl.insert(5);
    }
    if [
        "successful delivery",
        "positive delivery",
        "delivery was successfully",
    ]
    .iter()
    .any(|p| d.contains(p))
    {
        cl.insert(2);
    }
    cl
}

/// RFC numbers and draft names in the registry's "Reference" column.
fn registry_refs(raw: &str) -> (BTreeSet<u32>, BTreeSet<String>) {
    let mut rfcs = BTreeSet::new();
    let mut drafts = BTreeSet::new();
    for part in raw.split('[').skip(1) {
        let name = part.split(']').next().unwrap_or("");
        if let Some(n) = name.strip_prefix("RFC") {
            rfcs.insert(n.parse().expect("RFC number"));
        } else if name.starts_with("draft-") {
            drafts.insert(name.to_string());
        }
    }
    (rfcs, drafts)
}

fn entries_by_code(fam: &Family) -> BTreeMap<String, &Enhanced> {
    fam.enhanced
        .iter()
        .map(|e| (e.data.code.clone(), e))
        .collect()
}

#[test]
fn csv_parser_reads_quotes_commas_and_newlines() {
    let rows = parse_csv("a,b\n\"x, \"\"y\"\"\nz\",2\n");
    assert_eq!(rows, vec![vec!["a", "b"], vec!["x, \"y\"\nz", "2"]]);
    assert_eq!(registry_basic("250 or 251"), vec![250, 251]);
    assert_eq!(registry_basic("451/550"), vec![451, 550]);
    assert_eq!(
        registry_basic("552 (other 4XX or 5XX codes are allowed)"),
        vec![552]
    );
    assert!(registry_basic("Not given").is_empty() && registry_basic("5XX").is_empty());
}

#[test]
fn every_registry_entry_has_a_page_and_no_page_is_invented() {
    let fam = smtp();
    let reg: BTreeSet<String> = registry().into_iter().map(|r| r.code).collect();
    let site: BTreeSet<String> = entries_by_code(&fam).into_keys().collect();
    let missing: Vec<_> = reg.difference(&site).collect();
    let extra: Vec<_> = site.difference(&reg).collect();
    assert!(
        missing.is_empty(),
        "registry entries without a page: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "pages for codes not in the registry: {extra:?}"
    );
}

#[test]
fn titles_are_the_registry_sample_texts() {
    let fam = smtp();
    let by = entries_by_code(&fam);
    let mut bad = Vec::new();
    for row in registry() {
        let e = by[&row.code];
        let title = norm(&e.data.title["en"]);
        if row.sample.is_empty() {
            // X.6.10 has no sample text: the registry only says it duplicates X.6.8.
            if !title.contains("X.6.8") || !norm(&row.description).contains("X.6.8") {
                bad.push(format!("{}: {title:?}", row.code));
            }
        } else if title.to_lowercase() != norm(&row.sample).to_lowercase() {
            // The registry's words, in the site's sentence case: its own capitals are
            // inconsistent ("Other undefined Status", "User Account Disabled").
            bad.push(format!(
                "{}: {title:?} vs registry {:?}",
                row.code,
                norm(&row.sample)
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "titles differ from the registry:\n{}",
        bad.join("\n")
    );
}

#[test]
fn basic_lists_are_the_registry_associations() {
    let fam = smtp();
    let by = entries_by_code(&fam);
    let mut bad = Vec::new();
    for row in registry() {
        let e = by[&row.code];
        let want = registry_basic(&row.basic);
        let mut have = e.data.basic.clone();
        have.sort_unstable();
        if have != want {
            bad.push(format!(
                "{}: basic {have:?}, registry {want:?} ({:?})",
                row.code, row.basic
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn classes_cover_what_the_registry_allows() {
    let fam = smtp();
    let by = entries_by_code(&fam);
    let mut bad = Vec::new();
    for row in registry() {
        let e = by[&row.code];
        let have: BTreeSet<u8> = e.data.classes.iter().copied().collect();
        let want = implied_classes(&row);
        if !want.is_subset(&have) {
            bad.push(format!(
                "{}: classes {have:?}, registry needs {want:?}",
                row.code
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn entries_cite_what_the_registry_cites() {
    let fam = smtp();
    let by = entries_by_code(&fam);
    let mut bad = Vec::new();
    for row in registry() {
        let e = by[&row.code];
        let (rfcs, drafts) = registry_refs(&row.reference);
        assert!(
            !rfcs.is_empty() || !drafts.is_empty(),
            "{}: no reference parsed",
            row.code
        );
        let cited: BTreeSet<u32> = e.data.rfcs.iter().map(|r| r.rfc).collect();
        for n in rfcs.difference(&cited) {
            bad.push(format!("{}: the registry cites RFC {n}", row.code));
        }
        for d in &drafts {
            let ok = e
                .data
                .sources
                .iter()
                .any(|s| s.kind == SourceKind::Draft && s.url.contains(d.as_str()));
            if !ok {
                bad.push(format!(
                    "{}: the registry cites {d}; add it to `sources`",
                    row.code
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn registry_only_basic_codes_say_so() {
    // A basic code that exists only because the registry associates it with an entry is
    // marked non-standard and cites the registry.
    let fam = smtp();
    let associated: BTreeSet<u16> = registry()
        .iter()
        .flat_map(|r| registry_basic(&r.basic))
        .collect();
    let mut bad = Vec::new();
    for n in &associated {
        let Some(c) = fam.code(*n) else {
            bad.push(format!(
                "{n}: the registry associates it, but it has no page"
            ));
            continue;
        };
        let cites_iana = c.data.sources.iter().any(|s| s.kind == SourceKind::Iana);
        if !c.data.standard && !cites_iana {
            bad.push(format!(
                "{n}: non-standard, so it must cite the IANA registry in `sources`"
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn rfc5321_reply_codes_are_present_and_titled_as_in_the_rfc() {
    let fam = smtp();
    let mut bad = Vec::new();
    for row in data_csv("rfc5321-reply-codes.csv") {
        let n: u16 = row["Code"].parse().unwrap();
        let Some(c) = fam.code(n) else {
            bad.push(format!("{n}: no page"));
            continue;
        };
        let d = &c.data;
        if !d.standard || d.class as u16 != n / 100 || !d.rfcs.iter().any(|r| r.rfc == 5321) {
            bad.push(format!(
                "{n}: must be standard, class {}, and cite RFC 5321",
                n / 100
            ));
        }
        // The RFC's text without `<domain>`, `<forward-path>` and the parenthesised note.
        let text = row["Text"].split(" (").next().unwrap().to_lowercase();
        let text = norm(&text.replace("<domain>", "").replace("<forward-path>", ""));
        let title = norm(&d.title["en"].to_lowercase());
        if !text.contains(&title) && !title.contains(&text) {
            bad.push(format!(
                "{n}: title {title:?} does not match RFC 5321 {text:?}"
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every text of a page in every language, as (where, text).
fn texts<T: serde::Serialize>(file: &str, data: &T) -> Vec<(String, String)> {
    fn walk(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(s) => out.push((path.to_string(), s.clone())),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, path, out)),
            serde_json::Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| walk(x, &format!("{path}.{k}"), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(data).unwrap(), file, &mut out);
    out
}

fn all_texts(fam: &Family) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in &fam.codes {
        out.extend(texts(&c.source.file, &c.data));
    }
    for e in &fam.enhanced {
        out.extend(texts(&e.source.file, &e.data));
    }
    for p in &fam.pairs {
        out.extend(texts(&p.source.file, &p.data));
    }
    for p in &fam.providers {
        out.extend(texts(&p.source.file, &p.data));
    }
    out
}

/// Sentences that state an RFC 5321 section 4.5.3.2 timeout as a maximum. The RFC gives
/// *minimum* per-command timeouts (5 minutes for the greeting, MAIL and RCPT, 2 for the 354,
/// 3 per data block, 10 after the final dot), so "up to 5 minutes" turns the rule around.
fn timeout_as_maximum(text: &str) -> Vec<String> {
    let joined = norm(text);
    let mut out = Vec::new();
    for sentence in joined.split_inclusive(['.', '。', '；', ';', '\n']) {
        let s = sentence.to_lowercase();
        let about_timeouts = [
            "5321", "4.5.3.2", "timeout", "time-out", "wait", "超时", "等待", "等 ",
        ]
        .iter()
        .any(|k| s.contains(k));
        let duration = ["2", "3", "5", "10"]
            .iter()
            .any(|n| s.contains(&format!("{n} minute")) || s.contains(&format!("{n} 分钟")));
        let maximum = [
            "up to",
            "at most",
            "no more than",
            "maximum of",
            "最多",
            "最长",
            "不超过",
            "至多",
        ]
        .iter()
        .any(|k| s.contains(k));
        if about_timeouts && duration && maximum {
            out.push(sentence.trim().to_string());
        }
    }
    out
}

#[test]
fn the_timeout_lint_catches_the_reviewed_errors() {
    // The sentences the review found, as they were: the lint must flag each one.
    for bad in [
        "Some servers hold the greeting back; RFC 5321 asks clients to wait up to 5 minutes for it.",
        "RFC 5321 要求客户端最多等 5 分钟。",
        "RFC 5321 asks clients to wait up to 2 minutes for the 354, and up to 10 minutes for the reply after the final dot.",
        "Clients should wait up to 10 minutes for the reply after the final dot.",
        "按规范，客户端在最后的“.”之后最多会等 10 分钟。",
    ] {
        assert!(!timeout_as_maximum(bad).is_empty(), "not flagged: {bad}");
    }
    for good in [
        "RFC 5321 asks clients to wait at least 5 minutes for it.",
        "RFC 5321 第 4.5.3.2 节要求客户端至少等待 10 分钟。",
        "Gmail lets you send up to 500 messages a day.",
    ] {
        assert!(timeout_as_maximum(good).is_empty(), "flagged: {good}");
    }
}

#[test]
fn no_content_states_an_rfc5321_timeout_as_a_maximum() {
    let fam = smtp();
    let bad: Vec<String> = all_texts(&fam)
        .iter()
        .flat_map(|(at, t)| {
            timeout_as_maximum(t)
                .into_iter()
                .map(move |s| format!("{at}: {s}"))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "RFC 5321 section 4.5.3.2 timeouts are minimums (\"at least\", \"至少\"):\n{}",
        bad.join("\n")
    );
}

/// The basic code and the concrete enhanced code of an example line: `550 5.1.1 …`,
/// `250-2.1.5 …`, a log line `dsn=4.4.2, …` or a report line `Status: 2.1.9 …`.
fn example_codes(line: &str) -> (Option<u16>, Option<(u8, u16, u16)>) {
    let basic = line
        .get(..3)
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
        .filter(|_| matches!(line.as_bytes().get(3), None | Some(b' ' | b'-' | b':')))
        .and_then(|p| p.parse().ok());
    let rest = if basic.is_some() {
        Some(line[3..].trim_start_matches([' ', '-', ':']))
    } else if let Some(i) = line.find("dsn=") {
        Some(&line[i + 4..])
    } else {
        line.find("Status: ").map(|i| &line[i + 8..])
    };
    let enhanced = rest
        .and_then(|r| r.split([' ', ',', ';', ')']).next())
        .and_then(parse_enhanced)
        .and_then(|(c, s, d)| Some((c?, s, d)));
    (basic, enhanced)
}

/// Concrete codes covered by provider pages (`content/<family>/providers/*.yaml`, `codes:`
/// with single codes or `a-b` ranges), read raw so this check does not depend on that model.
fn provider_codes(fam: &Family) -> Vec<(String, String)> {
    let dir = common::repo()
        .join(fam.source.file.trim_end_matches("family.yaml"))
        .join("providers");
    let mut out = Vec::new();
    let Ok(rd) = fs::read_dir(&dir) else {
        return out;
    };
    for f in rd.flatten() {
        let text = fs::read_to_string(f.path()).unwrap_or_default();
        /// Only the field this check needs; every other key is ignored.
        #[derive(serde::Deserialize)]
        struct Claims {
            #[serde(default)]
            codes: Vec<String>,
        }
        let v = codesite::yaml::from_str::<Claims>(&text)
            .unwrap_or_else(|e| panic!("{}: {}", f.path().display(), e.message));
        for s in &v.codes {
            let (a, b) = s.split_once('-').unwrap_or((s, s));
            out.push((a.to_string(), b.to_string()));
        }
    }
    out
}

fn covered_by_provider(ranges: &[(String, String)], code: (u8, u16, u16)) -> bool {
    ranges
        .iter()
        .any(|(a, b)| match (parse_enhanced(a), parse_enhanced(b)) {
            (Some((Some(ca), sa, da)), Some((Some(_), _, db))) => {
                ca == code.0 && sa == code.1 && (da..=db).contains(&code.2)
            }
            _ => false,
        })
}

#[test]
fn example_line_parser() {
    assert_eq!(
        example_codes("550 5.1.1 <a@b>: nope"),
        (Some(550), Some((5, 1, 1)))
    );
    assert_eq!(example_codes("250-2.1.5 ok"), (Some(250), Some((2, 1, 5))));
    assert_eq!(example_codes("221 Bye"), (Some(221), None));
    assert_eq!(
        example_codes("dsn=4.4.2, status=deferred"),
        (None, Some((4, 4, 2)))
    );
    assert_eq!(
        example_codes("Status: 2.1.9 (relayed)"),
        (None, Some((2, 1, 9)))
    );
}

#[test]
fn examples_agree_with_their_page() {
    let fam = smtp();
    let providers = provider_codes(&fam);
    let mut bad = Vec::new();
    let check_basic = |c: &Code, bad: &mut Vec<String>| {
        for line in &c.data.examples {
            let (basic, enh) = example_codes(line);
            if basic.is_some_and(|b| b != c.data.code) {
                bad.push(format!(
                    "{}: {line:?} is not a {} reply",
                    c.source.file, c.data.code
                ));
            }
            if let Some((cl, s, d)) = enh {
                let concrete = format!("{cl}.{s}.{d}");
                let listed = c.data.enhanced.contains(&concrete);
                let in_registry = fam.enhanced_entry(s, d).is_some();
                if !listed && (in_registry || !covered_by_provider(&providers, (cl, s, d))) {
                    bad.push(format!(
                        "{}: {line:?} uses {concrete}; list it in `enhanced` (or give it a provider page)",
                        c.source.file
                    ));
                }
            }
        }
    };
    for c in &fam.codes {
        check_basic(c, &mut bad);
    }
    for e in &fam.enhanced {
        for line in &e.data.examples {
            let (basic, enh) = example_codes(line);
            match enh {
                Some((cl, s, d)) if (s, d) == (e.subject, e.detail) => {
                    if !e.data.classes.contains(&cl) {
                        bad.push(format!("{}: {line:?} uses class {cl}", e.source.file));
                    }
                }
                _ => bad.push(format!(
                    "{}: {line:?} does not show {}",
                    e.source.file, e.data.code
                )),
            }
            // 400 is no reply code at all; Exchange writes it in its delay notices.
            if let Some(b) = basic.filter(|b| *b != 400)
                && !e.data.basic.contains(&b)
                && !e.data.seen_with.contains(&b)
            {
                bad.push(format!(
                    "{}: {line:?} uses basic code {b}; list it in `basic` (registry) or `seen_with`",
                    e.source.file
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
