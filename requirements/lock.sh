#!/usr/bin/env bash
# The one command that moves the lock. Every Python package the product and its tests install, transitive
# ones and the build backend included, is pinned with its hashes in run.lock (the product) and test.lock
# (the product plus the test tools, at the same versions); setup.sh installs only from them.
#
#   bash requirements/lock.sh                         re-resolve after editing pyproject.toml; keeps every pin it can
#   bash requirements/lock.sh --upgrade               move everything to the newest releases
#   bash requirements/lock.sh --upgrade-package NAME  move one package (and what it needs)
#
# Then run `bash setup.sh test`: upgrading the lock is a change like any other and lands only when green.
set -euo pipefail
cd "$(dirname "$0")/.."
uv_version=0.13.9
tools=.venv-lock
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$uv_version" ]; then
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install -q "uv==$uv_version"
fi
# --universal: one lock for every platform and Python >= 3.11 the project supports (x86_64 and aarch64 halls).
common=(--universal --python-version 3.11 --generate-hashes --quiet
        --custom-compile-command "bash requirements/lock.sh")
"$tools/bin/uv" pip compile pyproject.toml requirements/build.in "${common[@]}" "$@" -o requirements/run.lock
"$tools/bin/uv" pip compile pyproject.toml requirements/build.in --extra test -c requirements/run.lock \
  "${common[@]}" "$@" -o requirements/test.lock
echo "requirements/run.lock: $(grep -c '^[a-z]' requirements/run.lock) packages;" \
     "requirements/test.lock: $(grep -c '^[a-z]' requirements/test.lock) packages"
