# Shared by the run scripts: where the jars are and where results go.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVER_JAR="$ROOT/relay-server/target/relay-server-0.1.0-SNAPSHOT.jar"
LOADTEST_JAR="$ROOT/relay-loadtest/target/relay-loadtest-0.1.0-SNAPSHOT.jar"
OUT="$ROOT/relay-loadtest/target/perf"
mkdir -p "$OUT"
# Both servers and the generator run with the same collector (see docs/performance.md).
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--XX:+UseZGC}
GEN_JAVA_OPTS=${GEN_JAVA_OPTS:--XX:+UseZGC}
# Registration is not what is measured: cheap bcrypt keeps setup short.
SERVER_ENV="JWT_SECRET_KEY=perf-secret-perf-secret-perf-secret-0123 RELAY_BCRYPT_COST=4 HOST=127.0.0.1 RELAY_UPLOAD_DIR=$OUT/uploads"
# What the workloads need, set explicitly: up to 20 000 connections on one node (W5), ramps that drive one
# user past a person's send rate (W3), and rooms of 2 000 created in one request (W2, W3-big). The limits stay
# on, at bounds the workloads do not reach, so that their cost is measured too.
SERVER_ENV="$SERVER_ENV RELAY_MAX_CONNECTIONS=25000 RELAY_SEND_RATE_PER_SECOND=1000 RELAY_SEND_BURST=1000 RELAY_MAX_MEMBERS_PER_ROOM_CREATION=2000"
# Setup registers thousands of users from this one address: registrations per address are off, since setup is not
# what is measured (and a real service sees its sign-ups from many addresses).
SERVER_ENV="$SERVER_ENV RELAY_REGISTER_RATE_PER_MINUTE=0"

# wait_for URL [PID]: until the server at URL answers its health check; with PID, fails as soon as that process has
# ended (it could not start: see its log), where whatever answered would not be it.
wait_for() {
    until curl -sf "$1/api/health" >/dev/null; do
        if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
            echo "$(basename "$0"): the server for $1 ended at start (see its log in $OUT)" >&2
            return 1
        fi
        sleep 0.2
    done
}
