//! The bounce explainer's data file: `/explain-index.json` per language (INTERFACES.md §3).
//!
//! The explainer (`static/explain-core.js`) runs in the browser, so everything it needs to turn a
//! code into a verdict — one sentence of what happened, who must act, whether the sending server
//! retries, and the first fix line with a link to `#how-to-fix` — is prepared here once, at build
//! time, instead of being scraped from pages.

use crate::compare::Lang;
use crate::model::*;
use crate::plan::{self, Urls};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::BTreeMap;

/// Format version of the file; bumped when a field changes meaning.
pub const VERSION: u32 = 1;

/// Who may have to act on a bounce, in display order; the i18n key of each is `who_<id>`.
pub const WHO: &[&str] = &["sender", "sending_admin", "receiving_admin", "recipient"];

#[derive(Serialize)]
struct ClassInfo {
    name: String,
    kind: &'static str,
    summary: String,
    url: String,
}

#[derive(Serialize)]
struct SubjectInfo {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct Labels {
    who: BTreeMap<&'static str, String>,
}

/// One code (basic, enhanced registry entry or provider page) as the explainer sees it.
#[derive(Serialize)]
struct Item {
    kind: &'static str,
    code: String,
    class: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    concrete: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<u16>,
    /// Provider pages: the concrete codes the page is canonical for (ranges expanded).
    #[serde(skip_serializing_if = "Option::is_none")]
    codes: Option<Vec<String>>,
    /// Provider pages: the providers' names in the language.
    #[serde(skip_serializing_if = "Option::is_none")]
    providers: Option<Vec<String>>,
    /// Provider pages: lowercase substrings that identify the page in a bounce.
    #[serde(skip_serializing_if = "Option::is_none")]
    patterns: Option<Vec<String>>,
    /// Provider pages: the reply codes it comes with.
    #[serde(skip_serializing_if = "Option::is_none")]
    basic: Option<Vec<String>>,
    title: String,
    summary: String,
    url: String,
    fix_url: String,
    fix: String,
    who: Vec<&'static str>,
    retry: bool,
}

#[derive(Serialize)]
struct ExplainIndex {
    version: u32,
    classes: BTreeMap<String, ClassInfo>,
    subjects: BTreeMap<String, SubjectInfo>,
    labels: Labels,
    items: Vec<Item>,
}

/// Plain text of the first sentence of a Markdown text: the line a verdict card can show
/// before the reader follows the link to the whole fix. A very short first sentence ("Usually
/// nothing.") says too little on its own, so it takes the next one with it.
pub fn first_sentence(md: &str) -> String {
    let mut text = String::new();
    for ev in Parser::new(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) if !text.is_empty() => break,
            Event::Start(Tag::Item) if !text.is_empty() => break,
            _ => {}
        }
    }
    let text = text.trim();
    let end = sentence_end(text);
    let first = text[..end].trim();
    if first.len() < 40 && end < text.len() {
        let rest = text[end..].trim_start();
        let next = rest[..sentence_end(rest)].trim();
        return format!("{first}{}{next}", if first.is_ascii() { " " } else { "" });
    }
    first.to_string()
}

/// Byte offset just after the first sentence (the site's one rule,
/// [`crate::markdown::sentence_ends`]); the whole text when there is none.
fn sentence_end(text: &str) -> usize {
    crate::markdown::sentence_ends(text)
        .next()
        .unwrap_or(text.len())
}

/// Who must act, from the audiences a fix is written for. The receiving side's admin is named
/// only when nobody on the sending side can do anything: their section usually tells a server
/// operator how to send the code, which is not what the reader of a bounce has to do.
fn who_of(fix: &Fix) -> Vec<&'static str> {
    let mut who: Vec<&'static str> = Vec::new();
    if fix.sender.is_some() {
        who.push("sender");
    }
    if fix.sending_admin.is_some() {
        who.push("sending_admin");
    }
    if who.is_empty() && fix.receiving_admin.is_some() {
        who.push("receiving_admin");
    }
    who
}

/// First fix line in the language: from the first audience that must act.
fn fix_line(fix: &Fix, who: &[&str], lang: &Lang) -> String {
    fix.parts()
        .into_iter()
        .find(|(id, _)| who.contains(id))
        .or_else(|| fix.parts().into_iter().next())
        .map(|(_, t)| first_sentence(lang.text(t)))
        .unwrap_or_default()
}

/// The explainer index of language `li`.
pub fn explain_index(site: &Site, urls: &Urls, li: usize) -> Vec<u8> {
    let code = &site.config.languages[li].code;
    let lang = Lang {
        code,
        default: &site.config.languages[0].code,
        labels: &site.i18n[code].map,
    };
    let mut classes = BTreeMap::new();
    let mut subjects = BTreeMap::new();
    let mut items = Vec::new();
    for fam in &site.families {
        for c in &fam.meta.classes {
            classes
                .entry(c.digit.to_string())
                .or_insert_with(|| ClassInfo {
                    name: lang.text(&c.name).to_string(),
                    kind: c.kind.id(),
                    summary: lang.text(&c.summary).to_string(),
                    url: urls.page(li, &format!("{}/#class-{}xx", fam.slug, c.digit)),
                });
        }
        for s in &fam.meta.subjects {
            subjects
                .entry(s.digit.to_string())
                .or_insert_with(|| SubjectInfo {
                    name: lang.text(&s.name).to_string(),
                    url: urls.page(li, &format!("{}/#subject-{}", fam.slug, s.digit)),
                });
        }
        for c in &fam.codes {
            let d = &c.data;
            let url = urls.page(li, &plan::code_path(fam, d.code));
            let who = who_of(&d.fix);
            items.push(Item {
                kind: "basic",
                code: d.code.to_string(),
                class: d.class,
                concrete: vec![],
                subject: None,
                detail: None,
                codes: None,
                providers: None,
                patterns: None,
                basic: None,
                title: lang.text(&d.title).to_string(),
                summary: lang.text(&d.summary).to_string(),
                fix_url: format!("{url}#how-to-fix"),
                url,
                fix: fix_line(&d.fix, &who, &lang),
                who,
                // A 4xx whose next step is not a retry (e.g. "change the command") is not
                // retried by itself.
                retry: d.class == 4 && matches!(d.action.as_str(), "retry" | "reconnect"),
            });
        }
        for e in &fam.enhanced {
            let d = &e.data;
            let url = urls.page(li, &plan::enhanced_path(fam, e));
            let who = who_of(&d.fix);
            items.push(Item {
                kind: "enhanced",
                code: d.code.clone(),
                class: e.main_class(),
                concrete: e.concrete(),
                subject: Some(e.subject),
                detail: Some(e.detail),
                codes: None,
                providers: None,
                patterns: None,
                basic: None,
                title: lang.text(&d.title).to_string(),
                summary: lang.text(&d.summary).to_string(),
                fix_url: format!("{url}#how-to-fix"),
                url,
                fix: fix_line(&d.fix, &who, &lang),
                who,
                // Only the concrete class seen in a bounce says whether it is retried; this is
                // the answer when the entry is used with class 4 only.
                retry: d.classes.iter().all(|&c| c == 4),
            });
        }
        // Provider pages own the concrete codes they claim (a page naming 4.7.650 wins over
        // the 4.7.500-4.7.699 range), so a code in a bounce leads to exactly one page.
        let claims = fam.provider_claims();
        for (pi, p) in fam.providers.iter().enumerate() {
            let d = &p.data;
            let url = urls.page(li, &plan::provider_path(fam, p));
            let who: Vec<&'static str> = d.who.iter().map(|w| w.id()).collect();
            items.push(Item {
                kind: "provider",
                code: d.slug.clone(),
                class: p.main_class(),
                concrete: vec![],
                subject: None,
                detail: None,
                codes: Some(
                    claims
                        .iter()
                        .filter(|(_, i)| **i == pi)
                        .map(|(c, _)| c.to_string())
                        .collect(),
                ),
                providers: Some(
                    d.providers
                        .iter()
                        .map(|id| fam.provider_name(id, lang.code, lang.default).to_string())
                        .collect(),
                ),
                patterns: Some(d.patterns.iter().map(|s| s.to_lowercase()).collect()),
                basic: Some(d.basic.iter().map(u16::to_string).collect()),
                title: lang.text(&d.title).to_string(),
                summary: lang.text(&d.summary).to_string(),
                fix_url: format!("{url}#how-to-fix"),
                url,
                fix: fix_line(&d.fix, &who, &lang),
                who,
                retry: d.retry,
            });
        }
    }
    let who = WHO
        .iter()
        .map(|&id| (id, lang.label(&format!("who_{id}")).to_string()))
        .collect();
    let v = ExplainIndex {
        version: VERSION,
        classes,
        subjects,
        labels: Labels { who },
        items,
    };
    serde_json::to_vec(&v).expect("explain index serializes")
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn first_sentence_is_plain_text_of_the_first_sentence() {
        assert_eq!(
            first_sentence("First check the `5.1.1` address letter by letter. Then call."),
            "First check the 5.1.1 address letter by letter."
        );
        assert_eq!(
            first_sentence("Use e.g. **DKIM** signing\nfor all of your outgoing mail. More."),
            "Use e.g. DKIM signing for all of your outgoing mail."
        );
        assert_eq!(first_sentence("- one item\n- two"), "one item");
        assert_eq!(
            first_sentence("Usually nothing. Your server retries by itself. Later."),
            "Usually nothing. Your server retries by itself."
        );
        assert_eq!(
            first_sentence("先逐个字母核对收件人地址，尤其是 @ 前面的部分。再联系对方。"),
            "先逐个字母核对收件人地址，尤其是 @ 前面的部分。"
        );
        assert_eq!(
            first_sentence("不用处理。服务器会重试。"),
            "不用处理。服务器会重试。"
        );
        assert_eq!(first_sentence("No full stop"), "No full stop");
        assert_eq!(first_sentence(""), "");
    }
}
