"""Loads a support history on top of the demo data (scripts/demo_data.py), through the services'
own RPCs, so that Oversight's report (`supportctl oversight report`, the console) shows real
figures and trends on first start: questions answered and turned into tickets, order issues
reported, answered and resolved (one dispute mediated over a week, one issue left open),
eligibility checks (two orders past the 60-day window), returns approved and rejected, refunds
completed, failed and still open, ratings, a complaint handled through every state, a suggestion
waiting, and an audit sample with verdicts. It leaves DEMO-ANA-1 returnable for README's sample
commands.

The services stamp every support interaction with their own clock (no RPC takes a time for it),
so the history is loaded in phases (`backfill`): the suite is started with the development flag
`--dev-clock-offset` 21, 14 and 7 days back in turn, each time the demo orders due by then and that
week's slice of cases are loaded, and the suite is stopped; then `make run` starts it normally and
`load` adds the last slice. Tokens are still checked against the real clock. So the cases spread
over three weeks: a refund approved three weeks ago is still processing (the refund SLA monitor
reports it as a breach), another is completed a week after approval (inside the SLA), the dispute
is decided a week after it was opened. Within a phase, cases are answered and resolved `pace`
seconds apart, so resolution times differ there too.

Idempotent: every write carries a fixed idempotency key, a finished backfill phase leaves a marker
file in the data directory, and a history already loaded (the demo complaint closed) is not loaded
again, so a second `make run` does not double it."""

import os
import sys
import time

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Python"))
import support_stubs  # noqa: E402
import suite  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_data  # noqa: E402

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402
from support.returns.v1 import returns_pb2, returns_pb2_grpc  # noqa: E402

DAY = 86400
# The phases of the history, in days before today: the suite runs with its clock this far back.
PHASES = [21, 14, 7, 0]
PREFIX = "demo-history"
# The agents and the auditor of the history (README's sample identities), added to the roster.
AGENTS = [("agent-1", "Alex Moreau", ["orders", "returns"]), ("agent-2", "Sam Okafor", ["orders", "inquiries"])]
AUDITOR = "audit-1"
# The complaint whose closing says the history was loaded.
COMPLAINANT = "emre"
# Each case's rating (customers rate issues, returns and tickets once resolved).
SCORES = {"DEMO-ANA-1": 5, "DEMO-BEN-2": 4, "DEMO-CHEN-2": 5, "DEMO-DIA-1": 3, "DEMO-EMRE-2": 4, "DEMO-GITA-1": 2,
          "dispute": 5, "return DEMO-BEN-1": 4, "return DEMO-CHEN-1": 5, "return DEMO-DIA-1": 5,
          "return DEMO-EMRE-1": 2, "return DEMO-FATIMA-1": 1, "question 6": 4, "question 7": 3}

# (customer, question, phase): answered from the knowledge base, or (the last two) turned into
# tickets, answered and closed.
QUESTIONS = [
    ("ana", "If I return it after 45 days, when do I get my money back?", 21),
    ("ben", "How long does shipping take and can I track my delivery?", 21),
    ("chen", "Which exchange rate do you use to convert the currency?", 14),
    ("dia", "Can I get a replacement if the item arrives damaged?", 14),
    ("fatima", "How do I pay at checkout for my order?", 7),
    ("gita", "How many days do I have to send back a return?", 0),
    ("hugo", "Do you gift wrap presents with a handwritten card?", 7),
    ("ben", "Can I collect my parcel in person from your warehouse?", 0),
]
# (order, category, description, cause, agent): reported by the order's customer, answered by the
# agent, classified and resolved by the playbook; the orders delivered long ago three weeks back,
# the others today.
ISSUES = [
    ("DEMO-ANA-1", orders_pb2.ISSUE_CATEGORY_SHIPPING_ANOMALY, "The box arrived crushed", orders_pb2.ISSUE_CAUSE_SHIPPING,
     "agent-1", 0),
    ("DEMO-BEN-2", orders_pb2.ISSUE_CATEGORY_PROCESSING_DELAY, "Placed days ago and still not shipped",
     orders_pb2.ISSUE_CAUSE_SYSTEM_TECHNICAL_FAULT, "agent-2", 0),
    ("DEMO-CHEN-2", orders_pb2.ISSUE_CATEGORY_TRACKING_NOT_UPDATED, "Tracking has not moved for two days",
     orders_pb2.ISSUE_CAUSE_SHIPPING, "agent-1", 0),
    ("DEMO-DIA-1", orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY, "The status shows delivered twice",
     orders_pb2.ISSUE_CAUSE_SYSTEM_TECHNICAL_FAULT, "agent-2", 21),
    ("DEMO-EMRE-2", orders_pb2.ISSUE_CATEGORY_SHIPPING_ANOMALY, "The carrier says the parcel is damaged",
     orders_pb2.ISSUE_CAUSE_SHIPPING, "agent-1", 0),
    ("DEMO-GITA-1", orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY, "My order page shows someone else's address",
     orders_pb2.ISSUE_CAUSE_HUMAN_ERROR, "agent-2", 21),
]
# (order, reason, inspection finding, what the payment side does with the refund, phase). DEMO-ANA-1
# is left for README's sample commands (its one unit can still be returned). CHEN's refund is
# completed a week after its approval, DIA's stays processing.
RETURNS = [
    ("DEMO-BEN-1", returns_pb2.RETURN_REASON_PRODUCT_DEFECT, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "completed", 7),
    ("DEMO-CHEN-1", returns_pb2.RETURN_REASON_SHIPPING_DAMAGE, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "completed", 21),
    ("DEMO-DIA-1", returns_pb2.RETURN_REASON_CHANGED_MIND, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "processing", 21),
    ("DEMO-EMRE-1", returns_pb2.RETURN_REASON_ORDER_MISMATCH, returns_pb2.INSPECTION_FINDING_CONTRADICTS_REASON, None, 14),
    ("DEMO-FATIMA-1", returns_pb2.RETURN_REASON_MISSING_ITEM, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "failed", 7),
]


def timestamp(seconds_ago):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def wait_for(description, predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise RuntimeError(f"demo history: timed out waiting for {description}")


def backfill(bin_dir, data_dir, log_dir=None, pace=1.0, start=suite.start, stop=suite.stop):
    """The phases before today: for each not yet done, starts the suite (free ports) with its clock
    that many days back, loads the demo orders due by then and that week's cases, and stops it.
    Returns the phases loaded (none once they are all done). `start` and `stop` start and stop the
    suite (`suite.start`, or postgres_run.PostgresSuite's for `make run DB=postgres`)."""
    loaded = []
    for days in PHASES[:-1]:
        marker = os.path.join(data_dir, f"demo-history-{days}d.done")
        if os.path.exists(marker):
            continue
        processes, ports, keys = start(bin_dir, data_dir, log_dir=log_dir, clock_offset=-days * DAY)
        try:
            history = History(ports, bin_dir, keys.identity_provider, pace)
            if not history.loaded():
                demo_data.load(ports, bin_dir, keys.identity_provider, clock_days_ago=days)
                history.phase(days)
                loaded.append(days)
        finally:
            codes = stop(processes)
        if any(code != 0 for code in codes.values()):
            # What was loaded is committed; a process that fails at shutdown is a bug to see, not
            # a reason to load the week again.
            print(f"demo history: the suite {days} days back did not stop cleanly: {codes}", file=sys.stderr)
        with open(marker, "w") as done:
            done.write("loaded\n")
    return loaded


def load(ports, bin_dir, private_key, pace=1.0):
    """Today's slice (after `backfill`), unless the history is there; returns a one-line summary."""
    history = History(ports, bin_dir, private_key, pace)
    if history.loaded():
        return "demo history already loaded"
    sample_id = history.phase(0)
    return (f"demo history over three weeks: {len(QUESTIONS)} questions (2 tickets), {len(ISSUES) + 2} issues, "
            f"{len(RETURNS)} returns, 4 refunds, {len(SCORES)} ratings, 2 complaints, audit sample {sample_id}")


class History:
    """The history's cases, one phase at a time, through the RPCs of the suite at `ports`."""

    def __init__(self, ports, bin_dir, private_key, pace):
        self.bin_dir, self.private_key, self.pace, self.tokens = bin_dir, private_key, pace, {}

        def channel(name):
            return grpc.insecure_channel(f"127.0.0.1:{ports[name]}")
        self.orders = orders_pb2_grpc.OrdersStub(channel("orders"))
        self.returns = returns_pb2_grpc.ReturnsStub(channel("returns"))
        self.refunds = refunds_pb2_grpc.RefundsStub(channel("refunds"))
        self.inquiries = inquiries_pb2_grpc.InquiriesStub(channel("inquiries"))
        self.oversight = oversight_pb2_grpc.OversightStub(channel("oversight"))

    def as_(self, subject, role):
        if (subject, role) not in self.tokens:
            self.tokens[(subject, role)] = [
                ("authorization", "Bearer " + support_stubs.mint(self.bin_dir, self.private_key, subject, role))]
        return self.tokens[(subject, role)]

    @staticmethod
    def key(*parts):
        return "-".join([PREFIX, *[str(part) for part in parts]])

    @staticmethod
    def customer_of(order_id):
        return order_id.split("-")[1].lower()

    def complaint(self):
        existing = self.oversight.ListComplaints(oversight_pb2.ListComplaintsRequest(customer_id=COMPLAINANT),
                                                 metadata=self.as_("agent-1", "agent"))
        return next((c for c in existing.complaints if c.subject.startswith("Return rejected")), None)

    def loaded(self):
        """The whole history is there: the demo complaint is closed (its last step, today)."""
        found = self.complaint()
        return found is not None and found.state == oversight_pb2.COMPLAINT_STATE_CLOSED

    def phase(self, days):
        """Loads the slice of `days` days ago (the suite's clock is that far back); today's returns
        the audit sample's id."""
        if days == PHASES[0]:
            for staff_id, name, teams in AGENTS:
                self.oversight.UpsertStaffMember(oversight_pb2.UpsertStaffMemberRequest(
                    idempotency_key=self.key("staff", staff_id),
                    member=oversight_pb2.StaffMember(staff_id=staff_id, name=name, teams=teams, active=True)),
                    metadata=self.as_(staff_id, "agent"))
        for index, (customer, question, phase) in enumerate(QUESTIONS):
            if phase == days:
                self.question(index, customer, question)
        if days == 0:
            for customer in ["ana", "ben", "chen", "dia", "emre", "fatima", "gita", "hugo"]:
                # Every answer is a decision on record; gita's and hugo's orders are past the 60 days.
                self.returns.CheckEligibility(returns_pb2.CheckEligibilityRequest(
                    order_id=f"DEMO-{customer.upper()}-1"), metadata=self.as_(customer, "customer"))
        self.issues([issue[:5] for issue in ISSUES if issue[5] == days])
        if days == 0:
            self.orders.ReportIssue(orders_pb2.ReportIssueRequest(
                idempotency_key=self.key("issue", "open"), order_id="DEMO-HUGO-2",
                category=orders_pb2.ISSUE_CATEGORY_PROCESSING_DELAY, description="Still waiting for a shipping confirmation"),
                metadata=self.as_("hugo", "customer"))
        if days == 21:
            self.open_dispute()
        if days == 14:
            self.decide_dispute()
            self.finish_refund("DEMO-CHEN-1", "completed")
        self.returns_of([item[:4] for item in RETURNS if item[4] == days])
        if days == 7:
            self.file_complaint()
        if days == 0:
            self.close_complaint()
            return self.audit_sample()
        return None

    def question(self, index, customer, question):
        """Asked; a question the knowledge base cannot answer becomes a ticket, answered and closed."""
        asked = self.inquiries.AskQuestion(inquiries_pb2.AskQuestionRequest(
            idempotency_key=self.key("question", index), question=question), metadata=self.as_(customer, "customer"))
        if asked.WhichOneof("result") != "ticket":
            return
        time.sleep(self.pace)
        ticket_id = asked.ticket.ticket_id
        self.inquiries.AnswerTicket(inquiries_pb2.AnswerTicketRequest(
            idempotency_key=self.key("ticket-answer", index), ticket_id=ticket_id,
            answer="We do not offer this; every order ships free to the address given at checkout.",
            rule_id="KB-SHIPPING-FREE"), metadata=self.as_("agent-2", "agent"))
        self.inquiries.CloseTicket(inquiries_pb2.CloseTicketRequest(
            idempotency_key=self.key("ticket-close", index), ticket_id=ticket_id), metadata=self.as_("agent-2", "agent"))
        self.rate("ticket", ticket_id, customer, SCORES[f"question {index}"])

    def issues(self, issues):
        """Reported, then answered `pace` seconds apart, then resolved by the playbook, then rated."""
        opened = []
        for order_id, category, description, cause, agent in issues:
            reported = self.orders.ReportIssue(orders_pb2.ReportIssueRequest(
                idempotency_key=self.key("issue", order_id, category), order_id=order_id, category=category,
                description=description), metadata=self.as_(self.customer_of(order_id), "customer"))
            opened.append((reported.issue_id, order_id, cause, agent))
        for issue_id, order_id, _, agent in opened:
            time.sleep(self.pace)
            self.orders.AddIssueMessage(orders_pb2.AddIssueMessageRequest(
                idempotency_key=self.key("issue-reply", issue_id), issue_id=issue_id,
                text="Thank you, we are looking into it and will update you shortly."), metadata=self.as_(agent, "agent"))
        for issue_id, order_id, cause, agent in opened:
            time.sleep(self.pace)
            self.orders.ClassifyIssue(orders_pb2.ClassifyIssueRequest(
                idempotency_key=self.key("classify", issue_id), issue_id=issue_id, cause=cause),
                metadata=self.as_(agent, "agent"))
            self.orders.ResolveIssue(orders_pb2.ResolveIssueRequest(
                idempotency_key=self.key("resolve", issue_id), issue_id=issue_id, note="Resolved by the standard playbook."),
                metadata=self.as_(agent, "agent"))
        for issue_id, order_id, _, _ in opened:
            self.rate("issue", issue_id, self.customer_of(order_id), SCORES[order_id])

    def open_dispute(self):
        dispute = self.orders.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key=self.key("issue", "dispute"), order_id="DEMO-HUGO-1", category=orders_pb2.ISSUE_CATEGORY_DISPUTE,
            description="I was charged for two lamps but received one"), metadata=self.as_("hugo", "customer"))
        for party, statement, who in [(orders_pb2.DISPUTE_PARTY_CUSTOMER, "Only one lamp was in the parcel.", "hugo"),
                                      (orders_pb2.DISPUTE_PARTY_MERCHANT, "The packing record shows two lamps.",
                                       "agent-1")]:
            self.orders.SubmitDisputeEvidence(orders_pb2.SubmitDisputeEvidenceRequest(
                idempotency_key=self.key("evidence", party), issue_id=dispute.issue_id, party=party, statement=statement),
                metadata=self.as_(who, "customer" if who == "hugo" else "agent"))

    def decide_dispute(self):
        """Decided and closed a week after it was opened."""
        issues = self.orders.ListIssues(orders_pb2.ListIssuesRequest(order_id="DEMO-HUGO-1"),
                                        metadata=self.as_("agent-1", "agent")).issues
        dispute = next(i for i in issues if i.category == orders_pb2.ISSUE_CATEGORY_DISPUTE)
        self.orders.DecideDispute(orders_pb2.DecideDisputeRequest(
            idempotency_key=self.key("decide", "dispute"), issue_id=dispute.issue_id,
            outcome=orders_pb2.DISPUTE_OUTCOME_CUSTOMER_UPHELD, rationale="The carrier's weight record matches one lamp."),
            metadata=self.as_("agent-1", "agent"))
        self.orders.CloseIssue(orders_pb2.CloseIssueRequest(idempotency_key=self.key("close", "dispute"),
                                                            issue_id=dispute.issue_id), metadata=self.as_("agent-1", "agent"))
        self.rate("issue", dispute.issue_id, "hugo", SCORES["dispute"])

    def returns_of(self, returns):
        """Opened, then received and inspected `pace` seconds apart (approval asks Refunds for the
        refund, which the payment side takes up), then rated."""
        opened = []
        for order_id, reason, finding, payment in returns:
            requested = self.returns.RequestReturn(returns_pb2.RequestReturnRequest(
                idempotency_key=self.key("return", order_id), order_id=order_id, reason=reason,
                lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)]),
                metadata=self.as_(self.customer_of(order_id), "customer"))
            opened.append((requested.return_id, order_id, finding, payment))
        for return_id, order_id, finding, payment in opened:
            time.sleep(self.pace)
            self.returns.RecordReceipt(returns_pb2.RecordReceiptRequest(
                idempotency_key=self.key("receipt", return_id), return_id=return_id), metadata=self.as_("agent-1", "agent"))
            inspected = self.returns.RecordInspection(returns_pb2.RecordInspectionRequest(
                idempotency_key=self.key("inspection", return_id), return_id=return_id, finding=finding,
                notes="Inspected against the reason given."), metadata=self.as_("agent-1", "agent"))
            if payment:
                # "processing" stays open (an SLA breach once its expected_by passes); CHEN's
                # completes a week later.
                self.refunds.MarkProcessing(refunds_pb2.MarkProcessingRequest(
                    idempotency_key=self.key("processing", inspected.refund_id), refund_id=inspected.refund_id,
                    payment_reference=f"psp-{inspected.refund_id}"), metadata=self.as_("payments", "service"))
                if order_id != "DEMO-CHEN-1":
                    self.finish_refund(order_id, payment)
        for return_id, order_id, _, _ in opened:
            self.rate("return", return_id, self.customer_of(order_id), SCORES[f"return {order_id}"])

    def finish_refund(self, order_id, payment):
        refund = self.refunds.ListRefunds(refunds_pb2.ListRefundsRequest(order_id=order_id),
                                          metadata=self.as_("agent-1", "agent")).refunds[0]
        if payment == "completed":
            self.refunds.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
                idempotency_key=self.key("outcome", refund.refund_id), refund_id=refund.refund_id,
                completed_reference=f"psp-{refund.refund_id}"), metadata=self.as_("payments", "service"))
        elif payment == "failed":
            self.refunds.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
                idempotency_key=self.key("outcome", refund.refund_id), refund_id=refund.refund_id,
                failure_reason="the card was closed; the customer is asked for another method"),
                metadata=self.as_("payments", "service"))

    def rate(self, kind, case_id, customer, score):
        """Rated by the customer, once the case has reached Oversight through its service's outbox."""
        def attempt():
            try:
                return self.oversight.RecordRating(oversight_pb2.RecordRatingRequest(
                    idempotency_key=self.key("rating", case_id), aggregate_type=kind, aggregate_id=case_id, score=score,
                    comment="Quick and clear." if score >= 4 else "It took too long."),
                    metadata=self.as_(customer, "customer"))
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return None  # the case's events are still on their way through the outbox
        wait_for(f"{kind} {case_id} to reach oversight", attempt)

    def file_complaint(self):
        """The complaint about the rejected return, filed a week after it, assigned and investigated."""
        rejected = self.returns.ListReturns(returns_pb2.ListReturnsRequest(order_id="DEMO-EMRE-1"),
                                            metadata=self.as_("agent-1", "agent")).returns[0]
        complaint = self.oversight.FileComplaint(oversight_pb2.FileComplaintRequest(
            idempotency_key=self.key("complaint"), kind=oversight_pb2.COMPLAINT_KIND_COMPLAINT,
            subject="Return rejected although the item was wrong",
            text="I received a different colour than I ordered and my return was rejected.",
            related_case=f"return/{rejected.return_id}"), metadata=self.as_(COMPLAINANT, "customer"))
        staff = self.as_("staff-kim", "agent")
        self.oversight.AssignComplaint(oversight_pb2.AssignComplaintRequest(
            idempotency_key=self.key("complaint-assign"), complaint_id=complaint.complaint_id, staff_id="staff-kim"),
            metadata=staff)
        self.oversight.StartInvestigation(oversight_pb2.StartInvestigationRequest(
            idempotency_key=self.key("complaint-investigate"), complaint_id=complaint.complaint_id), metadata=staff)
        self.oversight.AddComplaintMessage(oversight_pb2.AddComplaintMessageRequest(
            idempotency_key=self.key("complaint-message"), complaint_id=complaint.complaint_id,
            text="We are reviewing the inspection photos of your return."), metadata=staff)

    def close_complaint(self):
        """A suggestion waiting; the complaint resolved and closed (the history's last step)."""
        self.oversight.FileComplaint(oversight_pb2.FileComplaintRequest(
            idempotency_key=self.key("suggestion"), kind=oversight_pb2.COMPLAINT_KIND_SUGGESTION,
            subject="Pickup points", text="Please let me choose a pickup point at checkout."),
            metadata=self.as_("ben", "customer"))
        complaint, staff = self.complaint(), self.as_("staff-kim", "agent")
        self.oversight.ResolveComplaint(oversight_pb2.ResolveComplaintRequest(
            idempotency_key=self.key("complaint-resolve"), complaint_id=complaint.complaint_id,
            resolution="The inspection was repeated: the colour differs from the order. Please open a new return."),
            metadata=staff)
        self.oversight.CloseComplaint(oversight_pb2.CloseComplaintRequest(
            idempotency_key=self.key("complaint-close"), complaint_id=complaint.complaint_id), metadata=staff)

    def audit_sample(self):
        """An auditor's sample of the last 30 days, partly marked."""
        auditor = self.as_(AUDITOR, "auditor")
        sample = self.oversight.CreateAuditSample(oversight_pb2.CreateAuditSampleRequest(
            idempotency_key=self.key("sample"), seed=42, size=10, **{"from": timestamp(30 * DAY), "to": timestamp(-60)}),
            metadata=auditor)
        for index, item in enumerate(sample.items[:4]):
            verdict = oversight_pb2.AUDIT_VERDICT_FAIL if index == 3 else oversight_pb2.AUDIT_VERDICT_PASS
            self.oversight.MarkAuditItem(oversight_pb2.MarkAuditItemRequest(
                idempotency_key=self.key("mark", item.record.sequence), sample_id=sample.sample_id,
                sequence=item.record.sequence, verdict=verdict,
                note="The summary does not name the rule applied." if index == 3 else "Rule and outcome match the facts."),
                metadata=auditor)
        return sample.sample_id
