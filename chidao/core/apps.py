from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chidao.core"
    label = "core"
    verbose_name = "Chidao core"

    def ready(self) -> None:
        from .form_messages import install_form_messages
        from .forms import install_date_range

        install_date_range()
        install_form_messages()
