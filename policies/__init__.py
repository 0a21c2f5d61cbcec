"""Compensation authority: tiers, requests, approvals, exchange rates.

Choices made here:

- Exchange rates are stored as units of the currency per USD (the convention of USD-based feeds:
  EUR 0.925 means USD 1 = EUR 0.925), Decimal(20, 10), one row per currency and day, imported by
  `manage.py import_rates FILE.csv` (columns date,currency,units_per_usd) or edited in the admin.
- USD value = amount / units_per_usd, rounded ROUND_HALF_UP to cents; the limit is compared with
  that rounded value, so USD 50.004 counts as 50.00 and 50.005 as 50.01.
- A request needs the rate of its own (UTC) day; with no rate for that day it is refused with a clear
  error rather than checked against a stale rate. The rate and its date are kept on the request
  and in the decision log.
- Amounts are exact in the currency's minor unit (JPY 0 decimals, KWD 3); more precision, negative
  or unreadable amounts are refused.
- The limit counts everything pending or approved on the ticket and on its order (all of the order's
  tickets); rejected requests do not count. The ticket row, then the order row, are locked while
  counting, so simultaneous requests are counted one after the other.
- A return or exchange more than 7 days after delivery needs a supervisor; an order with no delivery
  date is taken as delivered 14 days after it was placed; no order at all also needs a supervisor.
"""
