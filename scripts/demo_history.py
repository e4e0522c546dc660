"""Loads a support history on top of the demo data (scripts/demo_data.py), through the services'
own RPCs, so that Oversight's report (`supportctl oversight report`, the console) shows real
figures on first start: questions answered and turned into tickets, order issues reported,
answered and resolved (one dispute mediated, one left open), eligibility checks (two orders past
the 60-day window), returns approved and rejected, refunds completed, failed and still open,
ratings, a complaint handled through every state, a suggestion waiting, and an audit sample with
verdicts. It leaves DEMO-ANA-1 returnable for README's sample commands.

Every case is stamped "now" by the service that handles it: the services take no time from their
callers for support interactions (Oversight's events carry occurred_at as their source service's
clock saw it, and each service uses its own), so history cannot legitimately be backdated through
the RPCs. What can be spread is spread: the orders were placed and delivered days to weeks ago
(demo_data), and the cases here are opened first and answered and resolved in turn, `pace`
seconds apart, so resolution times differ from case to case (first responses are immediate:
Orders and Returns acknowledge a case when it is opened). One refund is left processing: 10 days
after the first start it passes its expected_by and the report counts it as an SLA breach.

Idempotent: every write carries a fixed idempotency key, and a history already loaded (the demo
complaint exists) is not loaded again, so a second `make run` does not double it."""

import os
import sys
import time

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Python"))
import support_stubs  # noqa: E402

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402
from support.returns.v1 import returns_pb2, returns_pb2_grpc  # noqa: E402

DAY = 86400
PREFIX = "demo-history"
# The agents and the auditor of the history (README's sample identities), added to the roster.
AGENTS = [("agent-1", "Alex Moreau", ["orders", "returns"]), ("agent-2", "Sam Okafor", ["orders", "inquiries"])]
AUDITOR = "audit-1"
# The complaint whose presence says the history was loaded.
COMPLAINANT = "emre"

# (customer, question): answered from the knowledge base, or (the last two) turned into tickets.
QUESTIONS = [
    ("ana", "If I return it after 45 days, when do I get my money back?"),
    ("ben", "How long does shipping take and can I track my delivery?"),
    ("chen", "Which exchange rate do you use to convert the currency?"),
    ("dia", "Can I get a replacement if the item arrives damaged?"),
    ("fatima", "How do I pay at checkout for my order?"),
    ("gita", "How many days do I have to send back a return?"),
    ("hugo", "Do you gift wrap presents with a handwritten card?"),
    ("ben", "Can I collect my parcel in person from your warehouse?"),
]
# (order, category, description, cause, agent): reported by the order's customer, answered by the
# agent, classified and resolved by the playbook.
ISSUES = [
    ("DEMO-ANA-1", orders_pb2.ISSUE_CATEGORY_SHIPPING_ANOMALY, "The box arrived crushed", orders_pb2.ISSUE_CAUSE_SHIPPING,
     "agent-1"),
    ("DEMO-BEN-2", orders_pb2.ISSUE_CATEGORY_PROCESSING_DELAY, "Placed days ago and still not shipped",
     orders_pb2.ISSUE_CAUSE_SYSTEM_TECHNICAL_FAULT, "agent-2"),
    ("DEMO-CHEN-2", orders_pb2.ISSUE_CATEGORY_TRACKING_NOT_UPDATED, "Tracking has not moved for two days",
     orders_pb2.ISSUE_CAUSE_SHIPPING, "agent-1"),
    ("DEMO-DIA-1", orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY, "The status shows delivered twice",
     orders_pb2.ISSUE_CAUSE_SYSTEM_TECHNICAL_FAULT, "agent-2"),
    ("DEMO-EMRE-2", orders_pb2.ISSUE_CATEGORY_SHIPPING_ANOMALY, "The carrier says the parcel is damaged",
     orders_pb2.ISSUE_CAUSE_SHIPPING, "agent-1"),
    ("DEMO-GITA-1", orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY, "My order page shows someone else's address",
     orders_pb2.ISSUE_CAUSE_HUMAN_ERROR, "agent-2"),
]
# (order, reason, inspection finding, what the payment side does with the refund). DEMO-ANA-1 is
# left for README's sample commands (its one unit can still be returned).
RETURNS = [
    ("DEMO-BEN-1", returns_pb2.RETURN_REASON_PRODUCT_DEFECT, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "completed"),
    ("DEMO-CHEN-1", returns_pb2.RETURN_REASON_SHIPPING_DAMAGE, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "completed"),
    ("DEMO-DIA-1", returns_pb2.RETURN_REASON_CHANGED_MIND, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "processing"),
    ("DEMO-EMRE-1", returns_pb2.RETURN_REASON_ORDER_MISMATCH, returns_pb2.INSPECTION_FINDING_CONTRADICTS_REASON, None),
    ("DEMO-FATIMA-1", returns_pb2.RETURN_REASON_MISSING_ITEM, returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON, "failed"),
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


def load(ports, bin_dir, private_key, pace=1.0):
    """Loads the history unless it is there; returns a one-line summary. `pace`: seconds between
    the answers (and between the resolutions) of the cases, so that their times differ."""
    tokens = {}

    def as_(subject, role):
        if (subject, role) not in tokens:
            tokens[(subject, role)] = [
                ("authorization", "Bearer " + support_stubs.mint(bin_dir, private_key, subject, role))]
        return tokens[(subject, role)]

    def channel(name):
        return grpc.insecure_channel(f"127.0.0.1:{ports[name]}")

    orders = orders_pb2_grpc.OrdersStub(channel("orders"))
    returns = returns_pb2_grpc.ReturnsStub(channel("returns"))
    refunds = refunds_pb2_grpc.RefundsStub(channel("refunds"))
    inquiries = inquiries_pb2_grpc.InquiriesStub(channel("inquiries"))
    oversight = oversight_pb2_grpc.OversightStub(channel("oversight"))
    payments, auditor = as_("payments", "service"), as_(AUDITOR, "auditor")

    def key(*parts):
        return "-".join([PREFIX, *[str(part) for part in parts]])

    def customer_of(order_id):
        return order_id.split("-")[1].lower()

    existing = oversight.ListComplaints(oversight_pb2.ListComplaintsRequest(customer_id=COMPLAINANT),
                                        metadata=as_("agent-1", "agent"))
    if any(c.subject.startswith("Return rejected") for c in existing.complaints):
        return "demo history already loaded"

    for staff_id, name, teams in AGENTS:
        oversight.UpsertStaffMember(oversight_pb2.UpsertStaffMemberRequest(
            idempotency_key=key("staff", staff_id),
            member=oversight_pb2.StaffMember(staff_id=staff_id, name=name, teams=teams, active=True)),
            metadata=as_(staff_id, "agent"))

    # Opened: questions, eligibility checks, issues and returns.
    tickets = []
    for index, (customer, question) in enumerate(QUESTIONS):
        asked = inquiries.AskQuestion(inquiries_pb2.AskQuestionRequest(
            idempotency_key=key("question", index), question=question), metadata=as_(customer, "customer"))
        if asked.WhichOneof("result") == "ticket":
            tickets.append((customer, asked.ticket.ticket_id))
    for customer in ["ana", "ben", "chen", "dia", "emre", "fatima", "gita", "hugo"]:
        # Every answer is a decision on record; gita's and hugo's orders are past the 60 days.
        returns.CheckEligibility(returns_pb2.CheckEligibilityRequest(order_id=f"DEMO-{customer.upper()}-1"),
                                 metadata=as_(customer, "customer"))
    issues = []
    for order_id, category, description, cause, agent in ISSUES:
        reported = orders.ReportIssue(orders_pb2.ReportIssueRequest(
            idempotency_key=key("issue", order_id, category), order_id=order_id, category=category,
            description=description), metadata=as_(customer_of(order_id), "customer"))
        issues.append((reported.issue_id, order_id, cause, agent))
    open_issue = orders.ReportIssue(orders_pb2.ReportIssueRequest(
        idempotency_key=key("issue", "open"), order_id="DEMO-HUGO-2", category=orders_pb2.ISSUE_CATEGORY_PROCESSING_DELAY,
        description="Still waiting for a shipping confirmation"), metadata=as_("hugo", "customer"))
    dispute = orders.ReportIssue(orders_pb2.ReportIssueRequest(
        idempotency_key=key("issue", "dispute"), order_id="DEMO-HUGO-1", category=orders_pb2.ISSUE_CATEGORY_DISPUTE,
        description="I was charged for two lamps but received one"), metadata=as_("hugo", "customer"))
    opened_returns = []
    for order_id, reason, finding, payment in RETURNS:
        opened = returns.RequestReturn(returns_pb2.RequestReturnRequest(
            idempotency_key=key("return", order_id), order_id=order_id, reason=reason,
            lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)]), metadata=as_(customer_of(order_id), "customer"))
        opened_returns.append((opened.return_id, order_id, finding, payment))

    # Answered, `pace` seconds apart: first responses.
    for issue_id, order_id, _, agent in issues:
        time.sleep(pace)
        orders.AddIssueMessage(orders_pb2.AddIssueMessageRequest(
            idempotency_key=key("issue-reply", issue_id), issue_id=issue_id,
            text="Thank you, we are looking into it and will update you shortly."), metadata=as_(agent, "agent"))
    for index, (customer, ticket_id) in enumerate(tickets):
        time.sleep(pace)
        inquiries.AnswerTicket(inquiries_pb2.AnswerTicketRequest(
            idempotency_key=key("ticket-answer", index), ticket_id=ticket_id,
            answer="We do not offer this; every order ships free to the address given at checkout.",
            rule_id="KB-SHIPPING-FREE"), metadata=as_("agent-2", "agent"))
    for party, statement, agent in [(orders_pb2.DISPUTE_PARTY_CUSTOMER, "Only one lamp was in the parcel.", "hugo"),
                                    (orders_pb2.DISPUTE_PARTY_MERCHANT, "The packing record shows two lamps.",
                                     "agent-1")]:
        role = "customer" if agent == "hugo" else "agent"
        orders.SubmitDisputeEvidence(orders_pb2.SubmitDisputeEvidenceRequest(
            idempotency_key=key("evidence", party), issue_id=dispute.issue_id, party=party, statement=statement),
            metadata=as_(agent, role))

    # Resolved, `pace` seconds apart: issues by the playbook, returns received and inspected
    # (approval asks Refunds for the refund), the dispute decided, tickets closed.
    for issue_id, order_id, cause, agent in issues:
        time.sleep(pace)
        orders.ClassifyIssue(orders_pb2.ClassifyIssueRequest(
            idempotency_key=key("classify", issue_id), issue_id=issue_id, cause=cause), metadata=as_(agent, "agent"))
        orders.ResolveIssue(orders_pb2.ResolveIssueRequest(
            idempotency_key=key("resolve", issue_id), issue_id=issue_id, note="Resolved by the standard playbook."),
            metadata=as_(agent, "agent"))
    orders.DecideDispute(orders_pb2.DecideDisputeRequest(
        idempotency_key=key("decide", "dispute"), issue_id=dispute.issue_id, outcome=orders_pb2.DISPUTE_OUTCOME_CUSTOMER_UPHELD,
        rationale="The carrier's weight record matches one lamp."), metadata=as_("agent-1", "agent"))
    orders.CloseIssue(orders_pb2.CloseIssueRequest(idempotency_key=key("close", "dispute"), issue_id=dispute.issue_id),
                      metadata=as_("agent-1", "agent"))
    refund_ids = []
    for return_id, order_id, finding, payment in opened_returns:
        time.sleep(pace)
        returns.RecordReceipt(returns_pb2.RecordReceiptRequest(idempotency_key=key("receipt", return_id),
                                                               return_id=return_id), metadata=as_("agent-1", "agent"))
        inspected = returns.RecordInspection(returns_pb2.RecordInspectionRequest(
            idempotency_key=key("inspection", return_id), return_id=return_id, finding=finding,
            notes="Inspected against the reason given."), metadata=as_("agent-1", "agent"))
        if payment:
            refund_ids.append((inspected.refund_id, payment))
    for refund_id, payment in refund_ids:
        # "processing" stays open: an SLA breach once its expected_by passes.
        refunds.MarkProcessing(refunds_pb2.MarkProcessingRequest(
            idempotency_key=key("processing", refund_id), refund_id=refund_id, payment_reference=f"psp-{refund_id}"),
            metadata=payments)
        if payment == "completed":
            refunds.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
                idempotency_key=key("outcome", refund_id), refund_id=refund_id, completed_reference=f"psp-{refund_id}"),
                metadata=payments)
        elif payment == "failed":
            refunds.ReportOutcome(refunds_pb2.ReportOutcomeRequest(
                idempotency_key=key("outcome", refund_id), refund_id=refund_id,
                failure_reason="the card was closed; the customer is asked for another method"), metadata=payments)
    for index, (customer, ticket_id) in enumerate(tickets):
        inquiries.CloseTicket(inquiries_pb2.CloseTicketRequest(idempotency_key=key("ticket-close", index),
                                                               ticket_id=ticket_id), metadata=as_("agent-2", "agent"))

    # Rated by the customers, once the cases have reached Oversight through the services' outboxes.
    rated = [("issue", issue_id, customer_of(order_id)) for issue_id, order_id, _, _ in issues]
    rated += [("issue", dispute.issue_id, "hugo")]
    rated += [("return", return_id, customer_of(order_id)) for return_id, order_id, _, _ in opened_returns]
    rated += [("ticket", ticket_id, customer) for customer, ticket_id in tickets]
    scores = [5, 4, 5, 3, 4, 2, 5, 4, 5, 5, 2, 1, 4, 3, 5]
    for index, (kind, case_id, customer) in enumerate(rated):
        score = scores[index % len(scores)]

        def rate():
            try:
                return oversight.RecordRating(oversight_pb2.RecordRatingRequest(
                    idempotency_key=key("rating", case_id), aggregate_type=kind, aggregate_id=case_id, score=score,
                    comment="Quick and clear." if score >= 4 else "It took too long."),
                    metadata=as_(customer, "customer"))
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return None  # the case's events are still on their way through the outbox
        wait_for(f"{kind} {case_id} to reach oversight", rate)

    # A suggestion waiting, and a complaint about the rejected return handled through every state.
    oversight.FileComplaint(oversight_pb2.FileComplaintRequest(
        idempotency_key=key("suggestion"), kind=oversight_pb2.COMPLAINT_KIND_SUGGESTION,
        subject="Pickup points", text="Please let me choose a pickup point at checkout."), metadata=as_("ben", "customer"))
    rejected = next(return_id for return_id, order_id, _, payment in opened_returns if payment is None)
    complaint = oversight.FileComplaint(oversight_pb2.FileComplaintRequest(
        idempotency_key=key("complaint"), kind=oversight_pb2.COMPLAINT_KIND_COMPLAINT,
        subject="Return rejected although the item was wrong",
        text="I received a different colour than I ordered and my return was rejected.",
        related_case=f"return/{rejected}"), metadata=as_(COMPLAINANT, "customer"))
    staff = as_("staff-kim", "agent")
    oversight.AssignComplaint(oversight_pb2.AssignComplaintRequest(
        idempotency_key=key("complaint-assign"), complaint_id=complaint.complaint_id, staff_id="staff-kim"), metadata=staff)
    oversight.StartInvestigation(oversight_pb2.StartInvestigationRequest(
        idempotency_key=key("complaint-investigate"), complaint_id=complaint.complaint_id), metadata=staff)
    oversight.AddComplaintMessage(oversight_pb2.AddComplaintMessageRequest(
        idempotency_key=key("complaint-message"), complaint_id=complaint.complaint_id,
        text="We are reviewing the inspection photos of your return."), metadata=staff)
    oversight.ResolveComplaint(oversight_pb2.ResolveComplaintRequest(
        idempotency_key=key("complaint-resolve"), complaint_id=complaint.complaint_id,
        resolution="The inspection was repeated: the colour differs from the order. Please open a new return."),
        metadata=staff)
    oversight.CloseComplaint(oversight_pb2.CloseComplaintRequest(
        idempotency_key=key("complaint-close"), complaint_id=complaint.complaint_id), metadata=staff)

    # An auditor's sample of the last 30 days, partly marked.
    sample = oversight.CreateAuditSample(oversight_pb2.CreateAuditSampleRequest(
        idempotency_key=key("sample"), seed=42, size=10, **{"from": timestamp(30 * DAY), "to": timestamp(-60)}),
        metadata=auditor)
    for index, item in enumerate(sample.items[:4]):
        verdict = oversight_pb2.AUDIT_VERDICT_FAIL if index == 3 else oversight_pb2.AUDIT_VERDICT_PASS
        oversight.MarkAuditItem(oversight_pb2.MarkAuditItemRequest(
            idempotency_key=key("mark", item.record.sequence), sample_id=sample.sample_id,
            sequence=item.record.sequence, verdict=verdict,
            note="The summary does not name the rule applied." if index == 3 else "Rule and outcome match the facts."),
            metadata=auditor)
    return (f"demo history: {len(QUESTIONS)} questions ({len(tickets)} tickets), {len(issues) + 2} issues, "
            f"{len(opened_returns)} returns, {len(refund_ids)} refunds, {len(rated)} ratings, 2 complaints, "
            f"audit sample {sample.sample_id}")
