"""`make run DB=postgres`'s runner (scripts/run.py --db postgres), as a user runs it but on free
ports and a data directory of its own: it starts a local PostgreSQL and two replicas of every
service whose store runs on it, loads the demo data and history, and serves a real call through
each service's port (the round-robin forwarder) and from each replica directly (one database
under both); on SIGINT (Ctrl-C) every process exits 0, the cluster is removed and the ports are
free again. First, the forwarder alone: connections alternate over two live backends, and a
backend that is down is skipped.

    python3 run_postgres_test.py --bin .build/debug
"""

import argparse
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import grpc

import support_stubs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import demo_data  # noqa: E402
import postgres_run  # noqa: E402
from tcp_forwarder import RoundRobinForwarder  # noqa: E402

support_stubs.generate()

from standard_health import health_pb2, health_pb2_grpc  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402
from support.refunds.v1 import refunds_pb2, refunds_pb2_grpc  # noqa: E402
from support.returns.v1 import returns_pb2, returns_pb2_grpc  # noqa: E402

STARTUP_SECONDS = 900  # a debug build on a loaded machine loads the three weeks of history slowly


def forwarder_alternates():
    """Two backends that each answer their own name: four connections alternate between them;
    with one gone, every connection reaches the other; closed, the port refuses."""
    def backend(name):
        listener = socket.create_server(("127.0.0.1", 0))

        def serve():
            while True:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    return
                connection.recv(16)
                connection.sendall(name)
                connection.close()
        threading.Thread(target=serve, daemon=True).start()
        return listener

    def ask(port):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"who")
            connection.shutdown(socket.SHUT_WR)
            return connection.recv(16)

    first, second = backend(b"one"), backend(b"two")
    forwarder = RoundRobinForwarder(0)
    try:
        forwarder.add_backend(first.getsockname()[1])
        forwarder.add_backend(second.getsockname()[1])
        answers = [ask(forwarder.port) for _ in range(4)]
        assert answers == [b"one", b"two", b"one", b"two"], answers
        assert forwarder.accepted == [2, 2], forwarder.accepted
        first.shutdown(socket.SHUT_RDWR)  # wakes its accept(): the port refuses from now on
        first.close()
        answers = [ask(forwarder.port) for _ in range(3)]
        assert answers == [b"two"] * 3, answers
    finally:
        forwarder.close()
        second.shutdown(socket.SHUT_RDWR)
        second.close()
    try:
        socket.create_connection(("127.0.0.1", forwarder.port), timeout=2).close()
        raise AssertionError("the closed forwarder still accepts connections")
    except ConnectionRefusedError:
        pass


class Runner:
    """scripts/run.py --db postgres in a process of its own; its output read line by line."""

    def __init__(self, bin_dir, work):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts", "run.py"), "--db", "postgres", "--data-dir", work,
             "--free-ports", "--bin", bin_dir],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        self.lines, self.output = queue.Queue(), []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def until(self, marker, timeout):
        """The output up to the line containing `marker`; fails if the runner ends or time runs out."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError("run.py ended:\n" + "".join(self.output[-40:]))
            self.output.append(line)
            if marker in line:
                return "".join(self.output)
        raise AssertionError(f"no {marker!r} within {timeout} s:\n" + "".join(self.output[-40:]))


def port_is_free(port):
    """Nothing listens on `port` any more, and a server may bind it again (as servers do, with
    SO_REUSEADDR: the forwarded connections' TIME_WAIT remains for a minute)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return False
    except ConnectionRefusedError:
        pass
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    checks = support_stubs.Checks()
    checks.run("run postgres: the forwarder alternates and skips a dead backend", forwarder_alternates)

    work = tempfile.mkdtemp(prefix="run-postgres-")
    runner = Runner(args.bin, work)
    state = {}
    try:
        def starts_and_prints_its_ports():
            banner = runner.until("Press Ctrl-C to stop.", STARTUP_SECONDS)
            state["ports"] = {name: int(port) for name, port in
                              re.findall(r"\b(orders|returns|refunds|inquiries|oversight)\s+127\.0\.0\.1:(\d+)", banner)}
            assert set(state["ports"]) == {"orders", "returns", "refunds", "inquiries", "oversight"}, banner
            state["replicas"] = {name: [int(p) for p in ports.split(", ")] for name, ports in
                                 re.findall(r"\b([a-z]+) on 127\.0\.0\.1:(\d+(?:, \d+)*)", banner)}
            assert set(state["replicas"]) == set(postgres_run.REPLICATED), state["replicas"]
            assert all(len(ports) == 2 for ports in state["replicas"].values()), state["replicas"]
            state["cluster"] = re.search(r"cluster in (\S+), removed", banner).group(1)
            assert os.path.isdir(state["cluster"]), state["cluster"]
            state["console"] = int(re.search(r"http://127\.0\.0\.1:(\d+)/", banner).group(1))
            # The demo history went through the replicas on PostgreSQL too.
            assert "demo history over three weeks" in banner, banner[-2000:]

        def as_(subject, role):
            key = os.path.join(work, "keys", "identity-provider.pem")
            return [("authorization", "Bearer " + support_stubs.mint(args.bin, key, subject, role))]

        def channel(port):
            return grpc.insecure_channel(f"127.0.0.1:{port}")

        def serves_through_each_port():
            ports = state["ports"]
            ana, agent, auditor = as_("ana", "customer"), as_("agent-1", "agent"), as_("audit-1", "auditor")
            status = orders_pb2_grpc.OrdersStub(channel(ports["orders"])).GetOrderStatus(
                orders_pb2.GetOrderStatusRequest(order_id="DEMO-ANA-1"), metadata=ana, timeout=30)
            assert status.order_id == "DEMO-ANA-1", status
            # Returns asks Orders for the facts, through Orders' forwarder.
            eligibility = returns_pb2_grpc.ReturnsStub(channel(ports["returns"])).CheckEligibility(
                returns_pb2.CheckEligibilityRequest(order_id="DEMO-ANA-1"), metadata=ana, timeout=30)
            assert eligibility.eligible, eligibility
            refunds = refunds_pb2_grpc.RefundsStub(channel(ports["refunds"])).ListRefunds(
                refunds_pb2.ListRefundsRequest(order_id="DEMO-DIA-1"), metadata=agent, timeout=30)
            assert len(refunds.refunds) >= 1, refunds  # the history's refund
            conversion = inquiries_pb2_grpc.InquiriesStub(channel(ports["inquiries"])).ConvertCurrency(
                inquiries_pb2.ConvertCurrencyRequest(amount=demo_data.money(4999), target_currency="JPY"),
                metadata=agent, timeout=30)
            assert conversion.converted.currency_code == "JPY" and conversion.converted.minor_units > 0, conversion
            verified = oversight_pb2_grpc.OversightStub(channel(ports["oversight"])).VerifyAuditLog(
                oversight_pb2.VerifyAuditLogRequest(), metadata=auditor, timeout=60)
            assert verified.valid and verified.records_checked > 0, verified
            with urllib.request.urlopen(f"http://127.0.0.1:{state['console']}/health", timeout=10) as response:
                assert response.status == 200

        def printed_commands_reach_the_free_ports():
            # The banner's supportctl commands carry the ports run.py picked (--free-ports).
            line = next(l for l in runner.output if "supportctl health" in l)
            result = subprocess.run(shlex.split(line), capture_output=True, text=True, timeout=60, cwd=ROOT)
            assert result.returncode == 0, (line, result.stdout, result.stderr)
            rows = {row.split()[0]: row for row in result.stdout.splitlines()[2:] if row.strip()}
            for name, port in state["ports"].items():
                assert f"127.0.0.1:{port}" in rows[name] and rows[name].split()[-1] == "SERVING", result.stdout

        def every_replica_serves_one_database():
            ana = as_("ana", "customer")
            for name, ports in state["replicas"].items():
                for port in ports:
                    health = health_pb2_grpc.HealthStub(channel(port)).Check(health_pb2.HealthCheckRequest(), timeout=10)
                    assert health.status == health_pb2.HealthCheckResponse.SERVING, (name, port, health)
            for port in state["replicas"]["orders"]:
                status = orders_pb2_grpc.OrdersStub(channel(port)).GetOrderStatus(
                    orders_pb2.GetOrderStatusRequest(order_id="DEMO-ANA-1"), metadata=ana, timeout=30)
                assert status.order_id == "DEMO-ANA-1", (port, status)

        def stops_cleanly():
            runner.process.send_signal(signal.SIGINT)  # Ctrl-C
            output = runner.until("PostgreSQL stopped and removed.", 180)
            assert runner.process.wait(timeout=60) == 0, runner.process.returncode
            stopped = re.search(r"^stopped: (.*)$", output, re.M).group(1)
            codes = dict(entry.rsplit(" exit ", 1) for entry in stopped.split(", "))
            expected = {f"{name}-{i}" for name in postgres_run.REPLICATED for i in (1, 2)}
            expected |= {n for n in state["ports"] if n not in postgres_run.REPLICATED}
            assert set(codes) == expected, (codes, expected)
            assert set(codes.values()) == {"0"}, codes
            assert not os.path.exists(state["cluster"]), state["cluster"]
            for port in [*state["ports"].values(), state["console"], *(p for ps in state["replicas"].values() for p in ps)]:
                assert port_is_free(port), f"port {port} is still taken"

        checks.run("run postgres: starts with two replicas each and the demo data", starts_and_prints_its_ports)
        if "ports" in state:
            checks.run("run postgres: a call through each service's port", serves_through_each_port)
            checks.run("run postgres: the printed commands reach the free ports", printed_commands_reach_the_free_ports)
            checks.run("run postgres: every replica serves, on one database", every_replica_serves_one_database)
            checks.run("run postgres: Ctrl-C stops everything cleanly", stops_cleanly)
    finally:
        if runner.process.poll() is None:
            runner.process.send_signal(signal.SIGINT)
            try:
                runner.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                runner.process.kill()
        if checks.failed:
            print(f"run.py output:\n{''.join(runner.output[-60:])}\nlogs kept in {work}/postgres/logs")
        else:
            shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
