#!/usr/bin/env bash
# scripts/run-fuzz keeps what a target finds: a real libFuzzer target that crashes on "PK"
# must leave its crash input in BUILD_DIR/artifacts/<target>/, named in the output.
set -euo pipefail
command -v clang >/dev/null || { echo "SKIP: clang missing"; exit 77; }
src=${PK_SOURCE_DIR:?}
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/bin"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' '#include <stdlib.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {' \
  '  if (n >= 2 && d[0] == 0x50 && d[1] == 0x4b) abort();' '  return 0;' '}' >"$build/crashes.c"
clang -g -fsanitize=fuzzer "$build/crashes.c" -o "$build/bin/fuzz_crashes" 2>"$build/cc.log" ||
  { cat "$build/cc.log"; echo "SKIP: clang cannot build a libFuzzer target"; exit 77; }
set +e
"$src/scripts/run-fuzz" "$build" 60 >"$build/out" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || { echo "FAIL: a crashing target passed"; cat "$build/out"; exit 1; }
path=$(sed -n 's/^artifact: \([^ ]*\) .*/\1/p' "$build/out" | head -1)
case $path in
  "$build"/artifacts/fuzz_crashes/crash-*) ;;
  *) echo "FAIL: no crash artifact under $build/artifacts/fuzz_crashes/ named:"; cat "$build/out"; exit 1 ;;
esac
[ -s "$path" ] || { echo "FAIL: $path was not kept"; exit 1; }
[ "$(head -c 2 "$path")" = PK ] || { echo "FAIL: $path is not the crashing input"; exit 1; }
"$build/bin/fuzz_crashes" "$path" >/dev/null 2>&1 && { echo "FAIL: replaying $path does not crash"; exit 1; }
echo "ok - run-fuzz kept $(basename "$path") ($(stat -c %s "$path") bytes) and printed its path"
