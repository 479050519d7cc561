from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "chidao.programs"
    label = "programs"
    verbose_name = "Chương trình"

    def ready(self) -> None:
        from chidao.core.notification_items import digest_items_register
        from chidao.personnel.flags import overdue_duties_register

        from .duties import overdue_by_responsible
        from .reminders import digest_items_now

        overdue_duties_register(overdue_by_responsible)
        digest_items_register(digest_items_now)
