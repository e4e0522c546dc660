#!/usr/bin/env python3
"""Reproductions of attack findings that are NOT fixed yet (see the attack report on branch
`attack`). Each case asserts the safe outcome, so each FAILS while its finding is open; the
script is not part of `make test` for that reason. Runs against the five executables started as
`make run` starts them, with the demo data loaded.

- any_service_approves_returns: a service token of *any* service (here Inquiries' own key, which
  only answers pre-purchase questions) records the receipt and the inspection of a customer's
  return (it is approved and refunded) and reports the refund COMPLETED with a made-up payment
  reference. Role `service` is all the access policies check.
- forged_refund_sla: an outside service token (the identity provider's "storefront") records a
  REFUND_FINISHED event for another service's pending refund; Oversight files it into
  refund_sla and the report counts the refund as completed on time.
- case_owner_taken: the same caller records an event for "order/DEMO-HUGO-1" naming another
  customer; that customer may now rate Hugo's order and Hugo may not (the first event of a case
  key decides its owner, whatever service sent it).

    open_findings.py --bin BIN [--case NAME[,NAME...]]
"""
import argparse
import os
import sys
import threading
import time
import uuid

from attack_common import H2, MIB, Suite, gzip_frame, field_bytes, jwt, key_id, serves_health

import grpc  # noqa: E402
from google.protobuf.timestamp_pb2 import Timestamp  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
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


def any_service_approves_returns(suite):
    keys = suite.keys.directory
    inquiries = jwt(os.path.join(keys, "inquiries.pem"), {"sub": "inquiries", "role": "service"},
                    {"kid": key_id(None, keys, "inquiries")})
    returns = stub(suite, returns_pb2_grpc, "ReturnsStub", "returns")
    opened = returns.RequestReturn(returns_pb2.RequestReturnRequest(
        idempotency_key=key(), order_id="DEMO-ANA-1", lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)],
        reason=1, remedy=1, description="broken"), metadata=metadata(suite.token("ana", "customer")), timeout=10)
    try:
        returns.RecordReceipt(returns_pb2.RecordReceiptRequest(idempotency_key=key(), return_id=opened.return_id),
                              metadata=metadata(inquiries), timeout=10)
        returns.RecordInspection(returns_pb2.RecordInspectionRequest(
            idempotency_key=key(), return_id=opened.return_id, finding=1), metadata=metadata(inquiries), timeout=10)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error
        return
    raise AssertionError("Inquiries' key recorded the receipt and inspection of a return (approved)")


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

    before = on_time()
    event = oversight_pb2.Event(event_id=key(), source_service="storefront", aggregate_type="refund",
                                aggregate_id=refund.refund_id, kind=oversight_pb2.EVENT_KIND_REFUND_FINISHED,
                                customer_id="ben", refund=oversight_pb2.RefundDetail(completed=True))
    event.occurred_at.FromSeconds(now)
    oversight.RecordEvents(oversight_pb2.RecordEventsRequest(events=[event]),
                           metadata=metadata(suite.token("storefront", "service")), timeout=10)
    after = on_time()
    assert after == before, f"a pending refund now counts as completed on time ({before} -> {after})"


def case_owner_taken(suite):
    oversight = stub(suite, oversight_pb2_grpc, "OversightStub", "oversight")
    event = oversight_pb2.Event(event_id=key(), source_service="storefront", aggregate_type="order",
                                aggregate_id="DEMO-HUGO-1", kind=oversight_pb2.EVENT_KIND_INTERACTION,
                                customer_id="mallory")
    event.occurred_at.FromSeconds(int(time.time()))
    oversight.RecordEvents(oversight_pb2.RecordEventsRequest(events=[event]),
                           metadata=metadata(suite.token("storefront", "service")), timeout=10)
    try:
        oversight.RecordRating(oversight_pb2.RecordRatingRequest(
            idempotency_key=key(), aggregate_type="order", aggregate_id="DEMO-HUGO-1", score=1),
            metadata=metadata(suite.token("mallory", "customer")), timeout=10)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND, error
        return
    raise AssertionError("mallory rated Hugo's order after another caller's event named her its customer")


CASES = [any_service_approves_returns, forged_refund_sla, case_owner_taken]


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
