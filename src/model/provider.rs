//! Provider pages: one file per provider-specific code, code range or recognisable bounce text
//! (`content/<family>/providers/<slug>.yaml`, see README "A provider page").
//!
//! The RFCs and the IANA registry say what a code means in general; large providers give many
//! codes (Microsoft's 5.7.606–5.7.649) or texts (Yahoo's `[TSS04]`) a meaning of their own, and
//! most real bounces come from them. These pages refine a registry entry rather than replace it.

use super::{Family, Fix, Localized, Source};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Words per language: `{en: [..], zh: [..]}` (search keywords).
pub type LocalizedList = BTreeMap<String, Vec<String>>;

/// What kind of document a [`SourceRef`] points at.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// An Internet-Draft.
    Draft,
    /// An IANA registry.
    Iana,
    /// A provider's or software vendor's own documentation.
    Vendor,
}

impl SourceKind {
    /// The id used in YAML, the JSON API and i18n keys (`source_<id>`).
    pub fn id(self) -> &'static str {
        match self {
            SourceKind::Draft => "draft",
            SourceKind::Iana => "iana",
            SourceKind::Vendor => "vendor",
        }
    }
}

/// A reference to a document other than an RFC section: `{kind, title, url}`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Draft, IANA or vendor documentation.
    pub kind: SourceKind,
    /// Shown as is in every language (it is the document's own title).
    pub title: String,
    /// `https://` only.
    pub url: String,
}

/// Who has to do something about a bounce.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// The person who sent the message.
    Sender,
    /// The administrator of the sending server or tenant.
    SendingAdmin,
    /// The administrator of the receiving server or tenant.
    ReceivingAdmin,
    /// The person the message was addressed to.
    Recipient,
}

impl Who {
    /// The id used in YAML, i18n keys (`who_<id>`) and the JSON API.
    pub fn id(self) -> &'static str {
        match self {
            Who::Sender => "sender",
            Who::SendingAdmin => "sending_admin",
            Who::ReceivingAdmin => "receiving_admin",
            Who::Recipient => "recipient",
        }
    }
}

/// A provider named in `family.yaml` `providers:`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDef {
    /// `Microsoft 365 / Exchange Online`, per language.
    pub name: Localized,
}

/// `content/<family>/providers/<slug>.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderData {
    /// Must equal the file stem: a concrete code, a range, or a text name (`yahoo-tss04`).
    pub slug: String,
    /// Provider and what happened.
    pub title: Localized,
    /// One sentence: what happened (the explainer's verdict).
    pub summary: Localized,
    /// Provider ids from `family.yaml`.
    pub providers: Vec<String>,
    /// The registry entry this refines (`X.7.1`), if any.
    #[serde(default)]
    pub entry: Option<String>,
    /// Concrete codes (`5.7.57`) and ranges (`5.7.606-5.7.649`) this page is canonical for.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Basic reply codes it comes with.
    #[serde(default)]
    pub basic: Vec<u16>,
    /// Case-insensitive substrings that identify it in a bounce.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Who must act.
    pub who: Vec<Who>,
    /// Whether the sending server retries by itself.
    pub retry: bool,
    /// Real reply lines (not translated).
    #[serde(default)]
    pub examples: Vec<String>,
    /// What it means in the provider's practice (Markdown).
    pub description: Localized,
    /// When it occurs (Markdown).
    pub when: Localized,
    /// How to fix, per audience.
    #[serde(default)]
    pub fix: Fix,
    /// The provider documentation it paraphrases.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Extra search words per language.
    #[serde(default)]
    pub keywords: Option<LocalizedList>,
}

/// A concrete enhanced status code as a bounce shows it: `5.7.606`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Concrete {
    /// 2, 4 or 5.
    pub class: u8,
    /// Subject.
    pub subject: u16,
    /// Detail.
    pub detail: u16,
}

impl fmt::Display for Concrete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl Concrete {
    /// Parses `5.7.606`; only the classes 2, 4 and 5 exist (RFC 3463).
    pub fn parse(s: &str) -> Option<Concrete> {
        match super::parse_enhanced(s)? {
            (Some(class @ (2 | 4 | 5)), subject, detail) if canonical(s) => Some(Concrete {
                class,
                subject,
                detail,
            }),
            _ => None,
        }
    }
}

/// No leading zeros (`5.07.1`), so that the written form is the URL.
fn canonical(s: &str) -> bool {
    s.split('.').all(|p| p == "0" || !p.starts_with('0'))
}

/// One item of `codes:`: a concrete code or an inclusive range within one class and subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSpec {
    /// `5.7.57`.
    One(Concrete),
    /// `5.7.606-5.7.649`.
    Range(Concrete, Concrete),
}

/// The most codes one range may cover: a registry detail has at most three digits.
pub const MAX_RANGE: u16 = 1000;

impl CodeSpec {
    /// Parses a `codes:` item; `Err` says what is wrong, in words for the message.
    pub fn parse(s: &str) -> Result<CodeSpec, &'static str> {
        match s.split_once('-') {
            None => Concrete::parse(s)
                .map(CodeSpec::One)
                .ok_or("is not a concrete code"),
            Some((a, b)) => {
                let (Some(a), Some(b)) = (Concrete::parse(a), Concrete::parse(b)) else {
                    return Err("is not a range of concrete codes");
                };
                if a.class != b.class || a.subject != b.subject {
                    Err("spans more than one class or subject")
                } else if a.detail >= b.detail {
                    Err("goes from a higher code to a lower one")
                } else {
                    Ok(CodeSpec::Range(a, b))
                }
            }
        }
    }

    /// Every concrete code it covers, in order.
    pub fn expand(self) -> Vec<Concrete> {
        match self {
            CodeSpec::One(c) => vec![c],
            CodeSpec::Range(a, b) => (a.detail..=b.detail)
                .map(|detail| Concrete { detail, ..a })
                .collect(),
        }
    }

    /// The first code it covers.
    pub fn first(self) -> Concrete {
        match self {
            CodeSpec::One(c) | CodeSpec::Range(c, _) => c,
        }
    }

    /// True for a range.
    pub fn is_range(self) -> bool {
        matches!(self, CodeSpec::Range(..))
    }
}

/// A provider page with its source and parsed codes.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Where it was loaded from.
    pub source: Source,
    /// Its fields.
    pub data: ProviderData,
    /// `codes:` parsed; items that do not parse are left out (and reported by `validate`).
    pub specs: Vec<CodeSpec>,
}

impl Provider {
    /// Every concrete code it covers, ranges expanded, in file order.
    pub fn concrete(&self) -> Vec<Concrete> {
        self.specs.iter().flat_map(|s| s.expand()).collect()
    }

    /// The class digit of its badge: that of its first code, else of its first basic code.
    pub fn main_class(&self) -> u8 {
        self.specs
            .first()
            .map(|s| s.first().class)
            .or_else(|| self.data.basic.first().map(|b| (b / 100) as u8))
            .unwrap_or(5)
    }

    /// How its codes are written in headings and lists: ranges with an en dash
    /// (`5.7.606–5.7.649`); for a text page its basic codes, else its slug.
    pub fn display_code(&self) -> String {
        if self.data.codes.is_empty() {
            let basic: Vec<String> = self.data.basic.iter().map(u16::to_string).collect();
            return if basic.is_empty() {
                self.data.slug.clone()
            } else {
                basic.join(" / ")
            };
        }
        self.data
            .codes
            .iter()
            .map(|c| c.replace('-', "–"))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The registry entry's (subject, detail), parsed from `entry`.
    pub fn entry_key(&self) -> Option<(u16, u16)> {
        match super::parse_enhanced(self.data.entry.as_deref()?)? {
            (None, s, d) => Some((s, d)),
            _ => None,
        }
    }

    /// The subject it belongs under on the family index: the entry's, else its first code's.
    pub fn subject(&self) -> Option<u16> {
        self.entry_key()
            .map(|(s, _)| s)
            .or_else(|| self.specs.first().map(|s| s.first().subject))
    }
}

impl Family {
    /// The page that owns each concrete code claimed by a provider page: a page that names the
    /// code on its own wins over a page whose range covers it (4.7.650 inside 4.7.500-4.7.699).
    /// Conflicts are `validate`'s to report; here the first claim of a strength wins.
    pub fn provider_claims(&self) -> BTreeMap<Concrete, usize> {
        let mut out: BTreeMap<Concrete, (bool, usize)> = BTreeMap::new();
        for (i, p) in self.providers.iter().enumerate() {
            for spec in &p.specs {
                let single = !spec.is_range();
                for c in spec.expand() {
                    match out.get(&c) {
                        Some(&(prev_single, _)) if prev_single || !single => {}
                        _ => {
                            out.insert(c, (single, i));
                        }
                    }
                }
            }
        }
        out.into_iter().map(|(c, (_, i))| (c, i)).collect()
    }

    /// A provider id's display name in a language (the id itself when undefined).
    pub fn provider_name<'a>(&'a self, id: &'a str, lang: &str, default: &str) -> &'a str {
        self.meta
            .providers
            .get(id)
            .and_then(|d| d.name.get(lang).or_else(|| d.name.get(default)))
            .map_or(id, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_expand() {
        let r = CodeSpec::parse("5.7.606-5.7.649").unwrap();
        let all = r.expand();
        assert_eq!(all.len(), 44);
        assert_eq!(all[0].to_string(), "5.7.606");
        assert_eq!(all[43].to_string(), "5.7.649");
        assert_eq!(
            CodeSpec::parse("4.4.316").unwrap().expand()[0].to_string(),
            "4.4.316"
        );
    }

    #[test]
    fn bad_specs_say_why() {
        assert_eq!(CodeSpec::parse("X.7.1"), Err("is not a concrete code"));
        assert_eq!(CodeSpec::parse("3.7.1"), Err("is not a concrete code"));
        assert_eq!(CodeSpec::parse("5.07.1"), Err("is not a concrete code"));
        assert_eq!(
            CodeSpec::parse("5.7.649-5.7.606"),
            Err("goes from a higher code to a lower one")
        );
        assert_eq!(
            CodeSpec::parse("4.7.500-5.7.699"),
            Err("spans more than one class or subject")
        );
        assert_eq!(
            CodeSpec::parse("5.7.1-"),
            Err("is not a range of concrete codes")
        );
    }
}
