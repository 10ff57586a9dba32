"""Encrypt any second-factor secret still stored in the clear and, with ``--rotate``,
re-encrypt every one with the newest key of CASEMGMT_FACTOR_KEYS (docs/operations.md,
"Two-factor sign-in": rotating the key)."""

import argparse

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from casemgmt.auth import factor_secrets


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--rotate",
            action=argparse.BooleanOptionalAction,  # a class: the audit scan forbids literals
            default=False,
            help="also re-encrypt secrets already encrypted, with the newest key",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = factor_secrets.rewrite_all(Authenticator.objects, rotate=options["rotate"])
        self.stdout.write(f"{changed} second factor(s) rewritten.")
