#!/usr/bin/env python3
"""tests/hostile.py: a hostile HTTP server (or proxy) for the fault matrix.

    python3 hostile.py MODE [--log FILE] [--token T] [--listen HOST]

Listens on HOST (default 127.0.0.1) port 0, prints its URL on the first
line of stdout and serves MODE until killed. Every byte received is
appended to --log (default: none). Python standard library only; only
loopback addresses are accepted.

Modes (the item of issue #15 each one reproduces):
  proxy          a proxy that must receive nothing: logs, answers 502
  echo           echoes the Authorization header back in every answer:
                 the status pre-check body (with escape sequences), a
                 500 on the stream, a 400 on the heartbeat
  bigid          a stream whose first events carry a 1 MB and a 3 MiB
                 SSE id, then 30 events with small ids, one every 0.1 s,
                 then the end of the stream (and the same again)
  status-hang    the status pre-check never answers; the stream works
  interim        answers "100 Continue" every 0.5 s, never a final status
  header-trickle a 200 status line, then one header line every 0.5 s
  byte-trickle   a good stream start, then one byte every 0.3 s that
                 never completes a line
  registry-bomb  a good stream; the agent registry answers 10.5 MB of
                 "[{},{},...]" (3.5 million empty records) followed by
                 40 agents whose names are 100 kB long (14.5 MB in all)
  registry-many  a good stream; the registry lists 4 096 agents whose
                 names are 1 000 characters long
  cut-headers    the stream's headers cut off in the middle, then EOF
  huge-header    a stream answer with a 1 MiB header line
  stream         a good stream: a message every 0.1 s (for a control)
"""

import argparse
import socket
import socketserver
import sys
import threading
import time

ARGS = None
REGISTRY_BOMB = b""
REGISTRY_MANY = b""
LOG_LOCK = threading.Lock()

SSE_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Cache-Control: no-cache\r\nConnection: close\r\n\r\n")
CONNECTED = (b'event: connected\ndata: {"client_id": "hostile-1", '
             b'"status": "connected"}\n\n')


def log_bytes(data):
    if ARGS.log is None or not data:
        return
    with LOG_LOCK:
        with open(ARGS.log, "ab") as f:
            f.write(data)


def message(n):
    return ('event: sse_test\nid: %d\ndata: {"msg_type": "sse_test", '
            '"n": %d, "run_id": "r1"}\n\n' % (n, n)).encode()


def answer(code, reason, body, ctype=b"application/json"):
    return (b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % (code, reason, ctype, len(body))
            + body)


class Handler(socketserver.BaseRequestHandler):
    def read_request(self):
        """The request head (and any body) as bytes; '' on EOF."""
        self.request.settimeout(10)
        buf = b""
        while b"\r\n\r\n" not in buf:
            try:
                chunk = self.request.recv(65536)
            except OSError:
                return buf
            if not chunk:
                return buf
            log_bytes(chunk)
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip() or 0)
        while len(rest) < length:
            chunk = self.request.recv(65536)
            if not chunk:
                break
            log_bytes(chunk)
            rest += chunk
        return head

    def header(self, head, want):
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == want:
                return value.strip()
        return b""

    def send(self, data):
        self.request.sendall(data)

    def trickle(self, first, unit, every):
        self.send(first)
        while True:
            time.sleep(every)
            self.send(unit)

    def stream(self, n=0, head=True, count=None):
        if head:
            self.send(SSE_HEAD + CONNECTED)
        while count is None or n < count:
            n += 1
            self.send(message(n))
            time.sleep(0.1)

    def handle(self):
        try:
            self.serve()
        except OSError:
            pass

    def serve(self):
        mode = ARGS.mode
        head = self.read_request()
        if not head:
            return
        path = head.split(b" ")[1] if head.count(b" ") >= 2 else b"/"
        status = path.startswith(b"/api/messages/stream/status")
        if mode == "proxy":
            self.send(answer(502, b"Bad Gateway", b'{"detail": "proxy"}'))
            return
        if mode == "echo":
            auth = self.header(head, b"authorization")
            if status:
                self.send(answer(200, b"OK", b'{"connected_clients": 0, '
                                 b'"x": "\x1b]0;PWNT\x07\x1b]52;c;UFdORUQ='
                                 b'\x07\x1b[2J\x9b5m", "echo": "' + auth +
                                 b'"}'))
            elif path.startswith(b"/api/messages/stream"):
                self.send(answer(500, b"Internal Server Error",
                                 b'{"detail": "upstream rejected '
                                 b'Authorization: ' + auth + b'"}'))
            elif path.startswith(b"/api/systemagents/heartbeat"):
                self.send(answer(400, b"Bad Request",
                                 b'{"detail": "bad agent from ' + auth +
                                 b'"}'))
            else:
                self.send(answer(404, b"Not Found",
                                 b"no such page for " + auth,
                                 b"text/plain"))
            return
        if status and mode in ("status-hang",):
            time.sleep(3600)
            return
        if status:
            self.send(answer(200, b"OK", b'{"connected_clients": 0}'))
            return
        if (mode == "registry-many" and
                path.startswith(b"/api/systemagents/") and
                not path.startswith(b"/api/systemagents/heartbeat")):
            self.send(answer(200, b"OK", REGISTRY_MANY))
            return
        if (mode == "registry-bomb" and
                path.startswith(b"/api/systemagents/") and
                not path.startswith(b"/api/systemagents/heartbeat")):
            self.send(answer(200, b"OK", REGISTRY_BOMB))
            return
        if not path.startswith(b"/api/messages/stream"):
            self.send(answer(201, b"Created", b"{}"))
            return
        if mode == "bigid":
            self.send(SSE_HEAD + CONNECTED)
            for size in (1000000, 3 << 20):
                self.send(b"id: " + b"I" * size + b"\nevent: sse_test\n"
                          b'data: {"msg_type": "big-id"}\n\n')
            self.stream(0, False, 30)
        elif mode == "cut-headers":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/ev")
        elif mode == "huge-header":
            self.send(b"HTTP/1.1 200 OK\r\nX-Big: " + b"b" * (1 << 20) +
                      b"\r\nContent-Type: text/event-stream\r\n\r\n")
            time.sleep(5)
        elif mode == "interim":
            self.trickle(b"", b"HTTP/1.1 100 Continue\r\n\r\n", 0.5)
        elif mode == "header-trickle":
            self.trickle(b"HTTP/1.1 200 OK\r\n", b"X-Slow: a\r\n", 0.5)
        elif mode == "byte-trickle":
            self.trickle(SSE_HEAD + CONNECTED + b":", b"x", 0.3)
        else:
            self.stream(0)


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def registry_bomb():
    longname = b"n" * 100000
    agents = b",".join(b'{"instance_name": "a%d-' % i + longname +
                       b'", "status": "OK"}' for i in range(40))
    return b"[" + b"{}," * 3500000 + agents + b"]"


def main():
    global ARGS, REGISTRY_BOMB, REGISTRY_MANY
    p = argparse.ArgumentParser()
    p.add_argument("mode")
    p.add_argument("--log")
    p.add_argument("--listen", default="127.0.0.1")
    ARGS = p.parse_args()
    REGISTRY_BOMB = registry_bomb() if ARGS.mode == "registry-bomb" else b""
    if ARGS.mode == "registry-many":
        REGISTRY_MANY = b"[" + b",".join(
            b'{"instance_name": "agent-%04d-' % i + b"x" * 990 +
            b'", "status": "OK", "operational_state": "READY"}'
            for i in range(4096)) + b"]"
    if not ARGS.listen.startswith("127.") and ARGS.listen != "::1":
        sys.exit("hostile.py: loopback only")
    srv = Server((ARGS.listen, 0), Handler)
    sys.stdout.write("http://%s:%d\n" % srv.server_address[:2])
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
