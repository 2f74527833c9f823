//! What the elizaOS Cloud pack promises beyond the invariants every pack keeps
//! (`tests/invariants.rs`): which commands are destructive, and the effect of each.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use skill_runtime::Effect;
use skill_runtime::runtime::registry::find;
use skill_runtime::skills::elizacloud::PACK;

#[test]
fn destructive_commands_say_so_and_the_ids_are_the_issues() {
    for id in [
        "elizacloud.keys.revokeCurrent",
        "elizacloud.agents.delete",
        "elizacloud.containers.delete",
        "elizacloud.voice.delete",
        "elizacloud.characters.delete",
    ] {
        let command = find(&PACK, id).unwrap();
        assert!(command.summary().starts_with("Destructive"), "{id}");
        assert_ne!(command.effect(), Effect::ReadOnly);
    }
    for (id, effect) in [
        ("elizacloud.chat", Effect::Paid),
        ("elizacloud.embeddings", Effect::Paid),
        ("elizacloud.images.generate", Effect::Paid),
        ("elizacloud.video.generate", Effect::Paid),
        ("elizacloud.voice.tts", Effect::Paid),
        ("elizacloud.containers.deploy", Effect::Paid),
        ("elizacloud.agents.resume", Effect::Paid),
        ("elizacloud.credits.checkout", Effect::Mutating),
        ("elizacloud.billing.set", Effect::Mutating),
        ("elizacloud.documents.add", Effect::Mutating),
        ("elizacloud.setup", Effect::ReadOnly),
        ("elizacloud.jobs.pollUntilDone", Effect::ReadOnly),
        ("elizacloud.voice.clone", Effect::Paid),
        ("elizacloud.voice.transcribe", Effect::Paid),
        ("elizacloud.voice.update", Effect::Mutating),
        ("elizacloud.voice.jobs", Effect::ReadOnly),
        ("elizacloud.voice.get", Effect::ReadOnly),
        ("elizacloud.characters.create", Effect::Mutating),
        ("elizacloud.characters.update", Effect::Mutating),
        ("elizacloud.characters.list", Effect::ReadOnly),
        ("elizacloud.characters.get", Effect::ReadOnly),
        ("elizacloud.a2a.card", Effect::ReadOnly),
        ("elizacloud.a2a.send", Effect::Paid),
        ("elizacloud.a2a.tasks.get", Effect::ReadOnly),
        ("elizacloud.a2a.tasks.cancel", Effect::Mutating),
        ("elizacloud.agents.a2a.card", Effect::ReadOnly),
        ("elizacloud.agents.a2a.info", Effect::ReadOnly),
        ("elizacloud.agents.a2a.chat", Effect::Paid),
    ] {
        assert_eq!(find(&PACK, id).unwrap().effect(), effect, "{id}");
    }
}
