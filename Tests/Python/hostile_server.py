#!/usr/bin/env python3
"""A hostile HTTP/2 gRPC server built from raw frames (hyperframe, hpack), for client tests: it
answers every call with a response message and trailers whose HPACK encoding is about 30 KB but
which decode to about 120 MB (grpc-status 0 and one 4,000-byte field, then 30,000 one-byte
references to it).

    hostile_server.py --port N

Prints "listening on PORT pid PID" once it accepts connections.
"""
import argparse
import os
import socket
import threading

from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, HeadersFrame, SettingsFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def send_block(sock, stream_id, block, end_stream):
    chunks = [block[i:i + 16000] for i in range(0, len(block), 16000)]
    frames = [HeadersFrame(stream_id, chunks[0])] + [ContinuationFrame(stream_id, c) for c in chunks[1:]]
    frames[-1].flags.add("END_HEADERS")
    if end_stream:
        frames[0].flags.add("END_STREAM")
    sock.sendall(b"".join(f.serialize() for f in frames))


def serve(sock):
    encoder = Encoder()
    buffer = b""
    with sock:
        while len(buffer) < len(PREFACE):
            chunk = sock.recv(65536)
            if not chunk:
                return
            buffer += chunk
        buffer = buffer[len(PREFACE):]
        sock.sendall(SettingsFrame(0).serialize())
        while True:
            while len(buffer) >= 9:
                frame, length = Frame.parse_frame_header(memoryview(buffer[:9]))
                if len(buffer) < 9 + length:
                    break
                frame.parse_body(memoryview(buffer[9:9 + length]))
                buffer = buffer[9 + length:]
                if isinstance(frame, SettingsFrame) and "ACK" not in frame.flags:
                    sock.sendall(SettingsFrame(0, flags=["ACK"]).serialize())
                if isinstance(frame, HeadersFrame):
                    stream = frame.stream_id
                    send_block(sock, stream, encoder.encode([(":status", "200"), ("content-type", "application/grpc")]),
                               end_stream=False)
                    sock.sendall(DataFrame(stream, b"\0\0\0\0\0").serialize())
                    # The newest dynamic table entry (index 62) is x-big.
                    trailers = encoder.encode([("grpc-status", "0"), ("x-big", "z" * 4000)]) + b"\xbe" * 30000
                    send_block(sock, stream, trailers, end_stream=True)
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    listener = socket.create_server(("127.0.0.1", args.port))
    print(f"listening on {listener.getsockname()[1]} pid {os.getpid()}", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
