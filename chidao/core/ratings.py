"""Red/amber/green ratings shared by the stocktake (a lead unit's deliverables, reports.figures) and the
indicators (an indicator against its target path, indicators.rules), so both show the same colours and words."""

from django.utils.translation import gettext as _


class Rating:
    """Stocktake ratings (red/amber/green, grey when there is nothing to judge by)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    GREY = "grey"

    @staticmethod
    def label(value: str) -> str:
        return {
            Rating.RED: _("Đỏ: quá hạn hoặc dự báo không kịp"),
            Rating.AMBER: _("Vàng: có nguy cơ chậm"),
            Rating.GREEN: _("Xanh: đúng tiến độ"),
            Rating.GREY: _("Xám: chưa đủ cơ sở đánh giá"),
        }[value]
