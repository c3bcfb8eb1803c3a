#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the minimal test kernel (bzImage + modules) from Debian's
# linux-source-6.1 and kernel.config, out of tree, into the cache.
# Prints the build directory.
. "$(dirname "$0")/lib.sh"

out=$(kernel_build_dir)
if [ -f "$out/.minivmx-done" ]; then
	echo "$out"
	exit 0
fi

tarball=$(kernel_src_tarball)
[ -n "$tarball" ] || die "linux-source-6.1 is not installed (run tests/testbed/deps.sh)"
src=$(kernel_src_dir)
if [ ! -f "$src/.minivmx-unpacked" ]; then
	log "unpacking $tarball"
	rm -rf "$src"
	mkdir -p "$CACHE/src"
	tar -C "$CACHE/src" -xf "$tarball"
	touch "$src/.minivmx-unpacked"
fi

log "building the test kernel in $out (about 10 minutes on 2 cores)"
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" O="$out" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"$TESTBED_DIR/kernel.config" >/dev/null
make -s -C "$src" O="$out" olddefconfig >/dev/null
# Every line of the fragment must have survived olddefconfig.
missing=$(grep -E '^CONFIG_' "$TESTBED_DIR/kernel.config" | while read -r l; do
	grep -qxF "$l" "$out/.config" || echo "$l"; done)
[ -z "$missing" ] || log "warning: not in the final config: $missing"
make -s -C "$src" O="$out" -j"$JOBS" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; die "kernel build failed"; }
touch "$out/.minivmx-done"
echo "$out"
