//! Typography rules for Chinese text, as the README describes them ("Chinese typography"):
//! full-width punctuation in Chinese sentences, no space between two Chinese characters, one
//! space between Chinese and Latin letters or digits, English phrases marked `lang="en"`, no
//! nested full-width parentheses.
//!
//! The rules work on the visible text of one block (a paragraph, a list item, a title) in which
//! every piece that is not Chinese prose — code, an element marked `lang="en"` — has been
//! replaced by [`OPAQUE`], so that "`550` 表示" is checked as "X 表示". The test over the built
//! site (`tests/bundled.rs`) feeds it every block of every Chinese page.

/// Stands for code, or a phrase marked as English, inside a Chinese text: Latin, one word.
pub const OPAQUE: char = 'X';

/// One rule broken at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Which rule: `ascii-punct`, `space-between-han`, `han-latin-space`, `english-phrase`,
    /// `nested-parens`.
    pub rule: &'static str,
    /// The text around the place.
    pub excerpt: String,
}

/// A Chinese character (CJK ideograph).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Full-width punctuation that carries its own spacing: no space after it.
const FULL_WIDTH: &str = "，。、；：？！）”」』";

fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn excerpt(chars: &[char], i: usize) -> String {
    let a = i.saturating_sub(12);
    let b = (i + 12).min(chars.len());
    chars[a..b].iter().collect()
}

/// Every rule broken in one block of Chinese text.
pub fn check(text: &str) -> Vec<Hit> {
    let c: Vec<char> = text.chars().collect();
    let mut hits = Vec::new();
    let mut hit = |rule, i| {
        hits.push(Hit {
            rule,
            excerpt: excerpt(&c, i),
        })
    };
    let han = |i: Option<usize>| i.and_then(|i| c.get(i)).is_some_and(|&x| is_han(x));
    for i in 0..c.len() {
        let prev = i.checked_sub(1);
        let next = Some(i + 1);
        match c[i] {
            // ASCII punctuation right after a Chinese character ends or breaks a Chinese
            // sentence: it should be full-width. (After Latin text it is English punctuation.)
            ',' | ';' | ':' | '?' | '!' if han(prev) => hit("ascii-punct", i),
            '.' if han(prev) && !c.get(i + 1).is_some_and(|x| x.is_ascii_alphanumeric()) => {
                hit("ascii-punct", i)
            }
            '(' | ')' if han(prev) || han(next) => hit("ascii-punct", i),
            ' ' if han(prev) && han(next) => hit("space-between-han", i),
            // (A spaced separator such as the " · " of page titles is a separator, not text.)
            ' ' if prev.is_some_and(|p| FULL_WIDTH.contains(c[p]))
                && !c.get(i + 1).is_some_and(|x| "·|—".contains(*x)) =>
            {
                hit("space-after-punct", i)
            }
            x if is_latin(x) && (han(prev) || han(next)) => hit("han-latin-space", i),
            _ => {}
        }
    }
    // English phrases: three or more Latin words in a row, two of them starting in lowercase
    // (a reply text, a setting's name), must be marked lang="en" so that screen readers and
    // hyphenation treat them as English. Capitalised words are names (Microsoft Exchange
    // Online), upper-case ones commands and acronyms (MAIL FROM, SPF), and a path is a URL:
    // none of these is English prose.
    let mut words = 0;
    let mut lower = 0;
    let mut reported = false;
    let mut start = 0;
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && (i == 0 || !c[i - 1].is_ascii_alphanumeric()) {
            while i < c.len() && c[i] != ' ' {
                i += 1;
            }
            words = 0;
            lower = 0;
            reported = false;
        } else if c[i].is_ascii_alphabetic() {
            let s = i;
            // A host name or an address (smtp.office365.com, user@example.com) is one token.
            while i < c.len()
                && (c[i].is_ascii_alphanumeric()
                    || "'-".contains(c[i])
                    || (".@".contains(c[i])
                        && c.get(i + 1).is_some_and(|x| x.is_ascii_alphanumeric())))
            {
                i += 1;
            }
            let word: String = c[s..i].iter().collect();
            if word != OPAQUE.to_string() {
                if words == 0 {
                    start = s;
                }
                words += 1;
                if word.starts_with(|x: char| x.is_ascii_lowercase()) {
                    lower += 1;
                }
                if words >= 3 && lower >= 2 && !reported {
                    reported = true;
                    hit("english-phrase", start);
                }
            }
            // Words go on over spaces and the punctuation inside an English phrase.
            while i < c.len() && " ,.'/-".contains(c[i]) {
                i += 1;
            }
            if !c.get(i).is_some_and(|x| x.is_ascii_alphabetic()) {
                words = 0;
                lower = 0;
                reported = false;
            }
        } else {
            words = 0;
            lower = 0;
            reported = false;
            i += 1;
        }
    }
    let mut depth = 0;
    for (i, &x) in c.iter().enumerate() {
        match x {
            '（' => {
                depth += 1;
                if depth == 2 {
                    hit("nested-parens", i);
                }
            }
            '）' => depth = (depth - 1).max(0),
            _ => {}
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::check;

    fn rules(t: &str) -> Vec<&'static str> {
        check(t).into_iter().map(|h| h.rule).collect()
    }

    #[test]
    fn good_text_passes() {
        assert!(rules("使用 SPF 记录，550 表示拒收。X 表示代码（见 RFC 5321）。").is_empty());
        assert!(rules("发件方服务器会重试（4xx）：稍后再试。").is_empty());
    }

    #[test]
    fn each_rule() {
        assert_eq!(rules("拒收,然后"), ["ascii-punct"]);
        assert_eq!(rules("拒收 然后"), ["space-between-han"]);
        assert_eq!(rules("使用SPF记录"), ["han-latin-space", "han-latin-space"]);
        assert_eq!(
            rules("回复 Requested action aborted 表示"),
            ["english-phrase"]
        );
        assert_eq!(rules("510（邮件地址无效（非标准））"), ["nested-parens"]);
        // Two words (a product name) are not a phrase; code stands in as X.
        assert!(rules("在 Microsoft 365 中，X 表示").is_empty());
        assert!(rules("在 Microsoft Exchange Online 中").is_empty());
        assert!(rules("通过 smtp.office365.com 发信").is_empty());
        assert!(rules("标题（非标准） · SMTP 回复码").is_empty());
        assert!(rules("MAIL FROM/RCPT TO 参数，见 /zh/smtp/x.7.1/ 页面").is_empty());
        assert_eq!(rules("拒收。 然后"), ["space-after-punct"]);
    }
}
