"""The permission matrix of sign-in (second factor, single sign-on) pages and the second-factor reset endpoint."""

from .conftest import ADMIN, LEAD_A
from .matrix import LOGGED_IN, OK, POST_ONLY, Operation, Page, api, expect

EVERYONE = expect(LOGGED_IN)
NOWHERE = expect(LOGGED_IN, ok_status=404, anon=404)

PAGES: dict[str, Page] = {
    "otp_verify": Page(get=expect(LOGGED_IN, ok_status=302, anon=302),
                       note="only after a valid first factor (the session's pending user); else back to login"),
    "oidc_authentication_init": Page(get=NOWHERE, note="single sign-on is not configured in the matrix world"),
    "oidc_authentication_callback": Page(get=NOWHERE, note="single sign-on is not configured in the matrix world"),
    "otp_enrol": Page(get=EVERYONE, post=expect(LOGGED_IN, ok_status=OK), data=lambda w: {"action": "start"},
                      note="one's own second factor only"),
    "user_otp_reset": Page(get=POST_ONLY, kwargs=lambda w: {"pk": w.users[LEAD_A].pk},
                           post=expect({ADMIN}, ok_status=OK), note="administrators reset anyone's second factor"),
}

OPERATIONS: dict[str, Operation] = {
    "POST /api/v1/users/{user_id}/otp-reset": Operation(
        api({ADMIN}, ok_status=OK), params=lambda w: {"user_id": w.users[LEAD_A].pk},  # type: ignore[union-attr]
        note="administrators only; ends the user's sessions"),
}
