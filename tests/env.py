"""Environment the test suite runs with; loaded as a pytest plugin before Django's settings."""

from __future__ import annotations

import os
import sys

# A shared virtualenv may hold an editable install of another checkout (e.g. /work/main); its
# import finder would fill in modules this checkout lacks from there. Tests run this checkout only.
sys.meta_path[:] = [
    finder
    for finder in sys.meta_path
    if not getattr(finder, "__module__", "").startswith("__editable__")
]

os.environ.setdefault("SECRET_KEY", "test-suite-only-secret-key-not-for-any-deployment")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
