// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx trace FILE: what `minivmx run --record FILE` recorded, one exit
 * per line in words (exit-decode.c), where each was handled and what the
 * host spent on it; then the host cycles per exit by reason, split
 * between the kernel and userspace.  --json prints the same as one JSON
 * object for scripts.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "trace-file.h"
#include "vmx-names.h"

#define WORDS_MAX	256
#define REASON_FAILED	0x80000000U	/* VM entry failed (SDM 28.2.1) */

static const char trace_usage[] =
	"usage: minivmx trace [OPTIONS] FILE\n"
	"\n"
	"Print the VM exits 'minivmx run --record FILE' recorded: each exit in\n"
	"words, where it was handled (in the kernel or in userspace) and the\n"
	"host cycles it took (TSC at re-entry minus TSC at the exit); then, by\n"
	"exit reason and where it was handled, the count and the fewest,\n"
	"median, mean and most cycles, and the records the ring lost.\n"
	"\n"
	"  -j, --json         the same as one JSON object: \"records\" (an\n"
	"                     array) and \"summary\"\n"
	"  -s, --summary      leave the records out: the figures only\n"
	"  -d, --diff GOLDEN  instead, compare FILE's exits with GOLDEN's, in\n"
	"                     order (reason, RIP, qualification, GPA, length,\n"
	"                     where handled; not the host's interrupts,\n"
	"                     windows, timer or steps, nor any cycle count)\n"
	"                     and print the first that differ\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit codes: 0 printed, or the same exits; 1 FILE cannot be read or is\n"
	"no trace file; 2 usage error; 5 the exits differ.\n";

struct trace_opts {
	bool json;
	bool summary;
	const char *golden;
	const char *path;
};

static const char *where_name(__u32 where)
{
	switch (where) {
	case TRACE_KERNEL:
		return "kernel";
	case TRACE_USER:
		return "userspace";
	default:
		return "all";
	}
}

/* "CPUID", or the number when the name table has none */
static const char *reason_name(__u32 reason, char *buf, size_t len)
{
	const char *name = vmx_exit_reason_name(reason & 0xffff);

	if (name)
		return name;
	snprintf(buf, len, "reason %u", reason & 0xffff);
	return buf;
}

static void print_record(const struct minivmx_exit_record *rec)
{
	char words[WORDS_MAX], num[32];
	__u64 cycles;

	trace_describe(words, sizeof(words), rec);
	printf("%llu: %s at rip %#llx (%s%s, ", (unsigned long long)rec->seq,
	       reason_name(rec->reason, num, sizeof(num)),
	       (unsigned long long)rec->rip,
	       rec->reason & REASON_FAILED ? "VM entry failed, " : "",
	       rec->where ? "to userspace" : "in kernel");
	if (trace_cycles(rec, &cycles))
		printf("%llu cycles)", (unsigned long long)cycles);
	else
		printf("not entered again)");
	printf("%s%s\n", words[0] ? ": " : "", words);
}

static void print_records(const struct trace *t)
{
	__u64 next = 0;
	size_t i;

	for (i = 0; i < t->nr; i++) {
		if (t->rec[i].seq == next + 1)
			printf("[1 record lost: the ring overran (seq %llu)]\n",
			       (unsigned long long)next);
		else if (t->rec[i].seq > next)
			printf("[%llu records lost: the ring overran (seq %llu to %llu)]\n",
			       (unsigned long long)(t->rec[i].seq - next),
			       (unsigned long long)next,
			       (unsigned long long)t->rec[i].seq - 1);
		print_record(&t->rec[i]);
		next = t->rec[i].seq + 1;
	}
}

static void print_group(const struct trace_group *g)
{
	char num[32], name[64];

	if (g->reason == ~0U)
		snprintf(name, sizeof(name), "all");
	else
		snprintf(name, sizeof(name), "%s%s",
			 reason_name(g->reason, num, sizeof(num)),
			 g->reason & REASON_FAILED ? " (entry failed)" : "");
	printf("  %-22s %-10s %8llu", name, where_name(g->where),
	       (unsigned long long)g->count);
	if (g->timed)
		printf(" %10llu %10llu %10llu %10llu\n",
		       (unsigned long long)g->min,
		       (unsigned long long)g->median,
		       (unsigned long long)g->mean,
		       (unsigned long long)g->max);
	else
		printf(" %10s %10s %10s %10s\n", "-", "-", "-", "-");
}

/* Lost records: the writer's count if it finished, else the gaps. */
static __u64 lost(const struct trace *t, const struct trace_stats *s)
{
	return t->complete ? t->hdr.overruns : s->missing;
}

static void print_text(const struct trace_opts *o, const struct trace *t,
		       const struct trace_stats *s)
{
	size_t i;

	printf("%s: %zu records, ring of %u entries, ", o->path, t->nr,
	       t->hdr.ring_entries);
	if (t->hdr.tsc_hz)
		printf("TSC at %llu Hz (1000 cycles: %.3f us)\n",
		       (unsigned long long)t->hdr.tsc_hz,
		       1000.0 * 1e6 / t->hdr.tsc_hz);
	else
		printf("TSC rate unknown\n");
	if (!o->summary)
		print_records(t);
	printf("%llu exits: %llu handled in the kernel, %llu in userspace; ",
	       (unsigned long long)s->total[TRACE_ALL].count,
	       (unsigned long long)s->total[TRACE_KERNEL].count,
	       (unsigned long long)s->total[TRACE_USER].count);
	printf("%llu lost to ring overruns\n", (unsigned long long)lost(t, s));
	if (!t->nr)
		return;
	printf("Host cycles per exit (tsc_entry - tsc_exit):\n");
	printf("  %-22s %-10s %8s %10s %10s %10s %10s\n", "REASON", "WHERE",
	       "COUNT", "MIN", "MEDIAN", "MEAN", "MAX");
	for (i = 0; i < s->nr_groups; i++)
		print_group(&s->groups[i]);
	for (i = 0; i < ARRAY_SIZE(s->total); i++)
		if (s->total[i].count)
			print_group(&s->total[i]);
	if (s->untimed)
		printf("%llu exit%s not entered again (the run ended there): counted, not timed\n",
		       (unsigned long long)s->untimed,
		       s->untimed == 1 ? " was" : "s were");
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_record(const struct minivmx_exit_record *rec)
{
	char words[WORDS_MAX], num[32];
	__u64 cycles;

	trace_describe(words, sizeof(words), rec);
	printf("{\"seq\": %llu, \"reason\": %u, \"name\": ",
	       (unsigned long long)rec->seq, rec->reason & 0xffff);
	json_str(reason_name(rec->reason, num, sizeof(num)));
	printf(", \"entry_failed\": %s, \"where\": \"%s\", \"rip\": %llu",
	       rec->reason & REASON_FAILED ? "true" : "false",
	       where_name(rec->where ? TRACE_USER : TRACE_KERNEL),
	       (unsigned long long)rec->rip);
	printf(", \"insn_len\": %u, \"qualification\": %llu", rec->insn_len,
	       (unsigned long long)rec->qualification);
	printf(", \"gpa\": %llu, \"gla\": %llu", (unsigned long long)rec->gpa,
	       (unsigned long long)rec->gla);
	printf(", \"intr_info\": %u, \"idt_vectoring_info\": %u",
	       rec->intr_info, rec->idt_vectoring_info);
	printf(", \"tsc_exit\": %llu, \"tsc_entry\": %llu, \"cycles\": ",
	       (unsigned long long)rec->tsc_exit,
	       (unsigned long long)rec->tsc_entry);
	if (trace_cycles(rec, &cycles))
		printf("%llu", (unsigned long long)cycles);
	else
		printf("null");
	printf(", \"text\": ");
	json_str(words);
	putchar('}');
}

static void json_group(const struct trace_group *g)
{
	char num[32];

	putchar('{');
	if (g->reason != ~0U) {
		printf("\"reason\": %u, \"name\": ", g->reason & 0xffff);
		json_str(reason_name(g->reason, num, sizeof(num)));
		printf(", \"entry_failed\": %s, ",
		       g->reason & REASON_FAILED ? "true" : "false");
	}
	printf("\"where\": \"%s\", \"count\": %llu, \"timed\": %llu",
	       where_name(g->where), (unsigned long long)g->count,
	       (unsigned long long)g->timed);
	if (g->timed)
		printf(", \"min\": %llu, \"median\": %llu, \"mean\": %llu, \"max\": %llu}",
		       (unsigned long long)g->min,
		       (unsigned long long)g->median,
		       (unsigned long long)g->mean,
		       (unsigned long long)g->max);
	else
		printf(", \"min\": null, \"median\": null, \"mean\": null, \"max\": null}");
}

static void print_json(const struct trace_opts *o, const struct trace *t,
		       const struct trace_stats *s)
{
	size_t i;

	printf("{\"file\": ");
	json_str(o->path);
	printf(", \"version\": %u, \"complete\": %s, \"ring_entries\": %u, \"tsc_hz\": %llu,\n",
	       t->hdr.version, t->complete ? "true" : "false",
	       t->hdr.ring_entries, (unsigned long long)t->hdr.tsc_hz);
	if (!o->summary) {
		printf("\"records\": [");
		for (i = 0; i < t->nr; i++) {
			printf("%s\n  ", i ? "," : "");
			json_record(&t->rec[i]);
		}
		printf("\n],\n");
	}
	printf("\"summary\": {\"records\": %zu, \"kernel\": %llu, \"userspace\": %llu",
	       t->nr, (unsigned long long)s->total[TRACE_KERNEL].count,
	       (unsigned long long)s->total[TRACE_USER].count);
	printf(", \"overruns\": %llu, \"missing\": %llu, \"untimed\": %llu,\n",
	       (unsigned long long)lost(t, s),
	       (unsigned long long)s->missing,
	       (unsigned long long)s->untimed);
	printf("  \"by_reason\": [");
	for (i = 0; i < s->nr_groups; i++) {
		printf("%s\n    ", i ? "," : "");
		json_group(&s->groups[i]);
	}
	printf("\n  ],\n  \"total\": [");
	for (i = 0; i < ARRAY_SIZE(s->total); i++) {
		printf("%s\n    ", i ? "," : "");
		json_group(&s->total[i]);
	}
	printf("\n  ]\n}}\n");
}

/* One side of a --diff: its record, or that it had no more. */
static void print_side(const char *who, const struct trace *t, size_t i)
{
	printf("  %-8s", who);
	if (i < t->nr)
		print_record(&t->rec[i]);
	else
		printf("(no more exits)\n");
}

static int read_trace(const char *path, struct trace *t)
{
	char why[256];
	int ret = trace_read(path, t, why, sizeof(why));

	if (ret) {
		pr_err("%s: %s", path, why[0] ? why : strerror(-ret));
		return ret;
	}
	if (!t->complete)
		pr_err("%s: unfinished (the recording tool did not end its run): %zu records, as many as it holds",
		       path, t->nr);
	return 0;
}

/* --diff GOLDEN FILE */
static int diff(const struct trace_opts *o)
{
	struct trace_diff d;
	struct trace g, t;
	bool same;

	if (read_trace(o->golden, &g))
		return MV_EXIT_FAIL;
	if (read_trace(o->path, &t)) {
		trace_free(&g);
		return MV_EXIT_FAIL;
	}
	same = trace_diff(g.rec, g.nr, t.rec, t.nr, &d);
	if (same) {
		printf("%s: the same %llu exits as %s\n", o->path,
		       (unsigned long long)d.matched, o->golden);
	} else {
		printf("%s parts from %s after %llu exits that match:\n",
		       o->path, o->golden, (unsigned long long)d.matched);
		print_side("golden:", &g, d.a);
		print_side("this:", &t, d.b);
	}
	trace_free(&g);
	trace_free(&t);
	return same ? MV_EXIT_OK : MV_EXIT_DIFFER;
}

/* Return: -1 to go on, else the exit code to return at once. */
static int parse_opts(int argc, char **argv, struct trace_opts *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "summary", no_argument, NULL, 's' },
		{ "diff", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":jsd:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 's':
			o->summary = true;
			break;
		case 'd':
			o->golden = optarg;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			return MV_EXIT_OK;
		default:
			return option_error("trace", c, argv);
		}
	}
	if (optind >= argc)
		return usage_error("trace",
				   "missing FILE, written by 'minivmx run --record FILE'");
	if (optind + 1 < argc)
		return usage_error("trace", "unexpected argument '%s'",
				   argv[optind + 1]);
	o->path = argv[optind];
	if (o->golden && (o->json || o->summary))
		return usage_error("trace",
				   "--diff compares two runs' exits: not with --json or --summary");
	return -1;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o = { 0 };
	struct trace_stats s;
	struct trace t;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (o.golden)
		return diff(&o);
	if (read_trace(o.path, &t))
		return MV_EXIT_FAIL;
	ret = trace_stats(t.rec, t.nr, &s);
	if (ret) {
		pr_err("%s: %s", o.path, strerror(-ret));
		trace_free(&t);
		return MV_EXIT_FAIL;
	}
	if (o.json)
		print_json(&o, &t, &s);
	else
		print_text(&o, &t, &s);
	trace_stats_free(&s);
	trace_free(&t);
	if (fflush(stdout) || ferror(stdout)) {
		pr_err("cannot write the output");
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}
