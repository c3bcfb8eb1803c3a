// SPDX-License-Identifier: GPL-2.0-only
/*
 * `minivmx run --record FILE` and `minivmx trace FILE` as a user runs
 * them, without VT-x: minivmx-fakedev plays scripted exits into the fake
 * device's exit-record ring (fake_vm.c: 1000 cycles in the guest before
 * each exit, 200 for one handled "in the kernel", 5000 for one that came
 * to the tool), then the real tool prints the file: every line, the JSON,
 * the records a tiny ring lost, and the errors.
 *
 * MINIVMX_BIN and FAKEDEV_BIN come from the Makefile.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tool_run.h"

/* nop, nop, hlt: the fake never runs it */
#define IMAGE_DATA	"\x90\x90\xf4"

/* debug console (kernel), UART (tool), HLT, MMIO write, exit port */
#define SCRIPT	"out:0xe9:1:0x41;out:0x3f8:1:0x42;hlt;mmiow:0xd0000000:4:7;" \
		"out:0xf4:1:0"

static void expect_line(struct __test_metadata *_metadata, const char *text,
			const char *line)
{
	EXPECT_TRUE(has_line(text, line))
		TH_LOG("no line '%s' in:\n%s", line, text);
}

static void expect_in(struct __test_metadata *_metadata, const char *text,
		      const char *needle)
{
	EXPECT_NE(NULL, strstr(text, needle))
		TH_LOG("no '%s' in:\n%s", needle, text);
}

FIXTURE(rec) {
	char image[64];
	char file[64];
};

#define PATHS	((const char *const[]){ self->file, self->image })

FIXTURE_SETUP(rec)
{
	FILE *f;
	int fd;

	strcpy(self->image, "/tmp/minivmx-image-XXXXXX");
	fd = mkstemp(self->image);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	ASSERT_NE(NULL, f);
	fwrite(IMAGE_DATA, 1, sizeof(IMAGE_DATA) - 1, f);
	ASSERT_EQ(0, fclose(f));
	strcpy(self->file, "/tmp/minivmx-trace-XXXXXX");
	fd = mkstemp(self->file);
	ASSERT_LE(0, fd);
	close(fd);
}

FIXTURE_TEARDOWN(rec)
{
	unlink(self->image);
	unlink(self->file);
}

/* minivmx-fakedev run --record FILE @opts IMAGE (@paths), playing @script */
static int record(const char *const paths[2], const char *script,
		  const char *const *opts, const char *env)
{
	static char script_env[1024];
	const char *args[16] = { "run", "--record", paths[0] };
	int n = 3, i;

	snprintf(script_env, sizeof(script_env), "FAKE_MINIVMX_SCRIPT=%s",
		 script);
	for (i = 0; opts[i] && n < 14; i++)
		args[n++] = opts[i];
	args[n++] = paths[1];
	args[n] = NULL;
	return run(FAKEDEV_BIN, args,
		   ARGS("MINIVMX_DEVICE=/dev/null", script_env,
			env ? env : "FAKE_MINIVMX_LOG=0"), NULL);
}

TEST_F(rec, records_every_exit_and_prints_them)
{
	char line[128];

	ASSERT_EQ(0, record(PATHS, SCRIPT, ARGS("--stats"), NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("AB", r.out);
	snprintf(line, sizeof(line), "minivmx: recorded 5 exits in %s",
		 self->file);
	expect_line(_metadata, r.err, line);
	expect_in(_metadata, r.err, "minivmx: VM exits by reason (5 in all):");

	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", self->file), NONE, NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	expect_in(_metadata, r.out,
		  ": 5 records, ring of 65536 entries, TSC rate unknown\n"
		  "0: IO_INSTRUCTION at rip 0x10000 (in kernel, 200 cycles): OUT 1 byte to port 0xe9\n"
		  "1: IO_INSTRUCTION at rip 0x10000 (to userspace, 5000 cycles): OUT 1 byte to port 0x3f8\n"
		  "2: HLT at rip 0x10000 (to userspace, 5000 cycles): HLT\n"
		  "3: EPT_VIOLATION at rip 0x10000 (to userspace, 5000 cycles): write to GPA 0xd0000000 from GLA 0xd0000000, page not present\n"
		  "4: IO_INSTRUCTION at rip 0x10000 (to userspace, not entered again): OUT 1 byte to port 0xf4\n"
		  "5 exits: 1 handled in the kernel, 4 in userspace; 0 lost to ring overruns\n"
		  "Host cycles per exit (tsc_entry - tsc_exit):\n"
		  "  REASON                 WHERE         COUNT        MIN     MEDIAN       MEAN        MAX\n"
		  "  HLT                    userspace         1       5000       5000       5000       5000\n"
		  "  IO_INSTRUCTION         kernel            1        200        200        200        200\n"
		  "  IO_INSTRUCTION         userspace         2       5000       5000       5000       5000\n"
		  "  EPT_VIOLATION          userspace         1       5000       5000       5000       5000\n"
		  "  all                    kernel            1        200        200        200        200\n"
		  "  all                    userspace         4       5000       5000       5000       5000\n"
		  "  all                    all               5        200       5000       3800       5000\n"
		  "1 exit was not entered again (the run ended there): counted, not timed\n");

	/* --summary: the same without the records */
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", "--summary", self->file),
			 NONE, NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(NULL, strstr(r.out, "0: IO_INSTRUCTION"));
	expect_line(_metadata, r.out,
		    "  all                    all               5        200       5000       3800       5000");
}

/*
 * Just enough of a JSON parser to say the text is one well-formed value:
 * objects, arrays, strings with escapes, numbers, true, false, null.
 */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	return p + strspn(p, " \t\r\n");
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++)
		if (*p == '\\' && !*++p)
			return NULL;
		else if ((unsigned char)*p < 0x20)
			return NULL;
	return *p ? p + 1 : NULL;
}

static const char *json_list(const char *p, char close, bool keys)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keys) {
			p = json_string(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(json_ws(p));
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = json_ws(p);
	}
}

static const char *json_value(const char *p)
{
	static const char * const words[] = { "true", "false", "null" };
	size_t i;

	if (*p == '{')
		return json_list(p, '}', true);
	if (*p == '[')
		return json_list(p, ']', false);
	if (*p == '"')
		return json_string(p);
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strncmp(p, words[i], strlen(words[i])))
			return p + strlen(words[i]);
	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return NULL;
	return p + strspn(p, "0123456789");
}

static bool json_ok(const char *text)
{
	const char *end = json_value(json_ws(text));

	return end && !*json_ws(end);
}

TEST(json_checker_knows_bad_json)
{
	EXPECT_TRUE(json_ok("{\"a\": [1, -2, \"x\\\"y\", true, null], \"b\": {}}\n"));
	EXPECT_FALSE(json_ok("{\"a\": 1,}"));
	EXPECT_FALSE(json_ok("{\"a\": 1} {"));
	EXPECT_FALSE(json_ok("[1, 2"));
	EXPECT_FALSE(json_ok("{a: 1}"));
}

TEST_F(rec, json)
{
	ASSERT_EQ(0, record(PATHS, SCRIPT, NONE, NULL));
	EXPECT_EQ(0, r.status);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", "--json", self->file),
			 NONE, NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_TRUE(json_ok(r.out)) TH_LOG("not JSON:\n%s", r.out);
	expect_in(_metadata, r.out,
		  ", \"version\": 1, \"complete\": true, \"ring_entries\": 65536, \"tsc_hz\": 0,\n"
		  "\"records\": [\n"
		  "  {\"seq\": 0, \"reason\": 30, \"name\": \"IO_INSTRUCTION\", \"entry_failed\": false, \"where\": \"kernel\", \"rip\": 65536, \"insn_len\": 0, \"qualification\": 15269888, \"gpa\": 0, \"gla\": 0, \"intr_info\": 0, \"idt_vectoring_info\": 0, \"tsc_exit\": 1001000, \"tsc_entry\": 1001200, \"cycles\": 200, \"text\": \"OUT 1 byte to port 0xe9\"},\n");
	expect_in(_metadata, r.out,
		  "\"where\": \"userspace\", \"rip\": 65536, \"insn_len\": 0, \"qualification\": 386, \"gpa\": 3489660928, \"gla\": 3489660928,");
	expect_in(_metadata, r.out,
		  "\"cycles\": null, \"text\": \"OUT 1 byte to port 0xf4\"}\n],\n");
	expect_in(_metadata, r.out,
		  "\"summary\": {\"records\": 5, \"kernel\": 1, \"userspace\": 4, \"overruns\": 0, \"missing\": 0, \"untimed\": 1,\n"
		  "  \"by_reason\": [\n"
		  "    {\"reason\": 12, \"name\": \"HLT\", \"entry_failed\": false, \"where\": \"userspace\", \"count\": 1, \"timed\": 1, \"min\": 5000, \"median\": 5000, \"mean\": 5000, \"max\": 5000},\n");
	expect_in(_metadata, r.out,
		  "    {\"where\": \"all\", \"count\": 5, \"timed\": 4, \"min\": 200, \"median\": 5000, \"mean\": 3800, \"max\": 5000}\n"
		  "  ]\n}}\n");

	/* --summary leaves the records array out, and is JSON still */
	ASSERT_EQ(0, run(MINIVMX_BIN,
			 ARGS("trace", "--json", "--summary", self->file),
			 NONE, NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_TRUE(json_ok(r.out)) TH_LOG("not JSON:\n%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "\"records\": ["));
}

/* Five debug-console exits in a row overrun a ring of two. */
TEST_F(rec, tiny_ring_overruns_are_counted)
{
	ASSERT_EQ(0, record(PATHS,
			    "out:0xe9:1:0x41;out:0xe9:1:0x41;out:0xe9:1:0x41;out:0xe9:1:0x41;out:0xe9:1:0x41;"
			    "out:0x3f8:1:0x42;out:0xe9:1:0x41;hlt;out:0xf4:1:0",
			    ARGS("--ring-entries", "2"), "FAKE_MINIVMX_LOG=1"));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.err, "fake: exit ring 2 entries");
	expect_in(_metadata, r.err,
		  "; 5 lost: the ring of 2 entries overran (see --ring-entries)\n");

	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", self->file), NONE, NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.out,
		  ": 4 records, ring of 2 entries, TSC rate unknown\n"
		  "[4 records lost: the ring overran (seq 0 to 3)]\n"
		  "4: IO_INSTRUCTION at rip 0x10000 (in kernel, 200 cycles): OUT 1 byte to port 0xe9\n"
		  "[1 record lost: the ring overran (seq 5)]\n"
		  "6: IO_INSTRUCTION at rip 0x10000 (in kernel, 200 cycles): OUT 1 byte to port 0xe9\n"
		  "7: HLT at rip 0x10000 (to userspace, 5000 cycles): HLT\n");
	expect_line(_metadata, r.out,
		    "4 exits: 2 handled in the kernel, 2 in userspace; 5 lost to ring overruns");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", "--json", self->file),
			 NONE, NULL));
	expect_in(_metadata, r.out, "\"overruns\": 5, \"missing\": 5,");
}

/* Single steps: every monitor-trap-flag exit is a record too. */
TEST_F(rec, steps_are_recorded)
{
	ASSERT_EQ(0, record(PATHS, "step:1:1;step:1:2;out:0xf4:1:0",
			    ARGS("--step"), NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.err, "minivmx: recorded 3 exits in ");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", self->file), NONE, NULL));
	expect_in(_metadata, r.out,
		  "0: MONITOR_TRAP_FLAG at rip 0x10000 (to userspace, 5000 cycles): monitor trap flag: one instruction or event done\n"
		  "1: MONITOR_TRAP_FLAG at rip 0x10001 (to userspace, 5000 cycles): ");
}

/* A file whose writer never finished: said, and read as far as it goes. */
TEST_F(rec, unfinished_file)
{
	int fd;

	ASSERT_EQ(0, record(PATHS, SCRIPT, NONE, NULL));
	fd = open(self->file, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, pwrite(fd, "\0\0\0\0", 4, 20));	/* flags */
	close(fd);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", self->file), NONE, NULL));
	EXPECT_EQ(0, r.status);
	expect_in(_metadata, r.err,
		  ": unfinished (the recording tool did not end its run): 5 records, as many as it holds\n");
	expect_in(_metadata, r.out, ": 5 records, ring of 65536 entries");
}

TEST_F(rec, errors)
{
	/* the module has no ring, or a smaller one */
	ASSERT_EQ(0, record(PATHS, SCRIPT, NONE, "FAKE_MINIVMX_RING_CAP=0"));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: /dev/null: the loaded module cannot record exits (no MINIVMX_CAP_EXIT_RING)");
	ASSERT_EQ(0, record(PATHS, SCRIPT, ARGS("--ring-entries", "2048"),
			    "FAKE_MINIVMX_RING_CAP=1024"));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: --ring-entries 2048: the loaded module's rings hold at most 1024 records");
	/* a bad size never reaches the device */
	ASSERT_EQ(0, record(PATHS, SCRIPT, ARGS("--ring-entries", "3"),
			    "FAKE_MINIVMX_LOG=1"));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err,
		    "minivmx run: --ring-entries '3': expected a power of 2 from 1 to 65536");
	EXPECT_EQ(NULL, strstr(r.err, "fake:"));
	/* gdb's "monitor exits" reads the ring then */
	ASSERT_EQ(0, record(PATHS, SCRIPT, ARGS("--gdb", "1234"),
			    "FAKE_MINIVMX_LOG=1"));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err,
		    "minivmx run: --gdb with --record: gdb's \"monitor exits\" reads the exit-record ring then");
	EXPECT_EQ(NULL, strstr(r.err, "fake:"));
	/* a file that cannot be created */
	ASSERT_EQ(0, run(FAKEDEV_BIN,
			 ARGS("run", "--record", "/nonexistent/dir/t", self->image),
			 ARGS("MINIVMX_DEVICE=/dev/null",
			      "FAKE_MINIVMX_SCRIPT=out:0xf4:1:0"), NULL));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: --record /nonexistent/dir/t: No such file or directory");

	/* minivmx trace */
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace"), NONE, NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err,
		    "minivmx trace: missing FILE, written by 'minivmx run --record FILE'");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", "a", "b"), NONE, NULL));
	EXPECT_EQ(2, r.status);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", "--bogus", "a"), NONE,
			 NULL));
	EXPECT_EQ(2, r.status);
	expect_line(_metadata, r.err,
		    "minivmx trace: unknown option '--bogus'");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", "/nonexistent"), NONE,
			 NULL));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: /nonexistent: No such file or directory");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", self->image), NONE, NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, ": not a minivmx trace file (3 bytes)\n");
}

TEST(help)
{
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("trace", "--help"), NONE, NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.out, "usage: minivmx trace [OPTIONS] FILE");
	expect_in(_metadata, r.out, "--json");
	expect_in(_metadata, r.out, "--summary");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("help", "trace"), NONE, NULL));
	expect_line(_metadata, r.out, "usage: minivmx trace [OPTIONS] FILE");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("--help"), NONE, NULL));
	expect_line(_metadata, r.out,
		    "  trace  print the exits 'run --record' wrote, in words, with their cycles");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("run", "--help"), NONE, NULL));
	expect_in(_metadata, r.out, "--record FILE");
	expect_in(_metadata, r.out, "--ring-entries N");
}

TEST_HARNESS_MAIN
