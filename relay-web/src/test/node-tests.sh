#!/usr/bin/env bash
# Runs the web client's unit tests (src/test/js) on Node.js's own test runner (node:test, Node.js 18 or later).
# A machine without Node.js skips them with a warning, so that `mvn verify` needs only a JDK and Maven; under CI
# (CI=true) a missing Node.js fails the build instead, since .ci/run installs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v node >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "node not found: the web client's unit tests cannot run" >&2
        exit 1
    fi
    echo "[WARNING] node not found: the web client's unit tests (relay-web/src/test/js) are skipped; install Node.js 18+ to run them"
    exit 0
fi
exec node --test src/test/js/
