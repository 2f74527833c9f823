//! The Theta EdgeCloud skill (`theta.*`), one module per family.

pub mod ai;
pub mod billing;
mod controller;
pub mod deployments;
pub mod inference;
pub mod meta;
pub mod ondemand;
pub mod video;
