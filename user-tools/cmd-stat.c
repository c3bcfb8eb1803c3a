// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx stat: the exits of every VM on this machine, by reason, as the
 * module counts them in debugfs (/sys/kernel/debug/minivmx/exit_reasons,
 * kmod/stat.c), refreshed every interval like kvm_stat; --once prints the
 * totals once, for scripts.  $MINIVMX_DEBUGFS replaces the directory (the
 * host tests give it a file of their own).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "cmd.h"
#include "parse.h"

#define DEBUGFS_DIR	"/sys/kernel/debug/minivmx"

/**
 * struct stat_sample - one read of exit_reasons
 * @count: exits by basic reason
 * @ns: nanoseconds from those exits to the next entry (exit_time=1)
 * @name: the reason's name as the module wrote it
 */
struct stat_sample {
	unsigned long long count[MINIVMX_NR_VMX_EXIT_REASONS];
	unsigned long long ns[MINIVMX_NR_VMX_EXIT_REASONS];
	char name[MINIVMX_NR_VMX_EXIT_REASONS][32];
};

static atomic_bool stop;

static void on_sigint(int sig __always_unused)
{
	atomic_store(&stop, true);
}

/* Read @path into @s: 0, or -errno (-EINVAL for a line it cannot read). */
static int stat_read(const char *path, struct stat_sample *s)
{
	unsigned long long count, ns;
	char line[160], name[32];
	unsigned int nr;
	FILE *f;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u %31s %llu %llu", &nr, name, &count, &ns) != 4 ||
		    nr >= MINIVMX_NR_VMX_EXIT_REASONS) {
			ret = -EINVAL;
			break;
		}
		s->count[nr] = count;
		s->ns[nr] = ns;
		snprintf(s->name[nr], sizeof(s->name[nr]), "%s", name);
	}
	fclose(f);
	return ret;
}

/* What to do about stat_read()'s error. */
static const char *stat_hint(int err)
{
	switch (err) {
	case -ENOENT:
		return " (load minivmx; mount -t debugfs none /sys/kernel/debug)";
	case -EACCES:
		return " (debugfs is root's)";
	case -EINVAL:
		return " (not the module's exit_reasons lines)";
	}
	return "";
}

/* The table: totals, and with @prev the rate over @secs seconds. */
static void stat_print(const struct stat_sample *s,
		       const struct stat_sample *prev, double secs)
{
	unsigned long long total = 0, delta = 0;
	unsigned int i;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++) {
		total += s->count[i];
		if (prev)
			delta += s->count[i] - prev->count[i];
	}
	if (prev)
		printf("minivmx exits: %llu, %.0f/s\n\n", total, delta / secs);
	else
		printf("minivmx exits: %llu\n\n", total);
	printf(" %-3s %-24s %12s %7s %10s %10s\n", "nr", "reason", "total",
	       "%total", prev ? "now/s" : "", "avg ns");
	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++) {
		char rate[16] = "";

		if (!s->count[i])
			continue;
		if (prev)
			snprintf(rate, sizeof(rate), "%.0f",
				 (s->count[i] - prev->count[i]) / secs);
		printf(" %-3u %-24s %12llu %6.1f%% %10s %10llu\n", i,
		       s->name[i], s->count[i], 100.0 * s->count[i] / total,
		       rate, s->ns[i] / s->count[i]);
	}
	fflush(stdout);
}

static const char stat_usage[] =
	"usage: minivmx stat [--once] [--interval SECONDS] [--count N]\n"
	"\n"
	"The exits of every VM on this machine, by reason, from the module's\n"
	"counters in debugfs (" DEBUGFS_DIR "; root, debugfs mounted).\n"
	"Refreshed every interval until Ctrl-C, with the rate since the last.\n"
	"The average time from an exit to the next entry is counted while the\n"
	"module parameter exit_time is 1 (/sys/module/minivmx/parameters).\n"
	"\n"
	"  -1, --once           print the totals once and exit\n"
	"  -i, --interval SECS  seconds between refreshes (default 1)\n"
	"  -n, --count N        refresh N times, then exit\n"
	"  -h, --help           this text\n";

int cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = getenv("MINIVMX_DEBUGFS");
	double interval = 1;
	__u64 count = 0;
	struct stat_sample *cur, *prev;
	bool once = false, tty = isatty(STDOUT_FILENO);
	char path[512];
	int c, ret;
	__u64 n;

	while ((c = getopt_long(argc, argv, "+1i:n:h", opts, NULL)) != -1) {
		switch (c) {
		case '1':
			once = true;
			break;
		case 'i':
			if (parse_seconds(optarg, &interval) || interval < 0.01)
				return usage_error("stat",
						   "--interval '%s': expected seconds, 0.01 or more (such as 1 or 0.5)",
						   optarg);
			break;
		case 'n':
			if (parse_size(optarg, &count) || !count)
				return usage_error("stat",
						   "--count '%s': expected a number of refreshes, 1 or more",
						   optarg);
			break;
		case 'h':
			fputs(stat_usage, stdout);
			return MV_EXIT_OK;
		default:
			return option_error("stat", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("stat", "unexpected argument '%s'", argv[optind]);
	snprintf(path, sizeof(path), "%s/exit_reasons", dir ? dir : DEBUGFS_DIR);

	cur = calloc(2, sizeof(*cur));
	if (!cur)
		return MV_EXIT_FAIL;
	prev = cur + 1;
	ret = stat_read(path, cur);
	if (ret) {
		pr_err("%s: %s%s", path, strerror(-ret), stat_hint(ret));
		free(cur);
		return MV_EXIT_FAIL;
	}
	if (once) {
		stat_print(cur, NULL, 0);
		free(cur);
		return MV_EXIT_OK;
	}
	signal(SIGINT, on_sigint);
	for (n = 0; !atomic_load(&stop) && (!count || n < count); n++) {
		struct timespec ts = { (time_t)interval,
				       (long)((interval - (time_t)interval) * 1e9) };
		struct stat_sample *t = prev;

		prev = cur;
		cur = t;
		nanosleep(&ts, NULL);
		if (atomic_load(&stop))
			break;
		ret = stat_read(path, cur);
		if (ret) {
			pr_err("%s: %s", path, strerror(-ret));
			break;
		}
		if (tty)
			fputs("\033[H\033[J", stdout);
		else if (n)
			putchar('\n');
		stat_print(cur, prev, interval);
	}
	free(cur < prev ? cur : prev);
	return ret ? MV_EXIT_FAIL : MV_EXIT_OK;
}
