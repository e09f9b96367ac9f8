//! The kid-safe word filter: prompts (and any text a custom model's form sends) are checked
//! against `data/blocked-words.txt` before anything is written or sent.
//!
//! Matching is on whole words after normalising, so innocent words that merely contain a
//! blocked one ("Scunthorpe", "assassin", "cocktail") pass. Normalising undoes:
//! - letter case, and leetspeak (`s3x`, `$h!t`, `4ss`; `1` and `|` are tried as both i and l);
//! - punctuation inside a word (`s.e.x`, `f*ck` is not undone: a wildcard would block too much);
//! - spacing (`s e x`, `f u ck`): every stretch of one- and two-letter pieces is joined and
//!   checked;
//! - stretched letters (`seeeexy`): a word matches a blocked one when it has the same letters
//!   in the same order with each run at least as long (so `as` never matches `ass`);
//! - the endings s, es, ed, er, ers, ing, in, y (`fucking`, `shitty`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const WORDS: &str = include_str!("../../data/blocked-words.txt");
const SUFFIXES: &[&str] = &["", "s", "es", "ed", "er", "ers", "ing", "in", "y"];

type Runs = Vec<(char, usize)>;

/// The list: blocked words indexed by their letters with repeats collapsed (`ass` -> `as`),
/// and the words always allowed (`!word` lines).
struct List {
    blocked: HashMap<String, Vec<Runs>>,
    allowed: HashSet<String>,
}

fn list() -> &'static List {
    static LIST: OnceLock<List> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list = List {
            blocked: HashMap::new(),
            allowed: HashSet::new(),
        };
        for line in WORDS.lines().map(str::trim) {
            if let Some(word) = line.strip_prefix('!') {
                list.allowed.insert(word.to_lowercase());
            } else if !line.is_empty() && !line.starts_with('#') {
                let runs = runs(&line.to_lowercase());
                list.blocked.entry(skeleton(&runs)).or_default().push(runs);
            }
        }
        list
    })
}

/// `aab` -> `[(a, 2), (b, 1)]`.
fn runs(word: &str) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::new();
    for c in word.chars() {
        match out.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => out.push((c, 1)),
        }
    }
    out
}

fn skeleton(runs: &[(char, usize)]) -> String {
    runs.iter().map(|(c, _)| *c).collect()
}

/// Whether `word` (lowercase letters) is a blocked word, stretched or with a common ending.
fn is_blocked(word: &str) -> bool {
    if word.is_empty() || list().allowed.contains(word) {
        return false;
    }
    SUFFIXES.iter().any(|suffix| {
        let Some(stem) = word.strip_suffix(suffix) else {
            return false;
        };
        let stem_runs = runs(stem);
        list()
            .blocked
            .get(&skeleton(&stem_runs))
            .is_some_and(|candidates| {
                candidates.iter().any(|w| {
                    w.len() == stem_runs.len()
                        && w.iter()
                            .zip(&stem_runs)
                            .all(|((_, need), (_, has))| has >= need)
                })
            })
    })
}

/// The letter a character stands for, leetspeak undone (`one` is what `1` and `|` become).
fn unleet(c: char, one: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '|' => one,
        '!' => 'i',
        '3' | '€' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        c if c.is_alphabetic() => return c.to_lowercase().next(),
        _ => return None,
    })
}

/// The pieces of `text` to check: each space-separated word with the punctuation inside it
/// removed, each piece between any two non-letters, and runs of short pieces joined.
fn pieces(text: &str, one: char) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split_whitespace() {
        // Punctuation at the edges is punctuation, not a letter in disguise ("wow!").
        let word = raw
            .trim_start_matches(|c: char| "\"'([{<".contains(c))
            .trim_end_matches(|c: char| ".,!?;:\"')]}>".contains(c));
        out.push(word.chars().filter_map(|c| unleet(c, one)).collect());
    }
    let mut split: Vec<String> = vec![String::new()];
    for c in text.chars() {
        match unleet(c, one) {
            Some(l) => {
                if let Some(s) = split.last_mut() {
                    s.push(l);
                }
            }
            None if split.last().is_some_and(|s| !s.is_empty()) => split.push(String::new()),
            None => {}
        }
    }
    split.retain(|s| !s.is_empty());
    // Runs of one- and two-letter pieces ("a s e x y"): every stretch of two or more, joined.
    let mut run: Vec<&str> = Vec::new();
    for piece in split.iter().map(String::as_str).chain([""]) {
        if !piece.is_empty() && piece.chars().count() <= 2 {
            run.push(piece);
            continue;
        }
        for start in 0..run.len() {
            for end in start + 2..=run.len().min(start + 12) {
                out.push(run[start..end].concat());
            }
        }
        run.clear();
    }
    out.extend(split);
    out
}

/// Whether `text` holds a blocked word (after undoing case, spacing, punctuation, leetspeak).
pub fn is_blocked_text(text: &str) -> bool {
    let text = text.replace("|_|", "u");
    ['i', 'l']
        .into_iter()
        .any(|one| pieces(&text, one).iter().any(|p| is_blocked(p)))
}

/// What a child sees when a prompt is refused: friendly, and no error code.
pub const BLOCKED_MESSAGE: &str = "Let's use different words for this one: some of them \
are not for Skaitch. Try telling what the drawing shows in another way.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_loads_and_has_no_odd_entries() {
        assert!(list().blocked.len() > 50 && list().allowed.contains("booby"));
        for word in WORDS
            .lines()
            .filter(|l| !l.starts_with(['#', '!']) && !l.is_empty())
        {
            assert!(
                word.chars().all(|c| c.is_ascii_lowercase()),
                "{word:?}: lowercase letters only"
            );
        }
    }

    #[test]
    fn runs_and_stretching() {
        assert!(is_blocked("ass") && is_blocked("asssss") && !is_blocked("as"));
        assert!(is_blocked("fuuuuck") && is_blocked("fucking") && is_blocked("shitty"));
        assert!(!is_blocked("assassin") && !is_blocked("class") && !is_blocked("bass"));
    }

    #[test]
    fn case_spacing_punctuation_and_leetspeak_are_undone() {
        for bad in [
            "SEX",
            "Sexy dragon",
            "s e x",
            "S. E. X.",
            "s-e-x-y",
            "s_e_x",
            "f u ck",
            "s3x",
            "$h!t",
            "5h1t",
            "4ss",
            "a$$",
            "b!tch",
            "sl|_|t",
            "s1ut",
            "p0rn",
            "what the fuuuuck",
            "shitty picture",
            "a (naked) man",
            "\"porn\"",
            "n.u.d.e",
        ] {
            assert!(is_blocked_text(bad), "{bad:?} should be blocked");
        }
    }

    #[test]
    fn innocent_words_pass() {
        for ok in [
            "Scunthorpe",
            "an assassin bug",
            "a class trip",
            "a bass guitar",
            "a cocktail",
            "Sussex and Essex",
            "a grassy hill",
            "hello!",
            "a blue tit and a blue-footed booby",
            "wow! a rocket!!",
            "I am 7 and a 1/2",
            "a s",
            "it is a dog",
            "passage",
            "therapist",
            "a shitake mushroom",
            "cucumber",
            "a tomato",
            "classic",
            "button",
            "Dick Whittington's cat",
            "a hell of a dragon",
            "Pass the peas",
        ] {
            assert!(!is_blocked_text(ok), "{ok:?} should pass");
        }
    }
}
