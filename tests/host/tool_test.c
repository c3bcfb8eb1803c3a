// SPDX-License-Identifier: GPL-2.0-only
/*
 * The minivmx tool as a user runs it: exit codes and messages for bad
 * command lines and a missing device, `info --msrs` on a dump of Bochs's
 * VMX MSRs, malformed dumps, and (through minivmx-fakedev, the same tool
 * linked against fake_device.c) the per-CPU table and the device errors.
 * `minivmx run` has its own file, run_test.c.
 *
 * MINIVMX_BIN, FAKEDEV_BIN and FIXTURES_DIR come from the Makefile.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tool_run.h"

#define FIXTURE_FILE	FIXTURES_DIR "/bochs-3.0-corei7_skylake_x.msrs"

/* A "  label    value" line of minivmx info, whatever the padding. */
static bool has_field(const char *text, const char *label, const char *value)
{
	size_t llen = strlen(label), vlen = strlen(value);
	const char *p, *v;

	for (p = text; (p = strstr(p, label)); p++) {
		if (p - text < 3 || strncmp(p - 3, "\n  ", 3))
			continue;
		v = p + llen;
		if (*v != ' ')
			continue;
		v += strspn(v, " ");
		if (!strncmp(v, value, vlen) && v[vlen] == '\n')
			return true;
	}
	return false;
}

/* The lines from the one starting with @title up to the next blank line. */
static const char *section(const char *text, const char *title)
{
	static char buf[TEXT_MAX];
	const char *start = text, *end;

	while ((start = strstr(start, title))) {
		if (start == text || start[-1] == '\n')
			break;
		start++;
	}
	if (!start)
		return "";
	end = strstr(start, "\n\n");
	snprintf(buf, sizeof(buf), "%.*s\n",
		 (int)(end ? end - start : (long)strlen(start)), start);
	return buf;
}

/* "  bit  setting   control" rows. */
static bool has_ctl(const char *sect, unsigned int bit, const char *setting,
		    const char *name)
{
	char line[128];

	snprintf(line, sizeof(line), "  %3u  %-8s  %s", bit, setting, name);
	return has_line(sect, line);
}

/* The fixture without its comment lines: what --raw must print. */
static void fixture_msr_lines(char *buf, size_t size)
{
	FILE *f = fopen(FIXTURE_FILE, "r");
	char line[256];
	size_t len = 0;

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (line[0] != '#' && len + strlen(line) < size)
			len += snprintf(buf + len, size - len, "%s", line);
	if (f)
		fclose(f);
}

/*
 * The fixture's MSR lines less those starting with any of @drop, then
 * @add; written to a temporary file whose name lands in @path.
 */
static int write_dump(char *path, const char *const *drop, const char *add)
{
	char msrs[TEXT_MAX], *line, *save;
	FILE *f;
	int fd, i;

	strcpy(path, "/tmp/minivmx-dump-XXXXXX");
	fd = mkstemp(path);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f)
		return -1;
	fixture_msr_lines(msrs, sizeof(msrs));
	for (line = strtok_r(msrs, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; drop[i]; i++)
			if (!strncmp(line, drop[i], strlen(drop[i])))
				break;
		if (!drop[i])
			fprintf(f, "%s\n", line);
	}
	fputs(add, f);
	return fclose(f);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/* Checks that log what they looked for and where. */
static void expect_line(struct __test_metadata *_metadata, const char *text,
			const char *line)
{
	EXPECT_TRUE(has_line(text, line))
		TH_LOG("no line '%s' in:\n%s", line, text);
}

static void expect_field(struct __test_metadata *_metadata, const char *text,
			 const char *label, const char *value)
{
	EXPECT_TRUE(has_field(text, label, value))
		TH_LOG("no '%s ... %s' in:\n%s", label, value, text);
}

static void expect_in(struct __test_metadata *_metadata, const char *text,
		      const char *needle)
{
	EXPECT_NE(NULL, strstr(text, needle))
		TH_LOG("no '%s' in:\n%s", needle, text);
}

/* Command line handling. */

TEST(help_lists_commands)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("--help"), NO_ENV, NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.out, "usage: minivmx");
	expect_in(_metadata, r.out, "\n  info ");
	expect_in(_metadata, r.out, "\n  help ");
	expect_in(_metadata, r.out, "\n  run ");
	EXPECT_STREQ("", r.err);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("-h"), NO_ENV, NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.out, "usage: minivmx");
}

TEST(version)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("--version"), NO_ENV, NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.out, "minivmx 0.1 (ABI version 1)");
}

TEST(no_command_is_usage_error)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, NONE, NO_ENV, NULL));
	EXPECT_EQ(2, r.status);
	expect_in(_metadata, r.err, "usage: minivmx");
	EXPECT_STREQ("", r.out);
}

TEST(unknown_option_is_usage_error)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("--frobnicate"), NO_ENV, NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err, "minivmx: unknown option '--frobnicate'");
	expect_line(_metadata, r.err, "Try 'minivmx --help'.");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("-q"), NO_ENV, NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err, "minivmx: unknown option '-q'");
}

TEST(unknown_command_is_usage_error)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("frobnicate"), NO_ENV, NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err, "minivmx: unknown command 'frobnicate'");
}

/* minivmx stat on a file in the module's format ($MINIVMX_DEBUGFS). */
TEST(stat_prints_the_exit_table)
{
	char dir[] = "/tmp/minivmx-stat-XXXXXX", path[64], env[96];
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/exit_reasons", dir);
	snprintf(env, sizeof(env), "MINIVMX_DEBUGFS=%s", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("1 EXTERNAL_INTERRUPT 10 5000\n12 HLT 30 0\n"
	      "30 IO_INSTRUCTION 60 120000\n", f);
	fclose(f);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("stat", "--once"), ARGS(env), NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.out, "minivmx exits: 100");
	expect_in(_metadata, r.out, " 30  IO_INSTRUCTION");
	expect_in(_metadata, r.out, "60   60.0%");
	expect_in(_metadata, r.out, "2000\n");		/* 120000 ns / 60 */
	ASSERT_EQ(0, run(MINIVMX_BIN,
			 ARGS("stat", "--count", "2", "--interval", "0.01"),
			 ARGS(env), NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.out, "minivmx exits: 100, 0/s");
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("not the module's\n", f);
	fclose(f);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("stat", "--once"), ARGS(env), NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "not the module's exit_reasons lines");
	unlink(path);
	rmdir(dir);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("stat", "--once"),
			 ARGS("MINIVMX_DEBUGFS=/nonexistent"), NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "mount -t debugfs");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("stat", "--interval", "0"), NO_ENV,
			 NULL));
	EXPECT_EQ(2, r.status);
	expect_in(_metadata, r.err, "--interval '0'");
}

TEST(info_help)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--help"), NO_DEVICE,
			 NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.out, "usage: minivmx info");
	expect_in(_metadata, r.out, "--msrs FILE");
	expect_in(_metadata, r.out, "--raw");
	expect_in(_metadata, r.out, "--no-cpus");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("help", "info"), NO_DEVICE, NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.out, "usage: minivmx info");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "-h"), NO_DEVICE, NULL));
	EXPECT_EQ(0, r.status);
}

TEST(info_bad_options_are_usage_errors)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--frobnicate"),
			 NO_DEVICE, NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err, "minivmx info: unknown option '--frobnicate'");
	expect_line(_metadata, r.err, "Try 'minivmx info --help'.");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--msrs"), NO_DEVICE,
			 NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err, "minivmx info: option '--msrs' needs an argument");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "extra"), NO_DEVICE,
			 NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err, "minivmx info: unexpected argument 'extra'");
	EXPECT_STREQ("", r.out);
}

/* The device. */

TEST(missing_device_says_load_the_module)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info"), NO_DEVICE, NULL));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: /nonexistent not found: load the module first (sudo insmod kmod/minivmx.ko); if that fails, dmesg says why");
	EXPECT_STREQ("", r.out);
}

TEST(non_minivmx_node_is_named)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info"), FAKE_DEVICE, NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "/dev/null is not a minivmx device");
}

TEST(permission_denied_says_so)
{
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info"),
			 ARGS("MINIVMX_DEVICE=/dev/null",
			      "FAKE_MINIVMX_OPEN_ERRNO=13"), NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "minivmx: /dev/null: permission denied: run as root");
}

TEST(api_mismatch_says_so)
{
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info"),
			 ARGS("MINIVMX_DEVICE=/dev/null", "FAKE_MINIVMX_API=2"),
			 NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "speaks API version 2, this tool speaks 1");
}

TEST(module_without_vmx_info_says_so)
{
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info"),
			 ARGS("MINIVMX_DEVICE=/dev/null",
			      "FAKE_MINIVMX_NO_INFO_CAP=1"), NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "does not offer MINIVMX_GET_VMX_INFO");
}

TEST(vmx_info_error_is_reported)
{
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info"),
			 ARGS("MINIVMX_DEVICE=/dev/null",
			      "FAKE_MINIVMX_INFO_ERRNO=5"), NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "cannot read the VMX information: Input/output error");
}

TEST(per_cpu_table)
{
	const char *cpus;

	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info"), FAKE_DEVICE, NULL));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	expect_line(_metadata, r.out, "VMX capabilities from /dev/null (minivmx 0.1, API 1)");
	cpus = section(r.out, "minivmx per-CPU state");
	expect_line(_metadata, cpus, "minivmx per-CPU state (4 possible CPUs)");
	expect_line(_metadata, cpus, "  cpu  online  vmxon  CR4.VMXE  feature-control");
	expect_line(_metadata, cpus,
		    "    0  yes     yes    1         0x0000000000000005 (locked, VMX outside SMX)");
	expect_line(_metadata, cpus,
		    "    2  yes     yes    1         0x0000000000000005 (locked, VMX outside SMX)");
	expect_line(_metadata, cpus, "    3  no      -      -         -");
	expect_line(_metadata, cpus, "VMX on: 3 of 3 online CPUs");
}

TEST(per_cpu_table_flags_missing_vmxon)
{
	const char *cpus;

	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info"),
			 ARGS("MINIVMX_DEVICE=/dev/null",
			      "FAKE_MINIVMX_NO_VMXON=1"), NULL));
	ASSERT_EQ(0, r.status);
	cpus = section(r.out, "minivmx per-CPU state");
	expect_line(_metadata, cpus,
		    "    1  yes     no     0         0x0000000000000005 (locked, VMX outside SMX)");
	expect_line(_metadata, cpus, "VMX on: 2 of 3 online CPUs");
	expect_in(_metadata, cpus, "dmesg says why");
}

TEST(per_cpu_table_after_e2big_retry)
{
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info"),
			 ARGS("MINIVMX_DEVICE=/dev/null", "FAKE_MINIVMX_GROW=1",
			      "FAKE_MINIVMX_NR_CPUS=8", "FAKE_MINIVMX_OFFLINE=-1"),
			 NULL));
	ASSERT_EQ(0, r.status);
	expect_line(_metadata, r.out, "minivmx per-CPU state (8 possible CPUs)");
	expect_line(_metadata, r.out,
		    "    7  yes     yes    1         0x0000000000000005 (locked, VMX outside SMX)");
	expect_line(_metadata, r.out, "VMX on: 8 of 8 online CPUs");
}

TEST(no_cpus_leaves_out_the_table)
{
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info", "--no-cpus"), FAKE_DEVICE,
			 NULL));
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(NULL, strstr(r.out, "per-CPU"));
	EXPECT_EQ(NULL, strstr(r.out, "VMX on:"));
	expect_in(_metadata, r.out, "IA32_VMX_BASIC (0x480) = 0x00d810000000002b");
}

TEST(device_raw_is_the_dump_format)
{
	static char want[TEXT_MAX];

	fixture_msr_lines(want, sizeof(want));
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("info", "--raw"), FAKE_DEVICE,
			 NULL));
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ(want, r.out);
}

/* Decoding the Bochs dump. */

static void run_fixture(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--msrs", FIXTURE_FILE),
			 NO_DEVICE, NULL));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("", r.err);
}

TEST(decode_basic)
{
	run_fixture(_metadata);
	expect_line(_metadata, r.out,
		    "VMX capabilities decoded from the dump " FIXTURE_FILE);
	expect_field(_metadata, r.out, "VMCS revision id (bits 30:0)", "0x2b");
	expect_field(_metadata, r.out, "VMCS region size (bits 44:32)", "4096 bytes");
	expect_field(_metadata, r.out, "memory type for the VMCS (bits 53:50)", "WB (6)");
	expect_field(_metadata, r.out, "physical addresses limited to 32 bits (bit 48)", "no");
	expect_field(_metadata, r.out, "dual-monitor treatment of SMI and SMM (bit 49)", "no");
	expect_field(_metadata, r.out, "INS/OUTS exit information (bit 54)", "yes");
	expect_field(_metadata, r.out, "TRUE controls MSRs (bit 55)",
		     "yes (the controls below come from IA32_VMX_TRUE_*_CTLS)");
}

TEST(decode_controls)
{
	const char *s;

	run_fixture(_metadata);
	s = section(r.out, "Pin-based VM-execution controls");
	expect_in(_metadata, s, "IA32_VMX_TRUE_PINBASED_CTLS = 0x000000ff00000016");
	EXPECT_TRUE(has_ctl(s, 0, "flexible", "External-interrupt exiting"));
	EXPECT_TRUE(has_ctl(s, 1, "fixed 1", "bit 1 (reserved)"));
	EXPECT_TRUE(has_ctl(s, 6, "flexible", "Activate VMX-preemption timer"));
	s = section(r.out, "Primary processor-based VM-execution controls");
	EXPECT_TRUE(has_ctl(s, 7, "flexible", "HLT exiting"));
	EXPECT_TRUE(has_ctl(s, 15, "flexible", "CR3-load exiting"));
	EXPECT_TRUE(has_ctl(s, 17, "fixed 0", "Activate tertiary controls"));
	EXPECT_TRUE(has_ctl(s, 25, "flexible", "Use I/O bitmaps"));
	EXPECT_TRUE(has_ctl(s, 26, "fixed 1", "bit 26 (reserved)"));
	EXPECT_TRUE(has_ctl(s, 27, "flexible", "Monitor trap flag"));
	EXPECT_TRUE(has_ctl(s, 31, "flexible", "Activate secondary controls"));
	EXPECT_FALSE(has_ctl(s, 0, "fixed 0", "bit 0 (reserved)"));
	s = section(r.out, "Secondary processor-based VM-execution controls");
	EXPECT_TRUE(has_ctl(s, 1, "flexible", "Enable EPT"));
	EXPECT_TRUE(has_ctl(s, 5, "flexible", "Enable VPID"));
	EXPECT_TRUE(has_ctl(s, 7, "flexible", "Unrestricted guest"));
	EXPECT_TRUE(has_ctl(s, 15, "fixed 0", "Enable ENCLS exiting"));
	s = section(r.out, "VM-exit controls");
	EXPECT_TRUE(has_ctl(s, 2, "flexible", "Save debug controls"));
	EXPECT_TRUE(has_ctl(s, 9, "flexible", "Host address-space size"));
	EXPECT_TRUE(has_ctl(s, 21, "flexible", "Load IA32_EFER"));
	EXPECT_TRUE(has_ctl(s, 28, "fixed 0", "Load CET state"));
	s = section(r.out, "VM-entry controls");
	EXPECT_TRUE(has_ctl(s, 9, "flexible", "IA-32e mode guest"));
	EXPECT_TRUE(has_ctl(s, 15, "flexible", "Load IA32_EFER"));
	EXPECT_TRUE(has_ctl(s, 12, "fixed 1", "bit 12 (reserved)"));
}

TEST(decode_ept_vpid)
{
	const char *s;

	run_fixture(_metadata);
	s = section(r.out, "EPT and VPID capabilities");
	expect_in(_metadata, s, "IA32_VMX_EPT_VPID_CAP = 0x00000f0106734141");
	expect_field(_metadata, s, "execute-only EPT translations (bit 0)", "yes");
	expect_field(_metadata, s, "page-walk length 4 (bit 6)", "yes");
	expect_field(_metadata, s, "page-walk length 5 (bit 7)", "no");
	expect_field(_metadata, s, "UC memory type for EPT paging structures (bit 8)", "yes");
	expect_field(_metadata, s, "WB memory type for EPT paging structures (bit 14)", "yes");
	expect_field(_metadata, s, "2-MByte EPT pages (bit 16)", "yes");
	expect_field(_metadata, s, "1-GByte EPT pages (bit 17)", "yes");
	expect_field(_metadata, s, "INVEPT (bit 20)", "yes");
	expect_field(_metadata, s, "EPT accessed and dirty flags (bit 21)", "yes");
	expect_field(_metadata, s, "advanced VM-exit info for EPT violations (bit 22)", "yes");
	expect_field(_metadata, s, "supervisor shadow-stack control (bit 23)", "no");
	expect_field(_metadata, s, "INVEPT single-context (bit 25)", "yes");
	expect_field(_metadata, s, "INVEPT all-context (bit 26)", "yes");
	expect_field(_metadata, s, "INVVPID (bit 32)", "yes");
	expect_field(_metadata, s, "INVVPID individual-address (bit 40)", "yes");
	expect_field(_metadata, s, "INVVPID single-context (bit 41)", "yes");
	expect_field(_metadata, s, "INVVPID all-context (bit 42)", "yes");
	expect_field(_metadata, s, "INVVPID single-context-retaining-globals (bit 43)", "yes");
	EXPECT_EQ(NULL, strstr(s, "not known to this tool"));
}

TEST(decode_misc)
{
	const char *s;

	run_fixture(_metadata);
	s = section(r.out, "Miscellaneous");
	expect_field(_metadata, s, "VMX-preemption timer rate (bits 4:0)",
		     "TSC shift 0 (one tick per 1 TSC cycles)");
	expect_field(_metadata, s, "VM exits store EFER.LMA in IA-32e mode guest (bit 5)", "yes");
	expect_field(_metadata, s, "activity state HLT (bit 6)", "yes");
	expect_field(_metadata, s, "activity state shutdown (bit 7)", "yes");
	expect_field(_metadata, s, "activity state wait-for-SIPI (bit 8)", "yes");
	expect_field(_metadata, s, "CR3-target values (bits 24:16)", "4");
	expect_field(_metadata, s, "MSR-load/store list entries (bits 27:25)",
		     "512 (recommended maximum)");
	expect_field(_metadata, s, "VMWRITE to VM-exit information fields (bit 29)", "yes");
	expect_field(_metadata, s, "injection with instruction length 0 (bit 30)", "yes");
	expect_field(_metadata, s, "MSEG revision id (bits 63:32)", "0x0");
}

TEST(decode_cr_fixed_and_the_rest)
{
	const char *s;

	run_fixture(_metadata);
	s = section(r.out, "CR0 and CR4 in VMX operation");
	expect_field(_metadata, s, "CR0 bits that must be 1", "PE NE PG");
	expect_field(_metadata, s, "CR0 bits that must be 0", "reserved bits 32-63");
	expect_field(_metadata, s, "CR4 bits that must be 1", "VMXE");
	expect_field(_metadata, s, "CR4 bits that must be 0",
		     "UMIP LA57 SMXE KL PKE CET PKS UINTR LASS LAM_SUP, reserved bits 15, 26, 29-63");
	expect_field(_metadata, r.out, "highest field index (bits 9:1)", "40 (0x28)");
	expect_field(_metadata, r.out, "EPTP switching (bit 0)", "yes");
	s = section(r.out, "IA32_FEATURE_CONTROL");
	expect_field(_metadata, s, "locked (bit 0)", "yes");
	expect_field(_metadata, s, "VMX inside SMX (bit 1)", "no");
	expect_field(_metadata, s, "VMX outside SMX (bit 2)", "yes");
	EXPECT_EQ(NULL, strstr(r.out, "minivmx per-CPU state"));
}

TEST(full_output_ends_with_the_raw_msrs)
{
	static char want[TEXT_MAX];
	const char *raw;

	run_fixture(_metadata);
	fixture_msr_lines(want, sizeof(want));
	raw = strstr(r.out, "\nRaw MSRs (");
	ASSERT_NE(NULL, raw);
	raw = strchr(raw + 1, '\n');
	ASSERT_NE(NULL, raw);
	EXPECT_STREQ(want, raw + 1);
}

TEST(raw_round_trips)
{
	static char want[TEXT_MAX];

	fixture_msr_lines(want, sizeof(want));
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--raw", "--msrs", "-"),
			 NO_DEVICE, want));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ(want, r.out);
}

TEST(dump_tolerates_spacing_case_and_crlf)
{
	static const char dump[] =
		"\n  # saved by hand\n"
		"IA32_VMX_BASIC (0x480) = 0x00D810000000002B\r\n"
		"\tIA32_VMX_PINBASED_CTLS(0x481)=0xff00000016\x20\x20\n"
		"IA32_VMX_PROCBASED_CTLS (0x482) = 0x7ff9fffe0401e172\n"
		"\n"
		"IA32_VMX_EXIT_CTLS  (0x483)  =  0x007fffff00036dff\n"
		"IA32_VMX_ENTRY_CTLS (0x484) = 0x0000ffff000011ff\n"
		"IA32_VMX_MISC (0x485) = 0x00000000600401e0\n"
		"IA32_VMX_CR0_FIXED0 (0x486) = 0x80000021\n"
		"IA32_VMX_CR0_FIXED1 (0x487) = 0xffffffff\n"
		"IA32_VMX_CR4_FIXED0 (0x488) = 0x2000\n"
		"IA32_VMX_CR4_FIXED1 (0x489) = 0x3727ff\n"
		"IA32_VMX_VMCS_ENUM (0x48A) = 0x50\n"
		"IA32_VMX_TRUE_PINBASED_CTLS (0x48d) = 0x000000ff00000016\n"
		"IA32_VMX_TRUE_PROCBASED_CTLS (0x48e) = 0x7ff9fffe04006172\n"
		"IA32_VMX_TRUE_EXIT_CTLS (0x48f) = 0x007fffff00036dfb\n"
		"IA32_VMX_TRUE_ENTRY_CTLS (0x490) = 0x0000ffff000011fb\n";

	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--raw", "--msrs", "-"),
			 NO_DEVICE, dump));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	expect_line(_metadata, r.out, "IA32_VMX_BASIC (0x480) = 0x00d810000000002b");
	expect_line(_metadata, r.out, "IA32_VMX_PINBASED_CTLS (0x481) = 0x000000ff00000016");
	expect_line(_metadata, r.out, "IA32_VMX_VMCS_ENUM (0x48a) = 0x0000000000000050");
	EXPECT_EQ(NULL, strstr(r.out, "IA32_FEATURE_CONTROL"));
}

TEST(dump_without_true_controls_uses_the_plain_msrs)
{
	char path[64];

	ASSERT_EQ(0, write_dump(path,
				ARGS("IA32_VMX_BASIC ", "IA32_VMX_TRUE_"),
				"IA32_VMX_BASIC (0x480) = 0x005810000000002b\n"));
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--msrs", path), NO_DEVICE,
			 NULL));
	unlink(path);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	expect_field(_metadata, r.out, "TRUE controls MSRs (bit 55)",
		     "no (the controls below come from IA32_VMX_*_CTLS)");
	expect_in(_metadata, r.out, "(IA32_VMX_PROCBASED_CTLS = 0xfff9fffe0401e172");
	EXPECT_TRUE(has_ctl(section(r.out, "Primary processor-based"), 15,
			    "fixed 1", "CR3-load exiting"));
	EXPECT_TRUE(has_ctl(section(r.out, "VM-exit controls"), 2,
			    "fixed 1", "Save debug controls"));
}

TEST(dump_without_secondary_controls)
{
	char path[64];

	ASSERT_EQ(0, write_dump(path,
				ARGS("IA32_VMX_PROCBASED_CTLS",
				     "IA32_VMX_TRUE_PROCBASED_CTLS",
				     "IA32_VMX_EPT_VPID_CAP", "IA32_VMX_VMFUNC"),
				"IA32_VMX_PROCBASED_CTLS (0x482) = 0x7ff9fffe0401e172\n"
				"IA32_VMX_TRUE_PROCBASED_CTLS (0x48e) = 0x7ff9fffe04006172\n"));
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--msrs", path), NO_DEVICE,
			 NULL));
	unlink(path);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(has_ctl(section(r.out, "Primary processor-based"), 31,
			    "fixed 0", "Activate secondary controls"));
	expect_line(_metadata, r.out,
		    "Secondary processor-based VM-execution controls: not available (\"Activate secondary controls\" is fixed 0)");
	expect_in(_metadata, r.out, "EPT and VPID capabilities: not available");
	expect_in(_metadata, r.out, "VM functions: not available");
}

TEST(missing_dump_file)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--msrs", "/nonexistent.msrs"),
			 NO_DEVICE, NULL));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: /nonexistent.msrs: cannot open the dump: No such file or directory");
	EXPECT_STREQ("", r.out);
}

/* Malformed dumps: each is rejected with exit code 1 and says why. */

FIXTURE(bad_dump) {
	char path[64];
};

FIXTURE_VARIANT(bad_dump) {
	const char *const *drop;	/* fixture lines left out */
	const char *add;		/* lines added at the end */
	const char *message;		/* expected on stderr */
	bool at_added_line;		/* message names the first added line */
	bool empty;			/* the dump is empty instead */
	bool long_line;			/* add a 300-character comment */
};

FIXTURE_VARIANT_ADD(bad_dump, garbage_line) {
	.drop = NONE,
	.add = "this is not a dump\n",
	.message =
		"expected 'NAME (0xADDR) = 0xVALUE' as 'minivmx info --raw' prints it, got: this is not a dump",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, unknown_msr) {
	.drop = NONE,
	.add = "IA32_VMX_FOO (0x4ff) = 0x0000000000000000\n",
	.message = "unknown MSR name 'IA32_VMX_FOO'",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, wrong_address) {
	.drop = ARGS("IA32_VMX_MISC "),
	.add = "IA32_VMX_MISC (0x486) = 0x00000000600401e0\n",
	.message = "IA32_VMX_MISC is MSR 0x485, not 0x486",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, duplicate) {
	.drop = NONE,
	.add = "IA32_VMX_BASIC (0x480) = 0x00d810000000002b\n",
	.message = "IA32_VMX_BASIC appears twice (first on line 2)",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, value_too_long) {
	.drop = ARGS("IA32_VMX_MISC "),
	.add = "IA32_VMX_MISC (0x485) = 0x100000000600401e0\n",
	.message = "expected 'NAME (0xADDR) = 0xVALUE'",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, value_not_hex) {
	.drop = ARGS("IA32_VMX_MISC "),
	.add = "IA32_VMX_MISC (0x485) = 1610875360\n",
	.message = "expected 'NAME (0xADDR) = 0xVALUE'",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, trailing_text) {
	.drop = ARGS("IA32_VMX_MISC "),
	.add = "IA32_VMX_MISC (0x485) = 0x00000000600401e0 (misc)\n",
	.message = "expected 'NAME (0xADDR) = 0xVALUE'",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, line_too_long) {
	.drop = NONE,
	.add = "",
	.long_line = true,
	.message = "line longer than 254 characters",
	.at_added_line = true,
};

FIXTURE_VARIANT_ADD(bad_dump, missing_basic) {
	.drop = ARGS("IA32_VMX_BASIC "),
	.add = "",
	.message = "IA32_VMX_BASIC (0x480) is missing: every VMX processor has it",
};

FIXTURE_VARIANT_ADD(bad_dump, missing_true_ctls) {
	.drop = ARGS("IA32_VMX_TRUE_EXIT_CTLS "),
	.add = "",
	.message =
		"IA32_VMX_TRUE_EXIT_CTLS (0x48f) is missing: it exists since IA32_VMX_BASIC bit 55 is 1",
};

FIXTURE_VARIANT_ADD(bad_dump, true_ctls_that_cannot_exist) {
	.drop = ARGS("IA32_VMX_BASIC "),
	.add = "IA32_VMX_BASIC (0x480) = 0x005810000000002b\n",
	.message =
		"IA32_VMX_TRUE_PINBASED_CTLS cannot exist: it exists only if IA32_VMX_BASIC bit 55 is 1",
};

FIXTURE_VARIANT_ADD(bad_dump, empty_file) {
	.drop = NONE,
	.add = "",
	.message = "no MSR lines: not a dump from 'minivmx info --raw'",
	.empty = true,
};

FIXTURE_SETUP(bad_dump)
{
	char line[302];

	if (variant->long_line) {
		memset(line, 'x', sizeof(line) - 2);
		line[0] = '#';
		line[sizeof(line) - 2] = '\n';
		line[sizeof(line) - 1] = '\0';
		ASSERT_EQ(0, write_dump(self->path, NONE, line));
		return;
	}
	if (variant->empty) {
		strcpy(self->path, "/tmp/minivmx-dump-XXXXXX");
		ASSERT_LE(0, mkstemp(self->path));
		return;
	}
	ASSERT_EQ(0, write_dump(self->path, variant->drop, variant->add));
}

FIXTURE_TEARDOWN(bad_dump)
{
	unlink(self->path);
}

TEST_F(bad_dump, rejected)
{
	char where[128];

	if (variant->at_added_line)
		snprintf(where, sizeof(where), "minivmx: %s:%d: ", self->path,
			 count_lines(self->path));
	else
		snprintf(where, sizeof(where), "minivmx: %s:", self->path);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("info", "--msrs", self->path),
			 NO_DEVICE, NULL));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_NE(NULL, strstr(r.err, where)) TH_LOG("want %s in: %s", where, r.err);
	EXPECT_NE(NULL, strstr(r.err, variant->message)) TH_LOG("%s", r.err);
}

TEST_HARNESS_MAIN
