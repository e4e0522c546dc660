#!/usr/bin/env python3
"""A hostile HTTP/2 gRPC server built from raw frames (hyperframe, hpack), for client tests: it
answers every call with a response message and trailers whose HPACK encoding is about 30 KB but
which decode to about 120 MB (grpc-status 0 and one 4,000-byte field, then 30,000 one-byte
references to it).

    hostile_server.py --port N [--report-settings]

With --report-settings it is not hostile: it answers every call with an empty message and
grpc-status 0, its trailers saying what the client announced in its SETTINGS frame
(`x-client-max-header-list-size`, absent when the client did not set it).

Prints "listening on PORT pid PID" once it accepts connections.
"""
import argparse
import os
import socket
import threading

from hpack import Encoder
from hyperframe.frame import DataFrame, HeadersFrame, SettingsFrame

from raw_h2 import header_frames, parse_frames

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def send_block(sock, stream_id, block, end_stream):
    sock.sendall(b"".join(f.serialize() for f in header_frames(stream_id, block, end_stream)))


def serve(sock, report_settings):
    encoder = Encoder()
    announced = {}
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
            frames, buffer = parse_frames(buffer)
            for frame in frames:
                if isinstance(frame, SettingsFrame) and "ACK" not in frame.flags:
                    announced.update(frame.settings)
                    sock.sendall(SettingsFrame(0, flags=["ACK"]).serialize())
                if isinstance(frame, HeadersFrame):
                    stream = frame.stream_id
                    send_block(sock, stream, encoder.encode([(":status", "200"), ("content-type", "application/grpc")]),
                               end_stream=False)
                    sock.sendall(DataFrame(stream, b"\0\0\0\0\0").serialize())
                    if report_settings:
                        fields = [("grpc-status", "0")]
                        if SettingsFrame.MAX_HEADER_LIST_SIZE in announced:
                            fields.append(("x-client-max-header-list-size",
                                           str(announced[SettingsFrame.MAX_HEADER_LIST_SIZE])))
                        send_block(sock, stream, encoder.encode(fields), end_stream=True)
                        continue
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
    parser.add_argument("--report-settings", action="store_true")
    args = parser.parse_args()
    listener = socket.create_server(("127.0.0.1", args.port))
    print(f"listening on {listener.getsockname()[1]} pid {os.getpid()}", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, args.report_settings), daemon=True).start()


if __name__ == "__main__":
    main()
