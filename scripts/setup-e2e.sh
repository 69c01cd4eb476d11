#!/usr/bin/env bash
# Installs what the end-to-end tests need on a fresh Debian machine, without internet beyond the
# npm registry and Debian's archive: Debian's chromium (driven by playwright-core), ripgrep and
# libkrb5-dev (for code-server's native modules), and code-server 4.100.3 (= VS Code 1.100.3, the
# last line that runs on Node 20) into a cache folder. Idempotent: a second run with everything in
# place returns in well under a second.
#   Usage: scripts/setup-e2e.sh [CACHE_DIR]      (default: .cache/code-server)
#   Afterwards: node CACHE_DIR/node_modules/code-server/out/node/entry.js --version
# Why the steps look odd: code-server's postinstall refuses to run as root and downloads ripgrep from
# GitHub, so the package is installed with --ignore-scripts, ripgrep comes from Debian, and the
# postinstall's links are made here; node-pty's build calls `npx node-gyp`, which would wait at a
# prompt without npm_config_yes=true.
set -euo pipefail
VERSION=4.100.3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$ROOT/.cache/code-server}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"

export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in chromium libkrb5-dev ripgrep; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "setup-e2e: apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -f "$DIR/.installed-$VERSION" ] && [ -f "$ENTRY" ]; then
  echo "setup-e2e: code-server $VERSION already in $DIR"
  exit 0
fi

echo "setup-e2e: installing code-server $VERSION into $DIR (a few minutes)"
cd "$DIR"
[ -f package.json ] || npm init -y >/dev/null
# 1. the package itself, without its postinstall
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >/dev/null
npm_config_yes=true npm rebuild argon2 >/dev/null
# 2. VS Code's own dependencies; ripgrep from Debian instead of a download
cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild >/dev/null
# 3. what code-server's postinstall would have linked
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
cd "$DIR"
node "$ENTRY" --version
touch "$DIR/.installed-$VERSION"
echo "setup-e2e: done"
