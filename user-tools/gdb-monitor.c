// SPDX-License-Identifier: GPL-2.0-only
/*
 * gdb's "monitor" commands (qRcmd): what only the hypervisor knows.
 *
 *	monitor vmcs [FIELD...|all|list]	VMCS fields by name (or encoding)
 *	monitor exits [N]		the last N exit records, decoded
 *	monitor walk ADDR		the two-dimensional walk of ADDR
 *	monitor break-exit REASON...	stop after exits of these reasons
 *	monitor break-exit off
 *	monitor stats			VM exits by reason since the start
 *	monitor help
 *
 * The VMCS names and the words for their values are vmcs.c's table, the
 * one "minivmx run --vmcs" prints; other fields can be read by their
 * encoding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>

#include "gdb-int.h"
#include "libminivmx.h"
#include "vmcs.h"
#include "vmx-names.h"

/* What "monitor vmcs" alone shows. */
static const char * const vmcs_default[] = {
	"GUEST_RIP", "GUEST_RSP", "GUEST_RFLAGS", "GUEST_CR0", "GUEST_CR3",
	"GUEST_CR4", "GUEST_IA32_EFER", "GUEST_CS_SELECTOR",
	"GUEST_ACTIVITY_STATE", "GUEST_INTERRUPTIBILITY_INFO",
	"PIN_BASED_VM_EXEC_CONTROL", "CPU_BASED_VM_EXEC_CONTROL",
	"SECONDARY_VM_EXEC_CONTROL", "EXCEPTION_BITMAP", "VM_EXIT_REASON",
	"EXIT_QUALIFICATION",
};

/* One field by MINIVMX_GET_VMCS.  Return: 0 or -errno. */
static int vmcs_read1(struct gdb_stub *s, __u32 enc, __u64 *value)
{
	struct minivmx_vmcs_field f = { .encoding = enc };
	struct minivmx_vmcs_read r = {
		.nr = 1,
		.fields = (__u64)(unsigned long)&f,
	};

	if (ioctl(s->t.vcpu_fd, MINIVMX_GET_VMCS, &r))
		return -errno;
	*value = f.value;
	return 0;
}

/*
 * A field of vmcs.c's table by name (any case, "GUEST_" optional), or any
 * field by encoding.  Return: 0, or -EINVAL.
 */
static int vmcs_field_parse(const char *arg, __u32 *enc)
{
	char guest[64];
	unsigned int i;
	char *end;

	snprintf(guest, sizeof(guest), "GUEST_%s", arg);
	for (i = 0; i < vmcs_nr_fields; i++) {
		if (!strcasecmp(arg, vmcs_fields[i].name) ||
		    !strcasecmp(guest, vmcs_fields[i].name)) {
			*enc = vmcs_fields[i].encoding;
			return 0;
		}
	}
	*enc = strtoul(arg, &end, 0);
	return *arg && !*end && *enc <= 0xffff ? 0 : -EINVAL;
}

static void show_vmcs_field(struct gdb_stub *s, const char *arg)
{
	const struct vmcs_field_desc *f;
	char words[512] = "";
	__u64 value = 0;
	__u32 enc;
	int ret;

	if (vmcs_field_parse(arg, &enc)) {
		gdb_console(s, "%-30s unknown field (see \"monitor vmcs list\")\n",
			    arg);
		return;
	}
	f = vmcs_field_find(enc);
	ret = vmcs_read1(s, enc, &value);
	if (ret) {
		gdb_console(s, "%-30s (%#06x) %s\n", f ? f->name : arg, enc,
			    ret == -EPERM ? "host state: not readable" :
			    ret == -EINVAL ? "not supported by this CPU" :
			    strerror(-ret));
		return;
	}
	if (f)
		vmcs_describe(words, sizeof(words), f, value, NULL, NULL);
	gdb_console(s, "%-30s 0x%016llx%s%s\n", f ? f->name : arg,
		    (unsigned long long)value, words[0] ? "  " : "", words);
}

/* Every field of the table, grouped as the SDM groups them (vmcs.c). */
static void show_vmcs_all(struct gdb_stub *s)
{
	__u64 *values = calloc(vmcs_nr_fields, sizeof(*values));
	int *errs = calloc(vmcs_nr_fields, sizeof(*errs));
	char *text = NULL, *line, *save;
	size_t len = 0;
	unsigned int i;
	FILE *out;

	out = values && errs ? open_memstream(&text, &len) : NULL;
	if (out) {
		for (i = 0; i < vmcs_nr_fields; i++)
			errs[i] = vmcs_read1(s, vmcs_fields[i].encoding,
					     &values[i]);
		vmcs_print(out, values, errs);
		fclose(out);
	}
	if (!text)
		gdb_console(s, "vmcs: out of memory\n");
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		gdb_console(s, "%s\n", line);
	free(text);
	free(errs);
	free(values);
}

static void cmd_vmcs(struct gdb_stub *s, int argc, char **argv)
{
	unsigned int i;

	if (argc == 1) {
		for (i = 0; i < ARRAY_SIZE(vmcs_default); i++)
			show_vmcs_field(s, vmcs_default[i]);
		return;
	}
	if (argc == 2 && !strcmp(argv[1], "all")) {
		show_vmcs_all(s);
		return;
	}
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (i = 0; i < vmcs_nr_fields; i++)
			gdb_console(s, "%#06x %s\n", vmcs_fields[i].encoding,
				    vmcs_fields[i].name);
		return;
	}
	for (i = 1; i < (unsigned int)argc; i++)
		show_vmcs_field(s, argv[i]);
}

static const char *reason_name(__u32 reason)
{
	const char *name = vmx_exit_reason_name(reason & 0xffff);

	return name ? name : "?";
}

static void cmd_exits(struct gdb_stub *s, int argc, char **argv)
{
	const struct minivmx_exit_record *rec;
	unsigned long n = 10;
	__u64 head, seq, first;
	char *end;

	if (!s->ring) {
		gdb_console(s, "no exit-record ring: the module has no MINIVMX_SET_EXIT_RING\n");
		return;
	}
	if (argc > 1) {
		n = strtoul(argv[1], &end, 0);
		if (*end || !n) {
			gdb_console(s, "usage: monitor exits [N]\n");
			return;
		}
	}
	if (n > s->ring->entries)
		n = s->ring->entries;
	head = __atomic_load_n(&s->ring->head, __ATOMIC_ACQUIRE);
	first = head > n ? head - n : 0;
	rec = (const void *)((const char *)s->ring + MINIVMX_RING_RECORDS);
	gdb_console(s, "%8s  %-20s %-18s %-18s %s\n", "seq", "reason", "rip",
		    "qualification", "handled");
	for (seq = first; seq < head; seq++) {
		const struct minivmx_exit_record *r =
			&rec[seq & (s->ring->entries - 1)];

		if (r->seq != seq)
			continue;	/* overwritten while we read */
		gdb_console(s, "%8llu  %-20s 0x%016llx 0x%016llx %s\n",
			    (unsigned long long)r->seq, reason_name(r->reason),
			    (unsigned long long)r->rip,
			    (unsigned long long)r->qualification,
			    r->where == MINIVMX_RING_USER ? "user" : "kernel");
	}
	gdb_console(s, "%llu exits recorded, %llu overwritten unread\n",
		    (unsigned long long)head,
		    (unsigned long long)s->ring->overruns);
}

static void print_ept(struct gdb_stub *s, const struct minivmx_walk_level *l)
{
	static const char * const names[] = { "PML4E", "PDPTE", "PDE", "PTE" };
	unsigned int i;

	for (i = 0; i < l->ept_levels && i < 4; i++)
		gdb_console(s, "      EPT %-5s 0x%016llx\n", names[i],
			    (unsigned long long)l->ept[i]);
}

/*
 * The names of the guest's levels, from the top, by paging mode: the walk
 * stops early at a large page (levels says how far it went).
 */
static const char * const *level_names(struct gdb_stub *s)
{
	static const char * const n4[] = { "PML4E", "PDPTE", "PDE", "PTE" };
	static const char * const pae[] = { "PDPTE", "PDE", "PTE", "" };
	static const char * const n2[] = { "PDE", "PTE", "", "" };
	struct minivmx_sregs sr;

	if (minivmx_get_sregs(s->t.vcpu_fd, &sr))
		return n4;
	if (sr.efer & (1ULL << 10))		/* EFER.LMA */
		return n4;
	return sr.cr4 & (1ULL << 5) ? pae : n2;	/* CR4.PAE */
}

static void cmd_walk(struct gdb_stub *s, int argc, char **argv)
{
	struct minivmx_translate tr = { 0 };
	const char * const *names;
	unsigned int i;
	char *end;

	if (argc != 2) {
		gdb_console(s, "usage: monitor walk ADDR\n");
		return;
	}
	tr.gva = strtoull(argv[1], &end, 0);
	if (*end) {
		gdb_console(s, "walk: '%s' is not an address\n", argv[1]);
		return;
	}
	if (!s->has_translate || ioctl(s->t.vcpu_fd, MINIVMX_TRANSLATE, &tr)) {
		gdb_console(s, "walk: MINIVMX_TRANSLATE: %s\n",
			    s->has_translate ? strerror(errno) :
			    "not in this module");
		return;
	}
	names = level_names(s);
	gdb_console(s, "linear 0x%llx: %u guest paging level%s%s\n",
		    (unsigned long long)tr.gva, tr.levels,
		    tr.levels == 1 ? "" : "s",
		    tr.levels ? "" : " (paging off: linear is physical)");
	for (i = 0; i < tr.levels && i < 4; i++) {
		if (!tr.level[i].gpa && !strcmp(names[i], "PDPTE"))
			gdb_console(s, "  %-5s from the VMCS:  0x%016llx\n",
				    names[i],
				    (unsigned long long)tr.level[i].entry);
		else
			gdb_console(s, "  %-5s at GPA 0x%llx: 0x%016llx\n",
				    names[i],
				    (unsigned long long)tr.level[i].gpa,
				    (unsigned long long)tr.level[i].entry);
		print_ept(s, &tr.level[i]);
	}
	switch (tr.status) {
	case MINIVMX_WALK_OK:
		gdb_console(s, "  data  at GPA 0x%llx\n",
			    (unsigned long long)tr.gpa);
		print_ept(s, &tr.data);
		if (tr.hpa)
			gdb_console(s, "  HPA 0x%llx\n",
				    (unsigned long long)tr.hpa);
		break;
	case MINIVMX_WALK_PAGE_FAULT:
		gdb_console(s, "  page fault, error code %#x\n", tr.error);
		break;
	default:
		gdb_console(s, "  not guest RAM (status %u)\n", tr.status);
		break;
	}
}

/* An exit reason by name (any case) or number. */
static int reason_parse(const char *arg, unsigned int *nr)
{
	const char *name;
	char *end;

	for (*nr = 0; *nr < MINIVMX_NR_VMX_EXIT_REASONS; (*nr)++) {
		name = vmx_exit_reason_name(*nr);
		if (name && !strcasecmp(name, arg))
			return 0;
	}
	*nr = strtoul(arg, &end, 0);
	return *arg && !*end && *nr < MINIVMX_NR_VMX_EXIT_REASONS ? 0 : -EINVAL;
}

static void cmd_break_exit(struct gdb_stub *s, int argc, char **argv)
{
	__u64 bitmap[2] = { 0 };
	unsigned int nr;
	int i;

	if (argc == 1) {
		for (nr = 0; nr < MINIVMX_NR_VMX_EXIT_REASONS; nr++)
			if (s->exit_bitmap[nr / 64] & (1ULL << (nr % 64)))
				gdb_console(s, "break on exit %s (%u)\n",
					    reason_name(nr), nr);
		return;
	}
	if (argc == 2 && !strcmp(argv[1], "off")) {
		memset(s->exit_bitmap, 0, sizeof(s->exit_bitmap));
		gdb_console(s, "exit breakpoints off\n");
		return;
	}
	for (i = 1; i < argc; i++) {
		if (reason_parse(argv[i], &nr)) {
			gdb_console(s, "break-exit: unknown exit reason '%s'\n",
				    argv[i]);
			return;
		}
		bitmap[nr / 64] |= 1ULL << (nr % 64);
	}
	s->exit_bitmap[0] |= bitmap[0];
	s->exit_bitmap[1] |= bitmap[1];
	for (i = 1; i < argc; i++) {
		reason_parse(argv[i], &nr);
		gdb_console(s, "the guest stops after each %s exit (%u)\n",
			    reason_name(nr), nr);
	}
}

static void cmd_stats(struct gdb_stub *s)
{
	const __u64 *count = s->t.run->exit_count;
	unsigned long long total = 0;
	unsigned int nr;

	for (nr = 0; nr < MINIVMX_NR_VMX_EXIT_REASONS; nr++) {
		if (!count[nr])
			continue;
		gdb_console(s, "%-22s %10llu\n", reason_name(nr),
			    (unsigned long long)count[nr]);
		total += count[nr];
	}
	gdb_console(s, "%-22s %10llu\n", "total", total);
}

static const char monitor_help[] =
	"monitor vmcs [FIELD...]        VMCS fields by name or encoding (list: the names; all)\n"
	"monitor exits [N]              the last N VM exits (10), from the exit-record ring\n"
	"monitor walk ADDR              the guest page walk of ADDR, then EPT, level by level\n"
	"monitor break-exit REASON...   stop after each exit of these reasons (CPUID, 10, ...)\n"
	"monitor break-exit off         no more exit breakpoints\n"
	"monitor stats                  VM exits by reason since the vCPU was created\n";

/* One "monitor" line: output in O packets, then OK. */
void gdb_monitor(struct gdb_stub *s, const char *cmd)
{
	char line[GDB_PACKET_SIZE / 2 + 1], *argv[16], *tok, *save;
	int argc = 0;

	snprintf(line, sizeof(line), "%s", cmd);
	for (tok = strtok_r(line, " \t", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	if (!argc || !strcmp(argv[0], "help"))
		gdb_console(s, "%s", monitor_help);
	else if (!strcmp(argv[0], "vmcs"))
		cmd_vmcs(s, argc, argv);
	else if (!strcmp(argv[0], "exits"))
		cmd_exits(s, argc, argv);
	else if (!strcmp(argv[0], "walk"))
		cmd_walk(s, argc, argv);
	else if (!strcmp(argv[0], "break-exit"))
		cmd_break_exit(s, argc, argv);
	else if (!strcmp(argv[0], "stats"))
		cmd_stats(s);
	else
		gdb_console(s, "unknown monitor command '%s'; try \"monitor help\"\n",
			    argv[0]);
	gdb_put_str(s, "OK");
}

/* Before the stop reply of an exit breakpoint: which exit it was. */
void gdb_report_exit_bp(struct gdb_stub *s)
{
	const struct minivmx_run *run = s->t.run;

	gdb_console(s, "minivmx: stopped after a %s exit (%u) at rip 0x%llx, qualification %#llx\n",
		    reason_name(run->debug.vmx_exit_reason),
		    run->debug.vmx_exit_reason,
		    (unsigned long long)run->debug.exit_rip,
		    (unsigned long long)run->debug.exit_qualification);
}
