"""Tally of the bad-input suite: how many bad files were tried, refused precisely, left the store alone.

Usage: python3 -m benchmarks.bad_inputs [extra pytest arguments]

Runs the bad-input tests (``tests/test_import_errors.py``, ``tests/test_import_police.py``,
``tests/test_import_strict.py``). Each bad file goes through ``support.assert_import_fails``
or ``support.assert_store_file_refuses``, which record what became of it before asserting:
refused precisely (an ImportFailure naming the expected file, line or record or cell, column,
value and problem), store unchanged (the store file byte for byte, or every table row for
row for an in-memory store), wrongly accepted (the import went through), or crashed (an
exception other than ImportFailure). Exits with pytest's status.
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

FILES = ("tests/test_import_errors.py", "tests/test_import_police.py", "tests/test_import_strict.py")


def main() -> int:
    """Run the bad-input tests; print the tally."""
    # One process: the tally is kept in this process (pytest-xdist workers would each keep their own).
    code = int(pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:xdist", *FILES, *sys.argv[1:]]))
    import support  # imported by the test run (tests/ is on pytest's python path)

    rows = support.BAD_INPUT_TALLY
    tally = Counter()
    for row in rows:
        tally["tried"] += 1
        tally["refused precisely"] += bool(row["precise"])
        tally["store unchanged"] += bool(row["unchanged"])
        tally["wrongly accepted"] += bool(row["accepted"])
        tally["crashed"] += bool(row["crashed"])
    print()
    print(
        f"bad inputs: tried {tally['tried']} / refused precisely {tally['refused precisely']} / "
        f"store unchanged {tally['store unchanged']} / wrongly accepted {tally['wrongly accepted']} / "
        f"crashed {tally['crashed']}"
    )
    for row in rows:
        if row["accepted"] or row["crashed"] or not row["precise"] or not row["unchanged"]:
            print(f"  not right: {row['case']}: {row}")
    return code


if __name__ == "__main__":
    sys.exit(main())
