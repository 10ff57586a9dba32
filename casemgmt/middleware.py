from django.utils import translation


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
