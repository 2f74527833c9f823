//! `tiny-skill`: the example pack (feature `example-pack`, test builds only; never released).

fn main() -> std::process::ExitCode {
    theta_skill::cli::main(&theta_skill::skills::tiny::PACK)
}
