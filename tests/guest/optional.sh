#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# optional.sh CMD [ARGS]: run a test program that not every tree builds
# (the fuzzers of tests/fuzz/, say) where it is built, and skip -- exit 4,
# which runner.sh counts as one skip -- where it is not.
[ $# -gt 0 ] || { echo "usage: optional.sh CMD [ARGS]" >&2; exit 2; }
if ! command -v "$1" >/dev/null 2>&1; then
	echo "1..0 # SKIP $1 is not in this build"
	exit 4
fi
exec "$@"
