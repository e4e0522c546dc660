"""A small round-robin TCP forwarder, the local stand-in for a Kubernetes Service in front of a
service's replicas (`make run DB=postgres`): it listens on one port and hands each new connection
to the next replica in turn, skipping a replica that refuses it, then copies bytes both ways until
either side closes. Like a Service (kube-proxy), it balances connections, not calls: gRPC keeps a
connection open, so one client's calls stay on one replica, and a new client (each `supportctl`
run, each channel) may land on the other."""

import errno
import socket
import threading
import time

# accept() errors that pass: out of descriptors or buffers, or a connection reset before it was
# taken. Any other error (the listener closed) ends the accept loop.
TRANSIENT_ACCEPT_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM, errno.ECONNABORTED}


class RoundRobinForwarder:
    """Listens on `host:port` (0: a free port, see `port`) and forwards to `backends` (ports on
    `host`), one connection at a time in turn. `accepted[i]` counts the connections handed to
    backend i. `close()` stops listening and closes every forwarded connection."""

    def __init__(self, port, backends=(), host="127.0.0.1"):
        self.host = host
        self.backends = list(backends)
        self.accepted = [0] * len(self.backends)
        self._next = 0
        self._lock = threading.Lock()
        self._sockets = set()
        self._closed = False
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))  # raises OSError when the port is taken
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name=f"forward-{self.port}", daemon=True)
        self._thread.start()

    def add_backend(self, port):
        """Adds a replica's port to the rotation."""
        with self._lock:
            self.backends.append(port)
            self.accepted.append(0)

    def close(self):
        """Stops accepting, closes every open connection, and waits for the accept loop to end."""
        with self._lock:
            self._closed = True
            sockets = list(self._sockets)
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        for connection in sockets:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        self._thread.join(timeout=5)

    def _accept_loop(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError as error:
                with self._lock:
                    if self._closed:
                        return
                if error.errno in TRANSIENT_ACCEPT_ERRORS:
                    # Out of descriptors (a burst of connections) or one reset before it was
                    # taken: wait for some to close and go on, instead of never accepting again.
                    time.sleep(0.05)
                    continue
                return
            upstream = self._connect()
            if upstream is None:
                client.close()  # no replica up: the client sees the connection close (UNAVAILABLE)
                continue
            with self._lock:
                if self._closed:
                    client.close()
                    upstream.close()
                    return
                self._sockets.update((client, upstream))
            pair = _Pair(client, upstream, self._forget)
            try:
                pair.start()
            except RuntimeError:  # no thread to be had: drop this connection, keep accepting
                self._forget(client)
                self._forget(upstream)
                client.close()
                upstream.close()

    def _connect(self):
        """A connection to the next backend that accepts one, or None when none does."""
        with self._lock:
            count = len(self.backends)
        for _ in range(count):
            with self._lock:
                index = self._next % len(self.backends)
                self._next += 1
                port = self.backends[index]
            try:
                upstream = socket.create_connection((self.host, port), timeout=2)
            except OSError:
                continue
            upstream.settimeout(None)
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.accepted[index] += 1
            return upstream
        return None

    def _forget(self, *connections):
        with self._lock:
            self._sockets.difference_update(connections)


class _Pair:
    """One forwarded connection: a thread per direction; when one side ends its writes, the other
    side's writes end too, and both sockets close once both directions are done."""

    def __init__(self, client, upstream, forget):
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client, self.upstream, self.forget = client, upstream, forget
        self.remaining = 2
        self.lock = threading.Lock()

    def start(self):
        for source, target in ((self.client, self.upstream), (self.upstream, self.client)):
            threading.Thread(target=self._copy, args=(source, target), daemon=True).start()

    def _copy(self, source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        with self.lock:
            self.remaining -= 1
            done = self.remaining == 0
        if done:
            self.client.close()
            self.upstream.close()
            self.forget(self.client, self.upstream)
