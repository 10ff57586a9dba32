"""Programmes as data (P1): stages, transitions and the gates on each transition."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.models.translated import (
    TranslatedCharField,
    TranslatedModel,
    TranslatedTextField,
    urdu_field,
)
from casemgmt.roles import Role


class Programme(TranslatedModel):
    name = TranslatedCharField(_("name"), max_length=200, unique=True)
    name_ur = urdu_field(_("name in Urdu"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = TranslatedTextField(_("description"), blank=True)
    description_ur = urdu_field(_("description in Urdu"))
    legal_framework = models.TextField(
        _("legal framework"), help_text=_("The statute or order the programme operates under.")
    )
    exclusion_rule = models.CharField(
        _("exclusion rule"),
        max_length=200,
        blank=True,
        help_text=_('The entry rule applied at screening, e.g. "No blood on hands".'),
    )
    uses_undertaking = models.BooleanField(
        _("uses a guarantor's or elders' undertaking"), default=True
    )
    juvenile_requires_guardian_consent = models.BooleanField(
        _("juveniles need a guardian's consent"), default=True
    )
    juvenile_requires_trained_caseworker = models.BooleanField(
        _("juveniles need a juvenile-trained caseworker"), default=True
    )
    # Cadences the programme sets for itself (P1); defaults are DOMAIN.md's.
    initial_assessment_days = models.PositiveSmallIntegerField(
        _("initial assessment due within (days)"),
        default=30,
        help_text=_("A new case's first assessment is due this many days after it opens."),
    )
    missed_contact_grace_days = models.PositiveSmallIntegerField(
        _("missed contact grace (days)"),
        default=3,
        help_text=_(
            "Days after a check-in falls due before the daily check raises a missed-contact "
            "escalation."
        ),
    )
    emergency_access_hours = models.PositiveSmallIntegerField(
        _("emergency access lasts (hours)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("How long break-the-glass access to one of its cases stays open."),
    )
    # How long a closed case keeps its person's identity (P8: nothing kept longer than the
    # law allows); ``manage.py apply_retention`` erases it after that, unless on legal hold.
    retention_years = models.PositiveSmallIntegerField(
        _("keep identities after closure (years)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Once every case of a person is closed for longer than this (in each of its "
            "programmes) and none is on legal hold, the daily retention job erases the "
            "person's identifying data; de-identified records and figures stay. Keep "
            "backups for less time than this."
        ),
    )
    instruments = models.ManyToManyField(
        "casemgmt.Instrument",
        verbose_name=_("assessment instruments"),
        blank=True,
        related_name="programmes",
        help_text=_("Assessments of its cases use the latest active version of these instruments."),
    )
    consent_withdrawal_stage = models.ForeignKey(
        "casemgmt.Stage",
        verbose_name=_("stage proposed when consent is withdrawn"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "When a participant withdraws consent, the case proposes the programme's move "
            "into this stage (e.g. Exited or Suspended); a user still requests it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    supervisors = models.ManyToManyField(
        "casemgmt.User",
        verbose_name=_("programme supervisors"),
        blank=True,
        related_name="supervised_programmes",
        help_text=_("Supervisors who see and decide on every case of the programme."),
    )
    auditors = models.ManyToManyField(
        "casemgmt.User",
        verbose_name=_("programme auditors"),
        blank=True,
        related_name="audited_programmes",
        # An auditor sees only the programmes they are assigned to; others are never offered.
        limit_choices_to={"role": Role.AUDITOR},
        help_text=_(
            "Auditors (an inspectorate, committee staff) who oversee the programme: they read "
            "its cases, read-only. Only users with the auditor role can be chosen."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    @property
    def start_stage(self) -> Stage:
        return self.stages.get(is_start=True)

    def configuration_errors(self, *, stages: Iterable[Stage] | None = None) -> list[str]:
        """Whole-programme checks that single rows cannot make. The admin shows them on the
        programme's page and applies them to the ``stages`` being saved there."""
        errors = []
        stages = self.stages.all() if stages is None else stages
        starts = [s for s in stages if s.is_start]
        if len(starts) != 1:
            errors.append(_("A programme needs exactly one start stage (it has %d).") % len(starts))
        return errors

    def cadence_warnings(self) -> list[str]:
        """Settings that work against each other but may be meant (so they warn, not
        refuse): see ``cadence.gate_conflicts``."""
        from casemgmt.cadence import gate_conflicts

        warnings = gate_conflicts(self)
        if not self.classification_bands.filter(is_active=True).exists():
            warnings.append(
                _(
                    "The programme has no active classification band: its cases cannot be "
                    "classified, and monitoring plans default to weekly contact and monthly "
                    "reviews."
                )
            )
        return warnings


class StageKind(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    CUSTODY = "custody", _("Custody")
    COUNSELLING = "counselling", _("Counselling")
    RELEASE_PREPARATION = "release_preparation", _("Release preparation")
    COMMUNITY = "community", _("Community")
    COMPLETED = "completed", _("Completed")
    EXITED = "exited", _("Exited")
    SUSPENDED = "suspended", _("Suspended")


class StageCustody(models.TextChoices):
    HELD = "held", _("Custodial: held in a facility")
    KEPT = "kept", _("Keeps the current placement, if any")
    NOT_HELD = "not_held", _("Not held: entering it ends the placement")


# Side stages: a move into them is never "forward".
SIDE_STAGE_KINDS = frozenset({StageKind.EXITED, StageKind.SUSPENDED})


class Stage(TranslatedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="stages"
    )
    key = models.SlugField(_("key"), max_length=40)
    name = TranslatedCharField(_("name"), max_length=120)
    name_ur = urdu_field(_("name in Urdu"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=24, choices=StageKind.choices)
    is_start = models.BooleanField(_("start stage"), default=False)
    is_terminal = models.BooleanField(_("terminal"), default=False)
    custody = models.CharField(
        _("custody"),
        max_length=10,
        choices=StageCustody.choices,
        default=StageCustody.KEPT,
        help_text=_(
            "Whether the person is held in a facility in this stage: entering a custodial "
            "stage asks for the facility and opens a placement; entering a stage where the "
            "person is not held ends it."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    reassessment_days = models.PositiveSmallIntegerField(
        _("reassess every (days)"),
        default=183,
        help_text=_(
            "While a case is in this stage, its next assessment is due this many days after "
            "the last one."
        ),
    )

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="stage_key_unique"),
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(is_start=True),
                name="stage_one_start_per_programme",
            ),
            models.CheckConstraint(
                condition=~(models.Q(is_start=True) & models.Q(is_terminal=True)),
                name="stage_start_not_terminal",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.is_start and self.is_terminal:
            raise ValidationError(_("The start stage cannot be terminal."))


def default_request_roles() -> list[str]:
    return [Role.CASEWORKER, Role.SUPERVISOR]


class Transition(TranslatedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.ForeignKey(
        Stage, verbose_name=_("from stage"), on_delete=models.CASCADE, related_name="exits"
    )
    to_stage = models.ForeignKey(
        Stage, verbose_name=_("to stage"), on_delete=models.CASCADE, related_name="entries"
    )
    name = TranslatedCharField(_("name"), max_length=120, blank=True)
    name_ur = urdu_field(_("name in Urdu"), max_length=120)
    requires_approval = models.BooleanField(_("needs supervisor approval"), default=False)
    allowed_roles = models.JSONField(_("roles that may request it"), default=default_request_roles)
    is_reopen = models.BooleanField(
        _("re-opens a terminal stage"),
        default=False,
        help_text=_("Only a re-open transition may leave a terminal stage."),
    )

    class Meta:
        ordering = ["programme", "from_stage__order", "to_stage__order"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        constraints = [
            models.UniqueConstraint(
                fields=["from_stage", "to_stage"], name="transition_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.from_stage} → {self.to_stage}"

    @property
    def is_forward(self) -> bool:
        """A move deeper into the programme (not to a side stage, not backwards)."""
        return (
            self.to_stage.kind not in SIDE_STAGE_KINDS
            and self.to_stage.order > self.from_stage.order
        )

    def clean(self):
        errors = {}
        if self.from_stage_id and self.from_stage.programme_id != self.programme_id:
            errors["from_stage"] = _("This stage belongs to another programme.")
        if self.to_stage_id and self.to_stage.programme_id != self.programme_id:
            errors["to_stage"] = _("This stage belongs to another programme.")
        if self.from_stage_id and self.to_stage_id and self.from_stage_id == self.to_stage_id:
            errors["to_stage"] = _("A transition must lead to a different stage.")
        if (
            self.from_stage_id
            and self.from_stage.is_terminal
            and not self.is_reopen
            and "from_stage" not in errors
        ):
            errors["from_stage"] = _(
                "A terminal stage can only be left by a transition marked as re-open."
            )
        bad_roles = [r for r in (self.allowed_roles or []) if r not in Role.values]
        if bad_roles or not isinstance(self.allowed_roles, list):
            errors["allowed_roles"] = _("Unknown role: %s.") % ", ".join(map(str, bad_roles))
        if errors:
            raise ValidationError(errors)


class TransitionGate(models.Model):
    """A named check (see ``casemgmt.gates``) attached to a transition, with its parameters."""

    transition = models.ForeignKey(
        Transition, verbose_name=_("transition"), on_delete=models.CASCADE, related_name="gates"
    )
    gate = models.CharField(_("gate"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # P5: a gate may apply only to people of some group categories (their ids); empty:
    # to everyone. E.g. an extra review before release for one category.
    group_categories = models.JSONField(
        _("only for group categories"),
        default=list,
        blank=True,
        help_text=_("Empty: the gate applies to everyone."),
    )

    class Meta:
        ordering = ["transition", "order", "id"]
        verbose_name = _("transition gate")
        verbose_name_plural = _("transition gates")
        constraints = [
            models.UniqueConstraint(fields=["transition", "gate"], name="transition_gate_unique"),
        ]

    def __str__(self) -> str:
        return self.gate

    def clean(self):
        from casemgmt import gates

        try:
            self.params = gates.validate_params(self.gate, self.params or {})
        except gates.GateConfigError as exc:
            raise ValidationError({"params": str(exc)}) from exc
