#!/usr/bin/env python3
"""`make run DB=postgres`'s forwarder (scripts/tcp_forwarder.py) survives running out of file
descriptors: a burst of idle connections used to end its accept loop for good (EMFILE was taken
for "closed"), so every later client of that service, and every service calling it, timed out.
Here the forwarder runs in a process with a soft limit of 64 descriptors; 80 idle connections
exhaust it; once they close, a new connection is forwarded again.

    tcp_forwarder_test.py
"""
import os
import resource
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from tcp_forwarder import RoundRobinForwarder  # noqa: E402


def echo_backend():
    """A listener that echoes each connection's bytes; returns its port."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve(connection):
        with connection:
            while data := connection.recv(1024):
                connection.sendall(data)

    def accept():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                continue  # out of descriptors here too: the test's own burst
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def round_trip(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.settimeout(5)
        connection.sendall(b"ping")
        return connection.recv(16)


def serve(backend, spare):
    """The forwarder, in a process of its own limited to 64 descriptors, `spare` (0 or 1) of them
    held open: each forwarded connection takes two, so one of the two runs meets the limit at
    accept() itself, the other when connecting upstream."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    held = [open(os.devnull) for _ in range(spare)]  # noqa: SIM115 - held until the process ends
    forwarder = RoundRobinForwarder(0, [backend])
    print(forwarder.port, flush=True)
    sys.stdin.read()  # until the test closes the pipe
    forwarder.close()
    del held


def burst(backend, spare):
    server = subprocess.Popen([sys.executable, __file__, "serve", str(backend), str(spare)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        assert round_trip(port) == b"ping", "the forwarder forwards"
        idle = [socket.create_connection(("127.0.0.1", port), timeout=2) for _ in range(80)]
        time.sleep(1)  # the forwarder takes what it can and runs out of descriptors
        for connection in idle:
            connection.close()
        reply = None
        for _ in range(20):  # the forwarder closes its sides as it notices
            # Until it has, a connection it accepts may find no descriptor left for its upstream,
            # and it closes it unanswered (an empty reply): that is worth another try too.
            try:
                reply = round_trip(port)
            except OSError:
                reply = None
            if reply == b"ping":
                break
            time.sleep(0.25)
        assert reply == b"ping", f"after the burst (spare {spare}) the forwarder accepts and forwards again"
    finally:
        server.stdin.close()
        server.wait(timeout=10)


def main():
    backend = echo_backend()
    for spare in (0, 1):
        burst(backend, spare)
    print("PASS tcp forwarder survives running out of descriptors")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    try:
        main()
    except AssertionError as error:
        print(f"FAIL tcp forwarder: {error}")
        sys.exit(1)
