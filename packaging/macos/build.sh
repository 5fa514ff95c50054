#!/usr/bin/env bash
# Build Briefing.app and a .dmg on macOS; optionally sign and notarize them.
#
#   bash packaging/macos/build.sh
#   CODESIGN_IDENTITY="Developer ID Application: NAME (TEAMID)" NOTARY_PROFILE=briefing \
#     bash packaging/macos/build.sh
#
# NOT RUN in this project yet (no Mac): a recipe. Needs Xcode's command-line tools and the
# project's venv (python3 -m venv .venv && .venv/bin/pip install -e '.[test]') or PYTHON=.
# The spec's BUNDLE section makes packaging/build/dist/Briefing.app (icon
# resources/icons/briefing-app.icns); the .dmg goes to dist/Briefing-<version>.dmg.
#
# Optional steps, each behind an environment variable:
#   CODESIGN_IDENTITY  sign the app (hardened runtime, packaging/macos/entitlements.plist) and
#                      the .dmg with this Developer ID Application identity
#   NOTARY_PROFILE     notarize the .dmg with the keychain profile saved by
#                      `xcrun notarytool store-credentials NAME --apple-id ... --team-id ...`,
#                      then staple the ticket (requires CODESIGN_IDENTITY)
#   MACOS_BUNDLE_ID    CFBundleIdentifier (default: org.briefing.BriefingApp, see the spec)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-.venv/bin/python}
"$PYTHON" -m PyInstaller --version >/dev/null 2>&1 || "$PYTHON" -m pip install -q 'pyinstaller>=6.10'
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')

"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath packaging/build/pyinstaller --distpath packaging/build/dist packaging/briefing-app.spec
APP=packaging/build/dist/Briefing.app
[ -d "$APP" ] || { echo "build: PyInstaller made no $APP" >&2; exit 1; }

# The bundle must run before it is packed: the CLI, then the window offscreen.
"$APP/Contents/MacOS/briefing-app" --version
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/briefing-app" gui --smoke

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"  # drag-to-install
mkdir -p dist
DMG=dist/Briefing-$VERSION.dmg
hdiutil create -volname "Briefing $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
fi
if [ -n "${NOTARY_PROFILE:-}" ]; then
  [ -n "${CODESIGN_IDENTITY:-}" ] || { echo "build: notarization needs CODESIGN_IDENTITY" >&2; exit 1; }
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose "$DMG"
fi
echo "build: $DMG ($(du -h "$DMG" | cut -f1))"
