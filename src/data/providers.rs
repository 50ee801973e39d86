//! Provider pages and the fallback of unknown codes in the machine outputs: search entries,
//! `api/v1/<family>/<slug>.json`, and the `providers`, `subjects` and `classes` of the index.

use super::{API_VERSION, SearchEntry, fix_texts, kind_of, lang_urls, search_texts, text};
use crate::model::*;
use crate::plan::{self, Urls};
use serde::Serialize;
use std::collections::BTreeMap;

/// Search entries (kind `provider`) of a family's provider pages in one language.
pub(super) fn search_entries(
    fam: &Family,
    urls: &Urls,
    li: usize,
    lang: &str,
    default: &str,
) -> Vec<SearchEntry> {
    fam.providers
        .iter()
        .map(|p| {
            let digit = p.main_class();
            let concrete: Vec<String> = p.concrete().iter().map(|c| c.to_string()).collect();
            let d = &p.data;
            let (keywords, alt, body) = search_texts(
                &d.keywords.clone().unwrap_or_default(),
                &d.title,
                [&d.description, &d.when],
                lang,
                default,
            );
            SearchEntry {
                code: p.display_code(),
                kind: "provider",
                concrete,
                registry: p.data.entry.clone(),
                subject: None,
                detail: None,
                title: text(&p.data.title, lang, default).to_string(),
                summary: text(&p.data.summary, lang, default).to_string(),
                url: urls.page(li, &plan::provider_path(fam, p)),
                class: kind_of(fam, digit),
                digit,
                keywords,
                alt,
                body,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct ApiSource<'a> {
    kind: &'static str,
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct ApiProviderText<'a> {
    title: &'a str,
    summary: &'a str,
    providers: Vec<&'a str>,
    description: &'a str,
    when: &'a str,
    fix: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
struct ApiProvider<'a> {
    api_version: u32,
    family: &'a str,
    kind: &'static str,
    slug: &'a str,
    codes: &'a [String],
    concrete: Vec<String>,
    class: u8,
    providers: &'a [String],
    entry: Option<&'a str>,
    basic: &'a [u16],
    patterns: &'a [String],
    who: Vec<&'static str>,
    retry: bool,
    examples: &'a [String],
    sources: Vec<ApiSource<'a>>,
    urls: BTreeMap<String, String>,
    text: BTreeMap<String, ApiProviderText<'a>>,
}

/// `api/v1/<family>/<slug>.json`.
pub fn api_provider(site: &Site, urls: &Urls, fam: &Family, p: &Provider) -> Vec<u8> {
    let d = &p.data;
    let default = site.config.languages[0].code.as_str();
    let v = ApiProvider {
        api_version: API_VERSION,
        family: &fam.slug,
        kind: "provider",
        slug: &d.slug,
        codes: &d.codes,
        concrete: p.concrete().iter().map(|c| c.to_string()).collect(),
        class: p.main_class(),
        providers: &d.providers,
        entry: d.entry.as_deref(),
        basic: &d.basic,
        patterns: &d.patterns,
        who: d.who.iter().map(|w| w.id()).collect(),
        retry: d.retry,
        examples: &d.examples,
        sources: d
            .sources
            .iter()
            .map(|s| ApiSource {
                kind: s.kind.id(),
                title: &s.title,
                url: &s.url,
            })
            .collect(),
        urls: lang_urls(site, urls, &plan::provider_path(fam, p)),
        text: site
            .config
            .languages
            .iter()
            .map(|l| {
                let lang = l.code.as_str();
                (
                    l.code.clone(),
                    ApiProviderText {
                        title: text(&d.title, lang, default),
                        summary: text(&d.summary, lang, default),
                        providers: d
                            .providers
                            .iter()
                            .map(|id| fam.provider_name(id, lang, default))
                            .collect(),
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

/// An item of `providers` in the API index.
#[derive(Serialize)]
pub(super) struct ProviderItem {
    slug: String,
    kind: &'static str,
    class: u8,
    codes: Vec<String>,
    concrete: Vec<String>,
    providers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<String>,
    title: BTreeMap<String, String>,
    summary: BTreeMap<String, String>,
    urls: BTreeMap<String, String>,
    api: String,
}

/// A subject or class in the API index: where a code the site does not know falls back to.
#[derive(Serialize)]
pub(super) struct FallbackItem {
    digit: u16,
    name: BTreeMap<String, String>,
    urls: BTreeMap<String, String>,
}

/// The index's `providers`, `subjects` and `classes` lists.
pub(super) fn index_parts(
    site: &Site,
    urls: &Urls,
    fam: &Family,
) -> (Vec<ProviderItem>, Vec<FallbackItem>, Vec<FallbackItem>) {
    let default = site.config.languages[0].code.as_str();
    let per_lang = |loc: &Localized| -> BTreeMap<String, String> {
        site.config
            .languages
            .iter()
            .map(|l| (l.code.clone(), text(loc, &l.code, default).to_string()))
            .collect()
    };
    let index = format!("{}/", fam.slug);
    let anchored = |anchor: String| -> BTreeMap<String, String> {
        lang_urls(site, urls, &index)
            .into_iter()
            .map(|(l, u)| (l, format!("{u}#{anchor}")))
            .collect()
    };
    let providers = fam
        .providers
        .iter()
        .map(|p| ProviderItem {
            slug: p.data.slug.clone(),
            kind: "provider",
            class: p.main_class(),
            codes: p.data.codes.clone(),
            concrete: p.concrete().iter().map(|c| c.to_string()).collect(),
            providers: p.data.providers.clone(),
            entry: p.data.entry.clone(),
            title: per_lang(&p.data.title),
            summary: per_lang(&p.data.summary),
            urls: lang_urls(site, urls, &plan::provider_path(fam, p)),
            api: urls.absolute(&urls.asset(&format!("api/v1/{}/{}.json", fam.slug, p.data.slug))),
        })
        .collect();
    let subjects = fam
        .meta
        .subjects
        .iter()
        .map(|s| FallbackItem {
            digit: s.digit,
            name: per_lang(&s.name),
            urls: anchored(format!("subject-{}", s.digit)),
        })
        .collect();
    let classes = fam
        .meta
        .classes
        .iter()
        .map(|c| FallbackItem {
            digit: c.digit.into(),
            name: per_lang(&c.name),
            urls: anchored(format!("class-{}xx", c.digit)),
        })
        .collect();
    (providers, subjects, classes)
}
