from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def person_values_masked(values: dict[str, Any], reader: Any) -> dict[str, Any]:
    """A person's recorded values (a change record's before/after) as `reader` may see them in the change log:
    the sensitive fields (phone, e-mail, address, ID number) masked for everyone but administrators (auditors
    read the log, but `permissions.can_see_sensitive` never lets them see those fields)."""
    from chidao.core.permissions import can_read_sensitive_history

    from .permissions import SENSITIVE_FIELDS
    from .selectors import MASK

    if can_read_sensitive_history(reader):
        return values
    return {**values, **{name: MASK for name in SENSITIVE_FIELDS if values.get(name)}}


class PersonnelConfig(AppConfig):
    name = "chidao.personnel"
    label = "personnel"
    verbose_name = _("Hồ sơ cán bộ")

    def ready(self) -> None:
        from chidao.core.audit import action_label_register
        from chidao.core.selectors import change_masker_register, change_record_masker_register, unit_counter_register

        from . import models
        from .log_masks import people_free_masker, person_records_masker
        from .selectors import unit_people_counts, unit_post_counts

        change_masker_register("personnel", "person", person_values_masked)
        action_label_register("rederive", _("Tính lại theo quy định"))
        for model, field in ((models.Person, "pk"), (models.Assignment, "person_id"), (models.Rating, "person_id"),
                             (models.Discipline, "person_id"), (models.Deferral, "person_id"),
                             (models.Relative, "person_id"), (models.PlanningEntry, "person_id")):
            change_record_masker_register("personnel", model._meta.model_name or "",
                                          person_records_masker(model, field))
        for model_name in ("position", "planningterm"):
            change_record_masker_register("personnel", model_name, people_free_masker)
        # The unit pages (core) show, for each unit, its people and its posts (with the link to manage them).
        unit_counter_register("people", _("Cán bộ"), unit_people_counts)
        unit_counter_register("posts", _("Chức danh"), unit_post_counts, "unit_posts")
