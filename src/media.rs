//! Finished media as the commands behind OpenClaw's providers return it: the answer's shape
//! ([`GeneratedMedia`], [`MediaFile`]: bytes as base64 with their type and a file name), the
//! type of a download decided from its `content-type` and its first bytes, the call's deadline,
//! and the bytes a caller may send inline.
//!
//! Shared by every pack's media commands (`<pack>.media.*`); the downloads themselves are
//! [`crate::http::media`]'s, the slots and their caps [`crate::providers`]'.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;

use crate::error::{Error, ErrorCode};
use crate::http::Media;
use crate::providers::Slot;

/// The longest a media call may take (`timeoutMs` at most): one hour.
pub const MAX_TIMEOUT_MS: u64 = 3_600_000;
/// The shortest `timeoutMs` a media call accepts: ten seconds.
pub const MIN_TIMEOUT_MS: u64 = 10_000;

/// The most bytes a caller may send inline (base64 in the request, e.g. a recording to
/// transcribe): what fits, encoded, in one request ([`crate::bounds::MAX_REQUEST_BYTES`])
/// with room for the rest of the envelope.
pub const MAX_INLINE_BYTES: usize = (crate::bounds::MAX_REQUEST_BYTES - 64 * 1024) / 4 * 3;

/// One finished file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaFile {
    /// Its media type (`image/png`, `video/mp4`, `audio/mpeg`, …).
    pub mime_type: &'static str,
    /// A file name for it (`<request id>-<n>.<ext>`).
    pub file_name: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its content, base64.
    pub base64: String,
}

/// What a media command returns: the files, which model made them, the upstream's id for
/// the job (to look it up), and its cost when the answer says.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedMedia {
    /// The model (service, catalogue id) that ran.
    pub model: String,
    /// The upstream's id for the generation, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The files, in the order the upstream listed them.
    pub media: Vec<MediaFile>,
    /// The cost, as the upstream reported it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Value>,
}

/// When a call that was given `timeout_ms` (or `slot`'s default) must be done.
pub fn deadline(timeout_ms: Option<u64>, slot: Slot) -> Instant {
    let ms = timeout_ms
        .unwrap_or_else(|| slot.default_timeout_ms())
        .clamp(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
    Instant::now() + Duration::from_millis(ms)
}

/// The media type of `bytes` from their first bytes, when they are a format OpenClaw stores.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    Some(if at(0, b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if at(0, b"\xff\xd8\xff") {
        "image/jpeg"
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        "image/gif"
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        "image/webp"
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        "audio/wav"
    } else if at(4, b"ftyp") {
        if at(8, b"qt  ") {
            "video/quicktime"
        } else {
            "video/mp4"
        }
    } else if at(0, b"\x1a\x45\xdf\xa3") {
        "video/webm"
    } else if at(0, b"ID3") || at(0, b"\xff\xfb") || at(0, b"\xff\xf3") || at(0, b"\xff\xf2") {
        "audio/mpeg"
    } else if at(0, b"OggS") {
        "audio/ogg"
    } else if at(0, b"fLaC") {
        "audio/flac"
    } else {
        return None;
    })
}

/// The file extension of a media type this module names.
pub fn extension(mime_type: &str) -> &'static str {
    match mime_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/quicktime" => "mov",
        "video/webm" => "webm",
        "audio/wav" => "wav",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "audio/flac" => "flac",
        _ => "bin",
    }
}

/// The family a slot's files belong to (`image/`, `video/`, `audio/`).
fn family(slot: Slot) -> &'static str {
    match slot {
        Slot::Image => "image/",
        Slot::Video => "video/",
        _ => "audio/",
    }
}

/// The type of a download for `slot`: its first bytes when they name a known format of the
/// slot's family, else its `content-type` when that names one. Anything else (an error page
/// under a 200, JSON, HTML) is not the output and is refused.
fn media_type(media: &Media, slot: Slot) -> Result<&'static str, Error> {
    let family = family(slot);
    if let Some(sniffed) = sniff(&media.bytes).filter(|t| t.starts_with(family)) {
        return Ok(sniffed);
    }
    let declared = media
        .content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let known = [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/quicktime",
        "video/webm",
        "audio/wav",
        "audio/mpeg",
        "audio/ogg",
        "audio/flac",
    ];
    let alias = match declared.as_str() {
        "image/jpg" => Some("image/jpeg"),
        "audio/mp3" => Some("audio/mpeg"),
        "audio/x-wav" | "audio/wave" => Some("audio/wav"),
        _ => None,
    };
    match known.iter().copied().find(|k| *k == declared).or(alias) {
        Some(found) if found.starts_with(family) && !media.bytes.is_empty() => Ok(found),
        _ => Err(Error::new(
            ErrorCode::InvalidResponse,
            format!(
                "the output is not {} (content-type {}, {} bytes)",
                match slot {
                    Slot::Image => "an image",
                    Slot::Video => "a video",
                    _ => "audio",
                },
                if declared.is_empty() { "absent" } else { declared.as_str() },
                media.bytes.len()
            ),
        )
        .with_hint("The generation ran and may have been charged; look the job up by its id before asking again.")),
    }
}

/// A downloaded output as a [`MediaFile`] of `slot`, named `<stem>.<ext>`.
pub fn media_file(media: &Media, slot: Slot, stem: &str) -> Result<MediaFile, Error> {
    let mime_type = media_type(media, slot)?;
    Ok(MediaFile {
        mime_type,
        file_name: format!("{stem}.{}", extension(mime_type)),
        bytes: media.bytes.len(),
        base64: STANDARD.encode(&media.bytes),
    })
}

/// The bytes of a `data:<type>;base64,<data>` URL (an inline output), when it is one.
pub fn data_url(url: &str) -> Option<Media> {
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let content_type = meta.strip_suffix(";base64")?;
    let bytes = STANDARD.decode(data.trim()).ok()?;
    Some(Media {
        bytes: bytes.into(),
        content_type: Some(content_type.to_owned()),
    })
}

/// `media` when it holds at most `max` bytes; `MEDIA_TOO_LARGE` otherwise (for outputs that
/// came inline, which no download cap has checked).
pub fn capped(media: Media, max: usize) -> Result<Media, Error> {
    if media.bytes.len() > max {
        return Err(Error::new(
            ErrorCode::MediaTooLarge,
            format!(
                "the output is {} bytes, more than the {max} OpenClaw accepts for it",
                media.bytes.len()
            ),
        )
        .with_hint("The generation itself ran and may have been charged; ask for a smaller output (resolution, duration, format)."));
    }
    Ok(media)
}

/// Decodes base64 the caller sent inline (`field`), at most `max` bytes once decoded.
pub fn inline_bytes(field: &str, base64: &str, max: usize) -> Result<Vec<u8>, Error> {
    let bytes = STANDARD.decode(base64.trim()).map_err(|e| {
        Error::invalid_field(
            ErrorCode::InvalidField,
            field,
            format!("`{field}` is not base64: {e}"),
        )
    })?;
    if bytes.is_empty() {
        return Err(Error::invalid_field(
            ErrorCode::FileEmpty,
            field,
            format!("`{field}` holds no bytes"),
        ));
    }
    if bytes.len() > max {
        return Err(Error::new(
            ErrorCode::MediaTooLarge,
            format!(
                "`{field}` holds {} bytes, more than the {max} this command accepts",
                bytes.len()
            ),
        )
        .bad_request()
        .with_hint("Send a shorter recording (or compress it)."));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn media(bytes: &[u8], content_type: Option<&str>) -> Media {
        Media {
            bytes: bytes.to_vec().into(),
            content_type: content_type.map(str::to_owned),
        }
    }

    #[test]
    fn types_come_from_the_bytes_then_the_header() {
        let png = media(b"\x89PNG\r\n\x1a\n rest", Some("application/octet-stream"));
        let file = media_file(&png, Slot::Image, "r1-0").unwrap();
        assert_eq!(
            (file.mime_type, file.file_name.as_str()),
            ("image/png", "r1-0.png")
        );
        assert_eq!(file.bytes, 13);
        let mp4 = media(b"\0\0\0\x18ftypmp42", None);
        assert_eq!(
            media_file(&mp4, Slot::Video, "v").unwrap().mime_type,
            "video/mp4"
        );
        let declared = media(b"opaque", Some("image/webp; q=1"));
        assert_eq!(
            media_file(&declared, Slot::Image, "x").unwrap().mime_type,
            "image/webp"
        );
        let mp3 = media(b"ID3\x04fake-audio", Some("audio/mpeg"));
        assert_eq!(
            media_file(&mp3, Slot::Speech, "a").unwrap().file_name,
            "a.mp3"
        );
    }

    #[test]
    fn an_error_page_under_a_200_is_not_an_output() {
        for (bytes, ct, slot) in [
            (&b"<html>oops</html>"[..], Some("text/html"), Slot::Image),
            (&b"{\"error\":1}"[..], Some("application/json"), Slot::Video),
            (&b"\x89PNG\r\n\x1a\n"[..], Some("image/png"), Slot::Video),
            (&b""[..], Some("image/png"), Slot::Image),
        ] {
            let error = media_file(&media(bytes, ct), slot, "x").unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidResponse, "{ct:?}");
        }
    }

    #[test]
    fn data_urls_and_inline_bytes_decode() {
        let inline = data_url("data:image/png;base64,iVBORw0KGgo=").unwrap();
        assert_eq!(&inline.bytes[..4], b"\x89PNG");
        assert!(data_url("https://x.example/a.png").is_none());
        assert!(data_url("data:image/png,plain").is_none());
        assert_eq!(
            inline_bytes("audioBase64", "UklGRg==", 10).unwrap(),
            b"RIFF"
        );
        let big = inline_bytes("audioBase64", "UklGRg==", 3).unwrap_err();
        assert_eq!(big.code(), ErrorCode::MediaTooLarge);
        assert_eq!(big.exit_status(), 2);
        assert_eq!(
            inline_bytes("audioBase64", "***", 10).unwrap_err().code(),
            ErrorCode::InvalidField
        );
        const { assert!(MAX_INLINE_BYTES / 3 * 4 + 64 * 1024 <= crate::bounds::MAX_REQUEST_BYTES) };
    }

    #[test]
    fn deadlines_are_clamped() {
        let now = Instant::now();
        let short = deadline(Some(1), Slot::Image);
        assert!(short >= now + Duration::from_millis(MIN_TIMEOUT_MS));
        let default = deadline(None, Slot::Video);
        assert!(default >= now + Duration::from_millis(900_000));
    }
}
