"""Contract tests of support.orders.v1.Orders from outside: a Python grpcio client generated from
proto/ drives the real `orders` executable over a real socket.

    python3 orders_contract.py --bin .build/debug
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


def timestamp(seconds_ago):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def money(minor, currency="EUR"):
    return common_pb2.Money(minor_units=minor, currency_code=currency)


def sample_order(order_id, customer="customer-py", currency="EUR"):
    return orders_pb2.Order(
        order_id=order_id, customer_id=customer,
        lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Kettle", quantity=2, unit_price=money(2500, currency))],
        payments=[orders_pb2.Payment(payment_id="p-" + order_id, amount=money(5000, currency), method="card",
                                     captured_at=timestamp(86400))],
        shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa", postal_code="1000-001",
                                            country_code="PT"),
        placed_at=timestamp(86400),
        fairness=common_pb2.FairnessAttributes(region="EU"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="orders-contract-")
    keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"), services=["orders"])
    process, port = support_stubs.start_service(
        os.path.join(args.bin, "orders"), os.path.join(work, "data"), *keys.flags("orders"))
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = orders_pb2_grpc.OrdersStub(channel)

    def as_(subject, role):
        return [("authorization", "Bearer " + keys.mint(subject, role))]

    service, customer, stranger, agent = (
        as_("storefront", "service"), as_("customer-py", "customer"), as_("customer-other", "customer"),
        as_("agent-py", "agent"))

    code_of = support_stubs.outcome_of

    checks = support_stubs.Checks()

    def health():
        response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="support.orders.v1.Orders"))
        assert response.status == health_pb2.HealthCheckResponse.SERVING, response

    def import_and_read():
        stored = stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="imp-1", order=sample_order("py-1")),
                                  metadata=service)
        assert stored.total == money(5000), stored.total
        assert stored.status == orders_pb2.ORDER_STATUS_PLACED
        read = stub.GetOrder(orders_pb2.GetOrderRequest(order_id="py-1"), metadata=customer)
        assert read == stored, (read, stored)
        status = stub.GetOrderStatus(orders_pb2.GetOrderStatusRequest(order_id="py-1"), metadata=customer)
        assert status.summary == "Your order py-1 has been placed and paid.", status.summary

    def access_is_enforced():
        assert code_of(lambda: stub.GetOrder(orders_pb2.GetOrderRequest(order_id="py-1")))[0] == \
            grpc.StatusCode.UNAUTHENTICATED
        assert code_of(lambda: stub.GetOrder(orders_pb2.GetOrderRequest(order_id="py-1"), metadata=stranger)) == \
            (grpc.StatusCode.NOT_FOUND, "order 'py-1' not found")
        assert code_of(lambda: stub.ImportOrder(
            orders_pb2.ImportOrderRequest(idempotency_key="x", order=sample_order("py-x")), metadata=customer))[0] == \
            grpc.StatusCode.PERMISSION_DENIED

    def issue_lifecycle():
        stub.RecordTrackingEvent(orders_pb2.RecordTrackingEventRequest(
            idempotency_key="t-1", order_id="py-1",
            event=orders_pb2.TrackingEvent(event_id="ev-1", carrier="DHL", tracking_number="T1",
                                           status=orders_pb2.TRACKING_STATUS_PICKED_UP, occurred_at=timestamp(3600))),
            metadata=as_("carrier", "service"))
        issue = stub.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key="r-1", order_id="py-1", category=orders_pb2.ISSUE_CATEGORY_SHIPPING_ANOMALY,
            description="crushed box"), metadata=customer)
        assert issue.state == orders_pb2.ISSUE_STATE_OPEN
        issue = stub.ClassifyIssue(orders_pb2.ClassifyIssueRequest(
            idempotency_key="c-1", issue_id=issue.issue_id, cause=orders_pb2.ISSUE_CAUSE_SHIPPING), metadata=agent)
        assert issue.resolution == orders_pb2.RESOLUTION_RESHIP
        assert issue.decision_rule.rule_id == "ORD-SHIPPING_ANOMALY-SHIPPING"
        assert issue.decision_rule.policy_version == "2026.11"
        issue = stub.ResolveIssue(orders_pb2.ResolveIssueRequest(idempotency_key="s-1", issue_id=issue.issue_id),
                                  metadata=agent)
        assert issue.state == orders_pb2.ISSUE_STATE_RESOLVED
        assert [entry.action for entry in issue.log] == ["reported", "classified", "resolved"]
        assert len(issue.notifications) == 2
        code, details = code_of(lambda: stub.ClassifyIssue(orders_pb2.ClassifyIssueRequest(
            idempotency_key="c-2", issue_id=issue.issue_id, cause=orders_pb2.ISSUE_CAUSE_SHIPPING), metadata=agent))
        assert code == grpc.StatusCode.FAILED_PRECONDITION, code
        assert details == f"issue {issue.issue_id} is RESOLVED; it can be classified only when OPEN", details

    def retries_are_idempotent():
        request = orders_pb2.ReportIssueRequest(idempotency_key="r-same", order_id="py-1",
                                                category=orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY, description="odd")
        first = stub.ReportIssue(request, metadata=customer)
        again = stub.ReportIssue(request, metadata=customer)
        assert first == again
        request.description = "different"
        assert code_of(lambda: stub.ReportIssue(request, metadata=customer))[0] == grpc.StatusCode.ALREADY_EXISTS

    def bad_input_is_refused():
        bad = sample_order("py-bad", currency="EURO")
        code, details = code_of(lambda: stub.ImportOrder(
            orders_pb2.ImportOrderRequest(idempotency_key="b-1", order=bad), metadata=service))
        assert code == grpc.StatusCode.INVALID_ARGUMENT and "ISO 4217" in details, (code, details)
        future = sample_order("py-future")
        future.placed_at.CopyFrom(timestamp(-3600))
        code, details = code_of(lambda: stub.ImportOrder(
            orders_pb2.ImportOrderRequest(idempotency_key="b-2", order=future), metadata=service))
        assert (code, details) == (grpc.StatusCode.INVALID_ARGUMENT, "order.placed_at is in the future"), details
        assert code_of(lambda: stub.GetOrder(orders_pb2.GetOrderRequest(order_id="py-bad"), metadata=agent))[0] == \
            grpc.StatusCode.NOT_FOUND

    def list_pages():
        for index in range(5):
            order = sample_order(f"py-list-{index}", customer="customer-list")
            order.placed_at.CopyFrom(timestamp(86400 * (index + 2)))
            stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key=f"l-{index}", order=order), metadata=service)
        seen, token = [], ""
        while True:
            page = stub.ListOrders(orders_pb2.ListOrdersRequest(
                customer_id="customer-list", page=common_pb2.PageRequest(page_size=2, page_token=token)), metadata=agent)
            seen += [order.order_id for order in page.orders]
            token = page.next_page_token
            if not token:
                break
        assert seen == [f"py-list-{index}" for index in range(5)], seen

    try:
        for name, check in [("health", health), ("import_and_read", import_and_read),
                            ("access_is_enforced", access_is_enforced), ("issue_lifecycle", issue_lifecycle),
                            ("retries_are_idempotent", retries_are_idempotent),
                            ("bad_input_is_refused", bad_input_is_refused), ("list_pages", list_pages)]:
            checks.run(f"orders {name}", check)
    finally:
        process.terminate()
        process.wait(timeout=30)
    if process.returncode != 0:
        print(f"FAIL orders exited {process.returncode} on SIGTERM")
        checks.failed += 1
    checks.exit()


if __name__ == "__main__":
    main()
