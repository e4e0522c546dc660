#!/usr/bin/env python3
"""Checks a server's standard services with Python grpcio, as grpcurl or a load balancer would:
grpc.health.v1 Check, and server reflection (v1 and v1alpha): list the services, fetch the file
defining each, and load every descriptor into a protobuf DescriptorPool.

    standard_services_client.py --port N --expect SERVICE[,SERVICE...]

Prints what it found and exits non-zero on any failure.
"""
import argparse
import os
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_tools import protoc


def load():
    out = tempfile.mkdtemp()
    source = "/usr/share/grpc-proto/grpc"
    os.makedirs(f"{out}/std_protos")
    names = {"health": "health/v1/health.proto", "reflection_v1": "reflection/v1/reflection.proto",
             "reflection_v1alpha": "reflection/v1alpha/reflection.proto"}
    for name, path in names.items():
        with open(f"{source}/{path}") as original, open(f"{out}/std_protos/{name}.proto", "w") as copy:
            copy.write(original.read())
    files = [f"{out}/std_protos/{name}.proto" for name in names]
    if protoc.main(["protoc", f"-I{out}", f"--python_out={out}", f"--grpc_python_out={out}", *files]) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    import importlib
    return {name: (importlib.import_module(f"std_protos.{name}_pb2"), importlib.import_module(f"std_protos.{name}_pb2_grpc"))
            for name in names}


def reflect(channel, pb2, grpc_pb2, expected):
    stub = grpc_pb2.ServerReflectionStub(channel)
    requests = [pb2.ServerReflectionRequest(list_services="")]
    requests += [pb2.ServerReflectionRequest(file_containing_symbol=s) for s in expected]
    requests.append(pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol"))
    responses = list(stub.ServerReflectionInfo(iter(requests)))
    if len(responses) != len(requests):
        raise AssertionError(f"{len(responses)} responses to {len(requests)} requests")
    listed = {s.name for s in responses[0].list_services_response.service}
    missing = set(expected) - listed
    if missing:
        raise AssertionError(f"services not listed: {missing} (listed {sorted(listed)})")
    files = {}
    for response in responses[1:-1]:
        for raw in response.file_descriptor_response.file_descriptor_proto:
            file = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[file.name] = file
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.Add(files[name])
        added.add(name)

    for name in files:
        add(name)
    for service in expected:
        descriptor = pool.FindServiceByName(service)
        if not descriptor.methods:
            raise AssertionError(f"{service} has no methods")
    if responses[-1].error_response.error_code != grpc.StatusCode.NOT_FOUND.value[0]:
        raise AssertionError("an unknown symbol did not get NOT_FOUND")
    return sorted(listed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--expect", required=True)
    args = parser.parse_args()
    expected = args.expect.split(",")
    modules = load()
    with grpc.insecure_channel(f"127.0.0.1:{args.port}") as channel:
        health_pb2, health_grpc = modules["health"]
        status = health_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""))
        if status.status != health_pb2.HealthCheckResponse.SERVING:
            raise AssertionError(f"health: {status}")
        print("health SERVING")
        for version in ("reflection_v1", "reflection_v1alpha"):
            listed = reflect(channel, *modules[version], expected)
            print(f"{version}: {', '.join(listed)}")
    print("OK")


if __name__ == "__main__":
    main()
