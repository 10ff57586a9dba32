"""Notes, referrals (the receiving side), restricted-case allow-lists, break-the-glass, inbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access
from casemgmt.auth.step_up import step_up_required
from casemgmt.forms.collaboration import (
    AllowListForm,
    BreakGlassForm,
    DeclineReferralForm,
    NoteCorrectionForm,
)
from casemgmt.models import AuditAction, Case, ReferralStatus
from casemgmt.selectors.cases import visible_case_or_404, visible_notes
from casemgmt.selectors.inbox import inbox_cases, inbox_classes, inbox_for
from casemgmt.selectors.notes import note_versions_or_404
from casemgmt.selectors.notifications import own_notification_or_404
from casemgmt.selectors.referrals import incoming_referral_or_404, referral_subject
from casemgmt.selectors.restriction import access_grant_or_404
from casemgmt.selectors.scope import refuse, refuse_page
from casemgmt.services import audit, notes, notifications, referrals, restriction
from casemgmt.services.notes import CORRECTION_WINDOW


@login_required
@require_safe
def note_list(request, reference):
    """Every note the user may know about, latest versions first; a read is recorded."""
    case = visible_case_or_404(request.user, reference)
    notes_ = visible_notes(case, request.user)
    audit.record_read(
        actor=request.user,
        target=case,
        case=case,
        classes={access.note_class(n.category) for n in notes_ if n.content_visible},
    )
    return render(
        request,
        "casemgmt/note_list.html",
        {"case": case, "notes": notes_, "can_write": access.can_write_case(request.user, case)},
    )


@login_required
def note_history(request, reference, pk):
    """All versions of one note; its author may correct it within the window."""
    case = visible_case_or_404(request.user, reference)
    first, versions = note_versions_or_404(request.user, case, pk)
    content_visible = access.can_read_note_content(request.user, first)
    latest = versions[-1]
    form = NoteCorrectionForm(
        request.POST or None, initial={"body": latest.body if content_visible else ""}
    )
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            notes.note_correct(note=latest, by=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("The note was corrected; the earlier text is kept."))
            return redirect("note_history", reference=case.reference, pk=first.pk)
    audit.record_read(
        actor=request.user,
        target=first,
        case=case,
        classes={access.note_class(first.category)} if content_visible else set(),
    )
    can_correct = (
        content_visible
        and latest.author_id == request.user.pk
        and access.can_write_case(request.user, case)
    )
    return render(
        request,
        "casemgmt/note_history.html",
        {
            "case": case,
            "versions": versions,
            "content_visible": content_visible,
            "form": form,
            "can_correct": can_correct,
            "window_hours": int(CORRECTION_WINDOW.total_seconds() // 3600),
        },
    )


@login_required
def referral_respond(request, pk):
    """The receiving agency reads a referral and accepts or declines it."""
    referral = incoming_referral_or_404(request.user, pk)
    form = DeclineReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        with form.service_errors():
            if decision == "accept":
                referrals.referral_accept(referral=referral, by=request.user)
                messages.success(request, _("Referral accepted: your agency joined the case team."))
                return redirect("case_detail", reference=referral.case.reference)
            if decision == "decline":
                referrals.referral_decline(
                    referral=referral, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Referral declined."))
                return redirect("inbox")
            form.add_error(None, _("Choose to accept or decline."))
    subject = referral_subject(request.user, referral)
    audit.record_read(
        actor=request.user,
        target=referral,
        case=referral.case,
        classes={access.RECORD_CLASSES["referral"]},
    )
    return render(
        request,
        "casemgmt/referral_respond.html",
        {
            "referral": referral,
            "subject": subject,
            "form": form,
            "open": referral.status == ReferralStatus.SENT,
        },
    )


@login_required
@step_up_required
def case_access(request, reference):
    """A supervisor restricts the case and keeps its allow-list."""
    case = visible_case_or_404(request.user, reference)
    if not access.can_manage_restriction(request.user, case):
        refuse(Case, case.reference)
    form = AllowListForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        with form.service_errors():
            if action in ("restrict", "unrestrict"):
                restriction.case_set_restricted(
                    case=case, by=request.user, restricted=action == "restrict"
                )
                messages.success(request, _("Access to the case was updated."))
                return redirect("case_access", reference=case.reference)
            if action == "add" and form.is_valid():
                restriction.allow_list_add(
                    case=case, by=request.user, user=form.cleaned_data["user"]
                )
                messages.success(request, _("Added to the allow-list."))
                return redirect("case_access", reference=case.reference)
            if action == "remove":
                grant = access_grant_or_404(case, request.POST.get("grant", ""))
                restriction.allow_list_remove(grant=grant, by=request.user)
                messages.success(request, _("Removed from the allow-list."))
                return redirect("case_access", reference=case.reference)
    grants = case.access_grants.filter(revoked_at__isnull=True).select_related(
        "user", "user__agency"
    )
    audit.record_read(actor=request.user, target=case, case=case, classes={access.InfoClass.CASE})
    return render(
        request, "casemgmt/case_access.html", {"case": case, "grants": grants, "form": form}
    )


@login_required
@step_up_required
def break_glass_view(request):
    """Emergency access: a reason, then read-only access for a few hours, flagged."""
    if request.user.role not in access.WRITER_ROLES and request.user.role != "auditor":
        refuse_page(request)
    form = BreakGlassForm(
        request.POST or None, initial={"reference": request.GET.get("reference", "")}
    )
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            grant = restriction.break_glass_open(
                by=request.user,
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
            )
            messages.warning(
                request,
                _("Emergency access until %s: it is recorded and your supervisors are told.")
                % formats.time_format(timezone.localtime(grant.expires_at), "TIME_FORMAT"),
            )
            return redirect("case_detail", reference=grant.case.reference)
    return render(request, "casemgmt/break_glass.html", {"form": form})


@login_required
@require_safe
def inbox(request):
    """Referrals to my agency, approvals, overdue reviews and escalations on my cases."""
    context = inbox_for(request.user)
    audit.record_list_read(
        actor=request.user,
        action=AuditAction.READ_INBOX,
        cases=inbox_cases(context),
        classes=inbox_classes(context),
    )
    return render(request, "casemgmt/inbox.html", context)


@login_required
@require_POST
def notification_read(request, pk):
    notification = own_notification_or_404(request.user, pk)
    notifications.notification_mark_read(notification=notification, by=request.user)
    return redirect(reverse("inbox"))
