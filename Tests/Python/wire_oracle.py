#!/usr/bin/env python3
"""Reference side of the codec's differential tests: Python protobuf (upb) judges Swift's bytes.

Reads frames from stdin, each a 4-byte little-endian length followed by Swift's encoding of a
support.testing.v1.AllKinds message. For each it parses the bytes with Python protobuf and writes
back one frame of three parts:

  status   1 byte: 0 Python's own encoding equals Swift's byte for byte; 1 equal once the entries
           of each map field are put in the same order (Python's map order is not specified);
           2 different; 3 Python could not parse Swift's bytes
  full     Python's encoding of the parsed AllKinds (length-prefixed)
  subset   Python's "full" bytes parsed as AllKindsSubset and encoded again: the fields the
           subset lacks are kept as unknown fields (length-prefixed)
"""
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_module():
    out = tempfile.mkdtemp()
    from grpc_tools import protoc
    import grpc_tools
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    status = protoc.main(["protoc", f"-I{ROOT}/Protos", f"-I{include}", f"--python_out={out}",
                          f"{ROOT}/Protos/support/testing/v1/wire_test.proto"])
    if status != 0:
        sys.exit(f"protoc failed with {status}")
    sys.path.insert(0, out)
    from support.testing.v1 import wire_test_pb2
    return wire_test_pb2


def read_varint(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, i
        shift += 7


def records(data):
    """Splits a message's bytes into (field number, raw record) pairs."""
    i = 0
    out = []
    while i < len(data):
        start = i
        key, i = read_varint(data, i)
        wire_type = key & 7
        if wire_type == 0:
            _, i = read_varint(data, i)
        elif wire_type == 1:
            i += 8
        elif wire_type == 2:
            length, i = read_varint(data, i)
            i += length
        elif wire_type == 5:
            i += 4
        out.append((key >> 3, data[start:i]))
    return out


def canonical(data, map_fields):
    """The records with each map field's entries sorted, everything else in place."""
    result = []
    for number, raw in records(data):
        result.append((number, raw if number not in map_fields else None, raw))
    # Sort the raw records of each contiguous run of one map field.
    out = []
    run = []
    for number, fixed, raw in result:
        if fixed is None:
            if run and run[0][0] != number:
                out.extend(sorted(r for _, r in run))
                run = []
            run.append((number, raw))
        else:
            if run:
                out.extend(sorted(r for _, r in run))
                run = []
            out.append(raw)
    out.extend(sorted(r for _, r in run))
    return b"".join(out)


def main():
    pb = load_module()
    map_fields = {f.number for f in pb.AllKinds.DESCRIPTOR.fields
                  if f.message_type is not None and f.message_type.GetOptions().map_entry}
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    while True:
        header = stdin.read(4)
        if len(header) < 4:
            break
        (length,) = struct.unpack("<I", header)
        swift = stdin.read(length)
        try:
            message = pb.AllKinds.FromString(swift)
            full = message.SerializeToString(deterministic=True)
            subset = pb.AllKindsSubset.FromString(full).SerializeToString(deterministic=True)
            if full == swift:
                status = 0
            elif canonical(full, map_fields) == canonical(swift, map_fields):
                status = 1
            else:
                status = 2
        except Exception:  # noqa: BLE001 - any parse failure is reported as status 3
            status, full, subset = 3, b"", b""
        stdout.write(struct.pack("<BI", status, len(full)) + full + struct.pack("<I", len(subset)) + subset)
    stdout.flush()


if __name__ == "__main__":
    main()
