#!/usr/bin/env python3
"""Writes hostile-recording.json: an rrweb recording, as anyone holding an
ingest key could send it, whose page points every kind of subresource,
frame and navigation at addresses the renderer must never reach. Tests
replace {{DENIED}} with 127.0.0.1:<port>, {{ALLOWED}} with
allowed.localhost:<port> and {{PORT}} with <port> of a canary listener.
Deterministic: the same file on every run.

Usage: make_hostile_recording.py > tests/data/security/hostile-recording.json
"""
import json
import sys

START = 1_700_000_000_000
D = "http://{{DENIED}}"
A = "http://{{ALLOWED}}"
P = "{{PORT}}"


def el(tag, attrs=None, children=None, svg=False):
    node = {"type": 2, "tagName": tag, "attributes": attrs or {}, "childNodes": children or []}
    if svg:
        node["isSVG"] = True
    return node


def text(t, style=False):
    node = {"type": 3, "textContent": t}
    if style:
        node["isStyle"] = True
    return node


CSS = ('@import url("%s/canary/import.css");\n'
       'body{background-image:url("%s/canary/background.gif")}\n'
       '@font-face{font-family:x;src:url("%s/canary/font.woff")}\nh1{font-family:x}' % (D, D, D))

head = el("head", {}, [
    el("meta", {"http-equiv": "refresh", "content": "0;url=%s/canary/meta-refresh" % D}),
    el("link", {"rel": "stylesheet", "href": D + "/canary/link-stylesheet.css"}),
    el("link", {"rel": "preconnect", "href": D + "/canary/preconnect"}),
    el("link", {"rel": "prefetch", "href": D + "/canary/prefetch"}),
    el("link", {"rel": "icon", "href": D + "/canary/favicon.gif"}),
    el("style", {}, [text(CSS, style=True)]),
    el("script", {"src": D + "/canary/script.js"}),
])
body = el("body", {}, [
    el("h1", {}, [text("hostile recording")]),
    el("img", {"src": D + "/canary/img.gif"}),
    el("img", {"src": "http://localhost:%s/canary/localhost.gif" % P}),
    el("img", {"src": "http://0.0.0.0:%s/canary/unspecified.gif" % P}),
    el("img", {"src": "http://[::ffff:127.0.0.1]:%s/canary/v4-mapped.gif" % P}),
    el("img", {"src": "http://2130706433:%s/canary/decimal.gif" % P}),
    # Allowed host (when the test allows it), redirecting to a denied one.
    el("img", {"src": A + "/redirect?to=" + D + "/canary/redirected.gif"}),
    el("img", {"src": A + "/allowed.gif"}),
    el("img", {"srcset": D + "/canary/srcset.gif 1x"}),
    # Frames and plugins are refused whatever their address.
    el("iframe", {"src": A + "/canary/iframe", "width": "600", "height": "300"}),
    el("object", {"data": A + "/canary/object", "width": "300", "height": "200"}),
    el("embed", {"src": A + "/canary/embed", "width": "300", "height": "200"}),
    el("video", {"src": D + "/canary/video.mp4", "poster": D + "/canary/poster.gif"}),
    el("audio", {"src": D + "/canary/audio.mp3", "preload": "auto"}),
    el("input", {"type": "image", "src": D + "/canary/input.gif"}),
    el("svg", {"width": "10", "height": "10"},
       [el("image", {"href": D + "/canary/svg-image.gif"}, svg=True)], svg=True),
])
doc = {"type": 0, "childNodes": [
    {"type": 1, "name": "html", "publicId": "", "systemId": ""},
    el("html", {}, [head, body])]}

next_id = 0


def number(node):
    global next_id
    next_id += 1
    node["id"] = next_id
    for child in node.get("childNodes", []):
        number(child)


number(doc)


def find(node, tag):
    if node.get("tagName") == tag:
        return node
    for child in node.get("childNodes", []):
        found = find(child, tag)
        if found:
            return found
    return None


iframe_id = find(doc, "iframe")["id"]
body_id = find(doc, "body")["id"]
mutation = {
    "source": 0, "texts": [], "removes": [],
    "attributes": [{"id": iframe_id, "attributes": {"src": D + "/canary/iframe-by-mutation"}}],
    "adds": [
        {"parentId": body_id, "nextId": None,
         "node": dict(el("iframe", {"src": D + "/canary/added-iframe"}), id=900)},
        {"parentId": body_id, "nextId": None,
         "node": dict(el("img", {"src": D + "/canary/added-img.gif"}), id=901)},
    ],
}
events = [
    {"type": 4, "data": {"href": "https://shop.example/", "width": 800, "height": 600},
     "timestamp": START},
    {"type": 2, "data": {"node": doc, "initialOffset": {"left": 0, "top": 0}},
     "timestamp": START + 10},
    {"type": 3, "data": mutation, "timestamp": START + 600},
]
for n, t in enumerate((1500, 2500)):
    events.append({"type": 3, "data": {"source": 1, "positions": [
        {"x": 100 + 100 * n, "y": 100 + 50 * n, "id": body_id, "timeOffset": 0}]},
        "timestamp": START + t})
json.dump(events, sys.stdout, indent=1)
sys.stdout.write("\n")
