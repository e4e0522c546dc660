"""Raw HTTP/2 frames for the hostile peers and servers (hyperframe): a header block split into
frames, and the complete frames at the front of a byte buffer."""
from hyperframe.frame import ContinuationFrame, Frame, HeadersFrame


def header_frames(stream_id, block, end_stream):
    """`block` (HPACK-encoded) as a HEADERS frame and, past 16,000 bytes, CONTINUATION frames."""
    chunks = [block[i:i + 16000] for i in range(0, len(block), 16000)] or [b""]
    frames = [HeadersFrame(stream_id, chunks[0])] + [ContinuationFrame(stream_id, c) for c in chunks[1:]]
    frames[-1].flags.add("END_HEADERS")
    if end_stream:
        frames[0].flags.add("END_STREAM")
    return frames


def parse_frames(buffer):
    """The complete frames at the front of `buffer`, and the bytes after them."""
    frames = []
    while len(buffer) >= 9:
        frame, length = Frame.parse_frame_header(memoryview(buffer[:9]))
        if len(buffer) < 9 + length:
            break
        frame.parse_body(memoryview(buffer[9:9 + length]))
        buffer = buffer[9 + length:]
        frames.append(frame)
    return frames, buffer
