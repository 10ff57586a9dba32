from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from casemgmt.roles import group_name


class RoleBackend(ModelBackend):
    """ModelBackend whose group permissions also include the user's role group.

    The role field is the one place a user's role is set; nobody has to keep
    group membership in step with it by hand.
    """

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(
            Q(group__user=user_obj) | Q(group__name=group_name(user_obj.role))
        )
