#!/usr/bin/env bash
# usage: two-nodes.sh NAME [generator options]
# Two RelayChat nodes sharing one store and a redis-server; the generator spreads its connections over both.
# The store is MONGO_URL when set; otherwise the in-memory MongoDB-compatible server (mongo-java-server)
# from the test class path stands in (no MongoDB binary exists on this machine; it is far slower than MongoDB).
set -euo pipefail
source "$(dirname "$0")/common.sh"
name=$1; shift
pids=()
trap 'kill ${pids[@]} 2>/dev/null || true' EXIT
if [ -z "${MONGO_URL:-}" ]; then
    (cd "$ROOT" && mvn -B -q dependency:build-classpath -pl relay-adapter-mongo -Dmdep.outputFile="$OUT/mongo-cp.txt" >/dev/null)
    java -cp "$(cat "$OUT/mongo-cp.txt")" de.bwaldvogel.mongo.InMemoryMongoServer > "$OUT/$name.mongo.log" 2>&1 &
    pids+=($!)
    MONGO_URL=mongodb://127.0.0.1:27017
    sleep 2
fi
redis-server --port 6390 --save "" --appendonly no > "$OUT/$name.redis.log" 2>&1 &
pids+=($!)
sleep 0.5
for port in 8001 8002; do
    env $SERVER_ENV MONGO_URL=$MONGO_URL DB_NAME=loadtest_$name REDIS_URL=redis://127.0.0.1:6390 PORT=$port \
      java $SERVER_JAVA_OPTS -jar "$SERVER_JAR" > "$OUT/$name.node$port.log" 2>&1 &
    pids+=($!)
done
wait_for http://127.0.0.1:8001
wait_for http://127.0.0.1:8002
java $GEN_JAVA_OPTS -jar "$LOADTEST_JAR" --url http://127.0.0.1:8001,http://127.0.0.1:8002 --json "$OUT/$name.json" "$@" \
  | tee "$OUT/$name.log"
