"""Oversight ingestion, SQLite beside PostgreSQL in the same run: one `oversight` process per
backend (on PostgreSQL optionally two replicas on one database), fed pre-encoded RecordEvents
batches (the RPC the services' relays use, with the orders service's token) by `--callers`
concurrent grpcio callers spread over the replicas; reports events/s per backend, then checks that
the log holds every event once and verifies (VerifyAuditLog). PostgreSQL is a throwaway cluster of
scripts/postgres.sh. The issue's target: at least 20,000 events/s on PostgreSQL (release build).

  python3 Benchmarks/oversight_ingest_bench.py --bin .build/release [--events 200000] [--batch 500]
      [--callers 4] [--replicas 2]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))

import support_stubs  # noqa: E402

support_stubs.generate()

import grpc  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402

POSTGRES = os.path.join(ROOT, "scripts", "postgres.sh")
RECORD = "/support.oversight.v1.Oversight/RecordEvents"
KINDS = [oversight_pb2.EVENT_KIND_CASE_OPENED, oversight_pb2.EVENT_KIND_MESSAGE,
         oversight_pb2.EVENT_KIND_FIRST_RESPONSE, oversight_pb2.EVENT_KIND_DECISION,
         oversight_pb2.EVENT_KIND_CASE_RESOLVED]


def batches(total, size):
    """The encoded RecordEventsRequests of `total` orders events (cases of five), `size` per batch."""
    start = int(time.time()) - 86_400
    encoded = []
    for first in range(0, total, size):
        request = oversight_pb2.RecordEventsRequest()
        for number in range(first, min(total, first + size)):
            event = request.events.add(
                event_id=f"bench-{number}", source_service="orders", aggregate_type="issue",
                aggregate_id=f"case-{number // 5}", aggregate_sequence=number % 5 + 1, kind=KINDS[number % 5],
                occurred_at=timestamp_pb2.Timestamp(seconds=start + number % 86_400), customer_id="customer-1",
                category="SHIPPING_ANOMALY", summary="benchmark event",
                fairness=common_pb2.FairnessAttributes(
                    region=["EU", "US", "APAC"][number % 3],
                    order_value=common_pb2.Money(minor_units=1_000 + (number % 7) * 9_000, currency_code="EUR")))
            if event.kind == oversight_pb2.EVENT_KIND_DECISION:
                event.decision.CopyFrom(oversight_pb2.DecisionDetail(
                    decision_type="issue_resolution", outcome="RESHIP", favorable=number % 10 != 2,
                    followed_playbook=True))
        encoded.append(request.SerializeToString())
    return encoded


def ingest(ports, token, encoded, callers):
    """Sends every batch once, `callers` at a time over `ports`; returns (seconds, events accepted)."""
    channels = [grpc.insecure_channel(f"127.0.0.1:{port}") for port in ports]
    record = [channel.unary_unary(RECORD, request_serializer=None,
                                  response_deserializer=oversight_pb2.RecordEventsResponse.FromString)
              for channel in channels]
    metadata = [("authorization", "Bearer " + token)]
    lock = threading.Lock()
    state = {"next": 0, "accepted": 0, "failure": None}

    def caller(index):
        while True:
            with lock:
                position = state["next"]
                state["next"] += 1
            if position >= len(encoded) or state["failure"]:
                return
            try:
                response = record[(index + position) % len(record)](encoded[position], metadata=metadata, timeout=120)
            except grpc.RpcError as error:
                state["failure"] = error
                return
            with lock:
                state["accepted"] += response.accepted

    threads = [threading.Thread(target=caller, args=(index,)) for index in range(callers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    for channel in channels:
        channel.close()
    if state["failure"]:
        raise SystemExit(f"RecordEvents failed: {state['failure']}")
    return seconds, state["accepted"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the build's bin directory (release for real figures)")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=500, help="events per RecordEvents call (at most 1,000)")
    parser.add_argument("--callers", type=int, default=4)
    parser.add_argument("--replicas", type=int, default=1, help="oversight processes on the PostgreSQL database")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="oversight-ingest-bench-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = os.path.join(work, "pg")
    processes = []
    rows = []
    try:
        url = subprocess.check_output(
            [POSTGRES, "start", cluster], text=True,
            env={**os.environ, "SUPPORT_POSTGRES_FSYNC": "on"}).strip()  # durable commits, as SQLite's
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"), services=["oversight", "orders"])
        token = keys.mint("orders", "service", keys.key("orders"))
        auditor = [("authorization", "Bearer " + keys.mint("auditor-1", "auditor"))]
        encoded = batches(args.events, args.batch)
        for backend, count, flags in [("SQLite", 1, []), ("PostgreSQL", args.replicas, ["--database-url", url])]:
            ports = []
            for index in range(count):
                process = subprocess.Popen(
                    [os.path.join(args.bin, "oversight"), "--port", "0",
                     "--data-dir", os.path.join(work, f"{backend}-{index}"), *keys.flags("oversight"), *flags],
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                processes.append(process)
                ports.append(support_stubs.wait_for_port(process))
                threading.Thread(target=process.stdout.read, daemon=True).start()  # never let its pipe fill
            if None in ports:
                raise SystemExit(f"oversight on {backend} did not start")
            seconds, accepted = ingest(ports, token, encoded, args.callers)
            stub = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{ports[0]}"))
            verification = stub.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor, timeout=600)
            if accepted != args.events or not verification.valid or verification.records_checked != args.events:
                raise SystemExit(f"{backend}: accepted {accepted} of {args.events}, verification {verification}")
            rows.append((f"{backend} ({count} replica{'s' if count > 1 else ''})", seconds, args.events / seconds))
        print(f"Oversight ingestion: {args.events} events in batches of {args.batch}, {args.callers} callers")
        print(f"{'backend':<28}{'seconds':>10}{'events/s':>12}")
        for name, seconds, rate in rows:
            print(f"{name:<28}{seconds:>10.2f}{rate:>12,.0f}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(30)
        subprocess.run([POSTGRES, "stop", cluster], check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
