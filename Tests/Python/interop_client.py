#!/usr/bin/env python3
"""gRPC interop test cases (grpc/grpc doc/interop-test-descriptions.md), run by Python grpcio
against a grpc.testing.TestService server.

    interop_client.py --port N [--host H] [--test_case NAME[,NAME...]]

Prints one line per case and exits non-zero if any case fails.
"""
import argparse
import os
import sys
import tempfile
import threading
import time

import grpc
from grpc_tools import protoc

CASES = [
    "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
    "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
    "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
    "client_compressed_unary", "server_compressed_unary",
]


def load_stubs():
    """Compiles Debian's grpc.testing protos. They are copied under another directory first:
    Python would otherwise look for the generated modules inside the installed grpc package."""
    out = tempfile.mkdtemp()
    source = "/usr/share/grpc-proto/grpc/testing"
    os.makedirs(f"{out}/interop_protos")
    for name in ("empty", "messages", "test"):
        with open(f"{source}/{name}.proto") as original:
            text = original.read().replace('import "grpc/testing/', 'import "interop_protos/')
        with open(f"{out}/interop_protos/{name}.proto", "w") as copy:
            copy.write(text)
    files = [f"{out}/interop_protos/{name}.proto" for name in ("empty", "messages", "test")]
    if protoc.main(["protoc", f"-I{out}", f"--python_out={out}", f"--grpc_python_out={out}", *files]) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    from interop_protos import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402
    return empty_pb2, messages_pb2, test_pb2_grpc


empty_pb2, messages_pb2, test_pb2_grpc = load_stubs()


def payload(size):
    return messages_pb2.Payload(body=b"\0" * size)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_code(error, code):
    expect(isinstance(error, grpc.RpcError), f"expected an RpcError, got {error!r}")
    expect(error.code() == code, f"expected {code}, got {error.code()} ({error.details()})")


def empty_unary(stub, _):
    expect(stub.EmptyCall(empty_pb2.Empty()) == empty_pb2.Empty(), "non-empty response")


def large_unary(stub, _):
    response = stub.UnaryCall(messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828)))
    expect(len(response.payload.body) == 314159, "wrong payload size")


def client_streaming(stub, _):
    requests = (messages_pb2.StreamingInputCallRequest(payload=payload(s)) for s in (27182, 8, 1828, 45904))
    expect(stub.StreamingInputCall(requests).aggregated_payload_size == 74922, "wrong aggregate size")


def server_streaming(stub, _):
    sizes = (31415, 9, 2653, 58979)
    request = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=s) for s in sizes])
    expect([len(r.payload.body) for r in stub.StreamingOutputCall(request)] == list(sizes), "wrong sizes")


class Pipe:
    """A request iterator fed one message at a time."""

    def __init__(self):
        self._values = []
        self._condition = threading.Condition()
        self._open = True

    def __iter__(self):
        return self

    def __next__(self):
        with self._condition:
            while not self._values and self._open:
                self._condition.wait()
            if self._values:
                return self._values.pop(0)
            raise StopIteration()

    def add(self, value):
        with self._condition:
            self._values.append(value)
            self._condition.notify()

    def close(self):
        with self._condition:
            self._open = False
            self._condition.notify()


def ping_pong(stub, _):
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe)
    for request_size, response_size in zip((27182, 8, 1828, 45904), (31415, 9, 2653, 58979)):
        pipe.add(messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=response_size)], payload=payload(request_size)))
        expect(len(next(responses).payload.body) == response_size, "wrong response size")
    pipe.close()
    expect(next(responses, None) is None, "extra response")


def empty_stream(stub, _):
    expect(list(stub.FullDuplexCall(iter([]))) == [], "responses to an empty stream")


def custom_metadata(stub, _):
    metadata = (("x-grpc-test-echo-initial", "test_initial_metadata_value"),
                ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab"))
    response, call = stub.UnaryCall.with_call(
        messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828)), metadata=metadata)
    expect(len(response.payload.body) == 314159, "wrong payload size")
    expect(("x-grpc-test-echo-initial", "test_initial_metadata_value") in call.initial_metadata(), "initial metadata")
    expect(("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab") in call.trailing_metadata(), "trailing metadata")
    call = stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=314159)], payload=payload(271828))]),
        metadata=metadata)
    expect(len(next(call).payload.body) == 314159, "wrong streamed size")
    expect(("x-grpc-test-echo-initial", "test_initial_metadata_value") in call.initial_metadata(), "stream initial")
    list(call)
    expect(("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab") in call.trailing_metadata(), "stream trailing")


def check_status(stub, message):
    status = messages_pb2.EchoStatus(code=2, message=message)
    try:
        stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status))
        raise AssertionError("no error")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.UNKNOWN)
        expect(error.details() == message, f"message {error.details()!r}")
    try:
        list(stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(response_status=status)])))
        raise AssertionError("no error")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.UNKNOWN)
        expect(error.details() == message, f"message {error.details()!r}")


def status_code_and_message(stub, _):
    check_status(stub, "test status message")


def special_status_message(stub, _):
    check_status(stub, "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n")


def unimplemented_method(stub, _):
    try:
        stub.UnimplementedCall(empty_pb2.Empty())
        raise AssertionError("no error")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.UNIMPLEMENTED)


def unimplemented_service(_, channel):
    try:
        test_pb2_grpc.UnimplementedServiceStub(channel).UnimplementedCall(empty_pb2.Empty())
        raise AssertionError("no error")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.UNIMPLEMENTED)


def cancel_after_begin(stub, _):
    pipe = Pipe()
    future = stub.StreamingInputCall.future(pipe)
    future.cancel()
    expect(future.cancelled(), "not cancelled")
    pipe.close()


def cancel_after_first_response(stub, _):
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe)
    pipe.add(messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=31415)], payload=payload(27182)))
    expect(len(next(responses).payload.body) == 31415, "wrong size")
    responses.cancel()
    try:
        next(responses)
        raise AssertionError("no error after cancel")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.CANCELLED)
    pipe.close()


def timeout_on_sleeping_server(stub, _):
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe, timeout=0.001)
    pipe.add(messages_pb2.StreamingOutputCallRequest(payload=payload(27182)))
    try:
        next(responses)
        raise AssertionError("no error")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.DEADLINE_EXCEEDED)
    pipe.close()


def client_compressed_unary(stub, _):
    request = messages_pb2.SimpleRequest(
        response_size=314159, payload=payload(271828), expect_compressed=messages_pb2.BoolValue(value=True))
    try:
        stub.UnaryCall(request)
        raise AssertionError("an uncompressed request claiming compression was accepted")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.INVALID_ARGUMENT)
    response = stub.UnaryCall(request, compression=grpc.Compression.Gzip)
    expect(len(response.payload.body) == 314159, "wrong size (compressed)")
    request.expect_compressed.value = False
    expect(len(stub.UnaryCall(request).payload.body) == 314159, "wrong size (uncompressed)")


def server_compressed_unary(stub, _):
    for compressed in (True, False):
        request = messages_pb2.SimpleRequest(
            response_size=314159, payload=payload(271828), response_compressed=messages_pb2.BoolValue(value=compressed))
        expect(len(stub.UnaryCall(request).payload.body) == 314159, f"wrong size (compressed={compressed})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--test_case", default="all")
    parser.add_argument("--ca", help="PEM trust roots: connect with TLS")
    parser.add_argument("--cert", help="PEM client certificate chain, for mTLS")
    parser.add_argument("--key", help="PEM client private key, for mTLS")
    args = parser.parse_args()
    names = CASES if args.test_case == "all" else args.test_case.split(",")
    failures = 0
    if args.ca:
        def read(path):
            with open(path, "rb") as file:
                return file.read()
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca), private_key=read(args.key) if args.key else None,
            certificate_chain=read(args.cert) if args.cert else None)
        channel = grpc.secure_channel(f"localhost:{args.port}", credentials)
    else:
        channel = grpc.insecure_channel(f"{args.host}:{args.port}")
    with channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        stub = test_pb2_grpc.TestServiceStub(channel)
        for name in names:
            started = time.monotonic()
            try:
                globals()[name](stub, channel)
                print(f"PASS {name} ({(time.monotonic() - started) * 1000:.0f} ms)", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported per case
                failures += 1
                print(f"FAIL {name}: {error}", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
