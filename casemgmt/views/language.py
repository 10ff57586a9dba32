from contextlib import suppress

from django.core.exceptions import ValidationError
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from casemgmt.services import users


@require_POST
def set_language(request):
    """Django's set_language, and remember the choice on the user for next time."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        # An unknown language is ignored, as Django's own set_language ignores it.
        with suppress(ValidationError):
            users.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
