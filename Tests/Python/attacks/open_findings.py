#!/usr/bin/env python3
"""Reproductions of attack findings that are NOT fixed yet (see the attack report on branch
`attack`). Each case asserts the safe outcome, so each FAILS while its finding is open; the
script is not part of `make test` for that reason (fixed findings move to scripts that are: the
service-identity ones to service_identity_contract.py). Runs against the five executables
started as `make run` starts them, with the demo data loaded.

- decode_amplification: one customer sends RequestReturn messages of 4 MiB of empty `lines`
  (about 4 KB each as gzip): each decodes into two million ReturnLine values on the event
  loop, and a health check on a fresh connection waits behind them.

    open_findings.py --bin BIN [--case NAME[,NAME...]]
"""
import argparse
import os
import sys
import threading
import time

from attack_common import H2, MIB, Suite, gzip_frame, field_bytes, serves_health

import grpc  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
import demo_data  # noqa: E402


def decode_amplification(suite):
    port = suite.ports["returns"]
    body = field_bytes(2, b"DEMO-ANA-1") + b"\x1a\x00" * ((4 * MIB - 200) // 2)
    message = gzip_frame(body)
    token = suite.token("ana", "customer")
    clients = [H2(port) for _ in range(2)]
    for client in clients:
        for _ in range(20):
            client.start("/support.returns.v1.Returns/RequestReturn", message, token=token,
                         extra=[("grpc-encoding", "gzip")])
        while client.pending and client.pump(0.01):
            pass
    threads = [threading.Thread(target=client.run, args=(120,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    time.sleep(1)
    try:
        for _ in range(4):
            serves_health(port, timeout=3)
    except grpc.RpcError as error:
        raise AssertionError(f"a health check on a fresh connection waited over 3 s: {error.code()}")
    finally:
        for client in clients:
            client.close()


CASES = [decode_amplification]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--case", default="all")
    args = parser.parse_args()
    cases = [c for c in CASES if args.case == "all" or c.__name__ in args.case.split(",")]
    suite = Suite(args.bin)
    failed = 0
    try:
        demo_data.load(suite.ports, args.bin, suite.keys.identity_provider)
        for case in cases:
            try:
                case(suite)
                print(f"PASS {case.__name__}", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported per case
                failed += 1
                print(f"FAIL {case.__name__}: {error!r}", flush=True)
    finally:
        suite.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
