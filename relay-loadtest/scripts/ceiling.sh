#!/usr/bin/env bash
# usage: ceiling.sh NAME [generator options]   A fresh bare-Netty ceiling server, then the generator.
set -euo pipefail
source "$(dirname "$0")/common.sh"
name=$1; shift
java $SERVER_JAVA_OPTS -jar "$LOADTEST_JAR" ceiling-server --port 9001 > "$OUT/$name.server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until grep -q listening "$OUT/$name.server.log" 2>/dev/null; do sleep 0.2; done
java $GEN_JAVA_OPTS -jar "$LOADTEST_JAR" --target ceiling --url http://127.0.0.1:9001 --server-pid $server \
  --json "$OUT/$name.json" "$@" | tee "$OUT/$name.log"
