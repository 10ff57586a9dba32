"""Locked sign-ins in the admin: the failed attempts django-axes counts, for administrators
only, and the unlock (by user name from the user's page, by address from here), recorded."""

from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casemgmt.admin.read_only import AdministratorsReadOnlyAdmin
from casemgmt.admin.step_up import StepUpAdminMixin
from casemgmt.services import authentication
from casemgmt.services.role_grants import may_administer_users


@admin.register(AccessAttempt)
class FailedSignInAdmin(StepUpAdminMixin, AdministratorsReadOnlyAdmin):
    """Read-only: an attempt disappears through the audited unlock or when its cool-off
    ends, never by a plain delete."""

    list_display = ["attempt_time", "ip_address", "user_agent", "failures_since_start"]
    list_filter = ["attempt_time"]
    search_fields = ["ip_address", "username"]
    fields = ["attempt_time", "ip_address", "user_agent", "path_info", "failures_since_start"]
    readonly_fields = fields
    actions = ["unlock_addresses"]

    def has_unlock_permission(self, request):
        return may_administer_users(request.user)

    @admin.action(
        description=_("Unlock sign-in from the addresses of the selected attempts"),
        permissions=["unlock"],
    )
    def unlock_addresses(self, request, queryset):
        addresses = sorted({a for a in queryset.values_list("ip_address", flat=True) if a})
        for address in addresses:
            authentication.unlock_address(address=address, by=request.user)
        self.message_user(
            request,
            gettext("Sign-in unlocked for: %(addresses)s.") % {"addresses": ", ".join(addresses)},
            messages.SUCCESS,
        )
