"""The model authentication backend, reading each request's user together with their unit.

Every page shows the user's unit in its header (templates/base.html), and scoped reads start from it:
with Django's ModelBackend that was one more query on every page of every officer.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class UnitModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
