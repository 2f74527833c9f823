//! Build script of every skill binary (each package under `bins/` names it with `build =
//! "../link.rs"`).
//!
//! On glibc Linux the binary links with packed relative relocations (DT_RELR, glibc ≥ 2.36,
//! binutils ≥ 2.38): ~20,000 pointer relocations take a few KiB instead of ~430 KiB of
//! `.rela.dyn`, which keeps each binary under 8 MiB and is applied faster at every start. Here
//! and not only in `.cargo/config.toml`, because cargo-dist sets `RUSTFLAGS`, which replaces
//! the configuration's flags (a release binary was 8.58 MB instead of 8.09).

fn main() {
    let cfg = |name: &str| std::env::var(name).unwrap_or_default();
    if cfg("CARGO_CFG_TARGET_OS") == "linux" && cfg("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
