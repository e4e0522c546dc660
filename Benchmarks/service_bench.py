"""Service-level benchmark (run by service-bench.sh): starts the five release services as `make run`
starts them (a key per service and the identity provider's, demo data loaded through their RPCs),
beside the transport's echo server, all pinned to core 0; then, from core 1, drives authenticated
calls with a customer's bearer token through h2load (64 streams and 1 stream), each call paired
with an echo measurement just before it, rounds rotating the order of the calls. A call counts
only if h2load saw no failure and the service's /metrics show every call it handled answered OK
(h2load reads HTTP status only, not grpc-status). Before each h2load run (and each part of the
write's) it waits until the services' outbox relays have delivered the events of the calls before
(every `outbox_pending` gauge at 0): a round of CheckEligibility or AskQuestion leaves tens of
thousands for Oversight to take in on the same core and disk), and until the disk has written
back what the measurements before left dirty (`sync`), so that no measurement pays for an earlier
one's work. The fsync'd write (ReportIssue, fresh
idempotency keys) is driven by the suite's own HTTP/2 client (Sources/WriteClient, with
--write-client; grpcio otherwise), beside a bare SQLite insert with the same
durability (WAL, synchronous FULL) in the same directory and the same echo through that client,
in rounds (a serial block of each, one after the other), its ratio the median of the rounds'.

  python3 service_bench.py --bin DIR --echo PATH [--rounds 3] [--seconds 5] [--writes 300]
"""

import argparse
import math
import os
import re
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import suite  # noqa: E402
import support_stubs  # noqa: E402

support_stubs.generate()

import grpc  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.returns.v1 import returns_pb2, returns_pb2_grpc  # noqa: E402

SERVICE_CORE, LOAD_CORE = 0, 1


def framed(message):
    """The gRPC length-prefixed message h2load sends as the request body."""
    body = message.SerializeToString()
    return b"\0" + struct.pack(">I", len(body)) + body


def calls():
    """(name, service, path, request, grpcio check) of every read driven by h2load."""
    def check(stub_class, method):
        return lambda channel, request, metadata: getattr(stub_class(channel), method)(request, metadata=metadata)

    return [
        ("GetOrderStatus", "orders", "/support.orders.v1.Orders/GetOrderStatus",
         orders_pb2.GetOrderStatusRequest(order_id="DEMO-ANA-1"), check(orders_pb2_grpc.OrdersStub, "GetOrderStatus")),
        ("GetOrder", "orders", "/support.orders.v1.Orders/GetOrder",
         orders_pb2.GetOrderRequest(order_id="DEMO-ANA-1"), check(orders_pb2_grpc.OrdersStub, "GetOrder")),
        ("ListOrders", "orders", "/support.orders.v1.Orders/ListOrders",
         orders_pb2.ListOrdersRequest(customer_id="ana"), check(orders_pb2_grpc.OrdersStub, "ListOrders")),
        ("CheckEligibility", "returns", "/support.returns.v1.Returns/CheckEligibility",
         returns_pb2.CheckEligibilityRequest(order_id="DEMO-ANA-1"),
         check(returns_pb2_grpc.ReturnsStub, "CheckEligibility")),
        ("ConvertCurrency", "inquiries", "/support.inquiries.v1.Inquiries/ConvertCurrency",
         inquiries_pb2.ConvertCurrencyRequest(
             amount=common_pb2.Money(minor_units=4999, currency_code="EUR"), target_currency="JPY"),
         check(inquiries_pb2_grpc.InquiriesStub, "ConvertCurrency")),
        # One idempotency key: the first call answers it, every repeat is answered from the ledger.
        ("AskQuestion", "inquiries", "/support.inquiries.v1.Inquiries/AskQuestion",
         inquiries_pb2.AskQuestionRequest(
             idempotency_key="bench-ask-1", question="If I return it after 45 days, when do I get my refund?"),
         check(inquiries_pb2_grpc.InquiriesStub, "AskQuestion")),
    ]


def start_services(bin_dir, data_dir, extra=()):
    """The five services (suite.START_ORDER, wired as suite.PEERS) on free ports, each with a
    metrics port and the flags `extra`; returns ({name: process}, {name: port}, {name: metrics
    port}, keys)."""
    keys = suite.ensure_keys(bin_dir, os.path.join(data_dir, "keys"))
    # Oversight and Inquiries call each other: each needs the other's port before either starts.
    wanted = {name: suite.free_port() for name in suite.START_ORDER}
    processes, ports, metrics = {}, {}, {}
    for name in suite.START_ORDER:
        arguments = [os.path.join(bin_dir, name), "--port", str(wanted[name]), "--metrics-port", "0",
                     "--data-dir", os.path.join(data_dir, name), *keys.flags(name), "--grace-period", "5", *extra]
        for peer in suite.PEERS[name]:
            arguments += ["--peer", f"{peer}=127.0.0.1:{wanted[peer]}"]
        process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        processes[name] = process
        while name not in ports or name not in metrics:
            line = process.stdout.readline()
            if not line:
                raise SystemExit(f"{name} did not start")
            if "metrics on port" in line:
                metrics[name] = int(line.split()[-1])
            elif "listening on port" in line:
                ports[name] = int(line.split()[-1])
    return processes, ports, metrics, keys


def start_echo(binary):
    """The transport's echo server on a free port; returns (process, port)."""
    for _ in range(20):
        port = 51000 + int.from_bytes(os.urandom(2), "big") % 1000
        process = subprocess.Popen([binary, "--port", str(port)], stdout=subprocess.PIPE, text=True)
        if "listening" in (process.stdout.readline() or ""):
            return process, port
        process.wait()
    raise SystemExit("the echo server did not start")


def metrics_lines(metrics_port):
    """The lines of a service's /metrics."""
    return urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode().splitlines()


def scrape(metrics_port, path):
    """(calls handled, {status code: calls failed}) of the method `path`, from the service's /metrics."""
    handled, failed = 0, {}
    for line in metrics_lines(metrics_port):
        if f'method="{path}"' not in line:
            continue
        value = int(float(line.rsplit(" ", 1)[1]))
        if line.startswith("rpc_server_calls_total"):
            handled += value
        elif line.startswith("rpc_server_errors_total"):
            code = re.search(r'code="([^"]*)"', line).group(1)
            failed[code] = failed.get(code, 0) + value
    return handled, failed


def outbox_backlog(metrics_ports):
    """Events the services' outbox relays have yet to deliver (their `outbox_pending` gauges)."""
    return sum(int(float(line.rsplit(" ", 1)[1]))
               for port in metrics_ports for line in metrics_lines(port) if line.startswith("outbox_pending"))


def wait_for_delivery(metrics_ports, stalled_after=30):
    """Waits until every event of the calls measured so far is delivered to Oversight, so that no
    measurement shares the services' core and disk with the delivery of an earlier one's events (a
    round of CheckEligibility or AskQuestion leaves tens of thousands). Gives up, saying so, when
    the backlog has not shrunk for `stalled_after` seconds (an event the relay keeps retrying).
    Returns the seconds waited."""
    start = last_progress = time.monotonic()
    smallest = outbox_backlog(metrics_ports)
    while smallest:
        if time.monotonic() - last_progress > stalled_after:
            print(f"the outbox backlog stayed at {smallest} for {stalled_after} s; measuring anyway",
                  file=sys.stderr)
            break
        time.sleep(0.5)
        backlog = outbox_backlog(metrics_ports)
        if backlog < smallest:
            smallest, last_progress = backlog, time.monotonic()
    return time.monotonic() - start


def h2load(url, body_file, headers, streams, seconds):
    """h2load's figures for one measurement: (req/s, mean latency in us, requests done, failures)."""
    command = ["h2load", "-c", "1", "-m", str(streams), "-D", str(seconds), "--warm-up-time=1", "-d", body_file]
    for header in headers:
        command += ["-H", header]
    text = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"finished in .*?, ([0-9.]+) req/s", text).group(1))
    value, unit = re.search(r"time for request:\s+\S+\s+\S+\s+([0-9.]+)(us|ms|s)", text).groups()
    latency = float(value) * {"us": 1, "ms": 1000, "s": 1e6}[unit]
    done = int(re.search(r"(\d+) done", text).group(1))
    failures = sum(int(re.search(rf"(\d+) {kind}", text).group(1)) for kind in ("failed", "errored", "timeout"))
    ok = int(re.search(r"status codes: (\d+) 2xx", text).group(1))
    return rate, latency, done, failures + (done - ok)


class Bench:
    """The measurements of one run, pairing each call with the echo measured just before it."""

    def __init__(self, args, work, quiet=lambda: None):
        self.args = args
        self.work = work
        self.quiet = quiet  # waits until the suite has no earlier work left (before each h2load run)
        self.echo_body = os.path.join(work, "echo.bin")
        with open(self.echo_body, "wb") as f:
            f.write(b"\0\0\0\0\x40" + bytes(range(64)))
        self.rows = {}  # name -> [(rate64, latency1, echo rate64, echo latency1)]
        self.failures = []  # (method, {code: calls}) of measurements that did not count

    def measure(self, url, body_file, headers, metrics=None):
        """(rate at 64 streams, serial mean latency), or None (and the failures kept in
        `self.failures`) if any call did not answer grpc-status 0: such a measurement does not count."""
        self.quiet()
        before = scrape(*metrics) if metrics else None
        rate, _, done_many, failed_many = h2load(url, body_file, headers, 64, self.args.seconds)
        self.quiet()
        _, latency, done_one, failed_one = h2load(url, body_file, headers, 1, self.args.seconds)
        failures = {}
        if failed_many or failed_one:
            failures["h2load"] = failed_many + failed_one
        if metrics:
            handled, errors = scrape(*metrics)
            for code, count in errors.items():
                # h2load -D ends by closing the connection with up to 64 calls in flight, which it
                # does not count; the service records those as CANCELLED. Any other failure counts.
                if count - before[1].get(code, 0) and not (code == "CANCELLED" and count - before[1].get(code, 0) <= 64):
                    failures[code] = count - before[1].get(code, 0)
            if handled - before[0] < done_many + done_one:
                failures["not handled"] = done_many + done_one - (handled - before[0])
        if failures:
            self.failures.append((url.rsplit("/", 1)[-1], failures))
            return None
        return rate, latency


def write_client(address, token, order_id, count, threads):
    """ReportIssue `count` times with fresh idempotency keys over `threads` threads (one channel
    each); returns (latencies in us of the calls that answered OK, wall seconds, codes of those that
    did not)."""
    latencies, failures = [], []

    def run(n):
        stub = orders_pb2_grpc.OrdersStub(grpc.insecure_channel(address))
        metadata = [("authorization", "Bearer " + token)]
        stub.GetOrderStatus(orders_pb2.GetOrderStatusRequest(order_id=order_id), metadata=metadata)  # connect
        for _ in range(n):
            request = orders_pb2.ReportIssueRequest(
                idempotency_key=f"bench-{uuid.uuid4()}", order_id=order_id,
                category=orders_pb2.ISSUE_CATEGORY_STATUS_ANOMALY, description="The status looks wrong.")
            start = time.perf_counter()
            try:
                stub.ReportIssue(request, metadata=metadata)
            except grpc.RpcError as error:
                failures.append(error.code().name)
                continue
            latencies.append((time.perf_counter() - start) * 1e6)

    workers = [threading.Thread(target=run, args=(count // threads,)) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - start
    return latencies, wall, failures


def lean_client(binary, *arguments):
    """Runs the lean client (Sources/WriteClient: the suite's own HTTP/2 transport); returns
    (latencies in us of the calls that answered OK, wall seconds, statuses of those that did not)."""
    text = subprocess.run([binary, *map(str, arguments)], capture_output=True, text=True, check=True).stdout
    latencies, failures, wall = [], [], 0.0
    for line in text.splitlines():
        kind, _, value = line.partition(" ")
        if kind == "ok":
            latencies.append(float(value))
        elif kind == "wall":
            wall = float(value)
        else:
            failures.append(value)
    return latencies, wall, failures


def echo_client(port, count):
    """The echo called `count` times serially through grpcio; per-call latencies in us."""
    call = grpc.insecure_channel(f"127.0.0.1:{port}").unary_unary(
        "/bench.Echo/Unary", request_serializer=lambda b: b, response_deserializer=lambda b: b)
    call(bytes(range(64)))
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        call(bytes(range(64)))
        latencies.append((time.perf_counter() - start) * 1e6)
    return latencies


def bare_sqlite(directory, count):
    """One-row inserts, each its own transaction, WAL and synchronous FULL; latencies in us."""
    path = os.path.join(directory, "bare.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE IF NOT EXISTS issue (id TEXT PRIMARY KEY, body BLOB NOT NULL)")
    latencies = []
    for _ in range(count):
        body = os.urandom(400)
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO issue (id, body) VALUES (?, ?)", (str(uuid.uuid4()), body))
        db.execute("COMMIT")
        latencies.append((time.perf_counter() - start) * 1e6)
    db.close()
    return latencies


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the release build's bin directory")
    parser.add_argument("--echo", required=True, help="the release EchoServer")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--only", default="", help="comma-separated call names (default all)")
    parser.add_argument("--hold", action="store_true", help="print the setup and wait (for profiling)")
    parser.add_argument("--write-client", default="", help="the release WriteClient (default: grpcio)")
    parser.add_argument("--service-arg", action="append", default=[],
                        help="a flag for every service, e.g. --service-arg=--read-cache-mib=0 (repeatable)")
    args = parser.parse_args()

    os.sched_setaffinity(0, {SERVICE_CORE})  # the services and the echo inherit core 0
    work = tempfile.mkdtemp(prefix="service-bench-", dir=os.path.join(os.path.dirname(__file__), ".build"))
    processes, ports, metrics, keys = start_services(args.bin, work, args.service_arg)
    echo, echo_port = start_echo(args.echo)
    os.sched_setaffinity(0, {LOAD_CORE})  # h2load and the clients inherit core 1
    try:
        import demo_data
        demo_data.load(ports, args.bin, keys.identity_provider)
        token = keys.mint("ana", "customer")
        headers = ["content-type: application/grpc", "te: trailers", f"authorization: Bearer {token}"]
        waited = [0.0]

        def quiet():
            waited[0] += wait_for_delivery(metrics.values())
            os.sync()  # and the disk has written back what earlier measurements left dirty

        bench = Bench(args, work, quiet)
        selected = [c for c in calls() if not args.only or c[0] in args.only.split(",")]
        for name, service, path, request, check in selected:
            check(grpc.insecure_channel(f"127.0.0.1:{ports[service]}"), request,
                  [("authorization", "Bearer " + token)])  # one real call: must answer OK
            with open(os.path.join(work, f"{name}.bin"), "wb") as f:
                f.write(framed(request))
        if args.hold:
            print(f"ports {ports} metrics {metrics} echo {echo_port} pids "
                  f"{ {n: p.pid for n, p in processes.items()} }\ntoken {token}\nbodies in {work}", flush=True)
            sys.stdin.readline()
            return
        echo_url = f"http://127.0.0.1:{echo_port}/bench.Echo/Unary"
        echo_headers = ["content-type: application/grpc", "te: trailers"]
        for round_index in range(args.rounds):
            print(f"round {round_index + 1}/{args.rounds}", file=sys.stderr, flush=True)
            shift = round_index % max(1, len(selected))
            for name, service, path, _, _ in selected[shift:] + selected[:shift]:
                echo_figures = bench.measure(echo_url, bench.echo_body, echo_headers)
                call_figures = bench.measure(
                    f"http://127.0.0.1:{ports[service]}{path}", os.path.join(work, f"{name}.bin"), headers,
                    (metrics[service], path))
                if echo_figures and call_figures:
                    bench.rows.setdefault(name, []).append((*call_figures, *echo_figures))

        # The write, in rounds as the reads: each round's serial ReportIssue block, bare inserts
        # and echo calls one after the other, so that each round's ratio compares figures taken
        # within seconds of each other (this machine's speed drifts by a third over minutes).
        def reports(clients):
            """ReportIssue args.writes times from `clients` concurrent clients: (latencies, wall, failures)."""
            if args.write_client:
                return lean_client(
                    args.write_client, "report", ports["orders"], token, "DEMO-ANA-1", args.writes, clients)
            return write_client(f"127.0.0.1:{ports['orders']}", token, "DEMO-ANA-1", args.writes, clients)

        write_rounds, serial_failures = [], []
        for _ in range(args.rounds):
            quiet()
            serial, _, failures = reports(1)
            serial_failures += failures
            quiet()
            sqlite_latencies = bare_sqlite(os.path.join(work, "orders"), args.writes)
            if args.write_client:
                echo_latencies = lean_client(args.write_client, "echo", echo_port, args.writes)[0]
            else:
                echo_latencies = echo_client(echo_port, args.writes)
            write_rounds.append((serial, sqlite_latencies, echo_latencies))
        quiet()
        concurrent, wall, concurrent_failures = reports(16)
        print(f"waited {waited[0]:.0f} s in all for the outbox relays to deliver earlier calls' events "
              "before each measurement", file=sys.stderr)
        rss = {name: peak_rss_mib(process.pid) for name, process in processes.items()}
        report(bench.rows, write_rounds, concurrent, wall, rss, args)
        for method, failures in bench.failures:
            print(f"not counted: a measurement of {method} in which calls failed: {failures}")
        if serial_failures or concurrent_failures:
            print(f"ReportIssue calls that failed (not counted): {serial_failures + concurrent_failures}")
    finally:
        echo.terminate()
        suite.stop(processes)
        echo.wait()
        if not args.hold:
            shutil.rmtree(work, ignore_errors=True)


def p99(values):
    """The 99th percentile (nearest rank) of `values`: the serial write's tail, where SQLite's
    automatic checkpoint lands (one commit in 60-70 copies the WAL back into the database)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def report(rows, write_rounds, concurrent, wall, rss, args):
    median = statistics.median
    print(f"{args.rounds} rounds of {args.seconds} s per measurement; each call paired with the echo measured "
          f"just before it; medians (ratios: median of the per-pair ratios)")
    print(f"{'call':<18}{'rounds':>7}{'64 streams':>12}{'echo':>10}{'ratio':>7}{'serial':>10}{'echo':>9}{'ratio':>7}")
    for name, values in rows.items():
        rate, latency, echo_rate, echo_latency = (median(v[i] for v in values) for i in range(4))
        rate_ratio = median(v[0] / v[2] for v in values)
        latency_ratio = median(v[1] / v[3] for v in values)
        print(f"{name:<18}{len(values):>7}{rate:>12,.0f}{echo_rate:>10,.0f}{rate_ratio:>6.2f}x"
              f"{latency:>8.0f}us{echo_latency:>7.0f}us{latency_ratio:>6.2f}x")
    print("peak RSS (VmHWM): " + ", ".join(f"{name} {value:.1f} MiB" for name, value in rss.items()))
    write_rounds = [(serial, bare, echo) for serial, bare, echo in write_rounds if serial]
    if not write_rounds or not concurrent:
        print("ReportIssue: no call answered OK (see the failures below)")
        return
    client = "the suite's HTTP/2 client" if args.write_client else "grpcio client"
    ratios, plain = [], []
    for index, (serial, bare_latencies, echo_latencies) in enumerate(write_rounds):
        write, bare, echo = median(serial), median(bare_latencies), median(echo_latencies)
        ratios.append((write - echo) / bare)
        plain.append(write / bare)
        print(f"write round {index + 1}: ReportIssue serial median {write:.0f} us (p99 {p99(serial):.0f} us), "
              f"bare SQLite insert {bare:.0f} us (p99 {p99(bare_latencies):.0f} us), echo {echo:.0f} us: "
              f"(ReportIssue - echo) / bare {ratios[-1]:.2f}x")
    serial = [value for round_ in write_rounds for value in round_[0]]
    bare = median(value for round_ in write_rounds for value in round_[1])
    write = median(serial)
    print(f"ReportIssue (fsync'd write, {client}, {args.writes} calls a round): serial median {write:.0f} us "
          f"(p99 {p99(serial):.0f} us), {len(concurrent) / wall:,.0f} calls/s from 16 concurrent clients "
          f"(serial: {1e6 / write:,.0f}/s)")
    print(f"bare SQLite insert (WAL, synchronous FULL, same directory): median {bare:.0f} us; "
          f"echo through the same client in each round")
    print(f"ReportIssue / bare insert: {median(plain):.2f}x; (ReportIssue - echo) / bare insert: "
          f"{median(ratios):.2f}x (medians of the rounds' ratios)")
    # Without group commit a SQLite file commits one transaction per fsync whatever the number of
    # writers (from 16 threads of their own, bare inserts did fewer, waiting in SQLite's busy
    # handler): the serial bare rate is what writes can reach without it.
    print(f"ReportIssue from 16 clients / bare inserts one at a time (1 fsync each): "
          f"{(len(concurrent) / wall) / (1e6 / bare):.2f}x")


if __name__ == "__main__":
    main()
