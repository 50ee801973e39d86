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
        // Private-use characters mark spans in generated HTML; they do not separate words.
        if ('\u{E000}'..='\u{F8FF}').contains(&c) {
            out.push(c);
            continue;
        }
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

/// The stage id of replies that may answer any command: it covers every other stage, so a code
/// at `any` shares every stage with the other code of a pair.
pub const ANY_STAGE: &str = "any";

/// Names of the stages where `c` can come back and `other` cannot, as a list in the language
/// (empty when there are none).
fn only_stages(fam: &Family, c: &CodeData, other: &CodeData, lang: &Lang) -> String {
    if other.stages.iter().any(|s| s == ANY_STAGE) {
        return String::new();
    }
    let names: Vec<String> = c
        .stages
        .iter()
        .filter(|s| *s != ANY_STAGE && !other.stages.contains(s))
        .filter_map(|s| fam.meta.stages.get(s))
        .map(|t| lang.text(t).to_string())
        .collect();
    join_list(&names, lang.label("list_sep"), lang.label("list_last_sep"))
}

/// The facts a pair page compares for one code. Two codes with equal facts get the same
/// generated sentences (tests rely on this being the whole input of [`key_difference`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Facts<'a> {
    /// Class kind id: `success`, `intermediate`, `transient`, `permanent`.
    pub kind: &'static str,
    /// Action id from the family.
    pub action: &'a str,
    /// Stage ids.
    pub stages: &'a [String],
    /// Who must act, in the fixed order of [`WHO`].
    pub who: Vec<&'static str>,
    /// The reader's clause ("You get 451 when …") in the language.
    pub seen_when: &'a str,
}

/// The facts of a code in a language.
pub fn facts<'a>(fam: &Family, c: &'a CodeData, lang: &Lang<'a>) -> Facts<'a> {
    Facts {
        kind: fam.class(c.class).map(|d| d.kind.id()).unwrap_or("unknown"),
        action: &c.action,
        stages: &c.stages,
        who: WHO
            .iter()
            .copied()
            .filter(|w| c.who.iter().any(|x| x == w))
            .collect(),
        seen_when: c.seen_when.as_ref().map(|t| lang.text(t)).unwrap_or(""),
    }
}

fn action_text<'a>(fam: &'a Family, c: &CodeData, lang: &Lang) -> &'a str {
    fam.meta
        .actions
        .get(&c.action)
        .map(|t| lang.text(t))
        .unwrap_or("")
}

/// Who must act on a code, as a capitalised list for a table cell ("Nobody" when empty).
pub fn who_cell(c: &CodeData, lang: &Lang) -> String {
    let who: Vec<&str> = WHO
        .iter()
        .copied()
        .filter(|w| c.who.iter().any(|x| x == w))
        .collect();
    if who.is_empty() {
        return lang.label("who_nobody").to_string();
    }
    ucfirst(&who_text(&who, lang))
}

fn who_text(who: &[&str], lang: &Lang) -> String {
    let names: Vec<String> = who
        .iter()
        .map(|w| lang.label(&format!("actor_{w}")).to_string())
        .collect();
    join_list(&names, lang.label("list_sep"), lang.label("list_and_sep"))
}

/// Enhanced status codes listed for a code, as a list ("4.3.0, 4.4.3 or 4.7.1"); at most three.
fn enhanced_text(c: &CodeData, lang: &Lang) -> String {
    let v: Vec<String> = c.enhanced.iter().take(3).cloned().collect();
    join_list(&v, lang.label("list_sep"), lang.label("list_last_sep"))
}

/// The generated "Key difference" paragraph: the fact that separates the two codes most (by
/// rule: success against failure or retry against bounce, then who must act, then where in the
/// session), followed by what each one tells the reader happened. Each sentence is a whole
/// pattern from the labels, so both languages stay grammatical without the code knowing either
/// grammar.
pub fn key_difference(fam: &Family, a: &CodeData, b: &CodeData, lang: &Lang) -> String {
    let (fa, fb) = (facts(fam, a, lang), facts(fam, b, lang));
    let (ca, cb) = (a.code.to_string(), b.code.to_string());
    let kind = |k: &str| lang.label(&format!("kind_phrase_{k}")).to_string();
    let (wa, wb) = (who_text(&fa.who, lang), who_text(&fb.who, lang));
    let (sa, sb) = (stages_text(fam, a, lang), stages_text(fam, b, lang));
    let (aa, ab) = (action_text(fam, a, lang), action_text(fam, b, lang));
    let (ka, kb) = (kind(fa.kind), kind(fb.kind));
    let mut slots: Vec<(&str, &str)> = vec![
        ("a", &ca),
        ("b", &cb),
        ("kind_a", &ka),
        ("kind_b", &kb),
        ("kind", &ka),
        ("action_a", aa),
        ("action_b", ab),
        ("action", aa),
        ("who_a", &wa),
        ("who_b", &wb),
        ("stages_a", &sa),
        ("stages_b", &sb),
        ("stages", &sa),
        ("seen_a", fa.seen_when),
        ("seen_b", fb.seen_when),
    ];
    let (oa, ob) = (only_stages(fam, a, b, lang), only_stages(fam, b, a, lang));
    let (x, only) = if oa.is_empty() {
        (&cb, &ob)
    } else {
        (&ca, &oa)
    };
    slots.extend([
        ("only_a", oa.as_str()),
        ("only_b", ob.as_str()),
        ("x", x),
        ("only", only),
    ]);
    let first = if fa.kind != fb.kind && fa.action != fb.action {
        "kd_outcome"
    } else if fa.kind != fb.kind {
        "kd_outcome_same_action"
    } else if fa.action != fb.action {
        "kd_action"
    } else if fa.who != fb.who && !fa.who.is_empty() && !fb.who.is_empty() {
        "kd_who"
    } else if !oa.is_empty() && !ob.is_empty() {
        "kd_stages"
    } else if !only.is_empty() {
        "kd_stages_one"
    } else {
        "kd_same"
    };
    let out = [
        fill(lang.label(first), &slots),
        fill(lang.label("kd_cause"), &slots),
    ];
    space_cjk(&out.join(lang.label("sentence_sep")))
}

/// The generated "When to use which" section: a paragraph for server authors (which code to
/// answer with, from each code's `send_when`) and one for readers of a bounce or a log (how to
/// tell them apart: the command each answers or the enhanced codes that come with it, and who
/// has to act).
pub fn when_to_use_which(
    fam: &Family,
    a: &CodeData,
    b: &CodeData,
    lang: &Lang,
) -> (String, String) {
    let (fa, fb) = (facts(fam, a, lang), facts(fam, b, lang));
    let (ca, cb) = (a.code.to_string(), b.code.to_string());
    let send_a = a.send_when.as_ref().map(|t| lang.text(t)).unwrap_or("");
    let send_b = b.send_when.as_ref().map(|t| lang.text(t)).unwrap_or("");
    let server = fill(
        lang.label("which_server"),
        &[
            ("a", &ca),
            ("b", &cb),
            ("send_a", send_a),
            ("send_b", send_b),
        ],
    );
    let (oa, ob) = (only_stages(fam, a, b, lang), only_stages(fam, b, a, lang));
    let (ea, eb) = (enhanced_text(a, lang), enhanced_text(b, lang));
    let mut reader = Vec::new();
    if !oa.is_empty() && !ob.is_empty() {
        reader.push(fill(
            lang.label("which_reader_stages"),
            &[("a", &ca), ("b", &cb), ("only_a", &oa), ("only_b", &ob)],
        ));
    } else if !oa.is_empty() || !ob.is_empty() {
        let (x, only) = if oa.is_empty() {
            (&cb, &ob)
        } else {
            (&ca, &oa)
        };
        reader.push(fill(
            lang.label("which_reader_stages_one"),
            &[("x", x), ("only", only)],
        ));
    } else if !ea.is_empty() && !eb.is_empty() && ea != eb {
        reader.push(fill(
            lang.label("which_reader_enhanced"),
            &[("a", &ca), ("b", &cb), ("enh_a", &ea), ("enh_b", &eb)],
        ));
    } else {
        reader.push(fill(
            lang.label("which_reader_text"),
            &[("a", &ca), ("b", &cb)],
        ));
    }
    let (wa, wb) = (who_text(&fa.who, lang), who_text(&fb.who, lang));
    let act = match (wa.is_empty(), wb.is_empty()) {
        (true, true) => None,
        (false, false) if wa == wb => Some(fill(
            lang.label("which_act_same"),
            &[("a", &ca), ("b", &cb), ("who", &wa)],
        )),
        (false, false) => Some(fill(
            lang.label("which_act"),
            &[("a", &ca), ("b", &cb), ("who_a", &wa), ("who_b", &wb)],
        )),
        (true, false) => Some(fill(
            lang.label("which_act_one"),
            &[("x", &ca), ("y", &cb), ("who_y", &wb)],
        )),
        (false, true) => Some(fill(
            lang.label("which_act_one"),
            &[("x", &cb), ("y", &ca), ("who_y", &wa)],
        )),
    };
    reader.extend(act);
    (
        space_cjk(&server),
        space_cjk(&reader.join(lang.label("sentence_sep"))),
    )
}

/// The short "When it occurs" of one code on a pair page: where in the session it comes back
/// and the enhanced codes seen with it (the full list of situations is on the code page).
pub fn occurs(fam: &Family, c: &CodeData, lang: &Lang) -> String {
    let code = c.code.to_string();
    let st = stages_text(fam, c, lang);
    let enh = enhanced_text(c, lang);
    let mut out = vec![fill(
        lang.label("occurs_stages"),
        &[("code", &code), ("stages", &st)],
    )];
    if !enh.is_empty() {
        out.push(fill(lang.label("occurs_enhanced"), &[("enhanced", &enh)]));
    }
    space_cjk(&out.join(lang.label("sentence_sep")))
}

/// The sentence that opens a code's short "How to fix" on a pair page: who has to act on it,
/// and what the sending side does meanwhile.
pub fn fix_lead(fam: &Family, c: &CodeData, lang: &Lang) -> String {
    let f = facts(fam, c, lang);
    let code = c.code.to_string();
    let who = who_text(&f.who, lang);
    let action = action_text(fam, c, lang);
    let key = if who.is_empty() {
        "fix_lead_nobody"
    } else {
        "fix_lead"
    };
    space_cjk(&fill(
        lang.label(key),
        &[("code", &code), ("who", &who), ("action", action)],
    ))
}

/// The pair title as plain text and as HTML for the heading, where each code's title is kept
/// on one line where it fits (`<span class="keep">`), so a Chinese title does not break inside
/// a word such as 错误.
pub fn pair_title(fam: &Family, a: &CodeData, b: &CodeData, lang: &Lang) -> (String, String) {
    const OPEN: char = '\u{E000}';
    const CLOSE: char = '\u{E001}';
    let (ca, cb) = (a.code.to_string(), b.code.to_string());
    let wrap = |c: &str, t: &str| format!("{OPEN}{c} {t}{CLOSE}");
    let (ta, tb) = (lang.text(&a.title), lang.text(&b.title));
    let (wa, wb) = (wrap(&ca, ta), wrap(&cb, tb));
    let marked = space_cjk(&fill(
        lang.label("pair_title"),
        &[
            ("family", lang.text(&fam.meta.name)),
            ("code_a", &wa),
            ("code_b", &wb),
        ],
    ));
    // A space that `space_cjk` put just inside a span belongs before it.
    let marked = marked.replace(&format!("{OPEN} "), &format!(" {OPEN}"));
    let plain: String = marked
        .chars()
        .filter(|c| *c != OPEN && *c != CLOSE)
        .collect();
    let mut html = String::with_capacity(marked.len() + 64);
    for ch in marked.chars() {
        match ch {
            OPEN => html.push_str("<span class=\"keep\">"),
            CLOSE => html.push_str("</span>"),
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#x27;"),
            c => html.push(c),
        }
    }
    (plain, html)
}

/// The opening of a Markdown text for a short excerpt: whole sentences of its first paragraph
/// up to `limit` characters (at least the first sentence; never cut inside a code span), so a
/// pair page quotes the first fix step rather than the whole fix.
pub fn first_sentences(md: &str, limit: usize) -> &str {
    let para = md.trim_start();
    let para = para.split("\n\n").next().unwrap_or(para).trim_end();
    let mut last_end: Option<usize> = None;
    for end in crate::markdown::sentence_ends(para) {
        if para[..end].chars().count() > limit {
            return &para[..last_end.unwrap_or(end)];
        }
        last_end = Some(end);
    }
    if para.chars().count() > limit {
        return last_end.map_or(para, |e| &para[..e]);
    }
    para
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
        let md = "One `a. b` two. Three four. Five.\n\nSecond paragraph.";
        assert_eq!(first_sentences(md, 1), "One `a. b` two.");
        assert_eq!(first_sentences(md, 28), "One `a. b` two. Three four.");
        assert_eq!(
            first_sentences(md, 500),
            "One `a. b` two. Three four. Five."
        );
        assert_eq!(first_sentences("Use e.g. this. Then.", 1), "Use e.g. this.");
        assert_eq!(first_sentences("先做这个。再做那个。", 1), "先做这个。");
    }
}
