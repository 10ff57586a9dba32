from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casemgmt.audit_trail.signing import key_id, public_pem, write_new_private_key


class Command(BaseCommand):
    help = (
        "Make the audit trail's Ed25519 signing key: the private key into a new file "
        "(readable by its owner only; never overwritten), the public key for the "
        "inspectorate to a file or standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--private", required=True, help="the new private key file")
        parser.add_argument("--public", default="-", help="the public key file, or - (stdout)")

    def handle(self, *args, **options):
        path = Path(options["private"])
        try:
            key = write_new_private_key(path)
        except FileExistsError as error:
            raise CommandError(f"{path} exists: a signing key is never overwritten.") from error
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}.") from error
        pem = public_pem(key.public_key()).decode()
        if options["public"] == "-":
            self.stdout.write(pem, ending="")
        else:
            Path(options["public"]).write_text(pem)
        self.stderr.write(f"Key {key_id(key.public_key())}: private key in {path}.")
