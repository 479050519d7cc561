"""The permission matrix of the pickers' searches (core.lookup_views, personnel.lookup_views): units for every
signed-in user (the tree is reference data), people for who may read people (personnel.permissions.can_read_people),
inside their scope (tests/core/test_pickers.py checks what each one finds). Both only read."""

from .matrix import LOGGED_IN, PEOPLE, Operation, Page, expect

PAGES: dict[str, Page] = {
    "lookup_units": Page(get=expect(LOGGED_IN), query="q=so+noi+vu", note="every signed-in user; JSON"),
    "lookup_people": Page(get=expect(PEOPLE), query="q=nguyen",
                          note="personnel.permissions.can_read_people; a personnel officer finds their subtree only"),
    "lookup_person_positions": Page(get=expect(PEOPLE), query="q=chuyen+vien",
                                    note="personnel.permissions.can_manage_people; posts of the officer's subtree"),
}

OPERATIONS: dict[str, Operation] = {}
