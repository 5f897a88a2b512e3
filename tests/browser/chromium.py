"""Where Debian's Chromium is and how Jejak starts it (browser tests and `make screenshots`)."""

from __future__ import annotations

import os
import shutil

# Headless in a container: no sandbox (no user namespaces), no GPU, no /dev/shm, and none of the
# background traffic (updates, sync, safe browsing lists) a closed government network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium executable: CHROMIUM_PATH if set, else Debian's /usr/bin/chromium."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")
