"""The permission matrix of the audit pages (issue 15): the change log page and its export
(`core.permissions.can_read_change_log`), the access log's export (`personnel.permissions.can_read_access_log`).
Administrators and auditors read them; everyone else signed in gets 403, anonymous users the sign-in page."""

from .conftest import ADMIN, AUDITOR
from .matrix import Page, expect

LOG_READERS = expect({ADMIN, AUDITOR})

PAGES: dict[str, Page] = {
    "change_log": Page(get=LOG_READERS, query="who=admin&since=01/01/2020&until=31/12/2030",
                       note="core.permissions.can_read_change_log; personnel records masked by the API's maskers"),
    "change_log_export": Page(get=LOG_READERS, query="object_type=personnel.person",
                              note="the filtered rows as Excel, capped"),
    "person_access_log_export": Page(get=LOG_READERS, query="action=view",
                                     note="personnel.permissions.can_read_access_log"),
}

OPERATIONS: dict = {}
