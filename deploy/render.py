"""Writes deploy/: a Kubernetes kustomization per service and one for the suite, and a systemd
unit per service, from the one table below (ports, peers, resources). Run it after changing the
table; `make test` fails if the committed files differ from what it writes.

    python3 deploy/render.py [output directory, default deploy/]
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else HERE  # another directory, to compare with the committed files
NAMESPACE = "support"
IMAGE = "registry.example.com/support/{service}:1.0.0"
GRACE_SECONDS = 20          # --grace-period: calls in flight may finish within it
PRESTOP_SECONDS = 5         # endpoints stop routing before SIGTERM
TERMINATION_SECONDS = GRACE_SECONDS + PRESTOP_SECONDS + 5
METRICS_PORT = 9100         # --metrics-port: Prometheus text at /metrics

# name: (port, peers it calls, cpu request, memory request, memory limit)
SERVICES = {
    "orders": (50051, ["oversight"], "250m", "128Mi", "512Mi"),
    "returns": (50052, ["orders", "refunds", "oversight"], "250m", "128Mi", "512Mi"),
    "refunds": (50053, ["orders", "oversight"], "250m", "128Mi", "512Mi"),
    "inquiries": (50054, ["oversight"], "250m", "128Mi", "512Mi"),
    "oversight": (50055, ["inquiries"], "500m", "256Mi", "1Gi"),
}
# Who calls each service, besides the platform (storefront, agent desk, chat) in the namespace
# labelled support.example.com/caller=platform.
CALLERS = {name: [other for other, spec in SERVICES.items() if name in spec[1]] for name in SERVICES}


def write(path, text):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as handle:
        handle.write(text)


def peers(service):
    return ",".join(f"{peer}={peer}.{NAMESPACE}.svc.cluster.local:{SERVICES[peer][0]}" for peer in SERVICES[service][1])


def kubernetes(service):
    port, calls, cpu, memory, memory_limit = SERVICES[service]
    labels = f"app.kubernetes.io/name: {service}\n    app.kubernetes.io/part-of: support-platform"
    files = {}
    files["configmap.yaml"] = f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {service}-config
  labels:
    {labels}
data:
  SUPPORT_HOST: "0.0.0.0"
  SUPPORT_PORT: "{port}"
  SUPPORT_DATA_DIR: "/var/lib/support/{service}"
  SUPPORT_PEERS: "{peers(service)}"
  SUPPORT_TOKEN_PUBLIC_KEY: "/etc/support/keys/token-public.pem"
  SUPPORT_TOKEN_SIGNING_KEY: "/etc/support/keys/token-signing.pem"
  SUPPORT_TOKEN_ISSUER: "support-platform"
  SUPPORT_TOKEN_AUDIENCE: "support"
  SUPPORT_GRACE_PERIOD: "{GRACE_SECONDS}"
  SUPPORT_METRICS_PORT: "{METRICS_PORT}"
  SUPPORT_LOG_LEVEL: "info"
"""
    files["secret.yaml"] = f"""# The token keys. Replace the placeholders (for example with `supportctl token keygen`) or
# create the secret from your identity provider; never commit real keys.
apiVersion: v1
kind: Secret
metadata:
  name: {service}-keys
  labels:
    {labels}
type: Opaque
stringData:
  token-public.pem: "REPLACE WITH THE PEM PUBLIC KEY THAT VERIFIES TOKENS"
  token-signing.pem: "REPLACE WITH THIS SERVICE'S PEM SIGNING KEY"
"""
    files["pvc.yaml"] = f"""apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {service}-data
  labels:
    {labels}
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 10Gi
"""
    files["deployment.yaml"] = f"""# One replica: the service's SQLite database lives on its own volume (ReadWriteOnce), so the
# rollout replaces the pod instead of running two writers.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {service}
  labels:
    {labels}
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app.kubernetes.io/name: {service}
  template:
    metadata:
      labels:
        {labels.replace(chr(10) + '    ', chr(10) + '        ')}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "{METRICS_PORT}"
        prometheus.io/path: /metrics
    spec:
      terminationGracePeriodSeconds: {TERMINATION_SECONDS}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {service}
          image: {IMAGE.format(service=service)}
          imagePullPolicy: IfNotPresent
          ports:
            - name: grpc
              containerPort: {port}
              protocol: TCP
            - name: metrics
              containerPort: {METRICS_PORT}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {service}-config
          readinessProbe:
            grpc:
              port: {port}
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            grpc:
              port: {port}
            initialDelaySeconds: 10
            periodSeconds: 10
            failureThreshold: 3
          lifecycle:
            preStop:
              sleep:
                seconds: {PRESTOP_SECONDS}
          resources:
            requests:
              cpu: {cpu}
              memory: {memory}
            limits:
              memory: {memory_limit}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: data
              mountPath: /var/lib/support/{service}
            - name: keys
              mountPath: /etc/support/keys
              readOnly: true
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: {service}-data
        - name: keys
          secret:
            secretName: {service}-keys
            defaultMode: 0400
        - name: tmp
          emptyDir: {{}}
"""
    files["service.yaml"] = f"""apiVersion: v1
kind: Service
metadata:
  name: {service}
  labels:
    {labels}
spec:
  selector:
    app.kubernetes.io/name: {service}
  ports:
    - name: grpc
      port: {port}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
"""
    files["pdb.yaml"] = f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {service}
  labels:
    {labels}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {service}
"""
    ingress_from = "".join(f"""        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {caller}
""" for caller in CALLERS[service])
    egress_to = "".join(f"""    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {peer}
      ports:
        - port: {SERVICES[peer][0]}
          protocol: TCP
""" for peer in calls)
    files["networkpolicy.yaml"] = f"""# Only the calls the design needs: the platform and the peers that call {service} may reach
# it; it may reach only {", ".join(calls) if calls else "nothing but DNS"}.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {service}
  labels:
    {labels}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {service}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              support.example.com/caller: platform
{ingress_from}      ports:
        - port: {port}
          protocol: TCP
    - from:
        - namespaceSelector:
            matchLabels:
              support.example.com/monitoring: "true"
      ports:
        - port: {METRICS_PORT}
          protocol: TCP
  egress:
    - to:
        - namespaceSelector: {{}}
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
{egress_to}"""
    files["kustomization.yaml"] = f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - configmap.yaml
  - secret.yaml
  - pvc.yaml
  - deployment.yaml
  - service.yaml
  - pdb.yaml
  - networkpolicy.yaml
"""
    for name, text in files.items():
        write(f"kubernetes/{service}/{name}", text)


def systemd(service):
    port, calls, _, _, memory_limit = SERVICES[service]
    peer_flags = " ".join(f"--peer {peer}=127.0.0.1:{SERVICES[peer][0]}" for peer in calls)
    write(f"systemd/support-{service}.service", f"""# The {service} service on a plain machine: `systemctl enable --now support-{service}`.
# Binary in /usr/local/bin, data in /var/lib/support/{service}, keys in /etc/support/keys.
[Unit]
Description=Support platform: {service}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=support
Group=support
Environment=SUPPORT_HOST=0.0.0.0
Environment=SUPPORT_PORT={port}
Environment=SUPPORT_DATA_DIR=/var/lib/support/{service}
Environment=SUPPORT_TOKEN_PUBLIC_KEY=/etc/support/keys/token-public.pem
Environment=SUPPORT_TOKEN_SIGNING_KEY=/etc/support/keys/token-signing.pem
Environment=SUPPORT_GRACE_PERIOD={GRACE_SECONDS}
Environment=SUPPORT_METRICS_PORT={METRICS_PORT + list(SERVICES).index(service)}
ExecStart=/usr/local/bin/{service}{" " + peer_flags if peer_flags else ""}
KillSignal=SIGTERM
TimeoutStopSec={TERMINATION_SECONDS}
Restart=on-failure
RestartSec=2
StateDirectory=support/{service}
MemoryMax={memory_limit.replace("Mi", "M").replace("Gi", "G")}
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
""")


def main():
    for service in SERVICES:
        kubernetes(service)
        systemd(service)
    write("kubernetes/namespace.yaml", f"""apiVersion: v1
kind: Namespace
metadata:
  name: {NAMESPACE}
""")
    write("kubernetes/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
          f"namespace: {NAMESPACE}\nresources:\n  - namespace.yaml\n" + "".join(f"  - {s}\n" for s in SERVICES))


if __name__ == "__main__":
    main()
