//! `elizacloud-skill`: the elizaOS Cloud skill. Everything but the pack lives in the library.

fn main() -> std::process::ExitCode {
    theta_skill::cli::main(&theta_skill::skills::elizacloud::PACK)
}
