"""Evidence that a gate reads: legal authority, eligibility, consent, renunciation,
multi-agency reviews and undertakings (P2, P3, P8)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.guardians import GuardianConsentFields
from casemgmt.models.people import validate_not_future


class RecordedModel(models.Model):
    """Who recorded a piece of evidence, and when."""

    recorded_by = models.ForeignKey(
        "casemgmt.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True


class LegalAuthorityKind(models.TextChoices):
    COURT_ORDER = "court_order", _("Court order")
    DETENTION_ORDER = "detention_order", _("Detention order")
    RELEASE_ORDER = "release_order", _("Release order")
    RECALL_ORDER = "recall_order", _("Recall order")
    ARREST_WARRANT = "arrest_warrant", _("Arrest warrant")
    TRANSFER_ORDER = "transfer_order", _("Transfer order")
    STATUTORY_LISTING = "statutory_listing", _("Statutory listing")
    VOLUNTARY_REFERRAL = "voluntary_referral", _("Voluntary referral")


class LegalAuthority(RecordedModel):
    """The legal basis of a custodial or release decision (P8)."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="legal_authorities"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=LegalAuthorityKind.choices)
    reference = models.CharField(_("order or statute reference"), max_length=120)
    issued_on = models.DateField(_("issued on"), validators=[validate_not_future])
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    document_reference = models.CharField(_("document reference"), max_length=120, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("legal authority")
        verbose_name_plural = _("legal authorities")
        indexes = [models.Index(fields=["case", "kind"], name="legalauth_case_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class EligibilityDecision(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class Eligibility(RecordedModel):
    """A decision under the programme's exclusion rule; revocable."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="eligibility_decisions"
    )
    rule_applied = models.CharField(_("rule applied"), max_length=200)
    decision = models.CharField(_("decision"), max_length=16, choices=EligibilityDecision.choices)
    rationale = models.TextField(_("rationale"))
    decided_on = models.DateField(_("decided on"), validators=[validate_not_future])
    decided_by = models.ForeignKey(
        "casemgmt.User", verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(_("why revoked"), blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.rule_applied})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class WithdrawalMethod(models.TextChoices):
    IN_WRITING = "in_writing", _("In writing")
    ORALLY = "orally", _("Orally, to staff")
    GUARDIAN = "guardian", _("By the guardian")
    REPRESENTATIVE = "representative", _("Through a lawyer or representative")


class Consent(GuardianConsentFields, RecordedModel):
    """Participation terms and privacy notice signed by the person (and guardian)."""

    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="consents")
    terms_version = models.CharField(_("participation terms version"), max_length=40)
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=40)
    signed_on = models.DateField(_("signed on"), validators=[validate_not_future])
    witness_name = models.CharField(_("witness"), max_length=200)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_method = models.CharField(
        _("how the withdrawal was given"),
        max_length=16,
        choices=WithdrawalMethod.choices,
        blank=True,
    )
    withdrawal_note = models.TextField(_("withdrawal note"), blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.terms_version} / {self.privacy_notice_version}"


class RenunciationKind(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    VIOLENT_IDEOLOGY = "violent_ideology", _("Violent ideology")


class Renunciation(RecordedModel):
    """Recorded evidence that a precondition was met, never proof of change (P2, P7)."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="renunciations"
    )
    kind = models.CharField(_("what is renounced"), max_length=20, choices=RenunciationKind.choices)
    declared_on = models.DateField(_("declared on"), validators=[validate_not_future])
    witness_name = models.CharField(_("witness"), max_length=200)
    document_reference = models.CharField(_("document reference"), max_length=120, blank=True)
    verified_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["-declared_on", "-id"]
        verbose_name = _("renunciation")
        verbose_name_plural = _("renunciations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verified_by__isnull=True, verified_at__isnull=True)
                | models.Q(verified_by__isnull=False, verified_at__isnull=False),
                name="renunciation_verified_pair",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class ReviewKind(models.TextChoices):
    CASE_CONFERENCE = "case_conference", _("Case conference")
    RELEASE_REVIEW = "release_review", _("Release review")
    CLOSURE_REVIEW = "closure_review", _("Closure review")
    MONITORING_REVIEW = "monitoring_review", _("Monitoring review")


class MultiAgencyReview(RecordedModel):
    """A meeting of the agencies on a case; its positions feed the quorum gates (P3)."""

    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=24, choices=ReviewKind.choices)
    held_on = models.DateField(_("held on"), validators=[validate_not_future])
    agenda = models.TextField(_("agenda"), blank=True)
    decision = models.TextField(_("decision"))
    minutes = models.TextField(_("minutes"), blank=True)
    recommended_stage = models.ForeignKey(
        "casemgmt.Stage",
        verbose_name=_("recommended stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("multi-agency review")
        verbose_name_plural = _("multi-agency reviews")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class Position(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class ReviewPosition(models.Model):
    """An agency present at a review, and its position; dissent is kept."""

    review = models.ForeignKey(
        MultiAgencyReview, on_delete=models.CASCADE, related_name="positions"
    )
    agency = models.ForeignKey(
        "casemgmt.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    dissent = models.TextField(_("reason for dissent"), blank=True)
    # Who typed it and for which agency they worked then: another agency's position is
    # "on behalf of" and counts towards quorum only once that agency confirms it (P3).
    recorded_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by_agency = models.ForeignKey(
        "casemgmt.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attended_by = models.CharField(_("attended by"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("review position")
        verbose_name_plural = _("review positions")
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="review_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_position_display()}"

    @property
    def on_behalf(self) -> bool:
        """Typed by someone of another agency (the chair), not by the agency itself."""
        return self.recorded_by_agency_id != self.agency_id

    @property
    def is_agency_own(self) -> bool:
        """The agency's own position: recorded by its staff, or confirmed by them after."""
        return not self.on_behalf or self.confirmed_at is not None


class UndertakingKind(models.TextChoices):
    GUARANTOR = "guarantor", _("Guarantor")
    ELDERS = "elders", _("Elders (jirga)")


class Undertaking(RecordedModel):
    """A guarantor's or elders' undertaking for a release, where the programme uses one."""

    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="undertakings")
    kind = models.CharField(_("given by"), max_length=12, choices=UndertakingKind.choices)
    guarantor_name = models.CharField(_("name(s)"), max_length=300)
    terms = models.TextField(_("terms"))
    signed_on = models.DateField(_("signed on"), validators=[validate_not_future])
    document_reference = models.CharField(_("document reference"), max_length=120, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("undertaking")
        verbose_name_plural = _("undertakings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.guarantor_name}"


class ReviewAttendee(models.Model):
    """A person who attended a review, and the agency they represented."""

    review = models.ForeignKey(
        MultiAgencyReview, on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        "casemgmt.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class ReviewAction(models.Model):
    """An action agreed at a review, with its owner and due date."""

    review = models.ForeignKey(MultiAgencyReview, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="review_actions",
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("review action")
        verbose_name_plural = _("review actions")
        indexes = [models.Index(fields=["owner", "done_at"], name="review_action_owner_idx")]

    def __str__(self) -> str:
        return self.description[:60]
