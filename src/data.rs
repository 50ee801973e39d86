//! Machine-readable outputs: the search index, the JSON API, the sitemap and robots.txt.
//!
//! These are planned like pages and rendered by the same stage; they only use serde instead
//! of Tera. The API is versioned (`api/v1/`) because ticket systems will hard-code its URLs.

use crate::model::*;
use crate::plan::{self, Urls};
use serde::Serialize;
use std::collections::BTreeMap;

mod providers;
pub use providers::api_provider;

/// Version of the JSON API; bumped only with a new URL prefix.
pub const API_VERSION: u32 = 1;

/// One entry of a language's search index (see README, "Search index").
#[derive(Serialize)]
pub struct SearchEntry {
    code: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    concrete: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<u16>,
    title: String,
    summary: String,
    url: String,
    class: &'static str,
    digit: u8,
    /// Search keywords of this language (synonyms, what people type).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<String>,
    /// In other languages than the default: the default language's title and keywords, so that
    /// English queries ("rate limit", "mailbox full") work on the Chinese site too.
    #[serde(skip_serializing_if = "String::is_empty")]
    alt: String,
    /// The page's body (description, when) reduced to its distinct words, lowercased:
    /// matched with a lower weight than titles. See [`body_words`].
    body: String,
}

/// Words that carry no meaning in a search (checked after lowercasing; words of one or two
/// letters are dropped anyway).
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "that", "this", "with", "are", "was", "not", "but", "you", "your", "from",
    "have", "has", "its", "can", "will", "when", "what", "which", "they", "them", "their", "then",
    "than", "there", "also", "only", "into", "more", "most", "some", "such", "been", "does", "one",
    "two", "all", "any", "each", "other", "same", "may", "might", "should", "would", "could",
    "just", "like", "about", "over", "after", "before", "because", "these", "those", "here",
    "where", "who", "how", "why", "yourself", "usually", "often", "still", "very", "many", "much",
    "own", "out", "off", "again", "even", "every", "get", "gets", "got", "let", "lets", "did",
    "were", "had", "him", "his", "her", "she", "our", "per", "via", "too", "now", "way", "say",
    "says", "said", "use", "used", "uses", "using", "make", "makes", "sure", "first", "then",
];

/// The distinct words of Markdown texts, in order of first appearance: Latin words (letters,
/// digits, dots inside codes such as `5.7.1`) lowercased, without stop words; runs of Chinese
/// characters between punctuation kept whole so that any substring of a clause still matches.
/// A page body of a few kilobytes becomes a few hundred bytes to a kilobyte or two.
pub fn body_words<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    let mut push = |w: &str| {
        if seen.insert(w.to_string()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    };
    let is_cjk = |c: char| matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}');
    for md in texts {
        let plain = crate::markdown::plain_text(md).to_lowercase();
        let mut word = String::new();
        let mut cjk = String::new();
        for c in plain.chars().chain(std::iter::once(' ')) {
            if is_cjk(c) {
                cjk.push(c);
            } else if !cjk.is_empty() {
                if cjk.chars().count() >= 2 {
                    push(&cjk);
                }
                cjk.clear();
            }
            let keep = c.is_ascii_alphanumeric() || ((c == '.' || c == '-') && !word.is_empty());
            if keep {
                word.push(c);
            } else if !word.is_empty() {
                let w = word.trim_end_matches(['.', '-']);
                if w.len() >= 3 && !STOP_WORDS.contains(&w) {
                    push(w);
                }
                word.clear();
            }
        }
    }
    out
}

fn text<'a>(loc: &'a Localized, lang: &str, default: &str) -> &'a str {
    loc.get(lang)
        .or_else(|| loc.get(default))
        .map(String::as_str)
        .unwrap_or("")
}

/// The `fix` texts of one language, by audience.
fn fix_texts<'a>(fix: &'a Fix, lang: &str, default: &str) -> BTreeMap<&'static str, &'a str> {
    fix.parts()
        .into_iter()
        .map(|(k, t)| (k, text(t, lang, default)))
        .collect()
}

fn kind_of(fam: &Family, digit: u8) -> &'static str {
    fam.class(digit).map(|c| c.kind.id()).unwrap_or("unknown")
}

/// The `keywords`, `alt` and `body` fields of a search entry in language `lang`. The body is
/// the description and "when it occurs": the fix texts would add a third to the index (mostly
/// words the description already has), and a page is found by what went wrong, not the remedy.
pub(super) fn search_texts(
    kw: &Keywords,
    title: &Localized,
    texts: [&Localized; 2],
    lang: &str,
    default: &str,
) -> (Vec<String>, String, String) {
    let words = |l: &str| kw.get(l).cloned().unwrap_or_default();
    let alt = if lang == default {
        String::new()
    } else {
        let mut a = vec![text(title, default, default).to_string()];
        a.extend(words(default));
        a.join(" · ")
    };
    let body = body_words(texts.iter().map(|t| text(t, lang, default)));
    (words(lang), alt, body)
}

/// The search index of language `li`.
pub fn search_index(site: &Site, urls: &Urls, li: usize) -> Vec<u8> {
    let lang = &site.config.languages[li].code;
    let default = &site.config.languages[0].code;
    let mut out = Vec::new();
    for fam in &site.families {
        for c in &fam.codes {
            let d = &c.data;
            let (keywords, alt, body) = search_texts(
                &d.keywords,
                &d.title,
                [&d.description, &d.when],
                lang,
                default,
            );
            out.push(SearchEntry {
                code: d.code.to_string(),
                kind: "basic",
                concrete: vec![],
                registry: None,
                subject: None,
                detail: None,
                title: text(&d.title, lang, default).to_string(),
                summary: text(&d.summary, lang, default).to_string(),
                url: urls.page(li, &plan::code_path(fam, d.code)),
                class: kind_of(fam, d.class),
                digit: d.class,
                keywords,
                alt,
                body,
            });
        }
        for e in &fam.enhanced {
            let digit = e.main_class();
            let d = &e.data;
            let (keywords, alt, body) = search_texts(
                &d.keywords,
                &d.title,
                [&d.description, &d.when],
                lang,
                default,
            );
            out.push(SearchEntry {
                code: e.concrete().join(" / "),
                kind: "enhanced",
                concrete: e.concrete(),
                registry: Some(e.data.code.clone()),
                subject: Some(e.subject),
                detail: Some(e.detail),
                title: text(&e.data.title, lang, default).to_string(),
                summary: text(&e.data.summary, lang, default).to_string(),
                url: urls.page(li, &plan::enhanced_path(fam, e)),
                class: kind_of(fam, digit),
                digit,
                keywords,
                alt,
                body,
            });
        }
        out.extend(providers::search_entries(fam, urls, li, lang, default));
    }
    serde_json::to_vec(&out).expect("search index serializes")
}

/// Absolute URLs of a site-relative path in every language.
fn lang_urls(site: &Site, urls: &Urls, path: &str) -> BTreeMap<String, String> {
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| (l.code.clone(), urls.absolute(&urls.page(i, path))))
        .collect()
}

#[derive(Serialize)]
struct ApiRfc {
    rfc: u32,
    title: String,
    section: String,
    url: String,
}

fn api_rfcs(rfcs: &[RfcRef], known: &BTreeMap<u32, String>) -> Vec<ApiRfc> {
    rfcs.iter()
        .map(|r| ApiRfc {
            rfc: r.rfc,
            title: known.get(&r.rfc).cloned().unwrap_or_default(),
            section: r.section.clone(),
            url: r.url(),
        })
        .collect()
}

#[derive(Serialize)]
struct ApiSource<'a> {
    kind: &'static str,
    title: &'a str,
    url: &'a str,
}

fn api_sources(sources: &[SourceRef]) -> Vec<ApiSource<'_>> {
    sources
        .iter()
        .map(|s| ApiSource {
            kind: s.kind.id(),
            title: &s.title,
            url: &s.url,
        })
        .collect()
}

/// Localized texts of one code in one language (Markdown source, as written).
#[derive(Serialize)]
struct ApiText<'a> {
    title: &'a str,
    summary: &'a str,
    class_name: &'a str,
    next_step: &'a str,
    stages: Vec<&'a str>,
    description: &'a str,
    when: &'a str,
    fix: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closest: Option<&'a str>,
}

#[derive(Serialize)]
struct ApiCode<'a> {
    api_version: u32,
    family: &'a str,
    kind: &'static str,
    code: String,
    class: u8,
    class_kind: &'static str,
    standard: bool,
    stages: &'a [String],
    next_step: &'a str,
    rfcs: Vec<ApiRfc>,
    sources: Vec<ApiSource<'a>>,
    related: &'a [u16],
    enhanced: &'a [String],
    examples: &'a [String],
    urls: BTreeMap<String, String>,
    text: BTreeMap<String, ApiText<'a>>,
}

fn api_text<'a>(site: &Site, fam: &'a Family, d: &'a CodeData, lang: &str) -> ApiText<'a> {
    let default = site.config.languages[0].code.as_str();
    ApiText {
        title: text(&d.title, lang, default),
        summary: text(&d.summary, lang, default),
        class_name: fam
            .class(d.class)
            .map(|c| text(&c.name, lang, default))
            .unwrap_or(""),
        next_step: fam
            .meta
            .actions
            .get(&d.action)
            .map(|t| text(t, lang, default))
            .unwrap_or(""),
        stages: d
            .stages
            .iter()
            .filter_map(|s| fam.meta.stages.get(s))
            .map(|t| text(t, lang, default))
            .collect(),
        description: text(&d.description, lang, default),
        when: text(&d.when, lang, default),
        fix: fix_texts(&d.fix, lang, default),
        closest: d.closest.as_ref().map(|t| text(t, lang, default)),
    }
}

/// `api/v1/<family>/<code>.json`.
pub fn api_code(site: &Site, urls: &Urls, fam: &Family, c: &Code) -> Vec<u8> {
    let d = &c.data;
    let v = ApiCode {
        api_version: API_VERSION,
        family: &fam.slug,
        kind: "basic",
        code: d.code.to_string(),
        class: d.class,
        class_kind: kind_of(fam, d.class),
        standard: d.standard,
        stages: &d.stages,
        next_step: &d.action,
        rfcs: api_rfcs(&d.rfcs, &fam.meta.rfcs),
        sources: api_sources(&d.sources),
        related: &d.related,
        enhanced: &d.enhanced,
        examples: &d.examples,
        urls: lang_urls(site, urls, &plan::code_path(fam, d.code)),
        text: site
            .config
            .languages
            .iter()
            .map(|l| (l.code.clone(), api_text(site, fam, d, &l.code)))
            .collect(),
    };
    serde_json::to_vec_pretty(&v).expect("api serializes")
}

#[derive(Serialize)]
struct ApiEnhancedText<'a> {
    title: &'a str,
    summary: &'a str,
    subject: &'a str,
    description: &'a str,
    when: &'a str,
    fix: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
struct ApiEnhanced<'a> {
    api_version: u32,
    family: &'a str,
    kind: &'static str,
    code: &'a str,
    concrete: Vec<String>,
    classes: &'a [u8],
    subject: u16,
    detail: u16,
    basic: &'a [u16],
    seen_with: &'a [u16],
    rfcs: Vec<ApiRfc>,
    sources: Vec<ApiSource<'a>>,
    related: &'a [String],
    examples: &'a [String],
    urls: BTreeMap<String, String>,
    text: BTreeMap<String, ApiEnhancedText<'a>>,
}

/// `api/v1/<family>/x.<s>.<d>.json`.
pub fn api_enhanced(site: &Site, urls: &Urls, fam: &Family, e: &Enhanced) -> Vec<u8> {
    let d = &e.data;
    let default = site.config.languages[0].code.as_str();
    let subject = fam.meta.subjects.iter().find(|s| s.digit == e.subject);
    let v = ApiEnhanced {
        api_version: API_VERSION,
        family: &fam.slug,
        kind: "enhanced",
        code: &d.code,
        concrete: e.concrete(),
        classes: &d.classes,
        subject: e.subject,
        detail: e.detail,
        basic: &d.basic,
        seen_with: &d.seen_with,
        rfcs: api_rfcs(&d.rfcs, &fam.meta.rfcs),
        sources: api_sources(&d.sources),
        related: &d.related,
        examples: &d.examples,
        urls: lang_urls(site, urls, &plan::enhanced_path(fam, e)),
        text: site
            .config
            .languages
            .iter()
            .map(|l| {
                let lang = l.code.as_str();
                (
                    l.code.clone(),
                    ApiEnhancedText {
                        title: text(&d.title, lang, default),
                        summary: text(&d.summary, lang, default),
                        subject: subject.map(|s| text(&s.name, lang, default)).unwrap_or(""),
                        description: text(&d.description, lang, default),
                        when: text(&d.when, lang, default),
                        fix: fix_texts(&d.fix, lang, default),
                    },
                )
            })
            .collect(),
    };
    serde_json::to_vec_pretty(&v).expect("api serializes")
}

#[derive(Serialize)]
struct IndexItem {
    code: String,
    kind: &'static str,
    class: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    concrete: Vec<String>,
    title: BTreeMap<String, String>,
    summary: BTreeMap<String, String>,
    urls: BTreeMap<String, String>,
    api: String,
}

#[derive(Serialize)]
struct ApiIndex<'a> {
    api_version: u32,
    family: &'a str,
    languages: Vec<&'a str>,
    codes: Vec<IndexItem>,
    enhanced: Vec<IndexItem>,
    /// Provider pages.
    providers: Vec<providers::ProviderItem>,
    /// Subjects with the URL of their section of the family index: where an unknown
    /// `<class>.<subject>.<detail>` falls back to when the registry has no entry.
    subjects: Vec<providers::FallbackItem>,
    /// Classes with the URL of their section: the last fallback.
    classes: Vec<providers::FallbackItem>,
}

/// `api/v1/<family>/index.json`.
pub fn api_index(site: &Site, urls: &Urls, fam: &Family) -> Vec<u8> {
    let default = site.config.languages[0].code.as_str();
    let per_lang = |loc: &Localized| -> BTreeMap<String, String> {
        site.config
            .languages
            .iter()
            .map(|l| (l.code.clone(), text(loc, &l.code, default).to_string()))
            .collect()
    };
    let api =
        |name: String| urls.absolute(&urls.asset(&format!("api/v1/{}/{name}.json", fam.slug)));
    let (provider_items, subjects, classes) = providers::index_parts(site, urls, fam);
    let v = ApiIndex {
        api_version: API_VERSION,
        family: &fam.slug,
        languages: site
            .config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect(),
        codes: fam
            .codes
            .iter()
            .map(|c| IndexItem {
                code: c.data.code.to_string(),
                kind: "basic",
                class: c.data.class,
                concrete: vec![],
                title: per_lang(&c.data.title),
                summary: per_lang(&c.data.summary),
                urls: lang_urls(site, urls, &plan::code_path(fam, c.data.code)),
                api: api(c.data.code.to_string()),
            })
            .collect(),
        enhanced: fam
            .enhanced
            .iter()
            .map(|e| IndexItem {
                code: e.data.code.clone(),
                kind: "enhanced",
                class: e.main_class(),
                concrete: e.concrete(),
                title: per_lang(&e.data.title),
                summary: per_lang(&e.data.summary),
                urls: lang_urls(site, urls, &plan::enhanced_path(fam, e)),
                api: api(e.slug()),
            })
            .collect(),
        providers: provider_items,
        subjects,
        classes,
    };
    serde_json::to_vec_pretty(&v).expect("api serializes")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `sitemap.xml` with `xhtml:link` language alternates for every page.
pub fn sitemap(site: &Site, urls: &Urls, paths: &[String]) -> Vec<u8> {
    let mut s = String::with_capacity(paths.len() * site.config.languages.len() * 400);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for p in paths {
        for (li, _) in site.config.languages.iter().enumerate() {
            s.push_str("<url><loc>");
            s.push_str(&xml_escape(&urls.absolute(&urls.page(li, p))));
            s.push_str("</loc>");
            for (lj, l) in site.config.languages.iter().enumerate() {
                s.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    xml_escape(&l.html_lang),
                    xml_escape(&urls.absolute(&urls.page(lj, p)))
                ));
            }
            s.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                xml_escape(&urls.absolute(&urls.page(0, p)))
            ));
            s.push_str("</url>\n");
        }
    }
    s.push_str("</urlset>\n");
    s.into_bytes()
}

/// `robots.txt`, pointing at the sitemap when there is one (it needs an absolute URL).
pub fn robots(urls: &Urls) -> Vec<u8> {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(sitemap) = urls.permalink(&urls.asset("sitemap.xml")) {
        s.push_str(&format!("\nSitemap: {sitemap}\n"));
    }
    s.into_bytes()
}
