"""Retake the screenshots of the README's user guide: `make screenshots`.

Loads the demo data into a throwaway in-memory database, serves Jejak on a free local port,
and photographs each role's main pages with Debian's Chromium, desktop and phone sized, into
docs/screenshots/ as small palette PNGs. Nothing outside that folder is touched.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 780}

# Every role's home page, the project list and a project page, desktop and phone sized.
ROLE_PAGES = {
    "peserta": "proyek",
    "peserta2": "proyek",
    "coach": "proyek",
    "mentor": "proyek",
    "penguji": "proyek",
    "penyelenggara": "proyek-pemantauan",
    "kepala": "proyek",
}
OVERVIEW = [
    (login, slug, size, None)
    for login, project in ROLE_PAGES.items()
    for slug in ("beranda", "daftar-proyek", project)
    for size in ("desktop", "phone")
]
# (demo login, page slug from tests/browser/demo.py, size, heading to scroll to or None).
GUIDE = [
    (None, "masuk", "phone", None),
    ("peserta", "proyek", "desktop", None),
    ("peserta", "rancangan", "desktop", None),
    ("peserta2", "beranda", "phone", None),
    ("peserta2", "tonggak", "desktop", None),
    ("peserta2", "tonggak", "phone", "#evidence-heading"),
    ("coach", "beranda", "desktop", None),
    ("coach", "proyek-ditelaah", "desktop", None),
    ("coach", "konsultasi", "phone", ".note-list"),
    ("mentor", "tonggak", "desktop", None),
    ("penguji", "seminar-laporan", "desktop", None),
    ("penguji", "nilai", "phone", None),
    ("penyelenggara", "jadwalkan-seminar", "desktop", None),
    ("kepala", "beranda", "desktop", None),
    ("kepala", "proyek", "phone", "#documents-heading"),
]
# A page the guide frames (scrolled to a heading) replaces the overview's shot of it.
SHOTS = [
    *(shot for shot in OVERVIEW if not any(shot[:3] == framed[:3] for framed in GUIDE)),
    *GUIDE,
]


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ["DEBUG"] = "1"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="jejak-screenshots-")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop here
    import django

    django.setup()


def _save(png: bytes, path: Path) -> int:
    """Store a screenshot as a 256-colour PNG: a fraction of the size, text still crisp."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    return path.stat().st_size


def main(argv: list[str]) -> int:
    """`docs/screenshots.py [--out DIR] [--full] [login:slug:size ...]`: all the shots into
    docs/screenshots/, or only the ones named (a visitor's login is "-"); `--full` photographs
    whole pages, not the first screen, to review a layout."""
    out, shots, full = OUT, SHOTS, False
    if argv[:1] == ["--out"]:
        out, argv = Path(argv[1]), argv[2:]
    if argv[:1] == ["--full"]:
        full, argv = True, argv[1:]
    if argv:
        shots = []
        for name in argv:
            login, slug, size = name.split(":")
            shots.append((None if login == "-" else login, slug, size, None))
    _django()
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test import Client, override_settings
    from django.test.testcases import LiveServerThread
    from django.test.utils import setup_test_environment
    from playwright.sync_api import sync_playwright

    from tests.browser import demo
    from tests.browser.chromium import CHROMIUM_ARGS, chromium_path
    from tracker.models import User

    browser_path = chromium_path()
    if browser_path is None:
        print("Chromium not found: sudo apt-get install chromium", file=sys.stderr)
        return 1
    setup_test_environment()
    database = connections["default"]
    database.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    hashers.enable()
    demo.seed()
    pages = {
        login: {
            page.slug: page.path for page in [*demo.main_pages(login), *demo.table_pages(login)]
        }
        for login, *_ in shots
    }
    # The in-memory database lives in this connection: the server thread must share it.
    database.inc_thread_sharing()
    server = LiveServerThread("localhost", StaticFilesHandler, {"default": database}, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base_url = f"http://localhost:{server.port}"
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
            for login, slug, size, focus in shots:
                context = browser.new_context(
                    base_url=base_url,
                    viewport=DESKTOP if size == "desktop" else PHONE,
                    device_scale_factor=1,
                    locale="id-ID",
                    timezone_id="Asia/Jakarta",
                )
                if login is not None:
                    client = Client()
                    client.force_login(User.objects.get(username=login))
                    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
                    context.add_cookies(
                        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
                    )
                page = context.new_page()
                page.goto(pages[login][slug])
                if focus:
                    page.locator(focus).first.evaluate("(element) => element.scrollIntoView()")
                name = f"{login or 'pengunjung'}-{slug}-{size}.png"
                total += _save(page.screenshot(full_page=full), out / name)
                print(f"  {name}")
                context.close()
            browser.close()
    finally:
        server.terminate()
        hashers.disable()
    print(f"{len(shots)} screenshots, {total / 1024:.0f} KiB, in {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
