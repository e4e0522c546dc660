#!/usr/bin/env python3
"""The response budgets' flags reach the transport. A peer advertises a zero stream window and asks
reflection for the Orders file 400 times over 20 streams (about 5 MiB of responses it never reads):

- with --connection-response-buffer-mib 4 --response-buffer-mib 4, the server resets streams with
  ENHANCE_YOUR_CALM once it holds 4 MiB unsent (--blocked-send-timeout 3600 keeps the zero-window
  timeout out of the way);
- with the defaults (16 and 64 MiB) the same load fits: once the peer opens its window, every
  stream gets all 20 answers and status OK, none is reset;
- 20 such connections of 100 streams asking 50 times each (the reviewer's window exhaustion) do not
  starve the server: a health check on a fresh connection is answered while they hold their
  unread responses, and after they leave (reflection's answers used to be decoded from base64
  on every request, on the event loops).

    response_budget_flags.py --bin BIN
"""
import argparse
import os
import sys
import tempfile

from attack_common import H2, field_bytes, frame, serves_health

import h2.events  # noqa: E402
import h2.settings  # noqa: E402
import support_stubs  # noqa: E402

REFLECT = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
ENHANCE_YOUR_CALM = 11
STREAMS, REQUESTS = 20, 20


class RecordingH2(H2):
    """An ``H2`` that also records each reset's error code."""

    def __init__(self, port):
        super().__init__(port)
        self.reset_codes = {}
        receive = self.conn.receive_data

        def recording(data):
            events = receive(data)
            for event in events:
                if isinstance(event, h2.events.StreamReset):
                    self.reset_codes[event.stream_id] = event.error_code
            return events
        self.conn.receive_data = recording


def unread_reflection(port, streams=STREAMS, requests=REQUESTS):
    """A connection with a zero stream window and `streams` reflection calls of `requests` requests."""
    client = RecordingH2(port)
    client.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
    client.flush()
    body = frame(field_bytes(4, b"support.orders.v1.Orders")) * requests
    return client, [client.start(REFLECT, body) for _ in range(streams)]


def pump_until(client, done, seconds=60):
    for _ in range(int(seconds / 0.05)):
        if done() or not client.pump(0.05):
            break
    return done()


def small_budgets_reset_streams(binary):
    process, port = support_stubs.start_service(
        binary, tempfile.mkdtemp(prefix="budget-"), "--connection-response-buffer-mib", "4",
        "--response-buffer-mib", "4", "--blocked-send-timeout", "3600")
    try:
        client, _ = unread_reflection(port)
        assert pump_until(client, lambda: client.reset), "no stream was reset with 4 MiB budgets"
        assert set(client.reset_codes.values()) == {ENHANCE_YOUR_CALM}, client.reset_codes
        client.close()
    finally:
        process.kill()
        process.wait()


def default_budgets_hold_the_load(binary):
    process, port = support_stubs.start_service(binary, tempfile.mkdtemp(prefix="budget-"))
    try:
        client, streams = unread_reflection(port)
        client.run(1)
        client.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1 << 30})
        client.flush()
        assert pump_until(client, lambda: all(s in client.status or s in client.reset for s in streams)), \
            f"answered {len(client.status)} of {STREAMS}"
        assert not client.reset and all(client.status[s] == 0 for s in streams), (client.reset, client.status)
        client.close()
    finally:
        process.kill()
        process.wait()


def many_unread_connections_leave_the_server_serving(binary):
    process, port = support_stubs.start_service(binary, tempfile.mkdtemp(prefix="budget-"))
    try:
        clients = [unread_reflection(port, streams=100, requests=50)[0] for _ in range(20)]
        for client in clients:
            client.run(0.2)
        assert serves_health(port), "health was not answered while 20 connections held unread responses"
        for client in clients:
            client.close()
        assert serves_health(port), "health was not answered after the connections left"
        assert process.poll() is None, "the service exited"
    finally:
        process.kill()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    binary = os.path.join(parser.parse_args().bin, "orders")
    failed = 0
    for case in (small_budgets_reset_streams, default_budgets_hold_the_load,
                 many_unread_connections_leave_the_server_serving):
        try:
            case(binary)
            print(f"PASS {case.__name__}", flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported per case
            failed += 1
            print(f"FAIL {case.__name__}: {error!r}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
