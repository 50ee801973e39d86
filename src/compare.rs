//! Sentences the generator writes itself: the "Key difference" paragraph of a pair page and the
//! pair title. The wording lives in `i18n/<lang>.yaml` as patterns with `{name}` slots, so a new
//! language needs no code; only the slot values are computed here.

use crate::model::*;

/// Fills `{name}` slots in a label pattern.
pub fn fill(pattern: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let name = &after[..j];
                match slots.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Joins items as a language writes a list: `a, b or c` / `a、b 或 c`.
pub fn join_list(items: &[String], sep: &str, last_sep: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => space_cjk(&format!("{}{last_sep}{last}", init.join(sep))),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Puts a space between Han characters and adjacent Latin letters or digits, as Chinese
/// technical writing does ("RCPT TO 或邮件正文"), when generated text glues them together.
/// A no-op for text without Han characters.
pub fn space_cjk(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if let Some(p) = prev {
            let latin = |x: char| x.is_ascii_alphanumeric();
            if (is_cjk(p) && latin(c)) || (latin(p) && is_cjk(c)) {
                out.push(' ');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// Everything `key_difference` needs to know about a language.
pub struct Lang<'a> {
    /// Language code.
    pub code: &'a str,
    /// Default language code (fallback).
    pub default: &'a str,
    /// Labels of the language.
    pub labels: &'a std::collections::BTreeMap<String, String>,
}

impl Lang<'_> {
    /// A label (empty if missing: validation has already reported it).
    pub fn label(&self, key: &str) -> &str {
        self.labels.get(key).map(String::as_str).unwrap_or("")
    }

    /// A localized text in this language, falling back to the default language.
    pub fn text<'b>(&self, loc: &'b Localized) -> &'b str {
        loc.get(self.code)
            .or_else(|| loc.get(self.default))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Stage names of a code, as a list in the language.
pub fn stages_text(fam: &Family, code: &CodeData, lang: &Lang) -> String {
    let names: Vec<String> = code
        .stages
        .iter()
        .filter_map(|s| fam.meta.stages.get(s))
        .map(|t| lang.text(t).to_string())
        .collect();
    join_list(&names, lang.label("list_sep"), lang.label("list_last_sep"))
}

/// The generated "Key difference" paragraph: class and next step, then where each appears.
/// Each sentence is a whole pattern from the labels, chosen by which facts agree, so both
/// languages stay grammatical without the code knowing either grammar.
pub fn key_difference(fam: &Family, a: &CodeData, b: &CodeData, lang: &Lang) -> String {
    let class_name = |c: &CodeData| fam.class(c.class).map(|d| lang.text(&d.name)).unwrap_or("");
    let action = |c: &CodeData| {
        fam.meta
            .actions
            .get(&c.action)
            .map(|t| lang.text(t))
            .unwrap_or("")
    };
    let (ca, cb) = (a.code.to_string(), b.code.to_string());
    let (da, db) = (a.class.to_string(), b.class.to_string());
    let mut out = Vec::new();
    if a.class != b.class {
        out.push(fill(
            lang.label("diff_classes"),
            &[
                ("a", &ca),
                ("b", &cb),
                ("class_a", class_name(a)),
                ("class_b", class_name(b)),
                ("digit_a", &da),
                ("digit_b", &db),
                ("action_a", action(a)),
                ("action_b", action(b)),
            ],
        ));
    } else if a.action == b.action {
        out.push(fill(
            lang.label("diff_same_class_same_action"),
            &[
                ("a", &ca),
                ("b", &cb),
                ("class", class_name(a)),
                ("digit", &da),
                ("action", action(a)),
            ],
        ));
    } else {
        out.push(fill(
            lang.label("diff_same_class"),
            &[
                ("a", &ca),
                ("b", &cb),
                ("class", class_name(a)),
                ("digit", &da),
                ("action_a", action(a)),
                ("action_b", action(b)),
            ],
        ));
    }
    let (sa, sb) = (stages_text(fam, a, lang), stages_text(fam, b, lang));
    if a.stages == b.stages {
        out.push(fill(
            lang.label("diff_same_stages"),
            &[("a", &ca), ("b", &cb), ("stages_a", &sa), ("stages", &sa)],
        ));
    } else {
        out.push(fill(
            lang.label("diff_stages"),
            &[("a", &ca), ("b", &cb), ("stages_a", &sa), ("stages_b", &sb)],
        ));
    }
    space_cjk(&out.join(lang.label("sentence_sep")))
}

/// Upper-cases the first letter (a no-op for scripts without case).
pub fn ucfirst(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_and_join() {
        assert_eq!(fill("{a} vs {b}", &[("a", "1"), ("b", "2")]), "1 vs 2");
        assert_eq!(fill("{x}", &[]), "{x}");
        let items = ["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(join_list(&items, ", ", " or "), "a, b or c");
        assert_eq!(join_list(&items[..1], ", ", " or "), "a");
        assert_eq!(ucfirst("keeps"), "Keeps");
        assert_eq!(ucfirst("把"), "把");
        assert_eq!(space_cjk("RCPT TO或邮件2"), "RCPT TO 或邮件 2");
        assert_eq!(space_cjk("plain text"), "plain text");
    }
}
