"""Two `refunds` processes (replicas) on one PostgreSQL database of their own (scripts/postgres.sh),
with Orders and Oversight beside them and a client spreading calls over both replicas:
concurrent partial refunds of one order through both never exceed what it paid; the SLA monitor,
which both replicas run, reports each overdue refund once (counted in what Oversight received and
in the replicas' `refund_sla_breaches_total`); and a replica killed with SIGKILL mid-load loses no
acknowledged refund while the other keeps serving.

    python3 postgres_refunds_replicas.py --bin .build/debug
"""

import argparse
import concurrent.futures
import os
import shutil
import signal
import tempfile
import time

import grpc

import postgres_support
import support_stubs

support_stubs.generate()

from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402

OVERDUE = 12  # refunds approved 11 days ago, past their expected_by (approval + 10 days)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-refunds-replicas-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = postgres_support.Cluster(os.path.join(work, "pg"))
    started = []
    checks = support_stubs.Checks()
    try:
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"))

        def start(name, *extra):
            service = postgres_support.Service(
                os.path.join(args.bin, name), "--data-dir", os.path.join(work, f"data-{len(started)}"),
                *keys.flags(name), *extra)
            started.append(service)
            return service

        oversight = start("oversight")
        orders = start("orders", "--peer", f"oversight=127.0.0.1:{oversight.port}")
        refunds_flags = ["--peer", f"orders=127.0.0.1:{orders.port}", "--peer", f"oversight=127.0.0.1:{oversight.port}",
                         "--database-url", cluster.url, "--metrics-port", "0"]
        orders_stub = orders_pb2_grpc.OrdersStub(orders.channel)
        watch = oversight_pb2_grpc.OversightStub(oversight.channel)
        storefront = [("authorization", "Bearer " + keys.mint("storefront", "service"))]
        agent = [("authorization", "Bearer " + keys.mint("agent-1", "agent"))]
        auditor = [("authorization", "Bearer " + keys.mint("audit-1", "auditor"))]

        def import_order(order_id, paid, days_ago=1):
            orders_stub.ImportOrder(orders_pb2.ImportOrderRequest(
                idempotency_key=order_id, order=postgres_support.sample_order(order_id, paid, days_ago)), metadata=storefront, timeout=10)

        def refund(stub, key, order_id, amount):
            return stub.CreateRefund(refunds_pb2.CreateRefundRequest(
                idempotency_key=key, order_id=order_id, amount=postgres_support.money(amount),
                source=refunds_pb2.RefundSource(agent_note="goodwill")), metadata=agent, timeout=20)

        # Refunds approved 11 days ago (a replica whose clock is 11 days back), still open: once the
        # replicas below run on today's clock, each is an SLA breach.
        past = start("refunds", *refunds_flags, "--dev-clock-offset=-950400")
        past_stub = refunds_pb2_grpc.RefundsStub(past.channel)
        overdue = set()
        for index in range(OVERDUE):
            import_order(f"late-{index}", 1_000, days_ago=20)
            overdue.add(refund(past_stub, f"late-{index}", f"late-{index}", 1_000).refund_id)
        past.stop()

        # Both replicas start at once: each runs the SLA monitor at once, on the same overdue refunds.
        replicas = [start("refunds", *refunds_flags), start("refunds", *refunds_flags)]
        stubs = [refunds_pb2_grpc.RefundsStub(replica.channel) for replica in replicas]

        def breach_records():
            records, start_at = [], 1
            while True:
                page = watch.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(from_sequence=start_at, limit=1000),
                                              metadata=auditor, timeout=10)
                records += page.records
                if not page.next_sequence:
                    return [r.event for r in records if r.event.kind == oversight_pb2.EVENT_KIND_SLA_BREACH]
                start_at = page.next_sequence

        def each_breach_is_reported_once():
            undelivered = "SELECT count(*) FROM outbox"
            postgres_support.eventually(
                lambda: len(breach_records()) >= OVERDUE and cluster.psql(undelivered) == "0"
                and sum(replica.metric("refund_sla_breaches_total") for replica in replicas) >= OVERDUE,
                message="the breaches did not all reach Oversight")
            breaches = [event.aggregate_id for event in breach_records()]
            assert sorted(breaches) == sorted(overdue), (sorted(breaches), sorted(overdue))
            counted = [replica.metric("refund_sla_breaches_total") for replica in replicas]
            assert sum(counted) == OVERDUE, counted
            print(f"  breaches reported by the replicas: {counted}", flush=True)

        def concurrent_partial_refunds_never_exceed_paid():
            import_order("partial", 10_000)

            def attempt(index):
                try:
                    return refund(stubs[index % 2], f"partial-{index}", "partial", 700).amount.minor_units
                except grpc.RpcError as error:
                    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, (error.code(), error.details())
                    return 0

            with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
                granted = list(pool.map(attempt, range(30)))
            assert sum(granted) == 14 * 700, granted  # 14 x 7.00 fit in 100.00, a 15th does not
            for stub in stubs:
                listed = stub.ListRefunds(refunds_pb2.ListRefundsRequest(order_id="partial"), metadata=agent,
                                          timeout=10)
                assert sum(r.amount.minor_units for r in listed.refunds) == 14 * 700, listed
                balance = stub.GetRefundBalance(refunds_pb2.GetRefundBalanceRequest(order_id="partial"),
                                                metadata=agent, timeout=10)
                assert balance.refundable == postgres_support.money(10_000 - 14 * 700), balance

        def a_killed_replica_loses_no_acknowledged_refund():
            for index in range(40):
                import_order(f"k-{index}", 2_000)
            acknowledged = []

            def write(index):
                try:
                    created = refund(stubs[index % 2], f"k-{index}", f"k-{index}", 2_000)
                    acknowledged.append(created.refund_id)
                except grpc.RpcError:
                    pass
                if index == 12:
                    replicas[1].process.send_signal(signal.SIGKILL)

            with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(write, range(40)))
            replicas[1].process.wait(10)
            assert len(acknowledged) >= 20, len(acknowledged)
            for refund_id in acknowledged:
                stored = stubs[0].GetRefund(refunds_pb2.GetRefundRequest(refund_id=refund_id), metadata=agent, timeout=10)
                assert stored.refund_id == refund_id
            # The survivor keeps serving writes, and the killed replica's orders are refundable once.
            import_order("after", 2_000)
            refund(stubs[0], "after", "after", 2_000)
            stored = int(cluster.psql("SELECT count(*) FROM refunds WHERE order_id LIKE 'k-%'"))
            assert stored >= len(acknowledged), (stored, len(acknowledged))
            assert cluster.psql("SELECT count(*) FROM (SELECT order_id FROM refunds WHERE order_id LIKE 'k-%' "
                                "GROUP BY order_id HAVING count(*) > 1) AS twice") == "0"

        for name, check in [("each_breach_is_reported_once", each_breach_is_reported_once),
                            ("concurrent_partial_refunds_never_exceed_paid",
                             concurrent_partial_refunds_never_exceed_paid),
                            ("a_killed_replica_loses_no_acknowledged_refund",
                             a_killed_replica_loses_no_acknowledged_refund)]:
            checks.run(f"postgres refunds replicas {name}", check)
    finally:
        for service in reversed(started):
            service.stop()
        cluster.remove()
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
