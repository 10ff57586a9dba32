"""Which pages each role sees in the header navigation.

Each feature adds its page here: (label, url name, key, roles).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casemgmt.roles import Role

NAV_ENTRIES: list[tuple] = [
    (_("Inbox"), "inbox", "inbox", {Role.CASEWORKER, Role.SUPERVISOR}),
    (_("My caseload"), "caseload", "caseload", {Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR}),
    (_("Register a person"), "person_register", "register", {Role.CASEWORKER, Role.SUPERVISOR}),
    (_("Approvals"), "approvals", "approvals", {Role.SUPERVISOR}),
    (_("Facilities"), "facility_list", "facilities", {Role.SUPERVISOR, Role.AUDITOR}),
    (
        _("Emergency access"),
        "break_glass",
        "break_glass",
        {Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR},
    ),
]


def items_for(user) -> list[tuple]:
    role = Role(user.role) if user.role in Role.values else None
    items = [(_("Home"), reverse("home"), "home")]
    items += [
        (label, reverse(url_name), key)
        for label, url_name, key, roles in NAV_ENTRIES
        if role in roles
    ]
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index"), "admin"))
    return items
