from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "chidao.programs"
    label = "programs"
    verbose_name = "Chương trình"

    def ready(self) -> None:
        from chidao.personnel.flags import overdue_duties_register

        from .duties import overdue_by_responsible

        overdue_duties_register(overdue_by_responsible)
