"""Who may read and change cadre records, and which of their fields.

Both the services (writes) and the selectors (reads) ask these; neither imports the other for them. Which
records a user sees is `Person.objects.visible_to`, which these mirror.
"""

from chidao.core.models import Role, User
from chidao.core.permissions import template_predicate
from chidao.core.reference import user_role_subtree_ids

from .models import Person

# Contact and identity details shown only to `can_see_sensitive` users (the others see them masked) and
# written only by them.
SENSITIVE_FIELDS = ("phone", "email", "address", "id_number")


@template_predicate("read_people")
def can_read_people(user: User) -> bool:
    """Whether the user may see any personnel record at all (the standing office, administrators and
    personnel officers attached to a unit, in any of their grants); mirrors `PersonQuerySet.visible_to`."""
    if not user.is_authenticated or not user.is_active:
        return False
    if can_reach_every_unit(user):
        return True
    return bool(user.units_with_role(Role.PERSONNEL))


@template_predicate("manage_people")
def can_manage_people(user: User) -> bool:
    """Records, planning and rotation are kept by administrators, the standing office and personnel officers
    (the latter inside the subtrees of their personnel grants' units: `can_reach_unit`)."""
    return user.is_active and user.has_role(Role.ADMIN, Role.OFFICE, Role.PERSONNEL)


def can_reach_every_unit(user: User) -> bool:
    """The standing office and administrators (in any grant) read and keep the records of every unit."""
    return user.has_role(Role.ADMIN, Role.OFFICE)


def is_unit_scoped(user: User) -> bool:
    """A personnel officer works only inside the subtrees of their personnel grants' units
    (`personnel_scope_ids`); the office and administrators everywhere."""
    return not can_reach_every_unit(user) and user.has_role(Role.PERSONNEL)


def personnel_scope_ids(user: User) -> set[int]:
    """The units a personnel officer reaches: the union of the subtrees of the units of their personnel
    grants (empty without one). Read once per user object."""
    return user_role_subtree_ids(user, Role.PERSONNEL)


def can_reach_unit(user: User, unit_id: int | None) -> bool:
    """Whether a manager of cadre records may write for the unit `unit_id`: any unit, except for a personnel
    officer, who reaches only the units of their personnel grants' subtrees (and nothing without a unit)."""
    if not is_unit_scoped(user):
        return True
    return unit_id is not None and unit_id in personnel_scope_ids(user)


def can_see_sensitive(user: User, person: Person) -> bool:
    """Sensitive fields (phone, e-mail, address, ID number): administrators, and the personnel officers
    of the subtree the person works in. The standing office reads the record with them masked."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if person.unit_id is not None and user.has_role(Role.PERSONNEL):
        return person.unit_id in personnel_scope_ids(user)
    return False


def can_write_sensitive(user: User) -> bool:
    """Who may fill phone, e-mail, address and ID number (page, API, import): those who may see them, that is
    administrators, and personnel officers, who write only inside their own subtrees (`can_reach_unit`). The
    standing office keeps records without them."""
    if user.has_role(Role.ADMIN):
        return True
    return bool(user.units_with_role(Role.PERSONNEL))


@template_predicate("read_access_log")
def can_read_access_log(user: User) -> bool:
    """Administrators and auditors read who viewed which record; nobody else."""
    return user.has_role(Role.ADMIN, Role.AUDITOR)


def can_manage_posts(user: User, unit_id: int | None = None) -> bool:
    """Who lists, adds and edits the posts (chức danh) of a unit: administrators anywhere, personnel officers
    in the subtrees of the units where they hold that role (any of them when no unit is named)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_role(Role.ADMIN):
        return True
    units = user.units_with_role(Role.PERSONNEL)
    if unit_id is None:
        return bool(units)
    return unit_id in user_role_subtree_ids(user, Role.PERSONNEL)


@template_predicate("manage_posts")
def can_manage_some_posts(user: User) -> bool:
    """Whether the user manages the posts of any unit (`can_manage_posts` without a unit)."""
    return can_manage_posts(user)
