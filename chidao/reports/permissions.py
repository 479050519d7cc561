"""Who may do what on reports (every user who reads a program may build its reports)."""

from chidao.core.models import Role, User
from chidao.core.permissions import template_predicate


@template_predicate("manage_report_templates")
def can_manage_report_templates(user: User) -> bool:
    """Only administrators replace the Word templates every report is built from."""
    return user.has_role(Role.ADMIN)


@template_predicate("issue_reports")
def can_issue_reports(user: User) -> bool:
    """The standing office and administrators issue (ban hành) a report with a number from the register."""
    return bool(user.is_active and user.manages)
