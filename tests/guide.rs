//! The guides' code is the crate's code (issue 19): every fenced `rust` or `toml` block of
//! `docs/*.md` opens with a comment naming the file it is quoted from (`// src/skills/tiny/
//! mod.rs`, `# bins/theta-skill/Cargo.toml`), and its lines appear in that file in the same
//! order, each run between elisions (`// …`, `# …`) as consecutive lines. Lines are compared
//! trimmed, so a quote may be indented differently. The quoted files compile in every test
//! build (the tiny pack with `example-pack`), so a guide cannot show code that does not build.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One fenced block: its language, the line it starts on, its lines.
struct Block {
    lang: String,
    line: usize,
    lines: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        match open.take() {
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    open = Some(Block {
                        lang: lang.trim().to_owned(),
                        line: number + 1,
                        lines: Vec::new(),
                    });
                }
            }
            Some(block) if trimmed == "```" => out.push(block),
            Some(mut block) => {
                block.lines.push(trimmed.to_owned());
                open = Some(block);
            }
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    out
}

fn is_elision(line: &str) -> bool {
    matches!(line, "// …" | "# …")
}

/// Whether the runs of `quote` (split at elisions) appear in `source`, in order, each as
/// consecutive lines; `Err` names the first run that does not.
fn quoted_in(quote: &[String], source: &[String]) -> Result<(), String> {
    let mut from = 0;
    for run in quote.split(|line| is_elision(line)) {
        let run: Vec<&String> = run.iter().filter(|l| !l.is_empty()).collect();
        if run.is_empty() {
            continue;
        }
        let source_lines: Vec<(usize, &String)> = source
            .iter()
            .enumerate()
            .skip(from)
            .filter(|(_, l)| !l.is_empty())
            .collect();
        let found = source_lines
            .windows(run.len())
            .find(|window| window.iter().zip(&run).all(|((_, a), b)| a == b));
        match found {
            Some(window) => from = window[run.len() - 1].0 + 1,
            None => {
                return Err(run
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"));
            }
        }
    }
    Ok(())
}

fn guides() -> Vec<PathBuf> {
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    guides.sort();
    guides
}

#[test]
fn every_code_block_of_the_guides_is_quoted_from_a_file_that_builds() {
    let mut checked = 0;
    for guide in guides() {
        let text = std::fs::read_to_string(&guide).unwrap();
        for block in blocks(&text) {
            if !matches!(block.lang.as_str(), "rust" | "toml") {
                continue;
            }
            let place = format!("{}:{}", guide.display(), block.line);
            let first = block.lines.first().map(String::as_str).unwrap_or_default();
            let path = first
                .strip_prefix("// ")
                .or_else(|| first.strip_prefix("# "))
                .filter(|p| !p.contains(' '))
                .unwrap_or_else(|| {
                    panic!("{place}: a code block opens with the file it quotes, e.g. `// src/skills/tiny/mod.rs`")
                });
            let source = std::fs::read_to_string(root().join(path))
                .unwrap_or_else(|e| panic!("{place}: {path}: {e}"));
            let source: Vec<String> = source.lines().map(|l| l.trim().to_owned()).collect();
            if let Err(missing) = quoted_in(&block.lines[1..], &source) {
                panic!("{place}: these lines are not in {path} (in this order):\n{missing}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} blocks were checked");
}

#[test]
fn the_check_finds_a_drifted_quote() {
    let source: Vec<String> = ["fn a() {", "    one();", "    two();", "}"]
        .iter()
        .map(|l| l.trim().to_owned())
        .collect();
    let quote = |lines: &[&str]| -> Vec<String> { lines.iter().map(|l| (*l).to_owned()).collect() };
    assert!(quoted_in(&quote(&["fn a() {", "one();", "two();"]), &source).is_ok());
    assert!(quoted_in(&quote(&["fn a() {", "// …", "}"]), &source).is_ok());
    assert!(
        quoted_in(&quote(&["fn a() {", "two();"]), &source).is_err(),
        "a line left out without an elision"
    );
    assert!(
        quoted_in(&quote(&["two();", "// …", "one();"]), &source).is_err(),
        "out of order"
    );
    assert!(quoted_in(&quote(&["three();"]), &source).is_err());
}
