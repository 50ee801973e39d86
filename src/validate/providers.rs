//! Checks of provider pages and of the `providers:` map in `family.yaml`.

use super::{LocCheck, fam_dir};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::safe_segment;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// Shortest pattern: shorter ones ("550", "ip") would match almost any bounce.
const MIN_PATTERN: usize = 4;

/// The `providers:` map of `family.yaml`.
pub(super) fn validate_defs(fam: &Family, lc: &LocCheck, diags: &mut Diagnostics) {
    let fs = &fam.source;
    for (id, def) in &fam.meta.providers {
        let ok = safe_segment(id)
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !ok {
            diags.push(
                Diagnostic::error(
                    &fs.file,
                    format!("provider id `{id}` must be lowercase letters and digits"),
                )
                .at(fs.locate_key(id)),
            );
        }
        lc.check(fs, "name", &def.name, diags);
    }
}

/// What a slug looks like.
enum SlugForm {
    /// A concrete code or a range: the page's own `codes` must list it.
    Code,
    /// A name such as `yahoo-tss04`.
    Text,
}

fn slug_form(slug: &str) -> Option<SlugForm> {
    if !safe_segment(slug) {
        return None;
    }
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        return CodeSpec::parse(slug).ok().map(|_| SlugForm::Code);
    }
    // `x.7.1` is a registry entry's URL and `451-vs-550` a pair's.
    let taken = slug.starts_with("x.") || slug.contains("-vs-");
    (!taken && slug.starts_with(|c: char| c.is_ascii_lowercase())).then_some(SlugForm::Text)
}

/// Every provider page of a family, then the codes they claim against each other.
pub(super) fn validate_pages(fam: &Family, lc: &LocCheck, diags: &mut Diagnostics) {
    let known_ids: Vec<&str> = fam.meta.providers.keys().map(String::as_str).collect();
    for p in &fam.providers {
        let src = &p.source;
        let d = &p.data;
        let stem = src.stem();
        if d.slug != stem {
            diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("slug `{}` does not match the file name", d.slug),
                )
                .at(src.locate_key("slug"))
                .hint(format!(
                    "set `slug: {stem}` or rename the file {}.yaml",
                    d.slug
                )),
            );
        }
        match slug_form(stem) {
            None => diags.push(
                Diagnostic::error(&src.file, format!("`{stem}` cannot be a provider page's name"))
                    .at(src.locate_key("slug"))
                    .hint("name the file after its code (5.7.57.yaml), its range (5.7.606-5.7.649.yaml) or, for a text, in lowercase letters, digits and '-' starting with a letter (yahoo-tss04.yaml)"),
            ),
            Some(SlugForm::Code) if !d.codes.iter().any(|c| c == stem) => diags.push(
                Diagnostic::error(
                    &src.file,
                    format!("`codes` must list the page's own code `{stem}`"),
                )
                .at(src.locate_key("codes").or(src.locate_key("slug"))),
            ),
            Some(_) => {}
        }
        let mut seen = BTreeSet::new();
        for c in &d.codes {
            match CodeSpec::parse(c) {
                Err(why) => diags.push(
                    Diagnostic::error(&src.file, format!("`{c}` in `codes` {why}"))
                        .at(src.locate_value("codes", c))
                        .hint("write a code as a bounce shows it (5.7.57) or a range within one class and subject (5.7.606-5.7.649)"),
                ),
                Ok(spec) => {
                    if spec.expand().iter().any(|x| !seen.insert(*x)) {
                        diags.push(
                            Diagnostic::error(
                                &src.file,
                                format!("`{c}` in `codes` repeats a code listed before it"),
                            )
                            .at(src.locate_value("codes", c)),
                        );
                    }
                }
            }
        }
        if d.codes.is_empty() && d.patterns.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "a page without `codes` needs `patterns`")
                    .at(src.locate_key("codes").or(src.locate_key("slug")))
                    .hint("add the text that identifies it in a bounce, e.g. `patterns: [\"[TSS04]\"]`"),
            );
        }
        if d.providers.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "`providers` is empty")
                    .at(src.locate_key("providers")),
            );
        }
        for id in &d.providers {
            if !fam.meta.providers.contains_key(id) {
                diags.push(
                    Diagnostic::error(&src.file, format!("unknown provider `{id}`"))
                        .at(src.locate_value("providers", id))
                        .hint(format!(
                            "providers are defined in {}: {}",
                            fam.source.file,
                            known_ids.join(", ")
                        )),
                );
            }
        }
        if let Some(e) = &d.entry {
            let ok = matches!(parse_enhanced(e), Some((None, s, det))
                if fam.enhanced_entry(s, det).is_some() || fam.broken.contains(&format!("x.{s}.{det}")));
            if !ok {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("unknown registry entry `{e}` in `entry`"),
                    )
                    .at(src.locate_value("entry", e))
                    .hint(format!(
                        "write it as X.<subject>.<detail>, with a file in {}/enhanced/",
                        fam_dir(fam)
                    )),
                );
            }
        }
        for b in &d.basic {
            if fam.code(*b).is_none() && !fam.broken.contains(&b.to_string()) {
                diags.push(
                    Diagnostic::error(&src.file, format!("unknown code {b} in `basic`"))
                        .at(src.locate_value("basic", &b.to_string()))
                        .hint(format!("there is no {}/codes/{b}.yaml", fam_dir(fam))),
                );
            }
        }
        if d.who.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "`who` is empty")
                    .at(src.locate_key("who"))
                    .hint("say who must act: sender, sending_admin, receiving_admin or recipient"),
            );
        }
        let mut pats = BTreeSet::new();
        for pat in &d.patterns {
            if pat.trim().chars().count() < MIN_PATTERN {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("pattern `{pat}` is shorter than {MIN_PATTERN} characters"),
                    )
                    .at(src.locate_value("patterns", pat))
                    .hint("a short pattern matches unrelated bounces; quote a longer part of the provider's text"),
                );
            } else if !pats.insert(pat.trim().to_lowercase()) {
                diags.push(
                    Diagnostic::error(
                        &src.file,
                        format!("pattern `{pat}` is listed twice (patterns ignore case)"),
                    )
                    .at(src.locate_value("patterns", pat)),
                );
            }
        }
        if d.sources.is_empty() {
            diags.push(
                Diagnostic::error(&src.file, "a provider page needs at least one source")
                    .at(src.locate_key("sources").or(src.locate_key("slug")))
                    .hint("cite the provider's public documentation: `sources: [{kind: vendor, title: …, url: https://…}]`"),
            );
        }
        for s in &d.sources {
            check_source(src, s, diags);
        }
        lc.page_texts(
            src,
            [&d.title, &d.summary, &d.description, &d.when],
            &d.fix,
            diags,
        );
        if let Some(k) = &d.keywords {
            for lang in k.keys() {
                if !lc.langs.contains(&lang.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            &src.file,
                            format!("`keywords` has words in unknown language `{lang}`"),
                        )
                        .at(src.locate_key("keywords")),
                    );
                }
            }
        }
    }
    check_claims(fam, diags);
}

/// A cited document: a title and an `https://` URL.
pub(super) fn check_source(src: &Source, s: &SourceRef, diags: &mut Diagnostics) {
    let host_ok = s.url.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty() && !rest.starts_with('/') && !rest.contains(char::is_whitespace)
    });
    if !host_ok {
        diags.push(
            Diagnostic::error(
                &src.file,
                format!(
                    "source URL `{}` must start with https:// and name a host",
                    s.url
                ),
            )
            .at(locate_text(src, &s.url)),
        );
    }
    if s.title.trim().is_empty() {
        diags.push(
            Diagnostic::error(&src.file, "a source needs a title").at(src.locate_key("title")),
        );
    }
}

/// One concrete code, one page: two pages may claim a code only when exactly one names it
/// on its own and the other covers it with a range.
fn check_claims(fam: &Family, diags: &mut Diagnostics) {
    // code → [(page, named on its own, item as written)]
    let mut claims: BTreeMap<Concrete, Vec<(usize, bool, &str)>> = BTreeMap::new();
    for (i, p) in fam.providers.iter().enumerate() {
        for c in &p.data.codes {
            if let Ok(spec) = CodeSpec::parse(c) {
                for x in spec.expand() {
                    let v = claims.entry(x).or_default();
                    // Repeats inside one page are reported above.
                    if !v.iter().any(|(j, ..)| *j == i) {
                        v.push((i, !spec.is_range(), c));
                    }
                }
            }
        }
    }
    // Report each pair of pages once, at the first code they share.
    let mut reported = BTreeSet::new();
    for (code, v) in &claims {
        let singles: Vec<_> = v.iter().filter(|c| c.1).collect();
        let clash: Vec<_> = if singles.is_empty() {
            v.iter().collect()
        } else {
            singles
        };
        for w in clash.windows(2) {
            let (a, b) = (w[0], w[1]);
            if !reported.insert((a.0, b.0)) {
                continue;
            }
            let (pa, pb) = (&fam.providers[a.0], &fam.providers[b.0]);
            diags.push(
                Diagnostic::error(
                    &pb.source.file,
                    format!("code {code} is also claimed by {}", pa.source.file),
                )
                .at(pb.source.locate_value("codes", b.2))
                .hint("one page per code: merge the pages, or narrow one of the ranges (a page that names a code on its own may sit inside another page's range)"),
            );
        }
    }
}

/// Line and column of the first occurrence of `text` (for values inside inline maps such as
/// `- {kind: vendor, title: …, url: …}`, which `locate_value` cannot find by key).
fn locate_text(src: &Source, text: &str) -> Option<(usize, usize)> {
    src.text.lines().enumerate().find_map(|(i, line)| {
        line.find(text)
            .map(|c| (i + 1, line[..c].chars().count() + 1))
    })
}
