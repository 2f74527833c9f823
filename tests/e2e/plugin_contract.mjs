// Contract test of the generated OpenClaw plugin (dist/theta-edgecloud-plugin/index.js) with a fake
// plugin API and the real theta-skill binary: how secrets reach the binary. And, for every
// generated plugin, that what index.js registers matches the manifest's contracts (OpenClaw
// fails silently when they disagree, spec/openclaw-providers.md §1).
//
//   node tests/e2e/plugin_contract.mjs <repo> <theta-skill binary>
//
// Checks: a config secret that is not a string (an unresolved SecretRef) counts as absent; a
// string one is used; a secret missing from the config is answered, when the binary asks for
// it, from the gateway's environment; non-secret settings reach the binary as environment; the
// child process gets `serve` as its only argument and no secret in its environment.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";

const [repo, binary] = process.argv.slice(2);
const plugin = (await import(pathToFileURL(`${repo}/dist/theta-edgecloud-plugin/index.js`).href)).default;

const tools = new Map();
const api = {
  pluginConfig: {
    binaryPath: binary,
    ecProjectId: "prj_contract",
    ecApiKey: { source: "env", provider: "default", id: "UNRESOLVED" },
    ondemandApiToken: "config-ondemand-token-1",
  },
  registerTool(tool) {
    tools.set(tool.name, tool);
  },
};
// The gateway's own environment: the video pair is only here, not in the plugin config.
process.env.THETA_VIDEO_SA_ID = "gateway-env-sa-id-1";
process.env.THETA_VIDEO_SA_SECRET = "gateway-env-sa-secret-1";
process.env.THETA_EC_API_KEY_UNRELATED = "must-not-leak";
// Every upstream points at a closed local port: the capability probes below fail at once,
// offline.
for (const name of ["THETA_CONTROLLER_BASE_URL", "THETA_CONTROLLER_V1_BASE_URL", "THETA_PLATFORM_BASE_URL",
  "THETA_ONDEMAND_API_BASE_URL", "THETA_VIDEO_API_BASE_URL"]) {
  process.env[name] = "http://127.0.0.1:9";
}

// OpenClaw's rule, written here independently of the generator: each registrar and the
// manifest list that must name the ids it registers.
const CONTRACT_OF = {
  registerImageGenerationProvider: ["contracts", "imageGenerationProviders"],
  registerVideoGenerationProvider: ["contracts", "videoGenerationProviders"],
  registerSpeechProvider: ["contracts", "speechProviders"],
  registerMediaUnderstandingProvider: ["contracts", "mediaUnderstandingProviders"],
  registerEmbeddingProvider: ["contracts", "embeddingProviders"],
  registerProvider: ["providers"],
};
const { readdirSync: listDir } = await import("node:fs");
for (const dir of listDir(`${repo}/dist`).filter((d) => d.endsWith("-plugin"))) {
  const entry = (await import(pathToFileURL(`${repo}/dist/${dir}/index.js`).href)).default;
  const declared = JSON.parse(readFileSync(`${repo}/dist/${dir}/openclaw.plugin.json`, "utf8"));
  const registered = {};
  const tools = [];
  const recording = { pluginConfig: {}, registerTool: (tool) => tools.push(tool.name) };
  for (const registrar of Object.keys(CONTRACT_OF)) {
    recording[registrar] = (provider) => {
      assert.equal(typeof provider?.id, "string", `${dir}: ${registrar} got a provider with an id`);
      (registered[registrar] ??= []).push(provider.id);
    };
  }
  entry.register(recording);
  for (const [registrar, path] of Object.entries(CONTRACT_OF)) {
    const listed = path.reduce((node, key) => node?.[key], declared) ?? [];
    assert.deepEqual([...(registered[registrar] ?? [])].sort(), [...listed].sort(),
      `${dir}: the ids ${registrar} registers are exactly the ones ${path.join(".")} names`);
  }
  assert.deepEqual([...tools].sort(), [...declared.contracts.tools].sort(), `${dir}: every registered tool is declared and the reverse`);
  const slots = Object.values(registered).flat().length;
  assert.ok(slots > 0, `${dir}: registers a provider`);
  console.log(`${dir}: ${tools.length} tools and ${slots} provider registrations, each in its contract`);
}

plugin.register(api);
const manifest = JSON.parse(readFileSync(`${repo}/dist/theta-edgecloud-plugin/openclaw.plugin.json`, "utf8"));
assert.deepEqual([...tools.keys()].sort(), [...manifest.contracts.tools].sort(), "every declared tool is registered");

const setup = await tools.get("theta_setup").execute("call-1", {});
const result = setup.details.result;
const status = (env) => result.checklist.find((step) => (step.env ?? []).includes(env)).status;
assert.equal(setup.details.ok, true);
// The checklist reports presence only and asks the host for no value: what the plugin did
// not send is "host" (asked when a command needs it).
assert.equal(status("THETA_EC_API_KEY"), "host", "the checklist asks the host for nothing");
assert.equal(status("THETA_ONDEMAND_API_TOKEN"), "done", "a string secret from the config is used");
assert.equal(status("THETA_VIDEO_SA_ID"), "host", "the gateway env is asked only when a value is needed");
assert.equal(status("THETA_EC_PROJECT_ID"), "done", "settings reach the binary");
assert.ok(!JSON.stringify(setup).includes("config-ondemand-token-1"), "no secret in the tool result");

// A command that needs the values asks for them lazily.
const caps = await tools.get("theta_auth_capabilities").execute("call-1b", {});
assert.equal(caps.details.ok, true, JSON.stringify(caps.details));
const record = (name) => caps.details.result.capabilities.find((r) => r.name === name);
assert.equal(record("video.api").configured, true, "a lazily asked secret is answered from the gateway env");
assert.ok(record("controller.project").missing.includes("THETA_EC_API_KEY"), "an unresolved SecretRef counts as absent");
assert.ok(!JSON.stringify(caps).includes("gateway-env-sa-secret-1"), "no secret in the tool result");

// The child: argv and environment.
const { readdirSync } = await import("node:fs");
const children = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((pid) => {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv[0] === binary && readFileSync(`/proc/${pid}/status`, "utf8").includes(`PPid:\t${process.pid}`);
  } catch {
    return false;
  }
});
assert.equal(children.length, 1, "one serve process");
const argv = readFileSync(`/proc/${children[0]}/cmdline`, "utf8").split("\0").filter(Boolean);
assert.deepEqual(argv.slice(1), ["serve"], "the binary's only argument is serve");
const environ = readFileSync(`/proc/${children[0]}/environ`, "utf8").split("\0").filter(Boolean);
const names = environ.map((kv) => kv.split("=")[0]);
assert.ok(names.includes("THETA_EC_PROJECT_ID"), "the project id is passed as environment");
for (const name of names) {
  assert.ok(!/(KEY|TOKEN|SECRET|PASS|SA_ID)/.test(name), `no secret-like variable in the child's environment: ${name}`);
}

// Dry-run from a tool argument, and a config that forces it.
const preview = await tools.get("theta_ondemand_infer").execute("call-2", { service: "flux", input: { prompt: "x" }, dryRun: true });
assert.equal(preview.details.dryRun, true);
assert.equal(preview.details.result.requests[0].headers.authorization, "Bearer ***");
api.pluginConfig = { ...api.pluginConfig, dryRun: true };
const forced = await tools.get("theta_ondemand_infer").execute("call-3", { service: "flux", input: { prompt: "x" }, dryRun: false });
assert.equal(forced.details.dryRun, true, "a call cannot turn off the config's dry-run");

console.log("plugin contract: every check passed");
process.exit(0);
