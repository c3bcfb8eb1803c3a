// SPDX-License-Identifier: GPL-2.0-only
/*
 * gdb's "monitor" commands (qRcmd): what only the hypervisor knows.
 *
 *	monitor vmcs [FIELD...]		VMCS fields by name (or encoding)
 *	monitor exits [N]		the last N exit records, decoded
 *	monitor walk ADDR		the two-dimensional walk of ADDR
 *	monitor break-exit REASON...	stop after exits of these reasons
 *	monitor break-exit off
 *	monitor stats			VM exits by reason since the start
 *	monitor help
 *
 * The VMCS names are a small table of our own (the guest-state, control
 * and exit-information fields a debugging session asks for), with KVM's
 * names for them; other fields can be read by their encoding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>

#include "gdb-int.h"
#include "libminivmx.h"
#include "vmx-names.h"

/* Encodings: SDM Vol. 3D, Appendix B. */
static const struct vmcs_name {
	const char *name;
	unsigned int enc;
} vmcs_names[] = {
	{ "GUEST_ES_SELECTOR", 0x0800 }, { "GUEST_CS_SELECTOR", 0x0802 },
	{ "GUEST_SS_SELECTOR", 0x0804 }, { "GUEST_DS_SELECTOR", 0x0806 },
	{ "GUEST_FS_SELECTOR", 0x0808 }, { "GUEST_GS_SELECTOR", 0x080a },
	{ "GUEST_LDTR_SELECTOR", 0x080c }, { "GUEST_TR_SELECTOR", 0x080e },
	{ "EPT_POINTER", 0x201a },
	{ "GUEST_PHYSICAL_ADDRESS", 0x2400 },
	{ "VMCS_LINK_POINTER", 0x2800 }, { "GUEST_IA32_DEBUGCTL", 0x2802 },
	{ "GUEST_IA32_PAT", 0x2804 }, { "GUEST_IA32_EFER", 0x2806 },
	{ "PIN_BASED_VM_EXEC_CONTROL", 0x4000 },
	{ "CPU_BASED_VM_EXEC_CONTROL", 0x4002 },
	{ "EXCEPTION_BITMAP", 0x4004 },
	{ "VM_EXIT_CONTROLS", 0x400c }, { "VM_ENTRY_CONTROLS", 0x4012 },
	{ "VM_ENTRY_INTR_INFO_FIELD", 0x4016 },
	{ "SECONDARY_VM_EXEC_CONTROL", 0x401e },
	{ "VM_INSTRUCTION_ERROR", 0x4400 }, { "VM_EXIT_REASON", 0x4402 },
	{ "VM_EXIT_INTR_INFO", 0x4404 }, { "VM_EXIT_INTR_ERROR_CODE", 0x4406 },
	{ "IDT_VECTORING_INFO_FIELD", 0x4408 },
	{ "VM_EXIT_INSTRUCTION_LEN", 0x440c }, { "VMX_INSTRUCTION_INFO", 0x440e },
	{ "GUEST_CS_LIMIT", 0x4802 }, { "GUEST_GDTR_LIMIT", 0x4810 },
	{ "GUEST_IDTR_LIMIT", 0x4812 }, { "GUEST_CS_AR_BYTES", 0x4816 },
	{ "GUEST_SS_AR_BYTES", 0x4818 }, { "GUEST_TR_AR_BYTES", 0x4822 },
	{ "GUEST_INTERRUPTIBILITY_INFO", 0x4824 },
	{ "GUEST_ACTIVITY_STATE", 0x4826 },
	{ "CR0_GUEST_HOST_MASK", 0x6000 }, { "CR4_GUEST_HOST_MASK", 0x6002 },
	{ "CR0_READ_SHADOW", 0x6004 }, { "CR4_READ_SHADOW", 0x6006 },
	{ "EXIT_QUALIFICATION", 0x6400 }, { "GUEST_LINEAR_ADDRESS", 0x640a },
	{ "GUEST_CR0", 0x6800 }, { "GUEST_CR3", 0x6802 },
	{ "GUEST_CR4", 0x6804 }, { "GUEST_CS_BASE", 0x6808 },
	{ "GUEST_FS_BASE", 0x680e }, { "GUEST_GS_BASE", 0x6810 },
	{ "GUEST_TR_BASE", 0x6814 }, { "GUEST_GDTR_BASE", 0x6816 },
	{ "GUEST_IDTR_BASE", 0x6818 }, { "GUEST_DR7", 0x681a },
	{ "GUEST_RSP", 0x681c }, { "GUEST_RIP", 0x681e },
	{ "GUEST_RFLAGS", 0x6820 },
	{ "GUEST_PENDING_DBG_EXCEPTIONS", 0x6822 },
};

/* What "monitor vmcs" alone shows. */
static const char * const vmcs_default[] = {
	"GUEST_RIP", "GUEST_RSP", "GUEST_RFLAGS", "GUEST_CR0", "GUEST_CR3",
	"GUEST_CR4", "GUEST_IA32_EFER", "GUEST_CS_SELECTOR",
	"GUEST_ACTIVITY_STATE", "GUEST_INTERRUPTIBILITY_INFO",
	"PIN_BASED_VM_EXEC_CONTROL", "CPU_BASED_VM_EXEC_CONTROL",
	"SECONDARY_VM_EXEC_CONTROL", "EXCEPTION_BITMAP", "VM_EXIT_REASON",
	"EXIT_QUALIFICATION",
};

static const char *vmcs_field_name(unsigned int enc)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vmcs_names); i++)
		if (vmcs_names[i].enc == enc)
			return vmcs_names[i].name;
	return NULL;
}

/* A field by name (any case, "GUEST_" optional) or by encoding. */
static int vmcs_field_parse(const char *arg, unsigned int *enc)
{
	char guest[64];
	char *end;
	size_t i;

	snprintf(guest, sizeof(guest), "GUEST_%s", arg);
	for (i = 0; i < ARRAY_SIZE(vmcs_names); i++) {
		if (!strcasecmp(arg, vmcs_names[i].name) ||
		    !strcasecmp(guest, vmcs_names[i].name)) {
			*enc = vmcs_names[i].enc;
			return 0;
		}
	}
	*enc = strtoul(arg, &end, 0);
	return *arg && !*end && *enc <= 0xffff ? 0 : -EINVAL;
}

static void show_vmcs_field(struct gdb_stub *s, const char *arg)
{
	struct minivmx_vmcs_field f = { 0 };
	struct minivmx_vmcs_read r = {
		.nr = 1,
		.fields = (__u64)(unsigned long)&f,
	};
	const char *name;

	if (vmcs_field_parse(arg, &f.encoding)) {
		gdb_console(s, "%-30s unknown field (see \"monitor vmcs list\")\n",
			    arg);
		return;
	}
	name = vmcs_field_name(f.encoding);
	if (ioctl(s->t.vcpu_fd, MINIVMX_GET_VMCS, &r)) {
		gdb_console(s, "%-30s (%#06x) %s\n", name ? name : arg,
			    f.encoding,
			    errno == EPERM ? "host state: not readable" :
			    errno == EINVAL ? "not supported by this CPU" :
			    strerror(errno));
		return;
	}
	gdb_console(s, "%-30s 0x%016llx\n", name ? name : arg,
		    (unsigned long long)f.value);
}

static void cmd_vmcs(struct gdb_stub *s, int argc, char **argv)
{
	size_t i;

	if (argc == 1) {
		for (i = 0; i < ARRAY_SIZE(vmcs_default); i++)
			show_vmcs_field(s, vmcs_default[i]);
		return;
	}
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (i = 0; i < ARRAY_SIZE(vmcs_names); i++)
			gdb_console(s, "%#06x %s\n", vmcs_names[i].enc,
				    vmcs_names[i].name);
		return;
	}
	for (i = 1; i < (size_t)argc; i++)
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
	"monitor vmcs [FIELD...]        VMCS fields by name or encoding (vmcs list: the names)\n"
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
