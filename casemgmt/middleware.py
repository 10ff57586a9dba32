import unicodedata

from django.core.exceptions import SuspiciousOperation
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class UserLanguageMiddleware:
    """Signed-in users see the language they chose last, on any device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class DeniedAccessAuditMiddleware:
    """Records every refused look-up (answered 404) in the audit trail.

    It runs after the request's transaction has rolled back, so the record
    is kept even though the view failed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from casemgmt.selectors.scope import OutOfScope
        from casemgmt.services import audit

        if isinstance(exception, OutOfScope):
            audit.record_denied(
                actor=request.user,
                target_type=exception.target_type,
                target_id=exception.target_id,
                path=request.path,
            )
        return None


class NoStoreMiddleware:
    """Pages for signed-in users hold personal data: no browser or proxy may keep a copy
    (ASVS 8.2.1). Static files never reach this middleware (WhiteNoise answers first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class CraftedInputMiddleware:
    """Answers 400 to a path or query string holding control characters (a NUL byte above
    all, which PostgreSQL refuses in text): no reference, id or filter value has one, and
    letting it reach a query turns a crafted link into a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path_info, *(v for _k, vs in request.GET.lists() for v in vs)]
        values += list(request.GET.keys())
        if any(_has_control_character(v) for v in values):
            # Answered with the 400 page and logged on django.security.CraftedInput.
            raise CraftedInput("control character in the path or query string")
        return self.get_response(request)


class CraftedInput(SuspiciousOperation):
    """A path or query string no page of ours could have produced."""


def _has_control_character(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in value)


class AuditAddressMiddleware:
    """Reads and refusals recorded during a request name the address it came from (the
    same address the lockout and sign-in events use)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from casemgmt.auth.addresses import client_address
        from casemgmt.services import audit

        with audit.request_address(client_address(request)):
            return self.get_response(request)
