from django.core.management.base import BaseCommand, CommandError

from casemgmt.audit_trail.database_role import grants


class Command(BaseCommand):
    help = (
        "Print the SQL that lets a PostgreSQL role run the app without being able to change, "
        "delete or truncate the audit trail (docs/operations.md, 'The audit trail')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the role the app connects as")
        parser.add_argument("--owner", required=True, help="the role that runs migrations")

    def handle(self, *args, role: str, owner: str, **options):
        try:
            statements = grants(role=role, owner=owner)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for statement in statements:
            self.stdout.write(f"{statement};")
