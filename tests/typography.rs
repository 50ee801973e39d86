//! Chinese typography on every Chinese page of the bundled site (rules in
//! `src/typography.rs`, convention in the README): zero hits, written and generated text alike.

mod common;
use codesite::typography::{self, OPAQUE};
use common::*;
use scraper::{ElementRef, Html, Node, Selector};

/// Elements whose text is one block: checked on its own, not as part of its parent.
const BLOCKS: &[&str] = &[
    "title",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "dt",
    "dd",
    "td",
    "th",
    "caption",
    "figcaption",
    "label",
    "button",
    "summary",
    "blockquote",
    "option",
];

/// The visible text of a block, with code and English-marked phrases replaced by `OPAQUE`.
fn block_text(e: ElementRef, out: &mut String) {
    for child in e.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(el) => {
                let name = el.name();
                let lang = el.attr("lang");
                if ["script", "style", "svg", "template"].contains(&name) || BLOCKS.contains(&name)
                {
                    continue;
                }
                if ["code", "kbd", "samp", "pre", "var"].contains(&name)
                    || lang.is_some_and(|l| !l.starts_with("zh"))
                {
                    out.push(OPAQUE);
                } else if let Some(c) = ElementRef::wrap(child) {
                    block_text(c, out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_chinese_page_follows_the_typography_rules() {
    let out = bundled_site();
    let sel = Selector::parse(&BLOCKS.join(", ")).unwrap();
    let mut report = Vec::new();
    let mut pages = 0;
    for rel in files(&out.join("zh")) {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(out.join("zh").join(&rel)).unwrap();
        let doc = Html::parse_document(&html);
        for e in doc.select(&sel) {
            // Blocks inside an element marked as another language are not Chinese text.
            if e.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().attr("lang").is_some_and(|l| !l.starts_with("zh")))
                || e.value().attr("lang").is_some_and(|l| !l.starts_with("zh"))
            {
                continue;
            }
            let mut text = String::new();
            block_text(e, &mut text);
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for h in typography::check(&text) {
                report.push(format!("zh/{rel}: {}: …{}…", h.rule, h.excerpt));
            }
        }
    }
    assert!(pages > 1000, "only {pages} Chinese pages found");
    report.sort();
    report.dedup();
    assert!(
        report.is_empty(),
        "{} typography hits on Chinese pages:\n{}",
        report.len(),
        report.join("\n")
    );
}
