"""Shared fixtures: reference units, one user per role, a program with deliverables.

The apps' fixtures used by more than one test directory live in plugin modules registered below, so every
directory sees them without importing fixtures into test modules. Each fixture is a thin wrapper over a
`build_*` function, which the permission matrix also calls to build its world once per module.
"""

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.programs import services
from chidao.programs.models import Kind, Program

pytest_plugins = [
    "tests.personnel.fixtures",
    "tests.programs.fixtures",
    "tests.procedures.fixtures",
    "tests.indicators.fixtures",
    "tests.rotation.fixtures",
    "tests.rotation.plan_world",
    "tests.core.accounts_fixtures",
    "tests.core.pki",
]


def fast_settings(media_root) -> dict[str, object]:
    """The settings every test runs with: fast password hashing, its own media folder, tasks in-process."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "MEDIA_ROOT": media_root,
        # No signing key and no trust root unless a test installs one (chidao.core.signing).
        "CHIDAO_SIGNING": {},
        "CHIDAO_TRUST_ROOTS": media_root.parent / "trust",
        "LANGUAGE_CODE": "vi",
        # Background tasks run in-process, so a test sees their result at once.
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        # The forgot-password counters in memory, not in var/ where they would outlive the run.
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                   "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"}},
    }


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    for name, value in fast_settings(tmp_path / "media").items():
        setattr(settings, name, value)
    # Locmem caches live in the process: figures kept under one test's stamps (a frozen clock, the same ids)
    # must not answer the next test.
    caches["default"].clear()


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    """An aware datetime in Asia/Ho_Chi_Minh."""
    return timezone.make_aware(dt.datetime(y, m, d, hour))


def pdf_file(name: str = "phe-duyet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def build_units() -> dict[str, Unit]:
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


def build_users(units: dict[str, Unit]) -> dict[str, User]:
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


def build_program(users: dict[str, User], units: dict[str, Unit]) -> Program:
    return services.program_create(
        actor=users["admin"], number="01-CTr/TU", title="Chương trình thử", issuing_body=units["tu"],
        issued_on=dt.date(2021, 3, 17), term="XVII", period_start=2021, period_end=2025,
    )


def deliverable_maker(program: Program, users: dict[str, User], units: dict[str, Unit]):
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


@pytest.fixture
def units(db):
    return build_units()


@pytest.fixture
def users(units):
    return build_users(units)


@pytest.fixture
def program(users, units) -> Program:
    return build_program(users, units)


@pytest.fixture
def make_deliverable(program, users, units):
    return deliverable_maker(program, users, units)
