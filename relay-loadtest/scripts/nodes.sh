#!/usr/bin/env bash
# usage: [NODES=n] [NODE_ENV="NAME=value ..."] nodes.sh NAME [generator options]
# n RelayChat nodes (default 2) sharing one store and, when more than one, a redis-server; the generator
# spreads its connections over all of them. NODES=1 is the single-node baseline on the same store.
# The store is MONGO_URL when set; otherwise the in-memory MongoDB-compatible server (mongo-java-server)
# from the test class path stands in (no MongoDB binary exists on this machine; it is far slower than MongoDB).
set -euo pipefail
source "$(dirname "$0")/common.sh"
name=$1; shift
nodes=${NODES:-2}
pids=()
store_pid=
trap 'kill ${pids[@]} 2>/dev/null || true' EXIT
if [ -z "${MONGO_URL:-}" ]; then
    # package first: the stand-in's class path is resolved inside the reactor, with nothing installed beforehand.
    (cd "$ROOT" && mvn -B -q package -DskipTests dependency:build-classpath -pl relay-adapter-mongo -am \
        -Dmdep.outputFile="$OUT/mongo-cp.txt" >/dev/null)
    # The stand-in is a JVM too: same collector as the servers, so that its pauses do not pass for theirs.
    java ${STORE_JAVA_OPTS:-$SERVER_JAVA_OPTS} -cp "$(cat "$OUT/mongo-cp.txt")" de.bwaldvogel.mongo.InMemoryMongoServer \
      > "$OUT/$name.mongo.log" 2>&1 &
    pids+=($!)
    store_pid=$!
    MONGO_URL=mongodb://127.0.0.1:27017
    sleep 2
fi
cluster_env=
if [ "$nodes" -gt 1 ]; then
    redis-server --port 6390 --save "" --appendonly no > "$OUT/$name.redis.log" 2>&1 &
    pids+=($!)
    cluster_env=REDIS_URL=redis://127.0.0.1:6390
    sleep 0.5
fi
urls=()
node_pids=()
for ((i = 1; i <= nodes; i++)); do
    port=$((8000 + i))
    env $SERVER_ENV ${NODE_ENV:-} MONGO_URL=$MONGO_URL DB_NAME=loadtest_$name $cluster_env PORT=$port \
      java $SERVER_JAVA_OPTS -jar "$SERVER_JAR" > "$OUT/$name.node$port.log" 2>&1 &
    pids+=($!)
    node_pids+=($!)
    urls+=(http://127.0.0.1:$port)
done
for url in "${urls[@]}"; do
    wait_for "$url"
done
# The nodes' CPU is measured (each, and summed); the store's is measured apart when it is the stand-in started here
# (never added to the nodes'); Redis's is not.
java $GEN_JAVA_OPTS -jar "$LOADTEST_JAR" --url "$(IFS=,; echo "${urls[*]}")" --server-pid "$(IFS=,; echo "${node_pids[*]}")" \
  ${store_pid:+--store-pid $store_pid} --json "$OUT/$name.json" "$@" \
  | tee "$OUT/$name.log"
