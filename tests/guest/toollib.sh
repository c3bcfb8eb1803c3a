# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the scripts that run the minivmx tool on guest programs
# (platform_tool.sh): TAP results, the lines to show when a check fails,
# the module loaded for the run, and the closing count.  Set $work first.
n=0 failed=0 loaded=

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

show() {
	sed -n "${2:-1,40}p" "$1" | sed 's/^/# /'
}

has() {
	grep -qF -- "$2" "$1"
}

load_module() {
	grep -q '^minivmx ' /proc/modules && return 0
	insmod "$MINIVMX_KO" || { echo "# insmod failed"; exit 1; }
	loaded=1
}

# The last line: "N passed, N failed"; the status says whether all passed.
finish() {
	[ -n "$loaded" ] && rmmod minivmx
	echo "$((n - failed)) passed, $failed failed"
	[ "$failed" -eq 0 ]
}
