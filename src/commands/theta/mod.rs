//! The Theta EdgeCloud skill (`theta.*`), one module per family.

pub mod inference;
pub mod meta;
pub mod ondemand;
pub mod video;
