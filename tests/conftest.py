"""Shared fixtures: reference units, one user per role, a program with deliverables."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.programs import services
from chidao.programs.models import Kind, Program


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "vi"
    # Background tasks run in-process, so a test sees their result at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    """An aware datetime in Asia/Ho_Chi_Minh."""
    return timezone.make_aware(dt.datetime(y, m, d, hour))


def pdf_file(name: str = "phe-duyet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


@pytest.fixture
def units(db):
    def unit(code: str, name: str, kind=UnitKind.DEPARTMENT, parent=None) -> Unit:
        return Unit.objects.create(code=code, name=name, kind=kind, level=UnitLevel.PROVINCE, parent=parent)

    city = unit("HN", "Thành phố Hà Nội", UnitKind.LOCALITY)
    return {
        "city": city,
        "tu": unit("TU", "Thành ủy Hà Nội", UnitKind.PARTY_COMMITTEE, city),
        "btc": unit("BTCTU", "Ban Tổ chức Thành ủy", UnitKind.PARTY_BODY, city),
        "snv": unit("SNV", "Sở Nội vụ", parent=city),
        "stc": unit("STC", "Sở Tài chính", parent=city),
        "stp": unit("STP", "Sở Tư pháp", parent=city),
    }


@pytest.fixture
def users(units):
    def user(username: str, role: str, unit: Unit | None) -> User:
        u = User(username=username, role=role, unit=unit, full_name=username)
        u.set_password("pw")
        u.save()
        return u

    return {
        "admin": user("admin", Role.ADMIN, None),
        "office": user("office", Role.OFFICE, units["btc"]),
        "steering": user("steering", Role.STEERING, units["tu"]),
        "auditor": user("auditor", Role.AUDITOR, None),
        "snv": user("officer_snv", Role.LEAD_OFFICER, units["snv"]),
        "stc": user("officer_stc", Role.LEAD_OFFICER, units["stc"]),
        "stp": user("officer_stp", Role.LEAD_OFFICER, units["stp"]),
    }


@pytest.fixture
def program(users, units) -> Program:
    return services.program_create(
        actor=users["admin"], number="01-CTr/TU", title="Chương trình thử", issuing_body=units["tu"],
        issued_on=dt.date(2021, 3, 17), term="XVII", period_start=2021, period_end=2025,
    )


@pytest.fixture
def make_deliverable(program, users, units):
    counter = iter(range(1, 10_000))

    def make(*, lead="snv", deadline=dt.date(2021, 9, 30), kind=Kind.SCHEME, coordinating=(), created=None,
             leader="Nguyễn Văn An", title=None):
        n = next(counter)
        return services.deliverable_create(
            actor=users["office"], program=program, code=f"{n:02d}", kind=kind,
            title=title or f"Đề án thử số {n}", lead_unit=units[lead],
            coordinating_units=[units[c] for c in coordinating], responsible_leader=leader,
            original_deadline=deadline, at=created or at(2021, 3, 30),
        )

    return make
