"""The metrics the Prometheus rules read (deploy/prometheus/support-rules.yml) are the ones the
real processes export: all five services run with --metrics-port, and every metric name in a
rule's expression is served by at least one of them at /metrics (a renamed metric would leave an
alert that can never fire). Then Oversight's audit-chain gauges follow a real VerifyAuditLog.

    python3 metrics_contract.py --bin .build/debug
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

import grpc
import yaml

import support_stubs
import suite

support_stubs.generate()

from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "deploy", "prometheus", "support-rules.yml")
# PromQL words in the rules that are not metric names.
PROMQL = {"sum", "by", "rate", "increase", "histogram_quantile", "min_over_time", "time", "and", "or"}


def rule_metrics():
    """The metric names the rules' expressions read (recording rules' own names excluded)."""
    names = set()
    for group in yaml.safe_load(open(RULES))["groups"]:
        for rule in group["rules"]:
            expr = re.sub(r"\{[^}]*\}", "", rule["expr"])  # label matchers
            expr = re.sub(r"\bby\s*\([^)]*\)", "", expr)  # grouping labels
            expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
            for token in re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
                if ":" not in token and token not in PROMQL:
                    names.add(re.sub(r"_bucket$", "", token))
    return names


def scrape(port):
    return urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()


def exported(text):
    """The metric families in a scrape, by their TYPE lines."""
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def gauge(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="metrics-")
    keys = suite.ensure_keys(args.bin, os.path.join(work, "keys"))
    ports = {name: suite.free_port() for name in suite.START_ORDER}
    metrics = {name: suite.free_port() for name in suite.START_ORDER}
    processes = {}
    checks = support_stubs.Checks()
    try:
        for name in suite.START_ORDER:
            arguments = [os.path.join(args.bin, name), "--port", str(ports[name]), "--data-dir", os.path.join(work, name),
                         "--metrics-port", str(metrics[name]), *keys.flags(name)]
            for peer in suite.PEERS[name]:
                arguments += ["--peer", f"{peer}=127.0.0.1:{ports[peer]}"]
            processes[name] = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            assert support_stubs.wait_for_port(processes[name]) == ports[name], f"{name} did not start"
        oversight = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{ports['oversight']}"))
        auditor = [("authorization", "Bearer " + keys.mint("audit-1", "auditor"))]

        def every_rule_metric_is_exported():
            # A method's call metrics appear with its first call, its error counter with its first
            # failure (here a call without a token).
            oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor)
            try:
                oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest())
                raise AssertionError("a call without a token was answered")
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error
            served = set()
            for name in suite.START_ORDER:
                served |= exported(scrape(metrics[name]))
            wanted = rule_metrics()
            assert len(wanted) >= 10, wanted
            missing = wanted - served
            assert not missing, f"the rules read metrics no service exports: {sorted(missing)}"

        def outbox_backlog_is_exported_by_every_sender():
            for name in ["orders", "returns", "refunds", "inquiries"]:
                text = scrape(metrics[name])
                assert 'outbox_pending{destination="oversight"}' in text, (name, text[:2000])

        def chain_gauges_follow_verification():
            deadline = time.time() + 30
            while gauge(scrape(metrics["oversight"]), "audit_chain_last_verified_seconds") is None:
                assert time.time() < deadline, "the chain monitor did not run at start"
                time.sleep(0.2)
            before = gauge(scrape(metrics["oversight"]), "audit_chain_last_verified_seconds")
            time.sleep(0.05)
            result = oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor)
            text = scrape(metrics["oversight"])
            assert result.valid and gauge(text, "audit_chain_valid") == 1, text
            assert gauge(text, "audit_chain_records_checked") == result.records_checked, text
            assert gauge(text, "audit_chain_last_verified_seconds") > before, text
            assert gauge(text, "audit_chain_verification_failures_total") == 0, text

        for name, check in [("metrics: every metric the rules read is exported", every_rule_metric_is_exported),
                            ("metrics: every outbox's backlog is exported", outbox_backlog_is_exported_by_every_sender),
                            ("metrics: the audit-chain gauges follow VerifyAuditLog", chain_gauges_follow_verification)]:
            checks.run(name, check)
    finally:
        codes = suite.stop(processes)
        if any(code != 0 for code in codes.values()):
            print(f"FAIL metrics: clean shutdown: {codes}")
            checks.failed += 1
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
