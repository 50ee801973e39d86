//! Views of provider pages, and the parts every code page shares with them: the contents list
//! and the first fix line shown at the top.

use super::{Brief, ClassView, FixView, Renderer, class_view};
use crate::compare::Lang;
use crate::markdown;
use crate::model::*;
use crate::plan::{self, Urls};
use serde::Serialize;

/// One entry of a page's contents list.
#[derive(Serialize)]
pub(super) struct TocItem {
    id: &'static str,
    label: String,
}

/// The contents list of a code-like page: its sections in page order.
pub(super) fn toc(lang: &Lang, examples: bool, extra: &[(&'static str, &str)]) -> Vec<TocItem> {
    let mut v = vec![
        ("description", "description"),
        ("when-it-occurs", "when_it_occurs"),
    ];
    if examples {
        v.push(("examples", "examples"));
    }
    v.push(("how-to-fix", "how_to_fix"));
    let mut out: Vec<TocItem> = v
        .into_iter()
        .map(|(id, key)| TocItem {
            id,
            label: lang.label(key).to_string(),
        })
        .collect();
    out.extend(extra.iter().map(|(id, key)| TocItem {
        id,
        label: lang.label(key).to_string(),
    }));
    out
}

/// How much of the first fix the box under the lead shows, in columns (a wide character counts
/// two): about five lines on a 360 px phone.
const FIX_BOX_COLUMNS: usize = 180;

/// The first fix line, for the box under the lead: who it is for and the first paragraph or
/// step of that audience's fix, as inline HTML.
#[derive(Serialize)]
pub(super) struct FixFirst {
    label: String,
    html: String,
}

pub(super) fn fix_first(fix: &Fix, lang: &Lang) -> Option<FixFirst> {
    fix_first_for(fix, lang, &[])
}

/// Like [`fix_first`], but the first audience in `prefer` that has a fix goes first (a
/// provider page's `who`).
fn fix_first_for(fix: &Fix, lang: &Lang, prefer: &[&str]) -> Option<FixFirst> {
    let parts = fix.parts();
    let (id, t) = prefer
        .iter()
        .find_map(|w| parts.iter().find(|(id, _)| id == w).copied())
        .or_else(|| parts.first().copied())?;
    let block = markdown::first_block(lang.text(t));
    // About four lines of a phone screen.
    let md = markdown::shorten(markdown::first_sentence(&block), FIX_BOX_COLUMNS);
    Some(FixFirst {
        label: lang.label(&format!("fix_{id}")).to_string(),
        html: markdown::render_inline(&md),
    })
}

#[derive(Serialize)]
struct WhoView {
    id: &'static str,
    label: String,
}

#[derive(Serialize)]
struct SourceView {
    kind: &'static str,
    kind_label: String,
    title: String,
    url: String,
}

/// A provider page as templates see it.
#[derive(Serialize)]
pub(super) struct ProviderView {
    slug: String,
    code: String,
    url: String,
    title: String,
    title_html: String,
    summary: String,
    class: ClassView,
    providers: Vec<String>,
    providers_text: String,
    entry: Option<Brief>,
    subject: Option<SubjectLink>,
    basic: Vec<Brief>,
    codes: Vec<String>,
    concrete_count: usize,
    patterns: Vec<String>,
    who: Vec<WhoView>,
    retry: bool,
    retry_text: String,
    examples: Vec<String>,
    description_html: String,
    when_html: String,
    fix: Vec<FixView>,
    fix_first: Option<FixFirst>,
    sources: Vec<SourceView>,
    toc: Vec<TocItem>,
}

/// A link to a subject section of the family index (for pages without a registry entry).
#[derive(Serialize)]
pub(super) struct SubjectLink {
    digit: u16,
    name: String,
    url: String,
}

/// A group of provider pages on the family index: one provider and its pages.
#[derive(Serialize)]
pub(super) struct ProviderGroup {
    id: String,
    name: String,
    pages: Vec<Brief>,
}

impl Renderer<'_> {
    /// A short reference to a provider page, for lists.
    pub(super) fn provider_brief(
        urls: &Urls,
        li: usize,
        fam: &Family,
        p: &Provider,
        lang: &Lang,
    ) -> Brief {
        let digit = p.main_class();
        // Lists show the first code, range or basic code only, else the class: a badge does
        // not wrap, and the title says the rest (`5.7.321–5.7.325 / 4.7.323–4.7.325`, or a
        // long slug, would overflow a phone's width).
        let code = match (p.data.codes.first(), p.data.basic.first()) {
            (Some(c), _) => c.replace('-', "–"),
            (None, Some(b)) => b.to_string(),
            (None, None) => format!("{digit}xx"),
        };
        Brief {
            code,
            num: 0,
            title: lang.text(&p.data.title).to_string(),
            url: urls.page(li, &plan::provider_path(fam, p)),
            kind: fam.class(digit).map(|d| d.kind.id()).unwrap_or("unknown"),
            digit,
            badges: Vec::new(),
        }
    }

    /// Provider pages grouped by provider, in the order of `family.yaml`; a page naming two
    /// providers is listed under both.
    pub(super) fn provider_groups(
        urls: &Urls,
        li: usize,
        fam: &Family,
        lang: &Lang,
    ) -> Vec<ProviderGroup> {
        fam.meta
            .providers
            .keys()
            .map(|id| ProviderGroup {
                id: id.clone(),
                name: fam.provider_name(id, lang.code, lang.default).to_string(),
                pages: fam
                    .providers
                    .iter()
                    .filter(|p| p.data.providers.contains(id))
                    .map(|p| Self::provider_brief(urls, li, fam, p, lang))
                    .collect(),
            })
            .filter(|g| !g.pages.is_empty())
            .collect()
    }

    pub(super) fn provider_view(
        urls: &Urls,
        li: usize,
        fam: &Family,
        p: &Provider,
        lang: &Lang,
    ) -> ProviderView {
        let d = &p.data;
        let names: Vec<String> = d
            .providers
            .iter()
            .map(|id| fam.provider_name(id, lang.code, lang.default).to_string())
            .collect();
        let entry = p
            .entry_key()
            .and_then(|(s, det)| fam.enhanced_entry(s, det))
            .map(|e| {
                let mut b = Self::enhanced_brief(urls, li, fam, e, lang);
                b.code = e.data.code.clone();
                b
            });
        let subject = if entry.is_none() {
            p.subject().and_then(|digit| {
                let s = fam.meta.subjects.iter().find(|s| s.digit == digit)?;
                Some(SubjectLink {
                    digit,
                    name: lang.text(&s.name).to_string(),
                    url: format!(
                        "{}#subject-{digit}",
                        urls.page(li, &format!("{}/", fam.slug))
                    ),
                })
            })
        } else {
            None
        };
        ProviderView {
            slug: d.slug.clone(),
            code: p.display_code(),
            url: urls.page(li, &plan::provider_path(fam, p)),
            title: lang.text(&d.title).to_string(),
            title_html: Self::plain_html(&d.title, lang),
            summary: lang.text(&d.summary).to_string(),
            class: class_view(fam, p.main_class(), lang),
            providers_text: names.join(lang.label("list_sep")),
            providers: names,
            entry,
            subject,
            basic: d
                .basic
                .iter()
                .filter_map(|b| fam.code(*b))
                .map(|c| Self::brief(urls, li, fam, c, lang))
                .collect(),
            codes: d.codes.iter().map(|c| c.replace('-', "–")).collect(),
            concrete_count: p.concrete().len(),
            patterns: d.patterns.clone(),
            who: d
                .who
                .iter()
                .map(|w| WhoView {
                    id: w.id(),
                    label: lang.label(&format!("who_{}", w.id())).to_string(),
                })
                .collect(),
            retry: d.retry,
            retry_text: lang
                .label(if d.retry { "retry_yes" } else { "retry_no" })
                .to_string(),
            examples: d.examples.clone(),
            description_html: Self::md(&d.description, lang),
            when_html: Self::md(&d.when, lang),
            fix: Self::fix_views(&d.fix, lang),
            fix_first: fix_first_for(
                &d.fix,
                lang,
                &d.who.iter().map(|w| w.id()).collect::<Vec<_>>(),
            ),
            sources: d
                .sources
                .iter()
                .map(|s| {
                    let kind = s.kind.id();
                    SourceView {
                        kind,
                        kind_label: lang.label(&format!("source_{kind}")).to_string(),
                        title: s.title.clone(),
                        url: s.url.clone(),
                    }
                })
                .collect(),
            toc: toc(lang, !d.examples.is_empty(), &[("sources", "sources")]),
        }
    }
}
