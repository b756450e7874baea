#!/usr/bin/env bash
# The monthly import: every file in INCOMING into the store ($SWP_DB_PATH), then moved to
# ARCHIVE/YYYY-MM-DD/ so next month's run does not load it again (loading it again would be
# harmless: imports replace records by key, never double them, but it costs time).
#
#   deploy/monthly-import.sh INCOMING ARCHIVE
#
# The import is atomic: all files or none. On failure nothing moves, the store is as it was,
# the error (file, line, column, value) is printed, and the exit status is non-zero, so
# systemd marks swp-import.service failed (or cron mails the output).
set -euo pipefail
cd "$(dirname "$0")/.."
incoming=${1:?usage: monthly-import.sh INCOMING ARCHIVE}
archive=${2:?usage: monthly-import.sh INCOMING ARCHIVE}
python="${SWP_PYTHON:-/srv/swp/venv/bin/python}"
[ -x "$python" ] || python=python3

shopt -s nullglob
files=("$incoming"/*)
if [ ${#files[@]} -eq 0 ]; then
    echo "nothing to import in $incoming"
    exit 0
fi
echo "importing ${#files[@]} file(s) from $incoming into ${SWP_DB_PATH:-the default store}"
"$python" -m swp_data import --quiet "${files[@]}"
done_dir="$archive/$(date +%Y-%m-%d)"
mkdir -p "$done_dir"
mv -- "${files[@]}" "$done_dir/"
echo "archived to $done_dir"
"$python" -m swp_data info
# Each process moves to the new snapshot at its next session; one visit to every page builds its
# figures before a visitor asks (a failure here leaves the import done: it is only slower).
deploy/warm.sh || echo "some processes could not be warmed: their first visitors wait for the new snapshot's reads"
