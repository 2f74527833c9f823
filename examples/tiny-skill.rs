//! `tiny-skill`: the example pack (feature `example-pack`, test builds only; never released).

fn main() -> std::process::ExitCode {
    skill_runtime::cli::main(&skill_runtime::skills::tiny::PACK)
}
