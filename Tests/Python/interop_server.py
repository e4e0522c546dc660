#!/usr/bin/env python3
"""A grpc.testing.TestService server written with Python grpcio, for running the project's own
client through gRPC's interop cases.

    interop_server.py --port N

Prints "listening on PORT pid PID" once serving, then serves until killed.
"""
import argparse
import os
import time
from concurrent import futures

import grpc

from interop_client import empty_pb2, messages_pb2, test_pb2_grpc

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"


def echo_metadata(context):
    incoming = dict(context.invocation_metadata())
    if ECHO_INITIAL in incoming:
        context.send_initial_metadata(((ECHO_INITIAL, incoming[ECHO_INITIAL]),))
    if ECHO_TRAILING in incoming:
        context.set_trailing_metadata(((ECHO_TRAILING, incoming[ECHO_TRAILING]),))


def apply_status(status, context):
    if status.code != 0:
        context.abort(grpc.StatusCode(next(c for c in grpc.StatusCode if c.value[0] == status.code).value),
                      status.message)


def payload(size):
    return messages_pb2.Payload(body=b"\0" * size)


class TestService(test_pb2_grpc.TestServiceServicer):
    def EmptyCall(self, request, context):
        echo_metadata(context)
        return empty_pb2.Empty()

    def UnaryCall(self, request, context):
        echo_metadata(context)
        if request.response_compressed.value:
            context.set_compression(grpc.Compression.Gzip)
        apply_status(request.response_status, context)
        return messages_pb2.SimpleResponse(payload=payload(request.response_size))

    def StreamingOutputCall(self, request, context):
        echo_metadata(context)
        for parameters in request.response_parameters:
            time.sleep(parameters.interval_us / 1e6)
            yield messages_pb2.StreamingOutputCallResponse(payload=payload(parameters.size))
        apply_status(request.response_status, context)

    def StreamingInputCall(self, request_iterator, context):
        echo_metadata(context)
        total = sum(len(r.payload.body) for r in request_iterator)
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        for request in request_iterator:
            apply_status(request.response_status, context)
            for parameters in request.response_parameters:
                time.sleep(parameters.interval_us / 1e6)
                yield messages_pb2.StreamingOutputCallResponse(payload=payload(parameters.size))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()
    print(f"listening on {port} pid {os.getpid()}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
