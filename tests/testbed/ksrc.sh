#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Make sure Debian's linux-source-6.1 is unpacked in the cache and print its
# kselftest directory (tools/testing/selftests: kselftest_harness.h and
# kselftest.h for the guest test programs), or with --root the source root
# (scripts/checkpatch.pl).
. "$(dirname "$0")/lib.sh"

src=$(with_lock ksrc kernel_src_unpack)
case "${1:-}" in
--root) echo "$src" ;;
"") echo "$src/tools/testing/selftests" ;;
*) die "usage: ksrc.sh [--root]" ;;
esac
