//! Theta Video API: `theta.video.*` (videos, uploads, live streams, edge ingestors).
//!
//! **Base URL**: `https://api.thetavideoapi.com` (`THETA_VIDEO_API_BASE_URL` may point at
//! another Theta origin).
//!
//! **Credentials**: every request carries `x-tva-sa-id: THETA_VIDEO_SA_ID` and
//! `x-tva-sa-secret: THETA_VIDEO_SA_SECRET`, the service account of the Theta Video API
//! dashboard; a command without both fails with `MISSING_THETA_VIDEO_CREDENTIALS` before any
//! request. Both values are secrets: they come through the secret chain (OpenClaw host first,
//! then the environment) and are masked in every output — results, errors, URLs (the
//! account id is also a path segment of `theta.video.list`) and dry-run previews.
//!
//! Answers are the API's JSON as is: `{"status": "success", "body": {…}}`. Identifiers are
//! checked against the identifier pattern and percent-encoded. Creating uploads, streams and
//! ingestor assignments is gated by dry-run; transcoding a video (`videoCreate`) is paid.

mod ingestor_list;
mod ingestor_select;
mod list;
mod stream_create;
mod stream_get;
mod upload_create;
mod video_create;
mod video_get;

use crate::skills::theta;
use futures_util::future::BoxFuture;

use crate::command::{Ctx, Invoked, SecretNeed};
use crate::error::Error;
use crate::pack::{CapabilityProbe, sample_of};

pub use ingestor_list::{IngestorList, IngestorListArgs};
pub use ingestor_select::{IngestorSelect, IngestorSelectArgs};
pub use list::{List, ListArgs};
pub use stream_create::{StreamCreate, StreamCreateArgs};
pub use stream_get::{StreamGet, StreamGetArgs};
pub use upload_create::{UploadCreate, UploadCreateArgs};
pub use video_create::{VideoCreate, VideoCreateArgs};
pub use video_get::{VideoGet, VideoGetArgs};

/// Both service-account headers, required by every command.
const SECRETS: &[SecretNeed] = &[
    SecretNeed::required(theta::VIDEO_SA_ID),
    SecretNeed::required(theta::VIDEO_SA_SECRET),
];

/// The `video.api` capability probe: the first video of the service account
/// (`theta.video.list`, page 1, one item; read-only, free).
pub fn probe<'a>(
    ctx: &'a Ctx<'a>,
    _args: &'a serde_json::Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let args = ListArgs {
            service_account_id: None,
            page: Some(1),
            number: Some(1),
        };
        match ctx.invoke(&List, args).await? {
            Invoked::Ran(value) => Ok(CapabilityProbe::Verified {
                probe: "GET /video/<THETA_VIDEO_SA_ID>/list?page=1&number=1".to_owned(),
                sample: sample_of(&value),
            }),
            Invoked::Previewed(_) => Ok(CapabilityProbe::NotSent {
                reason: "dry-run stopped the probe".to_owned(),
            }),
        }
    })
}
