"""Personnel fixtures (a pytest plugin, registered in tests/conftest.py so every test directory sees them): a small
unit tree, personnel officers, posts and a person factory, each over a `build_*` function."""

import datetime as dt
import itertools

import pytest

from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.personnel import services
from chidao.personnel.models import Gender, Person, Position, PostLevel


def build_tree(units: dict[str, Unit]) -> dict[str, Unit]:
    """SNV has a division below it (phòng); STC stays outside SNV's subtree."""
    division = Unit.objects.create(code="SNV-TCBC", name="Phòng Tổ chức, biên chế", kind=UnitKind.DEPARTMENT,
                                   level=UnitLevel.PROVINCE, parent=units["snv"])
    return {**units, "snv_division": division}


def build_hr(tree: dict[str, Unit]) -> dict[str, User]:
    """Personnel officers: one of Sở Nội vụ (sees its subtree), one of Sở Tài chính."""
    def user(username: str, unit: Unit) -> User:
        u = User(username=username, role=Role.PERSONNEL, unit=unit, full_name=username)
        u.set_password("pw")
        u.save()
        return u

    return {"snv": user("tccb_snv", tree["snv"]), "stc": user("tccb_stc", tree["stc"])}


def build_posts(tree: dict[str, Unit]) -> dict[str, Position]:
    def post(unit: str, title: str, level: int, leader: bool = True, key: bool = False, **kw) -> Position:
        return Position.objects.create(unit=tree[unit], title=title, level=level, is_leader=leader,
                                       is_key_post=key, **kw)

    return {
        "snv_director": post("snv", "Giám đốc Sở Nội vụ", PostLevel.HEAD_DEPARTMENT, key=True),
        "snv_deputy": post("snv", "Phó Giám đốc Sở Nội vụ", PostLevel.DEPUTY_DEPARTMENT, key=True),
        "snv_head": post("snv_division", "Trưởng phòng Tổ chức, biên chế", PostLevel.HEAD_DIVISION),
        "snv_staff": post("snv_division", "Chuyên viên tổ chức cán bộ", PostLevel.STAFF, leader=False,
                          sector="personnel", change_period_months=36),
        "stc_director": post("stc", "Giám đốc Sở Tài chính", PostLevel.HEAD_DEPARTMENT, key=True),
        "stc_staff": post("stc", "Chuyên viên quản lý ngân sách", PostLevel.STAFF, leader=False,
                          sector="public_finance", change_period_months=36),
    }


def person_maker(users: dict[str, User], posts: dict[str, Position]):
    counter = itertools.count(1)

    def make(*, name: str = "Nguyễn Văn An", born: dt.date = dt.date(1975, 5, 20), gender: str = Gender.MALE,
             post: str | None = "snv_staff", since: dt.date = dt.date(2018, 1, 1), **fields) -> Person:
        n = next(counter)
        position = posts[post] if post else None
        person = services.person_create(actor=users["admin"], code=f"CB{n:05d}", full_name=name, birth_date=born,
                                        gender=gender, unit=position.unit if position else None, **fields)
        if position is not None:
            services.assignment_add(actor=users["admin"], person=person, position=position, kind="appointment",
                                    start=since)
        person.refresh_from_db()
        return person

    return make


@pytest.fixture
def tree(units):
    return build_tree(units)


@pytest.fixture
def hr(tree):
    return build_hr(tree)


@pytest.fixture
def posts(tree):
    return build_posts(tree)


@pytest.fixture
def make_person(users, posts):
    return person_maker(users, posts)
