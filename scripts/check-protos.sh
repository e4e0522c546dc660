#!/usr/bin/env bash
# The contracts must compile with Debian's protoc and with Python grpcio-tools (the toolchain of
# the external clients); this compiles every file in proto/ with both.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
protoc -I proto -I /usr/include --descriptor_set_out="$out/set.pb" proto/support/*/v1/*.proto
python3 -m grpc_tools.protoc -I proto --python_out="$out" --grpc_python_out="$out" proto/support/*/v1/*.proto
echo "proto/ compiles with protoc $(protoc --version | cut -d' ' -f2) and grpcio-tools"
