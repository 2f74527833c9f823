//! `theta.ondemand.inputPresignedUrls` (alias `get_upload_url`): upload URLs for a service's
//! input files. Creates upload slots (mutating, gated by dry-run); costs nothing by itself.
//!
//! `POST https://ondemand.thetaedgecloud.com/infer_request/<service>/input_presigned_urls`
//! with the Bearer token and `{"input_fields": [...]}` (or `{}` when no field is named, as
//! the JavaScript skill 0.1.19 sent). The answer is returned as is; per the official MCP
//! server's types it carries `body.urls[<field>] = {upload_url, filename}`: PUT the file to
//! `upload_url` (outside this skill: it never reads local files), then pass `filename` as
//! that field's value to `theta.ondemand.infer`.

use crate::command::prelude::*;
use crate::skills::theta;

use super::catalog;
use crate::error::{Error, ErrorCode};
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments of `theta.ondemand.inputPresignedUrls`. The field names may be given in any of
/// the four spellings earlier clients used; they are combined.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InputPresignedUrlsArgs {
    /// Service slug, e.g. `whisper`, `blip`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub service: String,
    /// Input fields that take a file, e.g. `["audio_filename"]`.
    #[schemars(length(min = 1, max = 32), inner(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128)))]
    pub input_fields: Option<Vec<String>>,
    /// Same as `inputFields` (official MCP / JavaScript skill spelling).
    #[serde(rename = "input_fields")]
    #[schemars(length(min = 1, max = 32), inner(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128)))]
    pub input_fields_snake: Option<Vec<String>>,
    /// One input field, e.g. `audio_filename`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub input_field: Option<String>,
    /// Same as `inputField` (official MCP `get_upload_url` spelling).
    #[serde(rename = "input_field")]
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub input_field_snake: Option<String>,
}

impl InputPresignedUrlsArgs {
    /// Every field named, in the order given, without duplicates.
    pub fn fields(&self) -> Vec<&str> {
        let lists = [&self.input_fields, &self.input_fields_snake];
        let singles = [&self.input_field, &self.input_field_snake];
        let mut out: Vec<&str> = Vec::new();
        let all = lists
            .into_iter()
            .flatten()
            .flatten()
            .chain(singles.into_iter().flatten())
            .map(|s| s.trim());
        for field in all {
            if !field.is_empty() && !out.contains(&field) {
                out.push(field);
            }
        }
        out
    }
}

/// `theta.ondemand.inputPresignedUrls`.
#[derive(Debug, Clone, Copy)]
pub struct InputPresignedUrls;

impl Command for InputPresignedUrls {
    const ID: &'static str = "theta.ondemand.inputPresignedUrls";
    const ALIASES: &'static [&'static str] = &["get_upload_url"];
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Creates presigned upload URLs for a service's input files; PUT the file there, then pass the returned filename as the input value.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    type Args = InputPresignedUrlsArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: InputPresignedUrlsArgs) -> Result<Value, Error> {
        ctx.client(theta::ONDEMAND)?
            .send(&request(&args))
            .await?
            .json_value()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &InputPresignedUrlsArgs) -> Result<Preview, Error> {
        let mut preview = Preview::request(ctx.client(theta::ONDEMAND)?.preview(&request(args))?)
            .note("Creates upload slots only; inference is billed when theta.ondemand.infer runs.");
        if let Some(entry) = catalog::entry(&args.service).filter(|e| !e.presigned_uploads) {
            preview = preview.note(format!(
                "The embedded catalog lists no file inputs for `{}` (inputs: {}).",
                entry.slug,
                entry.inputs.join(", ")
            ));
        }
        Ok(preview)
    }

    fn example() -> Value {
        json!({"service": "whisper", "inputFields": ["audio_filename"]})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

pub(crate) fn request(args: &InputPresignedUrlsArgs) -> ApiRequest {
    let fields = args.fields();
    let body = if fields.is_empty() {
        json!({})
    } else {
        json!({ "input_fields": fields })
    };
    ApiRequest::post(
        &["infer_request", args.service.trim(), "input_presigned_urls"],
        Effect::Mutating,
    )
    .json(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value: Value) -> InputPresignedUrlsArgs {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn every_spelling_of_the_fields_is_combined() {
        let a = args(json!({
            "service": "talking_head",
            "inputFields": ["img"],
            "input_fields": ["audio", "img"],
            "input_field": "audio",
            "inputField": "extra"
        }));
        assert_eq!(a.fields(), ["img", "audio", "extra"]);
        let body = request(&a).json_body().cloned();
        assert_eq!(
            body,
            Some(json!({"input_fields": ["img", "audio", "extra"]}))
        );
        let none = args(json!({"service": "blip"}));
        assert_eq!(request(&none).json_body().cloned(), Some(json!({})));
        assert_eq!(request(&none).effect(), Effect::Mutating);
    }

    #[test]
    fn the_schema_refuses_bad_fields() {
        let validator =
            crate::schema::compile(&crate::schema::input_schema::<InputPresignedUrlsArgs>())
                .unwrap();
        assert!(validator.is_valid(&InputPresignedUrls::example()));
        assert!(
            validator.is_valid(&json!({"service": "whisper", "input_field": "audio_filename"}))
        );
        for bad in [
            json!({"service": "whisper", "inputFields": []}),
            json!({"service": "whisper", "inputFields": [""]}),
            json!({"service": "whisper", "input_field": "a/b"}),
            json!({"service": "", "inputField": "x"}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }
}
