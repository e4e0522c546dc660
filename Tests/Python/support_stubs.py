"""Compiles proto/ (and the standard health proto) with grpcio-tools into a temporary directory
and puts it on sys.path, so contract tests use stubs generated from the published contracts."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile

import grpc
from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO = os.path.join(ROOT, "proto")
STANDARD = "/usr/share/grpc-proto"


def generate():
    out = tempfile.mkdtemp(prefix="support-stubs-")
    atexit.register(shutil.rmtree, out, True)
    files = []
    for directory, _, names in os.walk(PROTO):
        files += [os.path.relpath(os.path.join(directory, n), PROTO) for n in names if n.endswith(".proto")]
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    # The health proto's own path (grpc/health/v1) would clash with the grpcio package `grpc`;
    # it is compiled as the module `standard_health.health_pb2` instead.
    standard = os.path.join(out, "standard-src")
    os.makedirs(os.path.join(standard, "standard_health"))
    shutil.copy(os.path.join(STANDARD, "grpc/health/v1/health.proto"), os.path.join(standard, "standard_health"))
    args = ["protoc", f"-I{PROTO}", f"-I{standard}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}"]
    if protoc.main(args + sorted(files) + ["standard_health/health.proto"]) != 0:
        raise SystemExit("protoc failed on proto/")
    sys.path.insert(0, out)


def wait_for_port(process):
    """The gRPC port from a service's "<name> listening on port N" line (other lines, such as the
    metrics port's, may come first); None if the process exits first."""
    for _ in range(20):
        line = process.stdout.readline()
        if not line:
            return None
        if "listening on port" in line:
            return int(line.split()[-1])
    return None


# Services whose store runs on PostgreSQL too. With SUPPORT_CONTRACT_DATABASE_URL set (the URL of a
# server such as scripts/postgres.sh starts), each of them started by these helpers gets a fresh
# database of its own there (--database-url) instead of its SQLite file.
POSTGRES_SERVICES = {"orders", "refunds", "returns", "inquiries", "oversight"}


def database_flags(name):
    """`--database-url` of a new, empty database for the service `name`, when the contract tests
    run against PostgreSQL (SUPPORT_CONTRACT_DATABASE_URL) and `name` can; else no flags."""
    server = os.environ.get("SUPPORT_CONTRACT_DATABASE_URL", "")
    if not server or name not in POSTGRES_SERVICES:
        return []
    database = f"contract_{name}_{os.getpid()}_{next(_database_numbers)}"
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", server, "-c", f"CREATE DATABASE {database}"],
                   check=True, stdout=subprocess.DEVNULL)
    base, _, query = server.partition("?")
    url = base.rsplit("/", 1)[0] + "/" + database + ("?" + query if query else "")
    return ["--database-url", url]


_database_numbers = iter(range(1, 1_000_000))


def start_service(binary, data_dir, *extra, port=0):
    """Starts a service binary on `port` (0: a free one); returns (process, port). A service that
    can keep its data in PostgreSQL does so when SUPPORT_CONTRACT_DATABASE_URL is set
    (``database_flags``)."""
    process = subprocess.Popen(
        [binary, "--port", str(port), "--data-dir", data_dir, *extra,
         *database_flags(os.path.basename(binary))],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = wait_for_port(process)
    if port is None:
        process.kill()
        raise SystemExit(f"{binary} did not start")
    return process, port


def mint(bin_dir, key, subject, role):
    """A bearer token from `supportctl token mint`."""
    return subprocess.check_output(
        [os.path.join(bin_dir, "supportctl"), "token", "mint", "--key", key, "--subject", subject, "--role", role],
        text=True).strip()


class LocalKeys:
    """The local key layout `make run` and the tests use, created once in `directory`: the identity
    provider's key (customer, agent and auditor tokens, and service tokens of outside callers such
    as the storefront), one key per service (only `service` tokens naming that service) and the key
    set jwks.json every service trusts. `flags(name)` are a service's token settings."""

    SERVICES = ["oversight", "orders", "refunds", "returns", "inquiries"]

    def __init__(self, bin_dir, directory, services=None):
        self.bin_dir = bin_dir
        self.directory = directory
        self.jwks = os.path.join(directory, "jwks.json")
        self.identity_provider = os.path.join(directory, "identity-provider.pem")
        if not os.path.exists(self.identity_provider):
            self.add("identity-provider", "--roles", "customer,agent,auditor,service")
        for name in self.SERVICES if services is None else services:
            if not os.path.exists(self.key(name)):
                self.add(name, "--service")

    def key(self, name):
        """The private key file of `name`."""
        return os.path.join(self.directory, f"{name}.pem")

    def add(self, name, *restrictions):
        """A new key `name` with `restrictions` (keygen flags), added to the key set."""
        subprocess.check_call(
            [os.path.join(self.bin_dir, "supportctl"), "token", "keygen", "--out-dir", self.directory, "--name", name,
             "--force", *restrictions], stdout=subprocess.DEVNULL)
        return self.key(name)

    def flags(self, name):
        """The token settings of the service `name`: the key set and its own key."""
        return ["--token-keys", self.jwks, "--token-signing-key", self.key(name)]

    def mint(self, subject, role, key=None):
        """A token signed by `key` (default the identity provider's)."""
        return mint(self.bin_dir, key or self.identity_provider, subject, role)


def keygen(bin_dir, directory):
    """A signing key pair from `supportctl token keygen`; returns (private, public) paths."""
    subprocess.check_call(
        [os.path.join(bin_dir, "supportctl"), "token", "keygen", "--out-dir", directory], stdout=subprocess.DEVNULL)
    return os.path.join(directory, "token-signing.pem"), os.path.join(directory, "token-public.pem")


class Checks:
    """Named checks printed as PASS/FAIL; exit status 1 if any failed."""

    def __init__(self):
        self.failed = 0

    def run(self, name, function):
        try:
            function()
            print(f"PASS {name}", flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported by name
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)

    def exit(self):
        sys.exit(1 if self.failed else 0)


def code_of(call):
    """The status code `call()` ends with (OK when it returns)."""
    return outcome_of(call)[0]


def outcome_of(call):
    """The status code and details `call()` ends with (OK and "" when it returns)."""
    try:
        call()
    except grpc.RpcError as error:
        return error.code(), error.details()
    return grpc.StatusCode.OK, ""
