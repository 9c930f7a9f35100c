#!/usr/bin/env bash
# Runs several gateway nodes on loopback ports behind nginx (least_conn, the seed's proxy settings),
# in the foreground until Ctrl-C (or TERM), which stops them all.
#   scripts/cluster.sh                 2 nodes on 8101, 8102; nginx on 8100
#   scripts/cluster.sh --nodes 3       3 nodes
#   scripts/cluster.sh --store postgres  the nodes share a PostgreSQL configuration store instead of the file
#                                      (CLUSTER_STORE_URL, default jdbc:postgresql://127.0.0.1:5432/test?user=postgres;
#                                      the first node imports GATEWAY_CONFIG when the store is empty)
# Environment: CLUSTER_NODES (2), CLUSTER_PORT (8100: nginx; node i on CLUSTER_PORT+i),
#   GATEWAY_CONFIG (server-config/gateway.yml: one file for every node, so a change made through one
#   node's admin API reaches the others through their file watchers), GATEWAY_ADMIN_TOKEN (one for
#   all; random when unset), CLUSTER_DIR (target/cluster: nginx's files, node logs and pids).
# The nodes share rate limits through Redis (plugins with policy: redis) and each subscribes to the
# eviction events (cache-eviction); Redis and RabbitMQ are expected on their usual ports.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
nodes=${CLUSTER_NODES:-2}
store=file
while [[ $# -gt 0 ]]; do
  case "$1" in
    --nodes) nodes=$2; shift ;;
    --store) store=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$store" in
  file) ;;
  postgres) export GATEWAY_CONFIG_STORE=${CLUSTER_STORE_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres} ;;
  *) echo "unknown store: $store (file or postgres)" >&2; exit 2 ;;
esac
front=${CLUSTER_PORT:-8100}
dir=${CLUSTER_DIR:-$root/target/cluster}
config=$(realpath "${GATEWAY_CONFIG:-server-config/gateway.yml}")
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx ]] || { echo "nginx is needed in front of the nodes: apt-get install nginx-light" >&2; exit 1; }
mkdir -p "$dir/logs" "$dir/temp"
rm -f "$dir/ready"

# Every node must agree on secrets and the admin token.
for var in GATEWAY_JWT_SECRET_WEB_FRONTEND GATEWAY_JWT_SECRET_MOBILE_APP GATEWAY_ADMIN_TOKEN; do
  if [[ -z ${!var:-} ]]; then
    export "$var=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
  fi
done

# Build once, before the nodes start (each would otherwise race to build).
if [[ ! -f target/gateway.war || ! -f target/payara-micro.jar ]] \
    || [[ -n $(find pom.xml src/main webapp -newer target/gateway.war -type f 2>/dev/null | head -n 1) ]]; then
  echo "building the gateway (mvn package)..." >&2
  mvn -B -q -DskipTests package >&2
fi

pids=()
stop() {
  trap - EXIT INT TERM
  [[ -f $dir/nginx.pid ]] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

servers=""
for i in $(seq "$nodes"); do
  port=$((front + i))
  GATEWAY_PORT=$port GATEWAY_CONFIG=$config scripts/run.sh >"$dir/node-$i.log" 2>&1 &
  pids+=($!)
  echo $! >"$dir/node-$i.pid"
  # The seed's nginx: least_conn, a node out for 30 s after 3 failures.
  servers+="        server 127.0.0.1:$port max_fails=3 fail_timeout=30s;"$'\n'
done

cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
    upstream gateway {
        least_conn;
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$front;
        location / {
            proxy_pass http://gateway;
            proxy_http_version 1.1;
            proxy_set_header Host \$host;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header X-Real-IP \$remote_addr;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_connect_timeout 5s;
            proxy_send_timeout 60s;
            proxy_read_timeout 60s;
            # A node that refuses or drops the connection: the request goes to another (idempotent ones).
            proxy_next_upstream error timeout http_502;
        }
    }
}
NGINX

echo "waiting for $nodes nodes (logs in $dir)..." >&2
for i in $(seq "$nodes"); do
  port=$((front + i))
  for _ in $(seq 240); do
    curl -fs "http://127.0.0.1:$port/_gateway/health/ready" >/dev/null 2>&1 && break
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || { echo "node $i exited; see $dir/node-$i.log" >&2; exit 1; }
    sleep 1
  done
done
"$nginx" -p "$dir" -c "$dir/nginx.conf" &
pids+=($!)
cat <<MSG >&2
cluster ready: nginx on http://127.0.0.1:$front in front of nodes on ports $((front + 1))-$((front + nodes))
  config: $([[ $store == postgres ]] && echo "the PostgreSQL store (imported from $config when it was empty)" || echo "$config (shared)")
  admin token: $GATEWAY_ADMIN_TOKEN
MSG
echo "ready" >"$dir/ready"
wait
