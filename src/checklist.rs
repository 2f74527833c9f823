//! The first-run checklist (`<pack>.setup`), derived from the pack's declarations.
//!
//! A pack supplies only its words: the steps a new user follows, each with what it sets (its
//! [`Need`]s, in terms of the pack's secrets and settings), the links, and notes. The core
//! judges every step from what this run has (secrets are only checked for presence, never
//! read; a setting's value is checked against the setting's own rule), lists every family with
//! whether it is configured, every variable the pack reads with its description, and points to
//! the capabilities command, which verifies the credentials with live probes. No network, no
//! credentials needed.

use serde::Serialize;
use serde_json::{Value, json};

use crate::command::Ctx;
use crate::pack::{Pack, UnmetBecause, unmet};
use crate::vocab::Need;
pub use crate::vocab::{Checklist, Step};

/// The checklist as judged for this run.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupOutput {
    mode: &'static str,
    /// Whether every required step is done.
    ready: bool,
    checklist: Vec<StepStatus>,
    /// Every command family, and whether what it needs is set (no probe: that is the
    /// capabilities command, `next`).
    families: Vec<FamilyStatus>,
    env: EnvReport,
    links: Links,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<&'static str>,
}

/// What the baseline requires, then every other variable the pack reads, with what it does
/// (a list of `{name, description}`: an object keyed by variable names would have its
/// credentials' entries masked as secrets).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvReport {
    baseline_required: Vec<&'static str>,
    optional: Vec<Variable>,
}

#[derive(Debug, Serialize)]
struct Variable {
    name: String,
    description: String,
}

/// The pack's links, as an object of name → URL in the pack's order.
#[derive(Debug)]
struct Links(&'static [(&'static str, &'static str)]);

impl Serialize for Links {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

/// One step, judged.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StepStatus {
    step: usize,
    title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    /// Variables this step sets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    env: Vec<&'static str>,
    optional: bool,
    /// `done`, `todo`, `invalid` (set, but not usable), `manual` (cannot be checked from
    /// here) or `host` (not in the environment; the OpenClaw host may hold it and is asked
    /// when a command needs it).
    status: &'static str,
}

/// One family, as the checklist sees it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FamilyStatus {
    name: &'static str,
    title: &'static str,
    commands: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    requires: Vec<String>,
    /// Whether everything it requires is set.
    configured: bool,
}

/// `pack`'s checklist for this run.
pub fn report(ctx: &Ctx<'_>, pack: &'static Pack) -> SetupOutput {
    let no_args = json!({});
    let checklist: Vec<StepStatus> = pack
        .checklist
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| judge(ctx, &no_args, index + 1, step))
        .collect();
    let ready = checklist
        .iter()
        .all(|step| step.optional || matches!(step.status, "done" | "manual"));
    let families = pack
        .families
        .iter()
        .filter(|family| family.reported)
        .map(|family| FamilyStatus {
            name: family.name,
            title: family.title,
            commands: family.commands.len(),
            requires: family.needs.iter().map(Need::label).collect(),
            configured: unmet(ctx, &no_args, family.needs).is_empty(),
        })
        .collect();
    let mut notes = vec![format!(
        "{} previews every paid or mutating command without sending it (or \"dryRun\": true in a request).",
        pack.var("DRY_RUN=1")
    )];
    notes.extend(pack.checklist.notes.iter().map(|note| (*note).to_owned()));
    SetupOutput {
        mode: "api-key-first",
        ready,
        checklist,
        families,
        env: env_report(pack),
        links: Links(pack.checklist.links),
        notes,
        next: capabilities_command(pack),
    }
}

fn judge(ctx: &Ctx<'_>, args: &Value, number: usize, step: &Step) -> StepStatus {
    let mut env = Vec::new();
    step.needs.iter().for_each(|need| need.vars(&mut env));
    let missing = unmet(ctx, args, step.needs);
    let invalid: Vec<String> = missing
        .iter()
        .filter(|unmet| unmet.why == UnmetBecause::Invalid)
        .map(|unmet| match unmet.expected {
            Some(expected) => format!("{} is set but is not usable: {expected}.", unmet.label),
            None => format!("{} is set but is not usable.", unmet.label),
        })
        .collect();
    let status = if step.needs.is_empty() {
        "manual"
    } else if missing.is_empty() {
        "done"
    } else if !invalid.is_empty() {
        "invalid"
    } else if missing.iter().all(|u| u.why == UnmetBecause::AtTheHost) {
        "host"
    } else {
        "todo"
    };
    StepStatus {
        step: number,
        title: step.title,
        detail: (!invalid.is_empty()).then(|| invalid.join(" ")),
        env,
        optional: step.optional,
        status,
    }
}

/// The required steps' variables, then every other variable the pack reads, each once.
fn env_report(pack: &Pack) -> EnvReport {
    let mut required = Vec::new();
    for step in pack.checklist.steps.iter().filter(|step| !step.optional) {
        step.needs.iter().for_each(|need| need.vars(&mut required));
    }
    let mut optional: Vec<Variable> = Vec::new();
    let mut describe = |name: &str, description: String| {
        let listed = optional.iter().any(|entry| entry.name == name);
        if !required.contains(&name) && !listed {
            optional.push(Variable {
                name: name.to_owned(),
                description,
            });
        }
    };
    for secret in pack.secrets {
        describe(secret.canonical(), secret.description().to_owned());
    }
    // The rest as the configuration declares it (what the skill's frontmatter lists), and the
    // log filter, which the CLI reads before any configuration.
    for (name, what) in pack.variables() {
        describe(&name, what.into_owned());
    }
    describe(
        &pack.var("LOG"),
        "Log filter for stderr (e.g. debug).".to_owned(),
    );
    EnvReport {
        baseline_required: required,
        optional,
    }
}

/// The pack's `<pack>.auth.capabilities`, when it has one.
fn capabilities_command(pack: &Pack) -> Option<&'static str> {
    let id = format!("{}.auth.capabilities", pack.name);
    pack.families
        .iter()
        .flat_map(|family| family.commands)
        .map(|command| command.id())
        .find(|candidate| *candidate == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::gate::Gate;
    use crate::http::Transport;
    use crate::secrets::Secrets;
    use crate::testing::{DEMO, DEMO_KEY, DEMO_TOKEN};
    use secrecy::SecretString;

    fn judged(
        env: &[(&str, &str)],
        secrets: Secrets,
        deferred: Vec<crate::vocab::SecretName>,
    ) -> Value {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let config = Config::from_lookup(&DEMO, |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        });
        let transport = Transport::new();
        let ctx =
            Ctx::new(&config, &transport, secrets, Gate::new(false, false)).with_deferred(deferred);
        serde_json::to_value(report(&ctx, &DEMO)).unwrap_or_default()
    }

    fn statuses(report: &Value) -> Vec<&str> {
        report["checklist"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|step| step["status"].as_str())
            .collect()
    }

    #[test]
    fn steps_are_judged_from_the_declarations() {
        let nothing = judged(&[], Secrets::default(), Vec::new());
        assert_eq!(statuses(&nothing), ["manual", "todo", "todo"]);
        assert_eq!(nothing["ready"], json!(false));
        assert_eq!(nothing["checklist"][1]["env"], json!(["DEMO_TOKEN"]));
        assert_eq!(
            nothing["checklist"][2]["env"],
            json!(["DEMO_ORG", "DEMO_KEY", "DEMO_TOKEN"]),
            "every variable a step names, once"
        );
        assert_eq!(nothing["families"][0]["requires"], json!(["DEMO_TOKEN"]));
        assert_eq!(nothing["families"][0]["configured"], json!(false));

        let token = Secrets::from_values([(DEMO_TOKEN, SecretString::from("t-123456"))]);
        let ready = judged(&[("DEMO_ORG", "org_a")], token, Vec::new());
        assert_eq!(
            statuses(&ready),
            ["manual", "done", "done"],
            "either credential"
        );
        assert_eq!(ready["ready"], json!(true));
        assert_eq!(ready["families"][0]["configured"], json!(true));
    }

    #[test]
    fn an_unusable_setting_is_invalid_and_a_host_secret_is_host() {
        let key = Secrets::from_values([(DEMO_KEY, SecretString::from("k-123456"))]);
        let report = judged(&[("DEMO_ORG", "acme")], key, vec![DEMO_TOKEN]);
        assert_eq!(statuses(&report), ["manual", "host", "invalid"]);
        assert_eq!(
            report["checklist"][2]["detail"],
            json!("DEMO_ORG is set but is not usable: it must look like org_….")
        );
        assert_eq!(report["ready"], json!(false));
    }

    #[test]
    fn the_report_lists_every_variable_with_what_it_does() {
        let report = judged(&[], Secrets::default(), Vec::new());
        assert_eq!(report["env"]["baselineRequired"], json!(["DEMO_TOKEN"]));
        let optional: Vec<&str> = report["env"]["optional"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry["name"].as_str())
            .collect();
        // Every credential the baseline does not require, then every variable the
        // configuration declares (what the skill's frontmatter lists), then the log filter.
        let mut expected = vec!["DEMO_KEY".to_owned()];
        expected.extend(
            DEMO.variables()
                .into_iter()
                .map(|(name, _)| name.into_owned()),
        );
        expected.push("DEMO_LOG".to_owned());
        assert_eq!(optional, expected);
        for var in [
            "DEMO_ORG",
            "DEMO_API_BASE_URL",
            "DEMO_DRY_RUN",
            "DEMO_HTTP_TIMEOUT_MS",
        ] {
            assert!(optional.contains(&var), "{var}");
        }
        assert_eq!(
            report["links"],
            json!({"console": "https://demo.example/console"})
        );
        assert_eq!(report["notes"][1], json!("Widgets cost money."));
        assert!(
            report.get("next").is_none(),
            "the demo pack has no capabilities command"
        );
    }
}
