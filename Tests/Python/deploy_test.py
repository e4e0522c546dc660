"""Checks deploy/: the committed files are what deploy/render.py writes; every manifest parses;
and ports, probes, environment variables, peers, drain times and security settings agree with
each service's own configuration (its --help, the peers its main.swift calls) and with each
other. Finally each service is started with its ConfigMap's environment to prove it accepts it.
Every manifest is validated offline against Kubernetes 1.30's schemas (kubernetes-validate,
strict). The PostgreSQL variant (deploy/kubernetes-postgres) is checked for what makes it safe to
run several replicas (replicas, no volume, the database from its Secret, the PDB, a rollout that
never drops below the replica count, a drain that fits the grace period), and each service whose
store runs on PostgreSQL is started with the variant's environment against a throwaway
PostgreSQL prepared by the local server's own init script (its role owning its database).

    python3 deploy_test.py --bin .build/debug
"""

import argparse
import filecmp
import json
import os
import re
import subprocess
import sys
import tempfile

import kubernetes_validate
import yaml

import support_stubs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "deploy")
POSTGRES_DEPLOY = os.path.join(DEPLOY, "kubernetes-postgres")
KUBERNETES_VERSION = "1.30.0"  # the oldest with the preStop sleep action the Deployments use
SERVICES = ["orders", "returns", "refunds", "inquiries", "oversight"]


def load(path):
    with open(path) as handle:
        return [document for document in yaml.safe_load_all(handle) if document]


def peers_in_source(service):
    """The peers a service's main.swift calls: client(for: "x"), plus oversight for its relay."""
    path = os.path.join(ROOT, "Services", service.title(), f"{service.title()}Server", "main.swift")
    with open(path) as handle:
        source = handle.read()
    peers = set(re.findall(r'client\(for: "([a-z]+)"\)', source))
    if "oversightRelay" in source:
        peers.add("oversight")
    return peers


def console_callers(service):
    """{"console"} if the console's ConfigMap names `service` as a peer (it then calls it)."""
    config = load(os.path.join(DEPLOY, "kubernetes", "console", "configmap.yaml"))[0]["data"]
    peers = {entry.split("=")[0] for entry in config["SUPPORT_PEERS"].split(",") if entry}
    return {"console"} if service in peers else set()


def console_agrees(bin_dir):
    """The console's manifests agree with its --help, its peers' ports and its systemd unit; it holds
    no key and no volume; and it starts with its ConfigMap's environment."""
    base = os.path.join(DEPLOY, "kubernetes", "console")
    config = load(os.path.join(base, "configmap.yaml"))[0]["data"]
    deployment = load(os.path.join(base, "deployment.yaml"))[0]
    svc = load(os.path.join(base, "service.yaml"))[0]
    policy = load(os.path.join(base, "networkpolicy.yaml"))[0]
    help_text = subprocess.run([os.path.join(bin_dir, "console"), "--help"], capture_output=True, text=True).stdout
    for variable in config:
        assert f"({variable}" in help_text, f"{variable} is not a setting of the console"
    port = int(config["SUPPORT_PORT"])
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["ports"][0]["containerPort"] == port
    assert svc["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["port"] == port and container[probe]["httpGet"]["path"] == "/health"
    assert config["SUPPORT_SECURE_COOKIES"] == "1"  # browsers reach it over TLS
    assert "SUPPORT_TOKEN_SIGNING_KEY" not in config and "SUPPORT_DATA_DIR" not in config
    assert {v["name"] for v in pod["volumes"]} == {"token-keys", "tmp"}, pod["volumes"]
    declared = {}
    for entry in filter(None, config["SUPPORT_PEERS"].split(",")):
        name, address = entry.split("=")
        peer_config = load(os.path.join(DEPLOY, "kubernetes", name, "configmap.yaml"))[0]["data"]
        assert address.endswith(":" + peer_config["SUPPORT_PORT"]), entry
        declared[name] = int(peer_config["SUPPORT_PORT"])
    assert set(declared) == set(SERVICES), declared
    egress = {rule["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]: rule["ports"][0]["port"]
              for rule in policy["spec"]["egress"] if "app.kubernetes.io/name" in
              rule["to"][0].get("podSelector", {}).get("matchLabels", {})}
    assert egress == declared, (egress, declared)
    assert policy["spec"]["ingress"][0]["ports"][0]["port"] == port
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > pre_stop
    with open(os.path.join(DEPLOY, "systemd", "support-console.service")) as handle:
        unit = handle.read()
    assert f"Environment=SUPPORT_PORT={port}" in unit and "LoadCredential" not in unit
    assert re.search(r"^ExecStart=/usr/local/bin/console\b", unit, re.M)
    assert set(re.findall(r"--peer ([a-z]+)=", unit)) == set(SERVICES)
    # Every browser connection holds a descriptor: the unit raises the limit and the console caps
    # its connections well below it, each a setting of the console.
    open_files = int(re.search(r"^LimitNOFILE=(\d+)$", unit, re.M).group(1))
    assert f"Environment=SUPPORT_MAX_OPEN_FILES={open_files}" in unit
    connections = int(re.search(r"^Environment=SUPPORT_MAX_CONNECTIONS=(\d+)$", unit, re.M).group(1))
    assert connections < open_files, (connections, open_files)
    for variable in re.findall(r"^Environment=(SUPPORT_[A-Z_]+)=", unit, re.M):
        assert f"({variable}" in help_text, f"{variable} in the console's unit is not a setting of the console"
    work = tempfile.mkdtemp(prefix="deploy-console-")
    keys = support_stubs.LocalKeys(bin_dir, work, services=[])
    environment = dict(config, SUPPORT_HOST="127.0.0.1", SUPPORT_PORT="0", SUPPORT_TOKEN_KEYS=keys.jwks,
                       PATH=os.environ.get("PATH", ""))
    process = subprocess.Popen([os.path.join(bin_dir, "console")], env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    port_bound = support_stubs.wait_for_port(process)
    process.terminate()
    _, errors = process.communicate(timeout=30)
    assert port_bound, errors[-500:]
    assert process.returncode == 0, (process.returncode, errors[-500:])


def validate_all():
    """Every manifest under deploy/kubernetes and deploy/kubernetes-postgres against the Kubernetes
    schemas (strict: no unknown field); kustomizations have no schema there. A deliberately wrong
    Deployment must fail, so a validator that accepts anything would be caught."""
    broken = load(os.path.join(DEPLOY, "kubernetes", "orders", "deployment.yaml"))[0]
    broken["spec"]["replicas"] = "three"
    try:
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
        raise AssertionError("kubernetes-validate accepted replicas: 'three'")
    except kubernetes_validate.ValidationError:
        pass
    count = 0
    for tree in ("kubernetes", "kubernetes-postgres"):
        for directory, _, names in os.walk(os.path.join(DEPLOY, tree)):
            for name in names:
                for document in load(os.path.join(directory, name)):
                    if document["kind"] == "Kustomization":
                        continue
                    try:
                        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
                    except kubernetes_validate.ValidationError as error:
                        raise AssertionError(f"{os.path.relpath(os.path.join(directory, name), DEPLOY)}: "
                                             f"{error.message}") from None
                    count += 1
    assert count >= 2 * 5 * 7, count


def postgres_variant_agrees(service, bin_dir, server):
    """deploy/kubernetes-postgres/<service>: the SQLite set's settings but the database (URL from a
    Secret, password as a file from it), replicas rolled with none unavailable, no volume, a PDB
    that keeps all but one, a drain that fits; then (for a service whose store runs on PostgreSQL)
    the service starts with exactly that environment against `server`, as its own role."""
    base = os.path.join(POSTGRES_DEPLOY, service)
    sqlite_config = load(os.path.join(DEPLOY, "kubernetes", service, "configmap.yaml"))[0]["data"]
    config = load(os.path.join(base, "configmap.yaml"))[0]["data"]
    deployment = load(os.path.join(base, "deployment.yaml"))[0]
    pdb = load(os.path.join(base, "pdb.yaml"))[0]
    policy = load(os.path.join(base, "networkpolicy.yaml"))[0]
    database = load(os.path.join(base, "database-secret.yaml"))[0]
    resources = load(os.path.join(base, "kustomization.yaml"))[0]["resources"]
    kinds = [d["kind"] for r in resources for d in load(os.path.join(base, r))]
    help_text = subprocess.run([os.path.join(bin_dir, service), "--help"], capture_output=True, text=True).stdout
    for variable in config:
        assert f"({variable}" in help_text, f"{variable} is not a setting of {service}"
    # The same settings as the SQLite set, but where the data is.
    assert "SUPPORT_DATA_DIR" not in config and "SUPPORT_DATABASE_URL" not in config, config
    assert {k: v for k, v in config.items() if k != "SUPPORT_DATABASE_PASSWORD_FILE"} == \
        {k: v for k, v in sqlite_config.items() if k != "SUPPORT_DATA_DIR"}
    # Several replicas, no volume of its own.
    spec = deployment["spec"]
    replicas = spec["replicas"]
    assert replicas == 3, replicas
    assert "PersistentVolumeClaim" not in kinds and "StatefulSet" not in kinds, kinds
    pod = spec["template"]["spec"]
    assert not any("persistentVolumeClaim" in v or "hostPath" in v for v in pod["volumes"]), pod["volumes"]
    container = pod["containers"][0]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert "data" not in mounts, mounts
    # The URL from the service's own database Secret; the password as a file from the same Secret.
    assert database["kind"] == "Secret" and database["metadata"]["name"] == f"{service}-database"
    env = {e["name"]: e for e in container["env"]}
    reference = env["SUPPORT_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert reference["name"] == database["metadata"]["name"] and reference["key"] in database["stringData"], reference
    url = database["stringData"][reference["key"]]
    assert url.startswith("postgres://support_") and "sslmode=require" in url, url
    assert ":" not in url.split("://", 1)[1].split("@", 1)[0], "the URL must carry no password"
    volumes = {v["name"]: v for v in pod["volumes"]}
    password_file = config["SUPPORT_DATABASE_PASSWORD_FILE"]
    mount_name = next(name for name, path in mounts.items() if path == os.path.dirname(password_file))
    secret_volume = volumes[mount_name]["secret"]
    assert secret_volume["secretName"] == database["metadata"]["name"], secret_volume
    item = next(i for i in secret_volume["items"] if i["path"] == os.path.basename(password_file))
    assert item["key"] in database["stringData"], item
    # Calls keep flowing through a rollout and a drain: a new pod first, none taken away before it
    # is ready on gRPC health; an old one leaves the endpoints (preStop) before SIGTERM and
    # drains within the grace period, all inside terminationGracePeriodSeconds. Liveness is the
    # socket, not health: a database outage (NOT_SERVING) must not restart every replica.
    assert spec["strategy"]["type"] == "RollingUpdate", spec["strategy"]
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0, spec["strategy"]
    assert spec["strategy"]["rollingUpdate"]["maxSurge"] >= 1, spec["strategy"]
    port = int(config["SUPPORT_PORT"])
    assert container["readinessProbe"]["grpc"]["port"] == port
    assert "grpc" not in container["livenessProbe"] and container["livenessProbe"]["tcpSocket"]["port"] == port
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > pre_stop + int(config["SUPPORT_GRACE_PERIOD"])
    assert pre_stop >= container["readinessProbe"]["periodSeconds"], "endpoints must drop the pod before SIGTERM"
    # The PDB covers the pods and keeps all but one of them through voluntary disruptions.
    labels = spec["template"]["metadata"]["labels"]
    assert pdb["kind"] == "PodDisruptionBudget"
    assert all(labels[k] == v for k, v in pdb["spec"]["selector"]["matchLabels"].items())
    unavailable = pdb["spec"].get("maxUnavailable", replicas - pdb["spec"].get("minAvailable", replicas))
    assert unavailable == 1, pdb["spec"]
    # The NetworkPolicy lets it reach PostgreSQL.
    assert any(p["port"] == 5432 for rule in policy["spec"]["egress"] for p in rule.get("ports", [])), policy
    if service not in support_stubs.POSTGRES_SERVICES:
        print(f"note: {service} keeps its data in SQLite only on this branch: not started on PostgreSQL")
        return
    # Starts with this environment, as the role the local server's init script made, in its own
    # database (trust authentication there: the password file is read, not checked).
    work = tempfile.mkdtemp(prefix=f"deploy-pg-{service}-")
    keys = support_stubs.LocalKeys(bin_dir, work, services=[])
    keys.add(service, "--service", "--kid", config["SUPPORT_TOKEN_KEY_ID"])
    with open(os.path.join(work, "password"), "w") as handle:
        handle.write("local-only-service\n")
    host, port_number = server
    environment = dict(config, SUPPORT_HOST="127.0.0.1", SUPPORT_PORT="0", SUPPORT_METRICS_PORT="0",
                       SUPPORT_TOKEN_KEYS=keys.jwks, SUPPORT_TOKEN_SIGNING_KEY=keys.key(service),
                       SUPPORT_DATABASE_PASSWORD_FILE=os.path.join(work, "password"),
                       SUPPORT_DATABASE_URL=f"postgres://support_{service}@{host}:{port_number}/{service}?sslmode=disable",
                       PATH=os.environ.get("PATH", ""))
    process = subprocess.Popen([os.path.join(bin_dir, service)], env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=work)
    port_bound = support_stubs.wait_for_port(process)
    process.terminate()
    _, errors = process.communicate(timeout=30)
    assert port_bound, errors[-500:]
    assert process.returncode == 0, (process.returncode, errors[-500:])
    owned = subprocess.check_output(
        ["psql", "-At", "-h", host, "-p", str(port_number), "-U", "postgres", "-d", service, "-c",
         f"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'support_{service}'"],
        text=True).strip()
    assert int(owned) > 0, f"{service} created no tables as support_{service}"
    assert not [name for name in os.listdir(work) if name.endswith(".sqlite")], os.listdir(work)


def local_postgres_prepares(server):
    """The local server's init script (from its ConfigMap) run against `server` as the image runs
    it: one role and one database per service, owned by the role, closed to PUBLIC."""
    base = os.path.join(POSTGRES_DEPLOY, "local-postgres")
    init = load(os.path.join(base, "init-configmap.yaml"))[0]["data"]["10-support-databases.sh"]
    statefulset = load(os.path.join(base, "statefulset.yaml"))[0]
    host, port = server
    subprocess.run(["bash", "-c", init], check=True, env=dict(
        os.environ, POSTGRES_USER="postgres", SERVICE_PASSWORD="local-only-service", PGHOST=host, PGPORT=str(port)),
        stdout=subprocess.DEVNULL)
    rows = subprocess.check_output(
        ["psql", "-At", "-h", host, "-p", str(port), "-U", "postgres", "-d", "postgres", "-c",
         "SELECT d.datname || '=' || r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
         "WHERE r.rolname LIKE 'support_%' ORDER BY 1"], text=True).split()
    assert rows == sorted(f"{s}=support_{s}" for s in SERVICES), rows
    # Every service's Secret names that database and role; the server keeps room for 3 replicas'
    # pools (8 connections each) of every service.
    for service in SERVICES:
        url = load(os.path.join(POSTGRES_DEPLOY, service, "database-secret.yaml"))[0]["stringData"]["url"]
        assert url.startswith(f"postgres://support_{service}@") and f"/{service}?" in url, url
    arguments = statefulset["spec"]["template"]["spec"]["containers"][0]["args"]
    assert int(arguments[arguments.index("-c") + 1].split("=")[1]) >= 3 * 5 * 8, arguments
    for name in os.listdir(base):
        assert "NOT FOR PRODUCTION" in open(os.path.join(base, name)).read(), name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    checks = support_stubs.Checks()

    def rendered_matches_committed():
        out = tempfile.mkdtemp(prefix="deploy-")
        subprocess.check_call([sys.executable, os.path.join(DEPLOY, "render.py"), out])
        for directory, _, names in os.walk(out):
            for name in names:
                relative = os.path.relpath(os.path.join(directory, name), out)
                committed = os.path.join(DEPLOY, relative)
                assert os.path.exists(committed), f"{relative} is not committed"
                assert filecmp.cmp(os.path.join(directory, name), committed, shallow=False), \
                    f"{relative} differs from deploy/render.py's output: run python3 deploy/render.py"
        for tree in ("kubernetes", "kubernetes-postgres", "systemd"):
            for directory, _, names in os.walk(os.path.join(DEPLOY, tree)):
                for name in names:
                    relative = os.path.relpath(os.path.join(directory, name), DEPLOY)
                    assert os.path.exists(os.path.join(out, relative)), f"{relative} is not written by deploy/render.py"

    def every_manifest_parses():
        count = 0
        for directory, _, names in os.walk(os.path.join(DEPLOY, "kubernetes")):
            for name in names:
                documents = load(os.path.join(directory, name))
                assert documents and all("kind" in d and "apiVersion" in d for d in documents), name
                if name == "kustomization.yaml":
                    for resource in documents[0]["resources"]:
                        assert os.path.exists(os.path.join(directory, resource)), f"{directory}: missing {resource}"
                count += len(documents)
        assert count >= 5 * 8, count

    def service_agrees(service):
        def check():
            base = os.path.join(DEPLOY, "kubernetes", service)
            config = load(os.path.join(base, "configmap.yaml"))[0]["data"]
            deployment = load(os.path.join(base, "deployment.yaml"))[0]
            svc = load(os.path.join(base, "service.yaml"))[0]
            policy = load(os.path.join(base, "networkpolicy.yaml"))[0]
            pdb = load(os.path.join(base, "pdb.yaml"))[0]
            pvc = load(os.path.join(base, "pvc.yaml"))[0]
            help_text = subprocess.run([os.path.join(args.bin, service), "--help"], capture_output=True, text=True).stdout
            for variable in config:
                assert f"({variable}" in help_text, f"{variable} is not a setting of {service}"
            port = int(config["SUPPORT_PORT"])
            pod = deployment["spec"]["template"]["spec"]
            container = pod["containers"][0]
            assert container["ports"][0]["containerPort"] == port
            assert container["ports"][1]["containerPort"] == int(config["SUPPORT_METRICS_PORT"])
            annotations = deployment["spec"]["template"]["metadata"]["annotations"]
            assert annotations["prometheus.io/port"] == config["SUPPORT_METRICS_PORT"]
            assert svc["spec"]["ports"][0]["port"] == port and svc["spec"]["ports"][0]["targetPort"] == "grpc"
            for probe in ("readinessProbe", "livenessProbe"):
                assert container[probe]["grpc"]["port"] == port, probe
            declared = {entry.split("=")[0] for entry in config["SUPPORT_PEERS"].split(",") if entry}
            assert declared == peers_in_source(service), (declared, peers_in_source(service))
            for entry in filter(None, config["SUPPORT_PEERS"].split(",")):
                name, address = entry.split("=")
                peer_config = load(os.path.join(DEPLOY, "kubernetes", name, "configmap.yaml"))[0]["data"]
                assert address.endswith(":" + peer_config["SUPPORT_PORT"]), entry
            egress = {rule["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                      for rule in policy["spec"]["egress"] if "podSelector" in rule["to"][0]
                      and "app.kubernetes.io/name" in rule["to"][0]["podSelector"].get("matchLabels", {})}
            assert egress == declared, (egress, declared)
            callers = {s for s in SERVICES if service in peers_in_source(s)} | console_callers(service)
            ingress = {source["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                       for source in policy["spec"]["ingress"][0]["from"] if "podSelector" in source}
            assert policy["spec"]["ingress"][1]["ports"][0]["port"] == int(config["SUPPORT_METRICS_PORT"])
            assert ingress == callers, (ingress, callers)
            pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
            assert pod["terminationGracePeriodSeconds"] > pre_stop + int(config["SUPPORT_GRACE_PERIOD"])
            assert pod["securityContext"]["runAsNonRoot"] is True
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["resources"]["requests"] and container["resources"]["limits"]
            mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
            assert mounts["data"] == config["SUPPORT_DATA_DIR"]
            claims = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in pod["volumes"]}
            assert claims["data"] == pvc["metadata"]["name"]
            # Identity per service: the pod gets only its own private key (its own Secret, one
            # file) and the shared key set of public keys, in which its kid may sign only its
            # own service tokens.
            assert "SUPPORT_TOKEN_PUBLIC_KEY" not in config
            assert os.path.dirname(config["SUPPORT_TOKEN_SIGNING_KEY"]) == mounts["keys"]
            assert os.path.dirname(config["SUPPORT_TOKEN_KEYS"]) == mounts["token-keys"]
            volumes = {v["name"]: v for v in pod["volumes"]}
            assert volumes["keys"]["secret"]["secretName"] == f"{service}-keys"
            secret = load(os.path.join(base, "secret.yaml"))[0]
            assert secret["metadata"]["name"] == f"{service}-keys"
            assert set(secret["stringData"]) == {os.path.basename(config["SUPPORT_TOKEN_SIGNING_KEY"])}, secret
            jwks_map = load(os.path.join(DEPLOY, "kubernetes", "token-keys.yaml"))[0]
            assert volumes["token-keys"]["configMap"]["name"] == jwks_map["metadata"]["name"]
            assert "token-keys.yaml" in load(os.path.join(DEPLOY, "kubernetes", "kustomization.yaml"))[0]["resources"]
            ring = json.loads(jwks_map["data"][os.path.basename(config["SUPPORT_TOKEN_KEYS"])])["keys"]
            own = [k for k in ring if k["kid"] == config["SUPPORT_TOKEN_KEY_ID"]]
            assert len(own) == 1 and own[0]["subjects"] == [service] and own[0]["roles"] == ["service"], own
            assert all(service not in k.get("subjects", []) for k in ring if k is not own[0])
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            assert all(labels[k] == v for k, v in pdb["spec"]["selector"]["matchLabels"].items())
            assert all(labels[k] == v for k, v in svc["spec"]["selector"].items())
            with open(os.path.join(DEPLOY, "systemd", f"support-{service}.service")) as handle:
                unit = handle.read()
            assert f"Environment=SUPPORT_PORT={port}" in unit
            assert re.search(rf"^ExecStart=/usr/local/bin/{service}\b", unit, re.M)
            unit_peers = set(re.findall(r"--peer ([a-z]+)=", unit))
            assert unit_peers == declared, (unit_peers, declared)
            stop = int(re.search(r"TimeoutStopSec=(\d+)", unit).group(1))
            assert stop > int(config["SUPPORT_GRACE_PERIOD"])
            assert re.findall(r"^LoadCredential=.*$", unit, re.M) == \
                [f"LoadCredential=token-signing.pem:/etc/support/keys/{service}.pem"], "the unit loads another key"
            assert f"Environment=SUPPORT_TOKEN_KEY_ID={config['SUPPORT_TOKEN_KEY_ID']}" in unit
            # The service starts with exactly this environment (paths moved somewhere writable;
            # its own key under the kid the ConfigMap names).
            work = tempfile.mkdtemp(prefix=f"deploy-{service}-")
            keys = support_stubs.LocalKeys(args.bin, work, services=[])
            keys.add(service, "--service", "--kid", config["SUPPORT_TOKEN_KEY_ID"])
            environment = dict(config, SUPPORT_HOST="127.0.0.1", SUPPORT_PORT="0", SUPPORT_METRICS_PORT="0",
                               SUPPORT_DATA_DIR=os.path.join(work, "data"), SUPPORT_TOKEN_KEYS=keys.jwks,
                               SUPPORT_TOKEN_SIGNING_KEY=keys.key(service), PATH=os.environ.get("PATH", ""))
            process = subprocess.Popen([os.path.join(args.bin, service)], env=environment, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            port_bound = support_stubs.wait_for_port(process)
            process.terminate()
            _, errors = process.communicate(timeout=30)
            assert port_bound, errors[-500:]
            assert process.returncode == 0, process.returncode
        return check

    def image_carries_every_runtime_library():
        # The final image installs these; debian:bookworm-slim already has libc6, libgcc-s1 and
        # libstdc++6. The Swift runtime is linked statically there (--static-swift-stdlib), so
        # libraries from the toolchain are left out of this check.
        with open(os.path.join(DEPLOY, "Dockerfile")) as handle:
            dockerfile = handle.read()
        runtime_stage = dockerfile.split("FROM debian:bookworm-slim", 1)[1]
        installed = set(re.findall(r"\b(lib[a-z0-9.+-]+|zlib1g|ca-certificates)\b", runtime_stage))
        installed |= {"libc6", "libgcc-s1", "libstdc++6"}
        toolchain = os.path.dirname(os.path.dirname(os.path.realpath(subprocess.check_output(
            ["bash", "-c", "command -v swiftc"], text=True).strip())))
        for service in SERVICES + ["console"]:
            output = subprocess.check_output(["ldd", os.path.join(args.bin, service)], text=True)
            for path in re.findall(r"=> (/\S+)", output):
                real = os.path.realpath(path)
                if real.startswith(toolchain) or "/.build/" in real:
                    continue
                package = None
                for candidate in (path, real, real.replace("/usr/lib/", "/lib/"), real.replace("/lib/", "/usr/lib/", 1)):
                    found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
                    if found.returncode == 0:
                        package = found.stdout.split(":")[0]
                        break
                assert package, f"{service}: no Debian package owns {path}"
                assert package in installed, f"{service} needs {package} ({path}), which the image does not install"

    checks.run("deploy rendered files are committed", rendered_matches_committed)
    checks.run("deploy image carries every runtime library", image_carries_every_runtime_library)
    checks.run("deploy manifests parse", every_manifest_parses)
    for service in SERVICES:
        checks.run(f"deploy {service} agrees with its configuration", service_agrees(service))
    checks.run("deploy console agrees with its configuration", lambda: console_agrees(args.bin))
    checks.run("deploy manifests validate against the Kubernetes schemas", validate_all)
    pg_dir = tempfile.mkdtemp(prefix="deploy-pg-")
    try:
        url = subprocess.check_output([os.path.join(ROOT, "scripts", "postgres.sh"), "start", pg_dir], text=True).strip()
        server = (url.split("@", 1)[1].split(":")[0], int(url.split("@", 1)[1].split(":")[1].split("/")[0]))
        checks.run("deploy local PostgreSQL: one role and database per service", lambda: local_postgres_prepares(server))
        for service in SERVICES:
            checks.run(f"deploy {service} on PostgreSQL: replicas, secret, PDB, no volume",
                       lambda service=service: postgres_variant_agrees(service, args.bin, server))
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "postgres.sh"), "stop", pg_dir])
    checks.exit()


if __name__ == "__main__":
    main()
