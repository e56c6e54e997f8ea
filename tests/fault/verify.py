#!/usr/bin/env python3
"""Reads back what the simulated visitors of one fault phase sent (through
the admin API, with a read key) and prints one row of figures:

  fault | visits | events sent | acknowledged | stored | lost | duplicated |
  ready | failed | stuck | 5xx answers | no answer

An event acknowledged with 200 must be stored exactly once; every part of
every visit must end `ready` or `failed` with a reason, and its analysis
`completed` or `failed`, within DEADLINE seconds. With WATCH (a file of
session ids, one a line: those a killed worker was rendering), their
outcome is printed too. Exits 1 when anything was lost, duplicated or stuck.

Usage: verify.py URL READ_KEY VISITS_JSON FAULT DEADLINE [WATCH]
"""

import collections
import json
import sys
import time
import urllib.error
import urllib.request

FINAL = {"ready", "failed", "discarded"}
ANALYSIS_FINAL = {"completed", "failed"}


class Api:
    def __init__(self, url, key):
        self.url, self.key = url.rstrip("/"), key

    def get(self, path):
        """The parsed JSON answer, or None when the request failed."""
        req = urllib.request.Request(self.url + path,
                                     headers={"Authorization": "Bearer " + self.key})
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return json.load(res)
        except (OSError, ValueError, urllib.error.HTTPError):
            return None


def settle(api, parts, deadline):
    """Polls every part until it and its analysis are final or the deadline
    passes; follows `next` links to parts the visitors never saw. Returns
    {id: (session json, analysis status)}."""
    state = {}
    pending = list(parts)
    while True:
        still = []
        for sid in pending:
            s = api.get(f"/api/sessions/{sid}")
            if s is None:
                still.append(sid)
                continue
            nxt = (s.get("next") or {}).get("id")
            if nxt and nxt not in state and nxt not in pending and nxt not in still:
                still.append(nxt)
            analysis = "none"
            if s["status"] in ("ready", "failed"):
                a = api.get(f"/api/sessions/{sid}/analysis")
                analysis = a["status"] if a else "unreadable"
            state[sid] = (s, analysis)
            done = s["status"] == "discarded" or (
                s["status"] in FINAL and analysis in ANALYSIS_FINAL)
            if not done:
                still.append(sid)
        pending = still
        if not pending or time.time() > deadline:
            return state
        time.sleep(1)


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    url, key, visits_path, fault, wait = sys.argv[1:6]
    watch = []
    if len(sys.argv) == 7:
        with open(sys.argv[6]) as f:
            watch = [line.strip() for line in f if line.strip()]
    with open(visits_path) as f:
        run = json.load(f)
    visits = run["sessions"]
    api = Api(url, key)
    parts = [p for v in visits for p in v["parts"]]
    state = settle(api, parts + [w for w in watch if w not in parts],
                   time.time() + float(wait))

    sent = acked = stored = lost = duplicated = unverified = 0
    reasons = collections.Counter()
    stuck = []
    final = collections.Counter()
    for v in visits:
        sent += len(v["sent"])
        acked += len(v["acked"])
        copies = collections.Counter()
        readable = True
        ids = list(v["parts"])
        for sid in ids:  # parts found by following `next` are read too
            nxt = (state.get(sid, ({}, ""))[0].get("next") or {}).get("id")
            if nxt and nxt not in ids:
                ids.append(nxt)
        for sid in ids:
            s, analysis = state.get(sid, (None, ""))
            if s is None:
                stuck.append(f"{sid} (unreadable)")
                readable = False
                continue
            final[s["status"]] += 1
            if s["status"] == "failed":
                reasons[s["failure_reason"] or "(no reason)"] += 1
            if s["status"] not in FINAL or (s["status"] != "discarded" and
                                            analysis not in ANALYSIS_FINAL):
                stuck.append(f"{sid} ({s['status']}, analysis {analysis})")
            events = api.get(f"/api/sessions/{sid}/events")
            if events is None:
                stuck.append(f"{sid} (events unreadable)")
                readable = False
                continue
            copies.update(e.get("timestamp") for e in events)
        stored += len(copies)
        duplicated += sum(n - 1 for n in copies.values())
        if readable:
            lost += sum(1 for t in v["acked"] if t not in copies)
        else:
            unverified += len(v["acked"])

    requests = run["requests"]
    errors_5xx = sum(n for code, n in requests.items() if code.startswith("5"))
    print(f"| {fault:<16} | {len(visits):>6} | {sent:>6} | {acked:>6} | {stored:>6} | {lost:>4} "
          f"| {duplicated:>4} | {final['ready']:>5} | {final['failed']:>6} | {len(stuck):>5} "
          f"| {errors_5xx:>4} | {requests.get('network_error', 0):>9} |")
    if unverified:
        print(f"    {unverified} acknowledged event(s) not verified: their session could not be read")
    for reason, n in reasons.items():
        print(f"    failed ({n}): {reason}")
    for s in stuck[:10]:
        print(f"    stuck: {s}")
    if watch:
        outcome = collections.Counter(
            state[w][0]["status"] if w in state else "unreadable" for w in watch)
        print(f"    sessions rendering when the worker was killed: {len(watch)}, now "
              + ", ".join(f"{k} {n}" for k, n in sorted(outcome.items())))
        if any(w not in state or state[w][0]["status"] not in ("ready", "failed") for w in watch):
            stuck.append("a job of the killed worker")
    if no_reason := reasons.get("(no reason)", 0):
        print(f"    {no_reason} failed session(s) without a reason")
    sys.exit(1 if lost or duplicated or unverified or stuck or reasons.get("(no reason)") else 0)


if __name__ == "__main__":
    main()
