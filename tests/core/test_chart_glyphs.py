"""Every Vietnamese glyph of a chart renders: a missing glyph is a warning, and a warning is a failure."""

import warnings

import pytest
from matplotlib.figure import Figure

from chidao.core.charts import figure_bytes

TEXT = "Kết quả thực hiện Chương trình 01-CTr/TU: hoàn thành, đúng tiến độ, ưu tiên, chậm tiến độ; Ứng Hòa, Mỹ Đức"


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_a_vietnamese_chart_draws_every_glyph(fmt):
    # Given a chart whose title and labels hold every kind of Vietnamese letter
    fig = Figure()
    ax = fig.add_subplot()
    ax.bar(["Đã hoàn thành", "Đang thực hiện", "Chưa triển khai"], [3, 2, 1])
    ax.set_title(TEXT)
    # When it is drawn, Then no glyph is missing (matplotlib warns "Glyph … missing from font(s)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert figure_bytes(fig, fmt)
