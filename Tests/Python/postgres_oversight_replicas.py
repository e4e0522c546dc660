"""Two `oversight` processes (replicas) on one PostgreSQL database of their own
(scripts/postgres.sh), started at the same moment, with services' clients ingesting through both
at once (RecordEvents, the RPC the services' relays use, with the services' own tokens): every
batch goes to one replica, and some batches are delivered twice, once through each replica at the
same moment, as a relay retrying on another replica would. Afterwards the audit log is one chain
that verifies (VerifyAuditLog, with every checkpoint the replicas signed), each event is in it
exactly once, and its length is what the replicas acknowledged as accepted.

    python3 postgres_oversight_replicas.py --bin .build/debug
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import tempfile
import threading
import time

import grpc

import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTGRES = os.path.join(ROOT, "scripts", "postgres.sh")
KINDS = [oversight_pb2.EVENT_KIND_CASE_OPENED, oversight_pb2.EVENT_KIND_MESSAGE,
         oversight_pb2.EVENT_KIND_FIRST_RESPONSE, oversight_pb2.EVENT_KIND_DECISION,
         oversight_pb2.EVENT_KIND_CASE_RESOLVED]


def event(source, number):
    """Event `number` of `source`: the cases of five events each, of the source's first aggregate type."""
    aggregate_type = {"orders": "issue", "returns": "return", "inquiries": "ticket"}[source]
    recorded = oversight_pb2.Event(
        event_id=f"{source}-{number}", source_service=source, aggregate_type=aggregate_type,
        aggregate_id=f"{source}-case-{number // 5}", aggregate_sequence=number % 5 + 1, kind=KINDS[number % 5],
        occurred_at=timestamp_pb2.Timestamp(seconds=int(time.time()) - 3_600 + number), customer_id="customer-1",
        category="SHIPPING_ANOMALY", fairness=common_pb2.FairnessAttributes(region="EU"))
    if recorded.kind == oversight_pb2.EVENT_KIND_DECISION:
        recorded.decision.CopyFrom(
            oversight_pb2.DecisionDetail(decision_type="issue_resolution", outcome="RESHIP", favorable=True))
    return recorded


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--batches", type=int, default=60, help="batches per source service")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-oversight-replicas-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = os.path.join(work, "pg")
    url = subprocess.check_output([POSTGRES, "start", cluster], text=True).strip()
    processes = []
    checks = support_stubs.Checks()
    sources = ["orders", "returns", "inquiries"]
    try:
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"), services=["oversight", *sources])
        # Both replicas start at once, on the same database, each signing checkpoints every 25 events.
        for index in range(2):
            processes.append(subprocess.Popen(
                [os.path.join(args.bin, "oversight"), "--port", "0", "--data-dir", os.path.join(work, f"data-{index}"),
                 *keys.flags("oversight"), "--checkpoint-every", "25", "--database-url", url],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        ports = [support_stubs.wait_for_port(process) for process in processes]
        if None in ports:
            raise SystemExit("a replica did not start")
        for process in processes:
            threading.Thread(target=process.stdout.read, daemon=True).start()  # never let its pipe fill
        stubs = [oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{port}")) for port in ports]
        tokens = {source: [("authorization", "Bearer " + keys.mint(source, "service", keys.key(source)))]
                  for source in sources}
        auditor = [("authorization", "Bearer " + keys.mint("auditor-1", "auditor"))]
        lock = threading.Lock()
        tally = {"accepted": 0, "duplicates": 0, "checkpoints": {}}

        def record(replica, source, events):
            response = stubs[replica].RecordEvents(oversight_pb2.RecordEventsRequest(events=events),
                                                   metadata=tokens[source], timeout=60)
            with lock:
                tally["accepted"] += response.accepted
                tally["duplicates"] += response.duplicates
                if response.HasField("checkpoint"):
                    tally["checkpoints"][response.checkpoint.sequence] = response.checkpoint
            return response

        sent = []

        def concurrent_ingestion_through_both_replicas():
            # Each source sends its batches (of 1 to 40 events) in turn, alternating replicas; every
            # seventh batch is delivered through both replicas at the same moment.
            def deliver(source):
                number = 0
                for batch in range(args.batches):
                    size = 1 + (batch * 13) % 40
                    events = [event(source, number + offset) for offset in range(size)]
                    number += size
                    with lock:
                        sent.extend(e.event_id for e in events)
                    if batch % 7 == 3:
                        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as twice:
                            list(twice.map(lambda replica: record(replica, source, events), [0, 1]))
                    else:
                        record(batch % 2, source, events)

            with concurrent.futures.ThreadPoolExecutor(max_workers=len(sources)) as pool:
                list(pool.map(deliver, sources))
            assert tally["accepted"] == len(sent), (tally["accepted"], len(sent))
            assert tally["duplicates"] > 0, tally["duplicates"]

        def one_chain_that_verifies_through_both():
            checkpoints = sorted(tally["checkpoints"].values(), key=lambda c: c.sequence)[-100:]
            assert checkpoints, "no checkpoint was signed"
            for stub in stubs:
                verification = stub.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(checkpoints=checkpoints),
                                                   metadata=auditor, timeout=60)
                assert verification.valid, verification
                assert verification.records_checked == tally["accepted"], (verification, tally["accepted"])
                assert verification.checkpoints_checked == len(checkpoints), verification

        def each_event_exactly_once():
            logged = []
            next_sequence = 1
            while True:
                page = stubs[next_sequence % 2].ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(
                    from_sequence=next_sequence, limit=1000), metadata=auditor, timeout=60)
                logged.extend(record.event.event_id for record in page.records)
                if not page.next_sequence:
                    break
                next_sequence = page.next_sequence
            assert len(logged) == len(set(logged)), "an event is in the log twice"
            assert sorted(logged) == sorted(sent), (len(logged), len(sent))

        def a_redelivery_after_the_fact_is_a_duplicate():
            events = [event("orders", 0), event("orders", 1)]
            responses = [record(replica, "orders", events) for replica in (0, 1)]
            assert all(r.accepted == 0 and r.duplicates == 2 for r in responses), responses

        for name, check in [("concurrent_ingestion_through_both_replicas", concurrent_ingestion_through_both_replicas),
                            ("one_chain_that_verifies_through_both", one_chain_that_verifies_through_both),
                            ("each_event_exactly_once", each_event_exactly_once),
                            ("a_redelivery_after_the_fact_is_a_duplicate", a_redelivery_after_the_fact_is_a_duplicate)]:
            checks.run(f"postgres oversight replicas {name}", check)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(30)
        subprocess.run([POSTGRES, "stop", cluster], check=False)
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
