//! What the fault matrix, the canary suite and the MCP tests share: the upstream faults of
//! issue 13, a reader of whole HTTP/1.1 requests for the fakes that misbehave below HTTP, the
//! packs and their binaries, the variables that point every service of a pack at one fake, and
//! the safe way to stop a wiremock server.

#![allow(dead_code, unreachable_pub)]

use skill_runtime::Pack;
use skill_runtime::skills;
use skill_runtime::vocab::{Origin, Service};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpStream;
use wiremock::MockServer;

/// One upstream fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    NotFound,
    Conflict,
    /// 409 "No instances available".
    Capacity,
    /// 429 without `Retry-After`.
    TooMany,
    /// 429, `Retry-After: 1`.
    TooManySmall,
    /// 429, `Retry-After` of 23 digits.
    TooManyHuge,
    /// 429, `Retry-After` as an HTTP-date.
    TooManyDate,
    /// 429, `Retry-After` that is neither.
    TooManyGarbage,
    S500,
    S502,
    S503,
    S504,
    /// 503 whose code says an auth cache is warming (elizaOS's E2 `auth_cache_warming`).
    Warming,
    /// 503 whose code says the rate limiter's store is down (E1 `rate_limit_unavailable`).
    LimiterDown,
    /// 503 `service_unavailable` with `details.retryAfterSeconds` (elizaOS image/video/TTS).
    RetryAfterSeconds,
    /// 503 with no code whose message says "warming" (it quotes the user): not a refusal.
    WarmingInText,
    Timeout,
    /// The connection closed once the request was read.
    Reset,
    /// A 200 whose JSON does not parse.
    BadJson,
    /// A 200 whose body stops before its `content-length`.
    Truncated,
    /// An event stream cut inside an event.
    TruncatedSse,
    /// A 200 of 17 MiB.
    Oversized,
    Redirect,
    /// A 200 (the canaries' echo).
    Success,
}

/// The faults every command of the matrix meets, and every canary run: all but the
/// streaming, the oversized and the success cases.
pub const COMMON: [Fault; 17] = [
    Fault::NotFound,
    Fault::Conflict,
    Fault::Capacity,
    Fault::TooMany,
    Fault::TooManySmall,
    Fault::TooManyHuge,
    Fault::TooManyDate,
    Fault::TooManyGarbage,
    Fault::S500,
    Fault::S502,
    Fault::S503,
    Fault::S504,
    Fault::Timeout,
    Fault::Reset,
    Fault::BadJson,
    Fault::Truncated,
    Fault::Redirect,
];

/// The 503 variants of issue 17, defect 6: three the elizaOS Cloud service states it did not
/// process, by code or field, and one whose text only mentions warming.
pub const WARMING: [Fault; 4] = [
    Fault::Warming,
    Fault::LimiterDown,
    Fault::RetryAfterSeconds,
    Fault::WarmingInText,
];

impl Fault {
    /// Served by a raw TCP listener rather than wiremock.
    pub fn below_http(self) -> bool {
        matches!(self, Self::Reset | Self::Truncated | Self::TruncatedSse)
    }
}

/// Every pack of the crate (`skills::PACKS`), each with its own binary ([`binary`]).
pub fn packs() -> &'static [&'static Pack] {
    skill_runtime::skills::PACKS
}

/// The binary built for `pack`: `<binary>` next to the folder of this test executable
/// (`target/<profile>/deps/<test>` → `target/<profile>/<binary>`). `cargo test` builds every
/// package of the workspace, each binary package's binary included (`bins/<binary>/`), before
/// it runs a test; one missing is a loud failure, never a skip.
pub fn binary(pack: &Pack) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps/<test>");
    let file = format!("{}{}", pack.binary, std::env::consts::EXE_SUFFIX);
    // A released pack's binary is its own package (`bins/<binary>`); the example pack's is an
    // example of the library (never released).
    let path = if skills::EXAMPLES
        .iter()
        .any(|example| example.name == pack.name)
    {
        profile.join("examples").join(file)
    } else {
        profile.join(file)
    };
    assert!(
        path.is_file(),
        "{} was not built for pack {} (expected at {}): add its package, bins/<binary>/, and run `cargo test` in the workspace's root",
        pack.binary,
        pack.name,
        path.display()
    );
    path
}

/// The variable that points `service` elsewhere: a fixed origin's override, or a configured
/// origin's variable; `None` for the runtime.
pub fn origin_var(service: Service) -> Option<&'static str> {
    match service.def().origin {
        Origin::Fixed { override_var, .. } => Some(override_var),
        Origin::Configured { var, .. } => Some(var),
        Origin::None => None,
    }
}

/// The variables that point every service of `pack` at `uri`, from the pack's declarations.
pub fn services_at(pack: &Pack, uri: &str) -> Vec<(String, String)> {
    let vars: Vec<(String, String)> = pack
        .services
        .iter()
        .filter_map(|service| origin_var(*service))
        .map(|var| (var.to_owned(), uri.to_owned()))
        .collect();
    assert!(
        !vars.is_empty() || pack.services.is_empty(),
        "{}: no service can be pointed at a fake",
        pack.name
    );
    vars
}

/// Values for the settings of `pack` that a command's example also passes as an argument
/// (the setting's plugin key, `orgId`), taken from that example: a command that falls back
/// to the setting finds a value its own example would use. A setting no example names stays
/// unset, and an origin variable is [`services_at`]'s.
pub fn settings_from_examples(pack: &Pack) -> Vec<(String, String)> {
    let origins: Vec<&str> = pack
        .services
        .iter()
        .filter_map(|service| origin_var(*service))
        .collect();
    pack.settings
        .iter()
        .filter(|setting| !origins.contains(&setting.name))
        .filter_map(|setting| {
            let key = setting.plugin_key?;
            let value = pack
                .commands()
                .find_map(|c| c.example().get(key)?.as_str().map(str::to_owned))?;
            Some((setting.name.to_owned(), value))
        })
        .collect()
}

/// Every secret of `pack` set, each to `<tag>-<its name in lower case>`.
pub fn every_secret(pack: &Pack, tag: &str) -> Vec<(String, String)> {
    pack.secrets
        .iter()
        .map(|secret| {
            let name = secret.canonical();
            (
                name.to_owned(),
                format!("{tag}-{}", name.to_ascii_lowercase()),
            )
        })
        .collect()
}

/// Reads one HTTP/1.1 request whole (its head, then a `content-length` or chunked body);
/// `None` when the client went away first.
pub async fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let lower = head.to_ascii_lowercase();
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = lower.contains("transfer-encoding: chunked");
    loop {
        let body = &buf[head_end..];
        let done = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.ends_with(b"0\r\n\r\n"),
            None => true,
        };
        if done {
            return Some((head, buf[head_end..].to_vec()));
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Stops a wiremock server. Its `Drop` blocks on the server's state lock with a nested
/// executor; on a worker of the test's runtime whose cooperative budget is spent, that wait
/// spins forever (the stall of the first fault matrix), so it is dropped off the runtime.
pub async fn stop(server: MockServer) {
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .expect("dropping the mock server");
}
