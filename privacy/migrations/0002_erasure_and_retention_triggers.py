"""The database refuses changes to decided compensation requests and to the audit trail. Two
exceptions, each for one transaction that sets its flag (privacy/services/scrub.py):

- an erasure may empty a decided request's free text, and nothing else: its amounts, currency,
  rate, state and dates must stay as they are, or the update is refused as before;
- the retention sweep may delete audit rows (older than their policy; the code chooses which).

PostgreSQL only: on SQLite (the quick start) the triggers of policies are left as they are.
"""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION privacy_request_final() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('privacy.erasing', true) = 'on'
       AND (NEW.state, NEW.kind, NEW.reason, NEW.currency, NEW.amount, NEW.amount_usd, NEW.rate, NEW.rate_date,
            NEW.customer_id, NEW.ticket_id, NEW.order_id, NEW.requested_by_id, NEW.created_at,
            NEW.decided_by_id, NEW.decided_at, NEW.coupon_percent, NEW.is_exchange)
           IS NOT DISTINCT FROM
           (OLD.state, OLD.kind, OLD.reason, OLD.currency, OLD.amount, OLD.amount_usd, OLD.rate, OLD.rate_date,
            OLD.customer_id, OLD.ticket_id, OLD.order_id, OLD.requested_by_id, OLD.created_at,
            OLD.decided_by_id, OLD.decided_at, OLD.coupon_percent, OLD.is_exchange)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'policies: % rows are final and cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS policies_request_decided_final ON policies_compensationrequest;
CREATE TRIGGER policies_request_decided_final BEFORE UPDATE OR DELETE ON policies_compensationrequest
    FOR EACH ROW WHEN (OLD.state <> 'pending') EXECUTE FUNCTION privacy_request_final();

CREATE OR REPLACE FUNCTION helpdesk_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('privacy.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
"""

DOWN = """
DROP TRIGGER IF EXISTS policies_request_decided_final ON policies_compensationrequest;
CREATE TRIGGER policies_request_decided_final BEFORE UPDATE OR DELETE ON policies_compensationrequest
    FOR EACH ROW WHEN (OLD.state <> 'pending') EXECUTE FUNCTION policies_refuse_change();
DROP FUNCTION IF EXISTS privacy_request_final();
CREATE OR REPLACE FUNCTION helpdesk_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql;
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_customer_data"),
        ("policies", "0003_final_records_trigger"),
        ("helpdesk", "0003_audit_entry"),
    ]

    operations = [migrations.RunPython(up, down)]
