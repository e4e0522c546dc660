#!/usr/bin/env bash
# Transport benchmark: the project's echo server against grpc-swift-2's and gRPC C++'s, all
# serving /bench.Echo/Unary (the request message returned unchanged), driven by h2load in one run.
# Servers are pinned to core 0 and h2load to core 1; rounds alternate between the servers; the
# medians of the rounds are reported, with the ratios.
#
#   ./echo-bench.sh [ROUNDS] [SECONDS]      (defaults: 3 rounds of 10 s per measurement)
#
# PEERS="grpc-c++" leaves grpc-swift-2 out (its release build takes over ten minutes here).
# "support" is the default configuration; "support-busy-poll" the same server with
# --busy-poll-us $BUSY_POLL_US (default 100; ServerConfiguration.busyPoll, see IdleSpinner.swift).
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}
seconds=${2:-10}
peers=${PEERS:-grpc-swift-2 grpc-c++}
busy_poll_us=${BUSY_POLL_US:-100}

command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 1; }
pkg-config --exists grpc++ || { echo "gRPC C++ is missing: apt-get install libgrpc++-dev" >&2; exit 1; }
swift build -c release --product EchoServer >/dev/null
case " $peers " in *" grpc-swift-2 "*) swift build -c release --product GRPCSwiftEchoServer >/dev/null ;; esac
bin=$(swift build -c release --show-bin-path)
mkdir -p .build
g++ -O2 -std=c++17 GRPCCppEchoServer/echo_server.cc $(pkg-config --cflags --libs grpc++) -o .build/grpc-cpp-echo-server

# One gRPC-framed request: flag 0, length 64, 64 bytes of payload.
payload=$(mktemp)
python3 -c "import sys; sys.stdout.buffer.write(b'\0\0\0\0\x40' + bytes(range(64)))" > "$payload"
results=$(mktemp)
trap 'rm -f "$payload" "$results"; kill $(jobs -p) 2>/dev/null || true' EXIT

measure() { # name binary [arguments...]
  local name=$1 binary=$2 port=$((51000 + RANDOM % 1000))
  shift 2
  taskset -c 0 "$binary" --port "$port" "$@" >/dev/null &
  local pid=$!
  for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  local common=(-c 1 -D "$seconds" --warm-up-time=1 -d "$payload" -H 'content-type: application/grpc' -H 'te: trailers')
  local url="http://127.0.0.1:$port/bench.Echo/Unary"
  local many serial
  many=$(taskset -c 1 h2load "${common[@]}" -m 64 "$url")
  serial=$(taskset -c 1 h2load "${common[@]}" -m 1 "$url")
  local rss
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$name" "$rss" "$results" <<PY
import re, sys
many, serial = """$many""", """$serial"""
def rps(text): return float(re.search(r"finished in .*?, ([0-9.]+) req/s", text).group(1))
def mean_latency_us(text):
    value, unit = re.search(r"time for request:\s+\S+\s+\S+\s+([0-9.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1, "ms": 1000, "s": 1e6}[unit]
def failed(text): return int(re.search(r"(\d+) failed", text).group(1))
name, rss, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "a") as f:
    f.write(f"{name} {rps(many)} {rps(serial)} {mean_latency_us(serial)} {rss} {failed(many) + failed(serial)}\n")
PY
}

for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  measure support "$bin/EchoServer"
  measure support-busy-poll "$bin/EchoServer" --busy-poll-us "$busy_poll_us"
  for peer in $peers; do
    case $peer in
      grpc-swift-2) measure grpc-swift-2 "$bin/GRPCSwiftEchoServer" ;;
      grpc-c++) measure grpc-c++ .build/grpc-cpp-echo-server ;;
    esac
  done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, many, serial, latency, rss, failed = line.split()
    rows.setdefault(name, []).append((float(many), float(serial), float(latency), int(rss), int(failed)))
def median(name, i): return statistics.median(r[i] for r in rows[name])
print(f"{'server':<18}{'64 streams req/s':>18}{'1 stream req/s':>16}{'serial mean':>13}{'peak RSS':>11}{'failed':>8}")
for name in rows:
    print(f"{name:<18}{median(name, 0):>18,.0f}{median(name, 1):>16,.0f}{median(name, 2):>11.0f}us"
          f"{median(name, 3) / 1024:>8.1f} MiB{sum(r[4] for r in rows[name]):>8}")
for s in ("support", "support-busy-poll"):
    for peer in (p for p in ("grpc-swift-2", "grpc-c++") if p in rows):
        print(f"ratios {s}/{peer}: throughput {median(s, 0) / median(peer, 0):.2f}x, "
              f"serial latency {median(s, 2) / median(peer, 2):.2f}x, peak RSS {median(s, 3) / median(peer, 3):.2f}x")
PY
