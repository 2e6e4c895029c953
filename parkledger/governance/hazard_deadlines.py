"""The park of every hazard with a deadline (`governance_hazard_deadline`), kept by the database.

`safety.hazards_overdue` counts the park's hazards with `deadline` < D not rectified by D, over every
year. A hazard reaches its park through its inspection and the inspection's enterprise, so without
this table the count probes every inspection the park ever had (~15 000 at city size) for its
hazards: a cost that grows with the park's history, and at province scale the planner's other
choice, the `deadline` index, reads the hazards of every park. This table holds, for each hazard
with a deadline (only those can be overdue), its park, deadline and rectification date, read
through an index led by the park: the count reads the park's own rows only.

The rows are derived data, written by database triggers (PostgreSQL and SQLite) on every write of
a hazard, an inspection or an enterprise, whatever the path: forms, API, imports (COPY included),
`bulk_create`, `QuerySet.update`, deletes, a move of an enterprise to another park, a flush or
restore. No application code writes them; backups leave them out (the model is unmanaged) and a
restore rebuilds them through the triggers.

A migration that remakes one of the three tables on SQLite (how Django alters a column there)
drops the table's triggers: `ensure` (run after every `migrate`) puts back any missing trigger and
then rebuilds the table's rows from the ledgers.
"""
from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["TABLE", "TRIGGERS", "install", "uninstall", "ensure", "rebuild", "missing_triggers"]

TABLE = "governance_hazard_deadline"
INDEX = "gov_hzdl_park_deadline"
_COLUMNS = "hazard_id, park_id, deadline, rectified_on"

# The rows of the hazards (with a deadline) selected by a condition over h (hazard), i
# (inspection) and e (enterprise), with the park of the inspection's enterprise.
_SELECT = (
    "SELECT h.id, e.park_id, h.deadline, h.rectified_on FROM governance_hazard h "
    "JOIN governance_inspection i ON i.code = h.inspection_id "
    "JOIN core_enterprise e ON e.uscc = i.uscc_id "
    "WHERE h.deadline IS NOT NULL AND {where}"
)

# trigger name → (table, event, the rows to (re)write for the row NEW, the columns whose change
# matters to an update: a save that leaves them as they were fires nothing)
_REFRESH = {
    "gov_hzdl_hazard_ins": ("governance_hazard", "INSERT", "h.id = NEW.id", ()),
    "gov_hzdl_hazard_upd": ("governance_hazard", "UPDATE", "h.id = NEW.id",
                            ("id", "inspection_id", "deadline", "rectified_on")),
    "gov_hzdl_insp_ins": ("governance_inspection", "INSERT", "i.code = NEW.code", ()),
    "gov_hzdl_insp_upd": ("governance_inspection", "UPDATE", "i.code = NEW.code", ("code", "uscc_id")),
    "gov_hzdl_ent_ins": ("core_enterprise", "INSERT", "e.uscc = NEW.uscc", ()),
    "gov_hzdl_ent_upd": ("core_enterprise", "UPDATE", "e.uscc = NEW.uscc", ("uscc", "park_id")),
}
_HAZARD_INSERT, _HAZARD_UPDATE = "gov_hzdl_hazard_ins", "gov_hzdl_hazard_upd"
_DELETE = "gov_hzdl_hazard_del"  # a hazard deleted, or updated (its old row goes first)
_TRUNCATE = "gov_hzdl_hazard_trunc"  # PostgreSQL only: TRUNCATE fires no row trigger
TRIGGERS = (*_REFRESH, _DELETE)


def _upsert(where: str) -> str:
    # an upsert, not SQLite's INSERT OR REPLACE: a trigger's own conflict policy gives way to the
    # statement's that fired it (the importer's upsert), which would fail on a row already there
    return (f"INSERT INTO {TABLE} ({_COLUMNS}) {_SELECT.format(where=where)} ON CONFLICT (hazard_id) DO UPDATE SET "
            "park_id = excluded.park_id, deadline = excluded.deadline, rectified_on = excluded.rectified_on")


def _when(name: str, changed: tuple[str, ...], distinct: str) -> str:
    """The trigger's condition: for an update, one of the columns that matter changed; for a new
    hazard, a deadline (a hazard without one has no row)."""
    if changed:
        return " OR ".join(f"OLD.{col} {distinct} NEW.{col}" for col in changed)
    return "NEW.deadline IS NOT NULL" if name == _HAZARD_INSERT else ""


def _postgresql_statements() -> list[str]:
    out = []
    for name, (table, event, where, changed) in _REFRESH.items():
        # an updated hazard loses its old row first (its deadline may have been cleared)
        before = f"DELETE FROM {TABLE} WHERE hazard_id = OLD.id;" if name == _HAZARD_UPDATE else ""
        when = _when(name, changed, "IS DISTINCT FROM")
        out.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{before} {_upsert(where)}; RETURN NULL; END $$"
        )
        out.append(f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                   f"{f'WHEN ({when}) ' if when else ''}EXECUTE FUNCTION {name}()")
    out.append(
        f"CREATE OR REPLACE FUNCTION {_DELETE}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"DELETE FROM {TABLE} WHERE hazard_id = OLD.id; RETURN NULL; END $$"
    )
    out.append(f"CREATE OR REPLACE TRIGGER {_DELETE} AFTER DELETE ON governance_hazard "
               f"FOR EACH ROW EXECUTE FUNCTION {_DELETE}()")
    out.append(
        f"CREATE OR REPLACE FUNCTION {_TRUNCATE}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"TRUNCATE {TABLE}; RETURN NULL; END $$"
    )
    out.append(f"CREATE OR REPLACE TRIGGER {_TRUNCATE} AFTER TRUNCATE ON governance_hazard "
               f"FOR EACH STATEMENT EXECUTE FUNCTION {_TRUNCATE}()")
    return out


def _sqlite_statements() -> list[str]:
    out = []
    for name, (table, event, where, changed) in _REFRESH.items():
        before = f"DELETE FROM {TABLE} WHERE hazard_id = OLD.id; " if name == _HAZARD_UPDATE else ""
        when = _when(name, changed, "IS NOT")
        out.append(f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} FOR EACH ROW "
                   f"{f'WHEN {when} ' if when else ''}BEGIN {before}{_upsert(where)}; END")
    out.append(f"CREATE TRIGGER IF NOT EXISTS {_DELETE} AFTER DELETE ON governance_hazard FOR EACH ROW BEGIN "
               f"DELETE FROM {TABLE} WHERE hazard_id = OLD.id; END")
    return out


def _create_table(connection: BaseDatabaseWrapper) -> list[str]:
    hazard_id = "integer" if connection.vendor == "sqlite" else "bigint"
    return [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (hazard_id {hazard_id} NOT NULL PRIMARY KEY, "
        "park_id varchar(64) NOT NULL, deadline date NOT NULL, rectified_on date NULL)",
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (park_id, deadline, rectified_on)",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the table, its index and the triggers, and fill it from the ledgers."""
    triggers = _sqlite_statements() if connection.vendor == "sqlite" else _postgresql_statements()
    with connection.cursor() as cur:
        for sql in (*_create_table(connection), *triggers):
            cur.execute(sql)
    rebuild(connection)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (and their functions) and the table."""
    with connection.cursor() as cur:
        for name, (table, *_rest) in (*_REFRESH.items(), (_DELETE, ("governance_hazard",))):
            cur.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if connection.vendor == "sqlite" else f" ON {table}"))
        if connection.vendor != "sqlite":
            cur.execute(f"DROP TRIGGER IF EXISTS {_TRUNCATE} ON governance_hazard")
            for name in (*TRIGGERS, _TRUNCATE):
                cur.execute(f"DROP FUNCTION IF EXISTS {name}()")
        cur.execute(f"DROP TABLE IF EXISTS {TABLE}")


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Rewrite every row of the table from the ledgers."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(f"INSERT INTO {TABLE} ({_COLUMNS}) " + _SELECT.format(where="1 = 1"))


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """The triggers of the table that the database does not have."""
    wanted = list(TRIGGERS) if connection.vendor == "sqlite" else [*TRIGGERS, _TRUNCATE]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        present = {row[0] for row in cur.fetchall()}
    return [name for name in wanted if name not in present]


def ensure(connection: BaseDatabaseWrapper) -> bool:
    """Put back missing triggers and then rebuild the rows (after a migration remade a table on
    SQLite); nothing when the table does not exist (its migration not applied). True if repaired."""
    if TABLE not in connection.introspection.table_names():
        return False
    if not missing_triggers(connection):
        return False
    install(connection)
    return True
