"""A PostgreSQL primary with a streaming standby (`pg_basebackup -R`, synchronous replication) and
two Orders replicas on it under a steady load of writes; the primary dies (`pg_ctl stop -m
immediate`, as a crash; the forwarder cuts its connections at once) and the standby is promoted
(`pg_ctl promote`). Meanwhile calls fail UNAVAILABLE (never another status, those in flight at
the cut too) and health reports NOT_SERVING; then both replicas continue on the new primary by
themselves, and every write acknowledged before, during or after the failover is readable.

PostgresNIO 1.33.2 connects to one host (no multi-host URL, no target_session_attrs), so the
services reach the database through a TCP forwarder (postgres_support.Forwarder) standing for the
address a failover moves (a DNS name, a virtual IP, a managed database's endpoint): it points at
the primary, refuses connections while there is none, and at the promoted standby afterwards.

    python3 postgres_standby.py --bin .build/debug
"""

import argparse
import os
import shutil
import tempfile
import time

import grpc

import postgres_support
import support_stubs

support_stubs.generate()

from standard_health import health_pb2, health_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-standby-")
    os.chmod(work, 0o755)  # the clusters' owner (postgres) must reach their directories inside
    primary = postgres_support.Cluster(os.path.join(work, "primary"))
    standby = None
    forwarder = None
    replicas = []
    checks = support_stubs.Checks()
    try:
        standby = primary.standby(os.path.join(work, "standby"))
        forwarder = postgres_support.Forwarder(primary.port)
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"), services=["orders"])
        for index in range(2):
            replicas.append(postgres_support.Service(
                os.path.join(args.bin, "orders"), "--data-dir", os.path.join(work, f"data-{index}"),
                *keys.flags("orders"), "--database-url", primary.database_url(port=forwarder.port)))
        stubs = [orders_pb2_grpc.OrdersStub(replica.channel) for replica in replicas]
        healths = [health_pb2_grpc.HealthStub(replica.channel) for replica in replicas]
        storefront = [("authorization", "Bearer " + keys.mint("storefront", "service"))]
        agent = [("authorization", "Bearer " + keys.mint("agent-1", "agent"))]

        def write(index):
            order_id = f"o-{index}"
            stubs[index % 2].ImportOrder(orders_pb2.ImportOrderRequest(
                idempotency_key=order_id, order=postgres_support.sample_order(order_id)), metadata=storefront, timeout=20)
            return order_id

        def statuses():
            return [health.Check(health_pb2.HealthCheckRequest(service="support.orders.v1.Orders"), timeout=5).status
                    for health in healths]

        load = postgres_support.Load(write)
        state = {}

        def writes_flow_before_the_failover():
            postgres_support.eventually(lambda: load.count() >= 20, message="no writes acknowledged")
            assert statuses() == [health_pb2.HealthCheckResponse.SERVING] * 2

        def without_a_primary_calls_fail_unavailable_and_health_is_not_serving():
            forwarder.switch(None)
            primary.stop("immediate")
            state["before"] = load.count()
            for stub in stubs:
                try:
                    stub.GetOrder(orders_pb2.GetOrderRequest(order_id="o-0"), metadata=agent, timeout=30)
                    raise AssertionError("a read succeeded without a database")
                except grpc.RpcError as error:
                    assert error.code() == grpc.StatusCode.UNAVAILABLE, (error.code(), error.details())
            postgres_support.eventually(
                lambda: statuses() == [health_pb2.HealthCheckResponse.NOT_SERVING] * 2, message="health stayed SERVING")

        def the_promoted_standby_takes_over():
            standby.promote()
            forwarder.switch(standby.port)
            postgres_support.eventually(
                lambda: statuses() == [health_pb2.HealthCheckResponse.SERVING] * 2,
                message="health did not come back to SERVING")
            postgres_support.eventually(lambda: load.count() >= state["before"] + 20,
                                        message="no writes acknowledged after the promotion")
            assert standby.psql("SELECT pg_is_in_recovery()") == "f"

        def nothing_acknowledged_is_lost():
            acknowledged, failures = load.stop()
            postgres_support.check_failures(failures)
            for order_id in acknowledged:
                stored = stubs[int(order_id[2:]) % 2 - 1].GetOrder(
                    orders_pb2.GetOrderRequest(order_id=order_id), metadata=agent, timeout=10)
                assert stored.order_id == order_id
            print(f"  {len(acknowledged)} writes acknowledged, {len(failures)} failed UNAVAILABLE", flush=True)

        try:
            for name, check in [
                    ("writes_flow_before_the_failover", writes_flow_before_the_failover),
                    ("without_a_primary_calls_fail_unavailable_and_health_is_not_serving",
                     without_a_primary_calls_fail_unavailable_and_health_is_not_serving),
                    ("the_promoted_standby_takes_over", the_promoted_standby_takes_over),
                    ("nothing_acknowledged_is_lost", nothing_acknowledged_is_lost)]:
                checks.run(f"postgres standby {name}", check)
        finally:
            load.stop()
    finally:
        for replica in replicas:
            replica.stop()
        if forwarder:
            forwarder.close()
        if standby:
            standby.remove()
        primary.remove()
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
