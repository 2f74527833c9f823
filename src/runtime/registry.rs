//! Looking commands up in a pack: by id, alias or provider-safe tool name, with suggestions
//! for an unknown name, and the public description of each command. A pack lists its commands
//! family by family ([`crate::pack::Family`]); `tests/registry.rs` checks the invariants
//! (unique ids and aliases, provider-safe schemas, previews for gated commands, examples that
//! validate).

use serde_json::{Value, json};

use crate::command::DynCommand;
use crate::error::{Error, ErrorCode};
use crate::pack::Pack;

/// The command with this id or alias. The provider-safe tool name (`<pack>_<family>_<verb>`)
/// is accepted too, so a caller can use what the model saw.
pub fn find(pack: &Pack, name: &str) -> Option<&'static dyn DynCommand> {
    resolve(pack, name).map(|(command, _)| command)
}

/// Like [`find`], also saying which alias matched (when one did).
pub fn resolve(pack: &Pack, name: &str) -> Option<(&'static dyn DynCommand, Option<&'static str>)> {
    pack.commands().find_map(|c| {
        if c.id() == name || tool_name(c.id()) == name {
            Some((c, None))
        } else {
            c.aliases()
                .iter()
                .find(|a| **a == name)
                .map(|a| (c, Some(*a)))
        }
    })
}

/// The provider-safe tool name of a command id: dots become underscores.
pub fn tool_name(id: &str) -> String {
    id.replace('.', "_")
}

/// Names longer than this (in bytes) get no suggestions, and are cut in the message: every id
/// and alias is far shorter, and comparing a 10 MB name with every id cost seconds of CPU
/// (issue 13, defect 5).
const MAX_SUGGESTED_NAME_BYTES: usize = 128;

/// The `UNKNOWN_COMMAND` error, listing the closest ids.
pub fn unknown_command(pack: &Pack, name: &str) -> Error {
    let suggestions = suggestions(pack, name);
    let binary = pack.binary;
    let name = if name.len() > MAX_SUGGESTED_NAME_BYTES {
        let mut cut = MAX_SUGGESTED_NAME_BYTES;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}… ({} bytes)", &name[..cut], name.len())
    } else {
        name.to_owned()
    };
    let hint = if suggestions.is_empty() {
        format!("Run `{binary} list` to see every command.")
    } else {
        format!(
            "Did you mean {}? Run `{binary} list` to see every command.",
            suggestions.join(", ")
        )
    };
    Error::new(
        ErrorCode::UnknownCommand,
        format!("Unknown command `{name}`."),
    )
    .with_hint(hint)
    .with_details(json!({ "suggestions": suggestions }))
}

/// Up to five command ids closest to `name` (by id, alias or a shared word); none for a name
/// longer than any id could be.
pub fn suggestions(pack: &Pack, name: &str) -> Vec<&'static str> {
    if name.len() > MAX_SUGGESTED_NAME_BYTES {
        return Vec::new();
    }
    let needle = name.to_ascii_lowercase().replace('_', ".");
    let last_word = needle.rsplit('.').next().unwrap_or_default().to_owned();
    let mut scored: Vec<(f64, &'static str)> = pack
        .commands()
        .map(|c| {
            let names = std::iter::once(c.id()).chain(c.aliases().iter().copied());
            let best = names
                .map(|n| {
                    let n = n.to_ascii_lowercase().replace('_', ".");
                    let mut score = strsim::jaro_winkler(&needle, &n);
                    if !last_word.is_empty() && n.rsplit('.').next() == Some(last_word.as_str()) {
                        score = score.max(0.9);
                    }
                    score
                })
                .fold(0.0, f64::max);
            (best, c.id())
        })
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(5).map(|(_, id)| id).collect()
}

/// One command's public description: what `list --json` prints and `schemas/index.json`
/// holds.
pub fn describe(command: &dyn DynCommand) -> Value {
    let credentials: Vec<Value> = command
        .secrets()
        .iter()
        .map(|need| {
            json!({
                "name": need.name.canonical(),
                "envNames": need.name.env_names(),
                "required": need.required,
            })
        })
        .collect();
    json!({
        "id": command.id(),
        "toolName": tool_name(command.id()),
        "aliases": command.aliases(),
        "summary": command.summary(),
        "effect": command.effect(),
        "destructive": command.destructive(),
        "service": command.service().as_str(),
        "credentials": credentials,
    })
}

/// Every command's description, in registry order.
pub fn catalog(pack: &Pack) -> Vec<Value> {
    pack.commands().map(describe).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::DEMO;

    #[test]
    fn lookup_accepts_ids_aliases_and_tool_names() {
        assert_eq!(
            find(&DEMO, "demo.widgets.list").map(|c| c.id()),
            Some("demo.widgets.list")
        );
        assert_eq!(
            find(&DEMO, "demo_widgets_create").map(|c| c.id()),
            Some("demo.widgets.create")
        );
        assert_eq!(
            resolve(&DEMO, "make_widget").map(|(c, alias)| (c.id(), alias)),
            Some(("demo.widgets.create", Some("make_widget")))
        );
        assert!(find(&DEMO, "demo.nope").is_none());
    }

    #[test]
    fn unknown_commands_suggest_close_ids_and_name_the_binary() {
        let error = unknown_command(&DEMO, "demo.widgets.lsit");
        assert_eq!(error.code(), ErrorCode::UnknownCommand);
        let hint = error.hint().unwrap_or_default();
        assert!(hint.contains("demo.widgets.list"), "{hint}");
        assert!(hint.contains("demo-skill list"), "{hint}");
        assert!(suggestions(&DEMO, "zzzzzzzz").is_empty());
    }

    /// Issue 13, defect 5: a huge name costs no suggestion work and is not echoed whole.
    #[test]
    fn huge_names_are_cut_before_suggestions() {
        let near = format!("demo.widgets.list{}", "p".repeat(MAX_SUGGESTED_NAME_BYTES));
        assert!(suggestions(&DEMO, &near).is_empty());
        let huge = format!("demo.widgets{}", "é".repeat(5_000_000));
        let started = std::time::Instant::now();
        let error = unknown_command(&DEMO, &huge);
        assert!(
            started.elapsed() < std::time::Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(error.code(), ErrorCode::UnknownCommand);
        assert!(error.message().len() < 300, "{}", error.message());
        assert!(
            error.message().contains("(10000012 bytes)"),
            "{}",
            error.message()
        );
        assert_eq!(
            error.hint(),
            Some("Run `demo-skill list` to see every command.")
        );
        // At the limit, suggestions still work.
        let typo = "demo.widgets.craete";
        assert!(typo.len() <= MAX_SUGGESTED_NAME_BYTES);
        assert_eq!(
            suggestions(&DEMO, typo).first(),
            Some(&"demo.widgets.create")
        );
    }
}
