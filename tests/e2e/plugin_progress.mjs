// Progress through the generated OpenClaw plugin, with a fake plugin API, a fake on-demand API
// and the real theta-skill binary: the `{"type":"progress"}` lines of `serve` reach the tool's
// `onUpdate` callback as partial results, before the final result, carrying no argument and
// no secret.
//
//   node tests/e2e/plugin_progress.mjs <bundle dir (theta-skill bundle --out)> <theta-skill binary>
//
// The binary must be built with the `local-endpoints` feature (the fake listens on 127.0.0.1).
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";

const [dist, binary] = process.argv.slice(2);
const REQUEST_ID = "infr_rqst_progress1";
const TOKEN = "plugin-progress-token-1";

// The on-demand API: the job is running for two checks, then done.
let checks = 0;
const fake = createServer((req, res) => {
  if (req.method === "GET" && req.url === `/infer_request/${REQUEST_ID}`) {
    checks += 1;
    const state = checks <= 2 ? "running" : "success";
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "success", body: { infer_requests: [{ id: REQUEST_ID, state }] } }));
    return;
  }
  res.writeHead(418);
  res.end("unexpected request");
});
await new Promise((resolve) => fake.listen(0, "127.0.0.1", resolve));
process.env.THETA_ONDEMAND_API_BASE_URL = `http://127.0.0.1:${fake.address().port}`;

const plugin = (await import(pathToFileURL(`${dist}/theta-edgecloud-plugin/index.js`).href)).default;
const tools = new Map();
plugin.register({
  pluginConfig: { binaryPath: binary, ondemandApiToken: TOKEN },
  registerTool(tool) {
    tools.set(tool.name, tool);
  },
});

const updates = [];
const result = await tools.get("theta_ondemand_pollUntilDone").execute(
  "call-1",
  { requestId: REQUEST_ID, options: { intervalMs: 100 } },
  new AbortController().signal,
  (partial) => updates.push(partial),
);
assert.equal(result.details.ok, true, JSON.stringify(result.details));
assert.equal(result.details.result.attempts, 3);
assert.equal(updates.length, 3, `one update per check: ${JSON.stringify(updates)}`);
for (const update of updates) {
  const text = update.content[0].text;
  assert.equal(update.content[0].type, "text");
  assert.equal(update.details.progress, text);
  assert.ok(!text.includes(REQUEST_ID) && !text.includes(TOKEN), `no argument or secret: ${text}`);
}
assert.match(updates[0].content[0].text, /running after .* next check in/);
assert.match(updates[2].content[0].text, /success/);

// A host without an onUpdate callback still gets the result.
checks = 0;
const quiet = await tools.get("theta_ondemand_pollUntilDone").execute("call-2", {
  requestId: REQUEST_ID,
  options: { intervalMs: 100 },
});
assert.equal(quiet.details.ok, true);

console.log(`plugin progress: ${updates.length} updates forwarded before the result`);
fake.close();
process.exit(0);
