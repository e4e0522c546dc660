#!/usr/bin/env python3
"""Attacks on what a caller without a token, or a caller's error, may cost a service, against the
five executables started as `make run` starts them (free ports, temporary data):

- health_watch_large_requests: Health/Watch needs no token and lives as long as the caller
  wants; each call held its request (a 4 MiB service name or 4 MiB of unknown fields, sent as
  ~4 KB of gzip), so one connection of 100 watches grew a service by ~400 MiB, two by ~850 MiB.
  Now the standard services refuse requests over 4 KiB (RESOURCE_EXHAUSTED).
- health_watch_flood: 1,100 small watches on 11 connections; at most 1,000 are served at once
  (the rest RESOURCE_EXHAUSTED) and memory stays bounded.
- long_status_message: an error quoting 100,000 characters the caller sent (GetOrder of an
  unknown id) made a header block nghttp2 cannot send: the call got no status at all and hung
  until the caller's deadline. Now the status arrives, its message shortened to 1 KiB.

    public_requests.py --bin BIN [--case NAME[,NAME...]]
"""
import argparse
import sys
import time

from attack_common import MIB, H2, Suite, field_bytes, frame, gzip_frame, serves_health, status_value

import grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402

WATCH = "/grpc.health.v1.Health/Watch"
RESOURCE_EXHAUSTED = 8
# Peak RSS may grow by the request-buffer budget (64 MiB) and as much again, no more.
GROWTH_LIMIT = 128 * MIB


def health_watch_large_requests(suite):
    pid, port = suite.pid("inquiries"), suite.ports["inquiries"]
    before = status_value(pid, "VmHWM")
    bodies = [field_bytes(1, b"x" * (4 * MIB - 64)), field_bytes(2, b"u" * (4 * MIB - 64))]
    clients = []
    for body in bodies:
        client = H2(port)
        clients.append(client)
        message = gzip_frame(body)
        for _ in range(100):
            stream = client.start(WATCH, message, extra=[("grpc-encoding", "gzip")])
            assert client.wait(stream), "no answer to a watch"
            assert client.status.get(stream) == RESOURCE_EXHAUSTED, (client.status.get(stream), client.messages)
    growth = status_value(pid, "VmHWM") - before
    assert growth < GROWTH_LIMIT, f"peak RSS grew by {growth // MIB} MiB"
    assert suite.alive("inquiries") and serves_health(port)
    for client in clients:
        client.close()


def health_watch_flood(suite):
    pid, port = suite.pid("returns"), suite.ports["returns"]
    before = status_value(pid, "VmHWM")
    clients, streams = [], []
    for _ in range(11):
        client = H2(port)
        clients.append(client)
        for _ in range(100):
            streams.append((client, client.start(WATCH, frame(b""))))
        client.run(0.5)
    for client, stream in streams:
        client.wait(stream, 5)
    served = sum(1 for client, stream in streams if stream in client.responded and stream not in client.status)
    refused = sum(1 for client, stream in streams if client.status.get(stream) == RESOURCE_EXHAUSTED)
    assert served <= 1_000 and refused >= 100, f"served {served}, refused {refused}"
    growth = status_value(pid, "VmHWM") - before
    assert growth < GROWTH_LIMIT, f"peak RSS grew by {growth // MIB} MiB"
    assert suite.alive("returns") and serves_health(port)
    for client in clients:
        client.close()


def long_status_message(suite):
    token = suite.token("agent-1", "agent")
    with grpc.insecure_channel(f"127.0.0.1:{suite.ports['orders']}") as channel:
        try:
            orders_pb2_grpc.OrdersStub(channel).GetOrder(
                orders_pb2.GetOrderRequest(order_id="\u00e9" * 100_000),
                metadata=[("authorization", "Bearer " + token)], timeout=20)
            raise AssertionError("an unknown order was found")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.NOT_FOUND, (error.code(), (error.details() or "")[:80])
            assert len(error.details().encode()) <= 1_024, len(error.details().encode())


CASES = [health_watch_large_requests, health_watch_flood, long_status_message]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--case", default="all")
    args = parser.parse_args()
    cases = [c for c in CASES if args.case == "all" or c.__name__ in args.case.split(",")]
    suite = Suite(args.bin)
    failed = 0
    try:
        for case in cases:
            try:
                case(suite)
                print(f"PASS {case.__name__}", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported per case
                failed += 1
                print(f"FAIL {case.__name__}: {error!r}", flush=True)
            time.sleep(0.5)
    finally:
        codes = suite.stop()
    if any(code != 0 for code in codes.values()):
        print(f"FAIL exit codes {codes}")
        failed += 1
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
