//! The glossary (`i18n/glossary.yaml`): one term per concept and language, and the check that
//! finds the variants a language does not use.
//!
//! Part of `validate`: the text of a language is scanned in every file that holds it — content
//! fields under that language's key, the language's label file, the config — so generated
//! sentences, which are assembled from those texts, are covered too.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Site, Source};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Glossary entries per language code.
pub type Glossary = BTreeMap<String, Vec<Term>>;

/// One concept: the term to use in a language and the variants to avoid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The concept, in English: `rate limiting, throttling`.
    pub term: String,
    /// The one term this language uses: `限速`. None for a list of phrasings to avoid (slang).
    #[serde(rename = "use", default)]
    pub use_: Option<String>,
    /// Variants that are errors wherever they appear in this language's text (substrings).
    #[serde(default)]
    pub avoid: Vec<String>,
    /// Why, or how the term is used; shown as the hint.
    #[serde(default)]
    pub note: Option<String>,
}

/// Byte ranges of one line that hold text in `lang`: `(line index, start, end)`.
///
/// Content files are YAML maps of `{en: …, zh: …}`: a `zh:` key (plain, flow or the head of a
/// block scalar) starts the language's text, which goes on over the lines indented deeper than
/// the key. Comments are skipped, and so are `keywords`: search synonyms are meant to list the
/// variants people type (限流 finds the 限速 pages). With `whole`, every non-comment line counts
/// (label files).
pub fn lang_spans(text: &str, lang: &str, whole: bool) -> Vec<(usize, usize, usize)> {
    let key = format!("{lang}:");
    let mut out = Vec::new();
    // Indent of the `lang:` key whose block we are in.
    let mut block: Option<usize> = None;
    // Indent of the `keywords:` key whose block we skip.
    let mut skip: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with('#') {
            continue;
        }
        if let Some(k) = skip {
            if trimmed.is_empty() || indent > k {
                continue;
            }
            skip = None;
        }
        if !whole && trimmed.starts_with("keywords:") {
            skip = Some(indent);
            continue;
        }
        if whole {
            out.push((i, 0, line.len()));
            continue;
        }
        if let Some(k) = block {
            if trimmed.is_empty() || indent > k {
                out.push((i, 0, line.len()));
                continue;
            }
            block = None;
        }
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let item_at = line.len() - item.len();
        if item.starts_with(&key) {
            block = Some(item_at);
            out.push((i, item_at + key.len(), line.len()));
        } else if let Some(p) = flow_key(line, &key) {
            // `title: {en: …, zh: …}`: the text after the key, up to the next key or the end.
            let start = p + key.len();
            let end = line[start..]
                .find(", en:")
                .map_or(line.len(), |e| start + e);
            out.push((i, start, end));
        }
    }
    out
}

/// Position of `key` as a key inside a flow map on this line (`{zh:` or `, zh:`).
fn flow_key(line: &str, key: &str) -> Option<usize> {
    ["{", ", ", "{ "]
        .iter()
        .find_map(|pre| line.find(&format!("{pre}{key}")).map(|p| p + pre.len()))
}

/// Reports every avoided variant in the text of each glossary language.
pub fn check(site: &Site, glossary: &(Source, Glossary), diags: &mut Diagnostics) {
    let (gsrc, terms) = glossary;
    let langs: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    for (lang, list) in terms {
        if !langs.contains(&lang.as_str()) {
            diags.push(
                Diagnostic::error(
                    &gsrc.file,
                    format!("glossary for unknown language `{lang}`"),
                )
                .at(gsrc.locate_key(lang))
                .hint(format!("configured languages: {}", langs.join(", "))),
            );
            continue;
        }
        let mut sources: Vec<(&Source, bool)> = vec![(&site.config_source, false)];
        if let Some(l) = site.i18n.get(lang) {
            sources.push((&l.source, true));
        }
        for fam in &site.families {
            sources.push((&fam.source, false));
            sources.extend(fam.codes.iter().map(|c| (&c.source, false)));
            sources.extend(fam.enhanced.iter().map(|e| (&e.source, false)));
            sources.extend(fam.pairs.iter().map(|p| (&p.source, false)));
            sources.extend(fam.providers.iter().map(|p| (&p.source, false)));
        }
        for (src, whole) in sources {
            scan(src, lang, whole, list, diags);
        }
    }
}

fn scan(src: &Source, lang: &str, whole: bool, terms: &[Term], diags: &mut Diagnostics) {
    let lines: Vec<&str> = src.text.lines().collect();
    for (i, start, end) in lang_spans(&src.text, lang, whole) {
        let part = &lines[i][start..end];
        // Every hit as (byte range, term, variant). A hit inside a longer one is the same
        // mistake seen by a broader entry (发送方 inside 发送方服务器): only the longer is reported.
        let mut hits: Vec<(usize, usize, &Term, &str)> = Vec::new();
        for t in terms {
            for bad in &t.avoid {
                for (off, _) in part.match_indices(bad.as_str()) {
                    hits.push((off, off + bad.len(), t, bad.as_str()));
                }
            }
        }
        let covered = |h: &(usize, usize, &Term, &str)| {
            hits.iter()
                .any(|o| o.0 <= h.0 && h.1 <= o.1 && (o.1 - o.0) > (h.1 - h.0))
        };
        for h in hits.iter().filter(|h| !covered(h)) {
            let (off, _, t, bad) = *h;
            let col = lines[i][..start + off].chars().count() + 1;
            let msg = match &t.use_ {
                Some(u) => format!(
                    "“{bad}” is not the glossary term for {}: write “{u}”",
                    t.term
                ),
                None => format!("“{bad}” is on the glossary's list of {}", t.term),
            };
            let mut d = Diagnostic::error(&src.file, msg).at(Some((i + 1, col)));
            if let Some(n) = &t.note {
                d = d.hint(n.clone());
            }
            diags.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lang_spans;

    #[test]
    fn spans_follow_the_language_key() {
        let text = "title:\n  en: Mail relay\n  zh: 中继\nkeywords:\n  zh: [限流]\ndescription:\n  zh: |\n    第一行\n\n    第二行\n  en: |\n    relay\nsummary: {en: a, zh: 乙, en2: x}\nkeywords: {zh: [限流]}\n";
        let got: Vec<String> = lang_spans(text, "zh", false)
            .into_iter()
            .map(|(i, s, e)| text.lines().nth(i).unwrap()[s..e].trim().to_string())
            .collect();
        assert_eq!(got, ["中继", "|", "第一行", "", "第二行", "乙, en2: x}"]);
    }
}
