"""API: an administrator resets a user's second factor (the same service as the page, `core.otp.otp_reset`).

Kept apart from the users router (/api/v1/users): the same path prefix, another seam."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from chidao.core import selectors
from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.core.otp import otp_reset
from chidao.core.permissions import can_reset_otp

from .common import WRITE_ERRORS
from .inputs import Id

router = Router(tags=["users"])


class OtpResetOut(Schema):
    """The user whose second factor was reset, and how many devices (app, recovery codes) were removed."""

    user_id: int
    devices_removed: int


@router.post("/users/{user_id}/otp-reset", response={200: OtpResetOut, **WRITE_ERRORS})
def user_otp_reset(request: AuthedRequest, user_id: Id) -> Any:
    """Remove every second-factor device of the user and end their sessions (administrators only; logged).
    The user enrols again at their next sign-in when their role requires it."""
    if not can_reset_otp(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được đặt lại xác thực hai lớp."))
    target = selectors.user_find(pk=user_id)
    if target is None:
        raise Http404(_("Không tìm thấy người dùng."))
    removed = otp_reset(actor=request.user, user=target)
    return {"user_id": target.pk, "devices_removed": removed}
