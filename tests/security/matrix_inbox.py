"""The permission matrix of "Việc của tôi" (programs/inbox_views.py, api/inbox.py).

The page and its API are every signed-in user's own: each sees the sections of their roles, read through
`Deliverable.objects.visible_to` (tests/programs/test_inbox.py checks the items). The bulk deadline extension is
the office's (`can_manage_programs`), on the world's deliverable of unit A. The export downloads the selected items
the user sees; the matrix selects none (its query cannot name the world's ids), so every signed-in user is sent
back to the page (302) and nothing is written.
"""

from .matrix import LOGGED_IN, MANAGE, OK, POST_ONLY, Operation, Page, api, expect

PAGES: dict[str, Page] = {
    "inbox": Page(get=expect(LOGGED_IN), note="one's own inbox: every signed-in user, sections by role"),
    "inbox_extend": Page(
        get=POST_ONLY, post=expect(MANAGE, ok_status=OK),
        data=lambda w: {"ids": [str(w.deliverable.pk)], "ext-new_deadline": "31/12/2026",
                        "ext-approved_by": "Bí thư Thành ủy", "ext-approved_on": "01/06/2025",
                        "ext-reason": "Cần thêm thời gian"},
        note="programs.permissions.can_manage_programs; each item through deliverable_extend_deadline"),
    "inbox_export": Page(get=expect(LOGGED_IN, ok_status=302), query="ids=0",
                         note="nothing the user sees is selected: back to the page"),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/inbox": Operation(api(LOGGED_IN), note="the caller's own inbox"),
}
