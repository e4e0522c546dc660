"""The console bounds what browser connections can hold, tried with real sockets against the real
`console` executable: a request left unfinished is closed after the idle timeout (--idle-timeout 1),
a request head past 16 KiB is refused without being buffered, and while --max-connections 2
connections are open a third is not served until one of them closes.

    python3 console_limits.py --bin .build/debug
"""

import argparse
import os
import socket
import subprocess
import tempfile

import support_stubs

# Generous bound on how long a check waits for the console; the checks assert what happens, never
# how fast.
PATIENCE = 60


def start_console(bin_dir, keys, *flags):
    process = subprocess.Popen(
        [os.path.join(bin_dir, "console"), "--port", "0", "--token-keys", keys.jwks, *flags],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = support_stubs.wait_for_port(process)
    if port is None:
        process.kill()
        raise SystemExit("the console did not start")
    return process, port


def connect(port):
    connection = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    return connection


def read_all(connection):
    """Everything the console sends until it closes the connection."""
    received = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return received
        received += chunk


def request(host_header="127.0.0.1"):
    return f"GET / HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\n\r\n".encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="console-limits-")
    keys = support_stubs.LocalKeys(args.bin, work, services=[])
    checks = support_stubs.Checks()
    process, port = start_console(args.bin, keys, "--idle-timeout", "1", "--max-connections", "2")

    def unfinished_request_is_closed():
        connection = connect(port)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000)
        # The console closes the connection without a response (recv returns end of stream; a
        # socket.timeout here, after PATIENCE seconds, fails the check).
        assert read_all(connection) == b""
        connection.close()
        # And it keeps serving.
        served = connect(port)
        served.sendall(request())
        assert read_all(served).startswith(b"HTTP/1.1 "), "no response after the idle close"
        served.close()

    def oversized_head_is_refused():
        connection = connect(port)
        try:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (20 * 1024) + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            answer = read_all(connection)
        except ConnectionResetError:
            answer = b""
        assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:200]
        connection.close()

    checks.run("an unfinished request is closed after the idle timeout", unfinished_request_is_closed)
    checks.run("a request head over 16 KiB is refused", oversized_head_is_refused)
    process.terminate()
    process.wait(timeout=PATIENCE)

    # The cap, with a long idle timeout so the held connections stay open.
    process, port = start_console(args.bin, keys, "--idle-timeout", "600", "--max-connections", "2")

    def connections_past_the_cap_wait():
        held = [connect(port), connect(port)]
        for connection in held:
            # A keep-alive request answered: the console accepted this connection, which stays open.
            connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = connection.recv(65536)
                assert chunk, "a connection under the cap was closed"
                head += chunk
            assert head.startswith(b"HTTP/1.1 "), head[:100]
        waiting = connect(port)
        waiting.sendall(request())
        waiting.settimeout(3)
        try:
            early = waiting.recv(1)
        except socket.timeout:
            early = None
        assert early is None, f"a third connection was served past the cap of 2: {early!r}"
        # Once one held connection closes, the waiting one is served.
        held[1].close()
        waiting.settimeout(PATIENCE)
        assert read_all(waiting).startswith(b"HTTP/1.1 "), "the waiting connection was not served"
        waiting.close()
        held[0].close()

    checks.run("connections past --max-connections are not served until one closes", connections_past_the_cap_wait)
    process.terminate()
    process.wait(timeout=PATIENCE)
    checks.exit()


if __name__ == "__main__":
    main()
