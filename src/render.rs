//! Stage 4: turn planned pages into bytes with Tera and pulldown-cmark.
//!
//! Everything shared between pages (each code's Markdown rendered to HTML, label maps, family
//! listings) is computed once per language into Tera values before any page renders; Tera values
//! share their strings, so a pair page costs a clone of two pointers, not a Markdown pass.

use crate::compare::{self, Lang};
use crate::data;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{StaticFile, TemplateFile};
use crate::markdown;
use crate::model::*;
use crate::plan::{self, Kind, Page, Urls};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use tera::{Context, Tera, Value};

mod provider;
use provider::{FixFirst, ProviderGroup, TocItem, fix_first, toc};

/// The compiled templates.
pub struct Engine {
    tera: Tera,
}

/// Turns a Tera error into a diagnostic that points at the template line.
fn tera_diag(e: &tera::Error, fallback_file: &str) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let report = e.to_string();
            // Tera's report starts with "error: <message>"; keep its source excerpt below ours.
            let excerpt: Vec<&str> = report.lines().skip(1).collect();
            let mut msg = r.message().to_string();
            if !excerpt.is_empty() {
                msg.push('\n');
                msg.push_str(&excerpt.join("\n"));
            }
            let file = if r.filename().is_empty() {
                fallback_file
            } else {
                r.filename()
            };
            Diagnostic::error(file, msg).at(Some((r.span().start_line, r.span().start_col + 1)))
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            Diagnostic::error(fallback_file, msg)
        }
    }
}

impl Engine {
    /// Compiles every template; syntax errors are reported with template, line and column.
    pub fn new(templates: &[TemplateFile], diags: &mut Diagnostics) -> Option<Engine> {
        let mut tera = Tera::new();
        // Names carry the `templates/` folder so errors name the real file; the prefix lets
        // templates refer to each other by short name ("base.html").
        tera.set_fallback_prefixes(["templates/"]).ok()?;
        tera.autoescape_on(vec![".html", ".xml"]);
        let mut ok = true;
        // Add one by one first to report every broken template, not just the first.
        for t in templates {
            let mut probe = Tera::new();
            probe.set_fallback_prefixes(["templates/"]).ok()?;
            if let Err(e) = probe.add_raw_template(&t.file, &t.text)
                && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
            {
                diags.push(tera_diag(&e, &t.file));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|t| (t.file.as_str(), t.text.as_str())))
        {
            diags.push(tera_diag(&e, "templates"));
            return None;
        }
        for needed in [
            "home.html",
            "family.html",
            "code.html",
            "enhanced.html",
            "pair.html",
            "provider.html",
            "redirect.html",
            "404.html",
        ] {
            if !tera.contains_template(needed) {
                diags.push(Diagnostic::error(
                    format!("templates/{needed}"),
                    "template is missing",
                ));
                ok = false;
            }
        }
        ok.then_some(Engine { tera })
    }
}

/// A short reference to a basic code, for lists and links.
#[derive(Serialize, Clone)]
struct Brief {
    code: String,
    num: u16,
    title: String,
    url: String,
    kind: &'static str,
    digit: u8,
    /// For an enhanced entry: one badge per concrete code, coloured by its own class
    /// (`4.2.2` transient, `5.2.2` permanent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    badges: Vec<BadgeView>,
}

/// A concrete code and the kind of its class, for a badge.
#[derive(Serialize, Clone)]
struct BadgeView {
    code: String,
    kind: &'static str,
}

#[derive(Serialize, Clone)]
struct ClassView {
    digit: u8,
    name: String,
    kind: &'static str,
    kind_label: String,
    summary: String,
}

#[derive(Serialize)]
struct RfcView {
    label: String,
    url: String,
}

/// A non-RFC reference as shown: the document's title, its kind's label, and the link.
#[derive(Serialize)]
struct SourceView {
    title: String,
    kind: String,
    url: String,
}

#[derive(Serialize)]
struct FixView {
    id: &'static str,
    label: String,
    html: String,
}

#[derive(Serialize)]
struct StageView {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct PairLink {
    url: String,
    code: String,
    title: String,
    curated: bool,
}

#[derive(Serialize)]
struct CodeView {
    code: String,
    num: u16,
    url: String,
    title: String,
    title_html: String,
    summary: String,
    class: ClassView,
    standard: bool,
    closest_html: Option<String>,
    stages: Vec<StageView>,
    stages_text: String,
    action: String,
    rfcs: Vec<RfcView>,
    sources: Vec<SourceView>,
    related: Vec<Brief>,
    enhanced: Vec<Brief>,
    examples: Vec<String>,
    description_html: String,
    when_html: String,
    fix: Vec<FixView>,
    fix_first: Option<FixFirst>,
    toc: Vec<TocItem>,
    pairs: Vec<PairLink>,
    /// Pair pages: where it comes back, in one or two generated sentences.
    occurs: String,
    /// Pair pages: who must act on it.
    who: String,
    /// Pair pages: one generated sentence before the quoted fix (who acts, what happens next).
    fix_lead: String,
    /// Pair pages: the fix for whoever must act first (the full list is on the code page).
    pair_fix: Option<FixView>,
}

#[derive(Serialize)]
struct EnhancedView {
    code: String,
    registry: String,
    slug: String,
    concrete: Vec<String>,
    url: String,
    title: String,
    title_html: String,
    summary: String,
    subject: String,
    classes: Vec<ClassView>,
    basic: Vec<Brief>,
    seen_with: Vec<Brief>,
    rfcs: Vec<RfcView>,
    sources: Vec<SourceView>,
    related: Vec<Brief>,
    examples: Vec<String>,
    description_html: String,
    when_html: String,
    fix: Vec<FixView>,
    fix_first: Option<FixFirst>,
    toc: Vec<TocItem>,
    providers: Vec<Brief>,
}

#[derive(Serialize)]
struct ClassGroup {
    #[serde(flatten)]
    class: ClassView,
    codes: Vec<Brief>,
}

#[derive(Serialize)]
struct SubjectGroup {
    digit: u16,
    name: String,
    entries: Vec<Brief>,
    /// Provider pages of this subject that refine no registry entry.
    providers: Vec<Brief>,
}

#[derive(Serialize)]
struct FamilyView {
    slug: String,
    name: String,
    title: String,
    summary: String,
    description_html: String,
    url: String,
    classes: Vec<ClassGroup>,
    subjects: Vec<SubjectGroup>,
    code_count: usize,
    enhanced_count: usize,
    pair_count: usize,
    codes: Vec<Brief>,
    provider_count: usize,
    provider_groups: Vec<ProviderGroup>,
}

/// Per-language values shared by many pages.
struct LangViews {
    labels: Value,
    families: Value,
    /// `[family][code]`.
    codes: Vec<Vec<Value>>,
    /// `[family][entry]`.
    enhanced: Vec<Vec<Value>>,
    /// `[family][provider page]`.
    providers: Vec<Vec<Value>>,
    family_each: Vec<Value>,
}

/// Renders planned pages.
pub struct Renderer<'a> {
    site: &'a Site,
    urls: &'a Urls,
    engine: &'a Engine,
    statics: &'a [StaticFile],
    views: Vec<LangViews>,
}

fn class_view(fam: &Family, digit: u8, lang: &Lang) -> ClassView {
    let def = fam.class(digit);
    let kind = def.map(|d| d.kind.id()).unwrap_or("unknown");
    ClassView {
        digit,
        name: def
            .map(|d| lang.text(&d.name).to_string())
            .unwrap_or_default(),
        kind,
        kind_label: lang.label(&format!("kind_{kind}")).to_string(),
        summary: def
            .map(|d| lang.text(&d.summary).to_string())
            .unwrap_or_default(),
    }
}

fn rfc_views(rfcs: &[RfcRef], lang: &Lang) -> Vec<RfcView> {
    rfcs.iter()
        .map(|r| RfcView {
            label: compare::fill(
                lang.label("rfc_section"),
                &[("rfc", &r.rfc.to_string()), ("section", &r.section)],
            ),
            url: r.url(),
        })
        .collect()
}

fn source_views(sources: &[SourceRef], lang: &Lang) -> Vec<SourceView> {
    sources
        .iter()
        .map(|s| SourceView {
            title: s.title.clone(),
            kind: lang.label(&format!("source_{}", s.kind.id())).to_string(),
            url: s.url.clone(),
        })
        .collect()
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 16);
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(s, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

impl<'a> Renderer<'a> {
    /// Prepares the shared per-language values (in parallel over languages and codes).
    pub fn new(
        site: &'a Site,
        urls: &'a Urls,
        engine: &'a Engine,
        statics: &'a [StaticFile],
    ) -> Self {
        let views = (0..site.config.languages.len())
            .into_par_iter()
            .map(|li| Self::lang_views(site, urls, li))
            .collect();
        Renderer {
            site,
            urls,
            engine,
            statics,
            views,
        }
    }

    fn lang(site: &Site, li: usize) -> Lang<'_> {
        let code = &site.config.languages[li].code;
        Lang {
            code,
            default: &site.config.languages[0].code,
            labels: &site.i18n[code].map,
        }
    }

    /// Markdown of a localized field in a language, with the fallback note when the language
    /// lacks it: the English text is marked `lang="en"` so the page stays honest about it.
    fn md(loc: &Localized, lang: &Lang) -> String {
        match loc.get(lang.code) {
            Some(t) => markdown::render(t),
            None => {
                let text = loc.get(lang.default).map(String::as_str).unwrap_or("");
                format!(
                    "<p class=\"untranslated\">{}</p><div lang=\"{}\">{}</div>",
                    esc(lang.label("not_translated")),
                    esc(lang.default),
                    markdown::render(text)
                )
            }
        }
    }

    /// A plain localized text as HTML: escaped, wrapped in a `lang` span when it falls back.
    fn plain_html(loc: &Localized, lang: &Lang) -> String {
        match loc.get(lang.code) {
            Some(t) => esc(t),
            None => format!(
                "<span lang=\"{}\">{}</span>",
                esc(lang.default),
                esc(lang.text(loc))
            ),
        }
    }

    fn brief(urls: &Urls, li: usize, fam: &Family, c: &Code, lang: &Lang) -> Brief {
        let kind = fam
            .class(c.data.class)
            .map(|d| d.kind.id())
            .unwrap_or("unknown");
        Brief {
            code: c.data.code.to_string(),
            num: c.data.code,
            title: lang.text(&c.data.title).to_string(),
            url: urls.page(li, &plan::code_path(fam, c.data.code)),
            kind,
            digit: c.data.class,
            badges: Vec::new(),
        }
    }

    fn enhanced_brief(urls: &Urls, li: usize, fam: &Family, e: &Enhanced, lang: &Lang) -> Brief {
        let digit = e.main_class();
        Brief {
            code: e.concrete().join(" / "),
            num: e.subject * 1000 + e.detail,
            title: lang.text(&e.data.title).to_string(),
            url: urls.page(li, &plan::enhanced_path(fam, e)),
            kind: fam.class(digit).map(|d| d.kind.id()).unwrap_or("unknown"),
            digit,
            badges: e
                .data
                .classes
                .iter()
                .map(|&c| BadgeView {
                    code: format!("{c}.{}.{}", e.subject, e.detail),
                    kind: fam.class(c).map(|d| d.kind.id()).unwrap_or("unknown"),
                })
                .collect(),
        }
    }

    fn fix_views(fix: &Fix, lang: &Lang) -> Vec<FixView> {
        fix.parts()
            .into_iter()
            .map(|(id, t)| FixView {
                id,
                label: lang.label(&format!("fix_{id}")).to_string(),
                html: Self::md(t, lang),
            })
            .collect()
    }

    /// The fix for the first audience in `who` that has one, else the first fix written.
    fn pair_fix(d: &CodeData, lang: &Lang) -> Option<FixView> {
        let parts = d.fix.parts();
        let (id, t) = WHO
            .iter()
            .filter(|w| d.who.iter().any(|x| x == *w))
            .find_map(|w| parts.iter().find(|(id, _)| id == w))
            .or_else(|| parts.first())?;
        let limit = lang.label("pair_fix_chars").parse().unwrap_or(180);
        let short: Localized = t
            .iter()
            .map(|(k, v)| (k.clone(), compare::first_sentences(v, limit).to_string()))
            .collect();
        Some(FixView {
            id,
            label: lang.label(&format!("fix_{id}")).to_string(),
            html: Self::md(&short, lang),
        })
    }

    fn lang_views(site: &Site, urls: &Urls, li: usize) -> LangViews {
        let lang = Self::lang(site, li);
        let labels = Value::from_serializable(lang.labels);
        let mut codes = Vec::new();
        let mut enhanced = Vec::new();
        let mut providers = Vec::new();
        let mut family_each = Vec::new();
        for fam in &site.families {
            let pairs = plan::family_pairs(fam);
            let cv: Vec<Value> = fam
                .codes
                .par_iter()
                .map(|c| {
                    Value::from_serializable(&Self::code_view(urls, li, fam, c, &pairs, &lang))
                })
                .collect();
            codes.push(cv);
            let ev: Vec<Value> = fam
                .enhanced
                .par_iter()
                .map(|e| Value::from_serializable(&Self::enhanced_view(urls, li, fam, e, &lang)))
                .collect();
            enhanced.push(ev);
            providers.push(
                fam.providers
                    .par_iter()
                    .map(|p| {
                        Value::from_serializable(&Self::provider_view(urls, li, fam, p, &lang))
                    })
                    .collect(),
            );
            family_each.push(Value::from_serializable(&Self::family_view(
                urls,
                li,
                fam,
                &lang,
                pairs.len(),
            )));
        }
        let families = Value::from_serializable(&family_each);
        LangViews {
            labels,
            families,
            codes,
            enhanced,
            providers,
            family_each,
        }
    }

    fn family_view(
        urls: &Urls,
        li: usize,
        fam: &Family,
        lang: &Lang,
        pair_count: usize,
    ) -> FamilyView {
        let classes = fam
            .meta
            .classes
            .iter()
            .map(|cd| ClassGroup {
                class: class_view(fam, cd.digit, lang),
                codes: fam
                    .codes
                    .iter()
                    .filter(|c| c.data.class == cd.digit)
                    .map(|c| Self::brief(urls, li, fam, c, lang))
                    .collect(),
            })
            .collect();
        let subjects = fam
            .meta
            .subjects
            .iter()
            .map(|s| SubjectGroup {
                digit: s.digit,
                name: lang.text(&s.name).to_string(),
                entries: fam
                    .enhanced
                    .iter()
                    .filter(|e| e.subject == s.digit)
                    .map(|e| Self::enhanced_brief(urls, li, fam, e, lang))
                    .collect(),
                providers: fam
                    .providers
                    .iter()
                    .filter(|p| {
                        p.subject() == Some(s.digit)
                            && p.entry_key()
                                .and_then(|(s, d)| fam.enhanced_entry(s, d))
                                .is_none()
                    })
                    .map(|p| Self::provider_brief(urls, li, fam, p, lang))
                    .collect(),
            })
            .collect();
        FamilyView {
            slug: fam.slug.clone(),
            name: lang.text(&fam.meta.name).to_string(),
            title: lang.text(&fam.meta.title).to_string(),
            summary: lang.text(&fam.meta.summary).to_string(),
            description_html: Self::md(&fam.meta.description, lang),
            url: urls.page(li, &format!("{}/", fam.slug)),
            classes,
            subjects,
            code_count: fam.codes.len(),
            enhanced_count: fam.enhanced.len(),
            pair_count,
            codes: fam
                .codes
                .iter()
                .map(|c| Self::brief(urls, li, fam, c, lang))
                .collect(),
            provider_count: fam.providers.len(),
            provider_groups: Self::provider_groups(urls, li, fam, lang),
        }
    }

    fn code_view(
        urls: &Urls,
        li: usize,
        fam: &Family,
        c: &Code,
        pairs: &[(usize, usize)],
        lang: &Lang,
    ) -> CodeView {
        let d = &c.data;
        let related: Vec<Brief> = d
            .related
            .iter()
            .filter_map(|r| fam.code(*r))
            .map(|rc| Self::brief(urls, li, fam, rc, lang))
            .collect();
        let enhanced = d
            .enhanced
            .iter()
            .filter_map(|e| {
                let (_, s, det) = parse_enhanced(e)?;
                let entry = fam.enhanced_entry(s, det)?;
                let mut b = Self::enhanced_brief(urls, li, fam, entry, lang);
                b.code = e.clone();
                Some(b)
            })
            .collect();
        // Pair links worth showing: curated notes first, then related codes that have a page.
        let has_pair = |x: u16, y: u16| {
            let (lo, hi) = (x.min(y), x.max(y));
            pairs
                .iter()
                .any(|&(a, b)| fam.codes[a].data.code == lo && fam.codes[b].data.code == hi)
        };
        let mut pl: Vec<PairLink> = Vec::new();
        for p in &fam.pairs {
            if p.a == d.code || p.b == d.code {
                let other = if p.a == d.code { p.b } else { p.a };
                if let Some(oc) = fam.code(other) {
                    pl.push(PairLink {
                        url: urls.page(li, &plan::pair_path(fam, d.code, other)),
                        code: other.to_string(),
                        title: lang.text(&oc.data.title).to_string(),
                        curated: true,
                    });
                }
            }
        }
        for r in &d.related {
            if pl.iter().any(|p| p.code == r.to_string()) || !has_pair(d.code, *r) {
                continue;
            }
            if let Some(oc) = fam.code(*r) {
                pl.push(PairLink {
                    url: urls.page(li, &plan::pair_path(fam, d.code, *r)),
                    code: r.to_string(),
                    title: lang.text(&oc.data.title).to_string(),
                    curated: false,
                });
            }
        }
        CodeView {
            code: d.code.to_string(),
            num: d.code,
            url: urls.page(li, &plan::code_path(fam, d.code)),
            title: lang.text(&d.title).to_string(),
            title_html: Self::plain_html(&d.title, lang),
            summary: lang.text(&d.summary).to_string(),
            class: class_view(fam, d.class, lang),
            standard: d.standard,
            closest_html: d.closest.as_ref().map(|t| Self::md(t, lang)),
            stages: d
                .stages
                .iter()
                .map(|s| StageView {
                    id: s.clone(),
                    name: fam
                        .meta
                        .stages
                        .get(s)
                        .map(|t| lang.text(t).to_string())
                        .unwrap_or_default(),
                })
                .collect(),
            stages_text: compare::stages_text(fam, d, lang),
            action: compare::ucfirst(
                fam.meta
                    .actions
                    .get(&d.action)
                    .map(|t| lang.text(t))
                    .unwrap_or(""),
            ),
            rfcs: rfc_views(&d.rfcs, lang),
            sources: source_views(&d.sources, lang),
            related,
            enhanced,
            examples: d.examples.clone(),
            description_html: Self::md(&d.description, lang),
            when_html: Self::md(&d.when, lang),
            fix: Self::fix_views(&d.fix, lang),
            fix_first: fix_first(&d.fix, lang),
            toc: toc(lang, !d.examples.is_empty(), &[]),
            pairs: pl,
            occurs: compare::occurs(fam, d, lang),
            who: compare::who_cell(d, lang),
            fix_lead: compare::fix_lead(fam, d, lang),
            pair_fix: Self::pair_fix(d, lang),
        }
    }

    fn enhanced_view(
        urls: &Urls,
        li: usize,
        fam: &Family,
        e: &Enhanced,
        lang: &Lang,
    ) -> EnhancedView {
        let d = &e.data;
        EnhancedView {
            code: e.concrete().join(" / "),
            registry: d.code.clone(),
            slug: e.slug(),
            concrete: e.concrete(),
            url: urls.page(li, &plan::enhanced_path(fam, e)),
            title: lang.text(&d.title).to_string(),
            title_html: Self::plain_html(&d.title, lang),
            summary: lang.text(&d.summary).to_string(),
            subject: fam
                .meta
                .subjects
                .iter()
                .find(|s| s.digit == e.subject)
                .map(|s| lang.text(&s.name).to_string())
                .unwrap_or_default(),
            classes: d
                .classes
                .iter()
                .map(|c| class_view(fam, *c, lang))
                .collect(),
            basic: d
                .basic
                .iter()
                .filter_map(|b| fam.code(*b))
                .map(|c| Self::brief(urls, li, fam, c, lang))
                .collect(),
            seen_with: d
                .seen_with
                .iter()
                .filter_map(|b| fam.code(*b))
                .map(|c| Self::brief(urls, li, fam, c, lang))
                .collect(),
            rfcs: rfc_views(&d.rfcs, lang),
            sources: source_views(&d.sources, lang),
            related: d
                .related
                .iter()
                .filter_map(|r| {
                    let (_, s, det) = parse_enhanced(r)?;
                    fam.enhanced_entry(s, det)
                })
                .map(|x| Self::enhanced_brief(urls, li, fam, x, lang))
                .collect(),
            examples: d.examples.clone(),
            description_html: Self::md(&d.description, lang),
            when_html: Self::md(&d.when, lang),
            fix: Self::fix_views(&d.fix, lang),
            fix_first: fix_first(&d.fix, lang),
            toc: toc(lang, !d.examples.is_empty(), &[]),
            providers: fam
                .providers
                .iter()
                .filter(|p| p.entry_key() == Some((e.subject, e.detail)))
                .map(|p| Self::provider_brief(urls, li, fam, p, lang))
                .collect(),
        }
    }

    /// Site-relative path of a page (language prefix and base path removed).
    fn rel_path(&self, page: &Page, li: usize) -> String {
        let prefix = format!("{}{}/", self.urls.base_path, self.urls.lang_prefix[li]);
        page.url.strip_prefix(&prefix).unwrap_or("").to_string()
    }

    fn base_context(&self, page: &Page, li: usize, title: &str, description: &str) -> Context {
        let site = self.site;
        let rel = self.rel_path(page, li);
        let langs: Vec<BTreeMap<&str, Value>> = site
            .config
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let url = self.urls.page(i, &rel);
                let mut m = BTreeMap::new();
                m.insert("code", Value::from(l.code.as_str()));
                m.insert("name", Value::from(l.name.as_str()));
                m.insert("html_lang", Value::from(l.html_lang.as_str()));
                m.insert("locale", Value::from(l.locale.as_str()));
                m.insert(
                    "permalink",
                    Value::from(self.urls.permalink(&url).unwrap_or_default()),
                );
                m.insert("url", Value::from(url));
                m.insert("current", Value::from(i == li));
                m
            })
            .collect();
        let lang = Self::lang(site, li);
        let mut ctx = Context::new();
        ctx.insert("lang", &site.config.languages[li]);
        ctx.insert("langs", &langs);
        ctx.insert_value("t", self.views[li].labels.clone());
        ctx.insert_value("families", self.views[li].families.clone());
        ctx.insert("site_title", lang.text(&site.config.title));
        ctx.insert("site_description", lang.text(&site.config.description));
        ctx.insert("base", &self.urls.base_path);
        ctx.insert("home_url", &self.urls.page(li, ""));
        ctx.insert("search_url", &self.urls.page(li, plan::SEARCH_PATH));
        ctx.insert("explain_url", &self.urls.page(li, plan::EXPLAIN_PATH));
        ctx.insert(
            "search_index_url",
            &self.urls.page(li, plan::SEARCH_INDEX_PATH),
        );
        ctx.insert("page_url", &page.url);
        // Empty when the base URL has no host: templates then leave the link out.
        ctx.insert(
            "permalink",
            &self.urls.permalink(&page.url).unwrap_or_default(),
        );
        ctx.insert("page_kind", page.kind_name());
        ctx.insert("title", title);
        ctx.insert("description", description);
        ctx
    }

    /// Renders one page to bytes.
    pub fn render(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        if let Kind::Static { index } = page.kind {
            let s = &self.statics[index];
            return crate::load::read_static(&s.path).map_err(|e| {
                Diagnostic::error(format!("static/{}", s.rel), format!("cannot read: {e}"))
            });
        }
        let li = page.lang.unwrap_or(0);
        let site = self.site;
        let lang = Self::lang(site, li);
        let v = &self.views[li];
        let (template, ctx) = match &page.kind {
            Kind::Home => (
                "home.html",
                self.base_context(
                    page,
                    li,
                    lang.text(&site.config.title),
                    lang.text(&site.config.description),
                ),
            ),
            Kind::NotFound => (
                "404.html",
                self.base_context(
                    page,
                    li,
                    lang.label("not_found_title"),
                    lang.label("not_found_text"),
                ),
            ),
            Kind::Family { family } => {
                let fam = &site.families[*family];
                let mut ctx = self.base_context(
                    page,
                    li,
                    lang.text(&fam.meta.title),
                    lang.text(&fam.meta.summary),
                );
                ctx.insert_value("family", v.family_each[*family].clone());
                ("family.html", ctx)
            }
            Kind::Code { family, code } => {
                let fam = &site.families[*family];
                let c = &fam.codes[*code].data;
                let title = format!(
                    "{} {} {}",
                    lang.text(&fam.meta.name),
                    c.code,
                    lang.text(&c.title)
                );
                let mut ctx = self.base_context(page, li, &title, lang.text(&c.summary));
                ctx.insert_value("family", v.family_each[*family].clone());
                ctx.insert_value("code", v.codes[*family][*code].clone());
                if *code > 0 {
                    ctx.insert_value("prev", v.codes[*family][*code - 1].clone());
                }
                if let Some(n) = v.codes[*family].get(*code + 1) {
                    ctx.insert_value("next", n.clone());
                }
                ("code.html", ctx)
            }
            Kind::Enhanced { family, entry } => {
                let fam = &site.families[*family];
                let e = &fam.enhanced[*entry];
                let title = format!(
                    "{} {} {}",
                    lang.text(&fam.meta.name),
                    e.concrete().join(" / "),
                    lang.text(&e.data.title)
                );
                let mut ctx = self.base_context(page, li, &title, lang.text(&e.data.summary));
                ctx.insert_value("family", v.family_each[*family].clone());
                ctx.insert_value("entry", v.enhanced[*family][*entry].clone());
                if *entry > 0 {
                    ctx.insert_value("prev", v.enhanced[*family][*entry - 1].clone());
                }
                if let Some(n) = v.enhanced[*family].get(*entry + 1) {
                    ctx.insert_value("next", n.clone());
                }
                ("enhanced.html", ctx)
            }
            Kind::Pair { family, a, b } => {
                let fam = &site.families[*family];
                let (ca, cb) = (&fam.codes[*a].data, &fam.codes[*b].data);
                let (sa, sb) = (ca.code.to_string(), cb.code.to_string());
                let (title, title_html) = compare::pair_title(fam, ca, cb, &lang);
                let description = compare::fill(
                    lang.label("pair_description"),
                    &[
                        ("a", &sa),
                        ("b", &sb),
                        ("title_a", lang.text(&ca.title)),
                        ("title_b", lang.text(&cb.title)),
                    ],
                );
                let mut ctx = self.base_context(page, li, &title, &description);
                ctx.insert_value("family", v.family_each[*family].clone());
                ctx.insert_value("a", v.codes[*family][*a].clone());
                ctx.insert_value("b", v.codes[*family][*b].clone());
                ctx.insert("title_html", &title_html);
                ctx.insert("difference", &compare::key_difference(fam, ca, cb, &lang));
                let (which_server, which_reader) = compare::when_to_use_which(fam, ca, cb, &lang);
                ctx.insert("which_server", &which_server);
                ctx.insert("which_reader", &which_reader);
                if let Some(p) = fam.pair(ca.code, cb.code) {
                    ctx.insert("note_html", &Self::md(&p.data.note, &lang));
                    if let Some(w) = &p.data.which {
                        ctx.insert("which_html", &Self::md(w, &lang));
                    }
                }
                ("pair.html", ctx)
            }
            Kind::Provider { family, page: pi } => {
                let fam = &site.families[*family];
                let p = &fam.providers[*pi];
                let mut ctx = self.base_context(
                    page,
                    li,
                    lang.text(&p.data.title),
                    lang.text(&p.data.summary),
                );
                ctx.insert_value("family", v.family_each[*family].clone());
                ctx.insert_value("page", v.providers[*family][*pi].clone());
                ("provider.html", ctx)
            }
            Kind::Redirect { target } => {
                let mut ctx = self.base_context(
                    page,
                    li,
                    lang.label("redirect_title"),
                    lang.label("redirect_title"),
                );
                ctx.insert("target", target);
                ctx.insert(
                    "target_permalink",
                    &self.urls.permalink(target).unwrap_or_default(),
                );
                ("redirect.html", ctx)
            }
            Kind::Search => (
                "search.html",
                self.base_context(
                    page,
                    li,
                    lang.label("search_title"),
                    lang.label("search_description"),
                ),
            ),
            Kind::Explain => (
                "explain.html",
                self.base_context(
                    page,
                    li,
                    lang.label("explain_title"),
                    lang.label("explain_description"),
                ),
            ),
            Kind::SearchIndex => return Ok(data::search_index(site, self.urls, li)),
            Kind::ExplainIndex => {
                return Ok(crate::explain_index::explain_index(site, self.urls, li));
            }
            Kind::Sitemap { paths } => return Ok(data::sitemap(site, self.urls, paths)),
            Kind::Robots => return Ok(data::robots(self.urls)),
            Kind::NoJekyll => return Ok(Vec::new()),
            Kind::Cname => {
                return Ok(format!("{}\n", site.config.cname.as_deref().unwrap_or("")).into_bytes());
            }
            Kind::ApiIndex { family } => {
                return Ok(data::api_index(site, self.urls, &site.families[*family]));
            }
            Kind::ApiCode { family, code } => {
                let fam = &site.families[*family];
                return Ok(data::api_code(site, self.urls, fam, &fam.codes[*code]));
            }
            Kind::ApiProvider { family, page: pi } => {
                let fam = &site.families[*family];
                return Ok(data::api_provider(
                    site,
                    self.urls,
                    fam,
                    &fam.providers[*pi],
                ));
            }
            Kind::ApiEnhanced { family, entry } => {
                let fam = &site.families[*family];
                return Ok(data::api_enhanced(
                    site,
                    self.urls,
                    fam,
                    &fam.enhanced[*entry],
                ));
            }
            Kind::Static { .. } => unreachable!("handled above"),
        };
        self.engine
            .tera
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|e| tera_diag(&e, &format!("templates/{template}")))
    }
}
