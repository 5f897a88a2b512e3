"""`make deploy-check`: bring Jejak's production stack up on this machine, check it, tear it down.

Installs Debian's nginx, redis-server and wrk when they are missing, then, in a temporary folder
and on a temporary PostgreSQL database: collectstatic, migrate, `check --deploy` (no warnings),
the demo plus 10,000 generated projects; gunicorn with 2 workers behind nginx (the shipped site
files, with ports and paths of this run) on 127.0.0.1, 2 background workers, a private Redis as
the cache. Through nginx, as a TLS-terminating load balancer would send it (plain HTTP with
X-Forwarded-Proto: https), it checks health, login and the main page of every demo role, the
static files' cache headers, an over-size upload refused by nginx, an agency report built by
one of the workers, the verification rate limit across both gunicorn workers and the backup and
restore drill; then wrk loads the project list and the agency head's dashboard for ~20 s each.
One line per check, the figures last. Every process it started is stopped, every database and
file it made removed.

    python3 deploy/check.py [--python .venv/bin/python] [--duration 20]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "jejak.example.test"
PASSWORD = "demo12345"
DEMO_LOGINS = [
    "peserta",
    "peserta2",
    "coach",
    "mentor",
    "penguji",
    "penyelenggara",
    "kepala",
    "admin",
]
PG_ADMIN_URL = os.environ.get("DEPLOY_CHECK_POSTGRES", "postgres://postgres@127.0.0.1:5432")
GOAL_LIST_RPS, GOAL_LIST_P99_MS, GOAL_DASHBOARD_SHARE = 150, 150, 0.70


class CheckFailed(Exception):
    pass


# --- the machine -------------------------------------------------------------------------------


def install_packages() -> None:
    """Debian's nginx, redis-server and wrk, when missing (as .ci/run installs chromium)."""
    wanted = {"nginx": "nginx", "redis-server": "redis-server", "wrk": "wrk", "openssl": "openssl"}
    missing = [package for command, package in wanted.items() if shutil.which(command) is None]
    if shutil.which("pg_dump") is None:
        missing.append("postgresql-client")
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {' '.join(missing)}", flush=True)
    subprocess.run(
        [*sudo, "apt-get", "update", "-q"], check=True, env=environment, stdout=subprocess.DEVNULL
    )
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
        check=True,
        env=environment,
        stdout=subprocess.DEVNULL,
    )


def ensure_postgres() -> None:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0:
        return
    clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not clusters:
        raise CheckFailed("PostgreSQL is not running on 127.0.0.1:5432 and no cluster to start")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"], check=True
    )
    for _ in range(30):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0:
            return
        time.sleep(1)
    raise CheckFailed("PostgreSQL did not start")


def psql(database: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", f"{PG_ADMIN_URL}/{database}", "-tAXc", sql], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise CheckFailed(f"psql: {result.stderr.strip()}")
    return result.stdout.strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise CheckFailed(f"nothing listens on 127.0.0.1:{port}")


# --- the stack ---------------------------------------------------------------------------------


class Stack:
    """The processes, databases and folders of one run; `close()` removes them all."""

    def __init__(self, python: str) -> None:
        self.python = python
        self.work = Path(tempfile.mkdtemp(prefix="jejak-deploy-check-"))
        # nginx's workers run unprivileged: they must read the static files and the 413 page.
        self.work.chmod(0o755)
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.databases: list[str] = []
        suffix = secrets.token_hex(4)
        self.database = f"jejak_deploy_check_{suffix}"
        self.restored = f"jejak_deploy_check_{suffix}_restored"
        self.ports = {name: free_port() for name in ("gunicorn", "http", "https", "redis")}
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PG"))},
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "SITE_URL": f"https://{HOST}",
            "DATABASE_URL": f"{PG_ADMIN_URL}/{self.database}",
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "TRUSTED_PROXIES": "127.0.0.1",
            "STATIC_ROOT": str(self.work / "staticfiles"),
            "MEDIA_ROOT": str(self.work / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "GUNICORN_BIND": f"127.0.0.1:{self.ports['gunicorn']}",
            "GUNICORN_WORKERS": "2",
            # Every agency report goes to the background workers.
            "REPORT_SYNC_MAX_PROJECTS": "0",
            "DEMO_PASSWORD": PASSWORD,
            "LOG_LEVEL": "WARNING",
            "WORKER_HEARTBEAT_SECONDS": "2",
        }
        for key in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATICFILES_STORAGE", "S3_BUCKET"):
            self.env.pop(key, None)

    def manage(self, *args: str, env: dict | None = None, timeout: int = 600) -> str:
        result = subprocess.run(
            [self.python, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise CheckFailed(
                f"manage.py {' '.join(args)}: {(result.stderr or result.stdout)[-1500:]}"
            )
        return result.stdout + result.stderr

    def start(self, name: str, command: list[str], **kwargs) -> subprocess.Popen:
        log = (self.work / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        self.processes.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.work / f"{name}.log").read_text(errors="replace")

    def create_database(self, name: str) -> None:
        psql("postgres", f'CREATE DATABASE "{name}"')
        self.databases.append(name)

    def nginx_config(self) -> Path:
        """The shipped site files with this run's ports, paths, certificate and balancer."""
        site_dir = self.work / "nginx"
        (site_dir / "errors").mkdir(parents=True)
        shutil.copy(ROOT / "deploy/nginx/errors/413.html", site_dir / "errors/413.html")
        replacements = {
            "/srv/jejak/deploy/nginx/": f"{site_dir}/",
            "/srv/jejak/staticfiles/": f"{self.env['STATIC_ROOT']}/",
            "127.0.0.1:8000": f"127.0.0.1:{self.ports['gunicorn']}",
            "listen 80;": f"listen 127.0.0.1:{self.ports['http']};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.ports['https']} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server_name jejak.example.go.id;": f"server_name {HOST};",
            "/etc/ssl/jejak/": f"{site_dir}/",
            # This check plays the TLS-terminating load balancer in front of nginx.
            "    default 0;\n": "    default 0;\n    127.0.0.1 1;\n",
        }
        for name in ("jejak.conf", "jejak-locations.conf", "jejak-proxy.conf"):
            text = (ROOT / "deploy/nginx" / name).read_text()
            for old, new in replacements.items():
                text = text.replace(old, new)
            (site_dir / name).write_text(text)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-keyout",
                str(site_dir / "privkey.pem"),
                "-out",
                str(site_dir / "fullchain.pem"),
            ],
            check=True,
            capture_output=True,
        )
        main = self.work / "nginx.conf"
        main.write_text(
            f"""worker_processes 2;
pid {self.work}/nginx.pid;
error_log {self.work}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {self.work}/nginx-access.log;
    client_body_temp_path {self.work}/nginx-body;
    proxy_temp_path {self.work}/nginx-proxy;
    fastcgi_temp_path {self.work}/nginx-fastcgi;
    uwsgi_temp_path {self.work}/nginx-uwsgi;
    scgi_temp_path {self.work}/nginx-scgi;
    sendfile on;
    keepalive_timeout 65;
    include {site_dir}/jejak.conf;
}}
"""
        )
        return main

    def close(self, keep_files: bool = False) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for name in reversed(self.databases):
            with contextlib.suppress(CheckFailed):
                psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not keep_files:
            shutil.rmtree(self.work, ignore_errors=True)


# --- HTTP through nginx ------------------------------------------------------------------------


class Browser:
    """One visitor behind the load balancer: plain HTTP to nginx, X-Forwarded-Proto: https."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict | None = None,
        forwarded: bool = True,
        host: str = HOST,
    ):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Host": host, **(headers or {})}
        if forwarded:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response, content

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, fields: dict, **kwargs):
        token = self.cookies.get("csrftoken", "")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}{path}",
            "Origin": f"https://{HOST}",
            "X-CSRFToken": token,
        }
        return self.request(
            "POST", path, body=urlencode(fields).encode(), headers=headers, **kwargs
        )

    def login(self, username: str) -> None:
        response, page = self.get("/masuk/")
        if response.status != 200:
            raise CheckFailed(f"login page answered {response.status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        response, _ = self.post(
            "/masuk/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise CheckFailed(f"{username} could not log in ({response.status})")


# --- the checks --------------------------------------------------------------------------------


def check_health(stack: Stack) -> str:
    browser = Browser(stack.ports["http"])
    deadline = time.monotonic() + 60
    while True:
        # A balancer's probe by address, plain HTTP, without X-Forwarded-Proto.
        response, body = browser.get("/healthz", forwarded=False, host="10.20.30.40")
        report = json.loads(body) if body.startswith(b"{") else {}
        if response.status == 200 and report.get("status") == "ok":
            break
        if time.monotonic() > deadline:
            raise CheckFailed(f"/healthz answered {response.status} {body[:300]!r}")
        time.sleep(1)
    redirect, _ = browser.get("/masuk/", forwarded=False)
    if redirect.status != 301 or not redirect.getheader("Location", "").startswith("https://"):
        raise CheckFailed(f"plain HTTP was not redirected to HTTPS ({redirect.status})")
    context = ssl.create_default_context(cafile=str(stack.work / "nginx/fullchain.pem"))
    context.check_hostname = False
    tls = http.client.HTTPSConnection(
        "127.0.0.1", stack.ports["https"], context=context, timeout=30
    )
    tls.request("GET", "/masuk/", headers={"Host": HOST})
    secure = tls.getresponse()
    secure.read()
    if secure.status != 200 or "max-age=" not in secure.getheader("Strict-Transport-Security", ""):
        raise CheckFailed(f"the TLS server answered {secure.status} without HSTS")
    checks = ", ".join(f"{name} {value}" for name, value in report.items() if name != "failed")
    return f"/healthz by address over plain HTTP: 200 ({checks}); HTTP redirects, TLS serves"


def check_logins(stack: Stack) -> str:
    seen = []
    for username in DEMO_LOGINS:
        browser = Browser(stack.ports["http"])
        browser.login(username)
        response, page = browser.get("/")
        if response.status != 200 or b"keluar" not in page.lower():
            raise CheckFailed(f"{username}'s home page answered {response.status}")
        seen.append(username)
    return f"login and home page (200) for {', '.join(seen)}"


def check_static(stack: Stack) -> str:
    browser = Browser(stack.ports["http"])
    _, page = browser.get("/masuk/")
    found = re.search(rb'href="(/static/css/jejak\.[0-9a-f]{12}\.css)"', page)
    if not found:
        raise CheckFailed("the login page links no hashed stylesheet")
    path = found.group(1).decode()
    response, body = browser.get(path, headers={"Accept-Encoding": "gzip"})
    cache = response.getheader("Cache-Control", "")
    if response.status != 200 or "max-age=31536000" not in cache or "immutable" not in cache:
        raise CheckFailed(f"{path}: {response.status}, Cache-Control {cache!r}")
    if response.getheader("Content-Encoding") != "gzip":
        raise CheckFailed(f"{path} was not served precompressed")
    media, _ = browser.get("/media/documents/anything.pdf")
    if media.status != 404:
        raise CheckFailed(f"/media/ answered {media.status}, not 404")
    return f"{path}: Cache-Control {cache}, gzip; /media/ never served (404)"


def check_oversize_upload(stack: Stack) -> str:
    size = 12 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", stack.ports["http"]), timeout=30) as raw:
        raw.sendall(
            (
                f"POST /tonggak/1/bukti/unggah/ HTTP/1.1\r\nHost: {HOST}\r\n"
                f"X-Forwarded-Proto: https\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {size}\r\n"
                f"Connection: close\r\n\r\n"
            ).encode()
        )
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    status = answer.split(b"\r\n", 1)[0]
    if b" 413 " not in status + b" " or b"Berkas terlalu besar" not in answer:
        raise CheckFailed(f"a 12 MiB upload got {status!r}")
    if "/tonggak/1/bukti/unggah/" in stack.log("gunicorn"):
        raise CheckFailed("the over-size upload reached gunicorn")
    return "a 12 MiB upload: 413 from nginx with the friendly page, gunicorn never saw it"


def check_report_job(stack: Stack) -> tuple[str, str]:
    browser = Browser(stack.ports["http"])
    browser.login("kepala")
    agency = psql(stack.database, "SELECT id FROM tracker_agency WHERE code = 'DINKES-JABAR'")
    path = f"/laporan/instansi/{agency}/"
    response, page = browser.get(path)
    options = re.findall(rb'<option value="(\d+)"[^>]*>([^<]*)</option>', page)
    cohorts = [value.decode() for value, label in options if b"bench" not in label]
    if response.status != 200 or not cohorts:
        raise CheckFailed(f"the agency report form answered {response.status}")
    response, _ = browser.post(path, {"cohort": cohorts[0], "year": ""})
    job_page = urlsplit(response.getheader("Location", "")).path
    if response.status != 302 or "/laporan/permintaan/" not in job_page:
        raise CheckFailed(f"asking for the report answered {response.status}")
    deadline = time.monotonic() + 240
    while True:
        _, page = browser.get(job_page)
        if b"unduh.pdf" in page:
            break
        if time.monotonic() > deadline:
            raise CheckFailed("the report job was not built within 4 minutes")
        time.sleep(1)
    response, pdf = browser.get(job_page.rstrip("/") + "/unduh.pdf")
    if response.status != 200 or not pdf.startswith(b"%PDF"):
        raise CheckFailed(f"the report download answered {response.status}")
    workers = psql(
        stack.database,
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE '%build_report' AND status = 'SUCCESSFUL'",
    )
    built_by = json.loads(workers.splitlines()[0])
    if len(built_by) != 1 or not built_by[0].startswith("deploy-check-"):
        raise CheckFailed(f"the report was claimed by {built_by}")
    code = psql(
        stack.database,
        "SELECT code FROM reports_generateddocument "
        "WHERE kind = 'agency_report' ORDER BY id DESC LIMIT 1",
    )
    return f"agency report job built once, by worker {built_by[0]} ({len(pdf)} bytes)", code


def check_rate_limit(stack: Stack, code: str) -> str:
    from concurrent.futures import ThreadPoolExecutor

    # The limit counts in fixed 10-minute windows: start well inside one.
    remaining = 600 - time.time() % 600
    if remaining < 20:
        time.sleep(remaining + 1)
    before = len(stack.log("gunicorn").splitlines())

    def ask(n: int) -> int:
        # A client's own X-Forwarded-For changes nothing: nginx writes the address it saw.
        response, _ = Browser(stack.ports["http"]).get(
            f"/verifikasi/{code}/", headers={"X-Forwarded-For": f"10.0.{n}.1"}
        )
        return response.status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(ask, range(40)))
    allowed, limited = statuses.count(200), statuses.count(429)
    time.sleep(0.5)
    pids = {
        entry.get("pid")
        for line in stack.log("gunicorn").splitlines()[before:]
        if line.startswith("{") and "/verifikasi/" in line
        for entry in [json.loads(line)]
    }
    if (allowed, limited) != (30, 10):
        raise CheckFailed(f"40 lookups: {allowed} answered, {limited} limited (expected 30/10)")
    if len(pids) < 2:
        raise CheckFailed(f"the lookups reached {len(pids)} gunicorn worker(s), not both")
    return (
        f"40 verification lookups from one address over {len(pids)} gunicorn workers: "
        f"30 answered, 10 limited (429)"
    )


def check_backup_drill(stack: Stack) -> str:
    archive = stack.work / "backup.tar.gz"
    stack.manage("backup", str(archive))
    stack.create_database(stack.restored)
    restored_env = {
        **stack.env,
        "DATABASE_URL": f"{PG_ADMIN_URL}/{stack.restored}",
        "MEDIA_ROOT": str(stack.work / "media-restored"),
    }
    output = stack.manage("restore", str(archive), env=restored_env)
    verified = re.search(r"(\d+) issued documents verified", output)
    count = "SELECT count(*) FROM tracker_changeproject"
    documents = "SELECT count(*) FROM reports_generateddocument"
    if not verified or int(verified.group(1)) != int(psql(stack.database, documents)):
        raise CheckFailed(f"restore: {output[-500:]}")
    if psql(stack.restored, count) != psql(stack.database, count):
        raise CheckFailed("the restored database holds another number of projects")
    size = archive.stat().st_size // 1024
    return (
        f"backup ({size} KiB), restore into an empty database: "
        f"{verified.group(1)} issued documents verified"
    )


def load(stack: Stack, username: str, path: str, seconds: int) -> dict:
    browser = Browser(stack.ports["http"])
    browser.login(username)
    response, _ = browser.get(path)
    if response.status != 200:
        raise CheckFailed(f"{path} as {username} answered {response.status}")
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            "8",
            "-d",
            f"{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Host: {HOST}",
            "-H",
            "X-Forwarded-Proto: https",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{stack.ports['http']}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    output = result.stdout
    if result.returncode != 0 or "Requests/sec" not in output:
        raise CheckFailed(f"wrk: {result.stderr or output}")
    if "Non-2xx or 3xx responses" in output:
        raise CheckFailed(f"wrk on {path} saw failures: {output}")

    def latency(percent: str) -> float:
        value, unit = re.search(rf"{percent}%\s+([\d.]+)(us|ms|s)\b", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


# --- the run -----------------------------------------------------------------------------------


def run(python: str, seconds: int) -> int:
    install_packages()
    ensure_postgres()
    stack = Stack(python)
    started = time.monotonic()
    failures = 0

    def line(ok: bool, name: str, detail: str) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name:<18} {detail}", flush=True)

    try:
        stack.create_database(stack.database)
        stack.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(stack.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(stack.work),
            ],
        )
        stack.manage("collectstatic", "--no-input", "-v", "0")
        stack.manage("migrate", "--no-input", "-v", "0")
        warnings = stack.manage("check", "--deploy", "--fail-level", "WARNING")
        line(True, "setup", f"collectstatic, migrate, check --deploy: {warnings.strip()}")
        stack.manage("seed_demo")
        stack.manage(
            "seed_projects", "--count", "10000", "--under", "DINKES-JABAR", "--share", "0.1"
        )
        projects = psql(stack.database, "SELECT count(*) FROM tracker_changeproject")
        line(True, "seed", f"demo plus 10,000 generated projects ({projects} in all)")
        wait_for_port(stack.ports["redis"])
        stack.start(
            "gunicorn", [str(Path(python).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"]
        )
        for n in (1, 2):
            stack.start(
                f"worker-{n}",
                [python, "manage.py", "worker", "--no-reload", "--worker-id", f"deploy-check-{n}"],
            )
        config = stack.nginx_config()
        tested = subprocess.run(
            ["nginx", "-t", "-c", str(config), "-e", str(stack.work / "nginx-error.log")],
            capture_output=True,
            text=True,
        )
        if tested.returncode != 0:
            raise CheckFailed(f"nginx -t: {tested.stderr}")
        stack.start(
            "nginx",
            [
                "nginx",
                "-c",
                str(config),
                "-e",
                str(stack.work / "nginx-error.log"),
                "-g",
                "daemon off;",
            ],
        )
        wait_for_port(stack.ports["gunicorn"])
        wait_for_port(stack.ports["http"])
        line(
            True,
            "stack",
            f"gunicorn (2 workers) on :{stack.ports['gunicorn']} behind nginx on "
            f":{stack.ports['http']} and :{stack.ports['https']} (TLS), 2 workers, "
            f"Redis on :{stack.ports['redis']}",
        )

        code = ""
        checks = [
            ("health", lambda: check_health(stack)),
            ("logins", lambda: check_logins(stack)),
            ("static files", lambda: check_static(stack)),
            ("over-size upload", lambda: check_oversize_upload(stack)),
        ]
        for name, check in checks:
            try:
                line(True, name, check())
            except (CheckFailed, OSError, AttributeError, ValueError) as error:
                failures += 1
                line(False, name, str(error))
        try:
            detail, code = check_report_job(stack)
            line(True, "report job", detail)
        except (CheckFailed, OSError, AttributeError, ValueError) as error:
            failures += 1
            line(False, "report job", str(error))
        for name, check in [
            ("verify rate limit", lambda: check_rate_limit(stack, code)),
            ("backup drill", lambda: check_backup_drill(stack)),
        ]:
            try:
                line(True, name, check())
            except (CheckFailed, OSError, AttributeError, ValueError) as error:
                failures += 1
                line(False, name, str(error))

        figures = {}
        for name, (user, path) in {
            "list": ("admin", "/proyek/"),
            "dashboard": ("kepala", "/"),
        }.items():
            try:
                figures[name] = load(stack, user, path, seconds)
                f = figures[name]
                line(
                    True,
                    f"load {name}",
                    f"{path} as {user}: {f['requests']} requests in {seconds} s",
                )
            except (CheckFailed, OSError, AttributeError, ValueError) as error:
                failures += 1
                line(False, f"load {name}", str(error))
        crashed = [name for name, process in stack.processes if process.poll() is not None]
        if crashed:
            failures += 1
            line(False, "processes", f"stopped during the check: {', '.join(crashed)}")
        elapsed = time.monotonic() - started
        if len(figures) == 2:
            lst, dash = figures["list"], figures["dashboard"]
            share = dash["rps"] / lst["rps"] if lst["rps"] else 0
            list_goal = lst["rps"] >= GOAL_LIST_RPS and lst["p99"] <= GOAL_LIST_P99_MS
            dash_goal = share >= GOAL_DASHBOARD_SHARE
            print(
                f"figures: project list (10,000 projects, admin) {lst['rps']:.1f} req/s, "
                f"p50 {lst['p50']:.0f} ms, p99 {lst['p99']:.0f} ms "
                f"[goal >= {GOAL_LIST_RPS} req/s, p99 <= {GOAL_LIST_P99_MS} ms: "
                f"{'met' if list_goal else 'missed'}]; agency dashboard (kepala) "
                f"{dash['rps']:.1f} req/s ({share:.0%} of the list), p50 {dash['p50']:.0f} ms, "
                f"p99 {dash['p99']:.0f} ms [goal >= {GOAL_DASHBOARD_SHARE:.0%}: "
                f"{'met' if dash_goal else 'missed'}]; {failures} checks failed; "
                f"{elapsed:.0f} s",
                flush=True,
            )
        else:
            print(f"figures: none (load test failed); {failures} checks failed", flush=True)
    except (CheckFailed, subprocess.SubprocessError, OSError) as error:
        failures += 1
        line(False, "setup", str(error))
        for name, _process in stack.processes:
            tail = stack.log(name)[-1500:] if (stack.work / f"{name}.log").exists() else ""
            if tail:
                print(f"--- {name} log ---\n{tail}", file=sys.stderr)
        print(f"figures: none; {failures} checks failed", flush=True)
    finally:
        keep = bool(failures and os.environ.get("DEPLOY_CHECK_KEEP"))
        stack.close(keep_files=keep)
        if keep:
            print(f"logs and files kept for inspection: {stack.work}", file=sys.stderr)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=str(ROOT / ".venv/bin/python"))
    parser.add_argument("--duration", type=int, default=20, help="Seconds of wrk per page.")
    options = parser.parse_args()
    sys.exit(run(options.python, options.duration))


if __name__ == "__main__":
    main()
