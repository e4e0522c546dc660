"""Two `returns` processes (replicas) on one PostgreSQL database of their own (scripts/postgres.sh),
with Orders and Refunds beside them and a client spreading calls over both replicas: one return
approval retried through both replicas at once gives exactly one refund; the refund follow-up,
which both replicas run, asks Refunds once per approved return (each request is claimed by one
replica: Refunds receives as many CreateRefund calls as there are returns); and the follow-up
work of a replica killed with SIGKILL is done by the other.

    python3 postgres_returns_replicas.py --bin .build/debug
"""

import argparse
import concurrent.futures
import os
import shutil
import signal
import tempfile
import time

import grpc

import postgres_support
import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402
from support.returns.v1 import returns_pb2, returns_pb2_grpc  # noqa: E402

DAY = 86_400


def timestamp(seconds_ago):
    return timestamp_pb2.Timestamp(seconds=int(time.time() - seconds_ago))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-returns-replicas-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = postgres_support.Cluster(os.path.join(work, "pg"))
    started = []
    checks = support_stubs.Checks()
    try:
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"))

        def start(name, *extra, data=None, port=0):
            service = postgres_support.Service(
                os.path.join(args.bin, name), "--data-dir", data or os.path.join(work, f"data-{len(started)}"),
                *keys.flags(name), *extra, port=port)
            started.append(service)
            return service

        orders = start("orders")
        refunds_data = os.path.join(work, "refunds")
        refunds = start("refunds", "--peer", f"orders=127.0.0.1:{orders.port}", "--metrics-port", "0",
                        data=refunds_data)
        refunds_port = refunds.port
        returns_flags = ["--peer", f"orders=127.0.0.1:{orders.port}", "--peer", f"refunds=127.0.0.1:{refunds_port}",
                         "--database-url", cluster.url]
        replicas = [start("returns", *returns_flags), start("returns", *returns_flags)]
        stubs = [returns_pb2_grpc.ReturnsStub(replica.channel) for replica in replicas]
        orders_stub = orders_pb2_grpc.OrdersStub(orders.channel)
        storefront = [("authorization", "Bearer " + keys.mint("storefront", "service"))]
        carrier = [("authorization", "Bearer " + keys.mint("carrier", "service"))]
        agent = [("authorization", "Bearer " + keys.mint("agent-1", "agent"))]
        customer = [("authorization", "Bearer " + keys.mint("customer-1", "customer"))]

        def delivered_order(order_id):
            orders_stub.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key=order_id, order=orders_pb2.Order(
                order_id=order_id, customer_id="customer-1",
                lines=[orders_pb2.OrderLine(line_number=1, sku="KET", title="Kettle", quantity=1,
                                            unit_price=postgres_support.money(2_500))],
                payments=[orders_pb2.Payment(payment_id="p-" + order_id, amount=postgres_support.money(2_500),
                                             captured_at=timestamp(9 * DAY))],
                shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa",
                                                    postal_code="1000", country_code="PT"),
                placed_at=timestamp(9 * DAY))), metadata=storefront, timeout=10)
            for status, ago in [(orders_pb2.TRACKING_STATUS_PICKED_UP, 8), (orders_pb2.TRACKING_STATUS_DELIVERED, 5)]:
                orders_stub.RecordTrackingEvent(orders_pb2.RecordTrackingEventRequest(
                    idempotency_key=f"t-{order_id}-{status}", order_id=order_id,
                    event=orders_pb2.TrackingEvent(event_id=f"{order_id}-{status}", carrier="DHL", status=status,
                                                   occurred_at=timestamp(ago * DAY))), metadata=carrier, timeout=10)

        def received_return(order_id, index):
            """A return of `order_id` opened through one replica and received through the other."""
            delivered_order(order_id)
            opened = stubs[index % 2].RequestReturn(returns_pb2.RequestReturnRequest(
                idempotency_key="open-" + order_id, order_id=order_id, reason=returns_pb2.RETURN_REASON_CHANGED_MIND,
                remedy=returns_pb2.RETURN_REMEDY_REFUND, lines=[returns_pb2.ReturnLine(line_number=1, quantity=1)],
                description="changed my mind"), metadata=customer, timeout=20)
            stubs[(index + 1) % 2].RecordReceipt(returns_pb2.RecordReceiptRequest(
                idempotency_key="rcv-" + order_id, return_id=opened.return_id), metadata=agent, timeout=20)
            return opened.return_id

        def approve(stub, order_id, return_id):
            return stub.RecordInspection(returns_pb2.RecordInspectionRequest(
                idempotency_key="insp-" + order_id, return_id=return_id,
                finding=returns_pb2.INSPECTION_FINDING_CONFIRMS_REASON), metadata=agent, timeout=30)

        def refunds_of(order_id):
            stub = refunds_pb2_grpc.RefundsStub(refunds.channel)
            return list(stub.ListRefunds(refunds_pb2.ListRefundsRequest(order_id=order_id), metadata=agent,
                                         timeout=10).refunds)

        def refunded(stub, return_id):
            found = stub.GetReturn(returns_pb2.GetReturnRequest(return_id=return_id), metadata=agent, timeout=10)
            return found.state == returns_pb2.RETURN_STATE_REFUND_REQUESTED and found.refund_id

        def one_refund_each(order_ids, return_ids):
            for order_id, return_id in zip(order_ids, return_ids):
                listed = refunds_of(order_id)
                assert len(listed) == 1 and listed[0].source.return_id == return_id, listed
                for stub in stubs[:1] if replicas[1].process.poll() is not None else stubs:
                    found = stub.GetReturn(returns_pb2.GetReturnRequest(return_id=return_id), metadata=agent,
                                           timeout=10)
                    assert found.refund_id == listed[0].refund_id, (found.refund_id, listed[0].refund_id)

        def one_approval_retried_through_both_gives_one_refund():
            return_id = received_return("once", 0)
            with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
                answers = list(pool.map(lambda index: approve(stubs[index % 2], "once", return_id), range(6)))
            assert {answer.return_id for answer in answers} == {return_id}
            assert all(answer.state in (returns_pb2.RETURN_STATE_APPROVED, returns_pb2.RETURN_STATE_REFUND_REQUESTED)
                       for answer in answers), [answer.state for answer in answers]
            postgres_support.eventually(lambda: all(refunded(stub, return_id) for stub in stubs),
                                        message="the approved return was not refunded")
            one_refund_each(["once"], [return_id])

        def restart_refunds():
            nonlocal refunds
            refunds = start("refunds", "--peer", f"orders=127.0.0.1:{orders.port}", "--metrics-port", "0",
                            data=refunds_data, port=refunds_port)

        def the_follow_up_asks_once_per_return():
            refunds.stop()
            order_ids = [f"wait-{index}" for index in range(8)]
            return_ids = [received_return(order_id, index) for index, order_id in enumerate(order_ids)]
            for index, (order_id, return_id) in enumerate(zip(order_ids, return_ids)):
                waiting = approve(stubs[index % 2], order_id, return_id)
                assert waiting.state == returns_pb2.RETURN_STATE_APPROVED and not waiting.refund_id, waiting
            restart_refunds()  # a new process: its call counters start at zero
            postgres_support.eventually(lambda: all(refunded(stubs[0], return_id) for return_id in return_ids),
                                        message="the follow-up did not refund the approved returns")
            one_refund_each(order_ids, return_ids)
            calls = refunds.metric("rpc_server_calls_total", labelled="CreateRefund")
            assert calls == len(return_ids), f"{calls} CreateRefund calls for {len(return_ids)} returns"

        def a_killed_replicas_follow_up_is_taken_over():
            refunds.stop()
            order_ids = [f"dead-{index}" for index in range(4)]
            return_ids = [received_return(order_id, index) for index, order_id in enumerate(order_ids)]
            for order_id, return_id in zip(order_ids, return_ids):
                assert approve(stubs[1], order_id, return_id).state == returns_pb2.RETURN_STATE_APPROVED
            replicas[1].stop(signal.SIGKILL)
            restart_refunds()
            # A return the killed replica held a claim on waits for the claim to run out (60 s).
            postgres_support.eventually(lambda: all(refunded(stubs[0], return_id) for return_id in return_ids),
                                        seconds=150, message="the survivor did not take the follow-up over")
            one_refund_each(order_ids, return_ids)

        for name, check in [("one_approval_retried_through_both_gives_one_refund",
                             one_approval_retried_through_both_gives_one_refund),
                            ("the_follow_up_asks_once_per_return", the_follow_up_asks_once_per_return),
                            ("a_killed_replicas_follow_up_is_taken_over", a_killed_replicas_follow_up_is_taken_over)]:
            checks.run(f"postgres returns replicas {name}", check)
    finally:
        for service in reversed(started):
            service.stop()
        cluster.remove()
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
