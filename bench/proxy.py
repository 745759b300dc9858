"""A counting, latency-adding HTTP reverse proxy in front of the emulator's S3 endpoint.

Every request is classified as an S3 operation from its method, path (path-style addressing:
``/bucket`` or ``/bucket/key``), query string and the ``x-amz-copy-source`` header, counted, held
for a latency (fixed, or per operation with a latency profile), and forwarded to the upstream
(moto) over a per-thread keep-alive connection.

Bodies are streamed both ways: a request body with Content-Length is forwarded with it; a chunked
request body (Transfer-Encoding: chunked, as some uploaders send) is de-chunked and forwarded with
the decoded length; a response body is forwarded with its Content-Length, or re-chunked when the
upstream sent none; HEAD, 204 and 304 responses carry no body.

    proxy = CountingProxy("http://127.0.0.1:5000", latency_ms=20).start()
    proxy.set_profile("aws")   # per operation instead: LIST 150 ms, HEAD 20 ms, COPY 75 ms, ...
    ... point S3 clients at proxy.url ...
    print(proxy.counts()); proxy.reset()
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from bench.s3_operations import LATENCY_PROFILES, classify  # noqa: E402

# Hop-by-hop headers (RFC 9110 7.6.1) are never forwarded.
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
_STREAM_CHUNK = 64 * 1024

CONTROL_PREFIX = "/__bench__/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    # One method serves every verb.
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._proxy()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_OPTIONS = do_PATCH = do_GET  # noqa: N815

    def _read_request_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # Trailers until the blank line.
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)  # CRLF after the chunk
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else None

    def _proxy(self) -> None:
        proxy = self.server.owner
        split = urlsplit(self.path)
        if split.path.startswith(CONTROL_PREFIX):
            self._control(
                proxy, split.path[len(CONTROL_PREFIX) :], parse_qs(split.query, keep_blank_values=True)
            )
            return
        headers = {k: v for k, v in self.headers.items()}
        operation = classify(self.command, split.path, split.query, headers)
        proxy._count(operation)
        body = self._read_request_body()
        delay = proxy.latency_for(operation)
        if delay:
            time.sleep(delay)
        forward = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            forward = [(k, v) for k, v in forward if k.lower() != "content-length"]
            forward.append(("Content-Length", str(len(body or b""))))
        response = proxy._forward(self.command, self.path, forward, body)
        try:
            self._relay(response)
        finally:
            response.close()

    def _control(self, proxy: CountingProxy, action: str, params: dict[str, list[str]]) -> None:
        # Bucket names cannot contain "_", so these paths never shadow an S3 request.
        self._read_request_body()
        if action == "counts":
            body = proxy.counts()
        elif action == "reset":
            body = proxy.reset()
        elif action == "config":
            if "upstream" in params:
                proxy.set_upstream(params["upstream"][0])
            if "latency_ms" in params:
                proxy.set_latency(float(params["latency_ms"][0]))
            if "profile" in params:
                try:
                    proxy.set_profile(params["profile"][0])
                except ValueError as error:
                    self.send_error(400, str(error))
                    return
            body = {"latency_ms": proxy.latency_s * 1000, "profile": proxy.profile}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _relay(self, response: http.client.HTTPResponse) -> None:
        self.send_response_only(response.status, response.reason)
        length = response.getheader("Content-Length")
        no_body = self.command == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200
        for name, value in response.getheaders():
            if name.lower() in _HOP_BY_HOP:
                continue
            self.send_header(name, value)
        chunked = not no_body and length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if no_body:
            response.read()
            return
        while True:
            block = response.read(_STREAM_CHUNK)
            if not block:
                break
            if chunked:
                self.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
            else:
                self.wfile.write(block)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    owner: CountingProxy


class CountingProxy:
    """The proxy; ``start()`` serves on 127.0.0.1 (free port) in a background thread."""

    def __init__(self, upstream: str, latency_ms: float = 0.0, port: int = 0) -> None:
        target = urlsplit(upstream)
        self._upstream_host = target.hostname or "127.0.0.1"
        self._upstream_port = target.port or 80
        self.latency_s = latency_ms / 1000.0
        self.profile = ""
        self._profile_s: dict[str, float] = {}
        self._port = port
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> CountingProxy:
        server = _Server(("127.0.0.1", self._port), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="s3-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> CountingProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "proxy not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- counters -------------------------------------------------------------

    def set_upstream(self, upstream: str) -> None:
        """Aim at another upstream (e.g. once the emulator, started after the proxy, has a port)."""
        target = urlsplit(upstream)
        self._upstream_host = target.hostname or "127.0.0.1"
        self._upstream_port = target.port or 80
        self._local = threading.local()

    def set_latency(self, latency_ms: float) -> None:
        self.latency_s = latency_ms / 1000.0

    def set_profile(self, name: str) -> None:
        """Per-operation latencies from LATENCY_PROFILES; "" goes back to the fixed latency."""
        if name and name not in LATENCY_PROFILES:
            raise ValueError(f"unknown latency profile {name!r} (known: {sorted(LATENCY_PROFILES)})")
        self.profile = name
        self._profile_s = {op: ms / 1000.0 for op, ms in LATENCY_PROFILES.get(name, {}).items()}

    def latency_for(self, operation: str) -> float:
        """Seconds to hold a request of this operation."""
        return self._profile_s.get(operation, self.latency_s)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {op: n for op, n in sorted(self._counts.items()) if n}

    def reset(self) -> dict[str, int]:
        """Zero the counters; returns what they held."""
        with self._lock:
            held = {op: n for op, n in sorted(self._counts.items()) if n}
            self._counts.clear()
            return held

    def _count(self, operation: str) -> None:
        with self._lock:
            self._counts[operation] += 1

    # -- upstream -------------------------------------------------------------

    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection(self._upstream_host, self._upstream_port, timeout=900)
            self._local.conn = conn
        return conn

    def _forward(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes | None
    ) -> http.client.HTTPResponse:
        for attempt in range(2):
            conn = self._connection(fresh=attempt > 0)
            try:
                conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                if (
                    body is None
                    and method in ("PUT", "POST")
                    and not any(n.lower() == "content-length" for n, _ in headers)
                ):
                    conn.putheader("Content-Length", "0")
                conn.endheaders(body)
                response = conn.getresponse()
                if response.will_close:
                    # Read lazily by the caller; the next request opens a new connection.
                    self._local.conn = None
                return response
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive upstream connection closed under us: retry once on a new one.
                if attempt:
                    raise
        raise AssertionError("unreachable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--latency-profile",
        choices=sorted(LATENCY_PROFILES),
        help="per-operation latencies (aws: LIST 150 ms, HEAD 20 ms, COPY 75 ms); others: --latency-ms",
    )
    args = parser.parse_args()
    proxy = CountingProxy(args.upstream, args.latency_ms, args.port).start()
    if args.latency_profile:
        proxy.set_profile(args.latency_profile)
    print(proxy.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        proxy.stop()


if __name__ == "__main__":
    main()
