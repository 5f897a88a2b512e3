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
    def __init__(self, wanted: str, tag: str | None = None, cls: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.tag, self.cls, self.depth, self.found = wanted, tag, cls, 0, None
        self.link: tuple[str, list[str]] | None = None
        self.all_ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.all_ids.add(attrs["id"])
        if self.depth == 0 and self.found is None and self._is_wanted(tag, attrs):
            self.found = Element()
            self.depth = 1
            return
        if self.depth and tag not in VOID:
            self.depth += 1
        if self.depth and attrs.get("id"):
            self.found.ids.add(attrs["id"])
        if self.depth and tag == "a":
            self.link = (attrs.get("href", ""), [])

    def _is_wanted(self, tag, attrs) -> bool:
        if self.tag is not None and tag != self.tag:
            return False
        if self.cls is not None and self.cls not in (attrs.get("class") or "").split():
            return False
        return attrs.get("id") == self.wanted if self.wanted else self.tag or self.cls

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


def element(html: str, element_id: str = "", *, tag: str | None = None, cls: str | None = None):
    """The text (whitespace collapsed), links and ids inside the first element with this id
    (or, without one, the first of this tag and/or class)."""
    reader = _Reader(element_id, tag, cls)
    reader.feed(html)
    wanted = element_id or f"{tag or ''}.{cls or ''}"
    assert reader.found is not None, f"no element {wanted!r} on the page"
    reader.found.text = " ".join(reader.found.text.split())
    return reader.found


def ids(html: str) -> set[str]:
    """Every id on the page."""
    reader = _Reader("", tag="\0")
    reader.feed(html)
    return reader.all_ids
