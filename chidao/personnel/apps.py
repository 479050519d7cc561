from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def person_values_masked(values: dict[str, Any], reader: Any) -> dict[str, Any]:
    """A person's recorded values (a change record's before/after) as `reader` may see them in the change log:
    the sensitive fields (phone, e-mail, address, ID number) masked for everyone but administrators (auditors
    read the log, but `selectors.can_see_sensitive` never lets them see those fields)."""
    from chidao.core.models import Role

    from .selectors import MASK, SENSITIVE_FIELDS

    if reader.is_superuser or reader.role == Role.ADMIN:
        return values
    return {**values, **{name: MASK for name in SENSITIVE_FIELDS if values.get(name)}}


class PersonnelConfig(AppConfig):
    name = "chidao.personnel"
    label = "personnel"
    verbose_name = _("Hồ sơ cán bộ")

    def ready(self) -> None:
        from chidao.core.selectors import change_masker_register

        change_masker_register("personnel", "person", person_values_masked)
