"""The chart of accounts, and on PostgreSQL a check at commit that every transaction balances.

The constraint trigger is deferred: it runs when the transaction that wrote the entries
commits, sums that ledger transaction's entries and refuses the commit unless they are zero.
SQLite has no deferred triggers; there the posting service checks, and the test suite
checks every transaction's balance.
"""

from django.db import migrations

CHART = [
    ("1000", "Bank and cash", "asset"),
    ("1100", "Giving platform balance", "asset"),
    ("4000", "Donations", "income"),
    ("5000", "Payment fees", "expense"),
    ("6100", "Rescue operations", "expense"),
    ("6200", "Relief aid", "expense"),
    ("6300", "Resettlement", "expense"),
    ("6400", "Advocacy", "expense"),
    ("6500", "Fundraising", "expense"),
    ("6600", "Administration", "expense"),
]

FORWARD = """
CREATE FUNCTION funds_entries_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_minor), 0) INTO total FROM {entry}
        WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (%)', NEW.transaction_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER funds_entries_balance
    AFTER INSERT OR UPDATE ON {entry}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_entries_balance();

CREATE FUNCTION funds_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed: post a reversal'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER funds_entries_append_only
    BEFORE UPDATE OR DELETE ON {entry}
    FOR EACH ROW EXECUTE FUNCTION funds_entries_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS funds_entries_append_only ON {entry};
DROP FUNCTION IF EXISTS funds_entries_append_only();
DROP TRIGGER IF EXISTS funds_entries_balance ON {entry};
DROP FUNCTION IF EXISTS funds_entries_balance();
"""


def _run(sql, apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entry = schema_editor.quote_name(apps.get_model("funds", "Entry")._meta.db_table)
    schema_editor.execute(sql.format(entry=entry), params=None)


def forward(apps, schema_editor):
    Account = apps.get_model("funds", "Account")
    for code, name, kind in CHART:
        Account.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})
    _run(FORWARD, apps, schema_editor)


def backward(apps, schema_editor):
    _run(BACKWARD, apps, schema_editor)
    apps.get_model("funds", "Account").objects.filter(code__in=[c for c, _n, _k in CHART]).delete()


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
