"""Contract tests of support.inquiries.v1.Inquiries and support.oversight.v1.Oversight from
outside: Python grpcio clients generated from proto/ drive the real `inquiries` and `oversight`
executables over real sockets, with Inquiries delivering its events to Oversight.

    python3 inquiries_oversight_contract.py --bin .build/debug
"""

import argparse
import os
import tempfile
import time

import grpc

import suite
import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402


def timestamp(seconds_from_now):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() + seconds_from_now))
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="inquiries-oversight-contract-")
    keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"))
    data = os.path.join(work, "data")
    # Oversight asks Inquiries for the rate table and Inquiries reports to Oversight: Inquiries'
    # port is chosen first.
    inquiries_port = suite.free_port()
    oversight, oversight_port = support_stubs.start_service(
        os.path.join(args.bin, "oversight"), data, *keys.flags("oversight"), "--peer", f"inquiries=127.0.0.1:{inquiries_port}")
    inquiries, inquiries_port = support_stubs.start_service(
        os.path.join(args.bin, "inquiries"), data, *keys.flags("inquiries"), "--peer", f"oversight=127.0.0.1:{oversight_port}",
        port=inquiries_port)

    def as_(subject, role, key=None):
        return [("authorization", "Bearer " + keys.mint(subject, role, key))]

    customer, agent, auditor, service = (
        as_("customer-py", "customer"), as_("agent-py", "agent"), as_("auditor-py", "auditor"),
        as_("orders", "service", keys.key("orders")))
    ask = inquiries_pb2_grpc.InquiriesStub(grpc.insecure_channel(f"127.0.0.1:{inquiries_port}"))
    watch = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{oversight_port}"))
    checks = support_stubs.Checks()

    code_of = support_stubs.code_of

    def composed_answer():
        ask.PublishRateTable(inquiries_pb2.PublishRateTableRequest(idempotency_key="rates", base_currency="EUR", rates=[
            inquiries_pb2.CurrencyRate(currency_code="EUR", minor_digits=2, units_per_base="1"),
            inquiries_pb2.CurrencyRate(currency_code="JPY", minor_digits=0, units_per_base="160")]), metadata=agent)
        response = ask.AskQuestion(inquiries_pb2.AskQuestionRequest(
            idempotency_key="q1", question="If I return it after 45 days, when do I get my refund?"), metadata=customer)
        assert response.WhichOneof("result") == "answer", response
        topics = {part.topic for part in response.answer.parts}
        assert topics == {inquiries_pb2.TOPIC_RETURNS, inquiries_pb2.TOPIC_REFUNDS}, topics
        assert all(part.rule.rule_id and part.rule.policy_version for part in response.answer.parts)

    def conversion():
        result = ask.ConvertCurrency(inquiries_pb2.ConvertCurrencyRequest(
            amount=common_pb2.Money(minor_units=1, currency_code="EUR"), target_currency="JPY"), metadata=customer)
        assert result.converted.minor_units == 2 and result.rate == "160", result
        assert result.rounding_rule == "half-even to the target currency's minor unit"

    def unanswered_becomes_ticket():
        response = ask.AskQuestion(inquiries_pb2.AskQuestionRequest(
            idempotency_key="q2", question="Is the moon base open on Sundays?"), metadata=customer)
        assert response.WhichOneof("result") == "ticket", response
        answered = ask.AnswerTicket(inquiries_pb2.AnswerTicketRequest(
            idempotency_key="a", ticket_id=response.ticket.ticket_id, answer="No."), metadata=agent)
        assert answered.state == inquiries_pb2.TICKET_STATE_ANSWERED

    def events_reach_oversight():
        deadline = time.time() + 20
        while time.time() < deadline:
            records = watch.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(limit=1000), metadata=auditor)
            sources = {record.event.source_service for record in records.records}
            if "inquiries" in sources and any(r.event.aggregate_type == "ticket" for r in records.records):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("inquiries' events did not reach oversight")
        verification = watch.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor)
        assert verification.valid and verification.records_checked >= 1, verification

    def answers_and_tickets_are_decisions():
        # An answer from the rules and a question turned into a ticket are both decisions on record.
        deadline = time.time() + 20
        outcomes = set()
        while time.time() < deadline and not {"ANSWERED", "TICKET"} <= outcomes:
            records = watch.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(limit=1000), metadata=auditor)
            outcomes = {(r.event.decision.outcome) for r in records.records
                        if r.event.kind == oversight_pb2.EVENT_KIND_DECISION
                        and r.event.decision.decision_type == "inquiry_answer"}
            time.sleep(0.2)
        assert {"ANSWERED", "TICKET"} <= outcomes, outcomes
        ticket = next(r.event for r in records.records if r.event.decision.outcome == "TICKET")
        assert not ticket.decision.favorable and ticket.decision.rule.rule_id == "INQ-NO-GUESS", ticket

    def dedupe_and_report():
        event = oversight_pb2.Event(
            event_id="py-1", source_service="orders", aggregate_type="issue", aggregate_id="py-issue",
            kind=oversight_pb2.EVENT_KIND_CASE_OPENED, occurred_at=timestamp(0), customer_id="customer-py",
            category="SHIPPING_ANOMALY")
        first = watch.RecordEvents(oversight_pb2.RecordEventsRequest(events=[event]), metadata=service)
        again = watch.RecordEvents(oversight_pb2.RecordEventsRequest(events=[event]), metadata=service)
        assert first.accepted == 1 and again.duplicates == 1, (first, again)
        report = watch.GetReport(oversight_pb2.GetReportRequest(
            **{"from": timestamp(-3600), "to": timestamp(3600)}), metadata=auditor)
        assert report.events >= 1 and any(c.category == "SHIPPING_ANOMALY" for c in report.top_categories), report

    def value_bands_in_one_currency():
        # 100.00 EUR and 16,000 JPY are the same value under the published table (1 EUR = 160 JPY):
        # both fall in the report's "50-200 EUR" band, not in bands of their own currencies.
        table = ask.GetRateTable(inquiries_pb2.GetRateTableRequest(), metadata=auditor)
        assert table.base_currency == "EUR" and table.version >= 1, table
        events = []
        for n in range(80):
            value = common_pb2.Money(minor_units=10000, currency_code="EUR") if n % 2 else \
                common_pb2.Money(minor_units=16000, currency_code="JPY")
            events.append(oversight_pb2.Event(
                event_id=f"band-{n}", source_service="orders", aggregate_type="issue", aggregate_id=f"band-{n}",
                kind=oversight_pb2.EVENT_KIND_DECISION, occurred_at=timestamp(0), customer_id="customer-py",
                category="SHIPPING_ANOMALY", fairness=common_pb2.FairnessAttributes(region="EU", order_value=value),
                decision=oversight_pb2.DecisionDetail(decision_type="issue_resolution", outcome="RESHIP",
                                                      favorable=True)))
        watch.RecordEvents(oversight_pb2.RecordEventsRequest(events=events), metadata=service)
        report = watch.GetReport(oversight_pb2.GetReportRequest(
            **{"from": timestamp(-3600), "to": timestamp(3600)}), metadata=auditor)
        assert report.fairness.value_band_currency == "EUR", report.fairness
        assert report.fairness.rate_table_version == table.version, report.fairness
        bands = {g.group: g.decisions for d in report.fairness.dimensions if d.dimension == "order_value_band"
                 for g in d.groups}
        assert bands.get("50-200 EUR") == 80 and "1000+" not in bands and "1000+ EUR" not in bands, bands

    def bad_input_and_access():
        assert code_of(lambda: watch.RecordEvents(
            oversight_pb2.RecordEventsRequest(events=[oversight_pb2.Event()]), metadata=service)) == \
            grpc.StatusCode.INVALID_ARGUMENT
        assert code_of(lambda: watch.RecordEvents(oversight_pb2.RecordEventsRequest(), metadata=customer)) == \
            grpc.StatusCode.PERMISSION_DENIED
        assert code_of(lambda: ask.AskQuestion(inquiries_pb2.AskQuestionRequest(idempotency_key="x", question=""),
                                               metadata=customer)) == grpc.StatusCode.INVALID_ARGUMENT
        assert code_of(lambda: ask.ListRules(inquiries_pb2.ListRulesRequest())) == grpc.StatusCode.UNAUTHENTICATED

    try:
        for name, check in [("composed_answer", composed_answer), ("conversion", conversion),
                            ("unanswered_becomes_ticket", unanswered_becomes_ticket),
                            ("events_reach_oversight", events_reach_oversight),
                            ("answers_and_tickets_are_decisions", answers_and_tickets_are_decisions),
                            ("dedupe_and_report", dedupe_and_report),
                            ("value_bands_in_one_currency", value_bands_in_one_currency),
                            ("bad_input_and_access", bad_input_and_access)]:
            checks.run(f"inquiries+oversight {name}", check)
    finally:
        for process in (inquiries, oversight):
            process.terminate()
            process.wait(timeout=30)
    checks.exit()


if __name__ == "__main__":
    main()
