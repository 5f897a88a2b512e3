"""Long reports laid out in worker processes, one per core, and joined into one PDF/A-3b.

WeasyPrint lays a document out on one core. A report about many projects is laid out in parts
(reports/services.py), so here each part goes to a worker process while the others lay out
theirs. A part's page numbers depend on how many pages the parts before it take, known only once
those are laid out; but the numbers sit in the running footer, which WeasyPrint lays out apart
from the body, after paginating it. So a worker lays out a part's body with empty page margins,
reports its page count and anchors, and holds it; once the parts before it are counted the parent
sends its first page number, and the worker lays out the margins (header, footer with the page
number, the code and the QR) and paints the pages. Pages are written in batches of about
BATCH_PAGES (each batch embeds its own font subsets), so a worker holds few laid-out pages.

Once every part is written the workers stop: a worker keeps the memory of its largest batch
until it ends, and the agency report's summary, laid out next, is the largest layout of all. The
parent lays out the summary itself, writes it with the document's metadata, output intent and
attached data (one of each), appends the batches' pages in order with pikepdf from their files,
and rebuilds what spans parts: the named destinations the summary's links point to, and the
outline.

Laying out the margins later uses WeasyPrint's internals (the layout context, its page states
and `make_margin_boxes`), pinned by the version in pyproject.toml; the tests of the joined
report read every page's number, so an upgrade that changes them fails there.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pikepdf
import weasyprint
from django.conf import settings
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.layout.background import layout_backgrounds
from weasyprint.layout.page import make_margin_boxes
from weasyprint.text.fonts import FontConfiguration

# Pages a worker writes in one batch: fewer means less memory held, more means fewer copies of
# the font subsets in the joined file. A worker's memory levels off at what its largest batch
# took; measured on the agency report of 1,000 projects (684 pages, two workers): 60 pages,
# 205 MiB a worker and a 4.5 MiB file; 30 pages, 146 MiB and 4.7 MiB; 15 pages, 113 MiB and
# 5.3 MiB (by then the summary laid out in the parent is the peak).
BATCH_PAGES = 30
# CSS pixels to PDF points, as WeasyPrint writes them.
_POINTS_PER_PIXEL = 0.75

# What a worker needs of the settings: the URL fetcher's roots and the media storage.
_SETTINGS = ("SITE_URL", "STATIC_URL", "STATIC_ROOT", "STATICFILES_DIRS", "MEDIA_URL", "MEDIA_ROOT")


class PartFailed(Exception):
    """A worker could not lay out or write a part; the message carries its traceback."""


# --- in the worker ------------------------------------------------------------------------------


class _DeferredMargins(weasyprint.Document):
    """A document laid out with empty page margins, whose context is kept to lay them out later."""

    last_context: Any = None

    @classmethod
    def _build_layout_context(cls, *args, **kwargs):
        context = super()._build_layout_context(*args, **kwargs)
        # The margins hold only running elements (the header and the footer): none for now.
        context.get_running_element_for = lambda page, name, keyword="first": []
        cls.last_context = context  # a worker lays out one document at a time
        return context


@dataclass
class _HeldPart:
    document: weasyprint.Document
    context: Any

    def number(self, first_page: int) -> list[Page]:
        """The part's pages with their margins laid out, numbered from `first_page`."""
        context = self.context
        del context.get_running_element_for  # the class's own method again
        pages = []
        for index, page in enumerate(self.document.pages):
            page_box = page._page_box
            context.current_page = index + 1
            state = context.page_maker[index + 1][3]
            state[1]["page"] = [first_page + index]
            kept = tuple(box for box in page_box.children if not isinstance(box, boxes.MarginBox))
            page_box.children = kept + tuple(make_margin_boxes(context, page_box, state))
            layout_backgrounds(page_box, context.get_image_from_uri)
            pages.append(Page(page_box))
        return pages


def _configure(values: dict[str, Any]) -> None:
    if not settings.configured:
        settings.configure(**values)


def _anchors(pages: Sequence[Page]) -> list[tuple[str, int, float, float]]:
    """Each anchor's first place: (name, page index, x, y) in PDF points from the bottom left."""
    seen: set[str] = set()
    found = []
    for index, page in enumerate(pages):
        for name, (x, y, _width, _height) in page.anchors.items():
            if name not in seen:
                seen.add(name)
                found.append(
                    (name, index, x * _POINTS_PER_PIXEL, (page.height - y) * _POINTS_PER_PIXEL)
                )
    return found


def _bookmarks(pages: Sequence[Page]) -> list[tuple[int, str, int, float, float]]:
    """The headings in order: (level, label, page index, x, y) in PDF points."""
    return [
        (level, label, index, x * _POINTS_PER_PIXEL, (page.height - y) * _POINTS_PER_PIXEL)
        for index, page in enumerate(pages)
        for level, label, (x, y), _state in page.bookmarks
    ]


def _worker(connection: Connection, values: dict[str, Any], batch_pages: int) -> None:
    """Lay out, number and write parts as the parent asks, until it says stop."""
    _configure(values)
    from reports.pdf import PDF_VARIANT, JejakURLFetcher, site_base_url

    fetcher = JejakURLFetcher()
    font_config = FontConfiguration()
    cache: dict = {}
    options = {**weasyprint.DEFAULT_OPTIONS, "pdf_variant": PDF_VARIANT, "cache": cache}
    held: dict[int, _HeldPart] = {}
    batch: list[tuple[int, list[Page]]] = []
    batch_documents: list[weasyprint.Document] = []
    written = 0

    def write_batch(folder: str) -> None:
        nonlocal written
        if not batch:
            return
        path = Path(folder) / f"{os.getpid()}-{written}.pdf"
        pages = [page for _key, part_pages in batch for page in part_pages]
        batch_documents[0].copy(pages).write_pdf(path, pdf_variant=PDF_VARIANT)
        connection.send(("written", str(path), [(key, len(pages)) for key, pages in batch]))
        written += 1
        batch.clear()
        batch_documents.clear()

    while True:
        message = connection.recv()
        try:
            if message[0] == "lay_out":
                _kind, key, html = message
                document = _DeferredMargins._render(
                    weasyprint.HTML(string=html, base_url=site_base_url(), url_fetcher=fetcher),
                    font_config,
                    None,
                    None,
                    dict(options),
                )
                held[key] = _HeldPart(document, _DeferredMargins.last_context)
                pages = document.pages
                connection.send(("counted", key, len(pages), _anchors(pages), _bookmarks(pages)))
            elif message[0] == "number":
                _kind, key, first_page, folder = message
                part = held.pop(key)
                batch.append((key, part.number(first_page)))
                batch_documents.append(part.document)
                if sum(len(pages) for _key, pages in batch) >= batch_pages:
                    write_batch(folder)
            elif message[0] == "flush":
                write_batch(message[1])
                connection.send(("flushed",))
            else:
                return
        except Exception:
            connection.send(("error", traceback.format_exc()))
            return


# --- in the parent ------------------------------------------------------------------------------


@dataclass
class LaidOutParts:
    """Where the parts' pages went: each anchor's page number, and how many pages they take."""

    start_pages: dict[str, int]
    pages: int
    anchors: list[tuple[str, int, float, float]] = field(default_factory=list)
    bookmarks: list[tuple[int, str, int, float, float]] = field(default_factory=list)
    files: list[tuple[str, list[tuple[int, int]]]] = field(default_factory=list)


def worker_count() -> int:
    """How many worker processes a long report gets: REPORT_WORKERS, else one per core."""
    return settings.REPORT_WORKERS or len(os.sched_getaffinity(0)) or 1


def _context() -> multiprocessing.context.ForkServerContext:
    # Workers are forked from a clean server process, not from the web or task worker (open
    # database connections, threads); the server imports WeasyPrint once and lives on.
    context = multiprocessing.get_context("forkserver")
    assert isinstance(context, multiprocessing.context.ForkServerContext)
    context.set_forkserver_preload(["reports.parallel_pdf"])
    return context


class _Pool:
    def __init__(self, count: int) -> None:
        context = _context()
        values = {name: getattr(settings, name) for name in _SETTINGS}
        values["STORAGES"] = settings.STORAGES
        self.connections: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for _number in range(count):
            parent_end, child_end = context.Pipe()
            process = context.Process(
                target=_worker, args=(child_end, values, BATCH_PAGES), daemon=True
            )
            process.start()
            child_end.close()
            self.connections.append(parent_end)
            self.processes.append(process)

    def receive(self, connection: Connection) -> tuple:
        try:
            message = connection.recv()
        except EOFError:
            raise PartFailed("A PDF worker process ended unexpectedly.") from None
        if message[0] == "error":
            raise PartFailed(message[1])
        return message

    def close(self) -> None:
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.send(("stop",))
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
        for connection in self.connections:
            connection.close()

    def terminate(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()
        for connection in self.connections:
            connection.close()


def lay_out_parts(
    part_html: Callable[[int], str],
    count: int,
    *,
    first_page: int,
    folder: str,
    workers: int,
    progress: Callable[[int], None] | None = None,
    counted: Callable[[LaidOutParts], None] | None = None,
) -> LaidOutParts:
    """Lay out and write `count` parts (`part_html(n)` is the HTML of part n) in `workers`
    processes, their pages numbered on from `first_page`, written into `folder`.

    `progress(parts_done)` is called as parts are counted; it may raise to stop the work.
    `counted(laid_out)` is called once every part is counted and written and the workers have
    stopped (the agency report lays out its summary then).
    """
    pool = _Pool(min(workers, count))
    try:
        laid_out = _run(pool, part_html, count, first_page, folder, progress, counted)
    except BaseException:
        pool.terminate()
        raise
    return laid_out  # _run closed the pool


def _run(
    pool: _Pool,
    part_html: Callable[[int], str],
    count: int,
    first_page: int,
    folder: str,
    progress: Callable[[int], None] | None,
    counted: Callable[[LaidOutParts], None] | None,
) -> LaidOutParts:
    counts: list[int | None] = [None] * count
    owner: dict[int, Connection] = {}
    found: dict[int, tuple[list, list]] = {}
    files: list[tuple[str, list[tuple[int, int]]]] = []
    sent = numbered = done = 0
    page = first_page

    def send_next(connection: Connection) -> None:
        nonlocal sent
        if sent < count:
            connection.send(("lay_out", sent, part_html(sent)))
            owner[sent] = connection
            sent += 1

    # Two parts each: a worker lays out its next part while the parts before are counted.
    for _round in range(2):
        for connection in pool.connections:
            send_next(connection)
    while numbered < count:
        for ready in multiprocessing.connection.wait(pool.connections):
            connection = ready if isinstance(ready, Connection) else pool.connections[0]
            message = pool.receive(connection)
            if message[0] == "written":
                files.append((message[1], message[2]))
                continue
            _kind, key, pages, anchors, bookmarks = message
            counts[key] = pages
            found[key] = (anchors, bookmarks)
            done += 1
            send_next(connection)
        # A part is numbered as soon as every part before it is counted.
        while numbered < count and (pages_of := counts[numbered]) is not None:
            owner[numbered].send(("number", numbered, page, folder))
            page += pages_of
            numbered += 1
        if progress is not None:
            progress(done)
    for connection in pool.connections:
        connection.send(("flush", folder))

    laid_out = LaidOutParts(start_pages={}, pages=page - first_page, files=files)
    offset = 0
    for key in range(count):
        anchors, bookmarks = found[key]
        for name, index, x, y in anchors:
            laid_out.start_pages.setdefault(name, first_page + offset + index)
            laid_out.anchors.append((name, offset + index, x, y))
        laid_out.bookmarks += [
            (level, label, offset + index, x, y) for level, label, index, x, y in bookmarks
        ]
        offset += counts[key] or 0
    # The workers are stopped before the summary is laid out: they would sit on their memory
    # (some 200 MiB each at BATCH_PAGES=60) all the while, for the few seconds their last pages
    # take to write.
    for connection in pool.connections:
        while (message := pool.receive(connection))[0] != "flushed":
            files.append((message[1], message[2]))
    pool.close()
    if counted is not None:
        counted(laid_out)
    return laid_out


def join(
    summary: weasyprint.Document,
    parts: LaidOutParts,
    *,
    attachment: weasyprint.Attachment,
) -> bytes:
    """One PDF/A-3b: the summary (with the metadata, output intent and attachment), then every
    part's pages in order, with one name tree of destinations and one outline over them all."""
    from reports.pdf import PDF_VARIANT

    own_anchors = _anchors(summary.pages)
    # The summary's links to the projects would be dropped as pointing nowhere: give it the
    # anchors for now (on its first page), and point them at the parts' pages below.
    first = summary.pages[0]
    for name, _index, _x, _y in parts.anchors:
        first.anchors.setdefault(name, (0, 0, 0, 0))
    base = pikepdf.open(
        io.BytesIO(summary.write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment]))
    )
    summary_pages = len(base.pages)
    sources = [pikepdf.open(path) for path, _parts in parts.files]
    try:
        where: dict[int, tuple[pikepdf.Pdf, int, int]] = {}
        for source, (_path, keys) in zip(sources, parts.files, strict=True):
            index = 0
            for key, count in keys:
                where[key] = (source, index, count)
                index += count
        for key in sorted(where):
            source, index, count = where[key]
            base.pages.extend(source.pages[index : index + count])

        _share_colour_profiles(base, summary_pages)
        destinations = {
            name: pikepdf.Array([base.pages[index].obj, pikepdf.Name.XYZ, x, y, 0])
            for name, index, x, y in own_anchors
        }
        for name, index, x, y in parts.anchors:
            page = base.pages[summary_pages + index].obj
            destinations[name] = pikepdf.Array([page, pikepdf.Name.XYZ, x, y, 0])
        names = pikepdf.Array()
        for name in sorted(destinations):
            names.append(pikepdf.String(name))
            names.append(destinations[name])
        root = base.Root
        if pikepdf.Name.Names not in root:
            root.Names = pikepdf.Dictionary()
        root.Names.Dests = base.make_indirect(pikepdf.Dictionary(Names=names))

        bookmarks = [
            *_bookmarks(summary.pages),
            *[
                (level, label, summary_pages + index, x, y)
                for level, label, index, x, y in parts.bookmarks
            ],
        ]
        _write_outline(base, bookmarks)
        output = io.BytesIO()
        base.save(output)
        return output.getvalue()
    finally:
        for source in sources:
            source.close()
        base.close()


def _share_colour_profiles(pdf: pikepdf.Pdf, own_pages: int) -> None:
    """Point the appended pages' colour spaces at the summary's copy of the same ICC profile
    (each part brought its own), so the file carries one."""
    profiles: dict[bytes, pikepdf.Object] = {}
    for page in pdf.pages[:own_pages]:
        for space in _colour_spaces(page).values():
            if isinstance(space, pikepdf.Array) and space[0] == pikepdf.Name.ICCBased:
                profiles.setdefault(space[1].read_bytes(), space[1])
    for page in pdf.pages[own_pages:]:
        spaces = _colour_spaces(page)
        for key, space in list(spaces.items()):
            if isinstance(space, pikepdf.Array) and space[0] == pikepdf.Name.ICCBased:
                shared = profiles.get(space[1].read_bytes())
                if shared is not None and space[1].objgen != shared.objgen:
                    spaces[key] = pikepdf.Array([pikepdf.Name.ICCBased, shared])


def _colour_spaces(page: pikepdf.Page) -> pikepdf.Dictionary:
    """The page's own colour space dictionary (an empty one when it has none)."""
    resources = page.obj.get("/Resources")
    spaces = resources.get("/ColorSpace") if isinstance(resources, pikepdf.Dictionary) else None
    return spaces if isinstance(spaces, pikepdf.Dictionary) else pikepdf.Dictionary()


def _write_outline(pdf: pikepdf.Pdf, bookmarks: list[tuple[int, str, int, float, float]]) -> None:
    """The outline of all headings, nested by level as WeasyPrint nests them."""
    with pdf.open_outline() as outline:
        outline.root.clear()
        stack: list[tuple[int, pikepdf.OutlineItem]] = []
        for level, label, index, x, y in bookmarks:
            item = pikepdf.OutlineItem(label, index, "XYZ", left=x, top=y, zoom=0)
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))


def temporary_folder() -> tempfile.TemporaryDirectory:
    """Where the workers write their batches (removed after the join)."""
    return tempfile.TemporaryDirectory(prefix="jejak-parts-")
