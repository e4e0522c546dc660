#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests and local runs (Debian's postgresql-15, see setup.sh):
#   scripts/postgres.sh start [DIR]   initdb in DIR (default: a new temporary directory) as the
#                                     `postgres` user, listen on 127.0.0.1 on a free port of its
#                                     own, print the URL on stdout (and keep it in DIR/url)
#   scripts/postgres.sh stop DIR      stop it and remove DIR
#   scripts/postgres.sh url DIR       print the URL of a running one
# Only this process's own cluster is touched: nothing system-wide is started or stopped.
# It runs with fsync off (tests and local runs need no durability across an OS crash) unless
# SUPPORT_POSTGRES_FSYNC=on (the benchmarks: commits as durable as SQLite's synchronous=FULL).
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || bin="$(dirname "$(command -v initdb 2>/dev/null || echo /usr/bin/initdb)")"

# Runs a command as the cluster's owner: `postgres` when we are root (PostgreSQL refuses to run as
# root), ourselves otherwise.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fsync="${SUPPORT_POSTGRES_FSYNC:-off}"
case "$fsync" in on | off) ;; *) echo "SUPPORT_POSTGRES_FSYNC must be on or off" >&2; exit 2 ;; esac

case "${1:-}" in
start)
    dir="${2:-$(mktemp -d /tmp/support-postgres.XXXXXX)}"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=$fsync" \
            start >/dev/null; then
            url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
            echo "$url" >"$dir/url"
            echo "$url"
            exit 0
        fi
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
stop)
    dir="${2:?usage: postgres.sh stop DIR}"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
url)
    cat "${2:?usage: postgres.sh url DIR}/url"
    ;;
*)
    echo "usage: scripts/postgres.sh start [DIR] | stop DIR | url DIR" >&2
    exit 64
    ;;
esac
