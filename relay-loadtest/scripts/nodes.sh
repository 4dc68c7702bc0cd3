#!/usr/bin/env bash
# usage: [NODES=n] [REDIS=single|cluster] [NODE_ENV="NAME=value ..."] nodes.sh NAME [generator options]
# n RelayChat nodes (default 2) sharing one store and, when more than one, a Redis bus; the generator
# spreads its connections over all of them. NODES=1 is the single-node baseline on the same store (no Redis).
# REDIS=single (the default) is one redis-server on port 6390. REDIS=cluster is a Redis Cluster of three masters
# and three replicas on ports 6391..6396 (their cluster bus ports 16391..16396 must be free too), each in a fresh
# folder $OUT/NAME.redisPORT; the nodes are given the masters as seeds (REDIS_CLUSTER=true).
# The store is MONGO_URL when set; otherwise the in-memory MongoDB-compatible server (mongo-java-server)
# from the test class path stands in (no MongoDB binary exists on this machine; it is far slower than MongoDB).
# The generator measures the nodes' CPU, the stand-in's and every redis-server's, each apart; at the end each
# redis-server's CPU since it started is printed from /proc as well, to check the generator's figure against.
# Nothing starts unless every port the run needs is free (8001.., 27017 for the stand-in, Redis's): on a shared
# machine a port already taken means another run, which this one would otherwise measure and disturb.
set -euo pipefail
source "$(dirname "$0")/common.sh"
name=$1; shift
nodes=${NODES:-2}
redis=${REDIS:-single}
case $redis in
    single|cluster) ;;
    *) echo "nodes.sh: REDIS is single or cluster, not '$redis'" >&2; exit 2 ;;
esac
pids=()
node_pids=()
store_pid=
redis_pids=()
redis_ports=()

# The nodes go first, and are waited for (at most 15 s): a bus or store gone under a draining node fills its log with
# errors that are not the run's.
stop_all() {
    kill ${node_pids[@]} 2>/dev/null || true
    for _ in $(seq 75); do
        kill -0 ${node_pids[@]} 2>/dev/null || break
        sleep 0.2
    done
    kill ${pids[@]} 2>/dev/null || true
}
trap stop_all EXIT

# Whether something on this machine listens on PORT (bash's own /dev/tcp: nothing to install).
listening() {
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Every port this run needs must be free: a server or redis-server already there (another run on a shared machine)
# would answer for ours, and the run would measure, and disturb, someone else's processes.
require_free() {
    local port
    for port in "$@"; do
        if listening "$port"; then
            echo "nodes.sh: port $port is taken (another run?); nothing started" >&2
            exit 1
        fi
    done
}

# start_redis LOG PORT [options]: one redis-server in the background, logging to LOG; waits (at most 10 s) until it
# answers.
start_redis() {
    local log=$1 port=$2; shift 2
    redis-server --port "$port" --save "" --appendonly no --bind 127.0.0.1 --protected-mode no "$@" > "$log" 2>&1 &
    local pid=$!
    pids+=($pid)
    redis_pids+=($pid)
    redis_ports+=($port)
    for _ in $(seq 50); do
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        if redis-cli -p "$port" ping >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    echo "nodes.sh: redis-server on port $port did not start (is the port taken? see $log)" >&2
    exit 1
}

# utime + stime of /proc/PID/stat in seconds; fields counted after the command name's ')', which may hold spaces.
cpu_seconds() {
    local stat fields
    stat=$(cat "/proc/$1/stat")
    read -r -a fields <<< "${stat##*) }"
    awk -v ticks=$((fields[11] + fields[12])) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", ticks / hz }'
}

needed=()
for ((i = 1; i <= nodes; i++)); do
    needed+=($((8000 + i)))
done
[ -z "${MONGO_URL:-}" ] && needed+=(27017)
if [ "$nodes" -gt 1 ] && [ "$redis" = single ]; then
    needed+=(6390)
elif [ "$nodes" -gt 1 ]; then
    needed+=(6391 6392 6393 6394 6395 6396 16391 16392 16393 16394 16395 16396)
fi
require_free "${needed[@]}"
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
if [ "$nodes" -gt 1 ] && [ "$redis" = single ]; then
    start_redis "$OUT/$name.redis.log" 6390
    cluster_env=REDIS_URL=redis://127.0.0.1:6390
elif [ "$nodes" -gt 1 ]; then
    for port in 6391 6392 6393 6394 6395 6396; do
        # A fresh folder: a nodes.conf left from an earlier run would make the node rejoin that run's cluster.
        dir="$OUT/$name.redis$port"
        rm -rf "$dir"
        mkdir -p "$dir"
        start_redis "$dir/redis.log" $port --dir "$dir" --cluster-enabled yes --cluster-config-file nodes.conf \
            --cluster-node-timeout 5000 --repl-diskless-sync-delay 0
    done
    redis-cli --cluster create 127.0.0.1:6391 127.0.0.1:6392 127.0.0.1:6393 127.0.0.1:6394 127.0.0.1:6395 \
        127.0.0.1:6396 --cluster-replicas 1 --cluster-yes > "$OUT/$name.redis-cluster.log" 2>&1
    # Every slot covered and every node agreeing takes a few gossip rounds after create returns.
    for ((tries = 0; ; tries++)); do
        ok=0
        for port in "${redis_ports[@]}"; do
            if redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; then
                ok=$((ok + 1))
            fi
        done
        if [ "$ok" -eq "${#redis_ports[@]}" ]; then
            break
        fi
        if [ "$tries" -ge 150 ]; then
            echo "nodes.sh: the Redis Cluster is not ok after 30 s (see $OUT/$name.redis-cluster.log)" >&2
            exit 1
        fi
        sleep 0.2
    done
    cluster_env="REDIS_URL=redis://127.0.0.1:6391,redis://127.0.0.1:6392,redis://127.0.0.1:6393 REDIS_CLUSTER=true"
fi
urls=()
start_node() {
    local port=$((8000 + $1))
    env $SERVER_ENV ${NODE_ENV:-} MONGO_URL=$MONGO_URL DB_NAME=loadtest_$name $cluster_env PORT=$port \
      java $SERVER_JAVA_OPTS -jar "$SERVER_JAR" > "$OUT/$name.node$port.log" 2>&1 &
    pids+=($!)
    node_pids+=($!)
    urls+=(http://127.0.0.1:$port)
}
# The first node prepares the database (collections, indexes) alone: the stand-in fails index creations that
# several nodes ask for at once.
start_node 1
wait_for "${urls[0]}" "${node_pids[0]}"
for ((i = 2; i <= nodes; i++)); do
    start_node $i
done
for ((i = 1; i < nodes; i++)); do
    wait_for "${urls[$i]}" "${node_pids[$i]}"
done
# The nodes' CPU is measured (each, and summed); the store's is measured apart when it is the stand-in started here,
# and the bus's (every redis-server started here) apart too: neither is ever added to the nodes'.
bus_pids=$(IFS=,; echo "${redis_pids[*]}")
java $GEN_JAVA_OPTS -jar "$LOADTEST_JAR" --url "$(IFS=,; echo "${urls[*]}")" --server-pid "$(IFS=,; echo "${node_pids[*]}")" \
  ${store_pid:+--store-pid $store_pid} ${bus_pids:+--bus-pid $bus_pids} --json "$OUT/$name.json" "$@" \
  | tee "$OUT/$name.log"
# The whole life of each redis-server (setup, warm-up and drain included), against the generator's measured phases.
for i in "${!redis_pids[@]}"; do
    echo "redis-server port ${redis_ports[$i]} pid ${redis_pids[$i]}: $(cpu_seconds "${redis_pids[$i]}") s of CPU since it started"
done | tee -a "$OUT/$name.log"
