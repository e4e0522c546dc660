"""Two `orders` processes (replicas) on one PostgreSQL database of their own (scripts/postgres.sh),
started at the same moment (their migrations take turns under an advisory lock), with a client
spreading calls over both: concurrent messages on one issue through both replicas are all kept,
one idempotency key sent through both at once has one effect, and a replica killed with SIGKILL
mid-load loses no acknowledged write while the other keeps serving.

    python3 postgres_replicas.py --bin .build/debug
"""

import argparse
import concurrent.futures
import os
import shutil
import signal
import subprocess
import tempfile
import time

import grpc

import postgres_support
import support_stubs

support_stubs.generate()

from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTGRES = os.path.join(ROOT, "scripts", "postgres.sh")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-replicas-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = os.path.join(work, "pg")
    url = subprocess.check_output([POSTGRES, "start", cluster], text=True).strip()
    processes = []
    checks = support_stubs.Checks()
    try:
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"), services=["orders"])
        # Both replicas start at once, on the same database.
        for index in range(2):
            processes.append(subprocess.Popen(
                [os.path.join(args.bin, "orders"), "--port", "0", "--data-dir", os.path.join(work, f"data-{index}"),
                 *keys.flags("orders"), "--database-url", url],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        ports = [support_stubs.wait_for_port(process) for process in processes]
        if None in ports:
            raise SystemExit("a replica did not start")
        stubs = [orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{port}")) for port in ports]
        storefront = [("authorization", "Bearer " + keys.mint("storefront", "service"))]
        agent = [("authorization", "Bearer " + keys.mint("agent-1", "agent"))]
        customer = [("authorization", "Bearer " + keys.mint("customer-1", "customer"))]
        state = {}

        def both_replicas_serve_one_database():
            stubs[0].ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="i-1", order=postgres_support.sample_order("o-1")),
                                 metadata=storefront, timeout=10)
            assert stubs[1].GetOrder(orders_pb2.GetOrderRequest(order_id="o-1"), metadata=agent,
                                     timeout=10).order_id == "o-1"
            issue = stubs[1].ReportIssue(orders_pb2.ReportIssueRequest(
                idempotency_key="r-1", order_id="o-1", category=orders_pb2.ISSUE_CATEGORY_PROCESSING_DELAY,
                description="slow"), metadata=customer, timeout=10)
            state["issue"] = issue.issue_id

        def concurrent_messages_are_all_kept():
            def send(index):
                return stubs[index % 2].AddIssueMessage(orders_pb2.AddIssueMessageRequest(
                    idempotency_key=f"m-{index}", issue_id=state["issue"], text=f"message {index}"),
                    metadata=agent, timeout=20)
            with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(send, range(30)))
            stored = stubs[0].GetIssue(orders_pb2.GetIssueRequest(issue_id=state["issue"]), metadata=agent, timeout=10)
            texts = sorted(message.text for message in stored.messages)
            assert texts == sorted(f"message {index}" for index in range(30)), texts

        def one_key_through_both_has_one_effect():
            request = orders_pb2.AddIssueMessageRequest(idempotency_key="same", issue_id=state["issue"], text="once")
            with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
                answers = list(pool.map(
                    lambda index: stubs[index % 2].AddIssueMessage(request, metadata=agent, timeout=20), range(6)))
            assert len({answer.SerializeToString(deterministic=True) for answer in answers}) == 1
            stored = stubs[1].GetIssue(orders_pb2.GetIssueRequest(issue_id=state["issue"]), metadata=agent, timeout=10)
            assert [message.text for message in stored.messages].count("once") == 1

        def a_killed_replica_loses_no_acknowledged_write():
            acknowledged = []

            def write(index):
                order_id = f"k-{index}"
                try:
                    stubs[index % 2].ImportOrder(orders_pb2.ImportOrderRequest(
                        idempotency_key=f"k-{index}", order=postgres_support.sample_order(order_id)), metadata=storefront, timeout=10)
                    acknowledged.append(order_id)
                except grpc.RpcError:
                    pass
                if index == 20:
                    processes[1].send_signal(signal.SIGKILL)

            with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(write, range(60)))
            processes[1].wait(10)
            assert len(acknowledged) >= 30, len(acknowledged)
            for order_id in acknowledged:
                stored = stubs[0].GetOrder(orders_pb2.GetOrderRequest(order_id=order_id), metadata=agent, timeout=10)
                assert stored.order_id == order_id
            # The survivor keeps serving writes.
            stubs[0].ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key="after", order=postgres_support.sample_order("after")),
                                 metadata=storefront, timeout=10)

        for name, check in [("both_replicas_serve_one_database", both_replicas_serve_one_database),
                            ("concurrent_messages_are_all_kept", concurrent_messages_are_all_kept),
                            ("one_key_through_both_has_one_effect", one_key_through_both_has_one_effect),
                            ("a_killed_replica_loses_no_acknowledged_write",
                             a_killed_replica_loses_no_acknowledged_write)]:
            checks.run(f"postgres replicas {name}", check)
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
