"""Load test: 300 simulated users of every role, with think times, on a real server (gunicorn, gthread) over
loopback, on the city-scale PostgreSQL database, with report builds done by a running worker.

Targets: p95 <= 300 ms for pages and API reads, zero errors, no write lost (each write the clients saw succeed
is a row in the database at the end, and no other row appeared). This prints the throughput and the latency
(p50 / p95 / p99) per kind of request, the errors, the write check, the report builds queued and built, and a
verdict line per target (PASS, or MISS with the amount).

This is a measurement, not a test (pytest only collects tests/); it exits 0 unless it crashes.

What it does:
1. makes sure the city database exists (bench/pages.py --build-only: reused if present, else built, several
   minutes), then prepares in-process (Django, the same settings as the server): the simulated users by role
   (--mix, default for 300: 150 lead officers, 60 personnel officers, 30 of the standing office, 20 steering
   committee members, 15 of the reform office, 15 of inspection, 10 administrators), each its own account
   where the city data has one (cb.<unit>.1/2, tccb.<unit>.1/2, thuongtruc.1/2, bcd.1, cchc, kiemtra, admin)
   and otherwise a "tai.<role>.<n>" account added with the same unit, role and (demo) password; an API token
   each (write scope for those who write); for each lead officer a deliverable of their own unit that no other
   simulated user touches, put "in progress" so it can go back and forth; for the office and the steering
   committee, deliverables nobody else writes to (their comments and directives);
2. starts gunicorn as scripts/prod-web.sh does (chidao.wsgi, production settings: CHIDAO_DEBUG=0), but with
   gthread workers (--workers 3 --threads 8 by default: 3 processes keep the 2 cores busy while one waits on
   PostgreSQL; 8 threads each let 24 requests be in flight; a thinking user's idle keep-alive connection holds
   no thread, where a sync worker would be tied to it), on 127.0.0.1:--port; and --task-workers `chidao
   worker` processes as scripts/prod-worker.sh does (report builds); requests carry X-Forwarded-Proto: https,
   as behind the TLS proxy. The second factor is off for the run (CHIDAO_OTP_REQUIRED_ROLES empty: the
   simulated administrators and personnel officers have no authenticator);
3. starts the users over the first --ramp seconds (evenly), each in its own thread (standard library only:
   http.client, cookies kept by hand as they are Secure): log in once through the login form (CSRF token,
   password), then until the end: one action of its role's mix (a weighted draw), then a think time (exponential
   with mean --think seconds, at least --think-min). An action is one request, or a page and the form sent from
   it. The mixes (a working morning):
   - lead officer: "Việc của tôi" (the inbox, sometimes "due within 30 days"), the program list, the program's
     dashboard, its deliverable list (filters and pages), its deliverable, notifications; API: inbox, the
     program's deliverables, the deliverable; writes: a transition of its deliverable through the API ("in
     progress" <-> "draft done", with the version just read), a progress note through the API, "mark all read"
     through the notifications page's form;
   - personnel officer: people list pages, a search without diacritics, a record of its unit, planning terms and
     a term, rotation rounds; API: people search, the record;
   - standing office: the inbox, program list, dashboards, deliverable lists and records of any program, the
     reports page and its build list, the rotation due list and plan; API: programs, a summary, inbox; writes: a
     comment through the API; imports: a workbook of --import-rows new deliverables through the import page;
     report builds: the reports page's build action (a year-end or periodic report, .docx or .xlsx);
   - steering committee: the inbox, dashboards, overdue lists, records; API: inbox, a summary; writes: a
     directive through the API;
   - reform office: the procedures registry, a search, counts, figures, decisions, reviews, indicators; API:
     procedures, indicators;
   - inspection: program list, dashboards, lists, records, the change log; API: programs, status history;
   - administrator: the inbox, program list, users, the change log, the people list, the access log, the due
     list; API: programs; and a few imports and report builds as the office;
4. after --seconds past the ramp-up, stops the users, waits (at most --drain seconds) for the worker to build
   every report queued, and prints: duration, users, requests and requests/s overall and per kind (page, api
   read, write, import, report build queued, login), p50/p95/p99 per kind and per request (and per kind, of the
   requests sent once the last login was answered: the logins, PBKDF2, queue ahead of everything while the users
   arrive), the errors (any status other than the one expected, or no answer; the first few messages), the
   write check (rows in the database before and after vs. the writes the clients saw succeed: notes, status
   changes of the existing deliverables, deliverables imported, report builds; a write sent with no answer is
   counted apart, as it may or may not be done), report builds queued vs. built, the load average, the CPU
   seconds of the server's workers, the task workers and this client against the machine's, and the verdicts.
The writes stay in the database: they are valid workflow steps (notes, status changes, imported deliverables,
report builds, read notifications), so a later run starts from a slightly different database.

Run:  .venv/bin/python bench/load.py [--users 300] [--seconds 240] [--ramp 30] [--think 6] [--think-min 1]
      [--workers 3] [--threads 8] [--task-workers 1] [--import-rows 5] [--port 8765] [--drain 180]
      [--mix lead=50,personnel=20,office=10,steering=6.67,reform=5,auditor=5,admin=3.33]
      [--pg-url postgres://postgres@127.0.0.1:5432/chidao_bench]
"""

import argparse
import datetime as dt
import http.client
import io
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
PROJECT_DIR = BENCH.parent
BIN = Path(sys.executable).parent  # gunicorn and chidao of the same environment
sys.path.insert(0, str(BENCH))
import pages  # noqa: E402  (bench/pages.py: the same database, settings and build)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KINDS = ["page", "api", "write", "import", "report", "login"]
KIND_LABELS = {"page": "page", "api": "api read", "write": "write", "import": "import",
               "report": "report build queued", "login": "login"}
ROLES = ["lead", "personnel", "office", "steering", "reform", "auditor", "admin"]
DEFAULT_MIX = "lead=50,personnel=20,office=10,steering=6.67,reform=5,auditor=5,admin=3.33"
P95_TARGET_MS = 300.0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=300)
    p.add_argument("--seconds", type=float, default=240.0, help="seconds of load after the ramp-up (default 240)")
    p.add_argument("--ramp", type=float, default=30.0, help="seconds over which the users start (default 30)")
    p.add_argument("--think", type=float, default=6.0, help="mean think time between actions, seconds (default 6)")
    p.add_argument("--think-min", type=float, default=1.0, help="shortest think time, seconds (default 1)")
    p.add_argument("--mix", default=DEFAULT_MIX, help=f"share of each role in percent (default {DEFAULT_MIX})")
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    p.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker, gthread (default 8)")
    p.add_argument("--task-workers", type=int, default=1, help="`chidao worker` processes (default 1)")
    p.add_argument("--import-rows", type=int, default=5, help="deliverables per imported workbook (default 5)")
    p.add_argument("--drain", type=float, default=180.0, help="most seconds to wait for the report builds")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/chidao_bench")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--timeout", type=float, default=120.0, help="seconds a request may take (gunicorn's too)")
    p.add_argument("--logs", default="/tmp/chidao-bench/load-logs", help="folder of the server's and workers' logs")
    return p.parse_args()


def role_counts(users: int, mix: str) -> dict[str, int]:
    """Users per role from the percentages, rounded so that they add up to `users` (largest remainders)."""
    shares = {k.strip(): float(v) for k, v in (part.split("=") for part in mix.split(",") if part.strip())}
    unknown = set(shares) - set(ROLES)
    if unknown:
        raise SystemExit(f"unknown roles in --mix: {', '.join(sorted(unknown))} (roles: {', '.join(ROLES)})")
    total = sum(shares.values())
    exact = {r: users * shares.get(r, 0) / total for r in ROLES}
    counts = {r: int(exact[r]) for r in ROLES}
    for r in sorted(ROLES, key=lambda r: -(exact[r] - counts[r]))[:users - sum(counts.values())]:
        counts[r] += 1
    return counts


# --- Preparation (in-process Django) -----------------------------------------------------------------


@dataclass
class Persona:
    role: str
    username: str
    token: str
    program: int = 0
    deliverable: int = 0  # lead: its own; office, steering: where its comments and directives go
    person: int = 0
    search: str = ""
    unit_name: str = ""  # the lead unit of imported deliverables


def _extra(role_value: str, like: Any, k: int) -> Any:
    """The account "tai.<role>.<k>" (added, with the unit, role and password of `like`, if not there yet)."""
    from chidao.core.models import User

    username = f"tai.{role_value}.{k}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, full_name=f"Người dùng thử tải {k}", role=role_value,
                                   unit=like.unit, password=like.password, email=f"{username}@chidao.invalid")
    return user


def _accounts(role_value: str, like: str, n: int, pattern: str) -> list[Any]:
    """`n` accounts of a role: those of the data (by `pattern` first, then any other of the role), then
    "tai.<role>.<k>" accounts like `like`."""
    from chidao.core.models import User

    found = list(User.objects.filter(role=role_value, is_active=True, username__regex=pattern).order_by("pk"))
    found += [u for u in User.objects.filter(role=role_value, is_active=True).exclude(
        username__startswith="tai.").order_by("pk") if u not in found]
    model = User.objects.get(username=like) if like else found[0]
    return (found + [_extra(role_value, model, k) for k in range(1, n - len(found) + 1)])[:n]


def _lead_personas(n: int, token: Callable[[Any, bool], str]) -> tuple[list[Persona], set[int], list[int]]:
    """Lead officers: the two officers of each unit, units leading most open deliverables first, each with a
    deliverable of its unit nobody else touches (put "in progress" if it had not started)."""
    from django.db.models import Count

    from chidao.core.models import Role, User
    from chidao.programs import services
    from chidao.programs.models import Deliverable, Status

    personas: list[Persona] = []
    taken: set[int] = set()
    lead_units = list(Deliverable.objects.exclude(status__in=[Status.COMPLETED, Status.CANCELLED])
                      .values("lead_unit").annotate(n=Count("pk")).order_by("-n", "lead_unit")
                      .values_list("lead_unit", flat=True))
    officers = [u for unit in lead_units for u in User.objects.filter(
        role=Role.LEAD_OFFICER, unit_id=unit, is_active=True).order_by("pk")[:2]]
    if len(officers) < n:
        officers += [_extra(Role.LEAD_OFFICER, officers[0], k) for k in range(1, n - len(officers) + 1)]
    for user in officers:
        if len(personas) >= n:
            break
        open_ = Deliverable.objects.filter(lead_unit_id=user.unit_id).exclude(pk__in=taken)
        d = open_.filter(status__in=[Status.IN_PROGRESS, Status.DRAFT_DONE]).order_by("pk").first()
        if d is None:
            d = open_.filter(status=Status.NOT_STARTED).order_by("pk").first()
            if d is not None:
                services.deliverable_transition(actor=user, deliverable=d, to_status=Status.IN_PROGRESS)
        if d is None:
            continue
        taken.add(d.pk)
        personas.append(Persona("lead", user.username, token(user, True), d.program_id, deliverable=d.pk))

    return personas, taken, lead_units


def prepare(args: argparse.Namespace, counts: dict[str, int]) -> tuple[list[Persona], dict[str, Any]]:
    import django

    django.setup()
    from django.utils import timezone

    from chidao.core.models import Role, TokenScope, Unit, User
    from chidao.core.text import fold
    from chidao.core.tokens import api_token_create
    from chidao.personnel.models import Person
    from chidao.programs.models import Deliverable, Program, Status
    from chidao.reports.forms import default_period, default_year

    rng = random.Random(args.seed)
    personas: list[Persona] = []

    def token(user: Any, write: bool) -> str:
        scope = TokenScope.WRITE if write else TokenScope.READ
        return api_token_create(user=user, name="bench/load.py", scope=scope)[1]

    leads, taken, lead_units = _lead_personas(counts["lead"], token)
    personas += leads

    # Personnel officers: one of each unit in turn (tccb.<unit>.1, then .2), those who see someone.
    officers = sorted(_accounts(Role.PERSONNEL, "", 2 * counts["personnel"] + 20, r"^tccb\."),
                      key=lambda u: (u.username.rsplit(".", 1)[-1], u.pk))
    for user in officers:
        if len([p for p in personas if p.role == "personnel"]) >= counts["personnel"]:
            break
        people = list(Person.objects.visible_to(user).order_by("pk").values_list("pk", "full_name")[:200])
        if not people:
            continue
        pk, name = rng.choice(people)
        personas.append(Persona("personnel", user.username, token(user, False), person=pk,
                                search=" ".join(fold(name).split()[-2:])))

    programs = list(Program.objects.order_by("pk").values_list("pk", flat=True))
    spare = list(Deliverable.objects.exclude(pk__in=taken).exclude(status__in=[Status.COMPLETED, Status.CANCELLED])
                 .order_by("pk").values_list("pk", "program_id")[:counts["office"] + counts["steering"] + 50])
    unit_names = list(Unit.objects.current().filter(pk__in=lead_units[:40]).values_list("name", flat=True))
    others = [("office", Role.OFFICE, "thuongtruc.1", r"^thuongtruc\."), ("steering", Role.STEERING, "bcd.1", "^bcd"),
              ("reform", Role.REFORM, "cchc", "^cchc$"), ("auditor", Role.AUDITOR, "kiemtra", "^kiemtra$"),
              ("admin", Role.ADMIN, "admin", "^admin$")]
    for role, role_value, like, pattern in others:
        if not counts[role]:
            continue
        like = like if User.objects.filter(username=like).exists() else ""
        for user in _accounts(role_value, like, counts[role], pattern):
            p = Persona(role, user.username, token(user, role in ("office", "steering", "admin")), rng.choice(programs),
                        unit_name=rng.choice(unit_names))
            if role in ("office", "steering"):
                p.deliverable, p.program = spare.pop(0)
            personas.append(p)

    today = timezone.localdate()
    report_params = {}
    for program in Program.objects.all():
        report_params[program.pk] = {"year": default_year(program, today), "period": default_period(program, today),
                                     "issued_on": program.issued_on.isoformat(), "period_end": program.period_end}
    c = pages.context()
    stamp = int(time.time()) % 36 ** 4
    shared = {"stamp": "".join("0123456789abcdefghijklmnopqrstuvwxyz"[stamp // 36 ** k % 36] for k in range(4)),
              "programs": programs, "round": c["round"], "term": c["term"], "task_force": c["task_force"],
              "report_params": report_params}
    rng.shuffle(personas)  # the roles start mixed over the ramp-up
    return personas, shared


def db_counts(since: dict[str, int] | None = None) -> dict[str, int]:
    """Rows the writes add: notes, status changes of the deliverables there before, deliverables, report builds
    (and of those queued after `since`, how many are built or failed)."""
    from chidao.programs.models import Deliverable, Note, StatusChange
    from chidao.reports.models import ReportJob

    first = since or {}
    out = {
        "notes": Note.objects.count(),
        "status_changes": StatusChange.objects.filter(
            deliverable_id__lte=first.get("max_deliverable", 1 << 62)).count(),
        "deliverables": Deliverable.objects.count(),
        "report_jobs": ReportJob.objects.count(),
        "max_deliverable": Deliverable.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "max_job": ReportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    }
    if since is not None:
        jobs = ReportJob.objects.filter(pk__gt=since["max_job"])
        out["jobs_done"] = jobs.filter(state=ReportJob.State.DONE).count()
        out["jobs_failed"] = jobs.filter(state=ReportJob.State.FAILED).count()
        out["jobs_open"] = jobs.filter(state__in=[ReportJob.State.QUEUED, ReportJob.State.RUNNING]).count()
    return out


# --- The server and the workers ------------------------------------------------------------------------


def start_processes(args: argparse.Namespace, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "gunicorn"), "chidao.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
               "--worker-class", "gthread", "--workers", str(args.workers), "--threads", str(args.threads),
               "--timeout", str(int(args.timeout)), "--keep-alive", "5", "--backlog", "2048",
               "--log-level", "warning", "--error-logfile", str(logs / "gunicorn.log")]
    procs = [subprocess.Popen(command, cwd=PROJECT_DIR, env=env)]
    for i in range(args.task_workers):
        out = open(logs / f"worker-{i + 1}.log", "ab")  # noqa: SIM115 (kept open for the process's life)
        procs.append(subprocess.Popen([str(BIN / "chidao"), "worker", "--queue-name", "*", "--no-reload"],
                                      cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/dang-nhap/", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return procs
        except OSError:
            pass
        time.sleep(0.5)
    stop_processes(procs)
    raise SystemExit(f"gunicorn did not answer within 60 s (see {logs / 'gunicorn.log'})")


def stop_processes(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()  # from field 3 (state) on


def cpu_seconds(procs: list[subprocess.Popen[bytes]]) -> dict[str, float]:
    """CPU seconds used so far (user + system, from /proc): by gunicorn's workers (the master's children), by the
    task workers, by this process (the simulated users), and by the whole machine (busy of all)."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(pid: int) -> float:
        try:
            f = _stat(pid)
        except (OSError, ValueError):
            return 0.0
        return (int(f[11]) + int(f[12])) / tick

    master = procs[0].pid
    workers = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == master:
                    workers += own(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return {"web": workers, "tasks": sum(own(p.pid) for p in procs[1:]), "client": time.process_time(),
            "busy": (sum(fields) - idle) / tick, "all": sum(fields) / tick}


# --- A simulated user -----------------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    records: list[tuple[str, str, float, float]] = field(default_factory=list)  # kind, name, started, ms
    errors: list[str] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    done: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # writes the clients saw succeed

    def add(self, kind: str, name: str, started: float, ms: float, error: str | None) -> None:
        with self.lock:
            self.records.append((kind, name, started, ms))
            if error:
                self.errors.append(f"{kind} {name}: {error}")
                self.error_kinds[kind] += 1

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.done[what] += n


class Browser:
    """One user's connection: cookies kept by hand (the session and CSRF cookies are Secure, as behind TLS)."""

    def __init__(self, port: int, stats: Stats, timeout: float) -> None:
        self.port, self.stats, self.timeout = port, stats, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.last_status = 0  # of the last request; 0: no answer (a write may or may not have been done)

    def _connection(self) -> http.client.HTTPConnection:
        # The server closes a keep-alive connection idle for 5 s: after a think time, a new one (as a browser).
        if self.conn is not None and time.monotonic() - self.last_used > 4.0:
            self.conn.close()
            self.conn = None
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def request(self, kind: str, name: str, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None, expect: tuple[int, ...] = (200,)) -> tuple[int, bytes]:
        sent = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}",
                "Referer": f"https://127.0.0.1:{self.port}/", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        status, data, error = 0, b"", None
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=sent)
                response = conn.getresponse()
                status, data = response.status, response.read()
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie":
                        key, _sep, val = value.split(";", 1)[0].partition("=")
                        self.cookies[key.strip()] = val.strip()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.conn = None
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.conn = None
                # A kept-alive connection the server had just closed: the request never reached a view; once more
                # on a new connection. A new connection that fails is an error.
                if attempt == 2 or not reused:
                    error = repr(exc)
                    break
            except OSError as exc:
                self.conn = None
                error = repr(exc)
                break
        self.last_used = time.monotonic()
        self.last_status = status
        ms = (time.monotonic() - started) * 1000
        if error is None and status not in expect:
            error = f"HTTP {status} {method} {path} {data[:200]!r}"
        self.stats.add(kind, name, started, ms, error)
        return status, data

    def get(self, kind: str, name: str, path: str, **kw: Any) -> tuple[int, bytes]:
        return self.request(kind, name, "GET", path, **kw)

    def form(self, kind: str, name: str, path: str, fields: dict[str, str], expect: tuple[int, ...] = (302,),
             files: dict[str, tuple[str, bytes, str]] | None = None) -> tuple[int, bytes]:
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for key, value in fields.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                             f"{value}\r\n".encode())
            for key, (filename, content, mime) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                             f"Content-Type: {mime}\r\n\r\n".encode() + content + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(kind, name, "POST", path, body=body, headers={"Content-Type": content_type}, expect=expect)

    def api(self, kind: str, name: str, method: str, path: str, token: str, payload: Any = None,
            expect: tuple[int, ...] = (200,)) -> Any:
        headers = {"Authorization": f"Bearer {token}"}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        status, data = self.request(kind, name, method, f"/api/v1{path}", body=body, headers=headers, expect=expect)
        try:
            return json.loads(data) if status in expect else None
        except ValueError:
            return None

    def csrf(self, html: bytes) -> str:
        found = CSRF_INPUT.search(html.decode("utf-8", "replace"))
        return found.group(1) if found else self.cookies.get("csrftoken", "")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_workbook(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Nội dung"
    ws.append(["Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Lãnh đạo phụ trách",
               "Thời hạn", "Mô tả"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class User:
    """One simulated user: its persona, browser, random stream and the actions of its role."""

    def __init__(self, n: int, p: Persona, shared: dict[str, Any], args: argparse.Namespace, stats: Stats) -> None:
        self.n, self.p, self.shared, self.args, self.stats = n, p, shared, args, stats
        self.rng = random.Random(args.seed * 1000 + n)
        self.b = Browser(args.port, stats, args.timeout)
        self.step = 0
        self.imports = 0

    # Shared pieces.
    def page(self, name: str, path: str) -> tuple[int, bytes]:
        return self.b.get("page", name, path)

    def api(self, name: str, path: str) -> Any:
        return self.b.api("api", name, "GET", path, self.p.token)

    def any_program(self) -> int:
        return int(self.rng.choice(self.shared["programs"]))

    def inbox(self) -> None:
        self.page("inbox", self.rng.choice(["/viec-cua-toi/"] * 3 + ["/viec-cua-toi/?days=30"]))

    def program_list(self) -> None:
        self.page("program list", "/chuong-trinh/")

    def dashboard(self, own: bool = True) -> None:
        self.page("program dashboard", f"/chuong-trinh/{self.p.program if own else self.any_program()}/")

    def deliverable_list(self, own: bool = True) -> None:
        listing = self.rng.choice(["", "?deadline_class=open_overdue", "?page=2", "?q=chuyen+doi",
                                   "?status=in_progress"])
        program = self.p.program if own else self.any_program()
        self.page("deliverable list", f"/chuong-trinh/{program}/noi-dung/{listing}")

    def deliverable(self, pk: int | None = None) -> None:
        if pk is None:  # one from the first page of a random program's list, as a user clicks it
            data = self.api("api deliverables", f"/programs/{self.any_program()}/deliverables?page_size=20")
            if not data or not data.get("items"):
                return
            pk = self.rng.choice(data["items"])["id"]
        self.page("deliverable record", f"/noi-dung/{pk}/")

    def note(self, kind: str, text: str, percent: int | None = None) -> None:
        payload: dict[str, Any] = {"kind": kind,
                                   "text": f"{text} (kiểm thử tải, người dùng {self.n}, bước {self.step})."}
        if percent is not None:
            payload["percent"] = percent
        if self.b.api("write", f"api note: {kind}", "POST", f"/deliverables/{self.p.deliverable}/notes", self.p.token,
                      payload, expect=(201,)) is not None:
            self.stats.count("notes")
        elif not self.b.last_status:
            self.stats.count("notes?")

    def transition(self) -> None:
        d = self.api("api deliverable", f"/deliverables/{self.p.deliverable}")
        if not d:
            return
        to = "draft_done" if d["status"] == "in_progress" else "in_progress"
        if self.b.api("write", "api transition", "POST", f"/deliverables/{self.p.deliverable}/transition", self.p.token,
                      {"to_status": to, "version": d["version"]}) is not None:
            self.stats.count("status_changes")
        elif not self.b.last_status:
            self.stats.count("status_changes?")

    def mark_read(self) -> None:
        _status, html = self.page("notifications", "/thong-bao/")
        status, _data = self.b.form("write", "mark all read", "/thong-bao/da-doc/",
                                    {"csrfmiddlewaretoken": self.b.csrf(html)})
        if status == 302:
            self.stats.count("mark_read")

    def do_import(self) -> None:
        program = self.any_program()
        params = self.shared["report_params"][program]
        _status, html = self.page("import page", f"/chuong-trinh/{program}/nhap-excel/")
        self.imports += 1
        deadline = dt.date(params["period_end"], 12, 31).strftime("%d/%m/%Y")
        # Codes new in the program: this run's stamp (runs on the same database draw the same programs).
        rows = [[f"T{self.shared['stamp']}{self.n:03d}{self.imports:02d}{i}", "Đề án",
                 f"Đề án thử tải {self.n}-{self.imports}-{i}: nâng cao chất lượng công tác",
                 self.p.unit_name, "", "Nguyễn Văn A", deadline, ""] for i in range(self.args.import_rows)]
        status, _data = self.b.form("import", "import deliverables", f"/chuong-trinh/{program}/nhap-excel/",
                                    {"csrfmiddlewaretoken": self.b.csrf(html)},
                                    files={"file": ("noi-dung.xlsx", import_workbook(rows), XLSX)})
        if status == 302:
            self.stats.count("imports")
            self.stats.count("deliverables", len(rows))
        elif not status:
            self.stats.count("deliverables?", len(rows))

    def report_build(self) -> None:
        program = self.any_program()
        params = self.shared["report_params"][program]
        _status, html = self.page("reports", f"/chuong-trinh/{program}/bao-cao/")
        kind, fmt = self.rng.choice([("year_end", "docx"), ("year_end", "xlsx"), ("periodic", "docx"),
                                     ("periodic", "xlsx")])
        fields = {"csrfmiddlewaretoken": self.b.csrf(html), "kind": kind, "format": fmt,
                  "year": str(params["year"]), "period": params["period"], "as_of": "", "unit": ""}
        status, _data = self.b.form("report", "report build", f"/chuong-trinh/{program}/bao-cao/lap/", fields)
        if status == 302:
            self.stats.count("report_jobs")
        elif not status:
            self.stats.count("report_jobs?")
        self.page("report jobs", f"/chuong-trinh/{program}/bao-cao/danh-sach/")

    # The mixes: (weight, action).
    def actions(self) -> list[tuple[float, Callable[[], object]]]:
        p, rng = self.p, self.rng
        if p.role == "lead":
            return [
                (4, self.inbox), (1, self.program_list), (2, self.dashboard), (2, self.deliverable_list),
                (3, lambda: self.deliverable(p.deliverable)), (1, lambda: self.page("notifications", "/thong-bao/")),
                (1, lambda: self.api("api inbox", "/inbox")),
                (1, lambda: self.api("api deliverables", f"/programs/{p.program}/deliverables?page_size=50")),
                (1, lambda: self.api("api deliverable", f"/deliverables/{p.deliverable}")),
                (1.5, self.transition),
                (1.5, lambda: self.note("progress", "Cập nhật tiến độ", rng.randint(10, 90))),
                (0.5, self.mark_read),
            ]
        if p.role == "personnel":
            return [
                (3, lambda: self.page("people list", f"/can-bo/?page={rng.randint(1, 5)}")),
                (2, lambda: self.page("people search", "/can-bo/?" + urlencode({"q": p.search}))),
                (3, lambda: self.page("person record", f"/can-bo/{p.person}/")),
                (1, lambda: self.page("planning terms", "/quy-hoach/")),
                (1, lambda: self.page("planning term", f"/quy-hoach/{self.shared['term']}/")),
                (1, lambda: self.page("rotation rounds", "/luan-chuyen/")),
                (1.5, lambda: self.api("api people search", "/people?" + urlencode({"q": p.search}))),
                (1, lambda: self.api("api person", f"/people/{p.person}")),
            ]
        if p.role == "office":
            return [
                (4, self.inbox), (1, self.program_list), (2, lambda: self.dashboard(own=False)),
                (2, lambda: self.deliverable_list(own=False)), (2, self.deliverable),
                (0.5, lambda: self.page("reports", f"/chuong-trinh/{self.any_program()}/bao-cao/")),
                (1, lambda: self.page("report jobs", f"/chuong-trinh/{self.any_program()}/bao-cao/danh-sach/")),
                (1, lambda: self.page("rotation due list",
                                      f"/luan-chuyen/{self.shared['round']}/?page={rng.randint(1, 20)}")),
                (0.5, lambda: self.page("rotation plan", f"/luan-chuyen/{self.shared['round']}/phuong-an/")),
                (1, lambda: self.api("api programs", "/programs")),
                (1, lambda: self.api("api summary", f"/programs/{self.any_program()}/summary")),
                (1, lambda: self.api("api inbox", "/inbox")),
                (1, lambda: self.note("comment", "Đề nghị đơn vị báo cáo tiến độ")),
                (0.3, self.do_import), (0.4, self.report_build),
            ]
        if p.role == "steering":
            return [
                (4, self.inbox), (3, lambda: self.dashboard(own=False)), (1, self.program_list),
                (1, lambda: self.page("deliverable list", f"/chuong-trinh/{self.any_program()}/noi-dung/"
                                                          "?deadline_class=open_overdue")),
                (2, self.deliverable), (1, lambda: self.api("api inbox", "/inbox")),
                (1, lambda: self.api("api summary", f"/programs/{self.any_program()}/summary")),
                (0.5, lambda: self.note("directive", "Yêu cầu khẩn trương hoàn thành")),
            ]
        if p.role == "reform":
            return [
                (3, lambda: self.page("procedures registry", f"/thu-tuc/?page={rng.randint(1, 5)}")),
                (1, lambda: self.page("procedures search", "/thu-tuc/?q=cap+giay+phep")),
                (1, lambda: self.page("procedure counts", "/thu-tuc/thong-ke/?year=2021")),
                (1, lambda: self.page("procedure figures", "/thu-tuc/so-lieu/")),
                (1, lambda: self.page("procedure decisions", "/thu-tuc/quyet-dinh/")),
                (1, lambda: self.page("procedure reviews", "/thu-tuc/ra-soat/")),
                (2, lambda: self.page("indicators", "/chi-so/")),
                (1, lambda: self.api("api procedures", "/procedures?q=giay+phep")),
                (1, lambda: self.api("api indicators", "/indicators")),
            ]
        if p.role == "auditor":
            return [
                (2, self.program_list), (2, lambda: self.dashboard(own=False)),
                (2, lambda: self.deliverable_list(own=False)), (2, self.deliverable),
                (1, lambda: self.page("change log", "/quan-tri/nhat-ky-thay-doi/")),
                (1, lambda: self.api("api programs", "/programs")),
                (1, lambda: self.api("api status changes", f"/deliverables/{rng.choice(self.shared['deliverables'])}"
                                                           "/status-changes")),
            ]
        return [  # admin
            (2, self.inbox), (1, self.program_list), (1, lambda: self.page("users", "/quan-tri/nguoi-dung/")),
            (1, lambda: self.page("change log", "/quan-tri/nhat-ky-thay-doi/")),
            (1, lambda: self.page("people list", f"/can-bo/?page={rng.randint(1, 5)}")),
            (1, lambda: self.page("access log", "/can-bo/nhat-ky-truy-cap/")),
            (1, lambda: self.page("rotation due list", f"/luan-chuyen/{self.shared['round']}/")),
            (1, lambda: self.api("api programs", "/programs")),
            (0.2, self.do_import), (0.2, self.report_build),
        ]

    def login(self, password: str) -> bool:
        _status, html = self.b.get("login", "login form", "/dang-nhap/")
        self.b.form("login", "login", "/dang-nhap/", {"csrfmiddlewaretoken": self.b.csrf(html),
                                                      "username": self.p.username, "password": password})
        if "sessionid" not in self.b.cookies:
            self.stats.add("login", "login", time.monotonic(), 0.0, f"{self.p.username}: no session")
            return False
        return True

    def run(self, start_at: float, stop: threading.Event, password: str) -> None:
        if stop.wait(max(0.0, start_at - time.monotonic())) or not self.login(password):
            return
        actions = self.actions()
        weights = [w for w, _a in actions]
        while not stop.is_set():
            self.step += 1
            try:
                self.rng.choices(actions, weights)[0][1]()
            except Exception as exc:  # a bug of this script: counted as an error, the user goes on
                self.stats.add("page", "client exception", time.monotonic(), 0.0, repr(exc))
            stop.wait(max(self.args.think_min, self.rng.expovariate(1 / self.args.think)))


# --- Report ---------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def report(stats: Stats, run: dict[str, float], args: argparse.Namespace, personas: list[Persona],
           before: dict[str, int], after: dict[str, int], load: str, cpu: dict[str, float]) -> None:
    roles: dict[str, int] = defaultdict(int)
    for p in personas:
        roles[p.role] += 1
    seconds = run["end"] - run["start"]
    steady = [r for r in stats.records if r[2] >= run["steady"]]
    steady_seconds = run["end"] - run["steady"]
    # The logins (PBKDF2, about 0.25 s of CPU each) queue ahead of everything while the users arrive: the figures
    # of the requests sent once the last login was answered show the morning without that queue.
    logged_in = max([r[2] + r[3] / 1000 for r in stats.records if r[0] == "login"], default=run["start"])
    after_logins = [r for r in stats.records if r[2] >= logged_in and r[0] != "login"]
    print(f"\nload test: {len(personas)} users ({', '.join(f'{roles[r]} {r}' for r in ROLES if roles[r])}); "
          f"ramp-up {args.ramp:.0f} s, then {args.seconds:.0f} s; think time exponential, mean {args.think:g} s, "
          f"at least {args.think_min:g} s")
    print(f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads on 127.0.0.1:{args.port}; "
          f"{args.task_workers} task worker(s); {args.pg_url}")
    print(f"duration {seconds:.0f} s (steady part {steady_seconds:.0f} s); {len(stats.records)} requests, "
          f"{len(stats.records) / seconds:.1f} requests/s overall, {len(steady) / steady_seconds:.1f} requests/s "
          f"after the ramp-up; the last login answered {logged_in - run['start']:.0f} s after the start, "
          f"{len(after_logins) / max(1.0, run['end'] - logged_in):.1f} requests/s from then on")
    print(f"load average at the end of the load: {load} (2 cores shared with other work: the figures are noisy)")
    answered = len(stats.records)
    print(f"CPU seconds during the load ({seconds:.0f} s): the machine {cpu['busy']:.0f} busy of {cpu['all']:.0f} "
          f"({100 * cpu['busy'] / max(1.0, cpu['all']):.0f} %); gunicorn workers {cpu['web']:.0f} "
          f"({1000 * cpu['web'] / max(1, answered):.0f} ms per request, logins included); this client "
          f"{cpu['client']:.1f}; task workers {cpu['tasks']:.0f} (to the end of the drain); the rest is PostgreSQL "
          "and other work on the machine")
    print(f"\n| {'kind':<20} | {'requests':>8} | {'req/s':>6} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | "
          f"{'errors':>6} | {'p50 / p95 after logins':>23} |")
    print(f"|{'-' * 22}|{'-' * 10}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 25}|")
    late: dict[str, list[float]] = defaultdict(list)
    for kind, _name, _started, ms in after_logins:
        late[kind].append(ms)
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[float]] = defaultdict(list)
    for kind, name, _started, ms in stats.records:
        by_kind[kind].append(ms)
        by_name[(kind, name)].append(ms)
    for kind in KINDS:
        ts = by_kind.get(kind, [])
        print(f"| {KIND_LABELS[kind]:<20} | {len(ts):>8} | {len(ts) / seconds:6.2f} | {pct(ts, .5):7.0f} | "
              f"{pct(ts, .95):7.0f} | {pct(ts, .99):7.0f} | {stats.error_kinds.get(kind, 0):>6} | "
              f"{f'{pct(late[kind], .5):.0f} / {pct(late[kind], .95):.0f}':>23} |")
    every = [r[3] for r in stats.records if r[0] != "login"]
    print(f"| {'all but login':<20} | {len(every):>8} | {len(every) / seconds:6.2f} | {pct(every, .5):7.0f} | "
          f"{pct(every, .95):7.0f} | {pct(every, .99):7.0f} | {len(stats.errors):>6} | {'':>23} |")
    print("\nper request: count, p50 / p95 / p99 ms (slowest p95 first)")
    for (kind, name), ts in sorted(by_name.items(), key=lambda kv: -pct(kv[1], .95)):
        print(f"  {KIND_LABELS[kind]:<20} {name:<24} {len(ts):>6}  {pct(ts, .5):7.0f} {pct(ts, .95):7.0f} "
              f"{pct(ts, .99):7.0f}")
    print(f"\nerrors: {len(stats.errors)}")
    for e in stats.errors[:8]:
        print("  ", e[:400])

    print("\nno write lost: rows added in the database vs. writes the clients saw succeed")
    checks = [("notes", "notes (progress, comments, directives)"),
              ("status_changes", "status changes of existing deliverables"),
              ("deliverables", "deliverables imported"), ("report_jobs", "report builds queued")]
    lost = extra = 0
    for key, label in checks:
        rows, seen, unknown = after[key] - before[key], stats.done.get(key, 0), stats.done.get(key + "?", 0)
        # A write whose answer never came (timeout) may have been done: rows may exceed what the clients saw by
        # that much. Fewer rows than the clients saw is a write lost; more than both, a write done twice.
        lost += max(0, seen - rows)
        extra += max(0, rows - seen - unknown)
        same = "same" if rows == seen else f"{rows - seen:+d}"
        print(f"  {label:<42} rows +{rows:<6} clients {seen:<6} {same}"
              + (f" ({unknown} sent with no answer: done or not)" if unknown else ""))
    print(f"  (also {stats.done.get('imports', 0)} imports, {stats.done.get('mark_read', 0)} \"mark all read\": "
          "not counted, a read mark is idempotent)")
    print(f"report builds: {stats.done.get('report_jobs', 0)} queued by the clients; by the end {after['jobs_done']} "
          f"built, {after['jobs_failed']} failed, {after['jobs_open']} still queued or running "
          f"(drained in {run['drain']:.0f} s, limit {args.drain:.0f} s)")

    print("\nverdicts:")
    for kind in ("page", "api"):
        p95 = pct(by_kind.get(kind, []), .95)
        v = "PASS" if p95 <= P95_TARGET_MS else f"MISS +{p95 - P95_TARGET_MS:.0f} ms"
        print(f"  p95 {KIND_LABELS[kind]:<9} {p95:7.0f} ms <= {P95_TARGET_MS:.0f} ms: {v}")
    print(f"  errors {len(stats.errors):>14} == 0: {'PASS' if not stats.errors else f'MISS {len(stats.errors)}'}")
    print(f"  no write lost: {lost} lost, {extra} unexplained: "
          f"{'PASS' if lost == extra == 0 else f'MISS {lost} rows lost, {extra} rows unexplained'}")
    unbuilt = stats.done.get("report_jobs", 0) - after["jobs_done"]
    print(f"  report builds built {after['jobs_done']} of {stats.done.get('report_jobs', 0)}: "
          f"{'PASS' if unbuilt == 0 and not after['jobs_failed'] else f'MISS {unbuilt} not built'}")


def main() -> None:
    args = parse_args()
    counts = role_counts(args.users, args.mix)
    env = pages.environment("postgres", argparse.Namespace(sqlite_path="", pg_url=args.pg_url))
    env["CHIDAO_OTP_REQUIRED_ROLES"] = ""  # no second factor: the simulated users have no authenticator
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_DIR), *filter(None, [os.environ.get("PYTHONPATH")])])
    print(f"bench/load.py: {args.users} users, ramp-up {args.ramp:.0f} s + {args.seconds:.0f} s on {args.pg_url}",
          flush=True)
    subprocess.run([sys.executable, str(BENCH / "pages.py"), "--engines", "postgres", "--pg-url", args.pg_url,
                    "--build-only"], check=True, cwd=PROJECT_DIR, env=env)
    os.environ.update(env)
    started = time.monotonic()
    personas, shared = prepare(args, counts)
    from django.db import connection

    from chidao.demo.program import DEMO_PASSWORD
    from chidao.programs.models import Deliverable

    shared["deliverables"] = list(Deliverable.objects.order_by("?").values_list("pk", flat=True)[:500])
    print(f"  prepared {len(personas)} users in {time.monotonic() - started:.0f} s", flush=True)
    before = db_counts()
    connection.close()
    procs = start_processes(args, env)
    stats = Stats()
    stop = threading.Event()
    try:
        cpu_before = cpu_seconds(procs)
        run = {"start": time.monotonic()}
        run["steady"] = run["start"] + args.ramp
        users = [User(i, p, shared, args, stats) for i, p in enumerate(personas)]
        threads = [threading.Thread(target=u.run, args=(run["start"] + args.ramp * i / max(1, len(users)), stop,
                                                        DEMO_PASSWORD), daemon=True) for i, u in enumerate(users)]
        for t in threads:
            t.start()
        stop.wait(args.ramp + args.seconds)
        stop.set()
        for t in threads:
            t.join(timeout=args.timeout)
        run["end"] = time.monotonic()
        cpu_load = cpu_seconds(procs)
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < args.drain:
            after = db_counts(before)
            if not after["jobs_open"]:
                break
            time.sleep(2)
        run["drain"] = time.monotonic() - drain_started
        after = db_counts(before)
        load = Path("/proc/loadavg").read_text().split()[:3]
        cpu_end = cpu_seconds(procs)
        cpu = {k: cpu_load[k] - cpu_before[k] for k in cpu_load} | {"tasks": cpu_end["tasks"] - cpu_before["tasks"]}
        report(stats, run, args, personas, before, after, " ".join(load), cpu)
    finally:
        stop.set()
        stop_processes(procs)


if __name__ == "__main__":
    main()
