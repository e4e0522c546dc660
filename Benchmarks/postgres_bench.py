"""PostgreSQL beside SQLite in the same run (run by postgres-bench.sh): three setups started side by
side, each Oversight (SQLite) with Orders and Refunds on

  - SQLite, one process each (as `make run`);
  - PostgreSQL, one replica each (a throwaway local PostgreSQL 15, scripts/postgres.sh, a database
    per service and setup);
  - PostgreSQL, two replicas each on one database (each Refunds replica calls its own Orders
    replica; the load spreads its connections over the replicas, as a Kubernetes Service does).

Each round measures every setup in turn (the order rotating), and the table shows medians over the
rounds:

  - Orders reads: GetOrder of an imported order as its customer, driven by h2load with
    CONNECTIONS connections of STREAMS streams (split over the replicas, one h2load each), READS
    calls in all after a warm-up; calls/s, and p50/p99 from h2load's per-request log; then one
    connection, one stream, READS/10 calls (serial p50/p99, the first replica). A measurement
    counts only if h2load saw no failure and the services' /metrics show every call answered OK
    (h2load reads HTTP status only). A fixed count, not a duration: h2load -D ends by cutting the
    calls in flight, which would be counted as failures.
  - Refund creation (the write path): CreateRefund of 1 minor unit, each with a fresh idempotency
    key and source (an agent's note), WRITES calls from THREADS grpcio threads spread over the
    Refunds replicas; calls/s and p50/p99. Refunds checks the order with Orders (GetPurchaseFacts)
    and writes the refund, its idempotency record and its Oversight events in one transaction.

The services (and PostgreSQL) run on core 0, the load on core 1, as in service_bench.py (--no-pin
lets them share both cores: on this 2-core machine two replicas pinned to one core show what a
replica costs, not what it adds).

  python3 postgres_bench.py --bin DIR [--rounds 3] [--reads 20000] [--writes 300] [--threads 8]
                            [--connections 4] [--streams 16]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, HERE)

import service_bench  # noqa: E402  (h2load, scrape, framed, the cores; it generates the stubs)
import suite  # noqa: E402

import grpc  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402

POSTGRES_SCRIPT = os.path.join(ROOT, "scripts", "postgres.sh")
ORDER_ID, CUSTOMER, AGENT = "BENCH-1", "bench-customer", "bench-agent"
GET_ORDER = "/support.orders.v1.Orders/GetOrder"
CREATE_REFUND = "/support.refunds.v1.Refunds/CreateRefund"
SETUPS = [("SQLite", None, 1), ("PostgreSQL", "pg1", 1), ("PostgreSQL", "pg2", 2)]


class Setup:
    """Oversight, Orders and Refunds of one setup: `replicas` processes each of Orders and Refunds,
    on SQLite (`database` None) or on the PostgreSQL databases `<database>_orders`/`_refunds`."""

    def __init__(self, name, database, replicas, bin_dir, work, server, keys):
        self.name = f"{name}, {replicas} replica{'s' if replicas > 1 else ''}"
        self.processes, self.orders, self.refunds = [], [], []  # (port, metrics port) per replica
        directory = os.path.join(work, database or "sqlite")
        oversight_port = self.start(bin_dir, "oversight", ["--data-dir", os.path.join(directory, "oversight")], keys)[0]
        for replica in range(replicas):
            def storage(service):
                if database is None:
                    return ["--data-dir", os.path.join(directory, service)]
                base, _, query = server.partition("?")
                return ["--database-url", f"{base.rsplit('/', 1)[0]}/{database}_{service}?{query}"]
            orders = self.start(bin_dir, "orders", storage("orders") + ["--peer", f"oversight=127.0.0.1:{oversight_port}"], keys)
            refunds = self.start(bin_dir, "refunds", storage("refunds") + [
                "--peer", f"orders=127.0.0.1:{orders[0]}", "--peer", f"oversight=127.0.0.1:{oversight_port}"], keys)
            self.orders.append(orders)
            self.refunds.append(refunds)

    def start(self, bin_dir, service, arguments, keys):
        """One process on free ports; (port, metrics port)."""
        process = subprocess.Popen(
            [os.path.join(bin_dir, service), "--port", "0", "--metrics-port", "0", *keys.flags(service),
             "--grace-period", "5", *arguments], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.processes.append(process)
        port = metrics = None
        while port is None or metrics is None:
            line = process.stdout.readline()
            if not line:
                raise SystemExit(f"{self.name}: {service} did not start")
            if "metrics on port" in line:
                metrics = int(line.split()[-1])
            elif "listening on port" in line:
                port = int(line.split()[-1])
        return port, metrics

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def import_order(port, storefront):
    """BENCH-1: one line, paid 10,000.00 EUR, so that every refund of 1 minor unit fits."""
    now = timestamp_pb2.Timestamp()
    now.FromSeconds(int(time.time()) - 86400)
    price = common_pb2.Money(minor_units=1_000_000, currency_code="EUR")
    order = orders_pb2.Order(
        order_id=ORDER_ID, customer_id=CUSTOMER, placed_at=now,
        lines=[orders_pb2.OrderLine(line_number=1, sku="BENCH-SKU", title="Bench", quantity=1, unit_price=price)],
        payments=[orders_pb2.Payment(payment_id="pay-bench-1", method="card", amount=price, captured_at=now)],
        shipping_address=orders_pb2.Address(recipient="Bench", line1="1 Main Street", city="Berlin",
                                            postal_code="10115", country_code="DE"),
        fairness=common_pb2.FairnessAttributes(region="EU", account_created_at=now))
    orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{port}")).ImportOrder(
        orders_pb2.ImportOrderRequest(idempotency_key="bench-import-1", order=order), metadata=storefront, timeout=30)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def errors(metrics, path):
    """Calls of `path` that failed, by code, summed over `metrics` ports."""
    total = {}
    for port in metrics:
        for code, count in service_bench.scrape(port, path)[1].items():
            total[code] = total.get(code, 0) + count
    return total


def reads(name, targets, body, headers, connections, streams, count, work):
    """GetOrder under h2load, `connections` spread over `targets` (the Orders replicas' (port,
    metrics port)): (calls/s, p50 us, p99 us), or None if a call failed."""
    shares = [connections // len(targets) + (1 if i < connections % len(targets) else 0) for i in range(len(targets))]
    for (port, _), share in zip(targets, shares):  # warm-up: connections and caches, not counted
        if share:
            h2load_run(port, body, headers, share, streams, ["-n", str(share * streams * 4)], None)
    before = errors([m for _, m in targets], GET_ORDER)
    runs = []
    for index, ((port, _), share) in enumerate(zip(targets, shares)):
        if share == 0:
            continue
        log = os.path.join(work, f"h2load-{index}.log")
        if os.path.exists(log):
            os.remove(log)  # h2load appends
        requests = max(share, count * share // connections)
        runs.append((h2load_start(port, body, headers, share, streams, ["-n", str(requests)], log), log))
    latencies, failed, rate = [], 0, 0.0
    for process, log in runs:
        rate += h2load_wait(process)
        with open(log) as handle:
            for line in handle:
                columns = line.split("\t")
                if len(columns) >= 3:
                    if columns[1] != "200":
                        failed += 1
                    latencies.append(int(columns[2]))
    after = errors([m for _, m in targets], GET_ORDER)
    new = {code: n - before.get(code, 0) for code, n in after.items() if n - before.get(code, 0)}
    if failed or new or not latencies:
        print(f"not counted: {name} reads, failures {failed}, {new}", file=sys.stderr)
        return None
    return rate, percentile(latencies, 0.5), percentile(latencies, 0.99)


def h2load_start(port, body, headers, connections, streams, amount, log):
    """h2load on GetOrder at `port`, started; `amount` is ["-n", N]."""
    command = ["h2load", "-c", str(connections), "-m", str(streams), *amount, "-d", body]
    if log:
        command.append(f"--log-file={log}")
    for header in headers:
        command += ["-H", header]
    return subprocess.Popen(command + [f"http://127.0.0.1:{port}{GET_ORDER}"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def h2load_wait(process):
    """The calls/s h2load reports once it has finished."""
    text = process.communicate()[0]
    if process.returncode != 0:
        raise SystemExit(f"h2load failed:\n{text}")
    return float(text.split(" req/s")[0].rsplit(", ", 1)[1])


def h2load_run(*arguments):
    return h2load_wait(h2load_start(*arguments))


def writes(setup, agent, count, threads):
    """CreateRefund `count` times (fresh keys and notes) from `threads` threads, thread i on replica
    i mod N: (calls/s, p50 us, p99 us), or None if a call failed."""
    latencies, failures = [], []
    lock = threading.Lock()

    def run(index, n):
        port = setup.refunds[index % len(setup.refunds)][0]
        stub = refunds_pb2_grpc.RefundsStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        stub.ListRefunds(refunds_pb2.ListRefundsRequest(order_id=ORDER_ID), metadata=agent, timeout=30)  # connect
        mine = []
        for _ in range(n):
            key = uuid.uuid4().hex
            request = refunds_pb2.CreateRefundRequest(
                idempotency_key=f"bench-{key}", order_id=ORDER_ID,
                amount=common_pb2.Money(minor_units=1, currency_code="EUR"),
                source=refunds_pb2.RefundSource(agent_note=f"bench goodwill {key}"))
            start = time.perf_counter()
            try:
                stub.CreateRefund(request, metadata=agent, timeout=30)
            except grpc.RpcError as error:
                with lock:
                    failures.append(f"{error.code().name}: {error.details()}")
                continue
            mine.append((time.perf_counter() - start) * 1e6)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=run, args=(i, count // threads + (1 if i < count % threads else 0)))
               for i in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - start
    if failures or not latencies:
        print(f"not counted: {setup.name} writes, {len(failures)} failed, e.g. {failures[:1]}", file=sys.stderr)
        return None
    return len(latencies) / wall, percentile(latencies, 0.5), percentile(latencies, 0.99)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the build's bin directory (release for real figures)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reads", type=int, default=20000, help="GetOrder calls per loaded measurement")
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the services and the load to cores")
    args = parser.parse_args()

    pin = not args.no_pin and os.cpu_count() and os.cpu_count() > 1
    if pin:
        os.sched_setaffinity(0, {service_bench.SERVICE_CORE})  # PostgreSQL and the services inherit it
    os.makedirs(os.path.join(HERE, ".build"), exist_ok=True)
    work = tempfile.mkdtemp(prefix="postgres-bench-", dir=os.path.join(HERE, ".build"))
    cluster = tempfile.mkdtemp(prefix="postgres-bench-pg.")
    os.chmod(cluster, 0o755)
    setups = []
    try:
        server = subprocess.check_output(
            [POSTGRES_SCRIPT, "start", cluster], text=True,
            env={**os.environ, "SUPPORT_POSTGRES_FSYNC": "on"}).strip()  # durable commits, as SQLite's
        for _, database, _ in SETUPS:
            for service in ("orders", "refunds") if database else ():
                subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", server, "-c",
                                f"CREATE DATABASE {database}_{service}"], check=True, stdout=subprocess.DEVNULL)
        keys = suite.ensure_keys(args.bin, os.path.join(work, "keys"))
        for name, database, replicas in SETUPS:
            setups.append(Setup(name, database, replicas, args.bin, work, server, keys))
        if pin:
            os.sched_setaffinity(0, {service_bench.LOAD_CORE})  # h2load and the clients
        customer = keys.mint(CUSTOMER, "customer")
        agent = [("authorization", "Bearer " + keys.mint(AGENT, "agent"))]
        storefront = [("authorization", "Bearer " + keys.mint("storefront", "service"))]
        body = os.path.join(work, "get-order.bin")
        with open(body, "wb") as handle:
            handle.write(service_bench.framed(orders_pb2.GetOrderRequest(order_id=ORDER_ID)))
        headers = ["content-type: application/grpc", "te: trailers", f"authorization: Bearer {customer}"]
        for setup in setups:
            import_order(setup.orders[0][0], storefront)
            for port, _ in setup.orders:  # every replica answers the order (one database per setup)
                orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{port}")).GetOrder(
                    orders_pb2.GetOrderRequest(order_id=ORDER_ID), metadata=[("authorization", "Bearer " + customer)],
                    timeout=30)
        results = {setup.name: {"reads": [], "serial": [], "writes": []} for setup in setups}
        for round_index in range(args.rounds):
            print(f"round {round_index + 1}/{args.rounds}", file=sys.stderr, flush=True)
            shift = round_index % len(setups)
            for setup in setups[shift:] + setups[:shift]:
                row = results[setup.name]
                row["reads"].append(reads(setup.name, setup.orders, body, headers, args.connections, args.streams,
                                          args.reads, work))
                row["serial"].append(reads(setup.name, setup.orders[:1], body, headers, 1, 1, max(1, args.reads // 10),
                                           work))
                row["writes"].append(writes(setup, agent, args.writes, args.threads))
        report(results, args, pin)
    finally:
        for setup in setups:
            setup.stop()
        subprocess.run([POSTGRES_SCRIPT, "stop", cluster], stdout=subprocess.DEVNULL)
        shutil.rmtree(cluster, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def report(results, args, pin):
    def cell(measurements, index, scale=1.0, digits=0):
        counted = [m[index] for m in measurements if m is not None]
        if not counted:
            return "-"
        return f"{statistics.median(counted) * scale:,.{digits}f}"

    print(f"{args.rounds} rounds; medians of the counted measurements. Reads: GetOrder, {args.reads} calls over "
          f"{args.connections} connections x {args.streams} streams (split over the replicas), and {max(1, args.reads // 10)} "
          f"serial (1 x 1). Writes: "
          f"CreateRefund, {args.writes} calls from {args.threads} threads. Latencies in ms. "
          + ("Services and PostgreSQL on core 0, load on core 1." if pin else "Not pinned."))
    header = (f"{'setup':<24}{'reads/s':>10}{'p50':>10}{'p99':>10}{'serial p50':>12}{'p99':>10}"
              f"{'refunds/s':>11}{'p50':>10}{'p99':>10}{'counted':>9}")
    print(header)
    print("-" * len(header))
    for name, row in results.items():
        counted = sum(m is not None for key in row for m in row[key])
        total = sum(len(row[key]) for key in row)
        print(f"{name:<24}{cell(row['reads'], 0):>10}{cell(row['reads'], 1, 1e-3, 2):>10}"
              f"{cell(row['reads'], 2, 1e-3, 2):>10}{cell(row['serial'], 1, 1e-3, 2):>12}"
              f"{cell(row['serial'], 2, 1e-3, 2):>10}{cell(row['writes'], 0):>11}{cell(row['writes'], 1, 1e-3, 2):>10}"
              f"{cell(row['writes'], 2, 1e-3, 2):>10}{f'{counted}/{total}':>9}")


if __name__ == "__main__":
    main()
