#!/usr/bin/env bash
# The test command: unit tests, then the integration tests on Payara Micro (fetched by Maven).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B verify "$@"
