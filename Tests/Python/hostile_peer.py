#!/usr/bin/env python3
"""Hostile HTTP/2 peers against a gRPC server, built from raw frames (hyperframe, hpack): each case
misbehaves on a connection of its own, checks the server's answer, then checks that the server
still serves a well-behaved grpcio client.

    hostile_peer.py --port N [--case NAME[,NAME...]]

Prints PASS/FAIL per case; exits non-zero if any case fails.
"""
import argparse
import os
import socket
import sys
import time

import grpc
from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, GoAwayFrame, HeadersFrame, RstStreamFrame,
                              SettingsFrame, WindowUpdateFrame)

from interop_client import empty_pb2, test_pb2_grpc
from raw_h2 import header_frames, parse_frames

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
PROTOCOL_ERROR, FLOW_CONTROL_ERROR, STREAM_CLOSED, ENHANCE_YOUR_CALM = 1, 3, 5, 11


class Peer:
    """A raw HTTP/2 client connection that sends frames and reads what comes back."""

    def __init__(self, port, preface=True):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buffer = b""
        self.encoder = Encoder()
        if preface:
            self.sock.sendall(PREFACE + SettingsFrame(0).serialize())

    def send(self, *frames):
        self.sock.sendall(b"".join(f.serialize() for f in frames))

    def headers_block(self, extra=(), content_type="application/grpc", path="/grpc.testing.TestService/EmptyCall"):
        headers = [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
                   ("content-type", content_type), ("te", "trailers"), *extra]
        return self.encoder.encode(headers)

    def request(self, stream_id, extra=(), content_type="application/grpc", body=b"\0\0\0\0\0"):
        # A header block larger than one frame (16 KiB) continues in CONTINUATION frames.
        frames = header_frames(stream_id, self.headers_block(extra, content_type), end_stream=False)
        data = DataFrame(stream_id, body)
        data.flags.add("END_STREAM")
        self.send(*frames, data)

    def frames(self, timeout=30.0):
        """Yields received frames until the connection closes or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frames, self.buffer = parse_frames(self.buffer)
            yield from frames
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return
            except ConnectionResetError:
                yield "closed"
                return
            if not chunk:
                yield "closed"
                return
            self.buffer += chunk

    def wait_for(self, predicate, timeout=30.0):
        for frame in self.frames(timeout):
            if predicate(frame):
                return frame
        return None

    def close(self):
        self.sock.close()


def goaway_or_close(frame, codes=None):
    if frame == "closed":
        return True
    return isinstance(frame, GoAwayFrame) and (codes is None or frame.error_code in codes)


def garbage_preface(port):
    peer = Peer(port, preface=False)
    peer.sock.sendall(b"GARBAGE GARBAGE GARBAGE GARBAGE\r\n\r\n")
    assert peer.wait_for(goaway_or_close), "the connection stayed open after a garbage preface"


def http1_on_the_port(port):
    peer = Peer(port, preface=False)
    peer.sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert peer.wait_for(goaway_or_close), "the connection stayed open after an HTTP/1.1 request"


def continuation_flood(port):
    peer = Peer(port)
    block = peer.headers_block()
    peer.send(HeadersFrame(1, block[:5]))
    try:
        for _ in range(10000):
            peer.send(ContinuationFrame(1, b"\x00" * 16))
    except (BrokenPipeError, ConnectionResetError):
        return
    assert peer.wait_for(goaway_or_close), "a CONTINUATION flood was accepted"


def rapid_reset(port):
    peer = Peer(port)
    try:
        for index in range(3000):
            stream = 1 + 2 * index
            headers = HeadersFrame(stream, peer.headers_block())
            headers.flags.add("END_HEADERS")
            peer.send(headers, RstStreamFrame(stream, error_code=8))
    except (BrokenPipeError, ConnectionResetError):
        return
    frame = peer.wait_for(goaway_or_close)
    assert frame is not None, "3,000 HEADERS+RST_STREAM pairs were accepted without GOAWAY"


def window_update_overflow(port):
    peer = Peer(port)
    peer.send(WindowUpdateFrame(0, window_increment=2 ** 31 - 1), WindowUpdateFrame(0, window_increment=2 ** 31 - 1))
    frame = peer.wait_for(lambda f: goaway_or_close(f, {FLOW_CONTROL_ERROR}))
    assert frame is not None, "a connection window over 2^31-1 did not get GOAWAY FLOW_CONTROL_ERROR"


def still_serves_on(peer, stream):
    peer.request(stream)
    frame = peer.wait_for(lambda f: isinstance(f, HeadersFrame) and f.stream_id == stream or f == "closed")
    assert isinstance(frame, HeadersFrame), "the connection stopped serving after a refused stream"


def refused_for_its_metadata(peer, stream, what):
    """The stream's answer: a Trailers-Only RESOURCE_EXHAUSTED saying why (not a bare reset, which
    a client can only report as INTERNAL)."""
    frame = peer.wait_for(lambda f: isinstance(f, (HeadersFrame, RstStreamFrame)) and f.stream_id == stream
                          or goaway_or_close(f))
    assert isinstance(frame, HeadersFrame) and "END_STREAM" in frame.flags, f"{what} got {frame!r}"
    from hpack import Decoder
    headers = {k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
               for k, v in Decoder().decode(frame.data)}
    assert headers.get("grpc-status") == "8", f"{what}: {headers}"
    assert "metadata is larger than this server accepts" in headers.get("grpc-message", ""), f"{what}: {headers}"


def oversized_headers(port):
    peer = Peer(port)
    peer.request(1, extra=[("x-huge", "x" * 20000)])
    refused_for_its_metadata(peer, 1, "a 20 KiB header list")
    still_serves_on(peer, 3)


def too_many_headers(port):
    peer = Peer(port)
    peer.request(1, extra=[(f"x-h{i}", "v") for i in range(300)])
    refused_for_its_metadata(peer, 1, "300 headers")
    still_serves_on(peer, 3)


def amplified_block(peer):
    """Header fields whose HPACK encoding is about 120 KB but which decode to about 480 MB: one
    4,000-byte field indexed, then 120,000 one-byte references to it (the newest dynamic table
    entry, index 62)."""
    return peer.encoder.encode([("x-big", "z" * 4000)]) + b"\xbe" * 120000


def send_block(peer, stream_id, block, end_stream):
    peer.send(*header_frames(stream_id, block, end_stream))


def reset_without_decoding_it_all(peer, stream, what):
    """The stream ends in a reset, not a status (response headers may come first)."""
    frame = peer.wait_for(lambda f: (isinstance(f, RstStreamFrame) or isinstance(f, HeadersFrame)
                                     and "END_STREAM" in f.flags) and f.stream_id == stream or goaway_or_close(f))
    assert isinstance(frame, RstStreamFrame), f"{what} got {frame!r}, not a reset"


def amplified_headers(port):
    """A request header block decoding to far more than the limit is reset once it has decoded
    256 KiB, instead of being decoded to the end (nghttp2 validates every field) for a status."""
    peer = Peer(port)
    send_block(peer, 1, peer.headers_block() + amplified_block(peer), end_stream=True)
    reset_without_decoding_it_all(peer, 1, "a header block decoding to 480 MB")
    still_serves_on(peer, 3)


def amplified_trailers(port):
    """The same for trailers from a client, which are not kept either."""
    peer = Peer(port)
    headers = HeadersFrame(1, peer.headers_block(path="/grpc.testing.TestService/StreamingInputCall"))
    headers.flags.add("END_HEADERS")
    peer.send(headers)
    send_block(peer, 1, amplified_block(peer), end_stream=True)
    reset_without_decoding_it_all(peer, 1, "trailers decoding to 480 MB")
    still_serves_on(peer, 3)


def data_on_closed_stream(port):
    peer = Peer(port)
    peer.request(1)
    trailers = peer.wait_for(lambda f: isinstance(f, HeadersFrame) and "END_STREAM" in f.flags or f == "closed")
    assert isinstance(trailers, HeadersFrame), "the first call did not complete"
    time.sleep(0.05)
    peer.send(DataFrame(1, b"\0\0\0\0\0"))
    frame = peer.wait_for(lambda f: (isinstance(f, RstStreamFrame) and f.error_code == STREAM_CLOSED)
                          or goaway_or_close(f, {STREAM_CLOSED, PROTOCOL_ERROR}))
    assert frame is not None, "DATA on a closed stream was not refused"


def non_grpc_content_type(port):
    peer = Peer(port)
    peer.request(1, content_type="application/json")
    frame = peer.wait_for(lambda f: isinstance(f, HeadersFrame) and f.stream_id == 1 or f == "closed")
    assert isinstance(frame, HeadersFrame), "no response to a JSON request"
    from hpack import Decoder
    headers = dict(Decoder().decode(frame.data))
    status = headers.get(b":status") or headers.get(":status")
    assert status in (b"415", "415"), f"status {status!r}"


def upload_ignoring_flow_control(port):
    """Sends 8 MiB on one stream without waiting for WINDOW_UPDATE: the server must refuse what
    exceeds the window it granted instead of buffering it."""
    peer = Peer(port)
    headers = HeadersFrame(1, peer.headers_block(path="/grpc.testing.TestService/StreamingInputCall"))
    headers.flags.add("END_HEADERS")
    peer.send(headers)
    chunk = DataFrame(1, b"\0" * 16384)
    try:
        for _ in range(512):
            peer.send(chunk)
    except (BrokenPipeError, ConnectionResetError):
        return
    frame = peer.wait_for(lambda f: (isinstance(f, RstStreamFrame) and f.error_code == FLOW_CONTROL_ERROR)
                          or goaway_or_close(f, {FLOW_CONTROL_ERROR}))
    assert frame is not None, "8 MiB beyond the flow-control window were accepted"


def ping_flood(port):
    """Pings with no stream activity past the server's limit (10): GOAWAY ENHANCE_YOUR_CALM."""
    from hyperframe.frame import PingFrame
    peer = Peer(port)
    try:
        for index in range(50):
            peer.send(PingFrame(0, opaque_data=index.to_bytes(8, "big")))
    except (BrokenPipeError, ConnectionResetError):
        return
    frame = peer.wait_for(lambda f: goaway_or_close(f, {ENHANCE_YOUR_CALM}))
    assert frame is not None, "50 pings without data did not get GOAWAY ENHANCE_YOUR_CALM"


def ignore_pings(port):
    """Stays idle and never answers the server's keepalive PING: the server must ping, then close."""
    from hyperframe.frame import PingFrame
    peer = Peer(port)
    ping = peer.wait_for(lambda f: isinstance(f, PingFrame) and "ACK" not in f.flags, timeout=10)
    assert ping is not None, "an idle connection was never pinged"
    assert peer.wait_for(lambda f: f == "closed", timeout=10), "an unanswered keepalive PING did not close"


def stop_reading(port):
    """Asks for an endless stream of responses and never reads (no WINDOW_UPDATE); prints
    "holding on PORT pid PID" and holds the connection open until killed."""
    peer = Peer(port)
    headers = HeadersFrame(1, peer.headers_block(path="/bench.Flood/Stream"))
    headers.flags.add("END_HEADERS")
    data = DataFrame(1, b"\0\0\0\0\0")
    data.flags.add("END_STREAM")
    peer.send(headers, data)
    print(f"holding on {port} pid {os.getpid()}", flush=True)
    time.sleep(600)


CASES = [garbage_preface, http1_on_the_port, continuation_flood, rapid_reset, window_update_overflow,
         oversized_headers, too_many_headers, amplified_headers, amplified_trailers, data_on_closed_stream, non_grpc_content_type,
         upload_ignoring_flow_control, ping_flood]


def serves_a_normal_client(port):
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        test_pb2_grpc.TestServiceStub(channel).EmptyCall(empty_pb2.Empty(), timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--case", default="all")
    parser.add_argument("--target", type=int, default=0, help="the server's port, for stop_reading")
    args = parser.parse_args()
    if args.case == "ignore_pings":
        ignore_pings(args.port)
        print("PASS ignore_pings", flush=True)
        return
    if args.case == "stop_reading":
        stop_reading(args.target)
        return
    cases = CASES if args.case == "all" else [c for c in CASES if c.__name__ in args.case.split(",")]
    failures = 0
    for case in cases:
        try:
            case(args.port)
            serves_a_normal_client(args.port)
            print(f"PASS {case.__name__}", flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported per case
            failures += 1
            print(f"FAIL {case.__name__}: {error!r}", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
