#!/usr/bin/env bash
# usage: soak.sh NAME [generator options]   The soak of docs/performance.md: a fresh server on the send limits a
# user gets by default (the other workloads raise them), a measured fleet, and churn and abusers all run long.
set -euo pipefail
export EXTRA_SERVER_ENV="RELAY_SEND_RATE_PER_SECOND= RELAY_SEND_BURST= ${EXTRA_SERVER_ENV:-}"
exec "$(dirname "$0")/relay.sh" "$@"
