"""Checks a LeakScope HTML report with Python's own HTML parser, for tst_cli_report_documents.

Usage: python3 check_html_report.py REPORT.html

Prints one JSON object: "errors" (empty when the page is sound: every element closed in order, a
doctype and a UTF-8 charset, and nothing that would load anything from elsewhere -- no script, link,
img, iframe, object, embed, base or form element, no src/href/srcset/action/poster/data attribute, no
event handler attribute, no url() or @import in any CSS), and what the test compares: the title, the
suspect headings, the story sentences, each suspect's member rows (address, retained bytes) and the
number of <details> elements.
"""

import html.parser
import json
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN_TAGS = {"script", "link", "img", "iframe", "object", "embed", "base", "form", "frame", "audio", "video"}
LOADING_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background", "manifest"}


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.errors = []
        self.stack = []
        self.doctype = False
        self.charset = False
        self.title = ""
        self.headings = []
        self.stories = []
        self.details = 0
        self.members = []  # per suspect: [[address, retained], ...]
        self._capture = None  # (kind, text parts)
        self._row = None

    def handle_decl(self, decl):
        if decl.lower() == "doctype html":
            self.doctype = True

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def _start(self, tag, attrs, closed):
        if tag in FORBIDDEN_TAGS:
            self.errors.append("forbidden element <%s> at line %d" % (tag, self.getpos()[0]))
        for name, value in attrs:
            value = value or ""
            if name in LOADING_ATTRIBUTES:
                self.errors.append("attribute %s=%r on <%s>" % (name, value, tag))
            if name.startswith("on"):
                self.errors.append("event handler %s on <%s>" % (name, tag))
            if name == "style" and ("url(" in value.lower() or "@import" in value.lower()):
                self.errors.append("style attribute loads something: %r" % value)
            if tag == "meta" and name == "charset" and value.lower() == "utf-8":
                self.charset = True
        if tag not in VOID and not closed:
            self.stack.append(tag)
        attributes = dict(attrs)
        if tag == "title" or tag == "h3":
            self._capture = (tag, [])
        elif tag == "p" and attributes.get("class") == "story":
            self._capture = ("story", [])
        elif tag == "details":
            self.details += 1
        elif tag == "article" and attributes.get("class") == "suspect":
            self.members.append([])
        elif tag == "tr" and self.members and "article" in self.stack:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._capture = ("td", [])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> at line %d closes <%s>" % (tag, self.getpos()[0], self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if self._capture and self._capture[0] in (tag, "story" if tag == "p" else None):
            kind, parts = self._capture
            text = "".join(parts)
            if kind == "title":
                self.title = text
            elif kind == "h3":
                self.headings.append(text)
            elif kind == "story":
                self.stories.append(text)
            elif kind == "td" and self._row is not None:
                self._row.append(text)
            self._capture = None
        if tag == "tr" and self._row is not None:
            # The members table: #, Address, Type, Size, Retained, Repr.
            if len(self._row) == 6 and self._row[1].startswith("0x"):
                self.members[-1].append([self._row[1], int(self._row[4])])
            self._row = None

    def handle_data(self, data):
        if self._capture:
            self._capture[1].append(data)
        if self.stack and self.stack[-1] == "style":
            lowered = data.lower()
            if "url(" in lowered or "@import" in lowered:
                self.errors.append("the style sheet loads something")


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    result = {"errors": []}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        result["errors"].append("not UTF-8: %s" % error)
        text = raw.decode("utf-8", "replace")
    checker = Checker()
    checker.feed(text)
    checker.close()
    errors = result["errors"] + checker.errors
    if checker.stack:
        errors.append("unclosed elements at the end: %s" % checker.stack)
    if not checker.doctype:
        errors.append("no <!DOCTYPE html>")
    if not checker.charset:
        errors.append('no <meta charset="utf-8">')
    for needle in ("http://", "https://", "//fonts", "url("):
        # Any of these in the markup (not in escaped text) would be a way out of the file.
        for tag_text in text.split("<")[1:]:
            head = tag_text.split(">", 1)[0]
            if needle in head:
                errors.append("%r inside a tag: <%s>" % (needle, head[:80]))
    result.update(
        errors=errors,
        title=checker.title,
        headings=checker.headings,
        stories=checker.stories,
        members=checker.members,
        details=checker.details,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
