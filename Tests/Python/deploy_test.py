"""Checks deploy/: the committed files are what deploy/render.py writes; every manifest parses;
and ports, probes, environment variables, peers, drain times and security settings agree with
each service's own configuration (its --help, the peers its main.swift calls) and with each
other. Finally each service is started with its ConfigMap's environment to prove it accepts it.

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

import yaml

import support_stubs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "deploy")
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
    checks.exit()


if __name__ == "__main__":
    main()
