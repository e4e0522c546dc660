"""Refunds, a write-heavy service, on a PostgreSQL of its own (scripts/postgres.sh) under a steady
load of refund creations, while the database is stopped and started again: meanwhile calls fail
UNAVAILABLE (never another status) and health reports NOT_SERVING; once it is back Refunds
reconnects by itself, reports SERVING and takes writes again, and every refund acknowledged
before, during or after the outage is readable, none twice.

    python3 postgres_refunds_outage.py --bin .build/debug
"""

import argparse
import os
import shutil
import tempfile
import time

import grpc

import postgres_support
import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from standard_health import health_pb2, health_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-refunds-outage-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = postgres_support.Cluster(os.path.join(work, "pg"))
    started = []
    checks = support_stubs.Checks()
    try:
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"), services=["orders", "refunds"])
        orders = postgres_support.Service(os.path.join(args.bin, "orders"), "--data-dir", os.path.join(work, "orders"),
                                          *keys.flags("orders"))
        started.append(orders)
        refunds = postgres_support.Service(
            os.path.join(args.bin, "refunds"), "--data-dir", os.path.join(work, "refunds"), *keys.flags("refunds"),
            "--peer", f"orders=127.0.0.1:{orders.port}", "--database-url", cluster.url)
        started.append(refunds)
        orders_stub = orders_pb2_grpc.OrdersStub(orders.channel)
        refunds_stub = refunds_pb2_grpc.RefundsStub(refunds.channel)
        health = health_pb2_grpc.HealthStub(refunds.channel)
        storefront = [("authorization", "Bearer " + keys.mint("storefront", "service"))]
        agent = [("authorization", "Bearer " + keys.mint("agent-1", "agent"))]

        def status():
            return health.Check(health_pb2.HealthCheckRequest(service="support.refunds.v1.Refunds"), timeout=5).status

        def write(index):
            order_id = f"o-{index}"
            placed = timestamp_pb2.Timestamp(seconds=int(time.time()) - 86_400)
            orders_stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key=order_id, order=orders_pb2.Order(
                order_id=order_id, customer_id="customer-1",
                lines=[orders_pb2.OrderLine(line_number=1, sku="KET", title="Kettle", quantity=1,
                                            unit_price=postgres_support.money(3_000))],
                payments=[orders_pb2.Payment(payment_id="p-" + order_id, amount=postgres_support.money(3_000), captured_at=placed)],
                shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa",
                                                    postal_code="1000", country_code="PT"),
                placed_at=placed)), metadata=storefront, timeout=10)
            return refunds_stub.CreateRefund(refunds_pb2.CreateRefundRequest(
                idempotency_key=order_id, order_id=order_id, amount=postgres_support.money(1_000),
                source=refunds_pb2.RefundSource(agent_note="goodwill")), metadata=agent, timeout=20).refund_id

        load = postgres_support.Load(write)
        state = {}

        def refunds_flow_before_the_outage():
            postgres_support.eventually(lambda: load.count() >= 20, message="no refund acknowledged")
            assert status() == health_pb2.HealthCheckResponse.SERVING

        def without_the_database_calls_fail_unavailable_and_health_is_not_serving():
            cluster.stop()
            state["before"] = load.count()
            try:
                refunds_stub.GetRefund(refunds_pb2.GetRefundRequest(refund_id="any"), metadata=agent, timeout=30)
                raise AssertionError("a read succeeded with the database stopped")
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.UNAVAILABLE, (error.code(), error.details())
            postgres_support.eventually(lambda: status() == health_pb2.HealthCheckResponse.NOT_SERVING,
                                        message="health stayed SERVING")

        def refunds_flow_again_once_it_is_back():
            cluster.start()
            postgres_support.eventually(lambda: status() == health_pb2.HealthCheckResponse.SERVING,
                                        message="health did not come back to SERVING")
            postgres_support.eventually(lambda: load.count() >= state["before"] + 20,
                                        message="no refund acknowledged after the outage")

        def nothing_acknowledged_is_lost():
            acknowledged, failures = load.stop()
            postgres_support.check_failures(failures)
            for refund_id in acknowledged:
                stored = refunds_stub.GetRefund(refunds_pb2.GetRefundRequest(refund_id=refund_id), metadata=agent,
                                                timeout=10)
                assert stored.refund_id == refund_id and stored.amount == postgres_support.money(1_000), stored
            assert cluster.psql("SELECT count(*) FROM (SELECT order_id FROM refunds GROUP BY order_id "
                                "HAVING count(*) > 1) AS twice") == "0"
            print(f"  {len(acknowledged)} refunds acknowledged, {len(failures)} calls failed UNAVAILABLE", flush=True)

        try:
            for name, check in [
                    ("refunds_flow_before_the_outage", refunds_flow_before_the_outage),
                    ("without_the_database_calls_fail_unavailable_and_health_is_not_serving",
                     without_the_database_calls_fail_unavailable_and_health_is_not_serving),
                    ("refunds_flow_again_once_it_is_back", refunds_flow_again_once_it_is_back),
                    ("nothing_acknowledged_is_lost", nothing_acknowledged_is_lost)]:
                checks.run(f"postgres refunds outage {name}", check)
        finally:
            load.stop()
    finally:
        for service in reversed(started):
            service.stop()
        cluster.remove()
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
