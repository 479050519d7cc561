"""A small world for the plan tests (a pytest plugin, registered in tests/conftest.py: the `world` fixture).

Periodic position change round over the whole city (as of 01/06/2025, a unit takes at most 50 % of its
staff). Movers (included due entries):
- An: Chuyên viên tổ chức cán bộ (SNV division) since 2022; served in STC 2019-2021 (recent); expertise
  "Tổ chức cán bộ".
- Bình: Chuyên viên quản lý ngân sách (STC) since 2020; "Kế toán"; Cường's spouse.
- Cường: Chuyên viên phổ biến pháp luật (STP) since 2020; "Luật"; Dũng's sibling.
- Hà: Chuyên viên chính tư pháp (STP, a higher non-leading level nobody else offers).
Not moving: Dũng, Giám đốc Sở Tài chính (a head: rule 6 for Cường); two more staff of STP (cap 2).
Vacant: Chuyên viên Ban Tổ chức (BTC, personnel sector) and the SNV leading posts.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from chidao.personnel import services as personnel_services
from chidao.personnel.models import Person, Position, PostLevel
from chidao.rotation import plan
from chidao.rotation.models import DueEntry, DueStatus, RotationRound, RoundKind

ON = dt.date(2025, 6, 1)


@dataclass
class World:
    round: RotationRound
    people: dict[str, Person]
    posts: dict[str, Position]


def include(rnd: RotationRound, *people: Person) -> None:
    for p in people:
        DueEntry.objects.create(round=rnd, person=p, position=p.position, status=DueStatus.DUE, included=True,
                                reasons=["Đủ thời hạn định kỳ chuyển đổi"])


@pytest.fixture
def world(tree, posts, users, make_person, make_round) -> World:
    admin = users["admin"]
    all_posts = dict(posts)
    all_posts["stp_staff"] = Position.objects.create(unit=tree["stp"], title="Chuyên viên phổ biến pháp luật",
                                                     level=PostLevel.STAFF, sector="citizen_facing")
    all_posts["btc_staff"] = Position.objects.create(unit=tree["btc"], title="Chuyên viên Ban Tổ chức",
                                                     level=PostLevel.STAFF, sector="personnel")
    all_posts["stp_senior"] = Position.objects.create(unit=tree["stp"], title="Chuyên viên chính tư pháp",
                                                      level=PostLevel.DEPUTY_DIVISION)
    an = make_person(name="Nguyễn Văn An", post="snv_staff", since=dt.date(2022, 1, 1), expertise="Tổ chức cán bộ")
    personnel_services.assignment_add(actor=admin, person=an, position=all_posts["stc_staff"], kind="appointment",
                                      start=dt.date(2019, 1, 1), end=dt.date(2021, 12, 31))
    binh = make_person(name="Trần Thị Bình", gender="female", post="stc_staff", since=dt.date(2020, 1, 1),
                       expertise="Kế toán")
    cuong = make_person(name="Lê Văn Cường", post=None, expertise="Luật")
    personnel_services.assignment_add(actor=admin, person=cuong, position=all_posts["stp_staff"],
                                      kind="appointment", start=dt.date(2020, 1, 1))
    dung = make_person(name="Lê Văn Dũng", post="stc_director", since=dt.date(2019, 1, 1))
    ha = make_person(name="Phạm Thu Hà", gender="female", born=dt.date(1980, 3, 3), post=None)
    personnel_services.assignment_add(actor=admin, person=ha, position=all_posts["stp_senior"],
                                      kind="appointment", start=dt.date(2019, 1, 1))
    for n, name in enumerate(("Vũ Văn Khoa", "Đỗ Thị Lan")):
        personnel_services.person_create(actor=admin, code=f"STP{n}", full_name=name, birth_date=dt.date(1985, 1, 1),
                                         gender="male", unit=tree["stp"])
    personnel_services.relative_link(actor=admin, person=binh, relative=cuong, relation="spouse")
    personnel_services.relative_link(actor=admin, person=cuong, relative=dung, relation="sibling")
    rnd = make_round(kind=RoundKind.PERIODIC_CHANGE, scope="city", as_of=ON)
    RotationRound.objects.filter(pk=rnd.pk).update(unit_cap_percent=50)
    rnd.refresh_from_db()
    people = {"an": an, "binh": binh, "cuong": cuong, "dung": dung, "ha": ha}
    for p in people.values():
        p.refresh_from_db()
    include(rnd, people["an"], people["binh"], people["cuong"], people["ha"])
    return World(round=rnd, people=people, posts=all_posts)


@pytest.fixture
def proposed(world, users) -> World:
    """The world's round with its plan made by the solver (three of four placed)."""
    plan.plan_request(actor=users["office"], round=world.round)
    world.round.refresh_from_db()
    return world
