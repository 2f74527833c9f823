//! Service-aware timeouts (`spec/theta-api.md` §3.5).
//!
//! - **Submit** (`POST /infer_request/<service>`): `step_video` renders before it answers, so
//!   its timeout grows with the frame count: `120 s + frames × 0.5 s`, rounded up to 5 s,
//!   never below `THETA_HTTP_TIMEOUT_MS`, at most 300 s (honoured here: the HTTP layer takes
//!   per-request timeouts unclamped, unlike the JavaScript skill's shared client, which cut it
//!   to 120 s). Chat inputs (`input.messages`) get at least 120 s: models such as qwen3 take
//!   30–50 s.
//! - **Wait**: a request with `?wait=<s>` is held open by the server for up to `s` seconds,
//!   so the timeout is at least `wait + 15 s` (`theta.ondemand.infer` sends 30 by default,
//!   so 45 s; `wait=0` adds nothing); otherwise a `wait: 60` call with the default
//!   20 s timeout would time out on a healthy server (the spec is silent; this is the
//!   obvious correction).
//! - **Poll**: a render's expected duration is `max(frames × 4 s, ceil(frames / fps) × 60 s)`
//!   (fps defaults to 10); `theta.ondemand.pollUntilDone` without an explicit `timeoutMs`
//!   gives up after `240 s + expected`, rounded up to 30 s, within 6..30 minutes. 30 frames
//!   at 10 fps: 180 s expected, 420 s timeout.

use std::time::Duration;

use serde_json::Value;

/// The longest submit timeout (step_video with many frames, streamed chats).
pub const MAX_SUBMIT: Duration = Duration::from_secs(300);
/// The shortest timeout for a chat request.
pub const CHAT_MIN: Duration = Duration::from_secs(120);
/// Added to `wait` so the server's answer arrives before the client gives up.
pub const WAIT_MARGIN: Duration = Duration::from_secs(15);
/// The poll timeout before the request's frames are known.
pub const DEFAULT_POLL: Duration = Duration::from_millis(120_000);

/// The shape of a video render request: frames and frames per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Render {
    /// Frames to render (a positive integer).
    pub frames: u64,
    /// Frames per second (a positive integer, 10 when absent).
    pub fps: u64,
}

impl Render {
    /// Reads `frames` and `fps` from a request's `input`; `None` without a positive integer
    /// `frames`.
    pub fn from_input(input: &Value) -> Option<Render> {
        let frames = positive_int(input.get("frames"))?;
        let fps = positive_int(input.get("fps")).unwrap_or(10);
        Some(Render { frames, fps })
    }

    /// Seconds of video: `max(1, ceil(frames / fps))`.
    pub fn video_seconds(self) -> u64 {
        self.frames.div_ceil(self.fps).max(1)
    }

    /// How long the render is expected to take.
    pub fn expected(self) -> Duration {
        let by_frames = self.frames.saturating_mul(4_000);
        let by_seconds = self.video_seconds().saturating_mul(60_000);
        Duration::from_millis(by_frames.max(by_seconds))
    }

    /// How long to poll before giving up.
    pub fn poll_timeout(self) -> Duration {
        let expected = u64::try_from(self.expected().as_millis()).unwrap_or(u64::MAX);
        let derived = round_up(240_000u64.saturating_add(expected), 30_000);
        Duration::from_millis(derived.clamp(360_000, 1_800_000))
    }
}

/// A JSON number that is a positive whole number (`30` and `30.0`, not `"30"` or `2.5`).
pub fn positive_int(value: Option<&Value>) -> Option<u64> {
    let value = value?;
    if let Some(n) = value.as_u64() {
        return (n > 0).then_some(n);
    }
    let f = value.as_f64()?;
    if !(f.is_finite() && f >= 1.0 && f.fract() == 0.0 && f <= 9.0e15) {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked above: a positive whole number well inside u64"
    )]
    let n = f as u64;
    Some(n)
}

fn round_up(value: u64, step: u64) -> u64 {
    value.div_ceil(step).saturating_mul(step)
}

/// The timeout for creating an infer request for `service` with `body`
/// (`{input: {...}, ...}`), given the configured timeout and the `wait` query parameter.
pub fn submit_timeout(service: &str, body: &Value, http: Duration, wait: Option<u32>) -> Duration {
    let input = body.get("input").unwrap_or(&Value::Null);
    let base = if service.eq_ignore_ascii_case("step_video") {
        let frames = positive_int(input.get("frames"))
            .or_else(|| positive_int(body.get("frames")))
            .unwrap_or(30);
        let derived = round_up(120_000u64.saturating_add(frames.saturating_mul(500)), 5_000);
        http.max(Duration::from_millis(derived))
    } else if input.get("messages").is_some_and(Value::is_array) {
        http.max(CHAT_MIN)
    } else {
        http
    };
    with_wait(base, wait).min(MAX_SUBMIT.max(http))
}

/// The timeout for a chat request: at least [`CHAT_MIN`] (plus `wait`); a streamed answer
/// is read whole within [`MAX_SUBMIT`], since long answers stream for minutes.
pub fn chat_timeout(stream: bool, http: Duration, wait: Option<u32>) -> Duration {
    if stream {
        return MAX_SUBMIT.max(http);
    }
    with_wait(http.max(CHAT_MIN), wait).min(MAX_SUBMIT.max(http))
}

/// `base`, or the wait plus [`WAIT_MARGIN`] when longer. `wait=0` holds nothing open, so it
/// adds nothing (a `wait: 0` request keeps the configured timeout).
fn with_wait(base: Duration, wait: Option<u32>) -> Duration {
    match wait {
        Some(seconds) if seconds > 0 => {
            base.max(Duration::from_secs(u64::from(seconds)) + WAIT_MARGIN)
        }
        Some(_) | None => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HTTP: Duration = Duration::from_millis(20_000);

    fn ms(d: Duration) -> u128 {
        d.as_millis()
    }

    #[test]
    fn step_video_submit_timeouts_follow_the_frames() {
        let body = |input: Value| json!({"input": input});
        assert_eq!(
            ms(submit_timeout(
                "step_video",
                &body(json!({"prompt": "x"})),
                HTTP,
                None
            )),
            135_000,
            "30 frames by default"
        );
        assert_eq!(
            ms(submit_timeout(
                "STEP_VIDEO",
                &body(json!({"frames": 51})),
                HTTP,
                None
            )),
            150_000
        );
        assert_eq!(
            ms(submit_timeout(
                "step_video",
                &json!({"input": {}, "frames": 51}),
                HTTP,
                None
            )),
            150_000,
            "top-level frames count too"
        );
        assert_eq!(
            ms(submit_timeout(
                "step_video",
                &body(json!({"frames": 1000})),
                HTTP,
                None
            )),
            300_000,
            "capped at 300 s, above the 120 s the JS client allowed"
        );
        assert_eq!(
            ms(submit_timeout(
                "step_video",
                &body(json!({"frames": 1})),
                Duration::from_millis(120_000),
                None
            )),
            125_000
        );
        assert_eq!(
            ms(submit_timeout(
                "step_video",
                &body(json!({"frames": "51"})),
                HTTP,
                None
            )),
            135_000,
            "strings are not frame counts"
        );
    }

    #[test]
    fn chats_and_waits_get_room() {
        let chat = json!({"input": {"messages": []}});
        assert_eq!(ms(submit_timeout("qwen3", &chat, HTTP, None)), 120_000);
        let flux = json!({"input": {"prompt": "cat"}});
        assert_eq!(ms(submit_timeout("flux", &flux, HTTP, None)), 20_000);
        assert_eq!(ms(submit_timeout("flux", &flux, HTTP, Some(60))), 75_000);
        assert_eq!(ms(submit_timeout("flux", &flux, HTTP, Some(0))), 20_000);
        assert_eq!(ms(chat_timeout(false, HTTP, None)), 120_000);
        assert_eq!(ms(chat_timeout(false, HTTP, Some(60))), 120_000);
        assert_eq!(ms(chat_timeout(true, HTTP, None)), 300_000);
    }

    #[test]
    fn poll_timeouts_match_the_spec_examples() {
        let render = |frames, fps| Render { frames, fps };
        assert_eq!(render(30, 10).expected(), Duration::from_secs(180));
        assert_eq!(ms(render(30, 10).poll_timeout()), 420_000);
        assert_eq!(ms(render(51, 10).poll_timeout()), 600_000);
        assert_eq!(ms(render(200, 25).poll_timeout()), 1_050_000);
        assert_eq!(ms(render(1, 10).poll_timeout()), 360_000, "floor");
        assert_eq!(ms(render(100_000, 10).poll_timeout()), 1_800_000, "ceiling");
        assert_eq!(
            Render::from_input(&json!({"frames": 30})),
            Some(render(30, 10))
        );
        assert_eq!(
            Render::from_input(&json!({"frames": 30.0, "fps": 25})),
            Some(render(30, 25))
        );
        assert_eq!(Render::from_input(&json!({"frames": 0})), None);
        assert_eq!(Render::from_input(&json!({"frames": 2.5})), None);
        assert_eq!(Render::from_input(&json!({"fps": 10})), None);
        assert_eq!(
            Render::from_input(&json!({"frames": 30, "fps": -1})),
            Some(render(30, 10))
        );
    }
}
