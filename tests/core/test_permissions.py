"""The `can` mapping the templates ask (core.permissions): the apps' predicates, found without core importing
them, and no template testing roles itself."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from chidao.core.models import Role, User
from chidao.core.permissions import can_for, template_predicates

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2] / "chidao"


def test_each_apps_template_predicates_are_registered():
    assert set(template_predicates()) >= {
        "read_change_log", "manage_programs", "comment", "direct", "read_people", "manage_people",
        "read_access_log", "manage_indicators", "edit_procedures", "manage_report_templates"}


def test_the_answers_follow_the_apps_predicates(users, units):
    # Given a personnel officer with a unit, and one without
    officer = User.objects.create(username="tccb", role=Role.PERSONNEL, unit=units["snv"])
    unattached = User.objects.create(username="tccb2", role=Role.PERSONNEL)

    # Then each is answered by the personnel rules (reading needs a unit, managing does not)
    answers = {name: (can_for(u)["read_people"], can_for(u)["manage_people"], can_for(u)["manage_programs"])
               for name, u in (("officer", officer), ("unattached", unattached), ("office", users["office"]),
                               ("snv", users["snv"]))}
    assert answers == {"officer": (True, True, False), "unattached": (False, True, False),
                       "office": (True, True, True), "snv": (False, False, False)}


def test_an_anonymous_user_may_do_nothing_and_an_unknown_name_renders_empty():
    can = can_for(AnonymousUser())
    assert not any(can[name] for name in can)
    rendered = Template("{% if can.read_people %}yes{% else %}no{% endif %}[{{ can.no_such_rule }}]").render(
        Context({"can": can_for(AnonymousUser())}))
    assert rendered == "no[]"


def test_no_template_tests_a_role():
    role_logic = re.compile(r"{%[^%]*\b(user\.role|is_superuser|is_staff)\b[^%]*%}")
    offenders = [str(p.relative_to(ROOT)) for p in sorted(ROOT.rglob("*.html")) if role_logic.search(p.read_text())]
    assert offenders == []
