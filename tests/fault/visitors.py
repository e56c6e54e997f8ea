#!/usr/bin/env python3
"""Simulated visitors for the fault suite: each thread behaves like the
browser SDK (start, batches with seq every half second, end), retries a
request that got a 5xx or no answer with the SDK's backoff, and records every
event it sent and every event the server acknowledged with 200.

Runs until SIGTERM or SIGINT, then lets every visitor end its visit, and
writes one JSON file that verify.py reads back:

  {"sessions": [{"client_id", "parts": [server ids], "sent": [timestamps],
                 "acked": [timestamps], "ended": bool}], "requests": {...}}

Every event of a visit has its own timestamp (strictly increasing), so a
timestamp names one event when the stored events are read back.

Usage: visitors.py URL INGEST_KEY VISITORS OUT_JSON
"""

import http.client
import json
import random
import signal
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

BATCH_INTERVAL_S = 0.5
BATCHES_PER_VISIT = 12
EVENTS_PER_BATCH = 10
# The SDK's retry policy (bindings/browser/src/transport.ts), on a shorter
# base so a fault of a few seconds is ridden out within the suite's time.
RETRY_BASE_S = 0.25
RETRY_MAX_S = 4.0
RETRY_ATTEMPTS = 12
TIMEOUT_S = 15

stopping = threading.Event()


def backoff(attempt):
    """The SDK's "equal jitter" backoff: half fixed, half random."""
    delay = min(RETRY_MAX_S, RETRY_BASE_S * 2 ** attempt)
    return delay / 2 + random.random() * delay / 2


class Client:
    """One keep-alive connection, reopened after any failure, like a browser's."""

    def __init__(self, url, key, counts, lock):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.key = key
        self.conn = None
        self.counts, self.lock = counts, lock

    def _count(self, what):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def post_once(self, path, body):
        """(status, parsed answer); status 0 when no answer came."""
        data = json.dumps(body, separators=(",", ":")).encode()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
            self.conn.request("POST", path, data, {"Content-Type": "application/json",
                                                   "X-API-Key": self.key})
            res = self.conn.getresponse()
            text = res.read()
            status = res.status
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            self._count("network_error")
            return 0, None
        self._count(str(status))
        if res.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        try:
            answer = json.loads(text) if text else None
        except ValueError:
            answer = None
        return status, answer

    def post(self, path, body):
        """Sends until a 2xx, a 4xx that retrying cannot heal, or the
        attempts run out; (status, answer) of the last try."""
        for attempt in range(RETRY_ATTEMPTS):
            status, answer = self.post_once(path, body)
            retryable = status == 0 or status >= 500 or status in (408, 429)
            if not retryable:
                return status, answer
            if attempt + 1 < RETRY_ATTEMPTS:
                time.sleep(backoff(attempt))
        return status, answer


class Visit:
    def __init__(self, visitor):
        self.client_id = str(uuid.uuid4())
        self.visitor = visitor
        self.last_ts = 0
        self.parts = []
        self.sent = []
        self.acked = []
        self.ended = False

    def stamp(self):
        self.last_ts = max(self.last_ts + 1, int(time.time() * 1000))
        return self.last_ts

    def first_events(self):
        ts = self.stamp()
        snapshot = {"node": {"type": 0, "id": 1, "childNodes": [
            {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2},
            {"type": 2, "tagName": "html", "attributes": {}, "id": 3, "childNodes": [
                {"type": 2, "tagName": "head", "attributes": {}, "id": 4, "childNodes": []},
                {"type": 2, "tagName": "body", "attributes": {}, "id": 5, "childNodes": [
                    {"type": 3, "textContent": f"visitor {self.visitor}", "id": 6}]}]}]},
            "initialOffset": {"left": 0, "top": 0}}
        return [{"type": 4, "data": {"href": "https://shop.example/", "width": 1280,
                                     "height": 720}, "timestamp": ts},
                {"type": 2, "data": snapshot, "timestamp": self.stamp()}]

    def batch(self, n):
        events = self.first_events() if n == 0 else []
        while len(events) < EVENTS_PER_BATCH:
            i = len(events)
            if i == EVENTS_PER_BATCH - 1:
                data = {"source": 0, "texts": [{"id": 6, "value": f"batch {n}"}],
                        "attributes": [], "removes": [], "adds": []}
            else:
                data = {"source": 1, "positions": [
                    {"x": 40 * i, "y": 30 * n % 700, "id": 5, "timeOffset": 0}]}
            events.append({"type": 3, "data": data, "timestamp": self.stamp()})
        return events

    def add_part(self, answer):
        """Keeps the server's id of the part that took a request."""
        part = (answer or {}).get("session_id")
        if part and part not in self.parts:
            self.parts.append(part)

    def record(self):
        return {"client_id": self.client_id, "parts": self.parts, "sent": self.sent,
                "acked": self.acked, "ended": self.ended}


def visitor(number, url, key, visits, counts, lock):
    client = Client(url, key, counts, lock)
    while not stopping.is_set():
        visit = Visit(number)
        with lock:
            visits.append(visit)
        status, answer = client.post("/api/sessions/start", {
            "sessionId": visit.client_id,
            "metadata": {"url": "https://shop.example/", "userAgent": "fault-suite",
                         "screen": {"width": 1280, "height": 720},
                         "viewport": {"width": 1280, "height": 720},
                         "timestamp": int(time.time() * 1000)}})
        if status == 200:
            visit.add_part(answer)
        for n in range(BATCHES_PER_VISIT):
            events = visit.batch(n)
            stamps = [e["timestamp"] for e in events]
            visit.sent.extend(stamps)
            status, answer = client.post("/api/ingest", {
                "sessionId": visit.client_id, "seq": n, "events": events,
                "timestamp": int(time.time() * 1000)})
            if status == 200:
                visit.acked.extend(stamps)
                visit.add_part(answer)
            if stopping.is_set():
                break
            time.sleep(BATCH_INTERVAL_S)
        status, _ = client.post("/api/sessions/end", {
            "sessionId": visit.client_id, "reason": "pagehide",
            "timestamp": int(time.time() * 1000)})
        visit.ended = status == 200


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    url, key, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    visits, counts, lock = [], {}, threading.Lock()
    threads = [threading.Thread(target=visitor, args=(i, url, key, visits, counts, lock))
               for i in range(count)]
    for t in threads:
        t.start()
        time.sleep(BATCH_INTERVAL_S / count)  # spread the visitors over the interval
    while not stopping.is_set():
        stopping.wait(0.5)
    for t in threads:
        t.join()
    with open(out, "w") as f:
        json.dump({"sessions": [v.record() for v in visits], "requests": counts}, f)


if __name__ == "__main__":
    main()
