#!/bin/sh
# tst_install.sh CMAKE BUILD_DIR SOURCE_DIR VERSION
#
# Installs BUILD_DIR with `cmake --install` into a temporary prefix and checks the installed copy on
# its own: the programs run from the prefix (the CLI reports the demo's leaks, the GUI prints its
# version, starts the leakscope-host installed beside it and shows the demo's leaks), nothing refers back to the build or
# source tree, and the desktop entry and icons are where desktops look for them. Writes nothing
# outside its temporary folder, which it removes, and leaves the build tree's install_manifest.txt
# (the record of a real install) as it found it.
set -eu

if [ $# -ne 4 ]; then
    echo "usage: $0 CMAKE BUILD_DIR SOURCE_DIR VERSION" >&2
    exit 2
fi
cmake=$1
build=$(cd "$2" && pwd)
source=$(cd "$3" && pwd)
version=$4

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope-install-test-XXXXXX")
prefix=$work/prefix
manifest=$build/install_manifest.txt
host_pid=

cleanup() {
    status=$?
    # The probe's host leaves when the GUI's socket closes; make sure of it before its folder goes.
    if [ -n "$host_pid" ]; then
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$host_pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$host_pid" 2>/dev/null || true
    fi
    if [ -f "$work/manifest.saved" ]; then
        cp -p "$work/manifest.saved" "$manifest"
    else
        rm -f "$manifest"
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM

checks=0
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
pass() {
    checks=$((checks + 1))
    echo "ok: $*"
}
show() { # show FILE: its text, indented, for a failure's context
    sed 's/^/    /' "$1" >&2
}

# `cmake --install` rewrites the build tree's install_manifest.txt: keep a real install's record.
if [ -f "$manifest" ]; then
    cp -p "$manifest" "$work/manifest.saved"
fi

# --- Install ---------------------------------------------------------------------------------------
unset DESTDIR
if ! "$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then
    show "$work/install.log"
    fail "cmake --install $build --prefix $prefix"
fi
pass "cmake --install into $prefix"

for program in leakscope leakscope-host leakscope-cli; do
    [ -x "$prefix/bin/$program" ] || fail "bin/$program is not installed"
done
pass "bin/leakscope, bin/leakscope-host, bin/leakscope-cli"

# The installed programs must not load anything from the build or source tree.
if command -v readelf >/dev/null 2>&1; then
    for program in leakscope leakscope-host leakscope-cli; do
        paths=$(readelf -d "$prefix/bin/$program" | sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]/\2/p')
        case ":$paths:" in
            *"$build"* | *"$source"*) fail "bin/$program's RPATH refers to the build tree: $paths" ;;
        esac
    done
    pass "no RPATH into the build or source tree"
fi

# Everything below runs from the prefix, in the temporary folder, with its own configuration folders
# (the GUI remembers settings and reads ignore rules there) and no bytecode written next to the demo.
cd "$work"
mkdir -p "$work/config" "$work/cache" "$work/data"
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data"
export PYTHONDONTWRITEBYTECODE=1
export QT_QPA_PLATFORM=offscreen

# --- The CLI reports the demo's leaks ---------------------------------------------------------------
demo=$source/examples/leaky_service.py
if ! "$prefix/bin/leakscope-cli" report -- "$demo" >"$work/report.txt" 2>"$work/report.err"; then
    show "$work/report.txt"
    show "$work/report.err"
    fail "leakscope-cli report -- $demo did not exit with 0"
fi
grep -q '^served 3 requests' "$work/report.txt" || { show "$work/report.txt"; fail "the demo's own output is missing"; }
summary=$(grep -E '^[0-9]+ leak candidates, [0-9]+ suspects' "$work/report.txt" || true)
[ -n "$summary" ] || { show "$work/report.txt"; fail "no 'N leak candidates, M suspects' line"; }
suspects=$(echo "$summary" | sed -E 's/^[0-9]+ leak candidates, ([0-9]+) suspects.*/\1/')
# The demo plants four leaks; the environment (user site-packages...) may add a few suspects.
[ "$suspects" -ge 4 ] && [ "$suspects" -le 20 ] || fail "expected 4 to 20 suspects: $summary"
requests=$(grep -c '^0x[0-9a-f]* *__main__\.Request ' "$work/report.txt" || true)
[ "$requests" -eq 3 ] || { show "$work/report.txt"; fail "expected the 3 leaked __main__.Request objects, found $requests"; }
grep -q "^0x[0-9a-f]* *builtins\.list .*\[{'id': 1, 'name': 'alpha'}, {'id': 2, 'name': 'beta'}\]" "$work/report.txt" ||
    { show "$work/report.txt"; fail "the leaked list of exported rows is missing"; }
pass "installed leakscope-cli reports the demo's leaks ($summary)"

# --- The host and the GUI run from the prefix --------------------------------------------------------
"$prefix/bin/leakscope-host" --help >"$work/host.txt" 2>&1 || { show "$work/host.txt"; fail "leakscope-host --help"; }
grep -q '^Usage: leakscope-host' "$work/host.txt" || { show "$work/host.txt"; fail "leakscope-host --help printed no usage"; }
pass "installed leakscope-host --help"

gui_version=$("$prefix/bin/leakscope" --version 2>"$work/version.err") || { show "$work/version.err"; fail "leakscope --version"; }
[ "$gui_version" = "LeakScope $version" ] || fail "leakscope --version printed '$gui_version', expected 'LeakScope $version'"
pass "installed leakscope --version: $gui_version"

# The GUI starts the leakscope-host beside its own executable: the probe script, run by that host,
# names the executable running it. --screenshot makes the GUI quit once the script's end is shown.
probe_out=$work/host-probe.txt
"$prefix/bin/leakscope" --screenshot "$work/probe.png" "$source/tests/install/host_probe.py" "$probe_out" \
    >"$work/gui.log" 2>&1 || { show "$work/gui.log"; fail "leakscope --screenshot on the probe script"; }
[ -f "$probe_out" ] || { show "$work/gui.log"; fail "leakscope's host did not run the probe"; }
read -r host_pid host_exe <"$probe_out"
[ "$host_exe" = "$prefix/bin/leakscope-host" ] ||
    fail "the installed leakscope ran its script in '$host_exe', not in $prefix/bin/leakscope-host"
pass "installed leakscope starts the installed leakscope-host"

# --- The installed GUI on the demo ------------------------------------------------------------------
# The window once the demo has ended and its leaks are listed, saved as a PNG; the GUI then quits.
"$prefix/bin/leakscope" --screenshot "$work/demo.png" "$demo" >"$work/demo-gui.log" 2>&1 ||
    { show "$work/demo-gui.log"; fail "leakscope --screenshot on the demo"; }
grep -q "^leakscope: saved $work/demo.png\$" "$work/demo-gui.log" || { show "$work/demo-gui.log"; fail "no 'saved' line"; }
header=$(od -An -tx1 -N16 "$work/demo.png" | tr -d ' \n')
case "$header" in
    89504e470d0a1a0a????????49484452) ;;
    *) fail "leakscope --screenshot wrote no PNG" ;;
esac
pass "installed leakscope runs the demo and saves the window (--screenshot)"

# A script that leaves no snapshot (it kills its interpreter): exit status 1 and a message, no picture.
if "$prefix/bin/leakscope" --screenshot "$work/crash.png" "$source/tests/install/host_crash.py" \
    >"$work/crash-gui.log" 2>&1; then
    show "$work/crash-gui.log"
    fail "leakscope --screenshot succeeded on a script that leaves no snapshot"
fi
grep -q "left no snapshot" "$work/crash-gui.log" || { show "$work/crash-gui.log"; fail "no message for a script without snapshot"; }
[ ! -e "$work/crash.png" ] || fail "a picture was saved for a script that left no snapshot"
pass "installed leakscope --screenshot on a crashing script: exit status 1, no picture"

# --- Desktop entry and icons ------------------------------------------------------------------------
desktop=$prefix/share/applications/leakscope.desktop
[ -f "$desktop" ] || fail "share/applications/leakscope.desktop is not installed"
grep -q '^Exec=leakscope\( \|$\)' "$desktop" || fail "the desktop entry does not run leakscope"
grep -q '^Icon=leakscope$' "$desktop" || fail "the desktop entry's icon is not 'leakscope'"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$desktop" >"$work/desktop.txt" 2>&1 || { show "$work/desktop.txt"; fail "desktop-file-validate"; }
    pass "share/applications/leakscope.desktop (desktop-file-validate: valid)"
else
    pass "share/applications/leakscope.desktop (desktop-file-validate not installed: not validated)"
fi

icons=$prefix/share/icons/hicolor
for size in 16 22 24 32 48 64 128 256; do
    icon=$icons/${size}x$size/apps/leakscope.png
    [ -f "$icon" ] || fail "share/icons/hicolor/${size}x$size/apps/leakscope.png is not installed"
    # A PNG's signature, then the IHDR chunk whose first fields are the width and height (big-endian).
    header=$(od -An -tx1 -N24 "$icon" | tr -d ' \n')
    expected=$(printf '%08x%08x' "$size" "$size")
    case "$header" in
        89504e470d0a1a0a????????49484452"$expected") ;;
        *) fail "${size}x$size/apps/leakscope.png is not a $size x $size PNG" ;;
    esac
done
grep -q '<svg' "$icons/scalable/apps/leakscope.svg" 2>/dev/null || fail "share/icons/hicolor/scalable/apps/leakscope.svg is not installed"
pass "icons: hicolor 16 to 256 px and scalable"

[ -f "$prefix/share/doc/LeakScope/LICENSE" ] || fail "share/doc/LeakScope/LICENSE is not installed"
pass "share/doc/LeakScope/LICENSE"

echo "$checks checks passed"
