from django.db import migrations

# Decisions and grants are append-only; a request is frozen once decided. The ORM refuses too,
# but this holds for raw SQL, the admin and any future code path. TRUNCATE (test flushes) is
# not a row trigger and stays possible.
POSTGRES_UP = """
CREATE OR REPLACE FUNCTION policies_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'policies: % rows are final and cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policies_decisionlog_final BEFORE UPDATE OR DELETE ON policies_decisionlog
    FOR EACH ROW EXECUTE FUNCTION policies_refuse_change();
CREATE TRIGGER policies_grant_final BEFORE UPDATE OR DELETE ON policies_compensationgrant
    FOR EACH ROW EXECUTE FUNCTION policies_refuse_change();
CREATE TRIGGER policies_request_decided_final BEFORE UPDATE OR DELETE ON policies_compensationrequest
    FOR EACH ROW WHEN (OLD.state <> 'pending') EXECUTE FUNCTION policies_refuse_change();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS policies_request_decided_final ON policies_compensationrequest;
DROP TRIGGER IF EXISTS policies_grant_final ON policies_compensationgrant;
DROP TRIGGER IF EXISTS policies_decisionlog_final ON policies_decisionlog;
DROP FUNCTION IF EXISTS policies_refuse_change();
"""

SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS policies_decisionlog_no_update BEFORE UPDATE ON policies_decisionlog "
    "BEGIN SELECT RAISE(ABORT, 'policies: decisions are final'); END",
    "CREATE TRIGGER IF NOT EXISTS policies_decisionlog_no_delete BEFORE DELETE ON policies_decisionlog "
    "BEGIN SELECT RAISE(ABORT, 'policies: decisions are final'); END",
    "CREATE TRIGGER IF NOT EXISTS policies_grant_no_update BEFORE UPDATE ON policies_compensationgrant "
    "BEGIN SELECT RAISE(ABORT, 'policies: grants are final'); END",
    "CREATE TRIGGER IF NOT EXISTS policies_grant_no_delete BEFORE DELETE ON policies_compensationgrant "
    "BEGIN SELECT RAISE(ABORT, 'policies: grants are final'); END",
    "CREATE TRIGGER IF NOT EXISTS policies_request_no_update BEFORE UPDATE ON policies_compensationrequest "
    "WHEN OLD.state <> 'pending' BEGIN SELECT RAISE(ABORT, 'policies: decided requests are final'); END",
    "CREATE TRIGGER IF NOT EXISTS policies_request_no_delete BEFORE DELETE ON policies_compensationrequest "
    "WHEN OLD.state <> 'pending' BEGIN SELECT RAISE(ABORT, 'policies: decided requests are final'); END",
]

SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "policies_decisionlog_no_update", "policies_decisionlog_no_delete", "policies_grant_no_update",
        "policies_grant_no_delete", "policies_request_no_update", "policies_request_no_delete",
    )
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_seed_tiers")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
