#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a kernel (bzImage + modules) from Debian's linux-source-6.1 out of
# tree into the cache: tinyconfig, then the flavour's config fragments in
# order (lib.sh, kernel_fragments), then olddefconfig.
#
#   build-kernel.sh [test|debug|guest]
#
# "test" (default) is the minimal test kernel (kernel.config); "debug" adds
# kernel-debug.config (KASAN, KFENCE, lockdep, UBSAN, kmemleak, fault
# injection); "guest" is the small kernel minivmx boots as a guest
# (guest-kernel.config alone: bzImage and vmlinux, no modules;
# build-guest.sh adds its initramfs).  Prints the build directory.  Callers hold the "kernel" lock
# (with_lock kernel): one kernel build at a time in a cache.
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
frags=$(kernel_fragments "$flavour")
out=$(kernel_build_dir "$flavour")
if [ -f "$out/.minivmx-done" ]; then
	echo "$out"
	exit 0
fi

src=$(kernel_src_unpack)
case "$flavour" in
test) log "building the test kernel in $out (about 10 minutes on 2 cores)" ;;
guest) log "building the guest kernel in $out (a few minutes on 2 cores)" ;;
*) log "building the $flavour kernel in $out (about twice as long as the test kernel)" ;;
esac
t0=$SECONDS
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" O="$out" tinyconfig >/dev/null
# shellcheck disable=SC2086 # a list of paths without blanks
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" $frags >/dev/null
make -s -C "$src" O="$out" olddefconfig >/dev/null
# Every line of the fragments must have survived olddefconfig (a later
# fragment may override an earlier one).
# shellcheck disable=SC2086
missing=$(cat $frags | grep -E '^(CONFIG_|# CONFIG_.* is not set)' |
	awk '{ k = ($1 == "#") ? $2 : $1; sub(/=.*/, "", k); last[k] = $0; if (!(k in seen)) order[n++] = k; seen[k] = 1 }
	END { for (i = 0; i < n; i++) print last[order[i]] }' | while read -r l; do
	case "$l" in
	"# CONFIG_"*) k=${l#\# }; k=${k%% *}; if grep -q "^$k=" "$out/.config"; then echo "$l"; fi ;;
	*) grep -qxF "$l" "$out/.config" || echo "$l" ;;
	esac
done)
[ -z "$missing" ] || log "warning: not in the final config: $missing"
targets="bzImage modules"
[ "$flavour" = guest ] && targets=bzImage	# CONFIG_MODULES is off
# shellcheck disable=SC2086 # two words
make -s -C "$src" O="$out" -j"$JOBS" $targets >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; die "kernel build failed"; }
echo "$((SECONDS - t0))" >"$out/.minivmx-build-seconds"
log "the $flavour kernel took $((SECONDS - t0)) s to build"
touch "$out/.minivmx-done"
echo "$out"
