"""Which pages each user sees in the header navigation.

Each feature adds its page here: (label, url name, key, who). ``who`` is a set of
roles, or the access policy's predicate when the page has one: the menu offers a
page exactly when the page would open.
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.roles import Role

NAV_ENTRIES: list[tuple] = [
    (_("Dashboard"), "dashboard", "dashboard", access.can_view_dashboard),
    (_("Inbox"), "inbox", "inbox", {Role.CASEWORKER, Role.SUPERVISOR}),
    (_("My caseload"), "caseload", "caseload", {Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR}),
    (_("Register a person"), "person_register", "register", {Role.CASEWORKER, Role.SUPERVISOR}),
    (_("Approvals"), "approvals", "approvals", {Role.SUPERVISOR}),
    (_("Facilities"), "facility_list", "facilities", access.can_see_facilities),
    (
        _("Work to reassign"),
        "departed_work",
        "departed_work",
        access.can_reassign_departed_work,
    ),
    (_("Reassign cases"), "reassign_cases", "reassign_cases", access.can_reassign_cases),
    (_("Audit trail"), "audit_trail", "audit", access.can_read_audit_trail),
    (_("Oversight report"), "oversight_report", "oversight", access.can_read_oversight_report),
    (_("Exports"), "export_list", "exports", {Role.SUPERVISOR, Role.AUDITOR}),
    (
        _("Emergency access"),
        "break_glass",
        "break_glass",
        {Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR},
    ),
]


# Pages used now and then: under "More" on wide screens, so the bar stays on one line.
LESS_FREQUENT = frozenset(
    {
        "facilities",
        "departed_work",
        "reassign_cases",
        "break_glass",
        "oversight",
        "exports",
        "admin",
    }
)


def split(items: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(the bar's items, the "More" menu's items)."""
    return (
        [item for item in items if item[2] not in LESS_FREQUENT],
        [item for item in items if item[2] in LESS_FREQUENT],
    )


def _offered(user, who: set | Callable) -> bool:
    if callable(who):
        return who(user)
    role = Role(user.role) if user.role in Role.values else None
    return role in who


def items_for(user) -> list[tuple]:
    items = [(_("Home"), reverse("home"), "home")]
    items += [
        (label, reverse(url_name), key)
        for label, url_name, key, who in NAV_ENTRIES
        if _offered(user, who)
    ]
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index"), "admin"))
    return items
