"""A procedure's status over time, derived from decision items; decision validation is all-or-nothing."""

import datetime as dt

import pytest

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord
from chidao.procedures import permissions, selectors, services
from chidao.procedures.models import DecisionItem, ItemAction, Procedure, ProcedureVersion, PublicationDecision
from chidao.procedures.status import derive_status, in_force_q, status_q

pytestmark = pytest.mark.django_db
D = dt.date
NEW, AMENDED, REPLACED, ABOLISHED = ItemAction.NEW, ItemAction.AMENDED, ItemAction.REPLACED, ItemAction.ABOLISHED


def status(p: Procedure, on: dt.date) -> tuple[str, str | None]:
    s = selectors.procedure_status(procedure=p, on=on)
    return s.code, s.item.decision.number if s.item else None  # type: ignore[union-attr]


def sql_status(p: Procedure, on: dt.date) -> list[str]:
    return [c for c in ("in_force", "not_yet", "abolished", "replaced")
            if Procedure.objects.filter(status_q(c, on), pk=p.pk).exists()]


def test_replaced_then_its_replacement_abolished(make_procedure, make_decision):
    # Given A published in 2020, replaced by B in 2021, and B abolished in 2022
    a, b = make_procedure(), make_procedure()
    make_decision("1/QĐ-UBND", D(2020, 3, 1), [(a, NEW, None)])
    make_decision("2/QĐ-UBND", D(2021, 6, 15), [(b, REPLACED, a)])
    make_decision("3/QĐ-UBND", D(2022, 2, 1), [(b, ABOLISHED, None)])
    # Then each date gives the status and the decision that decided it
    assert status(a, D(2020, 2, 29)) == ("not_yet", "1/QĐ-UBND")
    assert status(a, D(2020, 3, 1)) == ("in_force", "1/QĐ-UBND")
    assert status(a, D(2021, 6, 14)) == ("in_force", "1/QĐ-UBND")
    assert status(b, D(2021, 6, 14)) == ("not_yet", "2/QĐ-UBND")
    assert status(a, D(2021, 6, 15)) == ("replaced", "2/QĐ-UBND")
    assert status(b, D(2021, 6, 15)) == ("in_force", "2/QĐ-UBND")
    assert status(b, D(2022, 1, 31)) == ("in_force", "2/QĐ-UBND")
    assert status(b, D(2022, 2, 1)) == ("abolished", "3/QĐ-UBND")
    assert status(a, D(2022, 2, 1)) == ("replaced", "2/QĐ-UBND")
    # And the SQL form agrees on every date
    for day, a_code, b_code in [(D(2020, 2, 29), "not_yet", "not_yet"), (D(2021, 6, 14), "in_force", "not_yet"),
                                (D(2021, 6, 15), "replaced", "in_force"), (D(2022, 2, 1), "replaced", "abolished")]:
        assert (sql_status(a, day), sql_status(b, day)) == ([a_code], [b_code])


def test_amended_keeps_in_force_and_records_the_previous_content(make_procedure, make_decision):
    a = make_procedure(name="Cấp giấy phép hành nghề", time_limit_days=20)
    make_decision("1/QĐ-UBND", D(2020, 3, 1), [(a, NEW, None)])
    make_decision("2/QĐ-UBND", D(2021, 5, 1), [(a, AMENDED, None)])
    assert status(a, D(2021, 5, 1)) == ("in_force", "1/QĐ-UBND")
    version = ProcedureVersion.objects.get(procedure=a)
    assert (version.number, version.valid_from, version.content["time_limit_days"], version.item.decision.number) == (
        1, D(2020, 3, 1), 20, "2/QĐ-UBND")


def test_only_amended_items_count_from_the_first(make_procedure, make_decision, reform_user, proc_units):
    # Given a procedure taken over with only an "amended" item (no introducing item recorded)
    a = make_procedure()
    decision = PublicationDecision.objects.create(number="9/QĐ", signed_on=D(2019, 1, 1), effective_on=D(2019, 1, 1),
                                                  issuer=proc_units["ubnd"], created_by=reform_user)
    DecisionItem.objects.create(decision=decision, procedure=a, action=AMENDED, effective_on=D(2019, 1, 1))
    # Then it is in force from that item, in Python and in SQL
    assert status(a, D(2018, 12, 31))[0] == "not_yet"
    assert status(a, D(2019, 1, 1))[0] == "in_force"
    assert Procedure.objects.filter(in_force_q(D(2019, 1, 1))).count() == 1
    assert Procedure.objects.filter(in_force_q(D(2018, 12, 31))).count() == 0


def test_derive_status_without_items():
    assert derive_status(1, [], D(2021, 1, 1)).code == "not_yet"


@pytest.mark.parametrize("case", ["abolish_not_in_force", "replace_without_naming", "duplicate_number",
                                  "new_twice", "replace_not_in_force", "same_twice", "dated_before_recorded"])
def test_invalid_decisions_write_nothing(case, make_procedure, make_decision, reform_user, proc_units):
    # Given A in force since 2020, C never published
    a, b, c = make_procedure(), make_procedure(), make_procedure()
    make_decision("1/QĐ-UBND", D(2020, 3, 1), [(a, NEW, None)])
    before = (PublicationDecision.objects.count(), DecisionItem.objects.count(), ChangeRecord.objects.count())
    number, day = "2/QĐ-UBND", D(2021, 6, 1)
    items, field, message = {
        "abolish_not_in_force": ([(b, NEW, None), (c, ABOLISHED, None)], "items",
                                 "Mục 2 (1.000003.000.00.00.H26): thủ tục không có hiệu lực vào ngày 01/06/2021."),
        "replace_without_naming": ([(b, REPLACED, None)], "items",
                                   "Mục 1 (1.000002.000.00.00.H26): thay thế phải ghi rõ thủ tục bị thay thế."),
        "duplicate_number": ([(b, NEW, None)], "number", "Đã có quyết định số 1/QĐ-UBND."),
        "new_twice": ([(a, NEW, None)], "items",
                      "Mục 1 (1.000001.000.00.00.H26): thủ tục đã được công bố trước đó (không công bố mới lại)."),
        "replace_not_in_force": ([(b, REPLACED, c)], "items",
                                 "Mục 1 (1.000002.000.00.00.H26): thủ tục bị thay thế 1.000003.000.00.00.H26 không có "
                                 "hiệu lực vào ngày 01/06/2021."),
        "same_twice": ([(a, AMENDED, None), (b, REPLACED, a)], "items",
                       "Mục 2 (1.000002.000.00.00.H26): thủ tục đã có ở mục khác của quyết định này."),
        "dated_before_recorded": ([(a, ABOLISHED, None)], "items",
                                  "Mục 1 (1.000001.000.00.00.H26): thủ tục đã có quyết định công bố có hiệu lực sau "
                                  "ngày 01/01/2020."),
    }[case]
    if case == "duplicate_number":
        number = "1/QĐ-UBND"
    if case == "dated_before_recorded":
        day = D(2020, 1, 1)
    # When the reform office records the faulty decision
    with pytest.raises(ValidationError) as exc:
        make_decision(number, day, items)
    # Then it says which line is wrong, and nothing is written
    assert exc.value.message_dict[field] == [message]
    assert (PublicationDecision.objects.count(), DecisionItem.objects.count(), ChangeRecord.objects.count()) == before
    assert status(a, D(2021, 12, 31)) == ("in_force", "1/QĐ-UBND")


@pytest.mark.parametrize("role", ["office", "snv", "steering", "auditor"])
def test_only_the_reform_office_and_admin_write(role, proc_users, make_procedure, make_decision, proc_units):
    a = make_procedure()
    before = (Procedure.objects.count(), PublicationDecision.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(PermissionDenied):
        services.decision_create(actor=proc_users[role], number="5/QĐ", title="", signed_on=D(2021, 1, 1),
                                 effective_on=D(2021, 1, 1), issuer=proc_units["ubnd"], items=[(a, NEW, None)])
    with pytest.raises(PermissionDenied):
        services.procedure_create(actor=proc_users[role], code="X1", name="Thủ tục X", level="province",
                                  field="Y tế", unit=proc_units["syt"])
    with pytest.raises(PermissionDenied):
        services.procedure_update(actor=proc_users[role], procedure=a, name="Đổi tên")
    assert (Procedure.objects.count(), PublicationDecision.objects.count(), ChangeRecord.objects.count()) == before
    assert Procedure.objects.get(pk=a.pk).name == a.name
    assert permissions.can_edit_procedures(proc_users["admin"])
    assert permissions.can_edit_procedures(proc_users["reform"])


def test_update_keeps_the_previous_content_as_a_version(make_procedure, reform_user):
    a = make_procedure(name="Cấp giấy phép hoạt động khám bệnh", time_limit_days=30)
    services.procedure_update(actor=reform_user, procedure=a, name="Cấp giấy phép hoạt động khám bệnh, chữa bệnh",
                              time_limit_days=20)
    a.refresh_from_db()
    version = ProcedureVersion.objects.get(procedure=a)
    assert (a.name, a.time_limit_days, a.search_text) == (
        "Cấp giấy phép hoạt động khám bệnh, chữa bệnh", 20,
        "1.000001.000.00.00.h26 cap giay phep hoat dong kham benh, chua benh")
    assert (version.number, version.content["name"], version.content["time_limit_days"], version.item) == (
        1, "Cấp giấy phép hoạt động khám bệnh", 30, None)
    assert ChangeRecord.objects.filter(object_id=str(a.pk), action="update").count() == 1


def test_review_finding_outcome_must_match(make_procedure, make_decision, reform_user, proc_units):
    a, b, c = make_procedure(), make_procedure(), make_procedure()
    make_decision("1/QĐ", D(2020, 1, 1), [(a, NEW, None), (c, NEW, None)])
    decision = make_decision("2/QĐ", D(2021, 1, 1), [(b, REPLACED, a), (c, ABOLISHED, None)])
    replaced, abolished = decision.items.order_by("id")
    campaign = services.review_campaign_create(actor=reform_user, name="Rà soát 2021", year=2021,
                                               lead_unit=proc_units["vpub"])
    group = services.review_group_add(actor=reform_user, campaign=campaign, name="Y tế", procedures=[a, c])
    finding = services.review_finding_add(actor=reform_user, group=group, procedure=a, finding="Rườm rà",
                                          proposal="replace")
    with pytest.raises(ValidationError):
        services.finding_link_outcome(actor=reform_user, finding=finding, item=abolished)
    services.finding_link_outcome(actor=reform_user, finding=finding, item=replaced)
    with pytest.raises(ValidationError):
        services.review_finding_add(actor=reform_user, group=group, procedure=c, finding="Không cần thiết",
                                    proposal="simplify", outcome=abolished)
    assert [(f.procedure.code, f.proposal, f.outcome.decision.number) for f in group.findings.all()] == [
        (a.code, "replace", "2/QĐ")]


def test_decision_search_ignores_diacritics_on_both_sides(make_procedure, make_decision, reform_user):
    from chidao.procedures.selectors import decision_list

    p = make_procedure(code="1.000001")
    make_decision("100/QĐ-UBND", dt.date(2021, 3, 1), [(p, "new", None)], title="Công bố thủ tục lĩnh vực Tư pháp")
    q = make_procedure(code="1.000002")
    make_decision("200/QĐ-UBND", dt.date(2021, 4, 1), [(q, "new", None)], title="Công bố thủ tục lĩnh vực Y tế")
    for query in ("tư pháp", "tu phap", "Tư  Pháp 100"):
        assert [d.number for d in decision_list(user=reform_user, q=query)] == ["100/QĐ-UBND"]
    assert [d.number for d in decision_list(user=reform_user, q="qd-ubnd")] == ["200/QĐ-UBND", "100/QĐ-UBND"]
