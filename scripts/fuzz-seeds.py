"""Writes the fuzz targets' seed corpora into Tests/FuzzCorpus/<target>/seed-*:

- wire: one valid encoding of every request message of the five services, every field set
  (built from proto/ with grpcio-tools, so the seeds come from another protobuf implementation);
- head: request header lists, NUL-separated names and values, valid and not;
- connection: real HTTP/2 client byte streams written by the Python `h2` library: preface,
  SETTINGS, HEADERS and DATA of unary calls, and the frames around them that peers send.

Run it again after a proto change (`python3 scripts/fuzz-seeds.py`); files a fuzzer found
(crash-*, regression-*) are left alone.
"""

import glob
import gzip
import os
import struct
import sys

import h2.config
import h2.connection
import h2.settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))
import support_stubs  # noqa: E402

support_stubs.generate()

from google.protobuf import descriptor  # noqa: E402
from support.inquiries.v1 import inquiries_pb2  # noqa: E402
from support.oversight.v1 import oversight_pb2  # noqa: E402
from support.orders.v1 import orders_pb2  # noqa: E402
from support.refunds.v1 import refunds_pb2  # noqa: E402
from support.returns.v1 import returns_pb2  # noqa: E402

CORPUS = os.path.join(ROOT, "Tests", "FuzzCorpus")
FD = descriptor.FieldDescriptor


def repeated(field):
    is_repeated = getattr(field, "is_repeated", None)
    return is_repeated if is_repeated is not None else field.label == FD.LABEL_REPEATED


def fill(message, depth=0):
    """Sets every field of `message` to a plausible value (two elements for repeated fields)."""
    for field in message.DESCRIPTOR.fields:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key_field, value_field = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
            entries = getattr(message, field.name)
            for index in range(2):
                key = scalar(key_field) if key_field.type != FD.TYPE_STRING else f"key-{index}"
                if value_field.message_type is None:
                    entries[key] = scalar(value_field)
                elif depth < 3:
                    fill(entries[key], depth + 1)
            continue
        if field.message_type is not None:
            if depth >= 3:
                continue
            if field.message_type.full_name == "google.protobuf.Timestamp":
                values = [("seconds", 1_790_812_800), ("nanos", 500_000_000)]
            elif field.message_type.full_name == "google.protobuf.Duration":
                values = [("seconds", 3_600), ("nanos", 1)]
            else:
                values = None
            count = 2 if repeated(field) else 1
            for _ in range(count):
                target = getattr(message, field.name).add() if repeated(field) \
                    else getattr(message, field.name)
                if values:
                    for name, value in values:
                        setattr(target, name, value)
                else:
                    fill(target, depth + 1)
                    if not repeated(field):
                        target.SetInParent()
            continue
        value = scalar(field)
        if repeated(field):
            getattr(message, field.name).extend([value, value])
        else:
            setattr(message, field.name, value)


def scalar(field):
    if field.type == FD.TYPE_STRING:
        if "currency" in field.name:
            return "EUR"
        return f"{field.name}-1"
    if field.type == FD.TYPE_BYTES:
        return b"\x00\x01\xff"
    if field.type == FD.TYPE_BOOL:
        return True
    if field.type == FD.TYPE_ENUM:
        return field.enum_type.values[min(1, len(field.enum_type.values) - 1)].number
    if field.type in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        return 1.5
    if field.type in (FD.TYPE_SINT32, FD.TYPE_SINT64):
        return -7
    if field.type in (FD.TYPE_INT32, FD.TYPE_UINT32, FD.TYPE_FIXED32, FD.TYPE_SFIXED32):
        return 3
    return 2500


def write(target, name, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, f"seed-{name}"), "wb") as out:
        out.write(data)


def wire_seeds():
    for module in (orders_pb2, returns_pb2, refunds_pb2, inquiries_pb2, oversight_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                request = getattr(module, method.input_type.name)()
                fill(request)
                write("wire", method.input_type.full_name, request.SerializeToString())


def request_headers(path="/fuzz.Echo/Unary", extra=()):
    return [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers"), *extra]


def head_seeds():
    cases = {
        "plain": request_headers(),
        "timeout-seconds": request_headers(extra=[("grpc-timeout", "5S")]),
        "timeout-largest": request_headers(extra=[("grpc-timeout", "99999999H")]),
        "timeout-nanos": request_headers(extra=[("grpc-timeout", "1n")]),
        "timeout-malformed": request_headers(extra=[("grpc-timeout", "12x")]),
        "gzip": request_headers(extra=[("grpc-encoding", "gzip"), ("grpc-accept-encoding", "identity, gzip")]),
        "metadata": request_headers(extra=[("authorization", "Bearer abc.def.ghi"), ("trace-bin", "AAEC/w=="),
                                           ("x-request-id", "r-1")]),
        "message": [("grpc-message", "caf%C3%A9 100%25 %zz"), ("grpc-status", "3")],
        "wrong-type": [(":method", "POST"), (":path", "/a/b"), ("content-type", "text/plain")],
        "get": [(":method", "GET"), (":path", "/")],
    }
    for name, headers in cases.items():
        write("head", name, b"\0".join(f"{k}\0{v}".encode() for k, v in headers))


def grpc_message(payload, compressed=False):
    return struct.pack(">?I", compressed, len(payload)) + payload


def connection(calls, before=None, after=None):
    """The bytes a client sends: preface and SETTINGS, then each call's HEADERS and DATA."""
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    if before:
        before(conn)
    for headers, body, end in calls:
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, headers, end_stream=body is None)
        if body is not None:
            conn.send_data(stream, body, end_stream=end)
    if after:
        after(conn)
    return conn.data_to_send()


def connection_seeds():
    echo = request_headers()
    seeds = {
        "unary": connection([(echo, grpc_message(b"\x0a\x03abc"), True)]),
        "unary-empty": connection([(echo, grpc_message(b""), True)]),
        "fail": connection([(request_headers("/fuzz.Echo/Fail"), grpc_message(b""), True)]),
        "unknown-method": connection([(request_headers("/fuzz.Echo/Missing"), grpc_message(b""), True)]),
        "wrong-content-type": connection([(request_headers(extra=[]) [:4] + [("content-type", "text/plain")],
                                           b"", True)]),
        "timeout": connection([(request_headers(extra=[("grpc-timeout", "10m")]), grpc_message(b"x"), True)]),
        "timeout-largest": connection([(request_headers(extra=[("grpc-timeout", "99999999H")]),
                                        grpc_message(b"x"), True)]),
        "gzip": connection([(request_headers(extra=[("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip")]),
                             grpc_message(gzip.compress(b"hello"), compressed=True), True)]),
        "oversized-prefix": connection([(echo, struct.pack(">?I", False, 1 << 28), True)]),
        "two-messages": connection([(echo, grpc_message(b"a") + grpc_message(b"b"), True)]),
        "open-stream": connection([(echo, grpc_message(b"a"), False)]),
        "headers-only": connection([(echo, None, True)]),
        "three-streams": connection([(echo, grpc_message(b"1"), True), (request_headers("/fuzz.Echo/Fail"),
                                     grpc_message(b"2"), True), (echo, grpc_message(b"3"), False)]),
        "ping-and-window": connection([(echo, grpc_message(b"p"), True)],
                                      before=lambda c: c.ping(b"12345678"),
                                      after=lambda c: c.increment_flow_control_window(65535)),
        "reset": connection([(echo, grpc_message(b"r"), False)], after=lambda c: c.reset_stream(1)),
        "goaway": connection([(echo, grpc_message(b"g"), True)], after=lambda c: c.close_connection()),
        "settings": connection([(echo, grpc_message(b"s"), True)], before=lambda c: c.update_settings({
            h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1, h2.settings.SettingCodes.MAX_FRAME_SIZE: 16384})),
    }
    for name, data in seeds.items():
        write("connection", name, data)


def main():
    for old in glob.glob(os.path.join(CORPUS, "*", "seed-*")):
        os.remove(old)
    wire_seeds()
    head_seeds()
    connection_seeds()
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} files")


if __name__ == "__main__":
    main()
