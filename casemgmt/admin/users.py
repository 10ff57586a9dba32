"""Staff accounts and role grants in the admin.

The rules live in ``services/staff_accounts`` and ``services/role_grants``; these screens
make the fields one may not change read-only, refuse (and record) a crafted request that
changes them anyway, and record every password set here.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casemgmt.admin.second_factor import SecondFactorResetMixin
from casemgmt.admin.step_up import StepUpAdminMixin
from casemgmt.admin.user_sessions import SignOutEverywhereMixin
from casemgmt.errors import DomainError
from casemgmt.models import AuditAction, RoleGrant, RoleGrantStatus, User
from casemgmt.roles import PRIVILEGED_ROLES
from casemgmt.services import account_security, authentication, role_grants, staff_accounts


class RoleReasonMixin(forms.Form):
    """A privileged role is asked for with a reason, for the confirming administrator."""

    role_reason = forms.CharField(
        label=_("reason for the role"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed to give the supervisor, auditor or administrator role: the user keeps "
            "their present role until a second administrator confirms it."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if "role" in self.changed_data and role in PRIVILEGED_ROLES:
            if not cleaned.get("role_reason", "").strip():
                self.add_error("role_reason", _("Say why this user needs the role."))
            pending = RoleGrant.objects.filter(user_id=self.instance.pk, status="pending")
            if self.instance.pk and pending.exists():
                self.add_error(
                    "role",
                    _(
                        "A role grant for this user is already waiting for confirmation: "
                        "confirm or reject it first."
                    ),
                )
        return cleaned


class StaffUserChangeForm(RoleReasonMixin, UserChangeForm):
    pass


class StaffUserCreationForm(RoleReasonMixin, AdminUserCreationForm):
    pass


def _posted(request, name: str):
    """The value a POST gives ``name`` (a checkbox as a boolean), or ``...`` if absent."""
    if name == "is_superuser":
        if name not in request.POST:
            return ...
        return forms.CheckboxInput().value_from_datadict(request.POST, {}, name)
    return request.POST.get(name, ...)


@admin.register(User)
class UserAdmin(StepUpAdminMixin, SignOutEverywhereMixin, SecondFactorResetMixin, DjangoUserAdmin):
    # Step-up also before setting a password here (the add, change and delete pages and
    # the list's actions ask already: StepUpAdminMixin).
    step_up_url_names = ("auth_user_password_change", "casemgmt_user_sign_out_everywhere")
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_active"]
    list_filter = ["role", "agency__kind", "is_active", "juvenile_trained"]
    list_select_related = ["agency"]
    search_fields = ["username", "first_name", "last_name", "email"]
    actions = ["unlock_sign_in", "sign_out_everywhere"]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "agency", "role", "role_reason", "password1", "password2"),
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        role_fields = ["agency", "role", "pending_role"]
        if "role" not in self.get_readonly_fields(request, obj):
            role_fields.append("role_reason")
        return (
            *DjangoUserAdmin.fieldsets[:1],
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (
                _("Agency and role"),
                {"fields": (*role_fields, "juvenile_trained", "preferred_language")},
            ),
            (_("Status"), {"fields": ("is_active", "password_change_required", "is_superuser")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        locked = staff_accounts.locked_fields(by=request.user, user=obj)
        return ["last_login", "date_joined", "pending_role", *sorted(locked)]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and staff_accounts.may_change_user(
            by=request.user, user=obj
        )

    @admin.display(description=_("role waiting for confirmation"))
    def pending_role(self, user):
        grant = user.role_grants.filter(status=RoleGrantStatus.PENDING).first()
        return grant.get_role_display() if grant else "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            stored = self.get_object(request, unquote(object_id))
            if stored is not None and self.has_change_permission(request, stored):
                refused = self._refused_in_post(request, stored)
                if refused:
                    staff_accounts.user_change_refused(
                        by=request.user, user=stored, refused=refused
                    )
                    return self._refusal(request, stored)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _refused_in_post(self, request, stored: User) -> dict:
        """A crafted POST that sets a field shown read-only to this administrator."""
        wanted = User(
            pk=stored.pk,
            role=stored.role,
            agency_id=stored.agency_id,
            is_superuser=stored.is_superuser,
        )
        for name in staff_accounts.locked_fields(by=request.user, user=stored):
            value = _posted(request, name)
            if value is ...:
                continue
            if name == "agency":
                wanted.agency_id = int(value) if str(value).isdecimal() else value or None
            else:
                setattr(wanted, name, value)
        return staff_accounts.refused_changes(by=request.user, user=wanted, stored=stored)

    def _refusal(self, request, user: User):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change refused"),
            "opts": self.opts,
            "original": user,
        }
        return TemplateResponse(
            request, "admin/casemgmt/user/change_refused.html", context, status=403
        )

    def save_model(self, request, obj, form, change):
        try:
            grant = staff_accounts.user_save(
                by=request.user, user=obj, role_reason=form.cleaned_data.get("role_reason", "")
            )
        except DomainError as error:
            raise PermissionDenied(str(error)) from error
        if grant is not None:
            self.message_user(
                request,
                gettext(
                    "The %(role)s role for %(user)s waits for a second administrator's "
                    "confirmation; until then the user keeps the role %(current)s."
                )
                % {
                    "role": grant.get_role_display(),
                    "user": obj.username,
                    "current": obj.get_role_display(),
                },
                messages.WARNING,
            )

    def has_unlock_permission(self, request):
        return role_grants.may_administer_users(request.user)

    @admin.action(description=_("Unlock sign-in for the selected users"), permissions=["unlock"])
    def unlock_sign_in(self, request, queryset):
        """Clears the failed sign-ins counted against each user name (recorded per user)."""
        for user in queryset:
            authentication.unlock_user(user=user, by=request.user)
        self.message_user(
            request,
            gettext("Sign-in unlocked for: %(users)s.")
            % {"users": ", ".join(u.username for u in queryset)},
            messages.SUCCESS,
        )

    def user_change_password(self, request, id, form_url=""):
        """Django's view, plus one audit event for a password actually set or disabled."""
        with transaction.atomic():
            target = self.get_object(request, unquote(id))
            if target is not None and not self.has_change_permission(request, target):
                raise PermissionDenied
            if target is not None and account_security.administrator_acted_since_sign_in(
                by=request.user, user=target, action=AuditAction.AUTH_SECOND_FACTOR_RESET
            ):
                self.message_user(
                    request,
                    gettext(
                        "You reset this user's second factor: another administrator sets their "
                        "password, or the user signs in first. One administrator doing both "
                        "would hold the whole account."
                    ),
                    messages.ERROR,
                )
                return redirect("admin:casemgmt_user_change", target.pk)
            before = target.password if target is not None else None
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and target is not None:
                target.refresh_from_db()
                if target.password != before:
                    account_security.user_password_set_by_administrator(
                        by=request.user, user=target
                    )
        return response


class RoleGrantDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            ("confirm", _("Confirm: give the user this role")),
            ("reject", _("Reject: the user keeps their role")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = RoleGrant
        fields = ["decision_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("decision_reason", "").strip():
            self.add_error("decision_reason", _("Say why the role is not given."))
        return cleaned


@admin.register(RoleGrant)
class RoleGrantAdmin(StepUpAdminMixin, admin.ModelAdmin):
    """Privileged roles waiting for (or decided by) a second administrator."""

    form = RoleGrantDecisionForm
    list_display = ["user", "role", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "role"]
    list_select_related = ["user", "requested_by", "decided_by"]
    search_fields = ["user__username"]
    readonly_fields = [
        "user",
        "role",
        "reason",
        "activates_user",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]

    def get_fields(self, request, obj=None):
        fields = [*self.readonly_fields, "decision_reason"]
        if obj is not None and self.has_change_permission(request, obj):
            fields.append("decision")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return [*self.readonly_fields, "decision_reason"]
        return self.readonly_fields

    def has_module_permission(self, request):
        return role_grants.may_administer_users(request.user)

    def has_view_permission(self, request, obj=None):
        return role_grants.may_administer_users(request.user)

    def has_add_permission(self, request):
        return False  # asked for by giving the role on the user's page

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return role_grants.may_administer_users(request.user)
        return obj.status == RoleGrantStatus.PENDING and role_grants.may_decide(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("decision_reason", "")
        try:
            if form.cleaned_data["decision"] == "confirm":
                role_grants.role_grant_confirm(grant=obj, by=request.user, reason=reason)
            else:
                role_grants.role_grant_reject(grant=obj, by=request.user, reason=reason)
        except DomainError as error:
            raise PermissionDenied(str(error)) from error
        obj.refresh_from_db()
