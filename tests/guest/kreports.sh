#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kreports.sh [--context N] [--since TEXT]: print the lines of the kernel
# log that report a problem -- a WARN, a BUG, an oops, or a report of the
# debug kernel's detectors (kernel-debug.config) -- each with the N lines
# that follow it (its backtrace) with --context.  With --since, only the
# log after the last line containing TEXT counts.  Prints nothing and exits
# 0 when the log is clean; exits 1 when it printed a report.
#
# The detectors report as: "BUG: KASAN: ...", "BUG: KFENCE: ...",
# "UBSAN: ...", SLUB's "BUG kmalloc-64 (Tainted: ...): Redzone overwritten",
# lockdep's "WARNING: possible circular locking dependency", "WARNING:
# inconsistent lock state", "INFO: trying to register non-static key",
# "DEBUG_LOCKS_WARN_ON", "WARNING: suspicious RCU usage", "BUG: sleeping
# function called from invalid context", DEBUG_LIST's "list_add
# corruption", and debugfs's "Directory '61-17' with parent 'minivmx'
# already present!" (a name minivmx chose twice; Debian's 6.12 kvm says
# it of its own 'kvm' when reloaded, which does not count).  (kmemleak's
# "unreferenced object" is read from its debugfs file, not from the log:
# runner.sh and failinject.sh do that.)
#
# One thing is allowed: between the lines "minivmx-failinject: start" and
# "minivmx-failinject: end" that failinject.sh writes to /dev/kmsg, the
# backtrace ("Call Trace:") that the kernel prints for an allocation that
# failed ("page allocation failure", "vmalloc error", or the injected
# failure's own "FAULT_INJECTION: forcing a failure"), and kmemleak's
# "Cannot allocate a scan area" (its own bookkeeping failed, and it scans
# the whole object instead): making allocations fail is what that script
# does.

ctx=0 since=
while [ $# -gt 0 ]; do
	case "$1" in
	--context) ctx=${2:?}; shift 2 ;;
	--since) since=${2:?}; shift 2 ;;
	*) echo "usage: kreports.sh [--context N] [--since TEXT]" >&2; exit 2 ;;
	esac
done

pattern='WARNING:|BUG:|BUG [^ ]+ \(|Oops|general protection|Call Trace|UBSAN:|KASAN:|KFENCE:'
pattern="$pattern"'|INFO: (possible|trying to register non-static key|task .* blocked)'
pattern="$pattern"'|DEBUG_LOCKS_WARN_ON|possible (circular|recursive) locking|inconsistent lock state'
pattern="$pattern"'|suspicious RCU usage|turning off the locking correctness validator'
pattern="$pattern"'|list_(add|del) corruption'
pattern="$pattern"'|debugfs: Directory .* with parent .(minivmx|[0-9]+-[0-9]+). already present'
pattern="$pattern"'|kmemleak: .*(suspected memory leak|pool empty|[Cc]annot)'

log=/tmp/kreports.$$
dmesg >"$log"
start=1
if [ -n "$since" ]; then
	start=$(grep -n -F -e "$since" "$log" | tail -n 1 | cut -d: -f1)
	start=${start:-1}
fi
# (The pattern travels in the environment: awk -v would eat its backslashes.)
tail -n "+$start" "$log" | RE=$pattern awk -v ctx="$ctx" '
	BEGIN { re = ENVIRON["RE"] }
	/minivmx-failinject: start/ { fi = 1 }
	/minivmx-failinject: end/ { fi = 0; allow = 0 }
	fi && /page allocation failure|vmalloc error|FAULT_INJECTION: forcing a failure/ { allow = 1 }
	fi && /kmemleak: Cannot allocate a scan area/ { next }
	$0 ~ re {
		if (allow && /Call Trace/) { allow = 0; next }
		found = 1
		n = ctx + 1
	}
	n > 0 { print; n-- }
	END { exit found ? 1 : 0 }'
rc=$?
rm -f "$log"
exit $rc
