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
- unfinished_header_block: a connection that sends one HEADERS frame without END_HEADERS and
  never continues it was a "call in progress": neither the first-HEADERS nor the idle timeout
  closed it, only MAX_CONNECTION_AGE (30 minutes and its grace), so 1,024 such connections
  held every connection slot. Now it is closed at the first-HEADERS timeout (2 s here).
- decode_amplification: a customer's RequestReturn of 4 MiB of empty `lines` (`1a 00` repeated,
  about 4 KB as gzip) decoded into two million values on the event loop before any check ran;
  40 of them made a health check on a fresh connection wait. Now the decoder stops at its
  element limit (100,000 values): RESOURCE_EXHAUSTED, and health checks are answered meanwhile.

    public_requests.py --bin BIN [--case NAME[,NAME...]]
"""
import argparse
import socket
import sys
import threading
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


def unfinished_header_block(suite):
    port = suite.ports["refunds"]
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
    # HEADERS on stream 1, no END_HEADERS flag, one HPACK byte (":method: POST").
    partial = bytes([0, 0, 1, 1, 0, 0, 0, 0, 1, 0x83])
    sockets = []
    for _ in range(20):
        connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        connection.sendall(preface + partial)
        sockets.append(connection)
    deadline = time.monotonic() + 15
    open_ones = list(sockets)
    while open_ones and time.monotonic() < deadline:
        for connection in list(open_ones):
            connection.settimeout(0.05)
            try:
                if not connection.recv(65536):
                    open_ones.remove(connection)
            except socket.timeout:
                pass
            except OSError:
                open_ones.remove(connection)
    for connection in sockets:
        connection.close()
    assert not open_ones, f"{len(open_ones)} of 20 connections with an unfinished header block still open after 15 s"
    assert suite.alive("refunds") and serves_health(port)


def decode_amplification(suite):
    port = suite.ports["returns"]
    body = field_bytes(2, b"DEMO-ANA-1") + b"\x1a\x00" * ((4 * MIB - 200) // 2)
    message = gzip_frame(body)
    token = suite.token("ana", "customer")
    extra = [("grpc-encoding", "gzip")]
    probe = H2(port)
    stream = probe.start("/support.returns.v1.Returns/RequestReturn", message, token=token, extra=extra)
    assert probe.wait(stream), "no answer to RequestReturn"
    assert probe.status.get(stream) == RESOURCE_EXHAUSTED, (probe.status.get(stream), probe.messages)
    probe.close()
    clients = [H2(port) for _ in range(2)]
    for client in clients:
        for _ in range(20):
            client.start("/support.returns.v1.Returns/RequestReturn", message, token=token, extra=extra)
        while client.pending and client.pump(0.01):
            pass
    threads = [threading.Thread(target=client.run, args=(120,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    time.sleep(1)
    try:
        for _ in range(4):
            serves_health(port, timeout=10)
    except grpc.RpcError as error:
        raise AssertionError(f"a health check on a fresh connection waited over 10 s: {error.code()}")
    finally:
        for client in clients:
            client.close()
    assert suite.alive("returns")


CASES = [health_watch_large_requests, health_watch_flood, long_status_message, unfinished_header_block,
         decode_amplification]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--case", default="all")
    args = parser.parse_args()
    cases = [c for c in CASES if args.case == "all" or c.__name__ in args.case.split(",")]
    # A short first-HEADERS timeout, so that unfinished_header_block finishes quickly.
    suite = Suite(args.bin, {"SUPPORT_FIRST_HEADERS_TIMEOUT": "2"})
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
