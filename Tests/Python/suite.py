"""Starts the whole suite (all five services, wired to each other) for `make run` and the
end-to-end test: a key per service and the identity provider's, with the key set they all trust
(`supportctl token keygen`), one SQLite directory per service, the peers
each service calls, and each process's readiness line awaited."""

import os
import socket
import subprocess
import sys

import support_stubs

# The fixed local ports `make run` uses, and the peers each service calls.
PORTS = {"orders": 50051, "returns": 50052, "refunds": 50053, "inquiries": 50054, "oversight": 50055}
PEERS = {
    "oversight": ["inquiries"],
    "orders": ["oversight"],
    "refunds": ["orders", "oversight"],
    "returns": ["orders", "refunds", "oversight"],
    "inquiries": ["oversight"],
}
START_ORDER = ["oversight", "orders", "refunds", "returns", "inquiries"]


def ensure_keys(bin_dir, key_dir):
    """The local keys (support_stubs.LocalKeys), created once."""
    return support_stubs.LocalKeys(bin_dir, key_dir)


def free_port():
    """A port the system just gave out (Oversight and Inquiries call each other, so each needs the
    other's port before either starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(bin_dir, data_dir, ports=None, log_dir=None, quiet=True, clock_offset=0):
    """Starts every service; `ports` None picks free ports; `clock_offset` (seconds, negative: the
    past) shifts the services' clocks with the development-only `--dev-clock-offset` (the demo
    history). Returns ({name: process}, {name: port}, support_stubs.LocalKeys)."""
    keys = ensure_keys(bin_dir, os.path.join(data_dir, "keys"))
    ports = ports or {name: free_port() for name in START_ORDER}
    processes, bound = {}, {}
    for name in START_ORDER:
        arguments = [os.path.join(bin_dir, name), "--port", str(ports[name]),
                     "--data-dir", os.path.join(data_dir, name), *keys.flags(name), "--grace-period", "5",
                     *support_stubs.database_flags(name)]
        for peer in PEERS[name]:
            arguments += ["--peer", f"{peer}=127.0.0.1:{ports[peer]}"]
        if clock_offset:
            arguments.append(f"--dev-clock-offset={int(clock_offset)}")  # "=": the value is negative
        stderr = subprocess.DEVNULL if quiet else None
        if log_dir:
            os.makedirs(log_dir, exist_ok=True)
            stderr = open(os.path.join(log_dir, f"{name}.log"), "ab")
        process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=stderr, text=True)
        port = support_stubs.wait_for_port(process)
        if port is None:
            for other in processes.values():
                other.terminate()
            raise SystemExit(f"{name} did not start")
        processes[name] = process
        bound[name] = port
    return processes, bound, keys


def stop(processes, timeout=30):
    """SIGTERM to every service (in reverse start order); returns their exit codes."""
    codes = {}
    for name in reversed(START_ORDER):
        if name in processes:
            processes[name].terminate()
    for name, process in processes.items():
        try:
            codes[name] = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()  # reaped, so its database's lock is let go before the next suite starts
            codes[name] = -9
    return codes


if __name__ == "__main__":
    print(__doc__, file=sys.stderr)
