//! Checks over a built site that several test files share: links, ids, languages, prose.
#![allow(dead_code)]

use scraper::{Html, Selector};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;

/// A parsed HTML page of the output.
pub struct Page {
    /// Path relative to the output folder.
    pub rel: String,
    /// Parsed document.
    pub doc: Html,
    /// Raw text.
    pub raw: String,
}

/// Parses every HTML file under `out`.
pub fn pages(out: &Path) -> Vec<Page> {
    super::files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|rel| {
            let raw = fs::read_to_string(out.join(&rel)).unwrap();
            Page {
                doc: Html::parse_document(&raw),
                rel,
                raw,
            }
        })
        .collect()
}

/// A CSS selector (test code: a bad selector is a bug in the test).
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Ids of every element of a page.
pub fn ids(doc: &Html) -> BTreeSet<String> {
    doc.select(&sel("[id]"))
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

/// Resolves an internal URL (path starting with `base_path` + `/`) to a file of the output.
fn target_file(out: &Path, base_path: &str, url_path: &str) -> Option<String> {
    let p = url_path.strip_prefix(base_path)?;
    let p = p.strip_prefix('/')?;
    let rel = if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    };
    out.join(&rel).is_file().then_some(rel)
}

/// Every `href`/`src` of every page must resolve to a file in `out`, and every fragment to an
/// id of that page. External `http(s)` links are only collected, never fetched. Returns the
/// broken links as `page: link (why)`.
pub fn broken_links(out: &Path, base_path: &str, pages: &[Page]) -> Vec<String> {
    let by_rel: HashMap<&str, &Page> = pages.iter().map(|p| (p.rel.as_str(), p)).collect();
    let id_cache: HashMap<&str, BTreeSet<String>> = pages
        .iter()
        .map(|p| (p.rel.as_str(), ids(&p.doc)))
        .collect();
    let mut bad = Vec::new();
    let attrs = sel("[href], [src]");
    for page in pages {
        for el in page.doc.select(&attrs) {
            for attr in ["href", "src"] {
                let Some(link) = el.value().attr(attr) else {
                    continue;
                };
                if link.starts_with("https://")
                    || link.starts_with("http://")
                    || link.starts_with("mailto:")
                {
                    continue;
                }
                let (path, frag) = match link.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (link, None),
                };
                let path = path.split('?').next().unwrap();
                let target = if path.is_empty() {
                    Some(page.rel.clone())
                } else if path.starts_with('/') {
                    target_file(out, base_path, path)
                } else {
                    bad.push(format!("{}: {link} (relative link)", page.rel));
                    continue;
                };
                let Some(target) = target else {
                    bad.push(format!("{}: {link} (no such file)", page.rel));
                    continue;
                };
                if let Some(f) = frag
                    && !f.is_empty()
                    && by_rel.contains_key(target.as_str())
                    && !id_cache[target.as_str()].contains(f)
                {
                    bad.push(format!("{}: {link} (no id {f:?} in {target})", page.rel));
                }
            }
        }
    }
    bad
}

/// Visible text of an HTML fragment with block boundaries kept as line breaks, so words in
/// separate cells or paragraphs are never read as adjacent.
pub fn text_blocks(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        let tag = rest[i + 1..end.saturating_sub(1)]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let inline = [
            "a", "em", "strong", "code", "span", "abbr", "b", "i", "kbd", "sup", "sub", "del",
        ];
        out.push(if inline.contains(&name.as_str()) {
            ' '
        } else {
            '\n'
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Doubled words in a page's body ("the the", "when when"), ignoring numbers.
pub fn doubled_words(raw: &str) -> Vec<String> {
    // From after the opening <body …> tag: its attributes are not prose.
    let body = raw
        .split_once("<body")
        .and_then(|(_, b)| b.split_once('>'))
        .map_or(raw, |(_, b)| b);
    let mut found = Vec::new();
    for line in text_blocks(body).lines() {
        // Only words separated by whitespace alone count as adjacent: "No, no" is prose.
        let tokens: Vec<&str> = line.split_whitespace().collect();
        for w in tokens.windows(2) {
            let a = w[0].trim_matches(|c: char| !c.is_alphanumeric());
            let b = w[1].trim_matches(|c: char| !c.is_alphanumeric());
            if !a.is_empty()
                && a.eq_ignore_ascii_case(b)
                && a.chars().any(|c| c.is_alphabetic())
                && !w[0].ends_with([',', '.', ';', ':', '，', '。', '；', '：', '（', '、'])
            {
                found.push(format!("{a} {b} in: {}", line.trim()));
            }
        }
    }
    found
}

/// Sections (and `dd` cells) with no visible content besides their heading.
pub fn empty_sections(doc: &Html) -> Vec<String> {
    let mut bad = Vec::new();
    for s in doc.select(&sel("section")) {
        let heading: String = s
            .select(&sel("h2"))
            .next()
            .map(|h| h.text().collect())
            .unwrap_or_default();
        let all: String = s.text().collect();
        if all.trim().len() <= heading.trim().len() {
            bad.push(format!("section {:?} is empty", heading.trim()));
        }
    }
    for d in doc.select(&sel("dd, p, li, h2, h3, td")) {
        let text: String = d.text().collect();
        if text.trim().is_empty()
            && d.value().attr("hidden").is_none()
            && d.value().attr("id") != Some("search-status")
        {
            bad.push(format!(
                "empty <{}> in {}",
                d.value().name(),
                d.html().chars().take(120).collect::<String>()
            ));
        }
    }
    bad
}
