"""What the PostgreSQL replica and failover tests share: a throwaway cluster (scripts/postgres.sh)
that can be stopped, started again, given a streaming standby (`pg_basebackup -R`) and promoted;
a TCP forwarder standing for the database's address while the primary changes; service
processes with their gRPC and metrics ports; and a load that records what was acknowledged.
"""

import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
from typing import NamedTuple

import grpc

import support_stubs

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.orders.v1 import orders_pb2  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTGRES = os.path.join(ROOT, "scripts", "postgres.sh")


def money(minor):
    """An amount in euros, in minor units."""
    return common_pb2.Money(minor_units=minor, currency_code="EUR")


def sample_order(order_id, paid=2_500, days_ago=1):
    """An order of one kettle for customer-1, paid `paid` (minor units) by card `days_ago` days ago."""
    placed = int(time.time()) - days_ago * 86_400
    return orders_pb2.Order(
        order_id=order_id, customer_id="customer-1",
        lines=[orders_pb2.OrderLine(line_number=1, sku="KET-1", title="Kettle", quantity=1, unit_price=money(paid))],
        payments=[orders_pb2.Payment(payment_id="pay-" + order_id, method="card", amount=money(paid),
                                     captured_at=timestamp_pb2.Timestamp(seconds=placed))],
        shipping_address=orders_pb2.Address(recipient="Ana", line1="Rua A 1", city="Lisboa",
                                            postal_code="1000-001", country_code="PT"),
        placed_at=timestamp_pb2.Timestamp(seconds=placed))


def as_owner(*command):
    """Runs a PostgreSQL command as the cluster's owner (postgres when we are root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + list(command), check=True, stdout=subprocess.DEVNULL)


def pg_bin(name):
    """The path of a PostgreSQL 15 program."""
    return os.path.join("/usr/lib/postgresql/15/bin", name)


class Cluster:
    """A cluster of scripts/postgres.sh in `directory` (started here, or by `standby`)."""

    def __init__(self, directory, url=None):
        self.directory = directory
        self.url = url or subprocess.check_output([POSTGRES, "start", directory], text=True).strip()
        self.port = int(self.url.split("@127.0.0.1:")[1].split("/")[0])

    def database_url(self, port=None, database="postgres"):
        """The URL of `database` on this cluster (or through `port`, such as a forwarder's)."""
        return f"postgres://postgres@127.0.0.1:{port or self.port}/{database}?sslmode=disable"

    def psql(self, sql, database="postgres"):
        """Runs `sql`; returns its output without alignment."""
        return subprocess.check_output(
            ["psql", "-qAt", "-v", "ON_ERROR_STOP=1", self.database_url(database=database), "-c", sql],
            text=True).strip()

    def stop(self, mode="fast"):
        """Stops the server (`immediate`: as if it crashed)."""
        as_owner(pg_bin("pg_ctl"), "-D", os.path.join(self.directory, "data"), "-m", mode, "-w", "stop")

    def start(self):
        """Starts the server (again) on its port, with the settings of scripts/postgres.sh (a
        standby needs at least its primary's max_connections)."""
        as_owner(pg_bin("pg_ctl"), "-D", os.path.join(self.directory, "data"), "-l",
                 os.path.join(self.directory, "server.log"), "-w", "start", "-o",
                 f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.directory} "
                 "-c max_connections=200 -c fsync=off")

    def standby(self, directory):
        """A streaming standby of this cluster in `directory` (`pg_basebackup -R`), started on a
        free port of its own; then this primary waits for it on every commit (synchronous
        replication), so nothing acknowledged is missing on the standby when the primary dies."""
        os.makedirs(directory)
        if os.geteuid() == 0:
            subprocess.run(["chown", "postgres", directory], check=True)
        as_owner(pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-D",
                 os.path.join(directory, "data"), "-R", "-X", "stream", "-c", "fast")
        port = free_port()
        url = f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
        with open(os.path.join(directory, "url"), "w") as file:
            file.write(url + "\n")
        standby = Cluster(directory, url)
        standby.start()
        self.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
        self.psql("SELECT pg_reload_conf()")
        deadline = time.time() + 30
        while self.psql("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") != "1":
            if time.time() > deadline:
                raise AssertionError("the standby did not become a synchronous standby")
            time.sleep(0.2)
        return standby

    def promote(self):
        """Promotes this standby to a primary."""
        as_owner(pg_bin("pg_ctl"), "-D", os.path.join(self.directory, "data"), "-w", "promote")

    def remove(self):
        """Stops the server if it runs and removes its directory."""
        subprocess.run([POSTGRES, "stop", self.directory], check=False)


def free_port():
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Forwarder:
    """A TCP forwarder on 127.0.0.1 to one target port at a time (PostgresNIO 1.33.2 connects to
    one host, so this stands for the address a failover moves, as a DNS name or a virtual IP
    would): `switch(port)` sends new connections to `port` and closes the open ones; with None
    new connections are closed at once, as when nothing listens there."""

    def __init__(self, target):
        self.target = target
        self.lock = threading.Lock()
        self.open = []
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def switch(self, target):
        with self.lock:
            self.target = target
            connections, self.open = self.open, []
        for connection in connections:
            close(connection)

    def close(self):
        self.switch(None)
        close(self.listener)

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                target = self.target
            try:
                if target is None:
                    raise OSError("no target")
                server = socket.create_connection(("127.0.0.1", target), timeout=5)
                server.settimeout(None)
            except OSError:
                close(client)
                continue
            with self.lock:
                self.open += [client, server]
            for source, sink in [(client, server), (server, client)]:
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        close(source)
        close(sink)


def close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class Service:
    """A service process started with `arguments`; `port` is its gRPC port, `metrics_port` its
    metrics port when started with `--metrics-port 0`."""

    def __init__(self, binary, *arguments, port=0):
        self.process = subprocess.Popen([binary, "--port", str(port), *arguments], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.port = self.metrics_port = None
        wants_metrics = "--metrics-port" in arguments
        for _ in range(20):
            line = self.process.stdout.readline()
            if not line:
                break
            if "metrics on port" in line:
                self.metrics_port = int(line.split()[-1])
            if "listening on port" in line:
                self.port = int(line.split()[-1])
            if self.port is not None and (self.metrics_port is not None or not wants_metrics):
                break
        if self.port is None or (wants_metrics and self.metrics_port is None):
            self.process.kill()
            raise SystemExit(f"{binary} did not start")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")

    def metric(self, name, labelled=""):
        """The sum of the series of the counter or gauge `name` this process exports now (those
        whose labels contain `labelled`)."""
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10).read().decode()
        total = 0.0
        for line in text.splitlines():
            match = re.match(rf"^{re.escape(name)}(\{{[^}}]*\}})? ([0-9.e+-]+)$", line)
            if match and labelled in (match.group(1) or ""):
                total += float(match.group(2))
        return total

    def stop(self, signal_number=None):
        """Stops the process (SIGTERM unless `signal_number`) and waits for it."""
        if self.process.poll() is None:
            if signal_number is None:
                self.process.terminate()
            else:
                self.process.send_signal(signal_number)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def eventually(condition, seconds=60, message="the condition never held"):
    """Waits until `condition()` is true; the limit only bounds a test that would otherwise hang
    (it decides nothing when the outcome comes)."""
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            raise AssertionError(message)
        time.sleep(0.2)


class Failure(NamedTuple):
    """A call of a ``Load`` that failed: its status, message, index and when it started."""

    code: grpc.StatusCode
    details: str
    index: int
    started: float


class Load:
    """Calls `write(index)` from `workers` threads, one index after another, until stopped; keeps
    what each acknowledged (its return value) and the failures (``Failure``)."""

    def __init__(self, write, workers=4):
        self.write = write
        self.acknowledged = []
        self.failures = []
        self.lock = threading.Lock()
        self.next = 0
        self.running = True
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(workers)]
        for thread in self.threads:
            thread.start()

    def _run(self):
        while self.running:
            with self.lock:
                index = self.next
                self.next += 1
            started = time.time()
            try:
                result = self.write(index)
                with self.lock:
                    self.acknowledged.append(result)
            except grpc.RpcError as error:
                with self.lock:
                    self.failures.append(Failure(error.code(), error.details(), index, started))
                time.sleep(0.05)

    def count(self):
        with self.lock:
            return len(self.acknowledged)

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(60)
        return list(self.acknowledged), list(self.failures)


def check_failures(failures):
    """Asserts that every call of a load that failed around a database loss failed UNAVAILABLE
    (a call in flight when the connections broke too: none waits for its deadline)."""
    wrong = [failure for failure in failures if failure.code != grpc.StatusCode.UNAVAILABLE]
    assert not wrong, wrong[:5]
