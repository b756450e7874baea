#!/usr/bin/env bash
# Health of every dashboard process, and of the site through nginx.
#
#   deploy/healthcheck.sh [--deep] [PORT ...]     (default ports: $SWP_PORTS, else 8501 8502)
#
# Each process: GET http://127.0.0.1:PORT/_stcore/health (Streamlit answers "ok" once its
# server runs). With --deep, also a real session on each process (python -m benchmarks.load
# --probe: the Overview and a priority page drawn with their figures, so the store is readable
# and the script runs). Then the same health URL through nginx ($SWP_FRONT, default
# http://127.0.0.1), which checks that nginx is up and reaches a process. Prints one line per
# check; exits 1 if any failed (use it from cron or a monitoring agent:
# `*/5 * * * * swp /srv/swp/dashboard/deploy/healthcheck.sh || systemctl restart ...`).
set -uo pipefail
cd "$(dirname "$0")/.."

deep=0
if [ "${1:-}" = "--deep" ]; then deep=1; shift; fi
ports=("$@")
if [ ${#ports[@]} -eq 0 ]; then read -r -a ports <<<"${SWP_PORTS:-8501 8502}"; fi
front="${SWP_FRONT:-http://127.0.0.1}"
python="${SWP_PYTHON:-/srv/swp/venv/bin/python}"
[ -x "$python" ] || python=python3
failed=0

check() {  # name url
    local answer
    answer=$(curl -fsS --max-time 5 "$2" 2>&1)
    if [ "$answer" = "ok" ]; then
        echo "ok    $1 ($2)"
    else
        echo "FAIL  $1 ($2): ${answer:-no answer}"
        failed=1
    fi
}

for port in "${ports[@]}"; do
    check "process on port $port" "http://127.0.0.1:$port/_stcore/health"
    if [ $deep -eq 1 ]; then
        if PYTHONPATH=. "$python" -m benchmarks.load --probe "http://127.0.0.1:$port" --timeout 60 >/tmp/swp-probe.$$ 2>&1; then
            echo "ok    session on port $port: $(tail -1 /tmp/swp-probe.$$)"
        else
            echo "FAIL  session on port $port: $(tail -1 /tmp/swp-probe.$$)"
            failed=1
        fi
        rm -f /tmp/swp-probe.$$
    fi
done
check "nginx" "$front/_stcore/health"
exit $failed
