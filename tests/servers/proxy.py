"""A loopback TCP proxy for fault tests: forwards 127.0.0.1:<port> to a target (e.g. Dovecot's TLS or plain
port) and, on request, cuts or stalls the connection after N bytes (no pytest import here).

It works below TLS, so it can cut inside a TLS handshake or record as easily as inside an IMAP response.

* ``cut_s2c=N``: after N bytes from the server to the client (counted per connection), the first N bytes are
  delivered and then both sockets are closed (the client sees EOF / a reset mid-response).
* ``cut_c2s=N``: the same for bytes from the client to the server (the server sees a truncated command).
* ``stall=True``: instead of closing, stop forwarding at the cut point and keep both sockets open (a server
  that stops answering; only the client's socket timeout ends it).
* ``drop_body=b"marker"`` (plain IMAP only): a FETCH response's ``BODY[] {n}`` literal whose bytes contain the
  marker is replaced by ``BODY[] NIL`` (a server that answers a FETCH without the body of an existing message).
* ``replace=(old, new)`` (plain protocols only): ``old`` is replaced by ``new`` in every server->client line
  outside literals, e.g. ``(b"STARTTLS", b"X-NOTLS")`` plays a man in the middle stripping STARTTLS.
* ``cut_connections``: how many connections (in accept order, from 1) the fault applies to; None = all.
  Later connections are forwarded untouched, so a "retry" goes through the same proxy.

Counters (``s2c_bytes``, ``c2s_bytes``: bytes forwarded over all connections; ``connections``; ``cuts``:
connections that were cut or stalled) let a test measure a clean run first and then place its cuts;
``c2s_data`` keeps every byte the clients sent since the last ``arm`` (to prove what went over the wire).

Usage::

    with CutProxy(target_port=dovecot.tls_port) as proxy:
        proxy.arm(cut_s2c=5000)           # the next connection is cut after 5000 server bytes
        ...connect to proxy.port...
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from types import TracebackType

_LITERAL = re.compile(rb"\{(\d+)\}\r\n$")
_BODY_LITERAL = re.compile(rb"BODY\[\] \{\d+\}\r\n$")

#: Bytes per recv() while forwarding (small enough that a cut point is hit precisely: chunks are split).
CHUNK = 16384


class CutProxy:
    """A threaded TCP forwarder on ``host``:``port`` (a free port, picked at ``start``) to ``target``.

    ``arm(...)`` sets the fault for the next connections; ``disarm()`` makes it a plain forwarder. Thread-safe
    counters; ``stop()`` closes the listener and every open connection (stalled ones included).
    """

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 0, *, listen_host: str = "127.0.0.1") -> None:
        """``target_host``/``target_port``: where accepted connections are forwarded to; ``listen_host``: the
        loopback address to listen on (e.g. "127.0.0.2", a name the server's certificate does not carry)."""
        self.host = listen_host
        self.target = (target_host, target_port)
        self.port = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._cut_s2c: int | None = None
        self._cut_c2s: int | None = None
        self._stall = False
        self._drop_body: bytes | None = None
        self._replace: tuple[bytes, bytes] | None = None
        self._cut_left: int | None = None
        self.s2c_bytes = 0
        self.c2s_bytes = 0
        self.connections = 0
        self.cuts = 0
        self.c2s_data = bytearray()

    # --- configuration ----------------------------------------------------------------------------------
    def arm(self, *, cut_s2c: int | None = None, cut_c2s: int | None = None, stall: bool = False,
            drop_body: bytes | None = None, replace: tuple[bytes, bytes] | None = None,
            cut_connections: int | None = 1) -> None:
        """Apply a fault to the next ``cut_connections`` connections (None: to all): cut (or, with ``stall``,
        freeze) after ``cut_s2c`` server->client bytes and/or ``cut_c2s`` client->server bytes of that
        connection; ``drop_body``: blank the FETCH body holding these bytes (plain IMAP); ``replace``:
        (old, new) in server lines. Resets the byte and cut counters (``cuts`` also counts dropped bodies
        and lines rewritten)."""
        with self._lock:
            self._cut_s2c, self._cut_c2s, self._stall = cut_s2c, cut_c2s, stall
            self._drop_body = drop_body
            self._replace = replace
            self._cut_left = cut_connections
            self.s2c_bytes = self.c2s_bytes = 0
            self.cuts = 0
            self.c2s_data = bytearray()

    def disarm(self) -> None:
        """Forward everything untouched from now on (connections already cut stay cut). Resets counters."""
        self.arm(cut_connections=0)

    # --- life cycle -------------------------------------------------------------------------------------
    def start(self) -> CutProxy:
        """Bind a free port on 127.0.0.1, start accepting; returns self."""
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((self.host, 0))
        ls.listen(64)
        ls.settimeout(0.2)
        self._listener = ls
        self.port = int(ls.getsockname()[1])
        t = threading.Thread(target=self._accept_loop, name=f"cutproxy-{self.port}", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self) -> None:
        """Stop accepting and close every connection; joins the threads (a second or less)."""
        self._stopping.set()
        with self._lock:
            socks = list(self._open)
        for s in socks:
            _close(s)
        if self._listener is not None:
            _close(self._listener)
        for t in self._threads:
            t.join(timeout=2)

    def __enter__(self) -> CutProxy:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # --- forwarding -------------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self.connections += 1
                faulty = self._cut_left is None or self._cut_left > 0
                if self._cut_left is not None and self._cut_left > 0:
                    self._cut_left -= 1
                limits = ((self._cut_s2c, self._cut_c2s, self._stall, self._drop_body, self._replace) if faulty
                          else (None, None, False, None, None))
                self._open.update((client, upstream))
            conn = _Conn(self, client, upstream, *limits)
            for src, dst, name in ((upstream, client, "s2c"), (client, upstream, "c2s")):
                t = threading.Thread(target=conn.pump, args=(src, dst, name), daemon=True,
                                     name=f"cutproxy-{self.port}-{name}")
                t.start()
                self._threads.append(t)

    def _count(self, name: str, data: bytes) -> None:
        with self._lock:
            if name == "s2c":
                self.s2c_bytes += len(data)
            else:
                self.c2s_bytes += len(data)
                self.c2s_data += data

    def _forget(self, *socks: socket.socket) -> None:
        with self._lock:
            for s in socks:
                self._open.discard(s)


class _Conn:
    """One proxied connection: two pumps sharing the cut state."""

    def __init__(self, proxy: CutProxy, client: socket.socket, upstream: socket.socket,
                 cut_s2c: int | None, cut_c2s: int | None, stall: bool, drop_body: bytes | None,
                 replace: tuple[bytes, bytes] | None) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.limit = {"s2c": cut_s2c, "c2s": cut_c2s}
        self.seen = {"s2c": 0, "c2s": 0}
        self.stall = stall
        self.drop_body = drop_body
        self.replace = replace
        self._pending = b""
        self.tripped = threading.Event()
        self._lock = threading.Lock()

    def pump(self, src: socket.socket, dst: socket.socket, name: str) -> None:
        """Copy ``src`` to ``dst`` until EOF, an error or the cut point (``name`` is "s2c" or "c2s")."""
        eof = False
        while True:
            try:
                data = src.recv(CHUNK)
            except OSError:
                break
            if not data:
                eof = True
                break
            if self.tripped.is_set():
                if self.stall:
                    continue  # a stalled connection swallows whatever the other side still sends
                break
            limit = self.limit[name]
            if limit is not None and self.seen[name] + len(data) >= limit:
                keep = max(0, limit - self.seen[name])
                if keep:
                    with contextlib.suppress(OSError):
                        dst.sendall(data[:keep])
                self.seen[name] += keep
                self.proxy._count(name, data[:keep])
                self._trip()
                if self.stall:
                    continue
                return
            if name == "s2c" and (self.drop_body is not None or self.replace is not None):
                data = self._rewrite(data)
            try:
                dst.sendall(data)
            except OSError:
                break
            self.seen[name] += len(data)
            self.proxy._count(name, data)
        if self.tripped.is_set() and not (self.stall and eof and src is self.client):
            if not self.stall:
                self._close_both()
            return
        if eof and not self.tripped.is_set():
            # a normal half-close: pass it on; the server's EOF ends the connection
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)
            if name == "c2s":
                return
        self._close_both()

    def _rewrite(self, data: bytes) -> bytes:
        """Pass complete lines (with their IMAP literals) on, replacing a matching body literal by NIL and
        applying ``replace`` to the lines; an incomplete tail waits for the next chunk."""
        buf = self._pending + data
        out: list[bytes] = []
        pos = 0
        while True:
            end = buf.find(b"\r\n", pos)
            if end < 0:
                break
            line = buf[pos:end + 2]
            if self.replace is not None and self.replace[0] in line:
                line = line.replace(*self.replace)
                with self.proxy._lock:
                    self.proxy.cuts += 1
            m = _LITERAL.search(line)
            if m is None:
                out.append(line)
                pos = end + 2
                continue
            size = int(m.group(1))
            if end + 2 + size > len(buf):
                break  # the literal is not complete yet
            literal = buf[end + 2:end + 2 + size]
            if self.drop_body is not None and _BODY_LITERAL.search(line) and self.drop_body in literal:
                out.append(line[:m.start()] + b"NIL")
                with self.proxy._lock:
                    self.proxy.cuts += 1
            else:
                out.append(line + literal)
            pos = end + 2 + size
        self._pending = buf[pos:]
        return b"".join(out)

    def _trip(self) -> None:
        with self._lock:
            if self.tripped.is_set():
                return
            self.tripped.set()
            with self.proxy._lock:
                self.proxy.cuts += 1
        if self.stall:
            return  # keep both sockets open and silent until the client gives up or the proxy stops
        self._close_both()

    def _close_both(self) -> None:
        for s in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            _close(s)
        self.proxy._forget(self.client, self.upstream)


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.close()
