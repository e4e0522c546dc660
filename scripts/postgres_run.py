"""`make run DB=postgres` (scripts/run.py --db postgres): the suite on a local PostgreSQL 15 with two
replicas of every service whose store runs on it, behind the ports `make run` uses.

`PostgresSuite` starts a throwaway cluster (scripts/postgres.sh: initdb as the `postgres` user in a
temporary directory, 127.0.0.1 on a free port), creates one database per service, and then starts
the suite the way `suite.start` does, with the same signature, so scripts/run.py and the demo
history use it in its place: each service in REPLICATED runs as REPLICAS processes on free ports of
their own, on its database, behind a round-robin TCP forwarder (scripts/tcp_forwarder.py) on the
service's usual port. So `supportctl`, grpcurl and the console reach 127.0.0.1:50051-50055 as
with `make run`, and, like a Kubernetes Service, each new connection goes to the next replica;
the services call each other through the same forwarders. A service not in that list would run
once, on SQLite, on its usual port (today all five are in it). The cluster runs with fsync off
(scripts/postgres.sh: a throwaway demo). `close()` stops the cluster and removes it: every run
starts from the demo data again."""

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import support_stubs  # noqa: E402
import suite  # noqa: E402
from tcp_forwarder import RoundRobinForwarder  # noqa: E402

# The services run on PostgreSQL, as several replicas: the services whose store runs on it (one
# list, support_stubs.POSTGRES_SERVICES: all five).
REPLICATED = [name for name in suite.START_ORDER if name in support_stubs.POSTGRES_SERVICES]
REPLICAS = 2
POSTGRES_SCRIPT = os.path.join(ROOT, "scripts", "postgres.sh")


class PostgresSuite:
    """A local PostgreSQL and the suite's processes on it; `start`/`stop` as `suite.start`/`suite.stop`
    (the keys always in `keys_dir`, so `supportctl --as` finds data/keys as with `make run`)."""

    def __init__(self, keys_dir, replicas=REPLICAS):
        self.keys_dir, self.replicas = keys_dir, replicas
        self.cluster = tempfile.mkdtemp(prefix="support-run-postgres.")
        os.chmod(self.cluster, 0o755)
        self.forwarders, self.replica_ports, self.log_dir = {}, {}, None
        try:
            self.server = subprocess.check_output([POSTGRES_SCRIPT, "start", self.cluster], text=True).strip()
            for name in REPLICATED:
                subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.server, "-c", f"CREATE DATABASE {name}"],
                               check=True, stdout=subprocess.DEVNULL)
        except BaseException:
            self.close()
            raise

    def url(self, name):
        """The URL of `name`'s own database on the local server."""
        base, _, query = self.server.partition("?")
        return base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")

    @property
    def where(self):
        """What `make run` prints about where the data is."""
        replicas = ";\n  ".join(f"{name} on 127.0.0.1:" + ", ".join(str(p) for p in ports)
                                for name, ports in self.replica_ports.items())
        return (f"on PostgreSQL 15 at {self.server},\n  a throwaway cluster in {self.cluster}, removed on stop, one "
                f"database per service;\n  {self.replicas} replicas each of {', '.join(REPLICATED)} behind their usual "
                f"ports, each new connection to the next replica:\n  {replicas};\n  logs in {self.log_dir}")

    def start(self, bin_dir, data_dir, ports=None, log_dir=None, quiet=True, clock_offset=0):
        """Like `suite.start`: returns ({process name: process}, {service: port}, keys), the ports
        being the forwarders' (free ones when `ports` is None); replicas are named `orders-1`, ..."""
        keys = suite.ensure_keys(bin_dir, self.keys_dir)
        processes, self.log_dir = {}, log_dir
        try:
            for name in suite.START_ORDER:
                if name in REPLICATED:  # every forwarder first: peers call each other through them
                    self.forwarders[name] = RoundRobinForwarder(ports[name] if ports else 0)
            bound = {name: forwarder.port for name, forwarder in self.forwarders.items()}
            for name in suite.START_ORDER:
                if name not in REPLICATED:
                    bound[name] = ports[name] if ports else suite.free_port()
            for name in suite.START_ORDER:
                copies = [f"{name}-{i}" for i in range(1, self.replicas + 1)] if name in REPLICATED else [name]
                started = {}
                for copy in copies:  # the replicas start at once (their migrations under an advisory lock)
                    arguments = [os.path.join(bin_dir, name), *keys.flags(name), "--grace-period", "5"]
                    if name in REPLICATED:
                        arguments += ["--port", "0", "--database-url", self.url(name)]
                    else:
                        arguments += ["--port", str(bound[name]), "--data-dir", os.path.join(data_dir, name)]
                    for peer in suite.PEERS[name]:
                        arguments += ["--peer", f"{peer}=127.0.0.1:{bound[peer]}"]
                    if clock_offset:
                        arguments.append(f"--dev-clock-offset={int(clock_offset)}")
                    stderr = subprocess.DEVNULL if quiet else None
                    if log_dir:
                        os.makedirs(log_dir, exist_ok=True)
                        stderr = open(os.path.join(log_dir, f"{copy}.log"), "ab")
                    started[copy] = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=stderr, text=True)
                    processes[copy] = started[copy]
                for copy, process in started.items():
                    port = support_stubs.wait_for_port(process)
                    if port is None:
                        raise SystemExit(f"{copy} did not start" + (f" (see {log_dir}/{copy}.log)" if log_dir else ""))
                    if name in REPLICATED:
                        self.forwarders[name].add_backend(port)
                        self.replica_ports.setdefault(name, []).append(port)
        except BaseException:
            self.stop(processes)
            raise
        return processes, bound, keys

    def stop(self, processes, timeout=30):
        """SIGTERM to every process (reverse start order), then the forwarders closed; returns the
        exit codes by process name."""
        for name in reversed(list(processes)):
            processes[name].terminate()
        codes = {}
        for name, process in processes.items():
            try:
                codes[name] = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = -9
        for forwarder in self.forwarders.values():
            forwarder.close()
        self.forwarders, self.replica_ports = {}, {}
        return codes

    def close(self):
        """Stops the PostgreSQL cluster and removes its directory."""
        subprocess.run([POSTGRES_SCRIPT, "stop", self.cluster], stdout=subprocess.DEVNULL)
        shutil.rmtree(self.cluster, ignore_errors=True)
