from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotationConfig(AppConfig):
    name = "chidao.rotation"
    label = "rotation"
    verbose_name = _("Luân chuyển, chuyển đổi vị trí công tác")

    def ready(self) -> None:
        """The change log of due entries and moves (each about one person) follows the personnel scope."""
        from chidao.core.selectors import change_record_masker_register
        from chidao.personnel.log_masks import person_records_masker

        from .models import DueEntry, Move

        change_record_masker_register("rotation", "dueentry", person_records_masker(DueEntry))
        change_record_masker_register("rotation", "move", person_records_masker(Move))
