#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root for the system packages):
#   bash setup.sh run    install what the product needs, then run the hall back office (SQLite, simulated devices)
#   bash setup.sh test   install the same plus test tools (PostgreSQL, avahi, Xvfb …), then run the whole test suite
# Both are idempotent: what is already installed is left alone.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  run|test) ;;
  *) echo "usage: bash setup.sh run|test" >&2; exit 2 ;;
esac
shift || true

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# What the product itself needs on the machine: a venv-capable Python, a Chinese font, speech, and the
# libraries the Qt wheels load (offscreen and xcb). See the README for why each is here.
product_pkgs=(
  python3-venv
  fonts-wqy-microhei fonts-noto-cjk
  espeak-ng libespeak-ng1 alsa-utils
  libgl1 libegl1 libfontconfig1 libfreetype6 libxkbcommon0 libglib2.0-0 libdbus-1-3
  libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libpulse0 libpipewire-0.3-0
)
# What the tests add: a PostgreSQL server they start themselves, a stock mDNS browser (avahi) with its
# D-Bus, network namespaces, a virtual screen, and tools to inspect sound and serial lines.
test_pkgs=(
  postgresql
  avahi-daemon avahi-utils dbus iproute2
  xvfb xauth sox socat
)

pkgs=("${product_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # policy-rc.d 101: the packages must not start their own daemons here (tests start private ones).
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
else
  say "Debian packages: all ${#pkgs[@]} present"
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "setup.sh: Python 3.11 or newer is needed (found: $("$python" --version 2>&1))" >&2
  exit 1
fi
# A venv whose interpreter no longer runs (the system Python was upgraded or removed) is made again.
if ! .venv/bin/python -c '' 2>/dev/null; then
  say "creating the virtualenv .venv"
  "$python" -m venv --clear .venv
fi
# Every Python package comes from the lock, with its hash: nothing floats (requirements/lock.sh moves it).
lock="requirements/run.lock"
[ "$mode" = test ] && lock="requirements/test.lock"
stamp=.venv/.installed
# What an install was made from: the lock, the project's definition and this checkout's path.
state_of() { printf '%s %s %s\n' "$(basename "$1")" "$(cat "$1" pyproject.toml setup.py | sha256sum | cut -d' ' -f1)" "$here"; }
# The venv is current when it was installed from exactly this state and its editable install still finds
# the project and its data files here. A venv from before the lock, copied from another checkout, or made
# before a package was added fails one of these and is brought back to the lock.
venv_current() {
  [ -f "$stamp" ] || return 1
  local recorded; recorded="$(cat "$stamp")"
  # A venv installed for the tests also serves `run`: test.lock pins the product at run.lock's versions.
  [ "$recorded" = "$(state_of "$lock")" ] ||
    { [ "$mode" = run ] && [ "$recorded" = "$(state_of requirements/test.lock)" ]; } || return 1
  (cd / && "$here/.venv/bin/python" -c '
import sys
from pathlib import Path
import kiosk.resources as r
here = Path(sys.argv[1]).resolve()
assert all(Path(p).resolve().is_relative_to(here) for p in (r.__file__, r.CATALOGUE_PATH, r.LOCALES_DIR))
' "$here") >/dev/null 2>&1
}
pip() { .venv/bin/python -m pip -q --disable-pip-version-check "$@"; }
if venv_current; then
  say "project already installed in .venv (from $(cut -d' ' -f1 "$stamp"))"
else
  rm -f "$stamp" .venv/.installed-*
  # Packages the lock does not name (left by an install from before the lock) go first; they may have
  # overwritten files of locked ones (opencv-python-headless and opencv-python share cv2/), so the locked
  # packages are then reinstalled rather than trusted.
  extras="$(.venv/bin/python - "$lock" <<'PY'
import re
import sys
from importlib.metadata import distributions

def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

with open(sys.argv[1], encoding="utf-8") as f:
    locked = {norm(m[1]) for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", f.read(), re.M)}
installed = {norm(d.metadata["Name"]) for d in distributions()}
print(" ".join(sorted(installed - locked - {"pip", "community-hall"})))
PY
)"
  reinstall=()
  if [ -n "$extras" ]; then
    say "removing packages the lock does not name: $extras"
    # shellcheck disable=SC2086 # one word per package
    pip uninstall -y $extras
    reinstall=(--force-reinstall)
  fi
  say "installing the locked dependencies into .venv ($lock)"
  pip install "${reinstall[@]}" --require-hashes -r "$lock"
  say "installing the project into .venv (editable, no dependency resolution)"
  pip install --no-deps --no-build-isolation -e .
  state_of "$lock" > "$stamp"
  if ! venv_current; then
    echo "setup.sh: .venv was installed but does not import the project from $here" >&2
    exit 1
  fi
fi

if [ "$mode" = run ]; then
  data="${HALL_DATA:-$here/var/hall}"
  mkdir -p "$data"
  say "starting the simulated devices (ID-card reader, printer, QR scanner, LED display, camera)"
  .venv/bin/kiosk simulate --data "$data" --report http://127.0.0.1:8750 --token-file "$data/admin-token" &
  sim=$!
  trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null' EXIT INT TERM
  say "running the hall back office on http://127.0.0.1:8750 (data: $data; Ctrl-C stops it)"
  .venv/bin/kiosk serve --data "$data" "$@"
  exit $?
fi

say "ruff check"
.venv/bin/ruff check .
say "pytest (SQLite and PostgreSQL, real servers on loopback)"
export HALL_REQUIRE_PG=1 HALL_REQUIRE_AVAHI=1
set +e
.venv/bin/pytest "$@"
rc=$?
set -e
# pytest's 5 means no test ran: that is a failure of this command, never a pass.
exit "$rc"
