#!/usr/bin/env bash
# Strip a PyInstaller bundle's shared libraries, and drop library paths of the build machine.
#
#   packaging/strip_bundle.sh BUNDLE_DIR
#
# build_deb.sh runs it on the packaged bundle and ci.sh on the self-test bundle, so the
# self-test (every tab, pyqtgraph and numpy, every export) runs on stripped libraries too.
#
# - Strips (--strip-unneeded) every shared library that still has a symbol table or debug
#   information: libpython and lib-dynload (about 25 MB of debug info), Typst's and PDFium's
#   libraries, ICU, numpy's extension modules. The Qt libraries come stripped and are left
#   as they are (strip rewrites a file even when it removes nothing).
# - Never the libraries auditwheel grafted into a wheel (numpy.libs/: OpenBLAS, libgfortran,
#   libquadmath): patchelf moved their load segments, and strip then writes them with
#   segments that are not page-aligned ("ELF load command address/offset not page-aligned":
#   numpy no longer imports).
# - Deletes an RPATH/RUNPATH that names a folder of the build machine (the pyenv Python's
#   /root/.pyenv/versions/X/lib, in libpython and lib-dynload): on a user's machine that
#   folder would be searched first for libssl and the rest. $ORIGIN paths stay: the Qt and
#   numpy libraries find each other through them. chrpath -d changes only the dynamic
#   section's entry, not the file's layout.
set -euo pipefail
BUNDLE=${1:?usage: strip_bundle.sh BUNDLE_DIR}
[ -d "$BUNDLE" ] || { echo "strip_bundle: $BUNDLE is not a folder" >&2; exit 1; }
for tool in strip readelf chrpath; do
  command -v "$tool" >/dev/null || {
    echo "strip_bundle: $tool not found; install binutils and chrpath" >&2; exit 1; }
done

stripped=0 saved=0 cleared=0
while IFS= read -r -d '' lib; do
  sections=$(readelf -S -W "$lib" 2>/dev/null) || continue  # not ELF
  if grep -qE '\] \.(symtab|debug_[a-z_]+) ' <<<"$sections"; then
    before=$(stat -c %s "$lib")
    strip --strip-unneeded --remove-section=.comment "$lib"
    saved=$(( saved + before - $(stat -c %s "$lib") ))
    stripped=$(( stripped + 1 ))
  fi
  path=$(readelf -d -W "$lib" 2>/dev/null | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]$/\2/p')
  case "$path" in
    '' | '$ORIGIN'*) ;;
    *) chrpath -d "$lib" >/dev/null; cleared=$(( cleared + 1 )) ;;
  esac
done < <(find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' \) ! -path '*/*.libs/*' -print0)

awk -v n="$stripped" -v s="$saved" -v c="$cleared" 'BEGIN {
  printf "strip_bundle: stripped %d libraries (%.1f MiB), removed %d build-machine library paths\n",
         n, s / 1048576, c }'
