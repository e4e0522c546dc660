"""Contract tests of support.returns.v1.Returns and support.refunds.v1.Refunds from outside:
Python grpcio clients generated from proto/ drive the real `orders`, `refunds` and `returns`
executables, wired to each other, over real sockets.

    python3 post_purchase_contract.py --bin .build/debug
"""

import argparse
import os
import tempfile
import time

import grpc

import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402
from support.returns.v1 import returns_pb2, returns_pb2_grpc  # noqa: E402

DAY = 86400


def timestamp(seconds_ago):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def money(minor, currency="EUR"):
    return common_pb2.Money(minor_units=minor, currency_code=currency)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="post-purchase-contract-")
    keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"))
    data = os.path.join(work, "data")
    processes = []
    oversight, oversight_port = support_stubs.start_service(os.path.join(args.bin, "oversight"), data, *keys.flags("oversight"))
    processes.append(oversight)
    watched = ["--peer", f"oversight=127.0.0.1:{oversight_port}"]
    orders, orders_port = support_stubs.start_service(os.path.join(args.bin, "orders"), data, *keys.flags("orders"), *watched)
    processes.append(orders)
    refunds, refunds_port = support_stubs.start_service(
        os.path.join(args.bin, "refunds"), data, *keys.flags("refunds"), "--peer", f"orders=127.0.0.1:{orders_port}", *watched)
    processes.append(refunds)
    returns, returns_port = support_stubs.start_service(
        os.path.join(args.bin, "returns"), data, *keys.flags("returns"), "--peer", f"orders=127.0.0.1:{orders_port}",
        "--peer", f"refunds=127.0.0.1:{refunds_port}", *watched)
    processes.append(returns)

    def as_(subject, role):
        return [("authorization", "Bearer " + keys.mint(subject, role))]

    service, customer, stranger, agent = (
        as_("storefront", "service"), as_("customer-py", "customer"), as_("customer-other", "customer"),
        as_("agent-py", "agent"))
    orders_stub = orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{orders_port}"))
    refunds_stub = refunds_pb2_grpc.RefundsStub(grpc.insecure_channel(f"127.0.0.1:{refunds_port}"))
    returns_stub = returns_pb2_grpc.ReturnsStub(grpc.insecure_channel(f"127.0.0.1:{returns_port}"))
    watch = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{oversight_port}"))
    auditor = as_("auditor-py", "auditor")
    carrier, payments = as_("carrier", "service"), as_("payments", "service")

    def delivered_order(order_id, days_ago):
        placed = days_ago + 3
        orders_stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="imp-" + order_id, order=orders_pb2.Order(
            order_id=order_id, customer_id="customer-py",
            lines=[orders_pb2.OrderLine(line_number=1, sku="KET", title="Kettle", quantity=2, unit_price=money(2500))],
            payments=[orders_pb2.Payment(payment_id="p-" + order_id, amount=money(5000), captured_at=timestamp(placed * DAY))],
            shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa", postal_code="1000",
                                                country_code="PT"),
            placed_at=timestamp(placed * DAY))), metadata=service)
        for status, ago in [(orders_pb2.TRACKING_STATUS_PICKED_UP, placed - 1), (orders_pb2.TRACKING_STATUS_DELIVERED, days_ago)]:
            orders_stub.RecordTrackingEvent(orders_pb2.RecordTrackingEventRequest(
                idempotency_key=f"t-{order_id}-{status}", order_id=order_id,
                event=orders_pb2.TrackingEvent(event_id=f"{order_id}-{status}", carrier="DHL", status=status,
                                               occurred_at=timestamp(ago * DAY))), metadata=carrier)

    code_of = support_stubs.outcome_of

    checks = support_stubs.Checks()

    def eligibility_boundary():
        delivered_order("pp-60", 60)
        delivered_order("pp-61", 61)
        sixty = returns_stub.CheckEligibility(returns_pb2.CheckEligibilityRequest(order_id="pp-60"), metadata=customer)
        assert sixty.eligible and sixty.days_since_delivery == 60, sixty
        assert sixty.rule.rule_id == "RET-WINDOW-60D"
        late = returns_stub.CheckEligibility(returns_pb2.CheckEligibilityRequest(order_id="pp-61"), metadata=customer)
        assert not late.eligible and late.route == returns_pb2.ELIGIBILITY_ROUTE_NONE, late
        assert code_of(lambda: returns_stub.CheckEligibility(
            returns_pb2.CheckEligibilityRequest(order_id="pp-60"), metadata=stranger))[0] == grpc.StatusCode.NOT_FOUND

    def return_to_refund():
        delivered_order("pp-1", 5)
        opened = returns_stub.RequestReturn(returns_pb2.RequestReturnRequest(
            idempotency_key="open", order_id="pp-1", reason=returns_pb2.RETURN_REASON_SHIPPING_DAMAGE,
            remedy=returns_pb2.RETURN_REMEDY_REFUND, lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)],
            description="dented"), metadata=customer)
        assert opened.state == returns_pb2.RETURN_STATE_REQUESTED
        assert opened.label.customer_cost == money(0), opened.label
        returns_stub.RecordReceipt(returns_pb2.RecordReceiptRequest(idempotency_key="rcv", return_id=opened.return_id),
                                   metadata=agent)
        inspected = returns_stub.RecordInspection(returns_pb2.RecordInspectionRequest(
            idempotency_key="insp", return_id=opened.return_id, finding=returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON),
            metadata=agent)
        assert inspected.state == returns_pb2.RETURN_STATE_REFUND_REQUESTED, inspected.state
        refund = refunds_stub.GetRefund(refunds_pb2.GetRefundRequest(refund_id=inspected.refund_id), metadata=customer)
        assert refund.amount == money(2500) and refund.state == refunds_pb2.REFUND_STATE_PENDING, refund
        assert refund.expected_by.seconds - refund.approved_at.seconds == 10 * DAY
        balance = refunds_stub.GetRefundBalance(refunds_pb2.GetRefundBalanceRequest(order_id="pp-1"), metadata=agent)
        assert balance.refundable == money(2500) and balance.in_progress == money(2500), balance

    def refunds_never_exceed_paid():
        delivered_order("pp-2", 5)
        first = refunds_stub.CreateRefund(refunds_pb2.CreateRefundRequest(
            idempotency_key="r1", order_id="pp-2", amount=money(4000),
            source=refunds_pb2.RefundSource(agent_note="goodwill")), metadata=agent)
        again = refunds_stub.CreateRefund(refunds_pb2.CreateRefundRequest(
            idempotency_key="r1", order_id="pp-2", amount=money(4000),
            source=refunds_pb2.RefundSource(agent_note="goodwill")), metadata=agent)
        assert first == again
        code, details = code_of(lambda: refunds_stub.CreateRefund(refunds_pb2.CreateRefundRequest(
            idempotency_key="r2", order_id="pp-2", amount=money(1001),
            source=refunds_pb2.RefundSource(agent_note="more")), metadata=agent))
        assert code == grpc.StatusCode.FAILED_PRECONDITION and "exceeds what remains refundable" in details, details
        done = refunds_stub.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
            idempotency_key="o1", refund_id=first.refund_id, completed_reference="psp-1"), metadata=payments)
        assert done.state == refunds_pb2.REFUND_STATE_COMPLETED

    def import_delivered(order_id, lines, paid):
        """Imports a delivered order of `lines` (quantity, unit price) that paid `paid`."""
        orders_stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="imp-" + order_id, order=orders_pb2.Order(
            order_id=order_id, customer_id="customer-py",
            lines=[orders_pb2.OrderLine(line_number=n + 1, sku=f"SKU-{n}", title="Item", quantity=q,
                                        unit_price=money(price)) for n, (q, price) in enumerate(lines)],
            payments=[orders_pb2.Payment(payment_id="p-" + order_id, amount=money(paid), captured_at=timestamp(9 * DAY))],
            shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa", postal_code="1000",
                                                country_code="PT"),
            placed_at=timestamp(9 * DAY))), metadata=service)
        for status, ago in [(orders_pb2.TRACKING_STATUS_PICKED_UP, 8), (orders_pb2.TRACKING_STATUS_DELIVERED, 5)]:
            orders_stub.RecordTrackingEvent(orders_pb2.RecordTrackingEventRequest(
                idempotency_key=f"t-{order_id}-{status}", order_id=order_id,
                event=orders_pb2.TrackingEvent(event_id=f"{order_id}-{status}", carrier="DHL", status=status,
                                               occurred_at=timestamp(ago * DAY))), metadata=carrier)

    def return_and_approve(order_id, line_number, key):
        opened = returns_stub.RequestReturn(returns_pb2.RequestReturnRequest(
            idempotency_key="open-" + key, order_id=order_id, reason=returns_pb2.RETURN_REASON_CHANGED_MIND,
            remedy=returns_pb2.RETURN_REMEDY_REFUND, lines=[returns_pb2.ReturnLine(line_number=line_number, quantity=1)],
            description="changed my mind"), metadata=customer)
        returns_stub.RecordReceipt(returns_pb2.RecordReceiptRequest(idempotency_key="rcv-" + key,
                                                                    return_id=opened.return_id), metadata=agent)
        return returns_stub.RecordInspection(returns_pb2.RecordInspectionRequest(
            idempotency_key="insp-" + key, return_id=opened.return_id,
            finding=returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON), metadata=agent)

    def discounted_order_refunds_each_unit_its_share():
        # Two lines of 50.00 paid 80.00 (a discount): each returned line refunds 40.00, and both
        # together exactly what was paid.
        import_delivered("pp-disc", [(1, 5000), (1, 5000)], 8000)
        facts = orders_stub.GetPurchaseFacts(orders_pb2.GetPurchaseFactsRequest(order_id="pp-disc"), metadata=agent)
        assert [line.paid_share for line in facts.lines] == [money(4000), money(4000)], facts.lines
        first = return_and_approve("pp-disc", 1, "disc-1")
        second = return_and_approve("pp-disc", 2, "disc-2")
        for approved in (first, second):
            assert approved.state == returns_pb2.RETURN_STATE_REFUND_REQUESTED, approved
            assert approved.refund_amount == money(4000), approved.refund_amount
            refund = refunds_stub.GetRefund(refunds_pb2.GetRefundRequest(refund_id=approved.refund_id), metadata=agent)
            assert refund.amount == money(4000), refund
        balance = refunds_stub.GetRefundBalance(refunds_pb2.GetRefundBalanceRequest(order_id="pp-disc"), metadata=agent)
        assert balance.in_progress == money(8000) and balance.refundable == money(0), balance

    def one_refund_per_return():
        import_delivered("pp-once", [(2, 1999)], 3998)
        approved = return_and_approve("pp-once", 1, "once")
        assert approved.state == returns_pb2.RETURN_STATE_REFUND_REQUESTED, approved
        code, details = code_of(lambda: refunds_stub.CreateRefund(refunds_pb2.CreateRefundRequest(
            idempotency_key="agent-second", order_id="pp-once", amount=money(1),
            source=refunds_pb2.RefundSource(return_id=approved.return_id)), metadata=agent))
        assert code == grpc.StatusCode.ALREADY_EXISTS and approved.refund_id in details, (code, details)
        listed = refunds_stub.ListRefunds(refunds_pb2.ListRefundsRequest(order_id="pp-once"), metadata=agent)
        assert [r.refund_id for r in listed.refunds] == [approved.refund_id], listed

    def refused_refund_is_blocked_for_an_agent():
        # An agent refunds the whole order first; the return's refund is then refused for good: the
        # return is REFUND_BLOCKED (not retried), the customer is told, and agents see it queued.
        import_delivered("pp-block", [(1, 3000)], 3000)
        refunds_stub.CreateRefund(refunds_pb2.CreateRefundRequest(
            idempotency_key="goodwill-all", order_id="pp-block", amount=money(3000),
            source=refunds_pb2.RefundSource(agent_note="goodwill")), metadata=agent)
        blocked = return_and_approve("pp-block", 1, "block")
        assert blocked.state == returns_pb2.RETURN_STATE_REFUND_BLOCKED, blocked
        assert not blocked.refund_id
        assert "support agent is arranging it" in blocked.notifications[-1].text, blocked.notifications
        assert blocked.timeline[-1].action == "refund_blocked" and "FAILED_PRECONDITION" in blocked.timeline[-1].detail
        queue = returns_stub.ListReturns(returns_pb2.ListReturnsRequest(state=returns_pb2.RETURN_STATE_REFUND_BLOCKED),
                                         metadata=agent)
        assert blocked.return_id in [r.return_id for r in queue.returns], queue
        assert code_of(lambda: returns_stub.ListReturns(returns_pb2.ListReturnsRequest(
            state=returns_pb2.RETURN_STATE_REFUND_BLOCKED), metadata=customer))[0] == grpc.StatusCode.PERMISSION_DENIED
        again = returns_stub.GetReturn(returns_pb2.GetReturnRequest(return_id=blocked.return_id), metadata=customer)
        assert again.state == returns_pb2.RETURN_STATE_REFUND_BLOCKED, again

    def decisions_on_record():
        # Every decision reaches the audit log, favorable or not: the refused request, the
        # "not eligible" answer, the blocked refund and Refunds' refusals; the fairness report
        # counts the refusals.
        code, details = code_of(lambda: returns_stub.RequestReturn(returns_pb2.RequestReturnRequest(
            idempotency_key="late", order_id="pp-61", reason=returns_pb2.RETURN_REASON_CHANGED_MIND,
            remedy=returns_pb2.RETURN_REMEDY_REFUND, lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)]),
            metadata=customer))
        assert code == grpc.StatusCode.FAILED_PRECONDITION and "RET-WINDOW-60D" in details, (code, details)
        wanted = {("returns", "eligibility_check", "NOT_ELIGIBLE"), ("returns", "eligibility_check", "ELIGIBLE"),
                  ("returns", "return", "NOT_ELIGIBLE"), ("returns", "return", "REFUSED"),
                  ("refunds", "refund_request", "REFUSED")}
        deadline = time.time() + 30
        seen = set()
        while time.time() < deadline and not wanted <= seen:
            records, start = [], 1
            while True:
                page = watch.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(from_sequence=start, limit=1000),
                                              metadata=auditor)
                records += page.records
                if not page.next_sequence:
                    break
                start = page.next_sequence
            seen = {(r.event.source_service, r.event.aggregate_type, r.event.decision.outcome)
                    for r in records if r.event.kind == oversight_pb2.EVENT_KIND_DECISION}
            time.sleep(0.3)
        assert wanted <= seen, wanted - seen
        refusals = [r.event for r in records if r.event.kind == oversight_pb2.EVENT_KIND_DECISION
                    and not r.event.decision.favorable]
        assert all(event.decision.rule.rule_id and event.decision.rule.policy_version for event in refusals), refusals
        report = watch.GetReport(oversight_pb2.GetReportRequest(**{"from": timestamp(DAY), "to": timestamp(-60)}),
                                 metadata=auditor)
        regions = next(d for d in report.fairness.dimensions if d.dimension == "region")
        assert sum(g.unfavorable for g in regions.groups) >= len(refusals) > 0, (regions, len(refusals))
        assert report.fairness.overall_refusal_rate_ppm > 0, report.fairness

    def bad_input_is_refused():
        assert code_of(lambda: returns_stub.RequestReturn(returns_pb2.RequestReturnRequest(
            idempotency_key="b1", order_id="pp-1", lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)]),
            metadata=customer))[0] == grpc.StatusCode.INVALID_ARGUMENT
        assert code_of(lambda: refunds_stub.CreateRefund(refunds_pb2.CreateRefundRequest(
            idempotency_key="b2", order_id="pp-1", amount=money(10, "XXX"),
            source=refunds_pb2.RefundSource(agent_note="x")), metadata=agent))[0] == grpc.StatusCode.INVALID_ARGUMENT
        assert code_of(lambda: refunds_stub.GetRefund(refunds_pb2.GetRefundRequest(refund_id="x")))[0] == \
            grpc.StatusCode.UNAUTHENTICATED
        assert code_of(lambda: refunds_stub.MarkProcessing(refunds_pb2.MarkProcessingRequest(
            idempotency_key="m", refund_id="x", payment_reference="p"), metadata=customer))[0] == \
            grpc.StatusCode.PERMISSION_DENIED

    try:
        for name, check in [("eligibility_boundary", eligibility_boundary), ("return_to_refund", return_to_refund),
                            ("refunds_never_exceed_paid", refunds_never_exceed_paid),
                            ("discounted_order_refunds_each_unit_its_share",
                             discounted_order_refunds_each_unit_its_share),
                            ("one_refund_per_return", one_refund_per_return),
                            ("refused_refund_is_blocked_for_an_agent", refused_refund_is_blocked_for_an_agent),
                            ("decisions_on_record", decisions_on_record),
                            ("bad_input_is_refused", bad_input_is_refused)]:
            checks.run(f"post-purchase {name}", check)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
    checks.exit()


if __name__ == "__main__":
    main()
