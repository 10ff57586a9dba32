from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.roles import PRIVILEGED_ROLES, Role


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class RoleGrant(models.Model):
    """A privileged role (supervisor, auditor, administrator) asked for by one
    administrator. The user keeps their old role until a second administrator, neither
    the requester nor the user, confirms it; written only by ``services/role_grants``."""

    user = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    role = models.CharField(_("role requested"), max_length=20, choices=Role.choices)
    reason = models.TextField(_("reason"))
    # A user created with a privileged role cannot sign in until the role is confirmed.
    activates_user = models.BooleanField(_("activates the user when confirmed"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RoleGrantStatus.choices,
        default=RoleGrantStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("confirmed or rejected by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("confirmed or rejected at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=RoleGrantStatus.PENDING),
                name="role_grant_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=Q(role__in=sorted(PRIVILEGED_ROLES)), name="role_grant_privileged"
            ),
            models.CheckConstraint(
                condition=~Q(requested_by=F("user")), name="role_grant_not_for_oneself"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=F("requested_by")) & ~Q(decided_by=F("user"))),
                name="role_grant_decided_by_a_second_administrator",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=RoleGrantStatus.PENDING,
                    decided_by__isnull=True,
                    decided_at__isnull=True,
                )
                | Q(
                    status__in=[RoleGrantStatus.CONFIRMED, RoleGrantStatus.REJECTED],
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                ),
                name="role_grant_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()} ({self.get_status_display()})"
