from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile every .po catalogue under LOCALE_PATHS to .mo with polib "
        "(no GNU gettext needed, so set-up works on a bare machine)."
    )

    def handle(self, *args, **options):
        compiled = 0
        for base in settings.LOCALE_PATHS:
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(f"compiled {po_path}")
        self.stdout.write(f"{compiled} catalogue(s) compiled.")
