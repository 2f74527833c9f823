//! Documents (formerly "knowledge"): the caller's store, or a character's
//! (`spec/elizacloud.md` §6.6). Free: list and query are read-only, add is mutating.

mod add;
mod list;
mod query;

pub use add::{Add, AddArgs};
pub use list::{List, ListArgs};
pub use query::{Query, QueryArgs};
