"""Templates stay within the strict Content-Security-Policy: no inline script, handler or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Emails are read in mail clients, and printed documents are rendered to PDF by WeasyPrint on the
# server: neither is ever served to a browser as a page, so the page policy does not apply.
PRINTED_DOCUMENT_BASE = "reports/base_document.html"
PRINTED_DOCUMENT_PARTS = "reports/documents/"  # pieces included only by printed documents

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def _is_printed_document(path: Path, text: str) -> bool:
    name = path.relative_to(TEMPLATES).as_posix()
    return (
        name == PRINTED_DOCUMENT_BASE
        or name.startswith(PRINTED_DOCUMENT_PARTS)
        or f'{{% extends "{PRINTED_DOCUMENT_BASE}" %}}' in text
    )


def page_templates() -> list[Path]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "emails":
            continue
        if _is_printed_document(path, path.read_text(encoding="utf-8")):
            continue
        found.append(path)
    return found


def csp_problems(text: str) -> list[str]:
    """What in a template's text a strict Content-Security-Policy would block."""
    checks = [
        (INLINE_SCRIPT, "inline <script>"),
        (EVENT_HANDLER, "on*= event handler"),
        (STYLE_ATTRIBUTE, "style= attribute"),
        (STYLE_ELEMENT, "<style> element"),
        (JAVASCRIPT_URL, "javascript: URL"),
    ]
    return [label for pattern, label in checks if pattern.search(text)]


def test_the_scan_covers_the_page_templates_and_skips_emails_and_documents():
    names = {path.relative_to(TEMPLATES).as_posix() for path in page_templates()}
    assert {"base.html", "tracker/changeproject_detail.html", "registration/login.html"} <= names
    assert not any(name.startswith("emails/") for name in names)
    assert "reports/project_report.html" not in names
    assert "reports/generateddocument_verify.html" in names


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<script type="module">go()</script>', "inline <script>"),
        ('<button type="button" onclick="go()">', "on*= event handler"),
        ('<form\n  method="post" onsubmit="return check()">', "on*= event handler"),
        ('<p class="x" style="color: red">', "style= attribute"),
        ("<style>p { color: red }</style>", "<style> element"),
        ('<a href="javascript:void(0)">', "javascript: URL"),
    ],
)
def test_the_scan_finds_what_the_policy_blocks(snippet, problem):
    assert csp_problems(snippet) == [problem]


def test_external_scripts_and_data_attributes_pass_the_scan():
    allowed = (
        '<script src="/static/vendor/htmx/htmx.min.js" defer></script>'
        '<form data-upload-progress hx-post="/x/" hx-confirm="Hapus?"><button>ok</button></form>'
        '<p class="online">tonggak</p>'
    )
    assert csp_problems(allowed) == []


@pytest.mark.parametrize(
    "path", page_templates(), ids=lambda path: path.relative_to(TEMPLATES).as_posix()
)
def test_page_template_has_nothing_a_strict_csp_blocks(path):
    assert csp_problems(path.read_text(encoding="utf-8")) == []
