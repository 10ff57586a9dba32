from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casemgmt import sessions


@never_cache
@require_POST
@login_required
def keep_alive(request):
    """ "Stay signed in": restarts the idle clock (never the absolute one) and says how long
    is left of each, for the warning script."""
    sessions.touch(request.session, force=True)
    idle, absolute = sessions.remaining(request.session)
    return JsonResponse({"idle_seconds": int(idle), "absolute_seconds": int(absolute)})
