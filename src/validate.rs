//! Stage 2: check the loaded model as a whole and collect every problem.
//!
//! `load` guarantees each file parsed on its own; this stage checks what no single file can:
//! references between files, duplicates, classes against digits, translations, labels.

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{TemplateFile, safe_segment};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

mod providers;

/// Options that change what counts as an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Missing translations become errors instead of warnings.
    pub strict: bool,
}

/// Names that may not be used as a family folder, because the site uses them at the top level.
/// Windows device names are reserved too, so a site checked out there still builds.
const RESERVED: &[&str] = &[
    "api", "static", "search", "explain", "assets", "404", "sitemap", "con", "nul", "prn", "aux",
    "com1", "lpt1",
];

/// Checks a localized map: every configured language present and non-empty, no unknown language.
struct LocCheck<'a> {
    langs: Vec<&'a str>,
    strict: bool,
}

impl LocCheck<'_> {
    fn check(&self, src: &Source, field: &str, loc: &Localized, diags: &mut Diagnostics) {
        let at = src.locate_key(field.rsplit('.').next().unwrap_or(field));
        for (k, v) in loc {
            if !self.langs.contains(&k.as_str()) {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("`{field}` has text in unknown language `{k}`"),
                    )
                    .at(src
                        .locate_value(field.rsplit('.').next().unwrap_or(field), k)
                        .or(at))
                    .hint(format!("configured languages: {}", self.langs.join(", "))),
                );
            } else if v.trim().is_empty() {
                diags.push(
                    Diagnostic::error(&src.file, format!("`{field}` is empty in `{k}`")).at(at),
                );
            }
        }
        for l in &self.langs {
            if !loc.contains_key(*l) {
                let d =
                    Diagnostic::error(&src.file, format!("`{field}` is not translated into `{l}`"))
                        .at(at)
                        .hint(format!("add a `{l}:` entry under `{field}`"));
                diags.push(if self.strict { d } else { d.warning() });
            }
        }
    }

    /// Search keywords: optional, but only in configured languages, and never blank.
    fn keywords(&self, src: &Source, kw: &Keywords, diags: &mut Diagnostics) {
        for (lang, words) in kw {
            if !self.langs.contains(&lang.as_str()) {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("`keywords` has words in unknown language `{lang}`"),
                    )
                    .at(src.locate_value("keywords", lang))
                    .hint(format!("configured languages: {}", self.langs.join(", "))),
                );
            }
            if words.iter().any(|w| w.trim().is_empty()) {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("`keywords` has a blank word in `{lang}`"),
                    )
                    .at(src.locate_key("keywords")),
                );
            }
        }
    }

    /// The texts every code page has (basic or enhanced): title, summary, description, when,
    /// and at least one `fix` audience.
    fn page_texts(&self, src: &Source, texts: [&Localized; 4], fix: &Fix, diags: &mut Diagnostics) {
        for (name, t) in ["title", "summary", "description", "when"]
            .into_iter()
            .zip(texts)
        {
            self.check(src, name, t, diags);
        }
        for (key, t) in fix.parts() {
            self.check(src, &format!("fix.{key}"), t, diags);
        }
        if fix.parts().is_empty() {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    "`fix` needs at least one of sender, sending_admin, receiving_admin",
                )
                .at(src.locate_key("fix")),
            );
        }
    }
}

/// Validates the whole site. Template label references are checked too, so that a label missing
/// from one language is reported with the template line that uses it.
pub fn validate(site: &Site, templates: &[TemplateFile], opts: Options, diags: &mut Diagnostics) {
    let cfg = &site.config;
    let cs = &site.config_source;
    if cfg.languages.is_empty() {
        diags.push(
            Diagnostic::error(&cs.file, "no languages configured").at(cs.locate_key("languages")),
        );
        return;
    }
    if !crate::config_rules::check(cfg, cs, diags) {
        // Every other check is phrased in terms of the languages; with a broken language
        // list they would only repeat this error many times over.
        return;
    }
    if cfg.base_url.starts_with('/') && crate::config_rules::base_url(&cfg.base_url).is_ok() {
        // Not an error: a path is right for local previews and for hosts that only serve one
        // site. But search engines and link previews need absolute URLs, so say what is lost.
        diags.push(
            Diagnostic::error(
                &cs.file,
                format!(
                    "base_url `{}` has no host, so sitemap.xml, the robots.txt Sitemap line, \
                     canonical and hreflang links and og:url are left out (they must be absolute URLs)",
                    cfg.base_url
                ),
            )
            .at(cs.locate_key("base_url"))
            .hint("for a published build pass --base-url https://HOST/PATH/ (the Pages workflow does)")
            .warning(),
        );
    }
    let lc = LocCheck {
        langs: cfg.languages.iter().map(|l| l.code.as_str()).collect(),
        strict: opts.strict,
    };
    lc.check(cs, "title", &cfg.title, diags);
    lc.check(cs, "description", &cfg.description, diags);

    check_labels(site, templates, diags);

    for fam in &site.families {
        validate_family(fam, &lc, diags);
        // Provider pages last: they refer to codes and registry entries.
        providers::validate_pages(fam, &lc, diags);
    }

    if let Some(g) = &site.glossary {
        crate::glossary::check(site, g, diags);
    }
}

/// Every language must have exactly the labels of the default language, and every `t.<key>`
/// used in a template must exist.
fn check_labels(site: &Site, templates: &[TemplateFile], diags: &mut Diagnostics) {
    let Some(default) = site.config.languages.first() else {
        return;
    };
    let Some(base) = site.i18n.get(&default.code) else {
        return;
    };
    for lang in site.config.languages.iter().skip(1) {
        let Some(labels) = site.i18n.get(&lang.code) else {
            continue;
        };
        for key in base.map.keys() {
            if !labels.map.contains_key(key) {
                diags.push(
                    Diagnostic::error(&labels.source.file, format!("label `{key}` is missing"))
                        .hint(format!("{} has it; add its translation", base.source.file)),
                );
            }
        }
        for key in labels.map.keys() {
            if !base.map.contains_key(key) {
                diags.push(
                    Diagnostic::error(
                        &labels.source.file,
                        format!("label `{key}` is not in {}", base.source.file),
                    )
                    .at(labels.source.locate_key(key))
                    .hint("remove it, or add it to the default language first"),
                );
            }
        }
    }
    for (code, labels) in &site.i18n {
        for key in crate::plan::REQUIRED_LABELS {
            if !labels.map.contains_key(*key) && (code == &default.code) {
                diags.push(
                    Diagnostic::error(&labels.source.file, format!("label `{key}` is missing"))
                        .hint("the generator uses this label in generated sentences"),
                );
            }
        }
    }
    for t in templates {
        for (lineno, line) in t.text.lines().enumerate() {
            let mut rest = line;
            let mut offset = 0;
            while let Some(i) = rest.find("t.") {
                let before = rest[..i].chars().next_back();
                let key: String = rest[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let word_start =
                    !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                if word_start && !key.is_empty() {
                    for lang in &site.config.languages {
                        if let Some(labels) = site.i18n.get(&lang.code)
                            && !labels.map.contains_key(&key)
                            && lang.code == default.code
                        {
                            diags.push(
                                Diagnostic::error(
                                    &t.file,
                                    format!(
                                        "label `{key}` is not defined in {}",
                                        labels.source.file
                                    ),
                                )
                                .at(Some((lineno + 1, offset + i + 1)))
                                .hint("add it to every file in i18n/"),
                            );
                        }
                    }
                }
                offset += i + 2;
                rest = &rest[i + 2..];
            }
        }
    }
}

fn validate_family(fam: &Family, lc: &LocCheck, diags: &mut Diagnostics) {
    let fs = &fam.source;
    if !safe_segment(&fam.slug)
        || RESERVED.contains(&fam.slug.as_str())
        || lc.langs.contains(&fam.slug.as_str())
    {
        diags.push(
            Diagnostic::error(
                &fs.file,
                format!("family folder name `{}` cannot be used in a URL", fam.slug),
            )
            .hint(
                "use lowercase letters, digits and '-', and not a language code or a reserved name",
            ),
        );
    }
    let m = &fam.meta;
    lc.check(fs, "name", &m.name, diags);
    lc.check(fs, "title", &m.title, diags);
    lc.check(fs, "summary", &m.summary, diags);
    lc.check(fs, "description", &m.description, diags);
    let mut digits = BTreeSet::new();
    for c in &m.classes {
        if !digits.insert(c.digit) || !(1..=9).contains(&c.digit) {
            diags.push(
                Diagnostic::error(
                    &fs.file,
                    format!("class digit {} is repeated or not 1-9", c.digit),
                )
                .at(fs.locate_value("digit", &c.digit.to_string())),
            );
        }
        lc.check(fs, "name", &c.name, diags);
        lc.check(fs, "summary", &c.summary, diags);
    }
    for (id, t) in m.stages.iter().chain(m.actions.iter()) {
        if !safe_segment(id) {
            diags.push(
                Diagnostic::error(
                    &fs.file,
                    format!("id `{id}` must be lowercase letters, digits and '-'"),
                )
                .at(fs.locate_key(id)),
            );
        }
        lc.check(fs, id, t, diags);
    }
    for s in &m.subjects {
        lc.check(fs, "name", &s.name, diags);
    }
    providers::validate_defs(fam, lc, diags);

    // Basic codes.
    let mut by_code: BTreeMap<u16, &Code> = BTreeMap::new();
    for c in &fam.codes {
        let d = &c.data;
        let src = &c.source;
        let stem = src.stem();
        if let Some(prev) = by_code.insert(d.code, c) {
            diags.push(
                Diagnostic::error(&src.file, format!("code {} is defined twice", d.code))
                    .at(src.locate_key("code"))
                    .hint(format!("it is also defined in {}", prev.source.file)),
            );
        }
        if !(100..=599).contains(&d.code) {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("code {} is not a three-digit reply code", d.code),
                )
                .at(src.locate_key("code")),
            );
        }
        if stem != d.code.to_string() {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("file name does not match code {}", d.code),
                )
                .at(src.locate_key("code"))
                .hint(format!("name the file {}.yaml", d.code)),
            );
        }
        let first = (d.code / 100) as u8;
        if d.class != first {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!(
                        "class {} disagrees with the first digit of code {}",
                        d.class, d.code
                    ),
                )
                .at(src.locate_key("class"))
                .hint(format!("set `class: {first}`")),
            );
        } else if fam.class(d.class).is_none() {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("class {} is not defined in {}", d.class, fs.file),
                )
                .at(src.locate_key("class")),
            );
        }
        for s in &d.stages {
            if !m.stages.contains_key(s) {
                diags.push(
                    Diagnostic::error(&src.file, format!("unknown stage `{s}`"))
                        .at(src.locate_value("stages", s))
                        .hint(format!(
                            "stages are defined in {}: {}",
                            fs.file,
                            m.stages.keys().cloned().collect::<Vec<_>>().join(", ")
                        )),
                );
            }
        }
        if d.stages.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "`stages` is empty").at(src.locate_key("stages")),
            );
        }
        if !m.actions.contains_key(&d.action) {
            diags.push(
                Diagnostic::error(&src.file, format!("unknown action `{}`", d.action))
                    .at(src.locate_key("action"))
                    .hint(format!(
                        "actions are defined in {}: {}",
                        fs.file,
                        m.actions.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
            );
        }
        if d.standard && d.rfcs.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "a standard code needs at least one RFC reference")
                    .hint("add `rfcs:`, or set `standard: false` and `closest:` for a common-practice code"),
            );
        }
        match (&d.closest, d.standard) {
            (None, false) => diags.push(
                Diagnostic::error(&src.file, "a non-standard code needs `closest`")
                    .at(src.locate_key("standard"))
                    .hint("say which standard code it is closest to"),
            ),
            (Some(_), true) => diags.push(
                Diagnostic::error(
                    &src.file,
                    "`closest` is only for codes with `standard: false`",
                )
                .at(src.locate_key("closest")),
            ),
            (Some(t), false) => lc.check(src, "closest", t, diags),
            (None, true) => {}
        }
        check_refs(src, &m.rfcs, &fs.file, &d.rfcs, &d.sources, diags);
        for r in &d.related {
            if *r == d.code {
                diags.push(
                    Diagnostic::error(&src.file, "a code cannot be related to itself")
                        .at(src.locate_value("related", &r.to_string())),
                );
            }
        }
        for e in &d.enhanced {
            match parse_enhanced(e) {
                Some((Some(cl), s, det)) => {
                    if cl != d.class {
                        diags.push(
                            Diagnostic::error(
                                &src.file,
                                format!(
                                    "enhanced code {e} has class {cl}, but {} is a {}xx code",
                                    d.code, d.class
                                ),
                            )
                            .at(src.locate_value("enhanced", e)),
                        );
                    }
                    match fam.enhanced_entry(s, det) {
                        None if fam.broken.contains(&format!("x.{s}.{det}")) => {}
                        None => diags.push(
                            Diagnostic::error(&src.file, format!("unknown enhanced code {e}"))
                                .at(src.locate_value("enhanced", e))
                                .hint(format!(
                                    "add {}/enhanced/x.{s}.{det}.yaml or fix the code",
                                    fam_dir(fam)
                                )),
                        ),
                        Some(en) if !en.data.classes.contains(&cl) => diags.push(
                            Diagnostic::error(
                                &src.file,
                                format!(
                                    "enhanced code {e}: {} does not list class {cl}",
                                    en.source.file
                                ),
                            )
                            .at(src.locate_value("enhanced", e)),
                        ),
                        Some(_) => {}
                    }
                }
                _ => diags.push(
                    Diagnostic::error(&src.file, format!("`{e}` is not a concrete enhanced code"))
                        .at(src.locate_value("enhanced", e))
                        .hint("write it as a bounce shows it, e.g. 5.1.1"),
                ),
            }
        }
        lc.page_texts(
            src,
            [&d.title, &d.summary, &d.description, &d.when],
            &d.fix,
            diags,
        );
        check_pair_facts(src, d, lc, diags);
        lc.keywords(src, &d.keywords, diags);
    }
    // References to other codes are checked once all codes are known.
    for c in &fam.codes {
        for r in &c.data.related {
            if !by_code.contains_key(r) && !fam.broken.contains(&r.to_string()) {
                diags.push(
                    Diagnostic::error(&c.source.file, format!("unknown code {r} in `related`"))
                        .at(c.source.locate_value("related", &r.to_string()))
                        .hint(format!("there is no {}/codes/{r}.yaml", fam_dir(fam))),
                );
            }
        }
    }

    // Enhanced entries.
    let mut by_slug: BTreeMap<(u16, u16), &Enhanced> = BTreeMap::new();
    for e in &fam.enhanced {
        let src = &e.source;
        let stem = src.stem();
        if let Some(prev) = by_slug.insert((e.subject, e.detail), e) {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("enhanced code {} is defined twice", e.data.code),
                )
                .at(src.locate_key("code"))
                .hint(format!("it is also defined in {}", prev.source.file)),
            );
        }
        if stem != e.slug() {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("file name does not match code {}", e.data.code),
                )
                .at(src.locate_key("code"))
                .hint(format!("name the file {}.yaml", e.slug())),
            );
        }
        if e.data.classes.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "`classes` is empty").at(src.locate_key("classes")),
            );
        }
        let mut cs = BTreeSet::new();
        for c in &e.data.classes {
            if ![2, 4, 5].contains(c) || !cs.insert(*c) {
                diags.push(
                    Diagnostic::error(&src.file, format!("class {c} is repeated or not one of 2, 4, 5"))
                        .at(src.locate_value("classes", &c.to_string()))
                        .hint("RFC 3463 defines only the classes 2 (success), 4 (transient) and 5 (permanent)"),
                );
            }
        }
        if m.subjects.iter().all(|s| s.digit != e.subject) {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("subject {} is not defined in {}", e.subject, fs.file),
                )
                .at(src.locate_key("code")),
            );
        }
        if e.data.rfcs.is_empty() && e.data.sources.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "at least one reference is required")
                    .at(src.locate_key("rfcs").or(src.locate_key("code")))
                    .hint("add `rfcs:`, or `sources:` when the registry cites a draft or another document"),
            );
        }
        check_refs(src, &m.rfcs, &fs.file, &e.data.rfcs, &e.data.sources, diags);
        for (key, list) in [("basic", &e.data.basic), ("seen_with", &e.data.seen_with)] {
            for b in list {
                if !by_code.contains_key(b) && !fam.broken.contains(&b.to_string()) {
                    diags.push(
                        Diagnostic::error(&src.file, format!("unknown code {b} in `{key}`"))
                            .at(src.locate_value(key, &b.to_string())),
                    );
                }
            }
        }
        for b in &e.data.seen_with {
            if e.data.basic.contains(b) {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("code {b} is in both `basic` and `seen_with`"),
                    )
                    .at(src.locate_value("seen_with", &b.to_string()))
                    .hint("`seen_with` is only for codes the registry does not associate"),
                );
            }
        }
        for r in &e.data.related {
            let ok = matches!(parse_enhanced(r), Some((None, s, d))
                if fam.enhanced_entry(s, d).is_some() || fam.broken.contains(&format!("x.{s}.{d}")));
            if !ok {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("unknown enhanced entry `{r}` in `related`"),
                    )
                    .at(src.locate_value("related", r))
                    .hint("write registry entries as X.<subject>.<detail>"),
                );
            }
        }
        let d = &e.data;
        lc.page_texts(
            src,
            [&d.title, &d.summary, &d.description, &d.when],
            &d.fix,
            diags,
        );
        lc.keywords(src, &d.keywords, diags);
    }

    // Curated pairs.
    for p in &fam.pairs {
        let src = &p.source;
        if p.a >= p.b {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("pair {}-vs-{} must name the lower code first", p.a, p.b),
                )
                .hint(format!(
                    "rename it to {}-vs-{}.yaml",
                    p.a.min(p.b),
                    p.a.max(p.b)
                )),
            );
        }
        for c in [p.a, p.b] {
            if !by_code.contains_key(&c) && !fam.broken.contains(&c.to_string()) {
                diags.push(
                    Diagnostic::error(&src.file, format!("pair refers to unknown code {c}"))
                        .hint(format!("there is no {}/codes/{c}.yaml", fam_dir(fam))),
                );
            }
        }
        lc.check(src, "note", &p.data.note, diags);
        if let Some(w) = &p.data.which {
            lc.check(src, "which", w, diags);
        }
    }
}

/// The facts pair pages compare: `who` ids and the two clauses, required for every basic code
/// because every pair page uses them.
fn check_pair_facts(src: &Source, d: &CodeData, lc: &LocCheck, diags: &mut Diagnostics) {
    for w in &d.who {
        if !WHO.contains(&w.as_str()) {
            diags.push(
                Diagnostic::error(&src.file, format!("unknown `who` id `{w}`"))
                    .at(src.locate_value("who", w))
                    .hint(format!("use one of: {}", WHO.join(", "))),
            );
        }
    }
    for (name, t) in [("send_when", &d.send_when), ("seen_when", &d.seen_when)] {
        match t {
            Some(t) => lc.check(src, name, t, diags),
            // Points past the last line: the new keys go at the end of the file.
            None => diags.push(
                Diagnostic::error(&src.file, format!("`{name}` is missing"))
                    .at(Some((src.text.lines().count() + 1, 1)))
                    .hint("pair pages compare codes with it; the README describes the field"),
            ),
        }
    }
}

fn fam_dir(fam: &Family) -> String {
    fam.source.file.trim_end_matches("/family.yaml").to_string()
}

/// Checks references: a section is dot-separated numbers (`4.2.3`) or an appendix (`A.1`), the
/// RFC is one the family lists (so a mistyped number is caught), and other sources are https links.
fn check_refs(
    src: &Source,
    known: &BTreeMap<u32, String>,
    family_file: &str,
    rfcs: &[RfcRef],
    sources: &[SourceRef],
    diags: &mut Diagnostics,
) {
    for r in rfcs {
        if !section_ok(&r.section) {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!(
                        "RFC {} section `{}` is not a section number such as 4.2.3 or A.1",
                        r.rfc, r.section
                    ),
                )
                .at(src.locate_value("rfcs", &r.section)),
            );
        }
        if !known.contains_key(&r.rfc) {
            diags.push(
                Diagnostic::error(&src.file, format!("RFC {} is not a known RFC", r.rfc))
                    .at(src.locate_value("rfcs", &r.rfc.to_string()))
                    .hint(format!(
                        "check the number, or add it with its title to `rfcs:` in {family_file}"
                    )),
            );
        }
    }
    for s in sources {
        if s.title.trim().is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "a source needs a title")
                    .at(src.locate_value("sources", &s.url)),
            );
        }
        if !url_ok(&s.url) {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("source URL `{}` is not an https:// link", s.url),
                )
                .at(src.locate_value("sources", &s.url))
                .hint("write the full address, e.g. https://www.iana.org/assignments/…"),
            );
        }
    }
}

/// `4`, `4.2.3`, `A`, `A.1`: numbers, or a capital appendix letter first.
fn section_ok(s: &str) -> bool {
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or("");
    let num = |p: &str| {
        !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && !p.starts_with('0')
    };
    let head = num(first) || (first.len() == 1 && first.bytes().all(|b| b.is_ascii_uppercase()));
    head && parts.all(num)
}

/// An absolute https URL with a host and no whitespace or quotes.
fn url_ok(u: &str) -> bool {
    let Some(rest) = u.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && host.contains('.')
        && !u
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
}
