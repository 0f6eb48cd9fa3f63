"""The casting function on PostgreSQL: one round trip marks the credential and roll, seals the box.

Its statements are those `casting._store` runs on SQLite, in one PL/pgSQL function so that a cast
costs one call, plus a shared advisory lock and a check that the count has not started (see the
function's comments). Other databases get nothing here.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CREATE = """
CREATE OR REPLACE FUNCTION hustings_cast(
    p_credential bigint, p_voter bigint, p_channel text, p_tracker text,
    p_election bigint, p_key_id text, p_box bytea
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    already text;
    spent boolean;
BEGIN
    -- Shared with every other cast of the election; the count's start takes it exclusively before
    -- it opens the ballot box, so a cast either commits before the box is opened or, waiting
    -- here, finds the count started and stores nothing.
    PERFORM pg_advisory_xact_lock_shared(%(lock_space)s, p_election::integer);
    IF EXISTS (SELECT 1 FROM results_count WHERE election_id = p_election) THEN
        RETURN 3;
    END IF;
    -- The roll entry's row lock is the guard, taken before the credential's as reissuing a code
    -- takes them: concurrent casts for the member wait here, then re-read both.
    SELECT voted INTO already FROM ballots_voter WHERE id = p_voter FOR UPDATE;
    SELECT used OR revoked_at IS NOT NULL INTO spent
        FROM ballots_credential WHERE id = p_credential AND voter_id = p_voter FOR UPDATE;
    IF already IS NULL OR spent IS NULL OR spent THEN
        RETURN 1;
    END IF;
    IF already <> '' THEN
        RETURN 2;
    END IF;
    UPDATE ballots_voter SET voted = p_channel WHERE id = p_voter;
    UPDATE ballots_credential SET used = true, tracker = p_tracker WHERE id = p_credential;
    INSERT INTO ballots_sealedballot (election_id, key_id, box) VALUES (p_election, p_key_id, p_box);
    RETURN 0;
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS hustings_cast(bigint, bigint, text, text, bigint, text, bytea);"


# The first key of the advisory lock: "HuSt", the ballot box's lock space (casting.BOX_LOCK_SPACE).
LOCK_SPACE = 0x48755374


def create(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE % {"lock_space": LOCK_SPACE})


def drop(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ballots", "0002_sealed_ballots"), ("results", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
