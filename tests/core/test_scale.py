"""Scale data (`chidao demo --scale`): exact counts, and data that follows the app's rules."""

import datetime as dt
import io
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chidao.core.models import ChangeRecord, Notification, Role, UnitKind, User
from chidao.demo import scale
from chidao.demo.rotation import rounds_load
from chidao.demo.scale import ScaleError, Sizes, scale_load
from chidao.personnel import rules
from chidao.personnel.models import Assignment, Deferral, Discipline, Person, Rating
from chidao.personnel.services import held_leading_post_on
from chidao.programs import permissions, selectors
from chidao.programs.models import (
    Attachment,
    DeadlineExtension,
    Deliverable,
    Note,
    Program,
    Status,
    StatusChange,
)
from chidao.rotation import due, plan
from chidao.rotation.models import DueEntry, DueStatus

ON = dt.date(2026, 6, 30)
TINY = Sizes(programs=4, deliverables=60, people=200, history=1500)
HISTORY = (StatusChange, DeadlineExtension, Note, Assignment, Rating, Discipline, Deferral)


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One tiny load shared by the read-only tests of `TestTinyLoad`, rolled back after them."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=hashers):
        with django_db_blocker.unblock(), transaction.atomic():
            yield scale_load(sizes=TINY, on=ON)
            transaction.set_rollback(True)


class TestTinyLoad:
    """Read-only checks of one tiny load (the first and last tests count and reload it)."""

    def test_writes_exactly_the_sizes_asked(self, loaded, db):
        # given a tiny size, when the generator runs, then programs, deliverables, people and history are exact
        assert Program.objects.count() == 4
        assert Deliverable.objects.count() == 60
        assert Person.objects.count() == 200
        assert sum(m.objects.count() for m in HISTORY) == 1500
        assert loaded.history == 1500
        assert loaded.count(Program) == 4
        assert loaded.count(Deliverable) == 60
        assert loaded.count(Person) == 200


    def test_reported_counts_are_the_rows_in_the_database(self, loaded, db):
        # given the result, then each table it reports holds exactly that many rows
        for model in (*HISTORY, Program, Deliverable, Person, Attachment, Notification):
            assert loaded.count(model) == model.objects.count(), model.__name__
        assert loaded.count(ChangeRecord) == ChangeRecord.objects.count()
        assert loaded.count(User) == User.objects.count()


    def test_each_history_follows_the_workflow_and_gives_the_current_fields(self, loaded, db):
        # given the deliverables, then every status path is a path of the workflow, by a user allowed to take
        # each step, and the current status, completion, deadline and version are what the history says
        users = {u.pk: u for u in User.objects.all()}
        changes = defaultdict(list)
        for c in StatusChange.objects.order_by("at", "id"):
            changes[c.deliverable_id].append(c)
        extensions = defaultdict(list)
        for e in DeadlineExtension.objects.order_by("approved_on", "id"):
            extensions[e.deliverable_id].append(e)
        start_of_on = timezone.make_aware(dt.datetime.combine(ON, dt.time.min))
        for d in Deliverable.objects.all():
            path = changes[d.pk]
            assert (path[0].from_status, path[0].to_status) == ("", Status.NOT_STARTED)
            assert path[0].at == d.created_at
            status = Status.NOT_STARTED
            for c in path[1:]:
                assert c.from_status == status
                actor = users[c.by_id]
                then = Deliverable(lead_unit_id=d.lead_unit_id, status=status)
                assert permissions.can_transition(actor, then, c.to_status), (d.code, status, c.to_status, actor.role)
                status = c.to_status
                assert c.at < start_of_on
            assert d.status == status
            done = [c for c in path if c.to_status == Status.COMPLETED]
            if done:
                c = done[0]
                assert d.completed_on == timezone.localdate(c.at)
                assert (d.approval_doc_number, d.approval_doc_date) == (c.doc_number, c.doc_date)
                assert c.attachment.deliverable_id == d.pk
                assert c.attachment.purpose == Attachment.Purpose.APPROVAL
            else:
                assert (d.completed_on, d.approval_doc_number) == (None, "")
                assert all(c.attachment_id is None for c in path)
            previous = d.original_deadline
            for e in extensions[d.pk]:
                assert e.previous_deadline == previous
                assert e.new_deadline > previous
                previous = e.new_deadline
            assert d.deadline == previous
            assert d.version == len(path) + len(extensions[d.pk])


    def test_extensions_are_approved_while_the_deliverable_is_open(self, loaded, db):
        closed = {c.deliverable_id: c.at for c in StatusChange.objects.filter(
            to_status__in=[Status.COMPLETED, Status.CANCELLED])}
        for e in DeadlineExtension.objects.all():
            if e.deliverable_id in closed:
                assert e.recorded_at < closed[e.deliverable_id]


    def test_dashboard_figures_agree_with_the_lists(self, loaded, db):
        # given an administrator, when the dashboard counts from history as of the day, then it gives the current
        # statuses the list shows
        admin = User.objects.get(username="admin")
        for program in Program.objects.all():
            summary = selectors.program_summary(user=admin, program=program, as_of=ON)
            current = Counter(Deliverable.objects.filter(program=program).values_list("status", flat=True))
            assert summary.by_status == dict(current)
            assert summary.deliverables == sum(current.values())


    def test_notes_are_written_by_who_may_write_them(self, loaded, db):
        users = {u.pk: u for u in User.objects.all()}
        for note in Note.objects.select_related("deliverable"):
            author = users[note.author_id]
            if note.kind == Note.Kind.PROGRESS:
                assert permissions.can_report_progress(author, note.deliverable)
            elif note.kind == Note.Kind.DIRECTIVE:
                assert permissions.can_direct(author)
                assert note.due_on is not None
            else:
                assert permissions.can_comment(author)


    def test_people_hold_the_post_of_their_open_assignment(self, loaded, db):
        # given the service records, then they are consecutive and the open one is the person's current post
        by_person = defaultdict(list)
        for a in Assignment.objects.order_by("person_id", "start"):
            by_person[a.person_id].append(a)
        for p in Person.objects.all():
            history = by_person[p.pk]
            for earlier, later in zip(history, history[1:], strict=False):
                assert earlier.end == later.start - dt.timedelta(days=1)
            assert history[-1].end is None
            assert (history[-1].position_id, history[-1].start) == (p.position_id, p.position_since)
            assert p.sort_key and p.search_text and p.retirement_date


    def test_disciplines_are_forms_in_force_with_their_three_bars(self, loaded, db):
        disciplines = list(Discipline.objects.select_related("person"))
        assert disciplines
        for d in disciplines:
            assert rules.discipline_form_refusal(
                system=d.system, form=d.form, decided_on=d.decided_on, party_joined_on=d.person.party_joined_on,
                is_leader=held_leading_post_on(d.person, d.decided_on)) is None
            bars = rules.discipline_bars(system=d.system, form=d.form, decided_on=d.decided_on)
            assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (
                bars.planning, bars.appointment, bars.grade)

    def test_ratings_go_back_no_further_than_the_first_post(self, loaded, db):
        first = {p: min(a.start for a in Assignment.objects.filter(person_id=p)) for p in Person.objects.values_list(
            "pk", flat=True)}
        years = defaultdict(list)
        for r in Rating.objects.all():
            years[r.person_id].append(r.year)
            assert dt.date(r.year, 12, 1) >= first[r.person_id]
        assert max(len(v) for v in years.values()) == loaded.rating_years + 1
        assert all(sorted(v) == list(range(min(v), max(v) + 1)) for v in years.values())


    def test_the_due_list_page_shows_one_page_in_status_then_name_order(self, loaded, db, client,
                                                                          django_assert_max_num_queries):
        # given a city-wide round over the 200 people, when the administrator opens its due list, then the page
        # holds the first 50 entries of the whole list's order, says how many pages there are, and its reads do
        # not grow with the list
        rnd = rounds_load(on=ON)
        client.force_login(User.objects.get(username="admin"))
        whole = [e.pk for e in due.due_entries(user=User.objects.get(username="admin"), round=rnd)]
        with django_assert_max_num_queries(11):  # 10, and the top bar's "Việc của tôi" count (one aggregate)
            first = client.get(f"/luan-chuyen/{rnd.pk}/")
        second = client.get(f"/luan-chuyen/{rnd.pk}/?page=2")
        assert len(whole) == 200
        assert "Trang 1/4" in first.content.decode()
        assert _entry_ids(first) == whole[:50]
        assert _entry_ids(second) == whole[50:100]

    def test_the_plan_is_read_one_page_of_moves_at_a_time(self, loaded, db):
        # given the round's plan, when it is read a page at a time, then the pages follow the whole plan's order
        # and the counts are the whole plan's
        rnd = rounds_load(on=ON)
        admin = User.objects.get(username="admin")
        whole = plan.plan_get(user=admin, round=rnd)
        second = plan.plan_get(user=admin, round=rnd, page=2, per_page=5)
        assert len(whole.moves) == rnd.moves.count() > 10
        assert [m.pk for m in second.moves] == [m.pk for m in whole.moves][5:10]
        assert (second.page.number, second.page.paginator.num_pages) == (2, (len(whole.moves) + 4) // 5)
        assert (second.placed, second.unplaced, second.with_violations) == (
            whole.placed, whole.unplaced, whole.with_violations)

    def test_the_round_list_counts_each_round(self, loaded, db):
        rnd = rounds_load(on=ON)
        listed = next(r for r in due.round_list(user=User.objects.get(username="admin")) if r.pk == rnd.pk)
        entries = DueEntry.objects.filter(round=rnd)
        assert (listed.entry_count, listed.due_count, listed.included_count) == (
            200, entries.filter(status=DueStatus.DUE).count(), entries.filter(included=True).count())

    def test_a_scoped_record_page_reads_the_unit_subtree_once(self, loaded, db, client):
        # given a personnel officer, when they open a record of their unit, then the unit tree is read once, one
        # query however deep (a recursive query: it was one query per level, and before that read on each scope
        # check) and the user's unit comes with the user
        officer = User.objects.filter(role=Role.PERSONNEL).order_by("pk").first()
        person = Person.objects.filter(unit_id=officer.unit_id).order_by("pk").first()
        client.force_login(officer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/can-bo/{person.pk}/")
        assert response.status_code == 200
        tree = [q["sql"] for q in queries.captured_queries if 'FROM "core_unit" WHERE "parent_id" IN' in q["sql"]
                or '"core_unit"."parent_id" IN' in q["sql"]]
        assert len(tree) == 1
        assert tree[0].startswith("WITH RECURSIVE")
        assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "core_unit"."id", "core_unit"')]

    def test_units_have_lead_and_personnel_officers(self, loaded, db):
        officers = Counter(User.objects.filter(role=Role.LEAD_OFFICER).values_list("unit_id", flat=True))
        led = set(Deliverable.objects.values_list("lead_unit_id", flat=True))
        assert all(officers[u] == 2 for u in led)
        personnel = Counter(User.objects.filter(role=Role.PERSONNEL).values_list("unit_id", flat=True))
        # people of a sở sit in its departments: their agency is the department's parent
        agencies = {unit if kind != UnitKind.DEPARTMENT or parent_kind != UnitKind.DEPARTMENT else parent
                    for unit, kind, parent, parent_kind in Person.objects.values_list(
                        "unit_id", "unit__kind", "unit__parent_id", "unit__parent__kind")}
        assert agencies and all(personnel[u] == 2 for u in agencies)


    def test_a_second_run_changes_nothing(self, loaded, db):
        counts = {m: m.objects.count() for m in (*HISTORY, Program, Person, User)}
        assert scale_load(sizes=TINY, on=ON) is None
        assert {m: m.objects.count() for m in counts} == counts


def _entry_ids(response) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-testid="entry-(\d+)"', response.content.decode())]


def test_a_history_the_careers_cannot_hold_is_refused_and_writes_nothing(db):
    with pytest.raises(ScaleError):
        scale_load(sizes=Sizes(programs=4, deliverables=60, people=200, history=300), on=ON)
    assert (Program.objects.count(), Person.objects.count(), StatusChange.objects.count()) == (0, 0, 0)


def test_the_command_maps_a_scale_name_to_its_sizes(db, monkeypatch):
    # given "city" mapped to a tiny size, when `chidao demo --scale city` runs, then it writes that size on top
    # of the demo and prints the rows of each table
    monkeypatch.setitem(scale.SCALES, "city", TINY)
    out = io.StringIO()
    call_command("demo", "--scale", "city", stdout=out)
    text = out.getvalue()
    assert Program.objects.count() == 5  # the demo's 01-CTr/TU and four
    assert Person.objects.count() == 200
    demo = {"deliverable__program__number": "01-CTr/TU"}
    demo_history = sum(m.objects.filter(**demo).count() for m in (StatusChange, DeadlineExtension, Note))
    assert sum(m.objects.count() for m in HISTORY) - demo_history == 1500
    assert "programs_statuschange" in text
    assert f"  {'dòng lịch sử (*)':<42} {'1.500':>10}" in text


def test_the_scale_posts_sit_in_departments_with_vacant_seats(loaded, db):
    # Given the tiny load, Then the staff of a sở hold posts of its departments, and the staff posts employ 5-10 %
    # more than their holders (rounded at random per post, so a small load is only near it)
    from django.db.models import Count, F, Sum

    from chidao.personnel.models import Position

    staff = Position.objects.filter(level=0, holders__isnull=False).distinct()
    in_departments = staff.filter(unit__kind=UnitKind.DEPARTMENT, unit__parent__kind=UnitKind.DEPARTMENT)
    assert in_departments.exists()
    seats = staff.aggregate(s=Sum("headcount"))["s"]
    held = Person.objects.filter(position__in=staff).count()
    assert (seats, held) == (129, 118)  # 11 vacant: 8,5 % of the seats
    assert not Position.objects.annotate(n=Count("holders")).filter(n__gt=F("headcount")).exists()
