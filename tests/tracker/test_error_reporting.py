"""Errors reach the operators: structured logs on standard output, Sentry when configured."""

from __future__ import annotations

import gzip
import json
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from tracker.logs import JSONFormatter


def _record(name="tracker", msg="Rapor %s gagal", args=("X",), **extra) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_a_log_line_is_one_json_object_with_time_level_logger_and_message():
    line = JSONFormatter().format(_record())
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "tracker"
    assert entry["message"] == "Rapor X gagal"
    assert entry["time"].endswith("+00:00")


def test_an_exception_keeps_its_traceback_inside_the_one_line():
    try:
        raise ValueError("baris\nkedua")
    except ValueError:
        record = _record()
        record.exc_info = sys.exc_info()
    line = JSONFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: baris\nkedua" in json.loads(line)["exception"]


def test_gunicorn_access_lines_keep_the_request_and_never_the_cookies():
    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/proyek/",
        "q": "",
        "s": "200",
        "B": 5120,
        "M": 37,
        "a": "curl/8",
        "{x-forwarded-for}i": "10.1.2.3",
        "{cookie}i": "sessionid=rahasia",
        "p": "<123>",
    }
    record = _record("gunicorn.access", msg="%(h)s %(m)s", args=())
    record.args = atoms
    entry = json.loads(JSONFormatter().format(record))
    assert entry["path"] == "/proyek/"
    assert (entry["status"], entry["duration_ms"], entry["forwarded_for"]) == (
        "200",
        37,
        "10.1.2.3",
    )
    assert "rahasia" not in json.dumps(entry)


def test_production_logs_are_json_lines_on_standard_output():
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, logging; django.setup(); logging.getLogger('tracker').warning('halo')",
        ],
        env={**environment, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "halo" in line]
    assert json.loads(line)["message"] == "halo"


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # sentry-sdk compresses with it when installed (WeasyPrint brings it)

            body = brotli.decompress(body)
        _Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_sentry_gets_an_error_when_a_dsn_is_set():
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Collector.received.clear()
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/7"
    script = (
        "import django, sentry_sdk; django.setup();"
        "assert sentry_sdk.get_client().is_active();"
        "sentry_sdk.capture_exception(RuntimeError('rapor gagal dibuat'));"
        "sentry_sdk.flush(5)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**environment, "DJANGO_SETTINGS_MODULE": "tracker.settings", "SENTRY_DSN": dsn},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert any(b"rapor gagal dibuat" in body for body in _Collector.received)
