# RelayChat server image.
#   docker build -t relaychat .
#   docker run -p 8001:8001 -e JWT_SECRET_KEY="$(openssl rand -base64 48)" relaychat
# Two nodes, Redis, MongoDB and nginx in front: docker-compose.yml; Kubernetes: deploy/kubernetes/ (deploy/README.md).

# --- build: Maven with JDK 17, the same command as the README -------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The poms alone first: the dependencies are fetched in a layer of their own, which a change of code keeps.
COPY pom.xml ./
COPY relay-ports/pom.xml relay-ports/
COPY relay-domain/pom.xml relay-domain/
COPY relay-testkit/pom.xml relay-testkit/
COPY relay-adapter-local/pom.xml relay-adapter-local/
COPY relay-adapter-auth/pom.xml relay-adapter-auth/
COPY relay-adapter-netty/pom.xml relay-adapter-netty/
COPY relay-adapter-mongo/pom.xml relay-adapter-mongo/
COPY relay-adapter-redis/pom.xml relay-adapter-redis/
COPY relay-server/pom.xml relay-server/
COPY relay-loadtest/pom.xml relay-loadtest/
COPY relay-benchmarks/pom.xml relay-benchmarks/
COPY relay-architecture/pom.xml relay-architecture/
# The reactor's own modules are in no repository yet: left out of the download. Best effort: whatever this misses
# (a plugin's own dependencies, resolved only when it runs) the package step below still fetches.
RUN mvn -B -q dependency:go-offline -DexcludeReactor=true -DexcludeGroupIds=io.relaychat || true
COPY . .
# The shaded jar (the unshaded one is named original-relay-server-*.jar).
RUN mvn -B -DskipTests package \
 && cp relay-server/target/relay-server-*.jar /src/relay-server.jar

# --- run: a JRE 17, as a user without privileges ---------------------------------------------------------------
FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK only: newer JRE images no longer carry it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 relay \
 && useradd --system --uid 10001 --gid relay --home-dir /opt/relaychat --shell /usr/sbin/nologin relay \
 && mkdir -p /opt/relaychat /data/uploads \
 && chown -R relay:relay /data
COPY --from=build /src/relay-server.jar /opt/relaychat/relay-server.jar
WORKDIR /opt/relaychat
# Without MONGO_URL the node keeps its SQLite store and its uploads in /data, a volume that outlives the container
# (with MongoDB, messages and uploads are there and the volume stays empty).
ENV PORT=8001 \
    RELAY_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8001
USER relay:relay
# Liveness only: /api/live asks no dependency, so a MongoDB or Redis outage does not mark every node unhealthy
# (readiness, /api/ready, is for the load balancer). It stays 200 while the node drains.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/api/live" || exit 1
# The JVM flags of docs/performance.md and docs/operations.md:
# - ZGC keeps collection pauses out of message latency (G1's young pauses reached 92 ms on 2 cores: p99 10.7 ms in
#   W1 against 3.3 ms with ZGC).
# - The heap is sized, since ZGC grows it toward its maximum and returns memory only after minutes: half the
#   container's memory limit (the Kubernetes manifest's 2 GiB gives the 1 GiB heap that holds ~20 000
#   connections: 256 MiB + 8 KiB per connection + the body budget, a quarter of the heap); the other half is for
#   Netty's direct buffers, metaspace and thread stacks. Without a memory limit the JVM takes half the host's.
#   An explicit -Xmx in JAVA_TOOL_OPTIONS wins over the percentage.
# - Out of memory, the process ends, so that the orchestrator restarts it rather than leaving it half working.
# exec form: the JVM is PID 1 and gets SIGTERM itself, which starts the drain.
ENTRYPOINT ["java", "-XX:+UseZGC", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/relaychat/relay-server.jar"]
