#!/usr/bin/env bash
# What CI runs for packaging: build the .deb (fast compression), validate it, run it unpacked.
#
#   bash packaging/ci.sh
#
# As root on Debian/Ubuntu it first apt-installs packaging/deb-build-packages.txt: the tools
# (dpkg-dev, binutils, chrpath, desktop-file-utils, appstream, lintian, groff and man-db) and
# the system libraries the bundle links to (the .deb's Depends: build_deb.sh derives Depends
# from them, and the unpacked app runs on them).
# It fails if lintian reports an error or warning that packaging/linux/lintian-overrides does
# not override (with its reason), or an override that matches nothing any more.
# Run it before the test suite: tests/test_packaging.py then installs the same .deb instead of
# building it again (and upgrades 0.1.0 to it). About 3 minutes on 2 cores.
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

VERSION=$("$PYTHON" packaging/release.py version)
DEB=$ROOT/dist/briefing-app_${VERSION}_$(dpkg --print-architecture).deb

step "build and run the self-test bundle (every tab, same spec)"
BRIEFING_BUNDLE_SELFTEST=1 "$PYTHON" -m PyInstaller --noconfirm --clean --log-level ERROR \
  --workpath packaging/build/selftest-work --distpath packaging/build/selftest \
  packaging/briefing-app.spec >/dev/null
# Stripped as the package's bundle is, so the self-test runs on the libraries users get.
bash packaging/strip_bundle.sh packaging/build/selftest/briefing-app-selftest
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
         usr/share/icons/hicolor/scalable/apps/briefing-app.svg usr/share/doc/briefing-app/copyright \
         usr/share/doc/briefing-app/changelog.gz usr/share/man/man1/briefing-app.1.gz \
         usr/share/lintian/overrides/briefing-app; do
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
gzip -dc "$TMP/root/usr/share/doc/briefing-app/changelog.gz" >"$TMP/changelog"
[ "$(dpkg-parsechangelog -l "$TMP/changelog" -S Version)" = "$VERSION" ] \
  || fail "the package's changelog does not start with $VERSION"
echo "changelog: $VERSION first"
man_warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l \
  "$TMP/root/usr/share/man/man1/briefing-app.1.gz" 2>&1 >/dev/null)
[ -z "$man_warnings" ] || fail "man --warnings on the manual page: $man_warnings"
echo "man --warnings: OK"
done_step "unpack and validate"

step "lintian"
# Every error and warning must be overridden, with its reason, in packaging/linux/lintian-
# overrides, and every override must still match something (unused-override). Info tags are
# listed in the log but do not fail. (--fail-on cannot decide this: with --show-overrides it
# counts the overridden tags too.)
LINTIAN_LOG=$ROOT/packaging/build/lintian.txt
lintian --display-info --show-overrides --fail-on none "$DEB" >"$LINTIAN_LOG" 2>&1 \
  || { tail -20 "$LINTIAN_LOG"; fail "lintian itself failed"; }
echo "lintian $(lintian --print-version): tags (O: overridden), and how often:"
grep -E '^[EWIPO]: ' "$LINTIAN_LOG" | awk '{ print "  " $1, $3 }' | sort | uniq -c \
  | sort -k2,2 -k1,1nr
if grep -qE '^[EW]: |unused-override|mismatched-override' "$LINTIAN_LOG"; then
  grep -E '^[EW]: |unused-override|mismatched-override' "$LINTIAN_LOG" | head -40
  fail "lintian: an error or warning that packaging/linux/lintian-overrides does not explain, or an override that matches nothing (all of it: $LINTIAN_LOG)"
fi
echo "lintian: no error or warning but the overrides packaging/linux/lintian-overrides explains"
done_step "lintian"

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
