//! `theta.billing.usage` (alias `get_billing_usage`): the project's usage totals with a daily
//! breakdown per category.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/billing/usage[?start_date=&end_date=]`
//! with `x-api-key`; each date is sent only when given. Dates are `YYYY-MM-DD`, inclusive,
//! checked before anything is sent: real calendar dates, start ≤ end, at most 366 days.
//! Read-only and free; the result is the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::controller_v1::{self, project_request};

/// The shape of a date argument.
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// Longest window, in days, both ends included.
const MAX_SPAN_DAYS: i64 = 366;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageArgs {
    /// First day of the window, `YYYY-MM-DD`, inclusive.
    #[schemars(regex(pattern = DATE_PATTERN))]
    pub start_date: Option<String>,
    /// Last day of the window, `YYYY-MM-DD`, inclusive; the window is at most 366 days.
    #[schemars(regex(pattern = DATE_PATTERN))]
    pub end_date: Option<String>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[serde(rename = "projectId")]
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.billing.usage`.
#[derive(Debug, Clone, Copy)]
pub struct Usage;

impl Command for Usage {
    const ID: &'static str = "theta.billing.usage";
    const ALIASES: &'static [&'static str] = &["get_billing_usage"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the project's usage totals with a daily breakdown per category, for a window of up to 366 days.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = UsageArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: UsageArgs) -> Result<Value, Error> {
        let request = request(ctx, &args)?;
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "start_date": "2026-11-01", "end_date": "2026-11-30"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}

fn request(ctx: &Ctx<'_>, args: &UsageArgs) -> Result<ApiRequest, Error> {
    check_window(args.start_date.as_deref(), args.end_date.as_deref())?;
    let project = controller_v1::project(ctx, args.project_id.as_deref())?;
    Ok(
        project_request("GET", &project, &["billing", "usage"], Effect::ReadOnly)
            .query_opt("start_date", args.start_date.as_deref())
            .query_opt("end_date", args.end_date.as_deref()),
    )
}

/// Each date is a real `YYYY-MM-DD` day; when both are given, start ≤ end and the window
/// (both ends included) is at most [`MAX_SPAN_DAYS`].
fn check_window(start: Option<&str>, end: Option<&str>) -> Result<(), Error> {
    let day = |field: &str, text: &str| {
        day_number(text).ok_or_else(|| {
            Error::invalid_field(
                ErrorCode::InvalidField,
                field,
                format!("{field} `{text}` is not a calendar date in the form YYYY-MM-DD."),
            )
        })
    };
    let start = start.map(|s| day("start_date", s)).transpose()?;
    let end = end.map(|e| day("end_date", e)).transpose()?;
    if let (Some(start), Some(end)) = (start, end) {
        if start > end {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "end_date",
                "end_date is before start_date.",
            ));
        }
        if end - start + 1 > MAX_SPAN_DAYS {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "end_date",
                format!(
                    "The window spans {} days; at most {MAX_SPAN_DAYS} are allowed.",
                    end - start + 1
                ),
            ));
        }
    }
    Ok(())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date, `None` unless it is a real calendar day.
fn day_number(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > days_in_month {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_days() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(
            day_number("2024-02-29")
                .zip(day_number("2024-03-01"))
                .map(|(a, b)| b - a),
            Some(1)
        );
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-1-01",
            "20261101",
            "2026-11-0a",
        ] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn windows_are_ordered_and_at_most_366_days() {
        assert!(
            check_window(Some("2024-01-01"), Some("2024-12-31")).is_ok(),
            "366 days"
        );
        assert!(check_window(Some("2026-01-01"), Some("2026-01-01")).is_ok());
        assert!(check_window(None, Some("2026-01-01")).is_ok());
        let error = check_window(Some("2025-01-01"), Some("2026-01-02")).unwrap_err();
        assert!(error.message().contains("367"), "{}", error.message());
        assert_eq!(error.problems()[0].path, "/end_date");
        let error = check_window(Some("2026-02-01"), Some("2026-01-31")).unwrap_err();
        assert!(error.message().contains("before"), "{}", error.message());
        let error = check_window(Some("2026-02-30"), None).unwrap_err();
        assert_eq!(error.problems()[0].path, "/start_date");
        assert_eq!(error.exit_status(), 2);
    }
}
