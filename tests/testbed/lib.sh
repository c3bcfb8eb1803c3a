# SPDX-License-Identifier: GPL-2.0-only
# Shared settings for the testbed scripts; sourced, never run.
#
# Everything slow (the emulator, the test kernel, Debian's stock kernel) is
# built once into $MINIVMX_CACHE, keyed by version and configuration, so a
# second run rebuilds nothing.

set -eu

TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$TESTBED_DIR/../.." && pwd)
CACHE=${MINIVMX_CACHE:-$HOME/.cache/minivmx}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$CACHE"

log() { printf 'testbed: %s\n' "$*" >&2; }
die() { printf 'testbed: error: %s\n' "$*" >&2; exit 1; }

# The kernels built here: Debian's linux-source-6.1 plus config fragments.
# Flavour "test" (the default) merges kernel.config; "debug" merges
# kernel.config and then kernel-debug.config (KASAN, lockdep, UBSAN, ...);
# "guest" merges guest-kernel.config alone: the small kernel minivmx boots
# as a guest (no modules; cached as guest-VERSION-HASH).
kernel_src_tarball() { ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true; }
kernel_src_dir() { echo "$CACHE/src/linux-source-6.1"; }
kernel_fragments() {	# $1: flavour
	case "${1:-test}" in
	test) echo "$TESTBED_DIR/kernel.config" ;;
	debug) echo "$TESTBED_DIR/kernel.config $TESTBED_DIR/kernel-debug.config" ;;
	guest) echo "$TESTBED_DIR/guest-kernel.config" ;;
	*) die "unknown kernel flavour '$1'" ;;
	esac
}
kernel_key() {	# $1: flavour; the test kernel's key predates flavours
	local ver frags
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
	frags=$(kernel_fragments "${1:-test}")
	# shellcheck disable=SC2086 # a list of paths without blanks
	echo "$ver-$(cat $frags | sha256sum | cut -c1-12)"
}
kernel_build_dir() {	# $1: flavour
	case "${1:-test}" in
	test) echo "$CACHE/kernel-$(kernel_key test)" ;;
	guest) echo "$CACHE/guest-$(kernel_key guest)" ;;
	*) echo "$CACHE/kernel-$1-$(kernel_key "$1")" ;;
	esac
}

# Bochs 3.0 built from Debian's source package, or the packaged 2.7.
# Bochs 3.0 with tests/testbed/bochs-patches applied: the directory name
# carries a hash of the patches, so changing them rebuilds it.
bochs_patches() { ls "$TESTBED_DIR"/bochs-patches/*.patch 2>/dev/null; }
bochs_dir() {
	local sum
	sum=$(bochs_patches | xargs -r cat | sha1sum | cut -c1-8)
	echo "$CACHE/bochs-3.0-$sum"
}

# Unpack Debian's linux-source-6.1 into the cache once (the same steps and
# marker as build-kernel.sh) and print the source directory.
kernel_src_unpack() {
	local tarball src
	src=$(kernel_src_dir)
	if [ ! -f "$src/.minivmx-unpacked" ]; then
		tarball=$(kernel_src_tarball)
		[ -n "$tarball" ] || die "linux-source-6.1 is not installed (run tests/testbed/deps.sh)"
		log "unpacking $tarball"
		rm -rf "$src"
		mkdir -p "$CACHE/src"
		tar -C "$CACHE/src" -xf "$tarball"
		touch "$src/.minivmx-unpacked"
	fi
	echo "$src"
}

# Run "$@" holding an exclusive lock named $1 in the cache, so that two
# testbed runs at the same time do not build the same thing twice.
with_lock() {
	local name=$1
	shift
	mkdir -p "$CACHE/locks"
	(
		flock 9
		"$@"
	) 9>"$CACHE/locks/$name"
}

# Debian's stock kernel, extracted (not installed) into the cache.
stock_dir() { echo "$CACHE/stock-$1"; }	# $1: ABI name, 6.1.0-N-amd64

# suite_wants FILE WORD: the suite file has a "# testbed: ... WORD ..."
# line (gdb: the second initramfs with gdb; guest: the Linux guest).
suite_wants() {
	grep -Eq "^#[[:space:]]*testbed:.*(^|[[:space:]:])$2([[:space:]]|\$)" "$1"
}

# Bochs serial output and the guest runner share these lines.
DONE_MARKER=MINIVMX-TESTBED-DONE
SUMMARY_RE='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'

# pack_initramfs DIR ARCHIVE [gzip]: DIR as a newc cpio archive, owned by
# root, in a stable order, compressed with zstd -- or gzip for the Linux
# guest's kernel, which has only RD_GZIP.  The testbed's kernels all read
# zstd (RD_ZSTD): its window finds what the static test programs share (the
# same libc in each), so the test kernel's archive is 5 MB instead of 22,
# built in 40 % of gzip's time, and the debug kernel, whose inflate is
# KASAN-instrumented, unpacks it in 0.5 s less of guest time at each boot.
pack_initramfs() {
	local compress=(zstd -q -9)
	[ "${3:-}" = gzip ] && compress=(gzip -6 -n)
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio -o -0 -H newc -R 0:0 --quiet) | "${compress[@]}" >"$2.new"
	mv "$2.new" "$2"
}

# copy_closure ROOT BINARY...: every shared library the binaries need (their
# ldd closure, resolved through symlinks) and the dynamic loader, copied
# into ROOT at the paths the binaries ask for.  Prints how many libraries.
copy_closure() {
	local root=$1 missing libs l
	shift
	missing=$(ldd "$@" | awk '/not found/ { print $1 }')
	[ -z "$missing" ] || die "$* need libraries this machine lacks: $missing (apt-get install their dependencies)"
	libs=$(ldd "$@" |
		awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }' | sort -u)
	[ -n "$libs" ] || die "ldd found no libraries for $*"
	for l in $libs; do
		mkdir -p "$root$(dirname "$l")"
		cp -L "$l" "$root$l"
	done
	echo "$libs" | wc -w
}
