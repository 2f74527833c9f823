//! `theta.video.ingestor.list`: the edge ingestors available for a live stream.
//!
//! `GET https://api.thetavideoapi.com/ingestor/filter` with the service-account headers; the
//! ingestors are `body.ingestors`. Pick one (its `id`) for `theta.video.ingestor.select`.
//! Read-only and free.

use crate::command::prelude::*;
use crate::skills::theta;

use super::SECRETS;

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestorListArgs {}

/// `theta.video.ingestor.list`.
#[derive(Debug, Clone, Copy)]
pub struct IngestorList;

impl Command for IngestorList {
    const ID: &'static str = "theta.video.ingestor.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the Theta edge ingestors available to carry a live stream.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = IngestorListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: IngestorListArgs) -> Result<Value, Error> {
        ctx.client(theta::VIDEO)?
            .send(&ApiRequest::get(&["ingestor", "filter"]))
            .await?
            .json_value()
    }
}
