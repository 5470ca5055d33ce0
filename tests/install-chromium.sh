#!/usr/bin/env bash
# Debian's chromium for the tests that open pages in a headless browser (run pictures, Neo4j
# Browser). Playwright drives it by its path; no browser is ever downloaded by the tests.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
run=()
if [ "$(id -u)" -ne 0 ]; then
    run=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium
