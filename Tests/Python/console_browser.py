"""Browser tests of the oversight console (issue 17): Playwright from PyPI drives Debian's chromium
against the real console executable in front of the real five services, with data recorded through
their RPCs. Each check is named; screenshots of every page go to --screenshots (default
.build/console-screenshots, ignored by git).

    python3 Tests/Python/console_browser.py --bin "$(swift build --show-bin-path)"
"""

import argparse
import calendar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402
import support_stubs  # noqa: E402

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAY = 86400
NOW = int(time.time())
CUSTOMERS = {"ana": "PT", "ben": "DE", "chen": "PT", "dia": "DE"}
MARKUP_SUBJECT = '<img src=x onerror="window.pwned=1">Parcel & "box"'
MARKUP_TEXT = "<script>window.pwned=1</script><b>bold?</b> it arrived crushed"


def timestamp(seconds):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(seconds))
    return value


class Suite:
    """The five services and the console, their stubs and tokens."""

    def __init__(self, bin_dir, work):
        self.bin_dir = bin_dir
        self.processes, self.ports, self.keys = suite.start(bin_dir, work)
        self.console = subprocess.Popen(
            [os.path.join(bin_dir, "console"), "--port", "0", "--token-keys", self.keys.jwks, "--dev-sign-in",
             "--dev-sign-in-key", self.keys.identity_provider,
             *[arg for name in suite.START_ORDER for arg in ("--peer", f"{name}=127.0.0.1:{self.ports[name]}")]],
            stdout=subprocess.PIPE, stderr=open(os.path.join(work, "console.log"), "wb"), text=True)
        port = support_stubs.wait_for_port(self.console)
        if port is None:
            self.stop()
            raise SystemExit("the console did not start")
        self.url = f"http://127.0.0.1:{port}"
        channel = grpc.insecure_channel(f"127.0.0.1:{self.ports['oversight']}")
        self.oversight = oversight_pb2_grpc.OversightStub(channel)
        self.orders = orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{self.ports['orders']}"))

    def token(self, subject, role, key=None):
        return self.keys.mint(subject, role, key)

    def as_(self, subject, role, key=None):
        return [("authorization", "Bearer " + self.token(subject, role, key))]

    def stop(self):
        self.console.terminate()
        try:
            self.console.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.console.kill()
        suite.stop(self.processes)


def seed(s):
    """Cases over the last six days (opened, answered, decided, resolved), ratings, refunds inside
    and outside their SLA, the complaints team, a complaint with markup in it, and a biased stream
    of decisions: customers in BR are granted 6 of 30, those in PT and DE every time."""
    orders = s.as_("orders", "service", s.keys.key("orders"))
    refunds = s.as_("refunds", "service", s.keys.key("refunds"))
    fairness = {}
    for region in ["PT", "DE", "BR"]:
        fairness[region] = common_pb2.FairnessAttributes(
            region=region, order_value=common_pb2.Money(minor_units=10000, currency_code="EUR"),
            account_created_at=timestamp(NOW - 400 * DAY))
    agent = common_pb2.Actor(subject="agent-1", role=common_pb2.CALLER_ROLE_AGENT)
    events = []
    categories = ["SHIPPING_ANOMALY", "SHIPPING_ANOMALY", "PROCESSING_DELAY", "ADDRESS_CORRECTION"]
    customers = list(CUSTOMERS)
    for i in range(12):
        case, customer = f"CI-{i}", customers[i % 4]
        opened = NOW - (i % 6) * DAY - 6 * 3600
        common = dict(source_service="orders", aggregate_type="issue", aggregate_id=case, customer_id=customer,
                      category=categories[i % 4], fairness=fairness[CUSTOMERS[customer]])
        events += [
            oversight_pb2.Event(event_id=f"{case}-1", aggregate_sequence=1, kind=oversight_pb2.EVENT_KIND_CASE_OPENED,
                                occurred_at=timestamp(opened), summary=f"issue {case} reported", **common),
            oversight_pb2.Event(event_id=f"{case}-2", aggregate_sequence=2, kind=oversight_pb2.EVENT_KIND_FIRST_RESPONSE,
                                occurred_at=timestamp(opened + (i + 1) * 600), actor=agent, **common),
            oversight_pb2.Event(event_id=f"{case}-3", aggregate_sequence=3, kind=oversight_pb2.EVENT_KIND_DECISION,
                                occurred_at=timestamp(opened + 7200), actor=agent, **common,
                                decision=oversight_pb2.DecisionDetail(
                                    decision_type="issue_resolution", outcome="RESHIP", favorable=True,
                                    followed_playbook=i % 5 != 0)),
            oversight_pb2.Event(event_id=f"{case}-4", aggregate_sequence=4, kind=oversight_pb2.EVENT_KIND_CASE_RESOLVED,
                                occurred_at=timestamp(opened + (i % 6 + 2) * 3600), actor=agent, **common),
        ]
    for n in range(30):
        for region in ["PT", "DE", "BR"]:
            favorable = region != "BR" or n < 6
            events.append(oversight_pb2.Event(
                event_id=f"bias-{region}-{n}", source_service="orders", aggregate_type="issue",
                aggregate_id=f"BIAS-{region}-{n}", aggregate_sequence=1, kind=oversight_pb2.EVENT_KIND_DECISION,
                occurred_at=timestamp(NOW - 3600), customer_id=f"cust-{region.lower()}-{n}", actor=agent,
                category="STATUS_ANOMALY", fairness=fairness[region],
                decision=oversight_pb2.DecisionDetail(
                    decision_type="issue_resolution", outcome="RESHIP" if favorable else "NO_ACTION",
                    favorable=favorable, followed_playbook=True)))
    s.oversight.RecordEvents(oversight_pb2.RecordEventsRequest(events=events), metadata=orders)
    refund_events = []
    for i in range(4):
        approved = NOW - (13 + i) * DAY
        detail = oversight_pb2.RefundDetail(amount=common_pb2.Money(minor_units=2500, currency_code="EUR"),
                                            expected_by=timestamp(approved + 10 * DAY), completed=True)
        common = dict(source_service="refunds", aggregate_type="refund", aggregate_id=f"RF-{i}", customer_id="ana",
                      refund=detail)
        refund_events.append(oversight_pb2.Event(event_id=f"RF-{i}-1", aggregate_sequence=1,
                                                 kind=oversight_pb2.EVENT_KIND_REFUND_OPENED,
                                                 occurred_at=timestamp(approved), **common))
        if i == 3:  # still open past expected_by: Refunds reports the breach
            refund_events.append(oversight_pb2.Event(event_id=f"RF-{i}-2", aggregate_sequence=2,
                                                     kind=oversight_pb2.EVENT_KIND_SLA_BREACH,
                                                     occurred_at=timestamp(approved + 10 * DAY + 3600), **common))
        else:
            refund_events.append(oversight_pb2.Event(event_id=f"RF-{i}-2", aggregate_sequence=2,
                                                     kind=oversight_pb2.EVENT_KIND_REFUND_FINISHED,
                                                     occurred_at=timestamp(approved + (4 + i) * DAY), **common))
    s.oversight.RecordEvents(oversight_pb2.RecordEventsRequest(events=refund_events), metadata=refunds)
    storefront = s.as_("storefront", "service")
    for i in range(8):
        s.oversight.RecordRating(oversight_pb2.RecordRatingRequest(
            idempotency_key=f"rate-{i}", aggregate_type="issue", aggregate_id=f"CI-{i}", score=[5, 4, 5, 3, 5, 2, 4, 5][i],
            customer_id=customers[i % 4]), metadata=storefront)
    agent_md = s.as_("lead-1", "agent")
    for staff_id, name in [("staff-kim", "Kim Park"), ("staff-lea", "Lea Roth")]:
        s.oversight.UpsertStaffMember(oversight_pb2.UpsertStaffMemberRequest(
            idempotency_key=f"staff-{staff_id}", member=oversight_pb2.StaffMember(
                staff_id=staff_id, name=name, teams=["complaints"], active=True)), metadata=agent_md)
    complaint = s.oversight.FileComplaint(oversight_pb2.FileComplaintRequest(
        idempotency_key="complaint-1", kind=oversight_pb2.COMPLAINT_KIND_COMPLAINT, subject=MARKUP_SUBJECT,
        text=MARKUP_TEXT, related_case="issue/CI-0"), metadata=s.as_("ana", "customer"))
    return complaint.complaint_id


def report_issue(s):
    """An order imported as the storefront and an issue the customer reports on it (through Orders,
    which records it in Oversight through its outbox); returns the issue's id."""
    order = orders_pb2.Order(
        order_id="CONSOLE-1", customer_id="ana", placed_at=timestamp(NOW - 5 * DAY),
        lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Steel kettle", quantity=1,
                                    unit_price=common_pb2.Money(minor_units=4999, currency_code="EUR"))],
        payments=[orders_pb2.Payment(payment_id="pay-console-1", method="card", captured_at=timestamp(NOW - 5 * DAY),
                                     amount=common_pb2.Money(minor_units=4999, currency_code="EUR"))],
        shipping_address=orders_pb2.Address(recipient="Ana", line1="1 Main Street", city="Lisboa", postal_code="1000",
                                            country_code="PT"),
        fairness=common_pb2.FairnessAttributes(region="PT", account_created_at=timestamp(NOW - 900 * DAY)))
    s.orders.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="console-import-1", order=order),
                         metadata=s.as_("storefront", "service"))
    issue = s.orders.ReportIssue(orders_pb2.ReportIssueRequest(
        idempotency_key="console-issue-1", order_id="CONSOLE-1", category=orders_pb2.ISSUE_CATEGORY_PROCESSING_DELAY,
        description="<i>still</i> not shipped"), metadata=s.as_("ana", "customer"))
    return issue.issue_id


def sign_in(browser, s, subject, role):
    """A new browser context signed in through the development sign-in form."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(s.url + "/sign-in")
    page.fill("#subject", subject)
    page.select_option("#role", role)
    page.click("form[action='/sign-in/dev'] button[type=submit]")
    return context, page


def shot(page, directory, name):
    os.makedirs(directory, exist_ok=True)
    page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


def percent(ppm):
    """The console's exact percentage of parts per million."""
    whole, fraction = divmod(abs(ppm), 10000)
    text = str(whole) + (("." + f"{fraction:04d}".rstrip("0")) if fraction else "")
    return ("-" if ppm < 0 else "") + text + " %"


def thousandths(milli):
    whole, fraction = divmod(abs(milli), 1000)
    return ("-" if milli < 0 else "") + str(whole) + (("." + f"{fraction:03d}".rstrip("0")) if fraction else "")


def interactive_ids(page):
    """Marks every focusable control of the page (links, buttons, fields) and returns their marks."""
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea')];
        // A radio group is one Tab stop (arrow keys choose within it): one mark per group.
        const forms = [...document.forms];
        const mark = (el, i) => el.type === 'radio' ? `radio-${forms.indexOf(el.form)}-${el.name}` : String(i);
        items.forEach((el, i) => el.setAttribute('data-kb', mark(el, i)));
        return [...new Set(items.map(mark))];
    }""")


def tab_through(page, limit=400):
    """The marks of the controls focused by pressing Tab from the top of the page, in order."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.focus("body") if page.locator("body").count() else None
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        mark = page.evaluate("() => document.activeElement && document.activeElement.getAttribute('data-kb')")
        if mark is None:
            if seen:
                break
            continue
        if seen and mark == seen[0]:
            break
        seen.append(mark)
    return seen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--screenshots", default=os.path.join(ROOT, ".build", "console-screenshots"))
    arguments = parser.parse_args()
    work = tempfile.mkdtemp(prefix="console-browser-")
    s = Suite(arguments.bin, work)
    checks = support_stubs.Checks()
    shots = arguments.screenshots
    try:
        complaint_id = seed(s)
        auditor_md = s.as_("audit-1", "auditor")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            agent_context, agent = sign_in(browser, s, "lead-1", "agent")
            auditor_context, auditor = sign_in(browser, s, "audit-1", "auditor")

            state = {}

            def signed_in():
                assert agent.url == s.url + "/overview", agent.url
                assert "Signed in as lead-1 (agent)" in agent.inner_text("header"), agent.inner_text("header")
                cookie = next(c for c in agent_context.cookies() if c["name"] == "console_session")
                assert cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
                assert not cookie["secure"]  # plain HTTP here; --secure-cookies behind TLS
                sign_in_page = browser.new_page()
                sign_in_page.goto(s.url + "/sign-in")
                shot(sign_in_page, shots, "sign-in")
                sign_in_page.close()

            def overview_equals_report():
                agent.goto(s.url + "/overview?days=30")
                shot(agent, shots, "overview")
                agent.screenshot(path=os.path.join(shots, "overview-top.png"))  # README's figure
                start = agent.get_attribute("#period-from", "datetime")
                end = agent.get_attribute("#period-to", "datetime")
                parse = lambda text: calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))
                report = s.oversight.GetReport(oversight_pb2.GetReportRequest(
                    **{"from": timestamp(parse(start)), "to": timestamp(parse(end))}), metadata=auditor_md)
                assert parse(end) - parse(start) == 30 * DAY, (start, end)
                shown = {row.get_attribute("data-metric"): row.locator("td").inner_text()
                         for row in agent.locator("#summary tr[data-metric]").all()}
                seconds = lambda d: f"{d.seconds} s"
                expected = {
                    "events": str(report.events), "ratings": str(report.satisfaction.ratings),
                    "satisfaction_mean": thousandths(report.satisfaction.mean_score_milli),
                    "satisfaction_distribution": " / ".join(str(n) for n in report.satisfaction.distribution),
                    "first_response_count": str(report.first_response.count),
                    "first_response_p50": seconds(report.first_response.p50),
                    "first_response_p90": seconds(report.first_response.p90),
                    "first_response_p99": seconds(report.first_response.p99),
                    "resolution_count": str(report.resolution.count),
                    "resolution_p50": seconds(report.resolution.p50),
                    "resolution_p90": seconds(report.resolution.p90),
                    "resolution_p99": seconds(report.resolution.p99),
                    "refund_sla_refunds": str(report.refund_sla.refunds),
                    "refund_sla_on_time": str(report.refund_sla.on_time),
                    "refund_sla_breached": str(report.refund_sla.breached),
                    "refund_sla_compliance": percent(report.refund_sla.compliance_ppm),
                    "decisions": str(report.decisions), "standardization": percent(report.standardization_ppm),
                }
                for metric, value in expected.items():
                    assert shown[metric].split(" (")[0] == value, (metric, shown[metric], value)
                # Real figures, not an empty report compared with an empty page.
                assert report.satisfaction.ratings == 8 and report.first_response.count >= 12, report
                assert report.refund_sla.breached >= 1 and report.refund_sla.on_time >= 1, report.refund_sla
                categories = [(row.locator("th").inner_text(), row.locator("td").inner_text())
                              for row in agent.locator("#categories tbody tr").all()]
                assert categories == [(c.category, str(c.count)) for c in report.top_categories], categories
                assert agent.locator("svg.chart[role=img]").count() == 4
                assert agent.locator("#chart-satisfaction circle").count() >= 1

            def fairness_marks_biased_group():
                agent.goto(s.url + "/fairness?days=7")
                shot(agent, shots, "fairness")
                flagged = [(row.evaluate("r => r.closest('table').dataset.dimension"), row.get_attribute("data-group"))
                           for row in agent.locator("table[data-dimension] tr[data-flagged=true]").all()]
                assert flagged == [("region", "BR")], flagged
                assert "Flagged" in agent.inner_text("tr[data-group=BR]")
                rule = agent.inner_text("#rule")
                assert "80 %" in rule and "four-fifths" in rule, rule
                assert "A disparity is flagged" in agent.inner_text("#disparity")

            def audit_sample_marked_through_page():
                auditor.goto(s.url + "/audit")
                shot(auditor, shots, "audit")
                auditor.fill("#seed", "42")
                auditor.fill("#size", "4")
                auditor.fill("#days", "30")
                auditor.click("form[action='/audit/samples'] button[type=submit]")
                auditor.wait_for_url(re.compile(r".*/audit/samples/.+"))
                sample_id = auditor.inner_text("#sample tr:first-child td")
                state["sample"] = sample_id
                items = auditor.locator("li[data-sequence]")
                assert items.count() == 4, items.count()
                first = items.nth(0).get_attribute("data-sequence")
                second = items.nth(1).get_attribute("data-sequence")
                auditor.check(f"#pass-{first}")
                auditor.fill(f"#note-{first}", "rule cited, <b>ok</b>")
                auditor.click(f"form[action$='/items/{first}'] button")
                auditor.check(f"#fail-{second}")
                auditor.fill(f"#note-{second}", "no rule cited")
                auditor.click(f"form[action$='/items/{second}'] button")
                shot(auditor, shots, "audit-sample")
                sample = s.oversight.GetAuditSample(oversight_pb2.GetAuditSampleRequest(sample_id=sample_id),
                                                    metadata=auditor_md)
                verdicts = {str(i.record.sequence): (i.verdict, i.note, i.marked_by.subject) for i in sample.items}
                assert verdicts[first] == (oversight_pb2.AUDIT_VERDICT_PASS, "rule cited, <b>ok</b>", "audit-1"), verdicts
                assert verdicts[second] == (oversight_pb2.AUDIT_VERDICT_FAIL, "no rule cited", "audit-1"), verdicts
                assert sample.seed == 42 and sample.passed == 1 and sample.failed == 1, sample
                assert auditor.inner_text("#passed") == "1" and auditor.inner_text("#failed") == "1"
                assert auditor.locator("li[data-sequence] .note b").count() == 0  # the note's markup is text

            def audit_search_and_verification():
                auditor.goto(s.url + "/audit?service=refunds")
                services = {t.strip() for t in auditor.locator("table.records tbody tr td:nth-child(3)").all_inner_texts()}
                assert services == {"refunds"}, services
                auditor.goto(s.url + "/audit?case=CI-3")
                cases = auditor.locator("table.records tbody tr td:nth-child(4)").all_inner_texts()
                assert len(cases) >= 4 and set(cases) == {"issue CI-3"}, cases
                auditor.goto(s.url + "/audit/verification")
                shot(auditor, shots, "audit-verification")
                assert auditor.inner_text("#verdict").startswith("Valid"), auditor.inner_text("#verdict")

            def complaint_through_every_state():
                agent.goto(s.url + "/complaints")
                shot(agent, shots, "complaints")
                agent.click(f"tr[data-complaint='{complaint_id}'] a")
                assert agent.inner_text("#state") == "submitted"
                agent.select_option("#staff", "staff-kim")
                agent.click("form[action$='/assign'] button")
                assert agent.inner_text("#state") == "assigned" and agent.inner_text("#assigned") == "staff-kim"
                agent.click("form[action$='/start'] button")
                assert agent.inner_text("#state") == "investigating"
                agent.fill("#message-text", "We are looking into it & will reply <soon>.")
                agent.click("form[action$='/messages'] button")
                assert "We are looking into it & will reply <soon>." in agent.inner_text("#messages")
                agent.fill("#resolution-text", "A replacement kettle was sent.")
                agent.click("form[action$='/resolve'] button")
                assert agent.inner_text("#state") == "resolved"
                shot(agent, shots, "complaint")
                agent.click("form[action$='/close'] button")
                assert agent.inner_text("#state") == "closed"
                complaint = s.oversight.GetComplaint(oversight_pb2.GetComplaintRequest(complaint_id=complaint_id),
                                                     metadata=auditor_md)
                assert complaint.state == oversight_pb2.COMPLAINT_STATE_CLOSED, complaint.state
                assert complaint.assigned_to == "staff-kim" and complaint.resolution == "A replacement kettle was sent."
                assert any("A replacement kettle was sent." in n.text for n in complaint.notifications), complaint
                assert "A replacement kettle was sent." in agent.inner_text("#notifications")

            def customer_markup_is_text():
                agent.goto(s.url + f"/complaints/{complaint_id}")
                main = agent.inner_text("main")
                assert MARKUP_SUBJECT in main and "<script>window.pwned=1</script>" in main, main[:500]
                assert agent.locator("main img, main script, main b").count() == 0
                assert agent.evaluate("() => window.pwned") is None
                agent.goto(s.url + "/cases/complaint/" + complaint_id)
                shot(agent, shots, "case-complaint")
                assert agent.locator("main script, main img").count() == 0
                assert "<script>" in agent.inner_text("#facts")
                agent.goto(s.url + "/cases/issue/CI-0")  # not in Orders: a 404 page, not a crash
                assert "Not found" in agent.inner_text("h1")

            def case_view_shows_the_case_and_its_log():
                issue_id = report_issue(s)
                for _ in range(100):  # the outbox relay delivers the issue's events to Oversight
                    agent.goto(s.url + f"/cases/issue/{issue_id}")
                    if agent.locator("table.records tbody tr").count() > 0:
                        break
                    agent.wait_for_timeout(200)
                shot(agent, shots, "case-issue")
                facts = agent.inner_text("#facts")
                assert issue_id in facts and "CONSOLE-1" in facts and "<i>still</i> not shipped" in facts, facts
                assert agent.locator("#facts i").count() == 0
                assert agent.locator("#case-log tbody tr").count() >= 1
                records = agent.locator("table.records tbody tr td:nth-child(4)").all_inner_texts()
                assert records and set(records) == {f"issue {issue_id}"}, records
                listed = s.oversight.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(
                    aggregate_id=issue_id, limit=1000), metadata=auditor_md).records
                assert len(records) == len([r for r in listed if r.event.aggregate_type == "issue"]), (records, listed)

            def customer_cannot_open_staff_pages():
                paths = ["/overview", "/fairness", "/audit", "/audit/verification", "/complaints",
                         f"/complaints/{complaint_id}", "/cases/complaint/" + complaint_id]
                customer = s.token("ana", "customer")
                request = playwright.request.new_context(base_url=s.url)
                for path in paths:
                    response = request.get(path, headers={"authorization": f"Bearer {customer}"}, max_redirects=0)
                    assert response.status == 403, (path, response.status)
                    assert "for support agents and auditors" in response.text()
                response = request.post(f"/complaints/{complaint_id}/messages", max_redirects=0,
                                        headers={"authorization": f"Bearer {customer}"},
                                        form={"text": "x", "csrf": "y"})
                assert response.status == 403, response.status
                request.dispose()
                context, page = sign_in(browser, s, "ana", "customer")
                page.goto(s.url + "/complaints")
                assert "Not allowed" in page.inner_text("h1") and page.locator("main table").count() == 0
                shot(page, shots, "customer-refused")
                context.close()

            def forged_post_refused():
                before = len(s.oversight.GetComplaint(oversight_pb2.GetComplaintRequest(complaint_id=complaint_id),
                                                      metadata=auditor_md).messages)
                # The browser's own cookies go along, but no CSRF token: refused.
                response = agent.request.post(f"{s.url}/complaints/{complaint_id}/messages", max_redirects=0,
                                              form={"text": "forged", "idempotency_key": "forged-1"})
                assert response.status == 403 and "CSRF" in response.text(), response.status
                response = agent.request.post(f"{s.url}/complaints/{complaint_id}/messages", max_redirects=0,
                                              form={"text": "forged", "csrf": "A" * 43})
                assert response.status == 403, response.status
                response = agent.request.post(f"{s.url}/sign-out", max_redirects=0, form={})
                assert response.status == 403, response.status
                after = s.oversight.GetComplaint(oversight_pb2.GetComplaintRequest(complaint_id=complaint_id),
                                                 metadata=auditor_md).messages
                assert len(after) == before and not any(m.text == "forged" for m in after), after
                agent.goto(s.url + "/overview")  # still signed in: the forged sign-out did nothing
                assert "Signed in as lead-1" in agent.inner_text("header")

            def keyboard_reaches_every_action():
                pages = [(agent, "/overview?days=7"), (agent, "/fairness?days=7"), (auditor, "/audit"),
                         (agent, "/complaints"), (agent, f"/complaints/{complaint_id}"), (agent, "/sign-in"),
                         (agent, f"/cases/complaint/{complaint_id}"), (auditor, "/audit/verification")]
                if "sample" in state:
                    pages.append((auditor, f"/audit/samples/{state['sample']}"))
                for page, path in pages:
                    page.goto(s.url + path)
                    marks = interactive_ids(page)
                    reached = tab_through(page)
                    assert set(reached) == set(marks), (path, sorted(set(marks) - set(reached)))
                    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
                        'input:not([type=hidden]), select, textarea')].filter(e => !e.labels || !e.labels.length)
                        .map(e => e.name)""")
                    assert unlabelled == [], (path, unlabelled)
                # An audit item marked with the keyboard only: Tab into its radio group, Space, Tab to
                # the note, type, Tab to Mark, Enter.
                if "sample" in state:
                    auditor.goto(s.url + f"/audit/samples/{state['sample']}")
                    third = auditor.locator("li[data-sequence]").nth(2).get_attribute("data-sequence")
                    for _ in range(80):
                        auditor.keyboard.press("Tab")
                        if auditor.evaluate("() => document.activeElement.id") == f"pass-{third}":
                            break
                    assert auditor.evaluate("() => document.activeElement.id") == f"pass-{third}"
                    auditor.keyboard.press("Space")
                    auditor.keyboard.press("Tab")
                    auditor.keyboard.type("checked by keyboard")
                    auditor.keyboard.press("Tab")
                    with auditor.expect_navigation():
                        auditor.keyboard.press("Enter")
                    sample = s.oversight.GetAuditSample(oversight_pb2.GetAuditSampleRequest(sample_id=state["sample"]),
                                                        metadata=auditor_md)
                    item = next(i for i in sample.items if str(i.record.sequence) == third)
                    assert (item.verdict, item.note) == (oversight_pb2.AUDIT_VERDICT_PASS, "checked by keyboard"), item
                # Actions done with the keyboard only: Tab to a button, Enter.
                for path, button, after in [("/complaints", "Filter", "state="),
                                            ("/overview?days=7", "Show", "from=")]:
                    agent.goto(s.url + path)
                    for _ in range(60):
                        agent.keyboard.press("Tab")
                        if agent.evaluate("() => document.activeElement.textContent") == button:
                            break
                    assert agent.evaluate("() => document.activeElement.textContent") == button, (path, button)
                    agent.keyboard.press("Enter")
                    agent.wait_for_url(re.compile(f".*{after}.*"))

            checks.run("signs in with the development sign-in; the cookie is HttpOnly and SameSite=Strict", signed_in)
            checks.run("the overview's numbers equal GetReport's for the same period", overview_equals_report)
            checks.run("the fairness page marks exactly the biased group, with its rule", fairness_marks_biased_group)
            checks.run("an audit sample marked through the page shows in GetAuditSample", audit_sample_marked_through_page)
            checks.run("the audit log is searched by service and case, and verified", audit_search_and_verification)
            checks.run("a complaint moves through every state from the page", complaint_through_every_state)
            checks.run("markup in a customer's text is shown as text", customer_markup_is_text)
            checks.run("the case view shows an issue, its own log and its audit records", case_view_shows_the_case_and_its_log)
            checks.run("a customer token opens no staff page", customer_cannot_open_staff_pages)
            checks.run("a forged post without the CSRF token is refused", forged_post_refused)
            checks.run("the keyboard reaches every action; every field has a label", keyboard_reaches_every_action)
            agent_context.close()
            auditor_context.close()
            browser.close()
    finally:
        s.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots in {shots}")
    checks.exit()


if __name__ == "__main__":
    main()
