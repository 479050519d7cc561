"""Counts per period, field and unit (subtree), and the demo's 2021 figures from its records."""

import datetime as dt

import pytest

from chidao.core.models import Unit
from chidao.core.periods import period_parse
from chidao.demo.procedures import procedures_load
from chidao.procedures import selectors
from chidao.procedures.models import DecisionItem, ItemAction, Procedure, ReviewFinding
from chidao.procedures.status import derive_status

pytestmark = pytest.mark.django_db
D = dt.date
NEW, AMENDED, REPLACED, ABOLISHED = ItemAction.NEW, ItemAction.AMENDED, ItemAction.REPLACED, ItemAction.ABOLISHED


def counts(year: int | None = None, period: str = "", **kw: object) -> dict[str, int]:
    if period:
        p = period_parse(period)
        return selectors.procedure_counts(start=p.start, end=p.end, **kw)  # type: ignore[arg-type]
    assert year is not None
    return selectors.procedure_counts(start=D(year, 1, 1), end=D(year, 12, 31), **kw)  # type: ignore[arg-type]


@pytest.fixture
def registry(make_procedure, make_decision):
    """2020: A, B, C (Y tế, SYT), E (Giáo dục, SGD), W (Hộ tịch, ward) new on 01/03/2020.
    2021: D new 20/01 (Y tế); B amended 10/03; F replaces A 20/12 (Y tế); C abolished 20/12.
    2022: F abolished 01/02."""
    p = {k: make_procedure(field="Y tế", unit="syt") for k in "ABCDF"}
    p["E"] = make_procedure(field="Giáo dục và Đào tạo", unit="sgd")
    p["W"] = make_procedure(field="Hộ tịch", unit="ward", level="commune")
    make_decision("1/QĐ", D(2020, 3, 1), [(p[k], NEW, None) for k in "ABCEW"])
    make_decision("2/QĐ", D(2021, 1, 20), [(p["D"], NEW, None)])
    make_decision("3/QĐ", D(2021, 3, 10), [(p["B"], AMENDED, None)])
    make_decision("4/QĐ", D(2021, 12, 20), [(p["F"], REPLACED, p["A"]), (p["C"], ABOLISHED, None)])
    make_decision("5/QĐ", D(2022, 2, 1), [(p["F"], ABOLISHED, None)])
    return p


def test_counts_per_year(registry):
    assert counts(2020) == {"published": 5, "amended": 0, "replaced": 0, "abolished": 0, "in_force": 5}
    assert counts(2021) == {"published": 1, "amended": 1, "replaced": 1, "abolished": 1, "in_force": 5}
    assert counts(2022) == {"published": 0, "amended": 0, "replaced": 0, "abolished": 1, "in_force": 4}


def test_counts_per_decree_09_quarter(registry):
    # Q1 2021 runs 15/12/2020-14/03/2021: D new (20/01), B amended (10/03)
    assert counts(period="2021-Q1") == {"published": 1, "amended": 1, "replaced": 0, "abolished": 0, "in_force": 6}
    # Q4 2021 runs 15/09-14/12/2021: nothing; 20/12/2021 falls in Q1 2022 (15/12/2021-14/03/2022)
    assert counts(period="2021-Q4") == {"published": 0, "amended": 0, "replaced": 0, "abolished": 0, "in_force": 6}
    assert counts(period="2022-Q1") == {"published": 0, "amended": 0, "replaced": 1, "abolished": 2, "in_force": 4}


def test_counts_by_unit_subtree_and_field(registry, proc_units):
    # UBND's subtree holds SYT and SGD, not the ward
    assert counts(2020, unit=proc_units["ubnd"]) == {
        "published": 4, "amended": 0, "replaced": 0, "abolished": 0, "in_force": 4}
    assert counts(2020, unit=proc_units["city"])["in_force"] == 5
    assert counts(2020, unit=proc_units["ward"]) == {
        "published": 1, "amended": 0, "replaced": 0, "abolished": 0, "in_force": 1}
    assert counts(2021, field="Y tế") == {"published": 1, "amended": 1, "replaced": 1, "abolished": 1, "in_force": 3}
    assert counts(2021, unit=proc_units["sgd"], field="Y tế")["in_force"] == 0
    by_field = {r.label: r.counts for r in selectors.counts_by_field(start=D(2021, 1, 1), end=D(2021, 12, 31))}
    assert by_field == {
        "Giáo dục và Đào tạo": {"published": 0, "amended": 0, "replaced": 0, "abolished": 0, "in_force": 1},
        "Hộ tịch": {"published": 0, "amended": 0, "replaced": 0, "abolished": 0, "in_force": 1},
        "Y tế": {"published": 1, "amended": 1, "replaced": 1, "abolished": 1, "in_force": 3},
    }
    by_unit = {r.label: r.counts for r in selectors.counts_by_unit(start=D(2021, 1, 1), end=D(2021, 12, 31),
                                                                   unit=proc_units["ubnd"])}
    assert by_unit == {
        "Sở Giáo dục và Đào tạo": {"published": 0, "amended": 0, "replaced": 0, "abolished": 0, "in_force": 1},
        "Sở Y tế": {"published": 1, "amended": 1, "replaced": 1, "abolished": 1, "in_force": 3},
    }


def test_the_counts_table_agrees_with_the_counts(registry, proc_units):
    for unit in (None, proc_units["ubnd"], proc_units["ward"]):
        for field in (None, "Y tế"):
            for start, end in ((D(2020, 1, 1), D(2020, 12, 31)), (D(2021, 1, 1), D(2021, 12, 31))):
                table = selectors.counts_table(start=start, end=end, unit=unit, field=field)
                assert table.total == selectors.procedure_counts(start=start, end=end, unit=unit, field=field)


def test_counts_run_in_a_fixed_number_of_queries(registry, proc_units, django_assert_num_queries):
    with django_assert_num_queries(2):
        counts(2021, field="Y tế")


def test_demo_gives_the_2021_figures_from_records():
    # When the demo loads
    result = procedures_load()
    assert result is not None
    # Then 2021 gives the review's figures, and 2022's decision is outside them
    year = counts(2021)
    assert (year["published"], year["replaced"], year["abolished"], year["amended"]) == (557, 150, 520, 43)
    assert counts(period="2021") == year  # Decree 09's year 15/12/2020-14/12/2021 holds the same decisions
    assert counts(2022) == {"published": 5, "amended": 0, "replaced": 2, "abolished": 3, "in_force": 1937 + 5 - 3}
    # And in force at 31/12/2021 equals the status derived procedure by procedure
    items = list(DecisionItem.objects.all())
    by_procedure: dict[int, list[DecisionItem]] = {}
    for item in items:
        by_procedure.setdefault(item.procedure_id, []).append(item)
        if item.replaces_id:
            by_procedure.setdefault(item.replaces_id, []).append(item)
    direct = sum(derive_status(pk, by_procedure.get(pk, []), D(2021, 12, 31)).in_force
                 for pk in Procedure.objects.values_list("pk", flat=True))
    assert year["in_force"] == direct == 1937
    # The review's five groups, with proposals linked to the 2021 items that carried them out
    assert ReviewFinding.objects.filter(outcome__isnull=False).count() == 150 + 520 + 43
    assert ReviewFinding.objects.filter(outcome__isnull=False).exclude(outcome__effective_on__year=2021).count() == 0
    assert ReviewFinding.objects.values("group").distinct().count() == 5
    # Loading again changes nothing
    n = Procedure.objects.count()
    assert procedures_load() is None
    assert Procedure.objects.count() == n
    assert Unit.objects.filter(code__in=["SXD", "SNNMT"]).count() == 2


def test_the_rows_by_field_follow_the_vietnamese_alphabet(make_procedure, make_decision):
    from chidao.procedures.selectors import counts_table

    procs = [make_procedure(code=f"T{i}", field=f) for i, f in enumerate(["Y tế", "Đất đai", "Dân số", "Đầu tư"])]
    make_decision("1/QĐ-T", dt.date(2021, 3, 1), [(p, "new", None) for p in procs])
    table = counts_table(start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
    assert [r.label for r in table.by_field] == ["Dân số", "Đất đai", "Đầu tư", "Y tế"]
