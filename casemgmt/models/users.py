from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.roles import STAFF_ROLES, Role


class User(AbstractUser):
    """A member of staff: belongs to one agency and holds one role."""

    agency = models.ForeignKey(
        "casemgmt.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("Every member of staff except a system administrator belongs to an agency."),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CASEWORKER, db_index=True
    )
    juvenile_trained = models.BooleanField(
        _("trained to work with juveniles"),
        default=False,
        help_text=_("Programmes can require a juvenile-trained caseworker for under-18s."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", "English"), ("ur", "اردو")],
        default="en",
    )
    password_change_required = models.BooleanField(
        _("must change password at next sign-in"),
        default=False,
        help_text=_(
            "Set when an administrator sets the password: the user chooses their own before "
            "anything else."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    def save(self, *args, **kwargs):
        # Admin access follows the role, so it cannot drift from it.
        self.is_staff = self.is_superuser or self.role in STAFF_ROLES
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
