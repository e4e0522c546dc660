"""Text limits count UTF-8 bytes as well as characters, tried from outside: a Python grpcio client
generated from proto/ sends the real `orders` executable texts of few characters but many bytes
(one grapheme cluster of combining marks), which are refused with INVALID_ARGUMENT, while texts at
the limit pass and the service keeps serving. A NUL character in any request string (free text,
an id, a nested field) is INVALID_ARGUMENT naming the field, on SQLite and PostgreSQL alike.

    python3 text_limits_contract.py --bin .build/debug
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

# One "character" (grapheme cluster) of 2 * n + 1 UTF-8 bytes: "e" and n combining acute accents.
def one_character(marks):
    return "e" + "\u0301" * marks


def timestamp(seconds_ago):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="text-limits-")
    private, public = support_stubs.keygen(args.bin, os.path.join(work, "keys"))
    process, port = support_stubs.start_service(
        os.path.join(args.bin, "orders"), os.path.join(work, "data"), "--token-public-key", public)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 8 << 20)])
    stub = orders_pb2_grpc.OrdersStub(channel)
    service = [("authorization", "Bearer " + support_stubs.mint(args.bin, private, "storefront", "service"))]
    customer = [("authorization", "Bearer " + support_stubs.mint(args.bin, private, "customer-py", "customer"))]
    checks = support_stubs.Checks()
    keys = iter(range(1_000_000))

    def report(description):
        return stub.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key=f"r-{next(keys)}", order_id="py-text", category=orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY,
            description=description), metadata=customer)

    code_of = support_stubs.outcome_of

    def setup():
        money = common_pb2.Money(minor_units=5000, currency_code="EUR")
        stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="imp", order=orders_pb2.Order(
            order_id="py-text", customer_id="customer-py",
            lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Kettle", quantity=1, unit_price=money)],
            payments=[orders_pb2.Payment(payment_id="p-text", amount=money, method="card", captured_at=timestamp(86400))],
            shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa",
                                                postal_code="1000-001", country_code="PT"),
            placed_at=timestamp(86400), fairness=common_pb2.FairnessAttributes(region="EU"))), metadata=service)

    def texts_at_the_limit_pass():
        assert report("a" * 4000).state == orders_pb2.ISSUE_STATE_OPEN
        # 4,000 characters of 4 bytes each: exactly 16,000 bytes.
        assert report("\U0001F4E6" * 4000).state == orders_pb2.ISSUE_STATE_OPEN

    def one_character_of_many_bytes_is_refused():
        for marks in (8_000, 1_900_000):  # 16,001 bytes; 3.8 MB, just under the 4 MiB message limit
            text = one_character(marks)
            assert len(text.encode()) == 2 * marks + 1
            code, details = code_of(lambda: report(text))
            assert code == grpc.StatusCode.INVALID_ARGUMENT, (code, details)
            assert "16000 UTF-8 bytes" in details, details

    def too_many_characters_is_refused():
        code, details = code_of(lambda: report("a" * 4001))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, (code, details)

    def nul_is_refused_naming_the_field():
        # U+0000 in any request string (PostgreSQL cannot store it): INVALID_ARGUMENT naming the
        # field by number, on every backend, in free text, in an id and in a nested message.
        def field(message, name):
            return message.DESCRIPTOR.fields_by_name[name].number

        code, details = code_of(lambda: report("broken\x00kettle"))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, (code, details)
        assert f"string field {field(orders_pb2.ReportIssueRequest, 'description')} holds a NUL" in details, details
        code, details = code_of(lambda: stub.GetOrder(orders_pb2.GetOrderRequest(order_id="py\x00text"),
                                                      metadata=customer))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, (code, details)
        assert f"string field {field(orders_pb2.GetOrderRequest, 'order_id')} holds a NUL" in details, details
        code, details = code_of(lambda: stub.ImportOrder(orders_pb2.ImportOrderRequest(
            idempotency_key="imp-nul", order=orders_pb2.Order(
                order_id="py-nul", customer_id="customer-py",
                shipping_address=orders_pb2.Address(city="Lis\x00boa"))), metadata=service))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, (code, details)
        assert f"string field {field(orders_pb2.Address, 'city')} holds a NUL" in details, details

    def still_serving():
        response = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="support.orders.v1.Orders"))
        assert response.status == health_pb2.HealthCheckResponse.SERVING, response
        issues = stub.GetOrder(orders_pb2.GetOrderRequest(order_id="py-text"), metadata=customer)
        assert issues.order_id == "py-text"

    try:
        for name, check in [("setup", setup), ("texts_at_the_limit_pass", texts_at_the_limit_pass),
                            ("one_character_of_many_bytes_is_refused", one_character_of_many_bytes_is_refused),
                            ("too_many_characters_is_refused", too_many_characters_is_refused),
                            ("nul_is_refused_naming_the_field", nul_is_refused_naming_the_field),
                            ("still_serving", still_serving)]:
            checks.run(f"text limits {name}", check)
    finally:
        process.terminate()
        process.wait(timeout=30)
    if process.returncode != 0:
        print(f"FAIL orders exited {process.returncode} on SIGTERM")
        checks.failed += 1
    checks.exit()


if __name__ == "__main__":
    main()
