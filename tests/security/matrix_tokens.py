"""The permission matrix of API tokens (everyone's, for administrators) and of the password pages.

Tokens: `core.permissions.can_manage_tokens` (administrators) lists and revokes anyone's; others see and revoke
their own only (another's is 404). The world's spare token (`extra.token_a`) is lead_a's.
Passwords: changing one's own is for every signed-in user; the forgot-password pages are open to anyone (they
write nothing to the database: the request only sends a mail, so they are read-only here).
"""

from typing import Any

from .conftest import ADMIN, AUDITOR, LEAD_A, ROLES, World
from .matrix import LOGGED_IN, OK, POST_ONLY, Operation, Page, _ids, api, expect

TOKEN_A = _ids(token_id="extra.token_a")
EVERYONE_OPEN = expect(ROLES, anon=200)


def _owner_query(w: World) -> dict[str, Any]:
    return {"pk": w.extra["token_a"].pk}


def _new_password(w: World) -> dict[str, Any]:
    return {"old_password": "pw", "new_password1": "Sông Hồng chảy 2025!", "new_password2": "Sông Hồng chảy 2025!"}


PAGES: dict[str, Page] = {
    "admin_tokens": Page(get=expect({ADMIN}), note="core.permissions.can_manage_tokens"),
    "admin_token_revoke": Page(get=POST_ONLY, kwargs=_owner_query, post=expect({ADMIN}, ok_status=OK),
                               note="lead_a's token, revoked by an administrator"),
    "password_change": Page(get=expect(LOGGED_IN), post=expect(LOGGED_IN, ok_status=OK), data=_new_password,
                            note="one's own password: every signed-in user"),
    "password_reset": Page(get=EVERYONE_OPEN, note="open to anyone; its POST only sends a mail (no hint)"),
    "password_reset_done": Page(get=EVERYONE_OPEN),
    "password_reset_confirm": Page(get=EVERYONE_OPEN, kwargs=lambda w: {"uidb64": "MQ", "token": "x-y"},
                                   note="an invalid link: the page says so, to anyone"),
    "password_reset_complete": Page(get=EVERYONE_OPEN),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/tokens": Operation(api(LOGGED_IN), note="one's own; another's (user=…) for administrators"),
    "POST /api/v1/tokens": Operation(
        api(LOGGED_IN - {AUDITOR}, ok_status=OK), json=lambda w: {"name": "Máy chủ", "scope": "read"},
        note="the auditor's token only reads, so it writes nothing (403); by session the auditor makes read ones"),
    "POST /api/v1/tokens/{token_id}/revoke": Operation(
        api({ADMIN, LEAD_A}, ok_status=OK, missing=LOGGED_IN - {AUDITOR}), params=TOKEN_A,
        note="lead_a's token: an administrator revokes it too, anyone else gets 404"),
    "DELETE /api/v1/tokens/{token_id}": Operation(
        api({ADMIN, LEAD_A}, ok_status=OK, missing=LOGGED_IN - {AUDITOR}), params=TOKEN_A,
        note="the same as POST …/revoke"),
}
