"""Who may do what on procedures, publication decisions, reviews and figures (every signed-in user reads)."""

from chidao.core.models import Role, User
from chidao.core.permissions import template_predicate


@template_predicate("edit_procedures")
def can_edit_procedures(user: User) -> bool:
    """The reform office (cơ quan cải cách hành chính) and administrators write; every other user reads."""
    return bool(user.is_authenticated and user.has_role(Role.REFORM, Role.ADMIN))
