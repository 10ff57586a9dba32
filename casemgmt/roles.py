"""Roles, and the Django permissions each role's group carries.

Data migrations call ``sync_role_groups`` to create the groups and keep them
in step: add one whenever this mapping or the models change. The role on the
user is the single source of truth (``casemgmt.auth_backends.RoleBackend``
reads the group named after it).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.record_kinds import case_data_model_names


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that may open the Django admin (configuration screens).
STAFF_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})

# Roles given only on a second administrator's confirmation (``RoleGrant``).
PRIVILEGED_ROLES = frozenset({Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR})

_CONFIG_MODELS = [
    "agency",
    "user",
    "programme",
    "stage",
    "transition",
    "transitiongate",
    "groupcategory",
    "facility",
    "instrument",
    "domain",
    "item",
    "classificationband",
]
# People and cases, then every kind of case record and its parts (declared once,
# in record_kinds, which imports no forms or services: this module must stay
# importable by models and data migrations).
_RECORD_MODELS = ["person", "personmerge", "case", *case_data_model_names()]


def _perms(actions: list[str], models_: list[str]) -> list[str]:
    return [f"{action}_{model}" for model in models_ for action in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CASEWORKER: _perms(["view"], _CONFIG_MODELS + _RECORD_MODELS)
    + _perms(["add", "change"], _RECORD_MODELS),
    # Supervisors open the admin for configuration only: case records stay behind
    # the access policy in the application.
    # Supervisors may export their programmes identified (after step-up); auditors'
    # exports are de-identified (docs/auditor.md, "Exports").
    Role.SUPERVISOR: _perms(["view"], _CONFIG_MODELS)
    + ["approve_stagetransition", "merge_person", "export_identified"],
    Role.AUDITOR: _perms(["view"], _CONFIG_MODELS + _RECORD_MODELS + ["auditevent"]),
    Role.ADMINISTRATOR: _perms(["view", "add", "change"], _CONFIG_MODELS)
    + _perms(["view"], ["group", "permission"]),
}


# Group names are stored data: plain English, never the translated label.
GROUP_NAMES = {
    Role.CASEWORKER: "Caseworker",
    Role.SUPERVISOR: "Supervisor",
    Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Administrator",
}


def group_name(role: str) -> str:
    return GROUP_NAMES.get(role, role)


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create one group per role and give it exactly the permissions above.

    Written for data migrations: it takes the historical ``apps`` and skips
    permissions whose models do not exist yet at that point in history.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make them exist now.
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        codenames = ROLE_PERMISSIONS[role]
        perms = Permission.objects.filter(
            content_type__app_label__in=["casemgmt", "auth"], codename__in=codenames
        )
        group.permissions.set(perms)
