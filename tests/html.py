"""Reading pages in tests as a person does: the text and links inside one element."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    ids: set[str] = field(default_factory=set)


class _Reader(HTMLParser):
    def __init__(self, wanted: str) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth, self.found = wanted, 0, None
        self.link: tuple[str, list[str]] | None = None
        self.all_ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.all_ids.add(attrs["id"])
        if self.depth == 0 and attrs.get("id") == self.wanted and self.found is None:
            self.found = Element()
            self.depth = 1
            return
        if self.depth and tag not in VOID:
            self.depth += 1
        if self.depth and attrs.get("id"):
            self.found.ids.add(attrs["id"])
        if self.depth and tag == "a":
            self.link = (attrs.get("href", ""), [])

    def handle_endtag(self, tag):
        if self.depth and tag == "a" and self.link:
            self.found.links.append((" ".join("".join(self.link[1]).split()), self.link[0]))
            self.link = None
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.found.text += data
            if self.link:
                self.link[1].append(data)


def element(html: str, element_id: str) -> Element:
    """The text (whitespace collapsed), links and ids inside the element with this id."""
    reader = _Reader(element_id)
    reader.feed(html)
    assert reader.found is not None, f"no element with id {element_id!r} on the page"
    reader.found.text = " ".join(reader.found.text.split())
    return reader.found


def ids(html: str) -> set[str]:
    """Every id on the page."""
    reader = _Reader("")
    reader.feed(html)
    return reader.all_ids
