//! `theta.video.videoGet`: one video, with its transcoding state and playback URLs.
//!
//! `GET https://api.thetavideoapi.com/video/<videoId>` with the service-account headers; the
//! video is `body.videos[0]` (`state`, `progress`, `playback_uri`, `player_uri`, …). Read-only
//! and free.

use crate::command::prelude::*;
use crate::skills::theta;

use super::SECRETS;
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VideoGetArgs {
    /// The video id (`video_…`), from theta.video.videoCreate or theta.video.list.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub video_id: String,
}

/// `theta.video.videoGet`.
#[derive(Debug, Clone, Copy)]
pub struct VideoGet;

impl Command for VideoGet {
    const ID: &'static str = "theta.video.videoGet";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Gets one Theta Video API video with its transcoding state and playback URLs.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = VideoGetArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: VideoGetArgs) -> Result<Value, Error> {
        ctx.client(theta::VIDEO)?
            .send(&ApiRequest::get(&["video", &args.video_id]))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"videoId": "video_1sz1dd6rq9mfhtfzxu6b4yv1ae"})
    }
}
