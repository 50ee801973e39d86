//! The typed content model: what `load` produces and every later stage reads.
//!
//! Field structs mirror the YAML files one to one and refuse unknown keys, so a typo in a key
//! is an error rather than a silently missing section.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

mod provider;
pub use provider::*;

/// A text in several languages: `{en: "...", zh: "..."}`.
pub type Localized = BTreeMap<String, String>;

/// Search keywords in several languages: `{en: [rate limit, throttling], zh: [限速]}`.
pub type Keywords = LocalizedList;

/// A loaded file: where it came from and its text, kept so later stages can point at lines.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, `/`-separated (used in messages).
    pub file: String,
    /// The file's text.
    pub text: Arc<str>,
}

impl Source {
    /// File name without `.yaml`: what the code in the file must match.
    pub fn stem(&self) -> &str {
        let name = self.file.rsplit('/').next().unwrap_or("");
        name.strip_suffix(".yaml").unwrap_or(name)
    }

    /// Line and column (1-based) of the first line that starts with `key:` (at any indent).
    pub fn locate_key(&self, key: &str) -> Option<(usize, usize)> {
        let pat = format!("{key}:");
        for (i, line) in self.text.lines().enumerate() {
            let trimmed = line.trim_start();
            let t = trimmed.strip_prefix("- ").unwrap_or(trimmed);
            if t.starts_with(&pat) {
                return Some((i + 1, line.len() - t.len() + 1));
            }
        }
        None
    }

    /// Position of `value` on or after the line of `key` (for list items such as
    /// `related: [450, 999]`); falls back to the key's position.
    pub fn locate_value(&self, key: &str, value: &str) -> Option<(usize, usize)> {
        let (kl, kc) = self.locate_key(key)?;
        for (i, line) in self.text.lines().enumerate().skip(kl - 1) {
            let start = if i + 1 == kl {
                kc - 1 + key.len() + 1
            } else {
                0
            };
            if let Some(rest) = line.get(start..)
                && let Some(off) = find_token(rest, value)
            {
                return Some((i + 1, start + off + 1));
            }
            // Stop at the next top-level key.
            if i + 1 > kl && !line.starts_with(' ') && !line.starts_with('-') && !line.is_empty() {
                break;
            }
        }
        Some((kl, kc))
    }
}

/// Finds `tok` in `hay` where it is not part of a longer word or number.
fn find_token(hay: &str, tok: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '.' || c == '_';
    let mut from = 0;
    while let Some(i) = hay[from..].find(tok) {
        let s = from + i;
        let e = s + tok.len();
        let before = hay[..s].chars().next_back();
        let after = hay[e..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            return Some(s);
        }
        from = e;
    }
    None
}

/// `config.yaml` at the site root.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title per language.
    pub title: Localized,
    /// One-line description per language (home page meta description).
    pub description: Localized,
    /// Where the site is published, e.g. `https://org.github.io/repo/`. `/` for the domain root.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Languages; the first is the default, served at the site root.
    pub languages: Vec<Language>,
    /// Custom domain for GitHub Pages (`CNAME` file), if any.
    #[serde(default)]
    pub cname: Option<String>,
}

fn default_base_url() -> String {
    "/".to_string()
}

/// One site language.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Short code used in content maps and URLs: `en`, `zh`.
    pub code: String,
    /// Name shown in the language switcher, in that language: `English`, `简体中文`.
    pub name: String,
    /// BCP 47 tag for `<html lang>` and `hreflang`: `en`, `zh-Hans`.
    pub html_lang: String,
    /// Open Graph locale: `en_US`, `zh_CN`.
    pub locale: String,
}

/// `content/<family>/family.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyMeta {
    /// Short name: `SMTP`.
    pub name: Localized,
    /// Page title of the family index: `SMTP reply codes`.
    pub title: Localized,
    /// One line for previews.
    pub summary: Localized,
    /// Intro shown on the family index (Markdown).
    pub description: Localized,
    /// Reply classes by first digit.
    pub classes: Vec<ClassDef>,
    /// Session stages codes can be returned at, by id.
    pub stages: BTreeMap<String, Localized>,
    /// What a sender does next, by id (a verb phrase: "keeps the message queued …").
    pub actions: BTreeMap<String, Localized>,
    /// Subjects of enhanced status codes (the middle digit).
    #[serde(default)]
    pub subjects: Vec<SubjectDef>,
    /// Which pairs get pages.
    #[serde(default)]
    pub pairs: PairsPolicy,
    /// Providers that provider pages name, by id (`microsoft365`).
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderDef>,
    /// The RFCs content may cite, number → title: a reference to any other number is an error,
    /// so a typo (`rfc: 5312`) cannot link to an unrelated document.
    #[serde(default)]
    pub rfcs: BTreeMap<u32, String>,
}

/// Which pair pages a family gets.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PairsPolicy {
    /// Every unordered pair of basic codes.
    #[default]
    All,
    /// Only pairs with a curated note.
    Curated,
}

/// What a class means for delivery.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ClassKind {
    /// 2xx.
    Success,
    /// 3xx.
    Intermediate,
    /// 4xx.
    Transient,
    /// 5xx.
    Permanent,
}

impl ClassKind {
    /// The id used in CSS classes and i18n keys.
    pub fn id(self) -> &'static str {
        match self {
            ClassKind::Success => "success",
            ClassKind::Intermediate => "intermediate",
            ClassKind::Transient => "transient",
            ClassKind::Permanent => "permanent",
        }
    }
}

/// A reply class (first digit).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClassDef {
    /// 2, 3, 4 or 5.
    pub digit: u8,
    /// Delivery meaning.
    pub kind: ClassKind,
    /// `Positive Completion`.
    pub name: Localized,
    /// One or two sentences.
    pub summary: Localized,
}

/// An enhanced-code subject (the middle number).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectDef {
    /// 0–7.
    pub digit: u16,
    /// `Addressing status`.
    pub name: Localized,
}

/// A reference to an RFC section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RfcRef {
    /// RFC number.
    pub rfc: u32,
    /// Section, e.g. `4.2.3`.
    pub section: String,
}

impl RfcRef {
    /// Link to the section on the RFC Editor's site.
    pub fn url(&self) -> String {
        format!(
            "https://www.rfc-editor.org/rfc/rfc{}.html#section-{}",
            self.rfc, self.section
        )
    }
}

/// How to fix, per audience.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// The person who sent the mail.
    #[serde(default)]
    pub sender: Option<Localized>,
    /// The admin of the sending server.
    #[serde(default)]
    pub sending_admin: Option<Localized>,
    /// The admin of the receiving server.
    #[serde(default)]
    pub receiving_admin: Option<Localized>,
}

impl Fix {
    /// The audiences present, in display order, with their i18n label key.
    pub fn parts(&self) -> Vec<(&'static str, &Localized)> {
        let mut v = Vec::new();
        if let Some(t) = &self.sender {
            v.push(("sender", t));
        }
        if let Some(t) = &self.sending_admin {
            v.push(("sending_admin", t));
        }
        if let Some(t) = &self.receiving_admin {
            v.push(("receiving_admin", t));
        }
        v
    }
}

/// `content/<family>/codes/<code>.yaml`: a basic three-digit reply code.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CodeData {
    /// `451`.
    pub code: u16,
    /// First digit, stated explicitly so a mismatch is caught.
    pub class: u8,
    /// Reason phrase.
    pub title: Localized,
    /// One or two plain sentences (link previews, search).
    pub summary: Localized,
    /// False for common-practice codes no RFC defines.
    #[serde(default = "yes")]
    pub standard: bool,
    /// For non-standard codes: which standard code it is closest to.
    #[serde(default)]
    pub closest: Option<Localized>,
    /// Stage ids from the family.
    pub stages: Vec<String>,
    /// Action id from the family: what the sender does next.
    pub action: String,
    /// Defining RFC sections.
    #[serde(default)]
    pub rfcs: Vec<RfcRef>,
    /// References that are not RFCs (drafts, registry entries, vendor documentation).
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Related basic codes.
    #[serde(default)]
    pub related: Vec<u16>,
    /// Concrete enhanced codes commonly seen with it (`5.1.1`).
    #[serde(default)]
    pub enhanced: Vec<String>,
    /// Example server lines (not translated).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Search words per language: synonyms and what people type (`rate limit`, `限速`).
    #[serde(default)]
    pub keywords: Keywords,
    /// What it means (Markdown).
    pub description: Localized,
    /// When it occurs (Markdown).
    pub when: Localized,
    /// How to fix.
    #[serde(default)]
    pub fix: Fix,
    /// Who must act to clear it (`sender`, `sending_admin`, `receiving_admin`, `recipient`); empty
    /// when nobody has to (successes, and replies that need no reaction). Pair pages compare it.
    #[serde(default)]
    pub who: Vec<String>,
    /// For server authors: the situation to answer with this code in, a clause that completes
    /// "Answer with 451 when …" / "如果……，就回复 451" (pair pages, "When to use which").
    #[serde(default)]
    pub send_when: Option<Localized>,
    /// For readers: what the code tells them happened, a clause that completes "You get 451
    /// when …" / "收到 451，说明……" (pair pages, "Key difference").
    #[serde(default)]
    pub seen_when: Option<Localized>,
}

/// The people who can be asked to act on a code, in display order (ids shared with provider pages).
pub const WHO: &[&str] = &["sender", "sending_admin", "receiving_admin", "recipient"];

fn yes() -> bool {
    true
}

/// `content/<family>/enhanced/x.<s>.<d>.yaml`: an enhanced status code registry entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnhancedData {
    /// `X.7.26`.
    pub code: String,
    /// Class digits it is used with (2, 4, 5).
    pub classes: Vec<u8>,
    /// Registry sample text.
    pub title: Localized,
    /// One or two plain sentences.
    pub summary: Localized,
    /// Basic codes the IANA registry associates with the entry (exactly the registry's list;
    /// `tests/truth.rs` checks it against the checked-in copy).
    #[serde(default)]
    pub basic: Vec<u16>,
    /// Basic codes servers use with it in practice that the registry does not list (the entry's
    /// own examples show them), kept apart so `basic` stays the registry's word.
    #[serde(default)]
    pub seen_with: Vec<u16>,
    /// Defining RFC sections.
    #[serde(default)]
    pub rfcs: Vec<RfcRef>,
    /// References that are not RFCs (drafts, registry entries, vendor documentation).
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Related enhanced entries (`X.7.27`).
    #[serde(default)]
    pub related: Vec<String>,
    /// Example lines.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Search words per language: synonyms and what people type (`rate limit`, `限速`).
    #[serde(default)]
    pub keywords: Keywords,
    /// What it means (Markdown).
    pub description: Localized,
    /// When it occurs (Markdown).
    pub when: Localized,
    /// How to fix.
    #[serde(default)]
    pub fix: Fix,
}

/// `content/<family>/pairs/<a>-vs-<b>.yaml`: a hand-written note for a pair.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PairData {
    /// The key difference (Markdown).
    pub note: Localized,
    /// When to use which (Markdown).
    #[serde(default)]
    pub which: Option<Localized>,
}

/// A basic code with its source.
#[derive(Debug, Clone)]
pub struct Code {
    /// Where it was loaded from.
    pub source: Source,
    /// Its fields.
    pub data: CodeData,
}

/// An enhanced registry entry with its source.
#[derive(Debug, Clone)]
pub struct Enhanced {
    /// Where it was loaded from.
    pub source: Source,
    /// Its fields.
    pub data: EnhancedData,
    /// Subject and detail numbers parsed from `code` (`X.7.26` → 7, 26); set by `load`.
    pub subject: u16,
    /// Detail number.
    pub detail: u16,
}

impl Enhanced {
    /// URL slug: `x.7.26`.
    pub fn slug(&self) -> String {
        format!("x.{}.{}", self.subject, self.detail)
    }

    /// The most severe class it is used with: the badge colour and listing class of the entry.
    pub fn main_class(&self) -> u8 {
        self.data.classes.iter().copied().max().unwrap_or(5)
    }

    /// Concrete forms in use: `5.7.26`, `4.7.26`.
    pub fn concrete(&self) -> Vec<String> {
        self.data
            .classes
            .iter()
            .map(|c| format!("{c}.{}.{}", self.subject, self.detail))
            .collect()
    }
}

/// A curated pair note with its source.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Where it was loaded from.
    pub source: Source,
    /// Lower code, as written in the file name.
    pub a: u16,
    /// Higher code.
    pub b: u16,
    /// Its fields.
    pub data: PairData,
}

/// A code family (`smtp`): its meta and all its files.
#[derive(Debug, Clone)]
pub struct Family {
    /// Folder name, used in URLs.
    pub slug: String,
    /// `family.yaml`.
    pub source: Source,
    /// Its fields.
    pub meta: FamilyMeta,
    /// Basic codes, sorted by number.
    pub codes: Vec<Code>,
    /// Enhanced entries, sorted by subject then detail.
    pub enhanced: Vec<Enhanced>,
    /// Curated pair notes, sorted.
    pub pairs: Vec<Pair>,
    /// Provider pages, sorted by slug.
    pub providers: Vec<Provider>,
    /// File stems under `codes/` and `enhanced/` that exist but failed to load. References to
    /// them are not reported again: the parse error already says what is wrong.
    pub broken: std::collections::BTreeSet<String>,
}

impl Family {
    /// The class definition for a digit.
    pub fn class(&self, digit: u8) -> Option<&ClassDef> {
        self.meta.classes.iter().find(|c| c.digit == digit)
    }

    /// A basic code by number.
    pub fn code(&self, n: u16) -> Option<&Code> {
        self.codes
            .binary_search_by_key(&n, |c| c.data.code)
            .ok()
            .map(|i| &self.codes[i])
    }

    /// An enhanced entry by subject and detail.
    pub fn enhanced_entry(&self, subject: u16, detail: u16) -> Option<&Enhanced> {
        self.enhanced
            .iter()
            .find(|e| e.subject == subject && e.detail == detail)
    }

    /// The curated note for a pair, if any.
    pub fn pair(&self, a: u16, b: u16) -> Option<&Pair> {
        self.pairs.iter().find(|p| p.a == a && p.b == b)
    }
}

/// UI labels of one language: `i18n/<lang>.yaml`.
#[derive(Debug, Clone)]
pub struct Labels {
    /// Where it was loaded from.
    pub source: Source,
    /// Key → text.
    pub map: BTreeMap<String, String>,
}

/// Everything loaded from a site root.
#[derive(Debug, Clone)]
pub struct Site {
    /// `config.yaml`.
    pub config: Config,
    /// Source of `config.yaml`.
    pub config_source: Source,
    /// Labels per language code.
    pub i18n: BTreeMap<String, Labels>,
    /// Families sorted by slug.
    pub families: Vec<Family>,
    /// `i18n/glossary.yaml`, when the site has one.
    pub glossary: Option<(Source, crate::glossary::Glossary)>,
}

/// Parses `X.7.26` (any case) or `5.7.26` into (first, subject, detail); first is None for X.
pub fn parse_enhanced(s: &str) -> Option<(Option<u8>, u16, u16)> {
    let mut it = s.split('.');
    let (c, subj, det) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let class = match c {
        "X" | "x" => None,
        d if d.len() == 1 => Some(d.parse::<u8>().ok()?),
        _ => return None,
    };
    let ok = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !ok(subj, 3) || !ok(det, 3) {
        return None;
    }
    Some((class, subj.parse().ok()?, det.parse().ok()?))
}
