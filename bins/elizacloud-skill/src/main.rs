//! `elizacloud-skill`: the elizaOS Cloud skill. Everything but the pack lives in the library.

fn main() -> std::process::ExitCode {
    skill_runtime::cli::main(&skill_runtime::skills::elizacloud::PACK)
}
