from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "chidao.programs"
    label = "programs"
    verbose_name = "Chương trình"
