"""Helpers shared by the management commands."""

from django.core.management.base import CommandError

from .models import Role, User


def command_user(username: str | None, *, saved: bool = True) -> User:
    """The account a command acts as: `--user`, or the operator at the server.

    With `saved`, the operator is the first active superuser or administrator (writes record who made
    them); without, an unsaved reader with every right (reads only).
    """
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        return user
    if not saved:
        return User(username="chidao-cli", role=Role.ADMIN, is_active=True)
    user = (User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
            or User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first())
    if user is None:
        raise CommandError("Chưa có tài khoản quản trị nào; dùng --user.")
    return user
