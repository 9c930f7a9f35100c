#!/usr/bin/env bash
# The gateway's WAR on Payara Server, in the foreground until TERM/Ctrl-C (called by
# scripts/run.sh --server payara-server, which sets GATEWAY_PORT, GATEWAY_CONFIG and the secrets).
# Creates a fresh domain under target/servers/payara-domains (HTTP on GATEWAY_PORT, admin on
# GATEWAY_PORT+2 unless PAYARA_ADMIN_PORT), applies server-config/payara-server/setup.asadmin and
# GATEWAY_SERVER_PROPERTIES (asadmin set-config-property), deploys the WAR at / and follows its log.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
war=$1
version=${PAYARA_SERVER_VERSION:-6.2025.9}
home=$root/target/servers/payara6
if [[ ! -x $home/bin/asadmin ]]; then
  echo "fetching Payara Server $version through Maven..." >&2
  mvn -B -q dependency:unpack -Dartifact="fish.payara.distributions:payara:$version:zip" \
    -DoutputDirectory="$root/target/servers" >&2
fi
asadmin=$home/bin/asadmin
domains=$root/target/servers/payara-domains
domain=gateway-$GATEWAY_PORT
admin_port=${PAYARA_ADMIN_PORT:-$((GATEWAY_PORT + 2))}
remote=("$asadmin" --port "$admin_port")

stop() {
  trap - EXIT INT TERM
  "$asadmin" stop-domain --domaindir "$domains" "$domain" >&2 || true
  [[ -n ${tail_pid:-} ]] && kill "$tail_pid" 2>/dev/null || true
}
trap stop EXIT INT TERM

rm -rf "${domains:?}/$domain"
"$asadmin" create-domain --nopassword --checkports=false --domaindir "$domains" \
  --adminport "$admin_port" --instanceport "$GATEWAY_PORT" "$domain" >&2
"$asadmin" start-domain --domaindir "$domains" "$domain" >&2
"${remote[@]}" multimode --file "$root/server-config/payara-server/setup.asadmin" >&2
if [[ -n ${GATEWAY_SERVER_PROPERTIES:-} ]]; then
  IFS=',' read -ra pairs <<<"$GATEWAY_SERVER_PROPERTIES"
  for pair in "${pairs[@]}"; do
    "${remote[@]}" set-config-property --source=domain --propertyName="${pair%%=*}" --propertyValue="${pair#*=}" >&2
  done
fi
# Stopped, then started: restart-domain can start the new server while the old one still holds
# a port (CI saw "Address already in use" and an asadmin that never returned).
"$asadmin" stop-domain --domaindir "$domains" "$domain" >&2
"$asadmin" start-domain --domaindir "$domains" "$domain" >&2
"${remote[@]}" deploy --contextroot / --name gateway "$war" >&2
echo "GitInsight Gateway deployed on Payara Server: http://127.0.0.1:$GATEWAY_PORT (admin console http://127.0.0.1:$admin_port)" >&2
tail -n 0 -F "$domains/$domain/logs/server.log" &
tail_pid=$!
wait "$tail_pid"
