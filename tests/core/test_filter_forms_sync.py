"""Issue 13, item 13: every list filter form that refreshes its results through htmx lets the last state of the
form win (`hx-sync="this:replace"`: a newer request aborts the one in flight), and its button submits the form."""

import re
from pathlib import Path

import chidao

TEMPLATES = Path(chidao.__file__).resolve().parent
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)


def _htmx_get_forms() -> dict[str, str]:
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        for n, form in enumerate(FORM.findall(path.read_text(encoding="utf-8"))):
            opening = form.split(">", 1)[0]
            if "hx-get" in opening:
                found[f"{path.relative_to(TEMPLATES)}#{n}"] = form
    return found


def test_the_filter_forms_are_the_ones_we_know():
    assert sorted(_htmx_get_forms()) == [
        "core/templates/core/users/list.html#0",
        "personnel/templates/personnel/person_list.html#0",
        "procedures/templates/procedures/procedure_list.html#0",
        "programs/templates/programs/deliverable_list.html#0",
    ]


def test_every_htmx_filter_form_replaces_the_request_in_flight_and_submits_whole():
    for name, form in _htmx_get_forms().items():
        opening = form.split(">", 1)[0]
        assert 'hx-sync="this:replace"' in opening, name
        assert "submit" in re.search(r'hx-trigger="([^"]*)"', opening).group(1), name
        buttons = re.findall(r"<button\b[^>]*>", form)
        assert buttons and all('type="submit"' in b and "hx-" not in b for b in buttons), name
