"""Orders on a PostgreSQL of its own (scripts/postgres.sh), which is stopped and started again
under the running service: while it is gone calls that need it fail UNAVAILABLE (not at their
deadline) and health reports NOT_SERVING; once it is back the service reconnects by itself,
reports SERVING and serves, and nothing acknowledged before the outage is lost.

    python3 postgres_outage.py --bin .build/debug
"""

import argparse
import os
import shutil
import subprocess
import tempfile
import time

import grpc

import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from standard_health import health_pb2, health_pb2_grpc  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTGRES = os.path.join(ROOT, "scripts", "postgres.sh")
BIN = "/usr/lib/postgresql/15/bin"


def as_owner(*command):
    """Runs a PostgreSQL command as the cluster's owner (postgres when we are root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + list(command), check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-outage-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = os.path.join(work, "pg")
    url = subprocess.check_output([POSTGRES, "start", cluster], text=True).strip()
    port = url.split("@127.0.0.1:")[1].split("/")[0]
    process = None
    checks = support_stubs.Checks()
    try:
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"), services=["orders"])
        process, service_port = support_stubs.start_service(
            os.path.join(args.bin, "orders"), os.path.join(work, "data"), *keys.flags("orders"),
            "--database-url", url)
        channel = grpc.insecure_channel(f"127.0.0.1:{service_port}")
        orders = orders_pb2_grpc.OrdersStub(channel)
        health = health_pb2_grpc.HealthStub(channel)
        storefront = [("authorization", "Bearer " + keys.mint("storefront", "service"))]
        agent = [("authorization", "Bearer " + keys.mint("agent-1", "agent"))]

        def status():
            return health.Check(health_pb2.HealthCheckRequest(service="support.orders.v1.Orders"), timeout=5).status

        def wait_for(expected, seconds=30):
            deadline = time.time() + seconds
            while time.time() < deadline:
                if status() == expected:
                    return True
                time.sleep(0.2)
            return False

        def order(order_id):
            placed = int(time.time()) - 86_400
            return orders_pb2.Order(
                order_id=order_id, customer_id="customer-1",
                lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Kettle", quantity=1,
                                            unit_price=common_pb2.Money(minor_units=2_500, currency_code="EUR"))],
                payments=[orders_pb2.Payment(payment_id="pay-" + order_id, method="card",
                                             amount=common_pb2.Money(minor_units=2_500, currency_code="EUR"),
                                             captured_at=timestamp_pb2.Timestamp(seconds=placed))],
                shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa",
                                                    postal_code="1000-001", country_code="PT"),
                placed_at=timestamp_pb2.Timestamp(seconds=placed))

        def before_outage():
            assert status() == health_pb2.HealthCheckResponse.SERVING
            orders.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="i-1", order=order("before")),
                               metadata=storefront, timeout=10)

        def during_outage():
            as_owner(os.path.join(BIN, "pg_ctl"), "-D", os.path.join(cluster, "data"), "-m", "fast", "-w", "stop")
            try:
                orders.GetOrder(orders_pb2.GetOrderRequest(order_id="before"), metadata=agent, timeout=30)
                raise AssertionError("a read succeeded with the database stopped")
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.UNAVAILABLE, (error.code(), error.details())
            assert wait_for(health_pb2.HealthCheckResponse.NOT_SERVING), "health stayed SERVING"

        def after_outage():
            as_owner(os.path.join(BIN, "pg_ctl"), "-D", os.path.join(cluster, "data"), "-l",
                     os.path.join(cluster, "server.log"), "-w", "start", "-o",
                     f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={cluster}")
            assert wait_for(health_pb2.HealthCheckResponse.SERVING), "health did not come back to SERVING"
            stored = orders.GetOrder(orders_pb2.GetOrderRequest(order_id="before"), metadata=agent, timeout=10)
            assert stored.order_id == "before", stored
            orders.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="i-2", order=order("after")),
                               metadata=storefront, timeout=10)

        for name, check in [("before_outage", before_outage), ("during_outage", during_outage),
                            ("after_outage", after_outage)]:
            checks.run(f"postgres outage {name}", check)
    finally:
        if process:
            process.terminate()
            process.wait(30)
        subprocess.run([POSTGRES, "stop", cluster], check=False)
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
