//! The Theta EdgeCloud skill (`theta.*`), one module per family.

pub mod meta;
pub mod ondemand;
