//! `theta.video.streamGet`: one live stream and its state.
//!
//! `GET https://api.thetavideoapi.com/stream/<streamId>` with the service-account headers.
//! Read-only and free.

use crate::command::prelude::*;
use crate::skills::theta;

use super::SECRETS;
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StreamGetArgs {
    /// The stream id (`stream_…`), from theta.video.streamCreate.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub stream_id: String,
}

/// `theta.video.streamGet`.
#[derive(Debug, Clone, Copy)]
pub struct StreamGet;

impl Command for StreamGet {
    const ID: &'static str = "theta.video.streamGet";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Gets one Theta Video API live stream and its state.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = StreamGetArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: StreamGetArgs) -> Result<Value, Error> {
        ctx.client(theta::VIDEO)?
            .send(&ApiRequest::get(&["stream", &args.stream_id]))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"streamId": "stream_8d2s9n6p2g0kqz0x3v2r5t8y1"})
    }
}
