//! Command implementations, one module per skill.

pub mod theta;
