"""The demo data and history `make run` loads (scripts/demo_data.py, scripts/demo_history.py),
against the five real processes: three weeks of it loaded with the services' clocks set back
(`--dev-clock-offset`), then today's; afterwards Oversight's report shows real figures (satisfaction,
response and resolution percentiles, refund SLA compliance with a breach, standardization,
fairness groups in every dimension, top categories), a period of only two to three weeks ago has
its own cases, the complaint went through every state and the audit sample carries verdicts; after
a restart on the same data a second load adds nothing.

    python3 demo_history_test.py --bin .build/debug
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

import grpc

import support_stubs
import suite

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "scripts"))
import demo_data  # noqa: E402
import demo_history  # noqa: E402

from google.protobuf import timestamp_pb2  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402

DAY = 86400


def timestamp(seconds_ago):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="demo-history-")
    checks = support_stubs.Checks()
    state = {}

    def start():
        # A restart reuses the ports, as `make run` does.
        state["processes"], state["ports"], state["keys"] = suite.start(
            args.bin, work, ports=state.get("ports"), log_dir=os.path.join(work, "logs"))
        auditor = [("authorization", "Bearer " + state["keys"].mint("audit-1", "auditor"))]
        stub = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{state['ports']['oversight']}"))
        return stub, auditor

    def load():
        state["backfilled"] = demo_history.backfill(args.bin, work, log_dir=os.path.join(work, "logs"), pace=0.2)
        nonlocal oversight, auditor
        oversight, auditor = start()
        demo_data.load(state["ports"], args.bin, state["keys"].identity_provider)
        return demo_history.load(state["ports"], args.bin, state["keys"].identity_provider, pace=0.2)

    def report(oversight, auditor, days_ago=(30, -1)):
        return oversight.GetReport(oversight_pb2.GetReportRequest(
            **{"from": timestamp(days_ago[0] * DAY), "to": timestamp(days_ago[1] * DAY)}), metadata=auditor)

    def settled(oversight, auditor):
        """The report once three reads a second apart agree (the outboxes have delivered; a
        delivery retried after a failure waits up to 1.6 s after its fifth try)."""
        previous, agreeing = None, 0
        deadline = time.time() + 90
        while time.time() < deadline:
            current = report(oversight, auditor)
            current.ClearField("from")
            current.ClearField("to")
            agreeing = agreeing + 1 if current == previous else 0
            if agreeing == 2:
                return current
            previous = current
            time.sleep(1)
        raise AssertionError("the report did not settle")

    oversight, auditor, state["processes"] = None, None, {}
    try:
        def first_load_shows_real_figures():
            summary = load()
            assert state["backfilled"] == [21, 14, 7], state["backfilled"]
            assert summary.startswith("demo history over three weeks: "), summary
            figures = settled(oversight, auditor)
            state["figures"] = figures
            assert figures.satisfaction.ratings == 14, figures.satisfaction
            assert 1000 <= figures.satisfaction.mean_score_milli <= 5000, figures.satisfaction
            assert sum(figures.satisfaction.distribution) == 14 and all(figures.satisfaction.distribution), \
                figures.satisfaction
            # Issues and returns are acknowledged by the service the moment they are opened (the
            # first response), so only the count says something here.
            assert figures.first_response.count >= 8, figures.first_response
            assert figures.resolution.count >= 8, figures.resolution
            assert figures.resolution.p50.seconds + figures.resolution.p50.nanos > 0, figures.resolution
            # Four refunds approved: two completed on time, one failed, one still processing three
            # weeks after its approval, past its expected_by: a breach.
            assert figures.refund_sla.refunds == 4 and figures.refund_sla.on_time == 2, figures.refund_sla
            assert figures.refund_sla.breached == 1, figures.refund_sla
            assert figures.refund_sla.compliance_ppm == 666_666, figures.refund_sla
            assert figures.decisions >= 30 and figures.standardization_ppm > 0, figures
            dimensions = {d.dimension: {g.group for g in d.groups} for d in figures.fairness.dimensions}
            assert {"EU", "NA", "APAC", "LATAM", "MEA"} <= dimensions["region"], dimensions
            assert {"<30d", "30d-1y", "1y-3y", "3y+"} <= dimensions["account_age_band"], dimensions
            assert {"<50 EUR", "50-200 EUR"} <= dimensions["order_value_band"], dimensions
            # Refusals are on record too: two orders past the window, a return rejected, tickets.
            assert 0 < figures.fairness.overall_refusal_rate_ppm < 1_000_000, figures.fairness
            categories = {c.category for c in figures.top_categories}
            assert {"SHIPPING_ANOMALY", "PRODUCT_DEFECT", "DISPUTE"} <= categories, categories

        def weeks_ago_have_their_own_cases():
            # 10 to 22 days ago: the slices loaded with the clocks three and two weeks back (the
            # report counts a refund as breached once its expected_by, 10 days after approval, is
            # before the period's end).
            weeks = report(oversight, auditor, (22, 10))
            # Rated then: two issues, the dispute (decided a week after it was opened) and three returns.
            assert weeks.satisfaction.ratings == 6, weeks.satisfaction
            assert weeks.resolution.count >= 3, weeks.resolution
            assert weeks.resolution.p99.seconds >= 6 * DAY, weeks.resolution
            # The two refunds approved three weeks ago: one completed a week later, one breached.
            assert weeks.refund_sla.refunds == 2 and weeks.refund_sla.on_time == 1, weeks.refund_sla
            assert weeks.refund_sla.breached == 1, weeks.refund_sla
            # Today's cases are not in it.
            assert weeks.events < state["figures"].events, (weeks.events, state["figures"].events)

        def complaint_and_audit_sample():
            agent = [("authorization", "Bearer " + state["keys"].mint("agent-1", "agent"))]
            complaints = oversight.ListComplaints(oversight_pb2.ListComplaintsRequest(), metadata=agent).complaints
            states = sorted(oversight_pb2.ComplaintState.Name(c.state) for c in complaints)
            assert states == ["COMPLAINT_STATE_CLOSED", "COMPLAINT_STATE_SUBMITTED"], states
            closed = next(c for c in complaints if c.state == oversight_pb2.COMPLAINT_STATE_CLOSED)
            assert closed.assigned_to == "staff-kim" and closed.resolution and closed.notifications, closed
            assert closed.related_case.startswith("return/"), closed.related_case
            records = oversight.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(limit=1000), metadata=auditor)
            assert {r.event.source_service for r in records.records} == \
                {"orders", "returns", "refunds", "inquiries", "oversight"}
            assert oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor).valid

        def restart_and_load_again_adds_nothing():
            codes = suite.stop(state["processes"])
            assert set(codes.values()) == {0}, codes
            nonlocal oversight, auditor
            assert load() == "demo history already loaded"
            assert state["backfilled"] == [], state["backfilled"]
            again = settled(oversight, auditor)
            before = state["figures"]
            assert again.events == before.events, (again.events, before.events)
            assert again.satisfaction == before.satisfaction and again.decisions == before.decisions
            assert again.first_response.count == before.first_response.count
            assert again.refund_sla == before.refund_sla

        for name, check in [("demo history: the report shows real figures", first_load_shows_real_figures),
                            ("demo history: two to three weeks ago has cases", weeks_ago_have_their_own_cases),
                            ("demo history: a complaint handled, a sample drawn", complaint_and_audit_sample),
                            ("demo history: a second load adds nothing", restart_and_load_again_adds_nothing)]:
            checks.run(name, check)
    finally:
        codes = suite.stop(state["processes"])
        if any(code != 0 for code in codes.values()):
            print(f"FAIL demo history: clean shutdown: {codes}")
            checks.failed += 1
        if checks.failed:
            print(f"logs kept in {work}/logs")
        else:
            shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
