#!/usr/bin/env bash
# Build the Debian package dist/briefing-app_<version>_<arch>.deb from the PyInstaller bundle.
#
#   packaging/build_deb.sh                       release build, xz -9 (about 2 minutes)
#   FAST=1 packaging/build_deb.sh                CI build, xz -1 (seconds)
#   PYTHON=/path/to/venv/bin/python packaging/build_deb.sh
#                                                build with another Python (default: .venv)
#
# Needs dpkg-dev, binutils (objdump, strip) and chrpath, and the system libraries the bundle
# links to (the package's Depends) installed, so that Depends can be derived from them:
# packaging/ci.sh installs both. The version's entry in CHANGELOG.md must exist: the package's
# changelog, the manual page's date and the AppStream release date come from it. Prints the .deb size and the installed size, and fails if they exceed
# MAX_DEB_MB / MAX_INSTALLED_MB.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
FAST=${FAST:-0}
# Budgets: Qt, numpy and Python about 40 MiB compressed; Typst, the PDF engine, about 25 more
# (its one native library is 68 MB stripped, with its own fonts inside); PDFium, which reads
# the analyst's own PDFs, about 3 more (7 MB stripped).
MAX_DEB_MB=${MAX_DEB_MB:-80}
MAX_INSTALLED_MB=${MAX_INSTALLED_MB:-270}
PACKAGE=briefing-app
# AppStream component id (see the comment in packaging/linux/metainfo.xml.in).
APPSTREAM_ID=org.briefing.BriefingApp

WORK=$ROOT/packaging/build
PYI_WORK=$WORK/pyinstaller
PYI_DIST=$WORK/dist
STAGE=$WORK/deb

say() { printf '%s\n' "build_deb: $*"; }
die() { printf '%s\n' "build_deb: error: $*" >&2; exit 1; }
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f s", b - a }'; }

for tool in dpkg-deb dpkg-query objdump strip readelf chrpath ldd du gzip; do
  command -v "$tool" >/dev/null || die "$tool not found; install dpkg-dev, binutils and chrpath"
done
[ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null \
  || die "no Python at $PYTHON; create the venv first (README: python3 -m venv .venv && .venv/bin/pip install -e '.[test]') or set PYTHON="
if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
  say "installing PyInstaller into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
  "$PYTHON" -m pip install -q 'pyinstaller>=6.10'
fi

VERSION=$("$PYTHON" packaging/release.py version)
MAINTAINER=$("$PYTHON" packaging/release.py maintainer)
RELEASE_DATE=$("$PYTHON" packaging/release.py date "$VERSION") || die "no release notes for $VERSION"
ARCH=$(dpkg --print-architecture)
DEB=$ROOT/dist/${PACKAGE}_${VERSION}_${ARCH}.deb
say "$PACKAGE $VERSION ($ARCH), PyInstaller $("$PYTHON" -m PyInstaller --version), Python $("$PYTHON" -c 'import platform; print(platform.python_version())')"

# -- 1. the one-folder bundle --------------------------------------------------------------------
t=$(seconds)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath "$PYI_WORK" --distpath "$PYI_DIST" packaging/briefing-app.spec
BUNDLE=$PYI_DIST/$PACKAGE
[ -x "$BUNDLE/$PACKAGE" ] || die "PyInstaller produced no $BUNDLE/$PACKAGE"
say "PyInstaller: $(elapsed "$t")"

# -- 2. the package tree --------------------------------------------------------------------------
t=$(seconds)
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/metainfo" "$STAGE/usr/share/doc/$PACKAGE" "$STAGE/usr/share/icons/hicolor/scalable/apps" \
  "$STAGE/usr/share/man/man1" "$STAGE/usr/share/lintian/overrides"
cp -a "$BUNDLE" "$STAGE/opt/$PACKAGE"
APP=$STAGE/opt/$PACKAGE

# Strip every library that has symbols or debug information (libpython and lib-dynload: about
# 25 MB; Typst's: 16 MB; ICU, PDFium, numpy's modules) except numpy's OpenBLAS and its other
# grafted libraries, which stripping breaks; drop the build machine's library paths. The same
# script prepares the self-test bundle, which ci.sh runs.
bash packaging/strip_bundle.sh "$APP"

# Nothing in /opt may ever be written to. Python would write byte-code caches only for modules
# it imports from .py files; here every module is compiled into the executable's archive, and
# this check keeps it so. (PYTHONDONTWRITEBYTECODE in the launcher would not help: the frozen
# interpreter ignores PYTHON* environment variables.)
# (find -quit, not "find | grep -q": with pipefail, grep closing the pipe early made find fail
# with SIGPIPE and the check pass.)
if [ -n "$(find "$APP" \( -name '*.py' -o -name '__pycache__' \) -print -quit)" ]; then
  die "the bundle contains .py files or __pycache__ folders; they would be compiled into /opt at run time"
fi
cat > "$STAGE/usr/bin/$PACKAGE" <<'EOF'
#!/bin/sh
# Briefing lives in /opt/briefing-app (and never writes there); this only starts it.
exec /opt/briefing-app/briefing-app "$@"
EOF
chmod 0755 "$STAGE/usr/bin/$PACKAGE"

install -m 0644 packaging/linux/briefing-app.desktop "$STAGE/usr/share/applications/$PACKAGE.desktop"
for png in resources/icons/hicolor/*/apps/briefing-app.png; do
  size=$(basename "$(dirname "$(dirname "$png")")")
  install -D -m 0644 "$png" "$STAGE/usr/share/icons/hicolor/$size/apps/$PACKAGE.png"
done
install -m 0644 resources/icons/briefing-app.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/$PACKAGE.svg"

# The release date is the version's in CHANGELOG.md (RELEASE_DATE above).
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$RELEASE_DATE/" packaging/linux/metainfo.xml.in \
  > "$STAGE/usr/share/metainfo/$APPSTREAM_ID.metainfo.xml"
grep -q "<id>$APPSTREAM_ID</id>" "$STAGE/usr/share/metainfo/$APPSTREAM_ID.metainfo.xml" \
  || die "APPSTREAM_ID ($APPSTREAM_ID) differs from the <id> in packaging/linux/metainfo.xml.in"

"$PYTHON" packaging/deb_copyright.py "$PYI_WORK/briefing-app" "$STAGE/usr/share/doc/$PACKAGE/copyright"

# The changelog, from CHANGELOG.md in Debian's format, and the manual page, from the command
# line's parser; gzip -9n: maximum compression, no name or time stamp (the same bytes on every
# build). The package's version has no Debian revision (a native package), so its Debian
# changelog is changelog.gz: lintian wants changelog.Debian.gz only beside an upstream one.
"$PYTHON" packaging/release.py debian-changelog "$WORK/changelog"
gzip -9n -c "$WORK/changelog" > "$STAGE/usr/share/doc/$PACKAGE/changelog.gz"
"$PYTHON" packaging/manpage.py "$WORK/$PACKAGE.1"
gzip -9n -c "$WORK/$PACKAGE.1" > "$STAGE/usr/share/man/man1/$PACKAGE.1.gz"
install -m 0644 packaging/linux/lintian-overrides "$STAGE/usr/share/lintian/overrides/$PACKAGE"

find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$STAGE" -type f -perm -u+x -exec chmod 0755 {} +
# Shared libraries are loaded, not run: not executable (Debian policy 8.1).
find "$STAGE/opt" -type f \( -name '*.so' -o -name '*.so.*' \) -exec chmod 0644 {} +

# -- 3. Depends: the system libraries the bundle links to, not the ones it carries ---------------
DEPENDS=$("$PYTHON" packaging/deb_depends.py "$APP")
say "Depends: $DEPENDS"

# -- 4. control file and .deb ----------------------------------------------------------------------
INSTALLED_KB=$(du -sk --apparent-size --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: $PACKAGE
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Section: misc
Priority: optional
Description: offline briefing on US-Pakistan critical-minerals cooperation
 Briefing is an offline desktop briefing on the United States seeking a
 critical-minerals partnership with Pakistan to counter China's dominance of
 mineral supply chains. Every fact points to its source; notes and assessments
 stay in the user's own workspace.
 .
 The application is a self-contained PyInstaller bundle in /opt/briefing-app
 (Python, Qt for Python, pyqtgraph, numpy); the command is briefing-app.
EOF

# What dpkg --verify checks the installed files against.
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/md5sums"

mkdir -p "$ROOT/dist"
rm -f "$DEB"
if [ "$FAST" = 1 ]; then
  COMPRESS=(-Zxz -z1)
else
  COMPRESS=(-Zxz -z9)
fi
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$STAGE" "$DEB" >/dev/null
say "package tree and dpkg-deb (${COMPRESS[*]}): $(elapsed "$t")"

# -- 5. budget --------------------------------------------------------------------------------------
DEB_BYTES=$(stat -c %s "$DEB")
DEB_MB=$(awk -v b="$DEB_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')
INSTALLED_MB=$(awk -v k="$INSTALLED_KB" 'BEGIN { printf "%.1f", k / 1024 }')
say "built $DEB"
say ".deb size: $DEB_MB MiB ($DEB_BYTES bytes; limit $MAX_DEB_MB MiB)"
say "installed size: $INSTALLED_MB MiB (Installed-Size: $INSTALLED_KB KiB; limit $MAX_INSTALLED_MB MiB)"
fail=0
awk -v s="$DEB_BYTES" -v m="$MAX_DEB_MB" 'BEGIN { exit !(s > m * 1048576) }' \
  && { echo "build_deb: error: the .deb is over its $MAX_DEB_MB MiB budget" >&2; fail=1; }
awk -v s="$INSTALLED_KB" -v m="$MAX_INSTALLED_MB" 'BEGIN { exit !(s > m * 1024) }' \
  && { echo "build_deb: error: the installed size is over its $MAX_INSTALLED_MB MiB budget" >&2; fail=1; }
exit "$fail"
