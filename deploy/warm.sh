#!/usr/bin/env bash
# Warm dashboard processes: wait for each to answer, then visit every page once (the city, the
# latest quarter), so the first visitor after a start or an import does not wait for the
# imports, the store's first reads and the default figures (every session of a process shares
# them). Run by swp-dashboard@.service after a start and by monthly-import.sh after an import.
#
#   deploy/warm.sh [PORT ...]     (default ports: $SWP_PORTS, else 8501 8502)
#
# Prints one line per process; exits 1 if any could not be warmed (it still serves: its first
# visitor pays what the visit would have).
set -uo pipefail
cd "$(dirname "$0")/.."

ports=("$@")
if [ ${#ports[@]} -eq 0 ]; then read -r -a ports <<<"${SWP_PORTS:-8501 8502}"; fi
python="${SWP_PYTHON:-/srv/swp/venv/bin/python}"
[ -x "$python" ] || python=python3
wait_seconds="${SWP_WARM_WAIT:-60}"
failed=0

for port in "${ports[@]}"; do
    url="http://127.0.0.1:$port"
    answered=0
    for _ in $(seq "$wait_seconds"); do
        if [ "$(curl -fsS --max-time 2 "$url/_stcore/health" 2>/dev/null)" = "ok" ]; then answered=1; break; fi
        sleep 1
    done
    if [ $answered -eq 0 ]; then
        echo "FAIL  $url did not answer its health check within ${wait_seconds} s"
        failed=1
        continue
    fi
    PYTHONPATH=. "$python" -m benchmarks.load --warm "$url" --timeout 60 || failed=1
done
exit $failed
