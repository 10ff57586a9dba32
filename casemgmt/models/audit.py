from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _seal_when_committed() -> None:
    from casemgmt.audit_trail.sealer import seal_when_committed

    seal_when_committed()


class AuditEventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            _seal_when_committed()
        return created

    def update(self, **kwargs):
        raise PermissionDenied("Audit events are append-only.")

    def delete(self):
        raise PermissionDenied("Audit events are append-only.")


class AuditAction(models.TextChoices):
    """Every action an audit event may name: a typo cannot be written (``audit.record``
    refuses a value not listed here). Values are stored: never change one."""

    # Access
    ACCESS_BREAK_GLASS = "access.break_glass", _("Emergency access granted")
    ACCESS_DENIED = "access.denied", _("Access refused")
    SEARCH_IDENTITY = "search.identity", _("Search by CNIC")
    ACCESS_BREAK_GLASS_REFUSED = "access.break_glass_refused", _("Emergency access refused")
    ACCESS_RATE_LIMITED = "access.rate_limited", _("Too many requests refused")
    # Authentication
    AUTH_SIGNED_IN = "auth.signed_in", _("Signed in")
    AUTH_SIGNED_OUT = "auth.signed_out", _("Signed out")
    AUTH_SIGN_IN_FAILED = "auth.sign_in_failed", _("Sign-in failed")
    AUTH_LOCKED_OUT = "auth.locked_out", _("Sign-in locked after repeated failures")
    AUTH_UNLOCKED = "auth.unlocked", _("Sign-in unlocked")
    AUTH_PASSWORD_CHANGED = "auth.password_changed", _("Own password changed")
    AUTH_FACTOR_ADDED = "auth.factor_added", _("Second factor added")
    AUTH_FACTOR_REMOVED = "auth.factor_removed", _("Second factor removed")
    AUTH_SESSIONS_ENDED = "auth.sessions_ended", _("Sessions ended")
    AUTH_STEPPED_UP = "auth.stepped_up", _("Confirmed identity again (step-up)")
    AUTH_SECOND_FACTOR_RESET = "auth.second_factor_reset", _("Second factor reset by an admin")
    # Reads (``audit.record_read`` names them after the model read)
    READ_ASSESSMENT = "read.assessment", _("Assessment read")
    READ_CASE = "read.case", _("Case read")
    READ_INTERVENTION = "read.intervention", _("Intervention read")
    READ_NOTE = "read.note", _("Note read")
    READ_PERSON = "read.person", _("Person read")
    READ_REFERRAL = "read.referral", _("Referral read")
    READ_INBOX = "read.inbox", _("Inbox read")
    READ_APPROVALS = "read.approvals", _("Approvals queue read")
    READ_DEPARTED_WORK = "read.departed_work", _("Work of disabled users read")
    READ_REASSIGNMENT = "read.reassignment", _("Cases to reassign read")
    READ_AUDIT_TRAIL = "read.audit_trail", _("Audit trail read")
    READ_OVERSIGHT_REPORT = "read.oversight_report", _("Oversight report read")
    # The audit trail itself
    AUDIT_VERIFIED = "audit.verified", _("Audit trail verified")
    AUDIT_CHECKPOINT_WRITTEN = "audit.checkpoint_written", _("Audit checkpoint written")
    RETENTION_ERASED = "retention.erased", _("Personal data erased (retention)")
    # Exports (casemgmt/exports/)
    EXPORT_STARTED = "export.started", _("Export started")
    EXPORT_FINISHED = "export.finished", _("Export finished or cut off")
    # Configuration (the admin)
    CONFIG_CREATED = "config.created", _("Configuration created")
    CONFIG_CHANGED = "config.changed", _("Configuration changed")
    CONFIG_DELETED = "config.deleted", _("Configuration deleted")
    CONFIG_USER_CREATED = "config.user_created", _("User created")
    CONFIG_USER_CHANGED = "config.user_changed", _("User changed")
    CONFIG_USER_CHANGE_REFUSED = "config.user_change_refused", _("User change refused")
    CONFIG_USER_PASSWORD_SET = "config.user_password_set", _("User's password set")
    CONFIG_USER_DISABLED_DORMANT = (
        "config.user_disabled_dormant",
        _("User disabled after no sign-in"),
    )
    CONFIG_ROLE_GRANT_REQUESTED = "config.role_grant_requested", _("Role grant requested")
    CONFIG_ROLE_GRANT_CONFIRMED = "config.role_grant_confirmed", _("Role grant confirmed")
    CONFIG_ROLE_GRANT_REJECTED = "config.role_grant_rejected", _("Role grant rejected")
    # People
    PERSON_REGISTERED = "person.registered", _("Person registered")
    PERSON_IDENTITY_VERIFIED = "person.identity_verified", _("Identity verified")
    PERSON_MERGED = "person.merged", _("Person records merged")
    PERSON_UNMERGED = "person.unmerged", _("Merge reversed")
    PERSON_REGISTRATION_CLASH = (
        "person.registration_clash",
        _("Registration matched a registered person"),
    )
    PERSON_REGISTRATION_THROTTLED = (
        "person.registration_throttled",
        _("Registration refused after repeated matches"),
    )
    PERSON_REGISTRATION_LINKED = "person.registration_linked", _("Held registration linked")
    PERSON_REGISTRATION_REJECTED = "person.registration_rejected", _("Held registration rejected")
    PERSON_CORRECTED = "person.corrected", _("Person's details corrected")
    PERSON_CORRECTION_APPLIED = (
        "person.correction_applied",
        _("Held correction applied after review"),
    )
    # Cases
    CASE_OPENED = "case.opened", _("Case opened")
    PLACEMENT_TRANSFERRED = "placement.transferred", _("Transferred to another facility")
    CASE_IMPORTED = "case.imported", _("Case imported")
    CASE_ASSIGNED = "case.assigned", _("Caseworker assigned")
    CASE_CLASSIFIED = "case.classified", _("Classification set or changed")
    CASE_PERSON_CHANGED = "case.person_changed", _("Case moved to another person record")
    CASE_TEAM_ADDED = "case.team_added", _("Agency added to the team")
    CASE_TEAM_REMOVED = "case.team_removed", _("Agency removed from the team")
    CASE_RECEIVING_AGENCY_ACCEPTED = (
        "case.receiving_agency_accepted",
        _("Receiving agency accepted the case"),
    )
    CASE_RESTRICTED = "case.restricted", _("Case restricted")
    CASE_UNRESTRICTED = "case.unrestricted", _("Case restriction lifted")
    CASE_LEGAL_HOLD_SET = "case.legal_hold_set", _("Legal hold set")
    CASE_LEGAL_HOLD_LIFTED = "case.legal_hold_lifted", _("Legal hold lifted")
    CASE_ALLOW_LIST_ADDED = "case.allow_list_added", _("User added to the allow-list")
    CASE_ALLOW_LIST_REMOVED = "case.allow_list_removed", _("User removed from the allow-list")
    # The stage engine
    CASE_TRANSITION_REQUESTED = "case.transition_requested", _("Move requested")
    CASE_TRANSITION_APPLIED = "case.transition_applied", _("Move applied")
    CASE_TRANSITION_APPROVED = "case.transition_approved", _("Move approved")
    CASE_TRANSITION_REJECTED = "case.transition_rejected", _("Move rejected")
    CASE_TRANSITION_WITHDRAWN = "case.transition_withdrawn", _("Move request withdrawn")
    # Evidence
    EVIDENCE_LEGAL_AUTHORITY_RECORDED = (
        "evidence.legal_authority_recorded",
        _("Legal authority recorded"),
    )
    EVIDENCE_ELIGIBILITY_DECIDED = "evidence.eligibility_decided", _("Eligibility decided")
    EVIDENCE_ELIGIBILITY_REVOKED = "evidence.eligibility_revoked", _("Eligibility revoked")
    EVIDENCE_CONSENT_RECORDED = "evidence.consent_recorded", _("Consent recorded")
    EVIDENCE_CONSENT_WITHDRAWN = "evidence.consent_withdrawn", _("Consent withdrawn")
    EVIDENCE_RENUNCIATION_RECORDED = "evidence.renunciation_recorded", _("Renunciation recorded")
    EVIDENCE_RENUNCIATION_VERIFIED = "evidence.renunciation_verified", _("Renunciation verified")
    EVIDENCE_REVIEW_RECORDED = "evidence.review_recorded", _("Review recorded")
    EVIDENCE_UNDERTAKING_RECORDED = "evidence.undertaking_recorded", _("Undertaking recorded")
    REVIEW_ACTION_DONE = "review.action_done", _("Review action done")
    REVIEW_POSITION_CONFIRMED = "review.position_confirmed", _("Review position confirmed")
    REVIEW_ACTION_REASSIGNED = "review.action_reassigned", _("Review action reassigned")
    # Assessments, interventions, notes, outcomes
    ASSESSMENT_RECORDED = "assessment.recorded", _("Assessment recorded")
    ASSESSMENT_SECOND_REVIEWED = "assessment.second_reviewed", _("Assessment second-reviewed")
    ASSESSMENT_CLINICAL_RECORDED = (
        "assessment.clinical_recorded",
        _("Clinical part of an assessment recorded"),
    )
    INTERVENTION_STARTED = "intervention.started", _("Intervention started")
    INTERVENTION_ACTIVATED = "intervention.activated", _("Intervention under way")
    INTERVENTION_COMPLETED = "intervention.completed", _("Intervention completed")
    INTERVENTION_STOPPED = "intervention.stopped", _("Intervention stopped")
    INTERVENTION_PAUSED = "intervention.paused", _("Intervention paused")
    INTERVENTION_RESUMED = "intervention.resumed", _("Intervention resumed")
    INTERVENTION_SESSION_RECORDED = "intervention.session_recorded", _("Session recorded")
    NOTE_ADDED = "note.added", _("Note added")
    NOTE_CORRECTED = "note.corrected", _("Note corrected")
    OUTCOME_REENGAGEMENT_RECORDED = (
        "outcome.reengagement_recorded",
        _("Re-engagement recorded"),
    )
    # Monitoring
    MONITORING_CHECK_IN_RECORDED = "monitoring.check_in_recorded", _("Check-in recorded")
    MONITORING_PLAN_RECORDED = "monitoring.plan_recorded", _("Monitoring plan recorded")
    MONITORING_ESCALATION_RAISED = "monitoring.escalation_raised", _("Escalation raised")
    MONITORING_ESCALATION_ACKNOWLEDGED = (
        "monitoring.escalation_acknowledged",
        _("Escalation acknowledged"),
    )
    MONITORING_ESCALATION_RESOLVED = "monitoring.escalation_resolved", _("Escalation resolved")
    # Referrals and the consent ledger
    REFERRAL_SENT = "referral.sent", _("Referral sent")
    REFERRAL_ACCEPTED = "referral.accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral.declined", _("Referral declined")
    REFERRAL_COMPLETED = "referral.completed", _("Referral completed")
    REFERRAL_REVOKED = "referral.revoked", _("Referral revoked")
    SHARING_RECORDED = "sharing.recorded", _("Sharing recorded")
    SHARING_ENDED = "sharing.ended", _("Sharing ended")
    SHARING_EXPIRED = "sharing.expired", _("Sharing expired")
    # A user's own things
    NOTIFICATION_READ = "notification.read", _("Notification read")
    USER_LANGUAGE_CHANGED = "user.language_changed", _("Language changed")


class AuditEvent(models.Model):
    """Append-only record of every write (and later every read), in the writer's
    transaction. Written only through ``casemgmt.services.audit.record``."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60, choices=AuditAction.choices)
    target_type = models.CharField(_("target type"), max_length=60)
    target_id = models.CharField(_("target id"), max_length=40)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    metadata = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)
    # On PostgreSQL a trigger stamps the inserting transaction's id, whatever the app
    # sends: the sealer seals an event once that transaction has finished. Null on
    # SQLite, where one writer commits at a time and the sequence order is commit order.
    txid = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["case", "at"], name="audit_case_at_idx"),
            models.Index(fields=["txid", "id"], name="audit_txid_idx"),
            # An action's events newest first (the latest verification or checkpoint, the
            # reads of a group): without the id, the planner walks the whole trail
            # backwards looking for a rare action.
            models.Index(fields=["action", "id"], name="audit_action_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit events are append-only.")
        super().save(*args, **kwargs)
        _seal_when_committed()

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events are append-only.")

    def get_action_display(self) -> str:
        # Django's own builds a dict of every choice on each call, translating each of
        # the hundred labels: 4 ms a row, most of the auditor's search page.
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action
