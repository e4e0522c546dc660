#!/usr/bin/env bash
# Runs gRPC's interop cases with the Python grpcio client against the interop-server executable.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product interop-server >/dev/null
binary="$(swift build --show-bin-path)/interop-server"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$binary" --port "$port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
python3 Tests/Python/interop_client.py --port "$port"
