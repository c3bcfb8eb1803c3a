#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What "make install" and the packages rest on (Documentation/install.rst):
# the versions agree; the manual pages and the bash completion know every
# option 'minivmx COMMAND --help' lists; DKMS adds and builds the module
# from dkms.conf (in a DKMS tree of its own, for the 6.1 headers); "make
# install DESTDIR=..." puts exactly the expected files with their modes
# and "make uninstall" takes them all away.  TAP; nothing outside a
# temporary directory is touched.
#
#	MINIVMX_BIN=path/to/minivmx install_test.sh
#
# MINIVMX_BIN: the built tool (tests/host/Makefile passes its own).
# KERNEL_HEADERS: the headers DKMS builds against (default: Debian's 6.1
# headers in /usr/src, else the running kernel's).  The DKMS and module
# subtests skip, saying why, without dkms, headers or root.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
tool=${MINIVMX_BIN:-$top/tests/host/build/user-tools/minivmx}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
# check NAME COMMAND...: one subtest, its output shown as diagnostics.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name"
	fi
	[ -z "$out" ] || echo "$out" | diag
}

commands="info run trace"
echo "1..16"

# --- versions ---------------------------------------------------------

version=$(cat "$top/VERSION")
versions_agree() {
	local t c
	t=$("$tool" --version | sed -n '1s/^minivmx \([^ ]*\) .*/\1/p')
	c=$(sed -n '1s/^minivmx (\([^)]*\)).*/\1/p' "$top/debian/changelog")
	echo "VERSION $version, minivmx --version $t, debian/changelog $c"
	[ "$t" = "$version" ] && [ "$c" = "$version" ] &&
		grep -q '^PACKAGE_VERSION="#MODULE_VERSION#"$' "$top/dkms.conf"
}
check "VERSION, --version, debian/changelog and dkms.conf agree" versions_agree

# --- manual pages -----------------------------------------------------

# help_opts [COMMAND]: the options a --help lists, one a line.
help_opts() {
	"$tool" ${1:+"$1"} --help | awk '
		/^  +-/ && match($0, /^ +/) && RLENGTH <= 6 {
			sub(/^ +/, "")
			sub(/  .*/, "")
			n = split($0, w, /[ ,]+/)
			for (i = 1; i <= n; i++)
				if (w[i] ~ /^-/)
					print w[i]
		}'
}

# man_opts PAGE: the options the .TP items of a page name, one a line.
man_opts() {
	awk 'p { print; p = 0 } /^\.TP/ { p = 1 }' "$1" |
		sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\&//g' |
		tr ' ,' '\n\n' | grep -e '^-' | sort -u
}

# covers PAGE [COMMAND]: every option of the --help is in the page.
covers() {
	local page=$1 missing
	missing=$(comm -23 <(help_opts "${2:-}" | sort -u) <(man_opts "$page"))
	[ -z "$missing" ] || { echo "missing from $(basename "$page"):" $missing; return 1; }
}

man_out=$tmp/man
mkdir -p "$man_out"
pages_made() {
	local want got
	"$top/user-tools/gen-man.sh" "$tool" "$man_out" || return 1
	want=$(sed -n 's/^MAN_PAGES := //p' "$top/Makefile" | tr ' ' '\n' | sort)
	got=$(cd "$man_out" && ls | sed 's/\.1$//' | sort)
	[ "$want" = "$got" ] || { echo "Makefile's MAN_PAGES:" $want; echo "gen-man.sh made:" $got; return 1; }
}
check "gen-man.sh makes the pages the Makefile installs" pages_made

check "minivmx(1) has every option of 'minivmx --help'" covers "$man_out/minivmx.1"
for c in $commands; do
	check "minivmx-$c(1) has every option of 'minivmx $c --help'" \
		covers "$man_out/minivmx-$c.1" "$c"
done

# The check itself: a page without one option must fail it.
sed '/^\.TP/{n;/\\-\\-stats/d}' "$man_out/minivmx-run.1" >"$tmp/broken.1"
if covers "$tmp/broken.1" run >/dev/null; then
	not_ok "a page without --stats fails the check"
else
	ok "a page without --stats fails the check"
fi

groff_clean() {
	local p out
	for p in "$man_out"/*.1; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$p" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "$(basename "$p"): $out"; return 1; }
	done
}
if command -v man >/dev/null; then
	check "the pages format without groff warnings" groff_clean
else
	skip "the pages format without groff warnings" "no man(1) here"
fi

# --- bash completion --------------------------------------------------

# completes [COMMAND]: what the completion offers after "-" is exactly
# what the --help lists.
completes() {
	local got want
	got=$(bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
			cur=${words[cword]}; prev=${words[cword - 1]}
		}
		_filedir() { :; }
		compopt() { :; }
		complete() { :; }
		. "$1"
		shift
		COMP_WORDS=(minivmx "$@" -); COMP_CWORD=$(($# + 1))
		_minivmx
		printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$top/user-tools/minivmx.bash-completion" ${1:+"$1"} | sort -u)
	want=$(help_opts "${1:-}" | sort -u)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
}
completions() {
	local c
	completes || { echo "minivmx: --help (<) and the completion (>) differ"; return 1; }
	for c in $commands; do
		completes "$c" || { echo "$c: --help (<) and the completion (>) differ"; return 1; }
	done
}
check "the bash completion offers exactly each command's options" completions

# --- DKMS -------------------------------------------------------------

# A copy of the tree, without build products, to build and install from.
src=$tmp/src
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -co --exclude-standard -z |
		tar -c --no-recursion --null -T -) | tar -x -C "$src"
else
	(cd "$top" && tar -c --exclude=build --exclude='*.o' --exclude='*.ko' .) |
		tar -x -C "$src"
fi

headers=${KERNEL_HEADERS:-}
if [ -z "$headers" ]; then
	for h in /usr/src/linux-headers-6.1.*-amd64 "/lib/modules/$(uname -r)/build"; do
		[ -f "$h/Makefile" ] && { headers=$h; break; }
	done
fi
kver=
# (Debian's headers say 6.1.0-57-amd64 here; their kernel.release, 6.1.192.)
[ -n "$headers" ] && kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	"$headers/include/generated/utsrelease.h" 2>/dev/null)

why=
if ! command -v dkms >/dev/null; then
	why="dkms is not installed (apt-get install dkms)"
elif [ "$(id -u)" != 0 ]; then
	why="dkms wants root"
elif [ -z "$kver" ]; then
	why="no kernel headers (set KERNEL_HEADERS)"
fi

dk=$tmp/dkms
ko=
# (check runs each in a subshell: what they find is looked up again after.)
dkms_add() {
	make -s -C "$src" dkms-source DESTDIR="$tmp/dksrc" &&
	grep -q "^PACKAGE_VERSION=\"$version\"\$" "$tmp/dksrc/usr/src/minivmx-$version/dkms.conf" &&
	mkdir -p "$dk" &&
	dkms add -m minivmx -v "$version" --sourcetree "$tmp/dksrc/usr/src" --dkmstree "$dk"
}
# sign_file: no signing key made or used.
dkms_build() {
	sign_file=/nonexistent nice dkms build -m minivmx -v "$version" -k "$kver" \
		--sourcetree "$tmp/dksrc/usr/src" --dkmstree "$dk" \
		--kernelsourcedir "$headers" >"$tmp/dkms.log" 2>&1 ||
		{ tail -n 20 "$tmp/dkms.log"; tail -n 20 "$dk/minivmx/$version/build/make.log" 2>/dev/null; return 1; }
	local ko magic mv
	ko=$(find "$dk/minivmx/$version/$kver" -name minivmx.ko)
	[ -n "$ko" ] || { echo "no minivmx.ko in $dk"; return 1; }
	magic=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	mv=$(modinfo -F version "$ko")
	echo "built for $magic; modinfo version: ${mv:-none (kmod has no MODULE_VERSION)}"
	[ "$magic" = "$kver" ] && { [ -z "$mv" ] || [ "$mv" = "$version" ]; }
}
if [ -n "$why" ]; then
	skip "dkms add reads dkms.conf" "$why"
	skip "dkms build for the headers" "$why"
else
	check "dkms add reads dkms.conf" dkms_add
	check "dkms build for $kver" dkms_build
	ko=$(find "$dk/minivmx/$version/$kver" -name minivmx.ko 2>/dev/null)
fi

# --- make install, make uninstall -------------------------------------

root=$tmp/root
# The tool and its pages are the ones the host tests built; the module is
# DKMS's, when it built one.
make -s -C "$src" man TOOLS_OUT="$(dirname "$tool")" >"$tmp/man.log" 2>&1 ||
	{ echo "# make man failed:"; diag <"$tmp/man.log"; }

expected_tools() {
	cat <<-EOF
	644 etc/udev/rules.d/60-minivmx.rules
	755 usr/local/bin/minivmx
	644 usr/local/include/linux/minivmx.h
	644 usr/local/share/bash-completion/completions/minivmx
	EOF
	sed -n 's/^MAN_PAGES := //p' "$top/Makefile" | tr ' ' '\n' |
		sed 's|^|644 usr/local/share/man/man1/|; s|$|.1|'
}
installed() { [ ! -d "$root" ] || (cd "$root" && find . ! -type d -printf '%m %P\n') | sort; }
same() {
	local want=$1 got
	got=$(installed)
	[ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
	echo "$got"
}

install_tools() {
	make -s -C "$src" install-tools DESTDIR="$root" \
		TOOLS_OUT="$(dirname "$tool")" &&
	same "$(expected_tools | sort)"
}
check "make install-tools DESTDIR: exactly the tool's files, with their modes" install_tools

if [ -n "$ko" ]; then
	install_all() {
		rm -rf "$root"
		cp "$ko" "$src/kmod/minivmx.ko"
		make -s -C "$src" install DESTDIR="$root" KVER="$kver" \
			TOOLS_OUT="$(dirname "$tool")" &&
		same "$({ expected_tools; echo "644 lib/modules/$kver/updates/minivmx.ko"; } | sort)"
	}
	check "make install DESTDIR: the module too, no depmod" install_all
	wrong_kver() {
		! make -s -C "$src" install-module DESTDIR="$tmp/wrong" KVER=0.0.0-none
	}
	check "make install refuses a module built for another KVER" wrong_kver
else
	skip "make install DESTDIR: the module too, no depmod" "no module: ${why:-DKMS did not build it}"
	skip "make install refuses a module built for another KVER" "no module: ${why:-DKMS did not build it}"
fi

uninstall_all() {
	make -s -C "$src" uninstall DESTDIR="$root" KVER="${kver:-none}" && same ""
}
check "make uninstall DESTDIR leaves no file" uninstall_all

dpkg_changelog() {
	command -v dpkg-parsechangelog >/dev/null || return 0
	[ "$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)" = "$version" ]
}
check "dpkg-parsechangelog reads the version VERSION has" dpkg_changelog
