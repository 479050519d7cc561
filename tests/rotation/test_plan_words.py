"""Words for officials on the plan page: what the plan means, in plain administrative Vietnamese; the solver's own
figures only in the collapsed "Thông số kỹ thuật" section."""

import re
from html import unescape

from django.urls import reverse

# Solver and programmer vocabulary a reader of the plan must not meet outside the technical section.
FORBIDDEN = ("tối ưu", "optimal", "feasible", "chi phí", "cận dưới", "mục tiêu", "lời giải", "gap", "solver",
             "objective", "None", "True", "False")


def _visible_text(html: str) -> str:
    """The page's text without the technical section (tags and scripts dropped, entities decoded)."""
    html = re.sub(r'<details class="technical".*?</details>', " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(html))


def test_the_plan_page_speaks_plainly_and_keeps_the_figures_in_the_technical_section(proposed, client, users):
    # Given the world's round with its plan made (3 of 4 people placed)
    client.force_login(users["office"])

    # When the office opens the plan
    html = client.get(reverse("rotation_plan", args=[proposed.round.pk])).content.decode()

    # Then the page says what the plan means and how many people it places
    text = _visible_text(html)
    assert ("Phương án tốt nhất theo các tiêu chí, đã được kiểm chứng: bố trí được nhiều người nhất, vào các vị trí "
            "phù hợp nhất với công việc và chuyên môn hiện tại của từng người.") in text
    assert "Số người được bố trí: 3; chưa bố trí: 1." in text
    # And no solver word outside the technical section (case-insensitive for the lower-case words)
    found = [w for w in FORBIDDEN if (w in text if w[0].isupper() else w in text.lower())]
    assert found == [], f"the plan page shows {found}"
    # And the reasons say why a post was chosen in the reader's terms
    assert "Vị trí phù hợp nhất trong 3 vị trí hợp lệ (60 điểm khác biệt)" in text
    # While the technical section, collapsed, holds the solver's figures
    technical = re.search(r'<details class="technical".*?</details>', html, flags=re.S)
    assert technical is not None and " open" not in technical.group(0).split(">", 1)[0]
    figures = _visible_text(technical.group(0).replace('class="technical"', ""))
    assert "Thông số kỹ thuật" in figures
    assert f"Tổng chi phí (tổng điểm khác biệt) {proposed.round.solver_objective}" in figures
    assert "optimal" in figures


def test_the_round_page_shows_the_progress_in_plain_words(proposed, client, users):
    # Given the made plan, when the round page is opened
    client.force_login(users["office"])
    html = client.get(reverse("round_detail", args=[proposed.round.pk])).content.decode()

    # Then it names the stored message of the plan in plain words, and no solver word
    proposed.round.refresh_from_db()
    assert proposed.round.message == "Đã lập phương án: bố trí 3/4 người"
    text = _visible_text(html).lower()
    assert [w for w in ("tối ưu", "chi phí", "cận dưới", "solver") if w in text] == []
