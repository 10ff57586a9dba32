from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from casemgmt.models import User


@require_POST
def set_language(request):
    """Django's set_language, and remember the choice on the user for next time."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(
        User._meta.get_field("preferred_language").choices
    ):
        User.objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response
