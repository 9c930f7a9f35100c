#!/usr/bin/env bash
# The gateway's WAR on WildFly, in the foreground until TERM/Ctrl-C (called by
# scripts/run.sh --server wildfly, which sets GATEWAY_PORT, GATEWAY_CONFIG and the secrets).
# Copies standalone-microprofile.xml to standalone-gateway.xml, applies server-config/wildfly/setup.cli
# then each CLI file in GATEWAY_WILDFLY_CLI (colon-separated, e.g. server-config/wildfly/messaging.cli)
# and GATEWAY_SERVER_PROPERTIES (as WildFly system properties), deploys the WAR as ROOT.war.
# Ports: HTTP GATEWAY_PORT, HTTPS GATEWAY_PORT+1, management GATEWAY_PORT+2. JVM options: WildFly's own
# (bin/standalone.conf).
# scripts/servers/wildfly.sh --home fetches WildFly if needed and prints its directory (for bin/add-user.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
war=${1:?usage: scripts/servers/wildfly.sh WAR | --home}
version=${WILDFLY_VERSION:-39.0.1.Final}
home=$root/target/servers/wildfly-$version
if [[ ! -x $home/bin/standalone.sh ]]; then
  echo "fetching WildFly $version through Maven..." >&2
  mvn -B -q dependency:unpack -Dartifact="org.wildfly:wildfly-dist:$version:zip" \
    -DoutputDirectory="$root/target/servers" >&2
fi
if [[ $war == --home ]]; then
  echo "$home"
  exit 0
fi
configuration=$home/standalone/configuration
cp "$configuration/standalone-microprofile.xml" "$configuration/standalone-gateway.xml"
cli=$(mktemp)
trap 'rm -f "$cli"' EXIT
cp "$root/server-config/wildfly/setup.cli" "$cli"
if [[ -n ${GATEWAY_WILDFLY_CLI:-} ]]; then
  IFS=':' read -ra extra <<<"$GATEWAY_WILDFLY_CLI"
  for file in "${extra[@]}"; do
    [[ $file = /* ]] || file=$root/$file
    [[ -r $file ]] || { echo "GATEWAY_WILDFLY_CLI: cannot read $file" >&2; exit 2; }
    cat "$file" >>"$cli"
  done
fi
if [[ -n ${GATEWAY_SERVER_PROPERTIES:-} ]]; then
  echo "embed-server --server-config=standalone-gateway.xml --std-out=discard" >>"$cli"
  IFS=',' read -ra pairs <<<"$GATEWAY_SERVER_PROPERTIES"
  for pair in "${pairs[@]}"; do
    echo "/system-property=${pair%%=*}:add(value=\"${pair#*=}\")" >>"$cli"
  done
  echo "stop-embedded-server" >>"$cli"
fi
"$home/bin/jboss-cli.sh" --file="$cli" >&2
rm -f "$cli" # here: the exec below replaces this shell, so its EXIT trap never runs
rm -rf "$home/standalone/deployments/"*.war* "$home/standalone/data/content" "$home/standalone/tmp"
cp "$war" "$home/standalone/deployments/ROOT.war"
# In the background of its script, so a TERM to the script reaches the server too.
export LAUNCH_JBOSS_IN_BACKGROUND=1
exec "$home/bin/standalone.sh" -c standalone-gateway.xml -b 0.0.0.0 \
  -Djboss.http.port="$GATEWAY_PORT" -Djboss.https.port="$((GATEWAY_PORT + 1))" \
  -Djboss.management.http.port="$((GATEWAY_PORT + 2))" -Djboss.management.https.port="$((GATEWAY_PORT + 3))"
