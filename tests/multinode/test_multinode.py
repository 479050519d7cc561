"""Two app servers, two workers, nginx, one PostgreSQL and an S3 bucket (conftest.py): what one machine did alone
still holds when any request may reach either server and any job either worker (docs/production.md, Several
machines). Over HTTP as a browser would: the login form with its CSRF token, cookies, file uploads, downloads."""

import json
import os
import re
import signal
import subprocess
import tarfile

import pytest
import requests

from tests.core.pki import make_ca

from .conftest import BIN, BUCKET, Cluster, csrf_token

pytestmark = pytest.mark.multinode
PAGE = "/chuong-trinh/"  # a page for signed-in users only


def _files_on_disk(cluster: Cluster) -> list[str]:
    return [str(p) for node in ("a", "b") for p in cluster.media_root(node).rglob("*") if p.is_file()]


def test_a_session_opened_on_one_node_works_on_the_other_and_through_nginx(cluster):
    # Given a user signed in on node A directly
    browser = cluster.login("a")
    # When the same cookie is sent to node B directly, then to the load balancer (which alternates)
    on_b = browser.get(f"{cluster.url('b')}{PAGE}", allow_redirects=False, timeout=30)
    through = [browser.get(f"{cluster.url('lb')}{PAGE}", allow_redirects=False, timeout=30) for _ in range(4)]
    # Then every answer is the signed-in page (not the way to the login page), and nginx used both nodes
    assert (on_b.status_code, on_b.headers.get("Location")) == (200, None)
    assert "Chương trình thử" in on_b.text
    assert [r.status_code for r in through] == [200, 200, 200, 200]
    assert {r.headers["X-Upstream"] for r in through} == {f"127.0.0.1:{cluster.port_a}",
                                                          f"127.0.0.1:{cluster.port_b}"}
    # And a user signed in through nginx can post a form (CSRF) whichever node answers
    lb = cluster.login("lb")
    assert lb.get(f"{cluster.url('a')}{PAGE}", allow_redirects=False, timeout=30).status_code == 200


def test_a_file_uploaded_on_one_node_is_downloaded_from_the_other_and_lives_in_the_bucket(cluster):
    # Given a user signed in on node A, and a PDF of their own
    content = b"%PDF-1.4\n%" + os.urandom(2048).hex().encode() + b"\n%%EOF\n"
    browser = cluster.login("a")
    detail = f"{cluster.url('a')}/noi-dung/{cluster.deliverable_id}/"
    page = browser.get(detail, timeout=30)
    # When they attach it to a deliverable through node A
    sent = browser.post(f"{detail}trao-doi/", data={
        "csrfmiddlewaretoken": csrf_token(page.text), "kind": "comment", "text": "Tệp gửi qua máy A"},
        files={"attachment": ("bao-cao-may-a.pdf", content, "application/pdf")}, allow_redirects=False, timeout=30)
    assert sent.status_code == 302, sent.text[:2000]
    (attachment_id, stored), = cluster.sql(
        "SELECT id, file FROM programs_attachment WHERE original_name = %s", ("bao-cao-may-a.pdf",))
    # Then node B hands out the same bytes, under the same name
    on_b = cluster.login("b").get(f"{cluster.url('b')}/tep/{attachment_id}/", timeout=30)
    assert on_b.status_code == 200
    assert on_b.content == content
    assert 'filename="bao-cao-may-a.pdf"' in on_b.headers["Content-Disposition"]
    # And the file is an object in the bucket, not a file on either node's disk
    assert cluster.bucket_keys()[stored] == len(content)
    assert _files_on_disk(cluster) == []
    # And nobody reaches it without signing in, nor from a storage URL
    anonymous = requests.get(f"{cluster.url('lb')}/tep/{attachment_id}/", allow_redirects=False,
                                           timeout=30)
    assert (anonymous.status_code, anonymous.headers["Location"].split("?")[0]) == (302, "/dang-nhap/")
    assert cluster.s3().get_bucket_acl(Bucket=BUCKET)["Grants"][0]["Permission"] == "FULL_CONTROL"
    assert len(cluster.s3().get_bucket_acl(Bucket=BUCKET)["Grants"]) == 1  # the owner only: private


def _request_report(cluster: Cluster, where: str, fmt: str) -> int:
    browser = cluster.login(where)
    reports = f"{cluster.url(where)}/chuong-trinh/{cluster.program_id}/bao-cao/"
    page = browser.get(reports, timeout=60)
    assert page.status_code == 200
    before = cluster.sql("SELECT COALESCE(MAX(id), 0) FROM reports_reportjob")[0][0]
    asked = browser.post(f"{reports}lap/", data={
        "csrfmiddlewaretoken": csrf_token(page.text), "kind": "stocktake", "format": fmt, "year": "",
        "period": "", "as_of": "", "unit": ""}, allow_redirects=False, timeout=60)
    assert asked.status_code == 302
    (job_id,), = cluster.sql("SELECT id FROM reports_reportjob WHERE id > %s", (before,))
    return int(job_id)


def _task_rows(cluster: Cluster, job_id: int) -> list[tuple]:
    """The queue rows of a job's builds: (status, the workers that claimed it, the exception's class)."""
    return cluster.sql(
        "SELECT status, worker_ids, exception_class_path FROM django_tasks_database_dbtaskresult "
        "WHERE args_kwargs->'args' = %s::jsonb ORDER BY enqueued_at", (f"[{job_id}]",))


def test_a_report_queued_on_node_a_is_built_by_node_bs_worker_and_downloaded_from_node_a(cluster):
    # Given only node B's worker running
    cluster.worker("b")
    try:
        # When a user asks node A for a report
        job_id = _request_report(cluster, "a", "xlsx")
        # Then node B's worker builds it
        cluster.wait_sql("SELECT state FROM reports_reportjob WHERE id = %s", (job_id,), [("done",)], 90)
        assert _task_rows(cluster, job_id) == [("SUCCESSFUL", ["w-b"], "")]
        # And node A hands out the file, as stored in the bucket
        (stored,), = cluster.sql("SELECT file FROM reports_reportjob WHERE id = %s", (job_id,))
        got = cluster.login("a").get(f"{cluster.url('a')}/bao-cao/{job_id}/tai-ve/", timeout=30)
        assert got.status_code == 200
        assert got.content[:2] == b"PK"  # a workbook
        assert cluster.s3().get_object(Bucket=BUCKET, Key=stored)["Body"].read() == got.content
        assert _files_on_disk(cluster) == []
    finally:
        cluster.stop("worker-b")


def test_a_killed_workers_build_is_queued_again_and_built_by_the_other_worker(cluster):
    # Given only node A's worker running, building a PDF of a program with 121 deliverables
    worker_a = cluster.worker("a")
    try:
        job_id = _request_report(cluster, "lb", "pdf")
        cluster.wait_sql("SELECT state FROM reports_reportjob WHERE id = %s", (job_id,), [("running",)], 60,
                         poll=0.02)
        # When node A's worker is killed (SIGKILL) in the middle of the build, and node B's worker is started
        os.killpg(worker_a.pid, signal.SIGKILL)
        worker_a.wait(timeout=10)
        assert cluster.sql("SELECT state FROM reports_reportjob WHERE id = %s", (job_id,)) == [("running",)]
        cluster.worker("b")
        # Then once node A's heartbeat is stale (4 s here) the build is queued again, and node B's worker builds it
        cluster.wait_sql("SELECT state, requeues FROM reports_reportjob WHERE id = %s", (job_id,), [("done", 1)], 90)
        assert _task_rows(cluster, job_id) == [
            ("FAILED", ["w-a"], "chidao.core.tasks.WorkerLost"), ("SUCCESSFUL", ["w-b"], "")]
        assert cluster.sql("SELECT worker_id FROM core_workerheartbeat") == [("w-b",)]
        got = cluster.login("a").get(f"{cluster.url('a')}/bao-cao/{job_id}/tai-ve/", timeout=30)
        assert (got.status_code, got.content[:5]) == (200, b"%PDF-")
    finally:
        cluster.stop("worker-a")
        cluster.stop("worker-b")


def _mails(cluster: Cluster) -> list[str]:
    """The recipients of every message the file backend wrote (one line "To: ..." per message)."""
    return sorted(line[4:] for path in cluster.mail_dir.glob("*.log")
                  for line in path.read_text().splitlines() if line.startswith("To: "))


def test_the_daily_reminders_started_on_both_nodes_at_once_are_sent_once(cluster):
    # Given the reminders of 27/09/2021 started at the same moment on node A and on node B (cron on both)
    command = (str(BIN / "chidao"), "reminders", "--date", "27/09/2021")
    runs = [subprocess.Popen(command, env=cluster.env(node), cwd=cluster.tmp, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for node in ("a", "b")]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    # Then each lead officer got exactly one email, whichever node sent it
    assert _mails(cluster) == ["officer_snv@example.vn", "officer_stc@example.vn"]
    sent = [int(re.search(r"gửi (\d+) thư", out).group(1)) for out, _err in outputs]  # type: ignore[union-attr]
    assert sum(sent) == 2


def test_static_files_from_one_build_are_served_by_both_nodes_and_nginx(cluster):
    # Given the hashed stylesheet named in a page (one collectstatic build for both nodes)
    page = requests.get(f"{cluster.url('lb')}/dang-nhap/", timeout=30).text
    href = re.search(r'href="(/static/chidao/app\.[0-9a-f]{12}\.css)"', page)
    assert href, page[:2000]
    # When it is fetched through nginx and from each node
    got = {where: requests.get(f"{cluster.url(where)}{href.group(1)}", timeout=30)
           for where in ("lb", "a", "b")}
    # Then each answers 200 with the same bytes, cached for ever
    assert {where: r.status_code for where, r in got.items()} == {"lb": 200, "a": 200, "b": 200}
    assert got["a"].content == got["b"].content == got["lb"].content
    assert "max-age=315360000" in got["a"].headers["Cache-Control"]



def test_a_backup_with_files_in_the_bucket_says_it_holds_the_database_only(cluster):
    # Given files in the bucket (the tests above), when node A makes a backup
    out = cluster.run("a", str(BIN / "chidao"), "backup", "-o", str(cluster.tmp / "backup.tar.gz"))
    # Then the command says the files are in the bucket, protected by its versioning, not in the archive
    assert f"(bucket “{BUCKET}”), KHÔNG có trong bản sao lưu này" in out
    with tarfile.open(cluster.tmp / "backup.tar.gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        assert [m.name for m in tar.getmembers() if m.name.startswith("media/")] == []
    assert manifest["media"] == {"files": 0, "bytes": 0, "bucket": BUCKET}


def test_a_trust_root_installed_on_one_node_is_known_to_the_other(cluster):
    # Given a root certificate installed by the operator on node A
    pem = cluster.tmp / "root.pem"
    pem.write_bytes(make_ca("Multinode Root CA").pem())
    installed = cluster.run("a", str(BIN / "chidao"), "trust", "add", str(pem))
    # When node B lists its trust roots
    listed = cluster.run("b", str(BIN / "chidao"), "trust", "list")
    # Then it knows the root, kept in the bucket, not on node A's disk
    assert f"vào bucket {BUCKET}/trust-roots/" in installed
    assert "Multinode Root CA" in listed
    assert [k for k in cluster.bucket_keys() if k.startswith("trust-roots/")] != []
