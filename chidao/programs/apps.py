from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "chidao.programs"
    label = "programs"
    verbose_name = "Chương trình"

    def ready(self) -> None:
        from chidao.core.audit import action_label_register
        from chidao.core.notification_items import digest_items_register
        from chidao.personnel.flags import overdue_duties_register

        from .duties import overdue_by_responsible
        from .reminders import digest_items_now

        overdue_duties_register(overdue_by_responsible)
        digest_items_register(digest_items_now)
        action_label_register("trust_root_add", _("cài chứng thư số gốc"))
