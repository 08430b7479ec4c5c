from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clusternet.core.exceptions import ApplicationError
from members.models import Organization, Role
from members.services import user_create


class Command(BaseCommand):
    help = "Creates a user non-interactively (deployments, tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organization", type=int, help="Organisation id; required for member and bank.")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = None
        if options["organization"] is not None:
            organization = Organization.objects.filter(pk=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organisation with id {options['organization']}.")
        try:
            user = user_create(
                username=options["username"],
                password=options["password"],
                role=options["role"],
                organization=organization,
                email=options["email"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Created {user.role} user {user.username} (id {user.pk}).")
