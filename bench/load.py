"""Load test: 50 simulated users on a real server (gunicorn) over loopback, on the city-scale PostgreSQL database.

Requirement: zero errors under a mixed load of reads and writes; this prints the throughput and the latency
(p50 / p95 / p99) per kind of request and overall.

This is a measurement, not a test (pytest only collects tests/); it exits 0 unless it crashes.

What it does:
1. makes sure the city database exists (bench/pages.py --build-only: reused if present, else built, several
   minutes), and prepares in-process (Django, same settings): for each simulated user a login (lead officers
   of the units that lead most deliverables, personnel officers of the units with most people, the standing
   office, the administrator), a write API token, and for lead officers a deliverable of their own unit that
   no other simulated user touches, put "in progress" so it can go back and forth;
2. starts gunicorn as scripts/prod-web.sh does (chidao.wsgi, --workers, production settings: CHIDAO_DEBUG=0)
   on 127.0.0.1:--port; requests carry X-Forwarded-Proto: https, as behind the TLS proxy;
3. runs --users threads for --seconds: each logs in through the login form (CSRF token, password), then loops
   over its role's mix, with no think time:
   - lead officer: program list, the program's dashboard, its deliverable list (a filter or a page in turn),
     its deliverable's page, notifications; API: the program's deliverables, the deliverable; writes: a
     transition of its deliverable through the API ("in progress" <-> "draft done", with the version read
     just before), a progress note through the API, "mark all notifications read" through the page's form;
   - personnel officer: people list, a search without diacritics, a person record, planning terms; API:
     people search;
   - office and administrator: program list, a dashboard and a deliverable list of a random program, report
     jobs, the due list of the rotation round; API: programs, a program summary;
4. prints requests per second, p50/p95/p99 per kind (login, page, api, write) and overall, and the errors
   (any status other than the expected one, or no answer), with the first few error messages.
The writes stay in the database (notes, status changes, read notifications): they are valid workflow steps.

Run:  .venv/bin/python bench/load.py [--seconds 60] [--users 50] [--workers 3] [--port 8765]
      [--pg-url postgres://postgres@127.0.0.1:5432/chidao_bench]
"""

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
PROJECT_DIR = BENCH.parent
sys.path.insert(0, str(BENCH))
import pages  # noqa: E402  (bench/pages.py: the same database, settings and build)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--workers", type=int, default=int(os.environ.get("CHIDAO_WEB_WORKERS", "3")),
                   help="gunicorn workers (default 3, as scripts/prod-web.sh)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/chidao_bench")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--timeout", type=float, default=120.0, help="seconds a request may take (gunicorn's too)")
    return p.parse_args()


# --- Preparation (in-process Django) -----------------------------------------------------------------


@dataclass
class Persona:
    role: str  # lead, personnel, office, admin
    username: str
    token: str
    program: int
    deliverable: int | None = None
    person: int | None = None
    search: str = ""


def prepare(args: argparse.Namespace) -> tuple[list[Persona], dict[str, Any]]:
    import django

    django.setup()
    from django.db.models import Count

    from chidao.core.models import Role, TokenScope, User
    from chidao.core.text import fold
    from chidao.core.tokens import api_token_create
    from chidao.personnel.models import Person
    from chidao.programs import services
    from chidao.programs.models import Deliverable, Program, Status
    from chidao.rotation.models import RotationRound

    rng = random.Random(args.seed)
    n_lead = max(1, args.users * 11 // 20)
    n_personnel = max(1, args.users * 5 // 20)
    n_other = max(0, args.users - n_lead - n_personnel)
    lead_units = list(Deliverable.objects.exclude(status__in=[Status.COMPLETED, Status.CANCELLED])
                      .values("lead_unit").annotate(n=Count("pk")).order_by("-n", "lead_unit")
                      .values_list("lead_unit", flat=True)[:n_lead])
    officers = {u: list(User.objects.filter(role=Role.LEAD_OFFICER, unit_id=u, is_active=True).order_by("pk"))
                for u in lead_units}
    personas: list[Persona] = []
    taken: set[int] = set()
    for i in range(n_lead):
        unit = lead_units[i % len(lead_units)]
        user = officers[unit][(i // len(lead_units)) % len(officers[unit])]
        d = (Deliverable.objects.filter(lead_unit_id=unit, status__in=[Status.IN_PROGRESS, Status.DRAFT_DONE])
             .exclude(pk__in=taken).order_by("pk").first())
        if d is None:  # start one that has not started yet
            d = Deliverable.objects.filter(lead_unit_id=unit, status=Status.NOT_STARTED).exclude(
                pk__in=taken).order_by("pk").first()
            if d is not None:
                services.deliverable_transition(actor=user, deliverable=d, to_status=Status.IN_PROGRESS)
        if d is None:
            continue
        taken.add(d.pk)
        token = api_token_create(user=user, name="bench/load.py", scope=TokenScope.WRITE)[1]
        personas.append(Persona("lead", user.username, token, d.program_id, deliverable=d.pk))
    units = list(Person.objects.values("unit").annotate(n=Count("pk")).order_by("-n", "unit")
                 .values_list("unit", flat=True)[:n_personnel])
    for i in range(n_personnel):
        unit = units[i % len(units)]
        user = User.objects.filter(role=Role.PERSONNEL, unit_id=unit).order_by("pk")[(i // len(units)) % 2]
        people = list(Person.objects.filter(unit_id=unit).order_by("pk").values_list("pk", "full_name")[:200])
        pk, name = rng.choice(people)
        token = api_token_create(user=user, name="bench/load.py", scope=TokenScope.READ)[1]
        personas.append(Persona("personnel", user.username, token, 0, person=pk,
                                search=" ".join(fold(name).split()[-2:])))
    others = ["thuongtruc.1", "thuongtruc.2", "admin"]
    programs = list(Program.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(n_other):
        user = User.objects.get(username=others[i % len(others)])
        token = api_token_create(user=user, name="bench/load.py", scope=TokenScope.READ)[1]
        personas.append(Persona("admin" if user.username == "admin" else "office", user.username, token,
                                rng.choice(programs)))
    shared = {"programs": programs, "round": RotationRound.objects.order_by("pk").values_list("pk", flat=True).first()}
    return personas, shared


# --- The server ------------------------------------------------------------------------------------------


def start_server(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [str(PROJECT_DIR / ".venv" / "bin" / "gunicorn"), "chidao.wsgi:application",
               "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--timeout", str(int(args.timeout)),
               "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/dang-nhap/", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


# --- A simulated user -----------------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    by_name: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, name: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.times[kind].append(ms)
            self.by_name[name].append(ms)
            if error:
                self.errors.append(f"{kind} {name}: {error}")


class Browser:
    """One user's connection: cookies kept by hand (the session and CSRF cookies are Secure, as behind TLS)."""

    def __init__(self, port: int, stats: Stats, timeout: float) -> None:
        self.port, self.stats, self.timeout = port, stats, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def request(self, kind: str, name: str, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None, expect: tuple[int, ...] = (200,)) -> tuple[int, bytes]:
        sent = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}",
                "Referer": f"https://127.0.0.1:{self.port}/", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        status, data, error = 0, b"", None
        for attempt in (1, 2):  # gunicorn's sync workers close the connection after each answer
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=sent)
                response = conn.getresponse()
                status, data = response.status, response.read()
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie":
                        name_value = value.split(";", 1)[0]
                        key, _sep, val = name_value.partition("=")
                        self.cookies[key.strip()] = val.strip()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.conn = None
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.conn = None
                if attempt == 2:
                    error = repr(exc)
            except OSError as exc:
                self.conn = None
                error = repr(exc)
                break
        ms = (time.perf_counter() - started) * 1000
        if error is None and status not in expect:
            error = f"HTTP {status} {data[:200]!r}"
        self.stats.add(kind, name, ms, error)
        return status, data

    def get(self, kind: str, name: str, path: str, **kw: Any) -> tuple[int, bytes]:
        return self.request(kind, name, "GET", path, **kw)

    def form(self, kind: str, name: str, path: str, fields: dict[str, str], expect: tuple[int, ...]) -> None:
        self.request(kind, name, "POST", path, body=urlencode(fields).encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"}, expect=expect)

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


def csrf_of(html: bytes) -> str:
    found = CSRF_INPUT.search(html.decode("utf-8", "replace"))
    return found.group(1) if found else ""


def user_loop(p: Persona, shared: dict[str, Any], args: argparse.Namespace, stats: Stats, stop: threading.Event,
              password: str, seed: int) -> None:
    rng = random.Random(seed)
    b = Browser(args.port, stats, args.timeout)
    _status, html = b.get("login", "login form", "/dang-nhap/")
    b.form("login", "login", "/dang-nhap/", {"csrfmiddlewaretoken": csrf_of(html), "username": p.username,
                                              "password": password}, expect=(302,))
    if "sessionid" not in b.cookies:
        stats.add("login", "login", 0.0, f"{p.username}: no session")
        return
    step = 0
    while not stop.is_set():
        step += 1
        if p.role == "lead":
            prog = p.program
            b.get("page", "program list", "/chuong-trinh/")
            b.get("page", "dashboard", f"/chuong-trinh/{prog}/")
            listing = rng.choice(["", "?deadline_class=open_overdue", "?page=2", "?q=chuyen+doi",
                                  "?status=in_progress"])
            b.get("page", "deliverable list", f"/chuong-trinh/{prog}/noi-dung/{listing}")
            b.get("page", "deliverable", f"/noi-dung/{p.deliverable}/")
            b.api("api", "api deliverables", "GET", f"/programs/{prog}/deliverables?page_size=50", p.token)
            d = b.api("api", "api deliverable", "GET", f"/deliverables/{p.deliverable}", p.token)
            if d:
                to = "draft_done" if d["status"] == "in_progress" else "in_progress"
                b.api("write", "api transition", "POST", f"/deliverables/{p.deliverable}/transition", p.token,
                      {"to_status": to, "version": d["version"]})
            b.api("write", "api note", "POST", f"/deliverables/{p.deliverable}/notes", p.token,
                  {"kind": "progress", "text": f"Cập nhật tiến độ (kiểm thử tải, bước {step}).",
                   "percent": rng.randint(10, 90)}, expect=(201,))
            _status, html = b.get("page", "notifications", "/thong-bao/")
            if step % 3 == 0:
                b.form("write", "mark read", "/thong-bao/da-doc/", {"csrfmiddlewaretoken": csrf_of(html)},
                       expect=(302,))
        elif p.role == "personnel":
            b.get("page", "people list", f"/can-bo/?page={rng.randint(1, 5)}")
            b.get("page", "people search", "/can-bo/?" + urlencode({"q": p.search}))
            b.get("page", "person record", f"/can-bo/{p.person}/")
            b.get("page", "planning terms", "/quy-hoach/")
            b.api("api", "api people search", "GET", "/people?" + urlencode({"q": p.search}), p.token)
        else:
            prog = rng.choice(shared["programs"])
            b.get("page", "program list", "/chuong-trinh/")
            b.get("page", "dashboard", f"/chuong-trinh/{prog}/")
            b.get("page", "deliverable list", f"/chuong-trinh/{prog}/noi-dung/")
            b.get("page", "report jobs", f"/chuong-trinh/{prog}/bao-cao/danh-sach/")
            if shared["round"]:
                b.get("page", "due list", f"/luan-chuyen/{shared['round']}/?page={rng.randint(1, 20)}")
            b.api("api", "api programs", "GET", "/programs", p.token)
            b.api("api", "api summary", "GET", f"/programs/{prog}/summary", p.token)


# --- Report ---------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def report(stats: Stats, seconds: float, args: argparse.Namespace, personas: list[Persona]) -> None:
    roles = defaultdict(int)
    for p in personas:
        roles[p.role] += 1
    every = [t for ts in stats.times.values() for t in ts]
    measured = [t for k, ts in stats.times.items() if k != "login" for t in ts]
    print(f"\n{len(personas)} users ({', '.join(f'{n} {r}' for r, n in sorted(roles.items()))}), "
          f"{seconds:.0f} s, gunicorn {args.workers} workers on 127.0.0.1:{args.port}")
    print(f"{len(every)} requests, {len(measured) / seconds:.1f} requests/s (logins excluded), "
          f"{len(stats.errors)} errors (target: 0)")
    print(f"| {'kind':<24} | {'requests':>8} | {'p50 ms':>8} | {'p95 ms':>8} | {'p99 ms':>8} |")
    print(f"|{'-' * 26}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    for kind in ["login", "page", "api", "write"]:
        ts = stats.times.get(kind, [])
        if ts:
            print(f"| {kind:<24} | {len(ts):>8} | {pct(ts, .5):8.0f} | {pct(ts, .95):8.0f} | {pct(ts, .99):8.0f} |")
    print(f"| {'overall (no login)':<24} | {len(measured):>8} | {pct(measured, .5):8.0f} | {pct(measured, .95):8.0f} | "
          f"{pct(measured, .99):8.0f} |")
    print("\nper request (p50 / p95 ms):")
    for name, ts in sorted(stats.by_name.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"  {name:<22} {len(ts):>6}  {pct(ts, .5):7.0f} {pct(ts, .95):7.0f}")
    for e in stats.errors[:10]:
        print("  error:", e)


def main() -> None:
    args = parse_args()
    env = pages.environment("postgres", argparse.Namespace(sqlite_path="", pg_url=args.pg_url))
    print(f"bench/load.py: {args.users} users for {args.seconds:.0f} s on {args.pg_url}", flush=True)
    subprocess.run([sys.executable, str(BENCH / "pages.py"), "--engines", "postgres", "--pg-url", args.pg_url,
                    "--build-only"], check=True, cwd=PROJECT_DIR)
    os.environ.update(env)
    personas, shared = prepare(args)
    from chidao.demo.program import DEMO_PASSWORD

    server = start_server(args, env)
    try:
        stats = Stats()
        stop = threading.Event()
        threads = [threading.Thread(target=user_loop, args=(p, shared, args, stats, stop, DEMO_PASSWORD, i),
                                    daemon=True) for i, p in enumerate(personas)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join(timeout=args.timeout)
        report(stats, time.monotonic() - started, args, personas)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
