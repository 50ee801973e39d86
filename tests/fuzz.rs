//! Property-based fuzzing of the loader, validator and Markdown renderer: arbitrary and mutated
//! inputs must produce diagnostics, never a panic or a hang.
//!
//! Default runs are short (part of `cargo test`). For a longer, time-bounded run:
//! `PROPTEST_CASES=20000 timeout 600 cargo test --release --test fuzz`.
//! Failing inputs are saved by proptest under `tests/fuzz.proptest-regressions` and replayed first
//! on every later run, so a crash found once stays a regression test.

mod common;
use codesite::diag::Diagnostics;
use codesite::model::{CodeData, EnhancedData, FamilyMeta};
use codesite::{markdown, yaml};
use proptest::prelude::*;

const MODEL_451: &str = include_str!("../content/smtp/codes/451.yaml");
const FIXTURE_FAMILY: &str = include_str!("fixtures/mini/content/smtp/family.yaml");

/// A valid file with a few random edits: the inputs most likely to reach deep code paths.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0u8..4,
            "[\\PC\\n:\\[\\]{}\"'#&*!|>-]{0,4}",
        ),
        1..6,
    )
    .prop_map(move |edits| {
        let mut s: Vec<char> = base.chars().collect();
        for (at, op, text) in edits {
            let i = at.index(s.len().max(1)).min(s.len());
            match op {
                0 => {
                    s.splice(i..i, text.chars());
                }
                1 => {
                    let end = (i + text.len() + 1).min(s.len());
                    s.drain(i..end);
                }
                2 => {
                    let end = (i + 3).min(s.len());
                    s.splice(i..end, text.chars());
                }
                _ => s.insert(i, '\n'),
            }
        }
        s.into_iter().collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn yaml_parsers_never_panic(text in "\\PC{0,300}") {
        let _ = yaml::from_str::<CodeData>(&text);
        let _ = yaml::from_str::<EnhancedData>(&text);
        let _ = yaml::from_str::<FamilyMeta>(&text);
    }

    #[test]
    fn mutated_code_files_give_diagnostics_not_panics(text in mutated(MODEL_451)) {
        let site = common::Site::fixture("mini");
        site.write("content/smtp/codes/451.yaml", &text);
        let mut diags = Diagnostics::default();
        let loaded = codesite::load::load(&site.root(), &mut diags);
        if let Some(s) = &loaded.site {
            codesite::validate::validate(s, &loaded.templates, Default::default(), &mut diags);
        }
        // Every diagnostic renders, with positions inside the file.
        for d in diags.sorted() {
            let _ = d.to_string();
            if let Some(l) = d.line {
                prop_assert!(l >= 1);
            }
        }
    }

    #[test]
    fn mutated_family_files_give_diagnostics_not_panics(text in mutated(FIXTURE_FAMILY)) {
        let site = common::Site::fixture("mini");
        site.write("content/smtp/family.yaml", &text);
        let out = codesite::build::check(&codesite::build::BuildOptions { root: site.root(), ..Default::default() });
        if let Err(diags) = out {
            prop_assert!(!diags.is_empty());
        }
    }

    #[test]
    fn markdown_never_panics_and_never_emits_script(text in "(\\PC|<script>|</script>|<img onerror=x>|javascript:|\\n|#|\\*|\\[|\\]|\\(|\\)|`|\\||-){0,200}") {
        let html = markdown::render(&text);
        prop_assert!(!html.contains("<script"), "{}", html);
        // No event-handler attribute in any tag ("onerror" may still appear as escaped text).
        for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
            for attr in tag.split_whitespace().skip(1) {
                prop_assert!(!(attr.to_ascii_lowercase().starts_with("on") && attr.contains('=')), "{}", html);
            }
        }
        let _ = markdown::render_inline(&text);
    }
}
