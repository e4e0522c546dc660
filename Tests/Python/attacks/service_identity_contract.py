#!/usr/bin/env python3
"""Which service may do what, tried from outside against the five executables started as
`make run` starts them, with the demo data loaded (the red-team findings of issue 12):

- any_service_approves_returns: a service token of another service (Inquiries' own key, or the
  identity provider's "storefront") may not record a return's receipt or inspection (which
  approves it and creates its refund), nor mark a refund processing or report it COMPLETED; the
  warehouse and the payment side, whose calls these are, may.
- forged_refund_sla: neither the storefront nor Inquiries can record a REFUND_FINISHED event for
  a refund: only Refunds owns refund events, so the refund SLA figure does not move.
- case_owner_taken: neither can record an event for "order/DEMO-HUGO-1" naming another customer:
  only Orders owns order events, so that customer still may not rate Hugo's order.
- lookalike_customer: a customer token whose subject is "cust-\u212a" (KELVIN SIGN, equal to
  "cust-K" as a Swift string, not as bytes) is refused, and never sees cust-K's order (an outside
  review of the nineteenth session found it was shown that order and could report issues on it).

    service_identity_contract.py --bin BIN [--case NAME[,NAME...]]
"""
import argparse
import os
import sys
import time
import uuid

from attack_common import Suite

import grpc  # noqa: E402
from google.protobuf.timestamp_pb2 import Timestamp  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402
from support.returns.v1 import returns_pb2, returns_pb2_grpc  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
import demo_data  # noqa: E402


def metadata(token):
    return [("authorization", "Bearer " + token)]


def key():
    return str(uuid.uuid4())


def stub(suite, module, name, service):
    return getattr(module, name)(grpc.insecure_channel(f"127.0.0.1:{suite.ports[service]}"))


def strangers(suite):
    """Service tokens of callers that own none of the calls tried: Inquiries' own key, and the
    identity provider's storefront."""
    return {"inquiries": metadata(suite.token("inquiries", "service", suite.keys.key("inquiries"))),
            "storefront": metadata(suite.token("storefront", "service"))}


def denied(call):
    try:
        call()
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error
        return error.details()
    raise AssertionError("the call was allowed")


def finished_refund_records(suite, refund_id):
    """The REFUND_FINISHED records Oversight's audit log holds for `refund_id`, read as an auditor."""
    oversight = stub(suite, oversight_pb2_grpc, "OversightStub", "oversight")
    records = oversight.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(aggregate_id=refund_id),
                                         metadata=metadata(suite.token("audit-1", "auditor")), timeout=10).records
    return [r for r in records if r.event.kind == oversight_pb2.EVENT_KIND_REFUND_FINISHED]


def any_service_approves_returns(suite):
    returns = stub(suite, returns_pb2_grpc, "ReturnsStub", "returns")
    refunds = stub(suite, refunds_pb2_grpc, "RefundsStub", "refunds")
    opened = returns.RequestReturn(returns_pb2.RequestReturnRequest(
        idempotency_key=key(), order_id="DEMO-ANA-1", lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)],
        reason=1, remedy=1, description="broken"), metadata=metadata(suite.token("ana", "customer")), timeout=10)
    for name, caller in strangers(suite).items():
        details = denied(lambda: returns.RecordReceipt(returns_pb2.RecordReceiptRequest(
            idempotency_key=key(), return_id=opened.return_id), metadata=caller, timeout=10))
        assert f"the service {name} may not call RecordReceipt" in details, details
        denied(lambda: returns.RecordInspection(returns_pb2.RecordInspectionRequest(
            idempotency_key=key(), return_id=opened.return_id, finding=1), metadata=caller, timeout=10))
    warehouse = metadata(suite.token("warehouse", "service"))
    returns.RecordReceipt(returns_pb2.RecordReceiptRequest(idempotency_key=key(), return_id=opened.return_id),
                          metadata=warehouse, timeout=10)
    approved = returns.RecordInspection(returns_pb2.RecordInspectionRequest(
        idempotency_key=key(), return_id=opened.return_id, finding=1), metadata=warehouse, timeout=10)
    assert approved.refund_id, approved
    for caller in list(strangers(suite).values()) + [warehouse]:
        denied(lambda: refunds.MarkProcessing(refunds_pb2.MarkProcessingRequest(
            idempotency_key=key(), refund_id=approved.refund_id, payment_reference="made-up"), metadata=caller,
            timeout=10))
        denied(lambda: refunds.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
            idempotency_key=key(), refund_id=approved.refund_id, completed_reference="made-up"), metadata=caller,
            timeout=10))
    payments = metadata(suite.token("payments", "service"))
    done = refunds.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
        idempotency_key=key(), refund_id=approved.refund_id, completed_reference="psp-1"), metadata=payments,
        timeout=10)
    assert done.state == refunds_pb2.REFUND_STATE_COMPLETED, done
    # The completion reaches Oversight through Refunds' outbox: wait for it, so that no later case
    # sees the refund SLA move on its account.
    deadline = time.monotonic() + 60
    while not finished_refund_records(suite, approved.refund_id):
        assert time.monotonic() < deadline, "the refund's completion never reached Oversight"
        time.sleep(0.1)


def forged_refund_sla(suite):
    refunds = stub(suite, refunds_pb2_grpc, "RefundsStub", "refunds")
    oversight = stub(suite, oversight_pb2_grpc, "OversightStub", "oversight")
    auditor = metadata(suite.token("audit-1", "auditor"))
    refund = refunds.CreateRefund(refunds_pb2.CreateRefundRequest(
        idempotency_key=key(), order_id="DEMO-BEN-1", amount=common_pb2.Money(minor_units=100, currency_code="EUR"),
        source=refunds_pb2.RefundSource(agent_note="goodwill")), metadata=metadata(suite.token("agent-1", "agent")),
        timeout=10)
    now = int(time.time())
    period = {"from": Timestamp(seconds=now - 86400), "to": Timestamp(seconds=now + 86400)}

    def on_time():
        return oversight.GetReport(oversight_pb2.GetReportRequest(**period), metadata=auditor, timeout=10).refund_sla.on_time

    def settled():
        # The refund the previous case completed may still be on its way through Refunds' outbox:
        # wait until two reads a second apart agree.
        previous = on_time()
        for _ in range(30):
            time.sleep(1)
            current = on_time()
            if current == previous:
                return current
            previous = current
        raise AssertionError("the report's refund SLA did not settle")

    before = settled()
    for name, caller in strangers(suite).items():
        event = oversight_pb2.Event(event_id=key(), source_service=name, aggregate_type="refund",
                                    aggregate_id=refund.refund_id, kind=oversight_pb2.EVENT_KIND_REFUND_FINISHED,
                                    customer_id="ben", refund=oversight_pb2.RefundDetail(completed=True))
        event.occurred_at.FromSeconds(now)
        denied(lambda: oversight.RecordEvents(oversight_pb2.RecordEventsRequest(events=[event]), metadata=caller,
                                              timeout=10))
    after = on_time()
    assert after == before, f"a pending refund now counts as completed on time ({before} -> {after})"
    forged = finished_refund_records(suite, refund.refund_id)
    assert not forged, f"a stranger's REFUND_FINISHED was recorded: {forged}"


def case_owner_taken(suite):
    oversight = stub(suite, oversight_pb2_grpc, "OversightStub", "oversight")
    for name, caller in strangers(suite).items():
        event = oversight_pb2.Event(event_id=key(), source_service=name, aggregate_type="order",
                                    aggregate_id="DEMO-HUGO-1", kind=oversight_pb2.EVENT_KIND_INTERACTION,
                                    customer_id="mallory")
        event.occurred_at.FromSeconds(int(time.time()))
        denied(lambda: oversight.RecordEvents(oversight_pb2.RecordEventsRequest(events=[event]), metadata=caller,
                                              timeout=10))
    try:
        oversight.RecordRating(oversight_pb2.RecordRatingRequest(
            idempotency_key=key(), aggregate_type="order", aggregate_id="DEMO-HUGO-1", score=1),
            metadata=metadata(suite.token("mallory", "customer")), timeout=10)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND, error
        return
    raise AssertionError("mallory rated Hugo's order after another caller's event named her its customer")


def lookalike_customer(suite):
    orders = stub(suite, orders_pb2_grpc, "OrdersStub", "orders")
    placed = Timestamp()
    placed.FromSeconds(int(time.time()) - 86400)
    price = common_pb2.Money(minor_units=1500, currency_code="EUR")
    orders.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key=key(), order=orders_pb2.Order(
        order_id="LOOKALIKE-1", customer_id="cust-K", placed_at=placed,
        lines=[orders_pb2.OrderLine(line_number=1, sku="S", title="Lamp", quantity=1, unit_price=price)],
        payments=[orders_pb2.Payment(payment_id="p", amount=price, method="card", captured_at=placed)],
        shipping_address=orders_pb2.Address(recipient="K", line1="Street 1", city="Oslo", postal_code="0150",
                                            country_code="NO"),
        fairness=common_pb2.FairnessAttributes(region="EU", account_created_at=placed))),
        metadata=metadata(suite.token("storefront", "service")), timeout=10)
    owner = metadata(suite.token("cust-K", "customer"))
    assert orders.GetOrder(orders_pb2.GetOrderRequest(order_id="LOOKALIKE-1"), metadata=owner,
                           timeout=10).customer_id == "cust-K"
    lookalike = metadata(suite.token("cust-\u212a", "customer"))
    calls = [
        lambda: orders.GetOrder(orders_pb2.GetOrderRequest(order_id="LOOKALIKE-1"), metadata=lookalike, timeout=10),
        lambda: orders.ListOrders(orders_pb2.ListOrdersRequest(customer_id="cust-K"), metadata=lookalike, timeout=10),
        lambda: orders.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key=key(), order_id="LOOKALIKE-1", category=orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY,
            description="not mine"), metadata=lookalike, timeout=10),
    ]
    for call in calls:
        try:
            answer = call()
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error
            continue
        raise AssertionError(f"the look-alike subject was answered: {answer}")


CASES = [any_service_approves_returns, forged_refund_sla, case_owner_taken, lookalike_customer]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--case", default="all")
    args = parser.parse_args()
    cases = [c for c in CASES if args.case == "all" or c.__name__ in args.case.split(",")]
    suite = Suite(args.bin)
    failed = 0
    try:
        demo_data.load(suite.ports, args.bin, suite.keys.identity_provider)
        for case in cases:
            try:
                case(suite)
                print(f"PASS {case.__name__}", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported per case
                failed += 1
                print(f"FAIL {case.__name__}: {error!r}", flush=True)
    finally:
        suite.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
