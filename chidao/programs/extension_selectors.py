"""Reads on deadline extension requests, through `DeadlineExtensionRequest.objects.visible_to`."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chidao.core.models import User

from . import permissions
from .models import DeadlineExtensionRequest, Deliverable


def extension_request_get(*, user: User, pk: int) -> DeadlineExtensionRequest:
    """One request of a deliverable the user may see (404 otherwise)."""
    request = (DeadlineExtensionRequest.objects.visible_to(user)
               .select_related("deliverable__program", "deliverable__lead_unit", "requested_by", "decided_by")
               .filter(pk=pk).first())
    if request is None:
        raise Http404(_("Không tìm thấy đề nghị gia hạn hoặc bạn không có quyền xem."))
    return request


def deliverable_extension_requests(*, deliverable: Deliverable) -> QuerySet[DeadlineExtensionRequest]:
    """The requests of a deliverable already read through its scope, newest first."""
    return (deliverable.extension_requests.select_related("requested_by", "decided_by", "extension")
            .order_by("-requested_at", "-id"))


def extension_requests_pending(*, user: User) -> QuerySet[DeadlineExtensionRequest]:
    """The pending requests awaiting this user's decision, oldest first: for the standing office and
    administrators every pending request in their scope; nobody else decides, so none."""
    if not permissions.can_decide_extension(user):
        return DeadlineExtensionRequest.objects.none()
    return (DeadlineExtensionRequest.objects.visible_to(user)
            .filter(state=DeadlineExtensionRequest.State.PENDING)
            .select_related("deliverable__program", "deliverable__lead_unit", "requested_by")
            .order_by("requested_at", "id"))
