//! The shortcut that spares a cold `run` the schema validator (`{}` under a schema that
//! accepts every empty object) agrees with the validator for every command of every pack.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use serde_json::json;
use skill_runtime::schema::{accepts_every_empty_object, compile};
use skill_runtime::skills::PACKS;

#[test]
fn the_empty_object_shortcut_agrees_with_the_validator_for_every_command() {
    let mut shortcut = 0;
    for pack in PACKS {
        for command in pack.commands() {
            let schema = command.input_schema();
            let valid = compile(&schema).unwrap().is_valid(&json!({}));
            if accepts_every_empty_object(&schema) {
                shortcut += 1;
                assert!(valid, "{}: the shortcut would accept {{}}", command.id());
            }
        }
    }
    // setup and auth.capabilities of the Theta and elizaOS Cloud packs at least: the cold runs
    // the shortcut is for.
    assert!(shortcut >= 4, "only {shortcut} commands take the shortcut");
}
