from django.core.management.base import BaseCommand

from helpdesk.demo import DEMO_PASSWORD, demo_logins, load_demo_data


class Command(BaseCommand):
    help = "Load demo teams, staff, customers, orders and tickets (once)."

    def handle(self, *args: object, **options: object) -> None:
        created = load_demo_data()
        self.stdout.write("Demo data loaded." if created else "Demo data already present.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in demo_logins():
            self.stdout.write(f"  {username:8} {what}")
