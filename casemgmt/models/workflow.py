from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MoveReason(models.TextChoices):
    """Why a case leaves its course: the ``move_reason`` gate says which a move allows."""

    RECALLED = "recalled", _("Recalled")
    REARRESTED = "rearrested", _("Re-arrested")
    ABSCONDED = "absconded", _("Absconded")
    COURT_PROCEEDINGS = "court_proceedings", _("Court proceedings")
    MEDICAL = "medical", _("Medical or hospital transfer")
    WITHDRAWN = "withdrawn", _("Withdrawn (consent or participation)")
    TRANSFERRED = "transferred", _("Transferred")
    DECEASED = "deceased", _("Deceased")
    TERM_ENDED = "term_ended", _("Legal term ended")
    PLAN_COMPLETED = "plan_completed", _("Plan completed")


class StageTransition(models.Model):
    """One requested stage move, with the gate results seen when it was asked for."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="stage_transitions"
    )
    transition = models.ForeignKey(
        "casemgmt.Transition", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_stage = models.ForeignKey(
        "casemgmt.Stage", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(
        "casemgmt.Stage", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        "casemgmt.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    reason_kind = models.CharField(
        _("reason kind"), max_length=20, choices=MoveReason.choices, blank=True
    )
    # A recall or re-arrest also records this re-engagement event when the move applies.
    reengagement_kind = models.CharField(_("re-engagement event"), max_length=24, blank=True)
    gate_results = models.JSONField(_("gate results"), default=list)
    # A move into a custodial stage: the facility it places the person in (applied with
    # the move, so a pending move keeps it until a supervisor approves).
    facility = models.ForeignKey(
        "casemgmt.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    over_capacity_confirmed = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=12, choices=TransitionStatus.choices)
    decided_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # Written when the move applies, from the case as it stood: the stay this move ended
    # began at ``stay_began_at`` (the case's creation for its first stage), with the move
    # ``stay_began_with`` (None for the first stage). Time per stage reads them.
    stay_began_at = models.DateTimeField(null=True, blank=True, editable=False)
    stay_began_with = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("stage move")
        verbose_name_plural = _("stage moves")
        permissions = [("approve_stagetransition", "Can approve or reject stage moves")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="stage_transition_one_pending_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="stagetrans_status_idx"),
            # The exports' date range (casemgmt/exports/), over every case exported.
            models.Index(fields=["requested_at"], name="stagetrans_requested_idx"),
            # The dashboard's moves and stays of the last 12 months.
            models.Index(fields=["status", "applied_at"], name="stagetrans_applied_idx"),
            # The home page's "moves I asked for", newest first: without it PostgreSQL
            # joined the requester's moves to every case (114 ms; 11 ms with it).
            models.Index(
                "requested_by",
                models.F("requested_at").desc(),
                models.F("id").desc(),
                name="stagetrans_requester_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_stage} → {self.to_stage} ({self.get_status_display()})"
