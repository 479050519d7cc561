"""A test helper: extra role grants written directly (the pages and services that edit grants are not needed to
test who sees and does what with them)."""

from chidao.core.models import RoleGrant, Unit, User


def grant(user: User, role: str, unit: Unit | None) -> User:
    """Give `user` one more `role` in `unit` and forget what the object had read of its grants."""
    RoleGrant.objects.create(user=user, role=role, unit=unit)
    user.grants_clear()
    return user
