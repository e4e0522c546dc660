#!/usr/bin/env bash
# Contract tests from outside: Python grpcio clients generated from proto/ drive each service's
# real executable over a real socket (Tests/Python/*_contract.py).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build >/dev/null
bin="$(swift build --show-bin-path)"
status=0
for script in Tests/Python/*_contract.py; do
    python3 "$script" --bin "$bin" || status=1
done
exit $status
