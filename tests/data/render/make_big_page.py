#!/usr/bin/env python3
"""Writes big-page.json: a synthetic rrweb recording of a page of 42 000
elements (3 000 sections of a heading, a list of ten items and a paragraph),
20 s long: the mouse moves, the document scrolls every 2 s, and after each
scroll the section in view changes (text, class, an item added and one
removed). It measures and tests a render whose cost must not depend on the
page's size. Deterministic: the same file on every run.

Usage: make_big_page.py > big-page.json (the build writes build/tests/data/render/big-page.json)
"""
import json
import sys

START = 1_700_000_000_000
SECTIONS = 3_000
ITEMS = 10
SECTION_PX = 290  # rendered height of one section with the CSS below
CSS = ("body{margin:0;font:14px/18px sans-serif;color:#222}"
       "section{height:%dpx;overflow:hidden;border-bottom:1px solid #ccc}"
       "h2{margin:0;font-size:18px;line-height:30px}ul{margin:0;padding-left:24px}"
       "p{margin:0;color:#666}.hot{background:#fc0}.new{color:#c00}" % SECTION_PX)


class Ids:
    def __init__(self):
        self.next = 1

    def take(self):
        n = self.next
        self.next += 1
        return n


def element(ids, tag, children=(), **attributes):
    return {"type": 2, "tagName": tag, "attributes": attributes,
            "childNodes": list(children), "id": ids.take()}


def text(ids, value, **extra):
    return {"type": 3, "textContent": value, "id": ids.take(), **extra}


def main():
    ids = Ids()
    document_id = ids.take()
    doctype = {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": ids.take()}
    style = element(ids, "style")
    style["childNodes"].append(text(ids, CSS, isStyle=True))
    head = element(ids, "head", [style])
    sections = []  # (section node, heading text id, list id, first item id)
    body_children = []
    for s in range(SECTIONS):
        heading_text = text(ids, "Section %d" % s)
        heading = element(ids, "h2", [heading_text])
        items = [element(ids, "li", [text(ids, "Item %d.%d" % (s, i))]) for i in range(ITEMS)]
        lst = element(ids, "ul", items)
        para = element(ids, "p", [text(ids, "Paragraph of section %d." % s)])
        section = element(ids, "section", [heading, lst, para])
        sections.append((section, heading_text["id"], lst["id"], items[0]["id"]))
        body_children.append(section)
    body = element(ids, "body", body_children)
    html = element(ids, "html", [head, body])
    document = {"type": 0, "childNodes": [doctype, html], "id": document_id}

    events = [
        {"type": 4, "data": {"href": "https://example.test/big", "width": 1024, "height": 640},
         "timestamp": START},
        {"type": 2, "data": {"node": document, "initialOffset": {"left": 0, "top": 0}},
         "timestamp": START + 10},
    ]
    for t in range(100, 20_000, 100):  # the mouse wanders
        events.append({"type": 3, "data": {"source": 1, "positions": [
            {"x": 200 + (t // 10) % 600, "y": 100 + (t // 20) % 400, "id": body["id"],
             "timeOffset": 0}]}, "timestamp": START + t})
    for step in range(1, 10):
        t = START + step * 2_000
        y = step * 4_321
        events.append({"type": 3, "data": {"source": 3, "id": document_id, "x": 0, "y": y},
                       "timestamp": t})
        section, heading_text_id, list_id, first_item_id = sections[y // SECTION_PX + 1]
        new_item = ids.take()
        new_text = ids.take()
        events.append({"type": 3, "data": {
            "source": 0,
            "texts": [{"id": heading_text_id, "value": "Section changed at step %d" % step}],
            "attributes": [{"id": section["id"], "attributes": {"class": "hot"}}],
            "removes": [{"parentId": list_id, "id": first_item_id}],
            "adds": [
                {"parentId": list_id, "nextId": None, "node": {
                    "type": 2, "tagName": "li", "attributes": {"class": "new"},
                    "childNodes": [], "id": new_item}},
                {"parentId": new_item, "nextId": None, "node": {
                    "type": 3, "textContent": "Added at step %d" % step, "id": new_text}},
            ]}, "timestamp": t + 500})
        events.append({"type": 3, "data": {"source": 2, "type": 2, "id": section["id"],
                                           "x": 300, "y": 200}, "timestamp": t + 700})
    events.sort(key=lambda e: e["timestamp"])
    json.dump(events, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
