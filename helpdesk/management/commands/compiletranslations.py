from django.core.management.base import BaseCommand

from helpdesk.i18n_tools import compile_catalogues


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (with Babel; no GNU gettext needed)."
    requires_system_checks: list[str] = []  # catalogues compile whatever state the URLs or models are in

    def handle(self, *args: object, **options: object) -> None:
        written = compile_catalogues()
        if written:
            self.stdout.write(f"Compiled {written} translation catalogue(s).")
