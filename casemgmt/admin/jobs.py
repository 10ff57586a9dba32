"""procrastinate's read-only job list (for superusers: no role carries its permissions).
Shown only on PostgreSQL: elsewhere the queue's tables do not exist."""

from django.conf import settings
from django.contrib import admin
from procrastinate.contrib.django.models import ProcrastinateJob

if not settings.ON_POSTGRESQL and admin.site.is_registered(ProcrastinateJob):
    admin.site.unregister(ProcrastinateJob)
