"""Identity per service and an audit trail no one can rewrite, tried from outside as an attacker
would: Python grpcio clients against the real `oversight` and `orders` executables, started with
the local key layout (a key per service, the identity provider's, one key set).

- a service's key cannot mint agent or auditor tokens (nor another service's), and the identity
  provider cannot speak as a platform service;
- tokens living longer than the maximum are refused;
- a forged event (a service token naming another source) is refused, an id taken first in
  another service's namespace does not block the genuine event, which lands;
- keys rotate without a restart: a second key is accepted, a removed key refused;
- Oversight's database file rewritten into a self-consistent chain (python sqlite3, hashes
  recomputed) passes the chain check alone but fails against the checkpoint Orders holds, also
  after later events.

    python3 identity_contract.py --bin .build/debug
"""

import argparse
import base64
import hashlib
import json
import os
import sqlite3
import struct
import subprocess
import tempfile
import time

import grpc

import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import audit_checkpoint_pb2, audit_checkpoint_pb2_grpc, common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402


def timestamp(seconds_ago=0):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def money(minor):
    return common_pb2.Money(minor_units=minor, currency_code="EUR")


def sample_order(order_id):
    return orders_pb2.Order(
        order_id=order_id, customer_id="customer-py",
        lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Kettle", quantity=1, unit_price=money(2500))],
        payments=[orders_pb2.Payment(payment_id="p-" + order_id, amount=money(2500), method="card",
                                     captured_at=timestamp(86400))],
        shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa", postal_code="1000-001",
                                            country_code="PT"),
        placed_at=timestamp(86400), fairness=common_pb2.FairnessAttributes(region="EU"))


def event(event_id, source, aggregate_id):
    return oversight_pb2.Event(
        event_id=event_id, source_service=source, aggregate_type="return" if source == "returns" else "order",
        aggregate_id=aggregate_id,
        aggregate_sequence=1, kind=oversight_pb2.EVENT_KIND_CASE_OPENED, occurred_at=timestamp(),
        summary="planted")


def wait_for(description, predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {description}")


def kid_of(token):
    """The key id in a JWT's header."""
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def rewrite_self_consistently(path, sequence):
    """Changes record `sequence`'s event and recomputes every hash from there, and the head, as
    someone holding the file could: the chain is valid again."""
    db = sqlite3.connect(path)
    rows = db.execute("SELECT sequence, recorded_at_ns, event FROM audit_log ORDER BY sequence").fetchall()
    previous = b"\0" * 32
    for number, nanos, payload in rows:
        if number == sequence:
            changed = oversight_pb2.Event()
            changed.ParseFromString(payload)
            changed.summary = "nothing happened here"
            payload = changed.SerializeToString()
        digest = hashlib.sha256(previous + struct.pack(">q", number) + struct.pack(">q", nanos) + payload).digest()
        db.execute("UPDATE audit_log SET event = ?, previous_hash = ?, hash = ? WHERE sequence = ?",
                   (payload, previous, digest, number))
        previous = digest
    db.execute("UPDATE audit_head SET hash = ? WHERE id = 1", (previous,))
    db.commit()
    db.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="identity-contract-")
    keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"))
    second_provider = keys.add("identity-provider-2", "--roles", "customer,agent,auditor,service")
    data = os.path.join(work, "data")
    reload = ["--token-keys-reload", "1"]
    oversight_arguments = [os.path.join(args.bin, "oversight"), "--data-dir", data, *keys.flags("oversight"),
                           "--checkpoint-every", "1", *reload]
    processes = {}
    processes["oversight"], oversight_port = support_stubs.start_service(
        oversight_arguments[0], *oversight_arguments[2:])
    processes["orders"], orders_port = support_stubs.start_service(
        os.path.join(args.bin, "orders"), data, *keys.flags("orders"), *reload, "--peer",
        f"oversight=127.0.0.1:{oversight_port}")
    oversight = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{oversight_port}"))
    orders = orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{orders_port}"))
    held = audit_checkpoint_pb2_grpc.AuditCheckpointsStub(grpc.insecure_channel(f"127.0.0.1:{orders_port}"))

    def bearer(subject, role, key=None):
        return [("authorization", "Bearer " + keys.mint(subject, role, key))]

    auditor, storefront = bearer("audit-1", "auditor"), bearer("storefront", "service")
    as_returns = bearer("returns", "service", keys.key("returns"))
    checks = support_stubs.Checks()

    def status_of(call):
        try:
            call()
        except grpc.RpcError as error:
            return error.code(), error.details()
        return grpc.StatusCode.OK, ""

    def a_service_key_mints_no_other_identity():
        for subject, role, key, method in [
            ("audit-1", "auditor", keys.key("orders"), "verify"), ("agent-1", "agent", keys.key("orders"), "list"),
            ("returns", "service", keys.key("orders"), "record"), ("orders", "service", None, "record"),
        ]:
            metadata = bearer(subject, role, key)
            call = {
                "verify": lambda: oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=metadata),
                "list": lambda: oversight.ListAuditRecords(oversight_pb2.ListAuditRecordsRequest(), metadata=metadata),
                "record": lambda: oversight.RecordEvents(oversight_pb2.RecordEventsRequest(
                    events=[event(f"x-{subject}", subject, "x")]), metadata=metadata),
            }[method]
            code, details = status_of(call)
            assert code == grpc.StatusCode.UNAUTHENTICATED and "may not sign" in details, (subject, role, code, details)
        # The genuine holders are accepted.
        assert oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor).valid

    def overlong_tokens_are_refused():
        token = subprocess.check_output(
            [os.path.join(args.bin, "supportctl"), "token", "mint", "--key", keys.identity_provider, "--subject",
             "audit-1", "--role", "auditor", "--ttl", "7200"], text=True).strip()
        code, details = status_of(lambda: oversight.VerifyAuditLog(
            oversight_pb2.VerifyAuditLogRequest(), metadata=[("authorization", "Bearer " + token)]))
        assert code == grpc.StatusCode.UNAUTHENTICATED and "longer than 3600 seconds" in details, (code, details)

    predicted = "orders:order:ID-1:1"  # Orders' ids are predictable: source:type:case:sequence.
    customer = bearer("customer-py", "customer")

    def change_order(order_id):
        """An order imported, then changed by its customer: Orders records one event, the order's first."""
        orders.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="imp-" + order_id,
                                                         order=sample_order(order_id)), metadata=storefront)
        orders.AdjustOrder(orders_pb2.AdjustOrderRequest(idempotency_key="adj-" + order_id, order_id=order_id,
                                                         customer_note="leave at the door"), metadata=customer)

    def forged_and_preregistered_events_do_not_displace_the_genuine_one():
        # Returns' token naming Orders as the source: refused.
        code, details = status_of(lambda: oversight.RecordEvents(oversight_pb2.RecordEventsRequest(
            events=[event(predicted, "orders", "ID-1")]), metadata=as_returns))
        assert code == grpc.StatusCode.PERMISSION_DENIED and "is not the caller 'returns'" in details, (code, details)
        # Returns registers Orders' next id first, in its own namespace.
        planted = oversight.RecordEvents(oversight_pb2.RecordEventsRequest(
            events=[event(predicted, "returns", "ID-1")]), metadata=as_returns)
        assert planted.accepted == 1, planted
        # The genuine event still lands.
        change_order("ID-1")

        def landed():
            records = oversight.ListAuditRecords(
                oversight_pb2.ListAuditRecordsRequest(aggregate_id="ID-1"), metadata=auditor).records
            return [(r.event.source_service, r.event.event_id) for r in records]
        recorded = wait_for("Orders' event to land", lambda: ("orders", predicted) in landed() and landed())
        assert recorded.count(("returns", predicted)) == 1 and recorded.count(("orders", predicted)) == 1, recorded

    def latest_held():
        return held.GetLatestCheckpoint(audit_checkpoint_pb2.GetLatestCheckpointRequest(), metadata=auditor)

    def a_rewritten_oversight_file_fails_against_the_checkpoint_orders_holds():
        head = oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor).records_checked
        wait_for("Orders to hold a checkpoint of the head",
                 lambda: latest_held().HasField("checkpoint") and latest_held().checkpoint.sequence == head)
        checkpoint = latest_held().checkpoint
        assert latest_held().service == "orders"
        before = oversight.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(checkpoints=[checkpoint]),
                                          metadata=auditor)
        assert before.valid and before.checkpoints_checked == 1, before

        processes["oversight"].terminate()
        assert processes["oversight"].wait(timeout=30) == 0
        rewrite_self_consistently(os.path.join(data, "oversight.sqlite"), 1)
        processes["oversight"] = subprocess.Popen(
            [*oversight_arguments[:1], "--port", str(oversight_port), *oversight_arguments[1:]],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert support_stubs.wait_for_port(processes["oversight"]) == oversight_port
        fresh = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{oversight_port}"))

        chain_only = fresh.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(), metadata=auditor,
                                          wait_for_ready=True, timeout=20)
        assert chain_only.valid, ("the rewrite should be self-consistent", chain_only)
        caught = fresh.VerifyAuditLog(oversight_pb2.VerifyAuditLogRequest(checkpoints=[checkpoint]), metadata=auditor)
        assert not caught.valid and "was rewritten" in caught.problem, caught
        assert caught.first_invalid_sequence == checkpoint.sequence, caught

        # Later events flow, but Orders keeps its evidence: Oversight sees the held checkpoint no
        # longer matches and hands back no newer one.
        change_order("ID-2")
        wait_for("the later event to land", lambda: fresh.ListAuditRecords(
            oversight_pb2.ListAuditRecordsRequest(aggregate_id="ID-2"), metadata=auditor,
            wait_for_ready=True, timeout=20).records)
        assert latest_held().checkpoint == checkpoint, latest_held()

        # supportctl collects the checkpoints from the services it reaches and fails.
        verify = subprocess.run(
            [os.path.join(args.bin, "supportctl"), "oversight", "verify", "--as", "audit-1:auditor", "--key",
             keys.identity_provider, "--json", "--address", f"oversight=127.0.0.1:{oversight_port}",
             "--address", f"orders=127.0.0.1:{orders_port}", "--checkpoints-from", "orders"],
            capture_output=True, text=True, timeout=60)
        assert verify.returncode == 2, (verify.returncode, verify.stdout, verify.stderr)
        result = json.loads(verify.stdout)
        assert result["valid"] is False and result["checkpoints"] == f"orders@{checkpoint.sequence}", result

    def keys_rotate_without_a_restart():
        old_token = keys.mint("agent-1", "agent")
        old, new = [("authorization", "Bearer " + old_token)], bearer("agent-2", "agent", second_provider)

        def code(metadata):
            return status_of(lambda: orders.GetOrder(orders_pb2.GetOrderRequest(order_id="ID-1"), metadata=metadata))
        assert code(old)[0] == grpc.StatusCode.OK and code(new)[0] == grpc.StatusCode.OK, (code(old), code(new))
        with open(keys.jwks) as handle:
            ring = json.load(handle)
        kept = [k for k in ring["keys"] if k["kid"] != kid_of(old_token)]
        assert len(kept) == len(ring["keys"]) - 1, (kid_of(old_token), ring)
        with open(keys.jwks + ".tmp", "w") as handle:
            json.dump({"keys": kept}, handle)
        os.replace(keys.jwks + ".tmp", keys.jwks)
        wait_for("the removed key to be refused", lambda: code(old)[0] == grpc.StatusCode.UNAUTHENTICATED)
        assert "names no key" in code(old)[1], code(old)
        assert code(new)[0] == grpc.StatusCode.OK, code(new)

    try:
        checks.run("identity a service key mints no other identity", a_service_key_mints_no_other_identity)
        checks.run("identity tokens living longer than the maximum are refused", overlong_tokens_are_refused)
        checks.run("identity forged and pre-registered events do not displace the genuine one",
                   forged_and_preregistered_events_do_not_displace_the_genuine_one)
        checks.run("identity a rewritten Oversight file fails against Orders' checkpoint",
                   a_rewritten_oversight_file_fails_against_the_checkpoint_orders_holds)
        checks.run("identity keys rotate without a restart", keys_rotate_without_a_restart)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    checks.exit()


if __name__ == "__main__":
    main()
