//! AI resources on the controller: dedicated (serving) deployments, Jupyter notebooks, GPU
//! nodes and clusters, storage volumes, and AI agents (RAG chatbots) with their documents
//! (`spec/theta-api.md` §2.6–2.7).
//!
//! - **Base URL**: the controller, `https://controller.thetaedgecloud.com` (Cloudflare-fronted:
//!   the HTTP layer sends a browser-like `User-Agent` and `Accept`).
//! - **Credentials**: `x-api-key: <THETA_EC_API_KEY>` (project-scoped); missing gives
//!   `MISSING_THETA_EC_API_KEY` with a hint.
//! - **Project**: `args.projectId`, else THETA_EC_PROJECT_ID (for payload commands, also
//!   `payload.project_id`); it must look like `prj_…`.
//! - **Effects**: listings and gets are read-only; agent and document create/update are
//!   mutating, sent once and previewed in dry-run. Document content comes from the arguments
//!   only (UTF-8 text or base64); no local file is ever read.

pub mod agent;
mod dedicated_deployments;
mod gpu_cluster;
mod gpu_node;
mod jupyter;
mod storage;

pub use dedicated_deployments::DedicatedDeploymentsList;
pub use gpu_cluster::GpuClusterList;
pub use gpu_node::GpuNodeList;
pub use jupyter::JupyterList;
pub use storage::{StorageList, StorageListArgs};
