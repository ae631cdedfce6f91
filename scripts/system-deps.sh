#!/usr/bin/env bash
# Make sure the Debian packages Stepwise needs are present.
#   scripts/system-deps.sh run    - what `make run` needs (compile psycopg2, render PDFs)
#   scripts/system-deps.sh test   - plus Chromium for the browser tests
# As root, missing packages are installed with apt-get; otherwise the exact command is printed
# and the script fails.
set -euo pipefail
what=${1:-run}
pkgs=(gcc python3-dev python3-venv libpq-dev libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "$what" = "test" ]; then
  pkgs+=(chromium)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ]; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages. Run this, then try again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
