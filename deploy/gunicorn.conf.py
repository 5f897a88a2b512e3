"""gunicorn for Jejak, configured from the environment (the same file as the site's settings).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py tracker.wsgi

GUNICORN_BIND       address to listen on (default 127.0.0.1:8000: only nginx reaches it)
GUNICORN_WORKERS    worker processes (default 2 per core + 1)
GUNICORN_TIMEOUT    seconds a request may take before its worker is restarted (default 120:
                    a PDF of up to REPORT_SYNC_MAX_PROJECTS projects is made while the person
                    waits; larger reports go to the background worker)
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

# The checkout (for tracker.env and tracker.logs), whatever directory gunicorn started in.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.env import env_int, env_str  # noqa: E402

wsgi_app = "tracker.wsgi:application"
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1, minimum=1)
# Synchronous workers: nginx buffers slow clients, so a worker only ever waits on Jejak itself.
worker_class = "sync"
timeout = env_int("GUNICORN_TIMEOUT", 120, minimum=10)
graceful_timeout = 30
# nginx keeps connections to gunicorn open (upstream keepalive): keep them a little longer.
keepalive = 75
# A worker is replaced after this many requests (plus jitter, so not all at once): WeasyPrint's
# caches and fragmentation are returned to the system. A replacement leaves its share of the
# load to the others for a second or so (booting, then `post_worker_init`): every 2,000
# requests that was every 15 s per worker at full load, and two workers replaced together
# stalled every request for as long (deploy-check's p99 of 1.3 s).
max_requests = 10000
max_requests_jitter = 2000
# Only nginx on this machine may set the scheme: Django reads X-Forwarded-Proto itself.
forwarded_allow_ips = "127.0.0.1,::1"
# /dev/shm keeps heartbeat files off slow disks.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None

# Access and error logs as JSON lines on standard output (journald under systemd); the access
# line keeps method, path, status, bytes, duration and the pid of the worker that answered.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms %(p)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tracker.logs.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def post_worker_init(worker) -> None:
    """Warm a new worker before it takes its first request, which would otherwise pay about a
    second (under load) to import every view, read the catalogues and compile the templates."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Beranda")
    for name in ("base.html", "tracker/home.html", "reports/project_list.html"):
        get_template(name)
