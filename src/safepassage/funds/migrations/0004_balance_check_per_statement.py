"""On PostgreSQL, check that ledger transactions balance once per statement, not per entry.

0002's constraint trigger ran at commit once for every entry row, each time summing that
entry's ledger transaction: an import of a million gifts paid three million sums at its
commit. The guarantee stays the same (no commit leaves a transaction whose entries do not
sum to zero); the work now follows what can break it.

Entries are only ever added (0002 refuses UPDATE and DELETE), so a transaction's total is
the sum, over the statements that wrote its entries, of what each statement added. A
statement-level trigger therefore sums each statement's new entries per transaction (one
pass over its transition table) and notes only the transactions whose share is not zero
in ``funds_balance_pending``. A deferred constraint trigger on that table then checks each
noted transaction's full total at commit, refuses the commit if it is not zero, and
removes the note. A posting written in one statement (``ledger.post``, every import)
notes nothing; one written over several statements is checked at commit, as before.
Updates and deletes, were they ever let through, are counted the same way (new rows
less old rows).

SQLite is unchanged: there the posting service checks, and the test suite checks every
transaction's balance.
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS funds_entries_balance ON {entry};
DROP FUNCTION IF EXISTS funds_entries_balance();

CREATE TABLE funds_balance_pending (transaction_id uuid NOT NULL);
COMMENT ON TABLE funds_balance_pending IS
    'ledger transactions to check at commit; always empty outside a transaction';

CREATE FUNCTION funds_entries_noted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO funds_balance_pending (transaction_id)
            SELECT transaction_id FROM funds_new_entries
            GROUP BY transaction_id HAVING SUM(amount_minor) <> 0;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO funds_balance_pending (transaction_id)
            SELECT transaction_id FROM (
                SELECT transaction_id, amount_minor FROM funds_new_entries
                UNION ALL
                SELECT transaction_id, -amount_minor FROM funds_old_entries
            ) AS changed
            GROUP BY transaction_id HAVING SUM(amount_minor) <> 0;
    ELSE
        INSERT INTO funds_balance_pending (transaction_id)
            SELECT transaction_id FROM funds_old_entries
            GROUP BY transaction_id HAVING SUM(amount_minor) <> 0;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER funds_entries_noted_insert
    AFTER INSERT ON {entry} REFERENCING NEW TABLE AS funds_new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION funds_entries_noted();
CREATE TRIGGER funds_entries_noted_update
    AFTER UPDATE ON {entry}
    REFERENCING OLD TABLE AS funds_old_entries NEW TABLE AS funds_new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION funds_entries_noted();
CREATE TRIGGER funds_entries_noted_delete
    AFTER DELETE ON {entry} REFERENCING OLD TABLE AS funds_old_entries
    FOR EACH STATEMENT EXECUTE FUNCTION funds_entries_noted();

CREATE FUNCTION funds_entries_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_minor), 0) INTO total FROM {entry}
        WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (%)', NEW.transaction_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    DELETE FROM funds_balance_pending WHERE transaction_id = NEW.transaction_id;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER funds_entries_balance
    AFTER INSERT ON funds_balance_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_entries_balance();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS funds_entries_balance ON funds_balance_pending;
DROP FUNCTION IF EXISTS funds_entries_balance();
DROP TRIGGER IF EXISTS funds_entries_noted_insert ON {entry};
DROP TRIGGER IF EXISTS funds_entries_noted_update ON {entry};
DROP TRIGGER IF EXISTS funds_entries_noted_delete ON {entry};
DROP FUNCTION IF EXISTS funds_entries_noted();
DROP TABLE IF EXISTS funds_balance_pending;

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
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        entry = schema_editor.quote_name(apps.get_model("funds", "Entry")._meta.db_table)
        schema_editor.execute(sql.format(entry=entry), params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("funds", "0003_receipt_lines")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
