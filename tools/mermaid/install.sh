#!/usr/bin/env bash
# Sets up the Mermaid checker (Mermaid's own parser and renderer in Node + jsdom).
# Idempotent: npm ci runs only when node_modules does not match package-lock.json.
# Needs Node >= 20.19 (mermaid 11 + jsdom 29); tries Debian's nodejs when node is missing.
set -euo pipefail
cd "$(dirname "$0")"

node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Node.js is missing or too old: trying Debian's nodejs and npm" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
node_ok || { echo "The Mermaid check needs Node.js >= 20.19 with npm (have: $(node --version 2>/dev/null || echo none))." >&2; exit 1; }

stamp=node_modules/.kmsflow-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1) $(node --version)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
