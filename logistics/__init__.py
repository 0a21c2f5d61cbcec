"""Parcel tracking from AfterShip and 17TRACK webhooks, with exceptions caught before the customer asks.

How it fits together
- webhook_views -> services.intake: the signature is checked in constant time over the raw body,
  the body validated, then stored once (WebhookDelivery, unique per sender and dedup key) and the
  sender answered; services.processing applies it in a Celery task, in batches; a beat sweep
  processes whatever a lost message left waiting.
- services.tracking: events are kept by content fingerprint (unique per shipment); the status is
  the one of the latest event by event time (ties: further along the journey), whatever the order
  of arrival. Only shipment_set_status changes it, and records the change.
- services.detection: exception rules are data (ExceptionRule, admin-editable, most specific rule
  wins); a sweep finds stalls and customs holds, which no webhook announces.
- services.alerts: an exception opens or joins the order's logistics ticket, tells the customer
  at once in their language, and may propose a coupon through the compensation rules.

Choices made here
- A "pending" status (before any scan) sits beside the ten normalised ones.
- A payload for an unknown number creates the shipment when it names exactly one known order
  (AfterShip order_number/order_id, 17TRACK tag); otherwise it is kept as unmatched and processed
  again when an agent adds that number.
- A customs hold ends at the release scan or at the first later scan that is not a customs one.
- The sender's own summary status counts as an event when it says something the scans do not
  (e.g. AfterShip marking a parcel Expired or Lost without a checkpoint).
- At most one automatic coupon per order.

Customer data and carriers
- Nothing is sent to carriers or aggregators by this app: registering a number with the
  aggregator (tracking number, carrier, destination country, order reference: all that delivery
  needs) is the store platform's job. Should this app ever do it, it sends those four and no
  email, phone or name.
- The aggregators send the customer's name, email and phone; they are never copied into this
  app's tables. The raw body is kept for investigation only, hidden in the admin, and deleted
  LOGISTICS_WEBHOOK_RETENTION_DAYS (default 30) after processing.
"""
