"""Shared pieces of the attack scripts: the suite started as `make run` starts it (free ports,
temporary data), raw h2 clients, tokens and the memory of a process."""
import gzip
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import grpc  # noqa: E402
import h2.config  # noqa: E402
import h2.connection  # noqa: E402
import h2.events  # noqa: E402
import h2.exceptions  # noqa: E402

import suite  # noqa: E402
import support_stubs  # noqa: E402

support_stubs.generate()
from standard_health import health_pb2, health_pb2_grpc  # noqa: E402

MIB = 1024 * 1024


def status_value(pid, field):
    """A field of /proc/PID/status in bytes (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for {pid}")


def serves_health(port, timeout=10):
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=timeout)
        return reply.status == health_pb2.HealthCheckResponse.SERVING


def frame(payload, compressed=False):
    return (b"\1" if compressed else b"\0") + len(payload).to_bytes(4, "big") + payload


def gzip_frame(payload):
    return frame(gzip.compress(payload, 9), compressed=True)


def request_headers(path, token=None, extra=()):
    headers = [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
               ("content-type", "application/grpc"), ("te", "trailers")]
    if token:
        headers.append(("authorization", "Bearer " + token))
    return headers + list(extra)


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_bytes(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


class H2:
    """A raw h2 client connection that follows flow control and records each stream's outcome."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.conn.increment_flow_control_window(1 << 30)
        self.status = {}
        self.messages = {}
        self.reset = set()
        self.responded = set()
        self.closed = False
        self.pending = {}
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def start(self, path, body=b"", token=None, extra=(), end=True):
        stream = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream, request_headers(path, token, extra))
        self.pending[stream] = [body, end]
        self.send_pending()
        return stream

    def send_pending(self):
        for stream, entry in list(self.pending.items()):
            body, end = entry
            try:
                while body:
                    window = min(self.conn.local_flow_control_window(stream), self.conn.max_outbound_frame_size)
                    if window <= 0:
                        break
                    self.conn.send_data(stream, body[:window])
                    body = body[window:]
                if not body and end:
                    self.conn.end_stream(stream)
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                body = b""
            if body:
                entry[0] = body
            else:
                del self.pending[stream]
        self.flush()

    def pump(self, timeout=0.05):
        if self.closed:
            return False
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 20)
        except socket.timeout:
            return True
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return False
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self.closed = True
            return False
        for event in events:
            if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                self.responded.add(event.stream_id)
                for name, value in event.headers:
                    if name == "grpc-status":
                        self.status[event.stream_id] = int(value)
                    if name == "grpc-message":
                        self.messages[event.stream_id] = value
            elif isinstance(event, h2.events.StreamReset):
                self.reset.add(event.stream_id)
            elif isinstance(event, h2.events.DataReceived):
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        self.send_pending()
        return True

    def run(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.pump(0.05):
            pass

    def wait(self, stream, seconds=10):
        """Pumps until `stream` has response headers, a status or a reset (or `seconds` pass)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.pump(0.02):
            if stream in self.responded or stream in self.status or stream in self.reset:
                return True
        return False

    def close(self):
        self.sock.close()


class Suite:
    """The five services as `make run` starts them, on free ports, with a temporary data dir."""

    def __init__(self, bin_dir, environment=None):
        self.bin_dir = bin_dir
        self.directory = tempfile.TemporaryDirectory(prefix="attack-")
        saved = dict(os.environ)
        os.environ.update(environment or {})
        try:
            self.processes, self.ports, self.keys = suite.start(bin_dir, self.directory.name)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def pid(self, name):
        return self.processes[name].pid

    def alive(self, name):
        return self.processes[name].poll() is None

    def token(self, subject, role, key=None):
        return self.keys.mint(subject, role, key)

    def stop(self):
        codes = suite.stop(self.processes)
        self.directory.cleanup()
        return codes


def b64url(data):
    import base64
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(pem_path, claims, header=None, issuer="support-platform", audience="support"):
    """An ES256 JWT signed with the PEM private key at `pem_path` (header and claims as given,
    with iss/aud/iat/exp filled in when absent)."""
    import json
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    with open(pem_path, "rb") as file:
        key = serialization.load_pem_private_key(file.read(), None)
    now = int(time.time())
    body = {"iss": issuer, "aud": audience, "iat": now, "exp": now + 300, **claims}
    head = {"alg": "ES256", "typ": "JWT", **(header or {})}
    signing_input = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(body).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def key_id(bin_dir, directory, name):
    """The kid of the key `name` in the suite's jwks.json (matched by its public key)."""
    import json
    from cryptography.hazmat.primitives import serialization
    with open(os.path.join(directory, f"{name}.pem"), "rb") as file:
        numbers = serialization.load_pem_private_key(file.read(), None).public_key().public_numbers()
    x = b64url(numbers.x.to_bytes(32, "big"))
    with open(os.path.join(directory, "jwks.json")) as file:
        for entry in json.load(file)["keys"]:
            if entry["x"] == x:
                return entry.get("kid")
    raise AssertionError(f"no key {name} in jwks.json")
