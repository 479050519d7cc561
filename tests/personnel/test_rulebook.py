"""The dated rulebook: the law in force on each date, local overrides marked, `chidao rules` and its rederive."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from chidao.core.models import ChangeRecord
from chidao.personnel import rules
from chidao.personnel.models import Discipline, Gender, Person
from chidao.personnel.rulebook import KEYS, PROVISIONS, rulebook_on

D = dt.date


def test_every_key_has_exactly_one_version_in_force_on_every_day_from_1990():
    # Given every provision's versions, When each day's law is asked, Then exactly one version answers
    for key in KEYS:
        versions = sorted((p for p in PROVISIONS if p.key == key), key=lambda p: p.since)
        assert versions[0].since <= D(1990, 1, 1), key
        for before, after in zip(versions, versions[1:], strict=False):
            assert before.until == after.since - dt.timedelta(days=1), key
        assert versions[-1].until is None, key


def test_the_law_of_the_judged_date_answers():
    # Regulation 377-QĐ/TW took effect on 08/10/2025; Decree 172/2025 and the two-level government on 01/07/2025
    assert rulebook_on(D(2025, 10, 7)).planning_removal_not_completed_years.value == 2
    assert rulebook_on(D(2025, 10, 8)).planning_removal_not_completed_years.value == 1
    assert rulebook_on(D(2025, 10, 8)).party_appointment_bar_months.value == {
        "khien_trach": 24, "canh_cao": 36, "cach_chuc": 60}
    assert rulebook_on(D(2025, 6, 30)).discipline_forms_civil_servant.value.forms == (
        "khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc", "buoc_thoi_viec")
    assert rulebook_on(D(2025, 7, 1)).discipline_forms_civil_servant.value.forms == (
        "khien_trach", "canh_cao", "cach_chuc", "buoc_thoi_viec")
    assert rulebook_on(D(2025, 6, 30)).key_leader_levels.value == ("province", "district", "commune")
    assert rulebook_on(D(2025, 7, 1)).key_leader_levels.value == ("province", "commune")
    # hạ bậc lương blocks for 12 months (Law 52/2019 amending Art. 82), not 18
    assert rulebook_on(D(2024, 1, 1)).state_discipline_bar_months.value["ha_bac_luong"] == 12


def test_an_override_replaces_the_number_and_says_so_wherever_cited(settings):
    # Given a local override of the young share
    settings.CHIDAO_RULE_OVERRIDES = {"planning_target_young_percent": 20}
    # When the rulebook is read, Then the number is the local one and the citation names both
    p = rulebook_on(D(2026, 1, 1)).planning_target_young_percent
    assert p.value == 20 and p.overridden and p.statutory == 15
    assert p.cite() == ("Nghị quyết 26-NQ/TW ngày 19/5/2018, mục II.3 (điều chỉnh tại địa phương: 20; "
                        "văn bản quy định 15)")
    # and without it, the law's own
    settings.CHIDAO_RULE_OVERRIDES = {}
    assert rulebook_on(D(2026, 1, 1)).planning_target_young_percent.value == 15


def test_retirement_follows_the_law_of_the_day_it_is_reached():
    # A man born 12/1960 reaches 60 in 12/2020 (Labour Code 2012): pension from 01/01/2021;
    # one born 01/1961 reaches 60 years 3 months in 04/2021 (Decree 135/2020): pension from 01/05/2021
    assert rules.retirement_date(birth_date=D(1960, 12, 15), gender=Gender.MALE) == D(2021, 1, 1)
    assert rules.retirement_date(birth_date=D(1961, 1, 15), gender=Gender.MALE) == D(2021, 5, 1)
    # a woman born 01/1975 retires at 59 years 8 months in 09/2034; one born 01/1980 at 60: 01/02/2040
    assert rules.retirement_date(birth_date=D(1975, 1, 10), gender=Gender.FEMALE) == D(2034, 10, 1)
    assert rules.retirement_date(birth_date=D(1980, 1, 10), gender=Gender.FEMALE) == D(2040, 2, 1)


def _show(on: str) -> list[str]:
    out = io.StringIO()
    call_command("rules", "--on", on, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_before_and_after_1_july_2025_differs_exactly_where_the_law_changed():
    # Given the rulebook printed on the eve and the day of the change
    before, after = _show("30/06/2025"), _show("01/07/2025")
    # Then the lines that differ are the heading and exactly the provisions that changed that day
    changed = {b for b, a in zip(before, after, strict=True) if a != b}
    assert len(before) == len(after)
    assert "BỘ QUY ĐỊNH ÁP DỤNG NGÀY 30/06/2025" in changed
    items = [line for line in before if line.startswith("- ")]
    changed_keys = {p0.key for p0, p1 in zip(rulebook_on(D(2025, 6, 30)).provisions(),
                                             rulebook_on(D(2025, 7, 1)).provisions(), strict=True) if p0 != p1}
    assert changed_keys == {"discipline_forms_cadre", "discipline_forms_civil_servant",
                            "state_discipline_bar_months", "key_leader_levels", "not_completed_consecutive_years"}
    assert len(items) == len(KEYS) + 6  # and the six house choices, printed apart
    assert sum(1 for b in changed if b.startswith("  Căn cứ:")) == 5
    assert ("- Hình thức kỷ luật công chức: khiển trách, cảnh cáo, cách chức, buộc thôi việc (cách chức chỉ áp "
            "dụng với người giữ chức vụ lãnh đạo, quản lý)") in after


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("rules", "--on", "31/02/2025", stdout=io.StringIO())


@pytest.mark.django_db
def test_rederive_recomputes_stale_rows_records_each_and_prints_them(make_person, users):
    # Given a person whose stored retirement date is stale, and a discipline stored with the old 18-month bar
    person = make_person(name="Nguyễn Văn An", born=D(1970, 3, 10))
    right = person.retirement_date
    Person.objects.filter(pk=person.pk).update(retirement_date=D(2030, 1, 1))
    d = Discipline.objects.create(person=person, system="civil_service", form="ha_bac_luong",
                                  decided_on=D(2024, 3, 1), decided_by="Sở Nội vụ", blocks_until=D(2025, 8, 31))
    untouched = make_person(name="Trần Thị Bình", born=D(1980, 5, 5), gender=Gender.FEMALE)
    before_records = ChangeRecord.objects.count()
    # When rederive runs
    out = io.StringIO()
    call_command("rules", "rederive", stdout=out)
    # Then each stale row is right, has one change record, and the output says what changed
    person.refresh_from_db()
    d.refresh_from_db()
    assert person.retirement_date == right
    assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (D(2025, 2, 28),) * 3
    records = ChangeRecord.objects.filter(action="rederive").order_by("object_repr")
    assert ChangeRecord.objects.count() == before_records + 2
    assert {r.object_id for r in records} == {str(person.pk), str(d.pk)}
    text = out.getvalue()
    assert f"Nguyễn Văn An (CB00001): ngày nghỉ hưu: 01/01/2030 → {right:%d/%m/%Y}" in text
    assert ("chưa quy hoạch đến ngày: 31/08/2025 → 28/02/2025; chưa bổ nhiệm chức vụ cao hơn đến ngày: ∅ → "
            "28/02/2025; chưa nâng ngạch, nâng lương đến ngày: ∅ → 28/02/2025") in text
    assert "Đã tính lại 1 hồ sơ (ngày nghỉ hưu) và 1 quyết định kỷ luật." in text
    assert untouched.pk not in {int(r.object_id) for r in records if r.content_type.model == "person"}
    # and a second run finds nothing
    again = io.StringIO()
    call_command("rules", "rederive", stdout=again)
    assert "Đã tính lại 0 hồ sơ (ngày nghỉ hưu) và 0 quyết định kỷ luật." in again.getvalue()
    assert ChangeRecord.objects.count() == before_records + 2


@pytest.mark.django_db
def test_rederive_dry_run_writes_nothing(make_person, users):
    person = make_person(name="Lê Văn Cường", born=D(1972, 7, 7))
    Person.objects.filter(pk=person.pk).update(retirement_date=D(2030, 1, 1))
    before = ChangeRecord.objects.count()
    out = io.StringIO()
    call_command("rules", "rederive", "--dry-run", stdout=out)
    assert "Sẽ thay đổi 1 hồ sơ (ngày nghỉ hưu) và 0 quyết định kỷ luật." in out.getvalue()
    assert Person.objects.get(pk=person.pk).retirement_date == D(2030, 1, 1)
    assert ChangeRecord.objects.count() == before


@pytest.mark.django_db
def test_the_page_shows_the_law_of_the_day_asked(client, users):
    # Given the standing office (reads personnel), When it asks for 30/06/2025, Then the old civil-service forms show
    client.force_login(users["office"])
    html = client.get("/can-bo/quy-dinh/", {"ngay": "30/06/2025"}).content.decode()
    assert "Căn cứ pháp lý áp dụng ngày 30/06/2025" in html
    assert "khiển trách, cảnh cáo, hạ bậc lương, giáng chức, cách chức, buộc thôi việc" in html
    html = client.get("/can-bo/quy-dinh/", {"ngay": "01/07/2025"}).content.decode()
    assert "khiển trách, cảnh cáo, hạ bậc lương, giáng chức" not in html
    assert "Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15)" in html
    # and it offers no recompute button to a non-administrator
    assert 'data-testid="rederive"' not in html


@pytest.mark.django_db
def test_only_an_administrator_recomputes_from_the_page(client, users, make_person):
    person = make_person(name="Phạm Văn Dũng", born=D(1971, 2, 2))
    right = person.retirement_date
    Person.objects.filter(pk=person.pk).update(retirement_date=D(2031, 1, 1))
    # Given the office, When it posts the recompute, Then it is refused and nothing changes
    client.force_login(users["office"])
    assert client.post("/can-bo/quy-dinh/tinh-lai/").status_code == 403
    assert Person.objects.get(pk=person.pk).retirement_date == D(2031, 1, 1)
    # Given an administrator, Then the row is right again and recorded
    client.force_login(users["admin"])
    assert client.post("/can-bo/quy-dinh/tinh-lai/").status_code == 302
    assert Person.objects.get(pk=person.pk).retirement_date == right
    assert ChangeRecord.objects.filter(action="rederive", object_id=str(person.pk), actor=users["admin"]).count() == 1


@pytest.mark.django_db
def test_the_api_reads_the_rulebook_of_a_day(client, users):
    client.force_login(users["office"])
    body = client.get("/api/v1/rules", {"on": "2025-10-08"}).json()
    assert body["on"] == "2025-10-08"
    bar = next(p for p in body["provisions"] if p["key"] == "party_appointment_bar_months")
    assert bar["value"] == "khiển trách: 24 tháng; cảnh cáo: 36 tháng; cách chức: 60 tháng"
    assert bar["since"] == "2025-10-08" and bar["until"] is None and bar["overridden"] is False
    assert len(body["provisions"]) == len(KEYS)


def test_a_day_before_a_regulation_was_issued_never_cites_it():
    # Regulation 65 (rotation) was issued on 28/04/2022, Regulation 50 (planning) on 27/12/2021
    assert rulebook_on(D(2022, 4, 27)).rotation_term_months.cite() == (
        "Quy định 98-QĐ/TW ngày 07/10/2017 về luân chuyển cán bộ")
    assert rulebook_on(D(2022, 4, 28)).rotation_term_months.cite() == (
        "Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ")
    assert "Hướng dẫn 15-HD/BTCTW" in rulebook_on(D(2021, 12, 26)).planning_max_people_per_post.cite()
    assert "Quy định 50-QĐ/TW" in rulebook_on(D(2021, 12, 27)).planning_max_people_per_post.cite()
    assert "Quy định 105-QĐ/TW" in rulebook_on(D(2022, 8, 17)).party_appointment_bar_months.cite()


def test_an_override_changes_only_the_law_in_force_now(settings):
    # Given a local override of the review rule, When a day under an older text is asked, Then that text answers
    settings.CHIDAO_RULE_OVERRIDES = {"planning_removal_not_completed_years": 2}
    assert rulebook_on(D(2026, 1, 1)).planning_removal_not_completed_years.overridden
    older = rulebook_on(D(2025, 1, 1)).planning_removal_not_completed_years
    assert (older.value, older.overridden) == (2, False)
