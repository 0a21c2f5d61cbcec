from django.core.management.base import BaseCommand

from demo.articles import load_demo_articles
from demo.chat import load_demo_chat_site
from demo.data import DEMO_PASSWORD, demo_logins, load_demo_data, load_demo_rates


class Command(BaseCommand):
    help = (
        "Load demo teams, staff, customers, orders and tickets (once), today's demo exchange rates, "
        "and the demo help articles not there yet."
    )

    def handle(self, *args: object, **options: object) -> None:
        created = load_demo_data()
        self.stdout.write("Demo data loaded." if created else "Demo data already present.")
        rates = load_demo_rates()
        if rates:
            self.stdout.write(f"Demo exchange rates added for today: {rates}.")
        articles = load_demo_articles()
        if articles:
            self.stdout.write(f"Demo help articles added: {articles}.")
        if load_demo_chat_site():
            self.stdout.write("Demo chat site added: the shop page with the widget is /chat/demo-shop/.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in demo_logins():
            self.stdout.write(f"  {username:8} {what}")
