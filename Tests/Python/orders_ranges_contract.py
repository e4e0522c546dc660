"""Range checks of support.orders.v1.Orders from outside: a Python grpcio client sends the real
`orders` executable times outside google.protobuf.Timestamp's range (an account created at
INT64_MAX seconds, which used to kill the process) and gets INVALID_ARGUMENT naming the field,
while the process keeps serving and still exits cleanly on SIGTERM.

    python3 orders_ranges_contract.py --bin .build/debug
"""

import argparse
import os
import tempfile
import time

import grpc

import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from standard_health import health_pb2, health_pb2_grpc  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def timestamp(seconds_ago):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def order(order_id):
    money = common_pb2.Money(minor_units=5000, currency_code="EUR")
    return orders_pb2.Order(
        order_id=order_id, customer_id="customer-py",
        lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Kettle", quantity=2,
                                    unit_price=common_pb2.Money(minor_units=2500, currency_code="EUR"))],
        payments=[orders_pb2.Payment(payment_id="p-" + order_id, amount=money, method="card",
                                     captured_at=timestamp(86400))],
        shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa", postal_code="1000-001",
                                            country_code="PT"),
        placed_at=timestamp(86400), fairness=common_pb2.FairnessAttributes(region="EU"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="orders-ranges-")
    private, public = support_stubs.keygen(args.bin, os.path.join(work, "keys"))
    process, port = support_stubs.start_service(
        os.path.join(args.bin, "orders"), os.path.join(work, "data"), "--token-public-key", public)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = orders_pb2_grpc.OrdersStub(channel)
    service = [("authorization", "Bearer " + support_stubs.mint(args.bin, private, "storefront", "service"))]
    agent = [("authorization", "Bearer " + support_stubs.mint(args.bin, private, "agent-py", "agent"))]
    checks = support_stubs.Checks()

    def refused(request):
        try:
            stub.ImportOrder(request, metadata=service, timeout=10)
        except grpc.RpcError as error:
            return error.code(), error.details()
        raise AssertionError("the out-of-range order was accepted")

    def serving():
        assert process.poll() is None, f"orders exited with {process.returncode}"
        health = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="support.orders.v1.Orders"), timeout=10)
        assert health.status == health_pb2.HealthCheckResponse.SERVING, health

    def account_created_at_int64_max():
        bad = order("py-range-1")
        bad.fairness.account_created_at.seconds = INT64_MAX
        code, details = refused(orders_pb2.ImportOrderRequest(idempotency_key="range-1", order=bad))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, (code, details)
        assert details == (
            "order.fairness.account_created_at (9223372036854775807 seconds since 1970) is outside the range of "
            "google.protobuf.Timestamp, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"), details
        serving()

    def other_times_out_of_range():
        for field, seconds, nanos in [("placed_at", INT64_MIN, 0), ("shipped_at", 253_402_300_800, 0),
                                      ("placed_at", 1_700_000_000, -1)]:
            bad = order(f"py-range-{field}-{seconds}")
            getattr(bad, field).seconds = seconds
            getattr(bad, field).nanos = nanos
            code, details = refused(orders_pb2.ImportOrderRequest(idempotency_key=f"r-{field}-{seconds}", order=bad))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and details.startswith(f"order.{field}"), (code, details)
        serving()

    def still_imports_and_reads():
        stored = stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="ok-1", order=order("py-ok")),
                                  metadata=service, timeout=10)
        read = stub.GetOrder(orders_pb2.GetOrderRequest(order_id="py-ok"), metadata=agent, timeout=10)
        assert read == stored, (read, stored)

    try:
        for name, check in [("account_created_at_int64_max", account_created_at_int64_max),
                            ("other_times_out_of_range", other_times_out_of_range),
                            ("still_imports_and_reads", still_imports_and_reads)]:
            checks.run(f"orders ranges {name}", check)
    finally:
        process.terminate()
        process.wait(timeout=30)
    if process.returncode != 0:
        print(f"FAIL orders exited {process.returncode} on SIGTERM")
        checks.failed += 1
    checks.exit()


if __name__ == "__main__":
    main()
