#!/usr/bin/env bash
# What CI runs for packaging: build the .deb (fast compression), validate it, run it unpacked.
#
#   bash packaging/ci.sh
#
# As root on Debian/Ubuntu it first apt-installs packaging/deb-build-packages.txt: the tools
# (dpkg-dev, binutils, desktop-file-utils, appstream) and the system libraries the bundle
# links to (the .deb's Depends: build_deb.sh derives Depends from them, and the unpacked app
# runs on them).
# Run it before the test suite: tests/test_packaging.py then installs the same .deb instead of
# building it again. About 1.5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$(date +%s.%N)

step_start=
step() { step_start=$(date +%s.%N); printf '\n== packaging: %s\n' "$*"; }
done_step() {
  awk -v a="$step_start" -v b="$(date +%s.%N)" -v what="$1" \
    'BEGIN { printf "-- packaging: %s: %.1f s\n", what, b - a }'
}
fail() { printf 'packaging: FAILED: %s\n' "$*" >&2; exit 1; }

# The tools, and the libraries in the .deb's Depends: one list, shared with the tests.
mapfile -t PACKAGES < <(sed -e 's/#.*//' packaging/deb-build-packages.txt | tr -s ' \t' '\n' | grep -v '^$')

step "system packages"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "all present"
  fi
else
  echo "not root or no apt-get: assuming packaging/deb-build-packages.txt is installed"
fi
done_step "system packages"

PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
if [ ! -x "$PYTHON" ]; then
  step "virtualenv (.venv was missing)"
  python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'
  done_step "virtualenv"
fi
export PYTHON

step "build the .deb (FAST=1)"
FAST=1 bash packaging/build_deb.sh
done_step "build the .deb"

VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
DEB=$ROOT/dist/briefing-app_${VERSION}_$(dpkg --print-architecture).deb

step "build and run the self-test bundle (every tab, same spec)"
BRIEFING_BUNDLE_SELFTEST=1 "$PYTHON" -m PyInstaller --noconfirm --clean --log-level ERROR \
  --workpath packaging/build/selftest-work --distpath packaging/build/selftest \
  packaging/briefing-app.spec >/dev/null
SELFTEST_HOME=$(mktemp -d)
HOME=$SELFTEST_HOME QT_QPA_PLATFORM=offscreen \
  packaging/build/selftest/briefing-app-selftest/briefing-app-selftest \
  || fail "the self-test bundle failed: a module, library or plugin the GUI needs is missing"
rm -rf "$SELFTEST_HOME"
done_step "self-test bundle"

step "unpack and validate"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
dpkg-deb -x "$DEB" "$TMP/root"
dpkg-deb -f "$DEB" Package Version Architecture Installed-Size Depends
for f in usr/bin/briefing-app opt/briefing-app/briefing-app usr/share/applications/briefing-app.desktop \
         usr/share/icons/hicolor/scalable/apps/briefing-app.svg usr/share/doc/briefing-app/copyright; do
  [ -e "$TMP/root/$f" ] || fail "/$f is not in the package"
done
for png in resources/icons/hicolor/*/apps/briefing-app.png; do
  size=$(basename "$(dirname "$(dirname "$png")")")
  [ -e "$TMP/root/usr/share/icons/hicolor/$size/apps/briefing-app.png" ] || fail "no $size icon"
done
desktop-file-validate "$TMP/root/usr/share/applications/briefing-app.desktop"
echo "desktop-file-validate: OK"
appstreamcli validate --no-net "$TMP"/root/usr/share/metainfo/*.metainfo.xml
appstreamcli validate-tree --no-net "$TMP/root"
done_step "unpack and validate"

step "run the unpacked app"
APP=$TMP/root/opt/briefing-app/briefing-app
export HOME=$TMP/home QT_QPA_PLATFORM=offscreen
unset BRIEFING_APP_WORKSPACE BRIEFING_APP_DATABASE XDG_DATA_HOME XDG_CONFIG_HOME
mkdir -p "$HOME"
before=$(cd "$TMP/root/opt" && find . -printf '%p %s %T@\n' | sort)

"$APP" --version
items=$("$APP" items) || fail "items failed"
[ -n "$items" ] || fail "items printed nothing"
printf '%s\n' "$items" | head -3
echo "... $(printf '%s\n' "$items" | wc -l) items"
"$APP" build-db --check
if [ -f briefing_app/ui/app.py ]; then
  out=$("$APP" gui --smoke) || fail "gui --smoke failed"
  echo "$out"
  grep -q '^first paint after [0-9]* ms$' <<<"$out" || fail "gui --smoke did not report its first paint"
else
  echo "gui --smoke: SKIPPED, briefing_app/ui/app.py does not exist yet"
fi
if "$APP" export --help >/dev/null 2>&1; then
  rm -f "$TMP/x.md"
  "$APP" export --format md --output "$TMP/x.md"
  [ -s "$TMP/x.md" ] || fail "export wrote no Markdown"
  echo "export --format md: $(wc -c <"$TMP/x.md") bytes"
else
  echo "export: SKIPPED, this version has no export command yet"
fi
after=$(cd "$TMP/root/opt" && find . -printf '%p %s %T@\n' | sort)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") || true; fail "the app wrote inside /opt"; }
echo "nothing written inside /opt/briefing-app"
done_step "run the unpacked app"

awk -v a="$START" -v b="$(date +%s.%N)" -v deb="$DEB" \
  'BEGIN { printf "\npackaging: all checks passed in %.0f s (%s)\n", b - a, deb }'
