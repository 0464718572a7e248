#!/usr/bin/env bash
# `make build` checks the Debian packages once per content of scripts/deps/*.txt, not on every
# build; `make deps` always checks. Runs the real GNUmakefile in a scratch tree whose
# install-deps and cmake only count their calls.
set -euo pipefail
src=${PK_SOURCE_DIR:?}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/scripts/deps" "$t/fakebin"
cp "$src/GNUmakefile" "$t/"
printf '#!/bin/sh\necho x >>"%s/install-deps.calls"\n! [ -f "%s/fail" ]\n' "$t" "$t" >"$t/scripts/install-deps"
printf '#!/bin/sh\nexit 0\n' >"$t/fakebin/cmake"
chmod +x "$t/scripts/install-deps" "$t/fakebin/cmake"
echo "libfoo-dev" >"$t/scripts/deps/a.txt"
calls() { wc -l <"$t/install-deps.calls" 2>/dev/null || echo 0; }
build() { PATH="$t/fakebin:$PATH" make -s -C "$t" build >/dev/null; }
expect() { [ "$(calls)" -eq "$1" ] || { echo "FAIL: $2: install-deps ran $(calls) times, want $1"; exit 1; }; }

build; expect 1 "first build"
build; build; expect 1 "two more builds with the same lists"
echo "libbar-dev" >>"$t/scripts/deps/a.txt"
build; expect 2 "a build after a list changed"
build; expect 2 "the next build"
make -s -C "$t" deps >/dev/null; expect 3 "make deps"
echo "libbaz-dev" >>"$t/scripts/deps/a.txt"
touch "$t/fail"
if build 2>/dev/null; then echo "FAIL: make build went on after install-deps failed"; exit 1; fi
rm "$t/fail"
build; expect 5 "a build after a failed check"
echo "ok - install-deps: once per content of scripts/deps/*.txt for make build, always for make deps"
