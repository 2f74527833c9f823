//! The on-demand token's alias order (`spec/theta-api.md` §3.1–3.2), through both providers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use secrecy::ExposeSecret;
use skill_runtime::secrets::{EnvSecrets, HostSecrets, SecretProvider};
use skill_runtime::skills::theta::ONDEMAND_TOKEN;

/// With every alias set at once, the first in the documented order wins, in the host's
/// map and in the environment alike; removing it promotes the next.
#[tokio::test]
async fn the_first_alias_set_wins_when_several_are() {
    let all = [
        ("THETA_API_KEY", "third"),
        ("THETA_ONDEMAND_API_KEY", "second"),
        ("THETA_ONDEMAND_API_TOKEN", "first"),
    ];
    let order = ONDEMAND_TOKEN.env_names();
    assert_eq!(
        order,
        [
            "THETA_ONDEMAND_API_TOKEN",
            "THETA_ONDEMAND_API_KEY",
            "THETA_API_KEY"
        ]
    );
    for skip in 0..order.len() {
        let pairs: Vec<(&str, &str)> = all
            .iter()
            .copied()
            .filter(|(name, _)| !order[..skip].contains(name))
            .collect();
        let expected = ["first", "second", "third"][skip];
        let env = EnvSecrets::from_pairs(pairs.clone());
        let got = env.get(ONDEMAND_TOKEN).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), expected, "environment, {pairs:?}");
        let host = HostSecrets::from_pairs(pairs.clone()).unwrap();
        let got = host.get(ONDEMAND_TOKEN).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), expected, "host, {pairs:?}");
    }
}
