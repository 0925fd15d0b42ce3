"""Schema version 9: the case list's orders read from indexes, a page at a time.

The list took every case's id in the asked order before showing its first 100 rows: at
100,000 cases a sort by name, age or group computed and sorted 100,000 values (0.2-0.6 s).
With these indexes each order the list offers is a walk along an index (app/storage/list_repo):

- `cases_name`: by name;
- `cases_born`: by age, through the date of birth (or, when only the age at intake is known,
  the opening date less that many years, which gives the same whole years at any date) —
  a later birth date is a younger person, whatever today is;
- `cases_sex_born`: by group, which is sex and whether that birth date is less than 18
  years before today: a few ranges of this index.

The expression must stay word for word `list_repo.BIRTH_SQL` (without the table's alias),
or SQLite will not see that the index holds it.
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

BIRTH = "coalesce(date_of_birth, date(opened_on, '-' || age_at_intake || ' years'))"

SQL = f"""
CREATE INDEX cases_name ON cases(full_name);
CREATE INDEX cases_born ON cases({BIRTH});
CREATE INDEX cases_sex_born ON cases(sex, {BIRTH});
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
