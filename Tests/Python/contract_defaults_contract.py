"""The defaults and limits documented in proto/ are what the running services do: each value is
read from the .proto comments (so the test follows the documentation, and fails when code and
documentation drift apart) and checked against the real `orders`, `oversight` and `inquiries`
executables through clients generated from proto/: page sizes, list limits, batch limits, text
lengths, the rate table's fractional digits, the top-categories cap, and "to defaults to now".

    python3 contract_defaults_contract.py --bin .build/debug
"""

import argparse
import os
import re
import tempfile
import time

import grpc

import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402

PROTO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto", "support")


def documented(path, message, pattern):
    """The groups of `pattern` in the comments of `message` in proto/support/`path`, as integers."""
    text = open(os.path.join(PROTO, path)).read()
    body = re.search(r"message " + message + r" \{(.*?)\n\}", text, re.S)
    assert body, f"{message} not in {path}"
    comments = " ".join(line.strip().lstrip("/").strip() for line in body.group(1).splitlines()
                        if line.strip().startswith("//"))
    found = re.search(pattern, comments)
    assert found, f"{message} in {path} no longer documents /{pattern}/: {comments}"
    return [int(group.replace(",", "")) if group.replace(",", "").isdigit() else group for group in found.groups()]


def timestamp(seconds_from_now):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() + seconds_from_now))
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="contract-defaults-")
    private, public = support_stubs.keygen(args.bin, os.path.join(work, "keys"))
    keys = ["--token-public-key", public, "--token-signing-key", private]
    data = os.path.join(work, "data")
    orders, orders_port = support_stubs.start_service(os.path.join(args.bin, "orders"), data, *keys)
    oversight, oversight_port = support_stubs.start_service(os.path.join(args.bin, "oversight"), data, *keys)
    inquiries, inquiries_port = support_stubs.start_service(os.path.join(args.bin, "inquiries"), data, *keys)
    processes = [orders, oversight, inquiries]

    def as_(subject, role):
        return [("authorization", "Bearer " + support_stubs.mint(args.bin, private, subject, role))]

    service, agent, auditor = as_("orders", "service"), as_("agent-py", "agent"), as_("auditor-py", "auditor")
    orders_stub = orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{orders_port}"))
    watch = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{oversight_port}"))
    ask = inquiries_pb2_grpc.InquiriesStub(grpc.insecure_channel(f"127.0.0.1:{inquiries_port}"))
    checks = support_stubs.Checks()

    code_of = support_stubs.code_of

    def page_size_default_and_cap():
        default, cap = documented("common/v1/common.proto", "PageRequest",
                                  r"0 means the service default \((\d+)\)\. At most ([\d,]+)\.")
        for n in range(cap + 1):
            orders_stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key=f"imp-{n}", order=orders_pb2.Order(
                order_id=f"def-{n}", customer_id="many-orders",
                lines=[orders_pb2.OrderLine(line_number=1, sku="SKU", title="Item", quantity=1,
                                            unit_price=common_pb2.Money(minor_units=100, currency_code="EUR"))],
                payments=[orders_pb2.Payment(payment_id=f"p-{n}", captured_at=timestamp(-3600),
                                             amount=common_pb2.Money(minor_units=100, currency_code="EUR"))],
                shipping_address=orders_pb2.Address(recipient="A", line1="L", city="C", postal_code="1",
                                                    country_code="PT"),
                placed_at=timestamp(-3600))), metadata=as_("storefront", "service"))

        def listed(size):
            return orders_stub.ListOrders(orders_pb2.ListOrdersRequest(
                customer_id="many-orders", page=common_pb2.PageRequest(page_size=size)), metadata=agent)
        unset = listed(0)
        assert len(unset.orders) == default and unset.next_page_token, (len(unset.orders), default)
        huge = listed(cap * 10)
        assert len(huge.orders) == cap and huge.next_page_token, (len(huge.orders), cap)
        assert len(listed(7).orders) == 7
        assert code_of(lambda: listed(-1)) == grpc.StatusCode.INVALID_ARGUMENT

    def event(n):
        return oversight_pb2.Event(
            event_id=f"orders:issue:def-{n}:1", source_service="orders", aggregate_type="issue",
            aggregate_id=f"def-{n}", aggregate_sequence=1, kind=oversight_pb2.EVENT_KIND_CASE_OPENED,
            occurred_at=timestamp(-60), customer_id="c", category="PROCESSING_DELAY")

    def record_events_batch_limit():
        (most,) = documented("oversight/v1/oversight.proto", "RecordEventsRequest", r"at most ([\d,]+)\.")
        too_many = oversight_pb2.RecordEventsRequest(events=[event(n) for n in range(most + 1)])
        assert code_of(lambda: watch.RecordEvents(too_many, metadata=service)) == grpc.StatusCode.INVALID_ARGUMENT
        for start in range(0, most + 1, most):
            batch = [event(n) for n in range(start, min(start + most, most + 1))]
            reply = watch.RecordEvents(oversight_pb2.RecordEventsRequest(events=batch), metadata=service)
            assert reply.accepted == len(batch), reply

    def audit_records_limit_default_and_cap():
        default, cap = documented("oversight/v1/oversight.proto", "ListAuditRecordsRequest",
                                  r"0 means ([\d,]+), at most ([\d,]+)\.")

        def listed(limit):
            return watch.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(limit=limit), metadata=auditor)
        assert len(listed(0).records) == default, len(listed(0).records)
        assert len(listed(cap * 10).records) == cap
        assert code_of(lambda: listed(-1)) == grpc.StatusCode.INVALID_ARGUMENT

    def report_to_defaults_to_now():
        (phrase,) = documented("oversight/v1/oversight.proto", "GetReportRequest", r"(defaults to now)")
        assert phrase == "defaults to now"
        only_from = watch.GetReport(oversight_pb2.GetReportRequest(**{"from": timestamp(-3600)}), metadata=auditor)
        both = watch.GetReport(oversight_pb2.GetReportRequest(**{"from": timestamp(-3600), "to": timestamp(1)}),
                               metadata=auditor)
        assert only_from.events == both.events and only_from.events > 0, (only_from.events, both.events)
        assert code_of(lambda: watch.GetReport(oversight_pb2.GetReportRequest(), metadata=auditor)) == \
            grpc.StatusCode.INVALID_ARGUMENT
        (phrase,) = documented("oversight/v1/oversight.proto", "GetAgentReportRequest", r"(defaults to now)")
        agents = watch.GetAgentReport(oversight_pb2.GetAgentReportRequest(**{"from": timestamp(-3600)}),
                                      metadata=auditor)
        assert agents.to.seconds >= int(time.time()) - 5, agents.to

    def audit_sample_size_range():
        low, high = documented("oversight/v1/oversight.proto", "CreateAuditSampleRequest",
                               r"How many records, ([\d,]+) to ([\d,]+)\.")

        def drawn(size, key):
            return watch.CreateAuditSample(oversight_pb2.CreateAuditSampleRequest(
                idempotency_key=key, seed=7, size=size, **{"from": timestamp(-3600), "to": timestamp(1)}),
                metadata=auditor)
        assert len(drawn(low, "s-low").items) == low
        assert len(drawn(high, "s-high").items) == high
        for size in (low - 1, high + 1):
            assert code_of(lambda: drawn(size, f"s-{size}")) == grpc.StatusCode.INVALID_ARGUMENT, size

    def issue_description_length():
        low, high = documented("orders/v1/orders.proto", "ReportIssueRequest",
                               r"What happened, ([\d,]+) to ([\d,]+) characters\.")

        def reported(text, key):
            return orders_stub.ReportIssue(orders_pb2.ReportIssueRequest(
                idempotency_key=key, order_id="def-0", category=orders_pb2.ISSUE_CATEGORY_PROCESSING_DELAY,
                description=text), metadata=agent)
        assert reported("x" * high, "len-high").description == "x" * high
        assert len(reported("y" * low, "len-low").description) == low
        for size in (low - 1, high + 1):
            assert code_of(lambda: reported("z" * size, f"len-{size}")) == grpc.StatusCode.INVALID_ARGUMENT, size

    def question_length():
        low, high = documented("inquiries/v1/inquiries.proto", "AskQuestionRequest",
                               r"The question, ([\d,]+) to ([\d,]+) characters\.")

        def asked(text, key):
            return ask.AskQuestion(inquiries_pb2.AskQuestionRequest(idempotency_key=key, question=text),
                                   metadata=agent)
        assert code_of(lambda: asked("q" * high, "q-high")) == grpc.StatusCode.OK
        for size in (low - 1, high + 1):
            assert code_of(lambda: asked("q" * size, f"q-{size}")) == grpc.StatusCode.INVALID_ARGUMENT, size

    def rate_fraction_digits():
        (most,) = documented("inquiries/v1/inquiries.proto", "CurrencyRate", r"at most (\d+) fractional digits")

        def published(rate, key):
            return ask.PublishRateTable(inquiries_pb2.PublishRateTableRequest(
                idempotency_key=key, base_currency="EUR",
                rates=[inquiries_pb2.CurrencyRate(currency_code="EUR", minor_digits=2, units_per_base="1"),
                       inquiries_pb2.CurrencyRate(currency_code="USD", minor_digits=2, units_per_base=rate)]),
                metadata=agent)
        assert code_of(lambda: published("1." + "1" * most, "fx-ok")) == grpc.StatusCode.OK
        assert code_of(lambda: published("1." + "1" * (most + 1), "fx-long")) == grpc.StatusCode.INVALID_ARGUMENT

    def top_categories_cap():
        (most,) = documented("oversight/v1/oversight.proto", "Report",
                             r"most common issue categories, most frequent first \(at most (\d+)\)")
        opened = [oversight_pb2.Event(
            event_id=f"orders:issue:cat-{n}:1", source_service="orders", aggregate_type="issue",
            aggregate_id=f"cat-{n}", aggregate_sequence=1, kind=oversight_pb2.EVENT_KIND_CASE_OPENED,
            occurred_at=timestamp(-30), customer_id="c", category=f"CATEGORY_{n}") for n in range(most + 2)]
        watch.RecordEvents(oversight_pb2.RecordEventsRequest(events=opened), metadata=service)
        report = watch.GetReport(oversight_pb2.GetReportRequest(**{"from": timestamp(-3600)}), metadata=auditor)
        assert len(report.top_categories) == most, report.top_categories

    try:
        for name, check in [("page_size_default_and_cap", page_size_default_and_cap),
                            ("issue_description_length", issue_description_length),
                            ("record_events_batch_limit", record_events_batch_limit),
                            ("audit_records_limit_default_and_cap", audit_records_limit_default_and_cap),
                            ("report_to_defaults_to_now", report_to_defaults_to_now),
                            ("audit_sample_size_range", audit_sample_size_range),
                            ("question_length", question_length), ("rate_fraction_digits", rate_fraction_digits),
                            ("top_categories_cap", top_categories_cap)]:
            checks.run(f"contract defaults {name}", check)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
    checks.exit()


if __name__ == "__main__":
    main()
