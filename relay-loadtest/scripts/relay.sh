#!/usr/bin/env bash
# usage: relay.sh NAME [generator options]   A fresh RelayChat server on one node, then the generator.
# STORAGE=memory (the default here, as in earlier figures) or sqlite (the server's own default, in a fresh folder
# $OUT/NAME.data). EXTRA_SERVER_ENV="NAME=value ..." adds to (or, with an empty value, takes back) the server's
# settings of common.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"
name=$1; shift
rm -rf "$OUT/$name.data"
env $SERVER_ENV RELAY_STORAGE=${STORAGE:-memory} RELAY_DATA_DIR="$OUT/$name.data" ${EXTRA_SERVER_ENV:-} PORT=8001 java $SERVER_JAVA_OPTS -jar "$SERVER_JAR" > "$OUT/$name.server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for http://127.0.0.1:8001 $server
java $GEN_JAVA_OPTS -jar "$LOADTEST_JAR" --url http://127.0.0.1:8001 --server-pid $server --json "$OUT/$name.json" "$@" \
  | tee "$OUT/$name.log"
