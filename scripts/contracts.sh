#!/usr/bin/env bash
# Contract tests from outside: Python grpcio clients generated from proto/ drive each service's
# real executable over a real socket (Tests/Python/*_contract.py); then the end-to-end journey
# across all five processes (Tests/Python/e2e_journey.py) and the deployment check
# (Tests/Python/deploy_test.py); then the transport attacks of issue 12 against the five
# executables (Tests/Python/exposure_attacks.py) and the attacks found later (Tests/Python/attacks/).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build >/dev/null
bin="$(swift build --show-bin-path)"
status=0
for script in Tests/Python/*_contract.py; do
    python3 "$script" --bin "$bin" || status=1
done
python3 Tests/Python/e2e_journey.py --bin "$bin" || status=1
python3 Tests/Python/deploy_test.py --bin "$bin" || status=1
python3 Tests/Python/exposure_attacks.py --bin "$bin" || status=1
python3 Tests/Python/attacks/public_requests.py --bin "$bin" || status=1
python3 Tests/Python/attacks/service_identity_contract.py --bin "$bin" || status=1
python3 Tests/Python/attacks/response_budget_flags.py --bin "$bin" || status=1
python3 Tests/Python/console_browser.py --bin "$bin" || status=1
python3 Tests/Python/console_limits.py --bin "$bin" || status=1
# The demo data and history `make run` loads: Oversight's report shows real figures, once.
python3 Tests/Python/demo_history_test.py --bin "$bin" || status=1
# `make run` stops the suite, naming it, when one of its processes dies.
python3 Tests/Python/run_watch_test.py || status=1

# Again with the services whose store also runs on PostgreSQL (POSTGRES_SERVICES in
# Tests/Python/support_stubs.py), each on a fresh database of a throwaway PostgreSQL of its own.
pg_dir="$(mktemp -d /tmp/support-contracts-pg.XXXXXX)"
trap './scripts/postgres.sh stop "$pg_dir"' EXIT
if pg_url="$(./scripts/postgres.sh start "$pg_dir")"; then
    for script in Tests/Python/orders_contract.py Tests/Python/orders_ranges_contract.py \
        Tests/Python/post_purchase_contract.py Tests/Python/inquiries_oversight_contract.py \
        Tests/Python/e2e_journey.py; do
        echo "contracts: $script on PostgreSQL"
        SUPPORT_CONTRACT_DATABASE_URL="$pg_url" python3 "$script" --bin "$bin" || status=1
    done
    # NUL in request strings: INVALID_ARGUMENT on PostgreSQL too (it cannot store NUL).
    SUPPORT_CONTRACT_DATABASE_URL="$pg_url" python3 Tests/Python/text_limits_contract.py --bin "$bin" || status=1
else
    echo "contracts: PostgreSQL did not start" >&2
    status=1
fi
# Orders while its PostgreSQL (one of its own) is stopped and started again; two Orders replicas
# on one PostgreSQL database, one killed mid-load.
python3 Tests/Python/postgres_outage.py --bin "$bin" || status=1
python3 Tests/Python/postgres_replicas.py --bin "$bin" || status=1
python3 Tests/Python/postgres_oversight_replicas.py --bin "$bin" || status=1
# Two Inquiries replicas on one PostgreSQL database: one effect per key, answers alike.
python3 Tests/Python/postgres_inquiries_replicas.py --bin "$bin" || status=1
# `make run DB=postgres`'s runner: a local PostgreSQL, two replicas per service behind the usual
# ports (free ones here), the demo data, a call through each port, a clean Ctrl-C.
python3 Tests/Python/run_postgres_test.py --bin "$bin" || status=1
# Its forwarder survives running out of file descriptors (a burst of idle connections).
python3 Tests/Python/tcp_forwarder_test.py || status=1
# Refunds and Returns replicas on one PostgreSQL database (partial refunds, SLA breaches once,
# one refund per approval, the follow-up claimed once and taken over, SIGKILL mid-load); Refunds
# while its PostgreSQL is stopped and started under load; a standby promoted under load.
python3 Tests/Python/postgres_refunds_replicas.py --bin "$bin" || status=1
python3 Tests/Python/postgres_returns_replicas.py --bin "$bin" || status=1
python3 Tests/Python/postgres_refunds_outage.py --bin "$bin" || status=1
python3 Tests/Python/postgres_standby.py --bin "$bin" || status=1
exit $status
