"""The permission matrix of the notifications' pages (issue 15, digest): the email choices, one's own only.

Every signed-in user has their own choices: the page and the API read and write the caller's rows only, so no
role is refused; the auditor's token only reads (403 on PUT), by session they may choose too.
"""

from .conftest import AUDITOR
from .matrix import LOGGED_IN, OK, Operation, Page, api, expect


def _choices(w: object) -> dict[str, str]:
    return {"reminder_digest": "immediate", "assigned": "digest", "submitted": "off", "returned": "immediate",
            "approved": "immediate", "directive": "immediate", "extension_requested": "immediate",
            "extension_decided": "immediate", "conclusion_task": "immediate", "rotation_published": "immediate",
            "report_finished": "immediate"}


PAGES: dict[str, Page] = {
    "notifications_preferences": Page(get=expect(LOGGED_IN), post=expect(LOGGED_IN, ok_status=OK), data=_choices,
                                      note="one's own email choices"),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/notifications/preferences": Operation(api(LOGGED_IN), note="one's own"),
    "PUT /api/v1/notifications/preferences": Operation(
        api(LOGGED_IN - {AUDITOR}, ok_status=OK), json=lambda w: {"choices": {"assigned": "digest"}},
        note="one's own; the auditor's token only reads"),
}
