#!/bin/sh
# Installs the Debian packages LeakScope needs to build and test, skipping those already present.
# Uses sudo when not run as root. Safe to run repeatedly. `install-deps.sh fuzz` adds what the fuzz
# build needs (`make fuzz`, docs/fuzzing.md): clang, and compiler-rt, whose libclang_rt.fuzzer is libFuzzer.
set -eu

packages="g++ cmake ninja-build make qt6-base-dev python3-dev python3-objgraph python3-numpy python3-lxml python3-scipy python3-pytest libdw-dev libunwind-dev libpcre2-dev libzstd-dev qt6-charts-dev libqt6opengl6-dev pkg-config python3-dbg gdb graphviz"
if [ "${1:-}" = fuzz ]; then
    packages="$packages clang libclang-rt-14-dev"
fi

missing=""
for package in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $package" ;;
    esac
done

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "LeakScope needs these packages, and apt-get is not available to install them:$missing" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "Installing$missing needs root: run as root or install sudo." >&2
    exit 1
fi

echo "Installing missing packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086
$as_root apt-get install -y -q --no-install-recommends $missing
