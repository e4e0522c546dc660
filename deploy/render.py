"""Writes deploy/: a Kubernetes kustomization per service and one for the suite, and a systemd
unit per service, from the one table below (ports, peers, resources). Run it after changing the
table; `make test` fails if the committed files differ from what it writes.

    python3 deploy/render.py [output directory, default deploy/]
"""

import json
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
JWKS_CONFIGMAP = "token-keys"    # the key set every service trusts (public keys only)
JWKS_MOUNT = "/etc/support/token-keys"
# Each service's key may sign only its own service tokens; the identity provider's signs the rest.
IDENTITY_PROVIDER_ROLES = ["customer", "agent", "auditor", "service"]
OPEN_FILES = 4096           # LimitNOFILE and --max-open-files: one descriptor per connection
MAX_CONNECTIONS = 1024      # --max-connections: well below OPEN_FILES

# name: (port, peers it calls, cpu request, memory request, memory limit)
SERVICES = {
    "orders": (50051, ["oversight"], "250m", "128Mi", "512Mi"),
    "returns": (50052, ["orders", "refunds", "oversight"], "250m", "128Mi", "512Mi"),
    "refunds": (50053, ["orders", "oversight"], "250m", "128Mi", "512Mi"),
    "inquiries": (50054, ["oversight"], "250m", "128Mi", "512Mi"),
    "oversight": (50055, ["inquiries"], "500m", "256Mi", "1Gi"),
}
# The oversight console: stateless (it owns no data and holds no key: every call carries the
# signed-in person's own token), so it runs two replicas behind the platform's TLS ingress.
CONSOLE_PORT = 8080
CONSOLE_PEERS = list(SERVICES)
CONSOLE_REPLICAS = 2
CONSOLE_MAX_CONNECTIONS = 512  # --max-connections: unfinished requests pin at most ~16 KiB each
CONSOLE_IDLE_SECONDS = 30       # --idle-timeout: an idle or unfinished browser connection is closed
# Who calls each service, besides the platform (storefront, agent desk, chat) in the namespace
# labelled support.example.com/caller=platform.
CALLERS = {name: [other for other, spec in SERVICES.items() if name in spec[1]] for name in SERVICES}

# The PostgreSQL variant (deploy/kubernetes-postgres): each service keeps its data in a database of
# its own on a PostgreSQL server the operators run (managed, replicated, backed up), so it runs as
# several replicas with no volume; the URL and the password come from the Secret <service>-database.
POSTGRES_REPLICAS = 3
POSTGRES_PORT = 5432
DATABASE_MOUNT_DIR = "/etc/support/database"     # the Secret's password, read by the service
SQLITE_ROLLOUT = """# One replica: the service's SQLite database lives on its own volume (ReadWriteOnce), so the
# rollout replaces the pod instead of running two writers."""
SQLITE_STRATEGY = """  replicas: 1
  strategy:
    type: Recreate"""
POSTGRES_ROLLOUT = f"""# {POSTGRES_REPLICAS} replicas on one PostgreSQL database (migrations under an advisory lock, so replicas
# starting at once apply each once). A rollout adds a new pod and waits for it to be ready (gRPC
# health SERVING: it reached its database) before it stops an old one, which leaves the Service's
# endpoints (preStop), then drains on SIGTERM: no call is refused during an update."""
POSTGRES_STRATEGY = f"""  replicas: {POSTGRES_REPLICAS}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1"""
DATABASE_CONFIG = f"""  SUPPORT_DATABASE_PASSWORD_FILE: "{DATABASE_MOUNT_DIR}/password"
"""
DATABASE_MOUNT = f"""            - name: database
              mountPath: {DATABASE_MOUNT_DIR}
              readOnly: true
"""
DATABASE_EGRESS = f"""    # PostgreSQL: narrow `to` to the database's address (an ipBlock for a managed server, or the
    # local server's podSelector) where the cluster's network plugin allows it.
    - ports:
        - port: {POSTGRES_PORT}
          protocol: TCP
"""


def database_env(service):
    """The database URL, from the service's database Secret (never in the ConfigMap)."""
    return f"""          env:
            - name: SUPPORT_DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {service}-database
                  key: url
"""


def database_volume(service):
    """Only the password file of the service's database Secret."""
    return f"""        - name: database
          secret:
            secretName: {service}-database
            defaultMode: 0400
            items:
              - key: password
                path: password
"""


def spread(service):
    """Replicas on different nodes (and zones) where the cluster has them."""
    return f"""      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: {service}
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: {service}
"""


def database_secret(service, labels):
    """The Secret with the service's database URL (no password in it) and the password."""
    return f"""# Where {service}'s PostgreSQL database is: a database of its own, reached as a role of its own
# (see deploy/README.md, "PostgreSQL"). The URL carries no password; the service reads the password
# from the file mounted from `password`. sslmode=require verifies the server's certificate against
# the image's CA store. For the local server (kubernetes-postgres/local-postgres, not for
# production) use postgres://support_{service}@postgres.{NAMESPACE}.svc.cluster.local:{POSTGRES_PORT}/{service}?sslmode=disable
# and its Secret's service password. Never commit real credentials.
apiVersion: v1
kind: Secret
metadata:
  name: {service}-database
  labels:
    {labels}
type: Opaque
stringData:
  url: "postgres://support_{service}@REPLACE-WITH-THE-DATABASE-HOST:{POSTGRES_PORT}/{service}?sslmode=require"
  password: "REPLACE WITH THE support_{service} ROLE'S PASSWORD"
"""


def write(path, text):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as handle:
        handle.write(text)


def peers(service):
    return ",".join(f"{peer}={peer}.{NAMESPACE}.svc.cluster.local:{SERVICES[peer][0]}" for peer in SERVICES[service][1])


def kubernetes(service, postgres=False):
    """The service's kustomization: in deploy/kubernetes (SQLite on its own volume, one replica) or,
    with `postgres`, in deploy/kubernetes-postgres (its database from a Secret, POSTGRES_REPLICAS
    replicas rolled one at a time, no volume)."""
    port, calls, cpu, memory, memory_limit = SERVICES[service]
    labels = f"app.kubernetes.io/name: {service}\n    app.kubernetes.io/part-of: support-platform"
    pod_labels = labels.replace(chr(10) + '    ', chr(10) + '        ')
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
{DATABASE_CONFIG if postgres else f'  SUPPORT_DATA_DIR: "/var/lib/support/{service}"{chr(10)}'}  SUPPORT_PEERS: "{peers(service)}"
  SUPPORT_TOKEN_KEYS: "{JWKS_MOUNT}/jwks.json"
  SUPPORT_TOKEN_SIGNING_KEY: "/etc/support/keys/token-signing.pem"
  SUPPORT_TOKEN_KEY_ID: "{service}-1"
  SUPPORT_TOKEN_ISSUER: "support-platform"
  SUPPORT_TOKEN_AUDIENCE: "support"
  SUPPORT_GRACE_PERIOD: "{GRACE_SECONDS}"
  SUPPORT_METRICS_PORT: "{METRICS_PORT}"
  SUPPORT_MAX_OPEN_FILES: "{OPEN_FILES}"
  SUPPORT_MAX_CONNECTIONS: "{MAX_CONNECTIONS}"
  SUPPORT_LOG_LEVEL: "info"
"""
    files["secret.yaml"] = f"""# {service}'s own private key, and nothing else: it signs only {service}'s service tokens
# (the key set allows its kid nothing more){" and Oversight's audit-log checkpoints" if service == "oversight" else ""}.
# Create it with `supportctl token keygen --out-dir DIR --name {service} --service`, put the public
# half in the shared key set ({JWKS_CONFIGMAP}); never commit real keys.
apiVersion: v1
kind: Secret
metadata:
  name: {service}-keys
  labels:
    {labels}
type: Opaque
stringData:
  token-signing.pem: "REPLACE WITH {service.upper()}'S OWN PEM PRIVATE KEY"
"""
    if postgres:
        files["database-secret.yaml"] = database_secret(service, labels)
    else:
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
    files["deployment.yaml"] = f"""{POSTGRES_ROLLOUT if postgres else SQLITE_ROLLOUT}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {service}
  labels:
    {labels}
spec:
{POSTGRES_STRATEGY if postgres else SQLITE_STRATEGY}
  selector:
    matchLabels:
      app.kubernetes.io/name: {service}
  template:
    metadata:
      labels:
        {pod_labels}
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
{database_env(service) if postgres else ""}          readinessProbe:
            grpc:
              port: {port}
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            {f"tcpSocket:{chr(10)}              port: {port}" if postgres else f"grpc:{chr(10)}              port: {port}"}
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
{DATABASE_MOUNT if postgres else f"            - name: data{chr(10)}              mountPath: /var/lib/support/{service}{chr(10)}"}            - name: keys
              mountPath: /etc/support/keys
              readOnly: true
            - name: token-keys
              mountPath: {JWKS_MOUNT}
              readOnly: true
            - name: tmp
              mountPath: /tmp
      volumes:
{database_volume(service) if postgres else f"        - name: data{chr(10)}          persistentVolumeClaim:{chr(10)}            claimName: {service}-data{chr(10)}"}        - name: keys
          secret:
            secretName: {service}-keys
            defaultMode: 0400
        - name: token-keys
          configMap:
            name: {JWKS_CONFIGMAP}
        - name: tmp
          emptyDir: {{}}
{spread(service) if postgres else ""}"""
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
""" for caller in CALLERS[service] + (["console"] if service in CONSOLE_PEERS else []))
    egress_to = "".join(f"""    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {peer}
      ports:
        - port: {SERVICES[peer][0]}
          protocol: TCP
""" for peer in calls)
    files["networkpolicy.yaml"] = f"""# Only the calls the design needs: the platform and the peers that call {service} may reach
# it; it may reach only {", ".join(calls) if calls else "nothing but DNS"}{" and PostgreSQL (port 5432)" if postgres else ""}.
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
{egress_to}{DATABASE_EGRESS if postgres else ""}"""
    files["kustomization.yaml"] = f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - configmap.yaml
  - secret.yaml
  - {"database-secret.yaml" if postgres else "pvc.yaml"}
  - deployment.yaml
  - service.yaml
  - pdb.yaml
  - networkpolicy.yaml
"""
    for name, text in files.items():
        write(f"{'kubernetes-postgres' if postgres else 'kubernetes'}/{service}/{name}", text)


def systemd(service):
    port, calls, _, _, memory_limit = SERVICES[service]
    peer_flags = " ".join(f"--peer {peer}=127.0.0.1:{SERVICES[peer][0]}" for peer in calls)
    write(f"systemd/support-{service}.service", f"""# The {service} service on a plain machine: `systemctl enable --now support-{service}`.
# Binary in /usr/local/bin, data in /var/lib/support/{service}, the key set and the keys in
# /etc/support/keys.
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
Environment=SUPPORT_TOKEN_KEYS=/etc/support/keys/jwks.json
# Only this service's own key is handed to it (root-owned /etc/support/keys/{service}.pem, 0600).
LoadCredential=token-signing.pem:/etc/support/keys/{service}.pem
Environment=SUPPORT_TOKEN_SIGNING_KEY=%d/token-signing.pem
Environment=SUPPORT_TOKEN_KEY_ID={service}-1
Environment=SUPPORT_GRACE_PERIOD={GRACE_SECONDS}
Environment=SUPPORT_METRICS_PORT={METRICS_PORT + list(SERVICES).index(service)}
Environment=SUPPORT_MAX_OPEN_FILES={OPEN_FILES}
Environment=SUPPORT_MAX_CONNECTIONS={MAX_CONNECTIONS}
ExecStart=/usr/local/bin/{service}{" " + peer_flags if peer_flags else ""}
KillSignal=SIGTERM
TimeoutStopSec={TERMINATION_SECONDS}
Restart=on-failure
RestartSec=2
StateDirectory=support/{service}
MemoryMax={memory_limit.replace("Mi", "M").replace("Gi", "G")}
LimitNOFILE={OPEN_FILES}
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
""")


def console_kubernetes():
    labels = "app.kubernetes.io/name: console\n    app.kubernetes.io/part-of: support-platform"
    peer_list = ",".join(f"{peer}={peer}.{NAMESPACE}.svc.cluster.local:{SERVICES[peer][0]}" for peer in CONSOLE_PEERS)
    files = {}
    files["configmap.yaml"] = f"""# The console signs nobody in itself: the platform's sign-in proxy in front of it passes the
# identity provider's token as `Authorization: Bearer` (or a person pastes one at /sign-in), and
# the console calls the services with that token. It holds no private key; it verifies tokens
# with the shared key set. Cookies are Secure: browsers reach it over TLS at the ingress.
apiVersion: v1
kind: ConfigMap
metadata:
  name: console-config
  labels:
    {labels}
data:
  SUPPORT_HOST: "0.0.0.0"
  SUPPORT_PORT: "{CONSOLE_PORT}"
  SUPPORT_PEERS: "{peer_list}"
  SUPPORT_TOKEN_KEYS: "{JWKS_MOUNT}/jwks.json"
  SUPPORT_TOKEN_ISSUER: "support-platform"
  SUPPORT_TOKEN_AUDIENCE: "support"
  SUPPORT_SECURE_COOKIES: "1"
"""
    files["deployment.yaml"] = f"""# Stateless: no volume, no key, so replicas roll one at a time.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: console
  labels:
    {labels}
spec:
  replicas: {CONSOLE_REPLICAS}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: console
  template:
    metadata:
      labels:
        {labels.replace(chr(10) + '    ', chr(10) + '        ')}
    spec:
      terminationGracePeriodSeconds: {TERMINATION_SECONDS}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: console
          image: {IMAGE.format(service="console")}
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: {CONSOLE_PORT}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: console-config
          readinessProbe:
            httpGet:
              path: /health
              port: {CONSOLE_PORT}
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            httpGet:
              path: /health
              port: {CONSOLE_PORT}
            initialDelaySeconds: 5
            periodSeconds: 10
            failureThreshold: 3
          lifecycle:
            preStop:
              sleep:
                seconds: {PRESTOP_SECONDS}
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: token-keys
              mountPath: {JWKS_MOUNT}
              readOnly: true
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: token-keys
          configMap:
            name: {JWKS_CONFIGMAP}
        - name: tmp
          emptyDir: {{}}
"""
    files["service.yaml"] = f"""apiVersion: v1
kind: Service
metadata:
  name: console
  labels:
    {labels}
spec:
  selector:
    app.kubernetes.io/name: console
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
"""
    files["pdb.yaml"] = f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: console
  labels:
    {labels}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: console
"""
    egress_to = "".join(f"""    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {peer}
      ports:
        - port: {SERVICES[peer][0]}
          protocol: TCP
""" for peer in CONSOLE_PEERS)
    files["networkpolicy.yaml"] = f"""# Browsers reach the console only through the TLS ingress (namespace labelled
# support.example.com/ingress=true); it reaches only the services it reads from.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: console
  labels:
    {labels}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: console
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              support.example.com/ingress: "true"
      ports:
        - port: {CONSOLE_PORT}
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
    files["kustomization.yaml"] = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - configmap.yaml
  - deployment.yaml
  - service.yaml
  - pdb.yaml
  - networkpolicy.yaml
"""
    for name, text in files.items():
        write(f"kubernetes/console/{name}", text)


def console_systemd():
    peer_flags = " ".join(f"--peer {peer}=127.0.0.1:{SERVICES[peer][0]}" for peer in CONSOLE_PEERS)
    write("systemd/support-console.service", f"""# The oversight console on a plain machine: `systemctl enable --now support-console`, behind a
# TLS reverse proxy that passes the identity provider's token as `Authorization: Bearer`. It owns
# no data and holds no private key: it verifies tokens with the key set in /etc/support/keys.
[Unit]
Description=Support platform: oversight console
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=support
Group=support
Environment=SUPPORT_HOST=127.0.0.1
Environment=SUPPORT_PORT={CONSOLE_PORT}
Environment=SUPPORT_TOKEN_KEYS=/etc/support/keys/jwks.json
Environment=SUPPORT_SECURE_COOKIES=1
Environment=SUPPORT_MAX_OPEN_FILES={OPEN_FILES}
Environment=SUPPORT_MAX_CONNECTIONS={CONSOLE_MAX_CONNECTIONS}
Environment=SUPPORT_IDLE_TIMEOUT={CONSOLE_IDLE_SECONDS}
ExecStart=/usr/local/bin/console {peer_flags}
KillSignal=SIGTERM
TimeoutStopSec={TERMINATION_SECONDS}
Restart=on-failure
RestartSec=2
MemoryMax=256M
LimitNOFILE={OPEN_FILES}
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
""")


LOCAL_POSTGRES_IMAGE = "postgres:15-bookworm"
LOCAL_POSTGRES_MAX_CONNECTIONS = 200   # 3 replicas x 5 services x 8 pooled connections, and room


def local_postgres_init():
    """The local server's first-start script: one role and one database per service, the role
    owning its database and nobody else connecting to it."""
    return f"""#!/bin/bash
# One login role and one database per service (support_<service> owns <service>), each reachable
# only by its owner; the services create their tables themselves (versioned migrations).
set -euo pipefail
for service in {" ".join(SERVICES)}; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \\
        -v role="support_$service" -v database="$service" -v password="$SERVICE_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
done
"""


def local_postgres():
    """deploy/kubernetes-postgres/local-postgres: one PostgreSQL 15 pod for a local cluster (kind,
    minikube), clearly not for production."""
    labels = "app.kubernetes.io/name: postgres\n    app.kubernetes.io/part-of: support-platform"
    warning = ("# LOCAL CLUSTERS ONLY, NOT FOR PRODUCTION: one PostgreSQL pod, no standby, no backups, no TLS,\n"
               "# passwords in this directory. In production use a managed PostgreSQL (deploy/README.md).\n")
    files = {}
    files["secret.yaml"] = warning + f"""apiVersion: v1
kind: Secret
metadata:
  name: postgres-local
  labels:
    {labels}
type: Opaque
stringData:
  superuser-password: "local-only-superuser"
  # The password of every support_<service> role (put it in each <service>-database Secret).
  service-password: "local-only-service"
"""
    init = local_postgres_init().replace(chr(10), chr(10) + "    ").rstrip(" ")
    files["init-configmap.yaml"] = warning + f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: postgres-local-init
  labels:
    {labels}
data:
  10-support-databases.sh: |
    {init}"""
    files["statefulset.yaml"] = warning + f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  labels:
    {labels}
spec:
  serviceName: postgres
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: postgres
  template:
    metadata:
      labels:
        {labels.replace(chr(10) + '    ', chr(10) + '        ')}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 999
        fsGroup: 999
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: postgres
          image: {LOCAL_POSTGRES_IMAGE}
          imagePullPolicy: IfNotPresent
          args: ["-c", "max_connections={LOCAL_POSTGRES_MAX_CONNECTIONS}"]
          ports:
            - name: postgres
              containerPort: {POSTGRES_PORT}
              protocol: TCP
          env:
            - name: POSTGRES_USER
              value: postgres
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: postgres-local
                  key: superuser-password
            - name: SERVICE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: postgres-local
                  key: service-password
          readinessProbe:
            exec:
              command: ["pg_isready", "--host", "127.0.0.1", "--username", "postgres"]
            periodSeconds: 5
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 1Gi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: init
              mountPath: /docker-entrypoint-initdb.d
              readOnly: true
            - name: run
              mountPath: /var/run/postgresql
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: init
          configMap:
            name: postgres-local-init
        - name: run
          emptyDir: {{}}
        - name: tmp
          emptyDir: {{}}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 10Gi
"""
    files["service.yaml"] = warning + f"""apiVersion: v1
kind: Service
metadata:
  name: postgres
  labels:
    {labels}
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: postgres
  ports:
    - name: postgres
      port: {POSTGRES_PORT}
      targetPort: postgres
      protocol: TCP
"""
    clients = "".join(f"""        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {service}
""" for service in SERVICES)
    files["networkpolicy.yaml"] = warning + f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: postgres
  labels:
    {labels}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: postgres
  policyTypes: ["Ingress"]
  ingress:
    - from:
{clients}      ports:
        - port: {POSTGRES_PORT}
          protocol: TCP
"""
    files["kustomization.yaml"] = warning + f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: {NAMESPACE}
resources:
  - secret.yaml
  - init-configmap.yaml
  - statefulset.yaml
  - service.yaml
  - networkpolicy.yaml
"""
    for name, text in files.items():
        write(f"kubernetes-postgres/local-postgres/{name}", text)


def postgres_kubernetes():
    """deploy/kubernetes-postgres: the services on PostgreSQL, the same namespace, key set and
    console as deploy/kubernetes, and local-postgres, a minimal server for local clusters."""
    for service in SERVICES:
        kubernetes(service, postgres=True)
    for shared in ("namespace.yaml", "token-keys.yaml"):  # kustomize reads files only below its root
        with open(os.path.join(OUT, "kubernetes", shared)) as handle:
            write(f"kubernetes-postgres/{shared}", handle.read())
    write("kubernetes-postgres/kustomization.yaml", "# The suite on PostgreSQL (deploy/README.md, \"PostgreSQL\"). The server is not in it: a managed\n"
          "# one, or for a local cluster local-postgres (`kubectl apply -k deploy/kubernetes-postgres/local-postgres`).\n"
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
          f"namespace: {NAMESPACE}\nresources:\n  - namespace.yaml\n  - token-keys.yaml\n"
          + "".join(f"  - {s}\n" for s in SERVICES) + "  - ../kubernetes/console\n")
    local_postgres()


def main():
    for service in SERVICES:
        kubernetes(service)
        systemd(service)
    console_kubernetes()
    console_systemd()
    write("kubernetes/namespace.yaml", f"""apiVersion: v1
kind: Namespace
metadata:
  name: {NAMESPACE}
""")
    write("kubernetes/token-keys.yaml", f"""# The key set every service verifies bearer tokens (and Oversight's checkpoints) with: the
# public keys only, each with its kid and what it may sign for. One entry per service key (only
# `service` tokens naming that service) and the identity provider's (customer, agent, auditor and
# outside callers' service tokens). To rotate a key: add the new entry, roll the signer onto the
# new key, and remove the old entry once its tokens have expired; the services re-read the
# mounted file when the kubelet updates it (SUPPORT_TOKEN_KEYS_RELOAD), no restart. Fill it from
# `supportctl token keygen` (data/keys/jwks.json shows the format).
apiVersion: v1
kind: ConfigMap
metadata:
  name: {JWKS_CONFIGMAP}
  labels:
    app.kubernetes.io/part-of: support-platform
data:
  jwks.json: |
    {{"keys": [
{"".join(f'      {{"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "{name}-1", "x": "REPLACE", "y": "REPLACE", "subjects": ["{name}"], "roles": ["service"]}},{chr(10)}' for name in SERVICES)}      {{"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "identity-provider-1", "x": "REPLACE", "y": "REPLACE", "roles": {json.dumps(IDENTITY_PROVIDER_ROLES)}}}
    ]}}
""")
    write("kubernetes/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
          f"namespace: {NAMESPACE}\nresources:\n  - namespace.yaml\n  - token-keys.yaml\n"
          + "".join(f"  - {s}\n" for s in SERVICES) + "  - console\n")
    postgres_kubernetes()


if __name__ == "__main__":
    main()
