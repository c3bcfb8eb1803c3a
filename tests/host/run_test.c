// SPDX-License-Identifier: GPL-2.0-only
/*
 * `minivmx run` as a user runs it, without VT-x.
 *
 * The command line: each bad option, size, mode and image is refused with
 * exit code 2 and says why, before the device is opened; a good command
 * line gets as far as the missing device.  Then minivmx-fakedev (the tool
 * linked against fake_device.c and fake_vm.c) plays scripted exits through
 * the whole run loop: the state each mode starts in, the devices, and the
 * summary line and exit code for every way a run ends.
 *
 * MINIVMX_BIN and FAKEDEV_BIN come from the Makefile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "kselftest_harness.h"
#include "tool_run.h"

#define IMAGE_DATA	"\x90\x90\xf4\xeb\xfd\x00\x11\x22"	/* nop, nop, hlt, jmp */
#define LOG		"FAKE_MINIVMX_LOG=1"
#define USAGE_HINT	"Try 'minivmx run --help'."

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

/* A temporary image of @size bytes starting with IMAGE_DATA; 0 on success. */
static int make_image(char *path, long size)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/minivmx-image-XXXXXX");
	fd = mkstemp(path);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f)
		return -1;
	if (size)
		fwrite(IMAGE_DATA, 1, size < 8 ? size : 8, f);
	if (fclose(f) || truncate(path, size))
		return -1;
	return 0;
}

/* The help. */

TEST(run_help)
{
	static const char * const opts[] = {
		"--mode MODE", "--mem SIZE", "--load ADDR", "--entry ADDR",
		"--timeout SECONDS", "--stats", "--user-devices", "--trace",
		"--step [N]", "--break-exit LIST", "--vmcs", "--shadow",
	};
	size_t i;

	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("run", "--help"), NO_DEVICE, NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.out, "usage: minivmx run [OPTIONS] IMAGE");
	for (i = 0; i < ARRAY_SIZE(opts); i++)
		expect_in(_metadata, r.out, opts[i]);
	expect_in(_metadata, r.out, "124 timeout");
	EXPECT_STREQ("", r.err);
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("help", "run"), NO_DEVICE, NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.out, "usage: minivmx run [OPTIONS] IMAGE");
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("run", "-h", "ignored.bin"),
			 NO_DEVICE, NULL));
	EXPECT_EQ(0, r.status);
}

/* Bad command lines: exit code 2, the reason, the hint, nothing else. */

FIXTURE(bad_args) {
	char image[64];
	char *args[16];
};

FIXTURE_VARIANT(bad_args) {
	const char *const *args;	/* after "run"; "IMAGE": the image */
	long image_size;		/* of the temporary image */
	const char *message;		/* the whole first line of stderr */
	bool partial;			/* @message is only a part of it */
};

FIXTURE_VARIANT_ADD(bad_args, no_image) {
	.args = NONE, .image_size = 4096,
	.message =
		"minivmx run: missing IMAGE, the flat binary to run",
};

FIXTURE_VARIANT_ADD(bad_args, two_images) {
	.args = ARGS("IMAGE", "extra"), .image_size = 4096,
	.message =
		"minivmx run: unexpected argument 'extra'",
};

FIXTURE_VARIANT_ADD(bad_args, unknown_option) {
	.args = ARGS("--frobnicate", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: unknown option '--frobnicate'",
};

FIXTURE_VARIANT_ADD(bad_args, unknown_short_option) {
	.args = ARGS("-q", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: unknown option '-q'",
};

FIXTURE_VARIANT_ADD(bad_args, mode_without_value) {
	.args = ARGS("IMAGE", "--mode"), .image_size = 4096,
	.message =
		"minivmx run: option '--mode' needs an argument",
};

FIXTURE_VARIANT_ADD(bad_args, bad_mode) {
	.args = ARGS("--mode", "virtual8086", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mode 'virtual8086': expected real, protected, paged or long",
};

FIXTURE_VARIANT_ADD(bad_args, shadow_in_real_mode) {
	.args = ARGS("--shadow", "--mode", "real", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --shadow with --mode real: shadow paging runs protected, paged and long mode only",
};

FIXTURE_VARIANT_ADD(bad_args, shadow_with_cpus) {
	.args = ARGS("--shadow", "--cpus", "2", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --shadow with --cpus: the other vCPUs would start in real mode, which shadow paging cannot run",
};

FIXTURE_VARIANT_ADD(bad_args, mode_is_case_sensitive) {
	.args = ARGS("-m", "Long", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mode 'Long': expected real, protected, paged or long",
};

FIXTURE_VARIANT_ADD(bad_args, mem_bad_suffix) {
	.args = ARGS("--mem", "2X", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mem '2X': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
};

FIXTURE_VARIANT_ADD(bad_args, mem_empty) {
	.args = ARGS("--mem", "", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mem '': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
};

FIXTURE_VARIANT_ADD(bad_args, mem_negative) {
	.args = ARGS("--mem", "-2M", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mem '-2M': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
};

FIXTURE_VARIANT_ADD(bad_args, mem_fraction) {
	.args = ARGS("--mem", "1.5M", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mem '1.5M': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
};

FIXTURE_VARIANT_ADD(bad_args, mem_bare_hex_prefix) {
	.args = ARGS("--mem", "0x", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mem '0x': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
};

FIXTURE_VARIANT_ADD(bad_args, mem_overflow) {
	.args = ARGS("--mem", "99999999999999999999", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mem '99999999999999999999': too large",
};

FIXTURE_VARIANT_ADD(bad_args, mem_suffix_overflow) {
	.args = ARGS("--mem", "17179869184G", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --mem '17179869184G': too large",
};

FIXTURE_VARIANT_ADD(bad_args, mem_not_page_multiple) {
	.args = ARGS("--mem", "1000000", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: --mem 0xf4240 is not a multiple of 4 KiB",
};

FIXTURE_VARIANT_ADD(bad_args, mem_too_small) {
	.args = ARGS("--mem", "512K", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: --mem 0x80000 is too small: the guest needs at least 1 MiB",
};

FIXTURE_VARIANT_ADD(bad_args, mem_too_large) {
	.args = ARGS("--mem", "5G", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: --mem 0x140000000 is too large: at most 4 GiB (the identity maps end there)",
};

FIXTURE_VARIANT_ADD(bad_args, load_not_a_number) {
	.args = ARGS("--load", "0xzz", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --load '0xzz': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
};

FIXTURE_VARIANT_ADD(bad_args, entry_not_a_number) {
	.args = ARGS("--entry", "ten", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --entry 'ten': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
};

FIXTURE_VARIANT_ADD(bad_args, timeout_not_a_number) {
	.args = ARGS("--timeout", "soon", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --timeout 'soon': expected seconds (such as 10 or 0.5, at most a day; 0: no timeout)",
};

FIXTURE_VARIANT_ADD(bad_args, timeout_negative) {
	.args = ARGS("--timeout", "-1", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --timeout '-1': expected seconds (such as 10 or 0.5, at most a day; 0: no timeout)",
};

FIXTURE_VARIANT_ADD(bad_args, timeout_too_long) {
	.args = ARGS("-t", "100000", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --timeout '100000': expected seconds (such as 10 or 0.5, at most a day; 0: no timeout)",
};

FIXTURE_VARIANT_ADD(bad_args, step_zero) {
	.args = ARGS("--step=0", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --step '0': expected a number of instructions per stop, 1 or more",
};

FIXTURE_VARIANT_ADD(bad_args, step_not_a_number) {
	.args = ARGS("-Sx", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --step 'x': expected a number of instructions per stop, 1 or more",
};

FIXTURE_VARIANT_ADD(bad_args, break_exit_unknown) {
	.args = ARGS("--break-exit", "CPUID,CPUIDX", "IMAGE"),
	.image_size = 4096,
	.message =
		"minivmx run: --break-exit 'CPUID,CPUIDX': unknown exit reason 'CPUIDX' (names as in MINIVMX_VMX_EXIT_REASONS, IO, CR, DR, MSR, EPT, MTF, or numbers below 80)",
};

FIXTURE_VARIANT_ADD(bad_args, break_exit_too_high) {
	.args = ARGS("--break-exit", "80", "IMAGE"), .image_size = 4096,
	.message = "unknown exit reason '80'", .partial = true,
};

FIXTURE_VARIANT_ADD(bad_args, break_exit_without_value) {
	.args = ARGS("IMAGE", "--break-exit"), .image_size = 4096,
	.message = "minivmx run: option '--break-exit' needs an argument",
};

FIXTURE_VARIANT_ADD(bad_args, missing_image) {
	.args = ARGS("/nonexistent/guest.bin"), .image_size = 4096,
	.message =
		"minivmx run: /nonexistent/guest.bin: cannot open the image: No such file or directory",
};

FIXTURE_VARIANT_ADD(bad_args, image_is_a_directory) {
	.args = ARGS("/tmp"), .image_size = 4096,
	.message =
		"minivmx run: /tmp: not a regular file",
};

FIXTURE_VARIANT_ADD(bad_args, load_beyond_ram) {
	.args = ARGS("--load", "2M", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: the image (4096 bytes at 0x200000) does not fit in RAM (0x200000 bytes): it would end at 0x201000",
};

FIXTURE_VARIANT_ADD(bad_args, image_over_gdt) {
	.args = ARGS("--load", "0x1000", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: the image (0x1000-0x1fff) overlaps the GDT and page tables at 0x1000-0x8fff: load it at 0x9000 or above",
};

FIXTURE_VARIANT_ADD(bad_args, image_over_page_tables) {
	.args = ARGS("--mode", "paged", "--load", "0x8800", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: the image (0x8800-0x97ff) overlaps the GDT and page tables at 0x1000-0x8fff: load it at 0x9000 or above",
};

FIXTURE_VARIANT_ADD(bad_args, real_image_beyond_1m) {
	.args = ARGS("--mode", "real", "--load", "0xff800", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: in real mode the image must end below 1 MiB; at 0xff800 it ends at 0x100800",
};

FIXTURE_VARIANT_ADD(bad_args, entry_outside_ram) {
	.args = ARGS("--entry", "0x300000", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: --entry 0x300000 is outside RAM (0x200000 bytes)",
};

FIXTURE_VARIANT_ADD(bad_args, real_entry_outside_segment) {
	.args = ARGS("-m", "real", "-e", "0x20000", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: in real mode --entry must lie in the code segment at the load address (0x10000-0x1ffff), not at 0x20000",
};

FIXTURE_VARIANT_ADD(bad_args, initrd_without_kernel) {
	.args = ARGS("--initrd", "IMAGE", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: --initrd and --append need --kernel",
};

FIXTURE_VARIANT_ADD(bad_args, kernel_and_image) {
	.args = ARGS("--kernel", "IMAGE", "IMAGE"), .image_size = 4096,
	.message = "': --kernel names the image", .partial = true,
};

FIXTURE_VARIANT_ADD(bad_args, flat_kernel_with_append) {
	.args = ARGS("--kernel", "IMAGE", "--append", "quiet"),
	.image_size = 4096,
	.message =
		"minivmx run: IMAGE: a flat binary takes no --initrd or --append (Multiboot and bzImage kernels do)",
};

FIXTURE_VARIANT_ADD(bad_args, kernel_missing) {
	.args = ARGS("--kernel", "/nonexistent/kernel"), .image_size = 4096,
	.message =
		"minivmx run: /nonexistent/kernel: cannot open it: No such file or directory",
};

FIXTURE_VARIANT_ADD(bad_args, kernel_mem_too_small) {
	.args = ARGS("--mem", "512K", "--kernel", "IMAGE"), .image_size = 4096,
	.message =
		"minivmx run: IMAGE: --mem 0x80000 is too small: the guest needs at least 1 MiB",
};

FIXTURE_VARIANT_ADD(bad_args, empty_image) {
	.args = ARGS("IMAGE"), .image_size = 0,
	.message = "minivmx run: IMAGE: the image is empty",
};

FIXTURE_VARIANT_ADD(bad_args, image_too_big) {
	.args = ARGS("IMAGE"), .image_size = 2 * 1024 * 1024,
	.message =
		"minivmx run: IMAGE: the image (2097152 bytes at 0x10000) does not fit in RAM (0x200000 bytes): it would end at 0x210000",
};

FIXTURE_VARIANT_ADD(bad_args, image_too_big_for_small_ram) {
	.args = ARGS("--mem", "1M", "--load", "0x9000", "IMAGE"),
	.image_size = 1024 * 1024 - 0x9000 + 1,
	.message = "does not fit in RAM (0x100000 bytes)", .partial = true,
};

FIXTURE_SETUP(bad_args)
{
	int i;

	ASSERT_EQ(0, make_image(self->image, variant->image_size));
	self->args[0] = "run";
	for (i = 0; variant->args[i]; i++)
		self->args[i + 1] = strcmp(variant->args[i], "IMAGE") ?
				    (char *)variant->args[i] : self->image;
	self->args[i + 1] = NULL;
}

FIXTURE_TEARDOWN(bad_args)
{
	unlink(self->image);
}

/* The expected message with "IMAGE:" naming the image's path. */
static const char *with_image(const char *msg, const char *image)
{
	static char buf[512];
	const char *p = strstr(msg, "IMAGE:");

	if (!p)
		return msg;
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - msg), msg, image,
		 p + 5);
	return buf;
}

TEST_F(bad_args, refused)
{
	const char *want = with_image(variant->message, self->image);

	/* A fake device that would run the guest: it must not get there. */
	ASSERT_EQ(0, run(FAKEDEV_BIN, (const char *const *)self->args,
			 ARGS("MINIVMX_DEVICE=/dev/null", LOG,
			      "FAKE_MINIVMX_SCRIPT=out:0xf4:1:0"), NULL));
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("", r.out);
	if (variant->partial)
		expect_in(_metadata, r.err, want);
	else
		expect_line(_metadata, r.err, want);
	expect_line(_metadata, r.err, USAGE_HINT);
	EXPECT_EQ(NULL, strstr(r.err, "fake:"));	/* no device touched */
}

/* A good command line reaches the device. */

TEST(good_args_need_the_device)
{
	const char *const modes[] = { "real", "protected", "paged", "long" };
	char image[64];
	size_t i;

	ASSERT_EQ(0, make_image(image, 4096));
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		ASSERT_EQ(0, run(MINIVMX_BIN,
				 ARGS("run", "--mode", modes[i], "--mem", "0x400000",
				      "--load", "64K", "--entry", "0x10010",
				      "--timeout", "0.5", "--stats", "--trace",
				      "--user-devices", image),
				 NO_DEVICE, NULL));
		EXPECT_EQ(1, r.status) TH_LOG("%s: %s", modes[i], r.err);
		expect_line(_metadata, r.err,
			    "minivmx: /nonexistent not found: load the module first (sudo insmod kmod/minivmx.ko); if that fails, dmesg says why");
		EXPECT_STREQ("", r.out);
	}
	/* Real mode may use the low memory the other modes reserve. */
	ASSERT_EQ(0, run(MINIVMX_BIN,
			 ARGS("run", "-m", "real", "-l", "0x1000", image),
			 NO_DEVICE, NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err, "load the module first");
	unlink(image);
}

/*
 * An image that cannot be opened for a reason other than its name (a
 * socket: ENXIO; in the testbed's fault injection, ENOMEM) is a failure,
 * exit 1, not a usage error with the --help hint.
 */
TEST(image_open_failure_is_not_a_usage_error)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	ASSERT_LE(0, s);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/run_test.%d.sock",
		 getpid());
	unlink(sa.sun_path);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, run(MINIVMX_BIN, ARGS("run", sa.sun_path), NO_DEVICE, NULL));
	EXPECT_EQ(1, r.status);
	expect_in(_metadata, r.err,
		  ": cannot open the image: No such device or address");
	EXPECT_EQ(NULL, strstr(r.err, "--help")) TH_LOG("%s", r.err);
	unlink(sa.sun_path);
	close(s);
}

TEST(module_that_cannot_run_guests)
{
	char image[64];

	ASSERT_EQ(0, make_image(image, 4096));
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("run", image),
			 ARGS("MINIVMX_DEVICE=/dev/null",
			      "FAKE_MINIVMX_NO_RUN_CAP=1"), NULL));
	unlink(image);
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: /dev/null: the loaded module cannot run guests (no MINIVMX_CAP_RUN)");
}

/* Runs through the fake device: the script says what the guest does. */

FIXTURE(fake) {
	char image[64];
};

FIXTURE_SETUP(fake)
{
	ASSERT_EQ(0, make_image(self->image, 4096));
}

FIXTURE_TEARDOWN(fake)
{
	unlink(self->image);
}

/* Run the fake guest: @script, extra @opts before the image, @input. */
static int fake_run(const char *image, const char *script,
		    const char *const *opts, const char *peek,
		    const char *input)
{
	static char script_env[1024], peek_env[64];
	const char *args[16] = { "run" };
	int n = 1, i;

	snprintf(script_env, sizeof(script_env), "FAKE_MINIVMX_SCRIPT=%s",
		 script);
	snprintf(peek_env, sizeof(peek_env), "FAKE_MINIVMX_PEEK=%s",
		 peek ? peek : "");
	for (i = 0; opts[i] && n < 14; i++)
		args[n++] = opts[i];
	args[n++] = image;
	args[n] = NULL;
	return run(FAKEDEV_BIN, args,
		   ARGS("MINIVMX_DEVICE=/dev/null", LOG, script_env, peek_env),
		   input);
}

/* The summary without its time, which varies. */
static void expect_summary(struct __test_metadata *_metadata,
			   const char *want)
{
	const char *p = strstr(r.err, want);

	EXPECT_NE(NULL, p) TH_LOG("no '%s' in:\n%s", want, r.err);
	if (!p)
		return;
	p += strlen(want);
	EXPECT_EQ(0, strncmp(p, " in ", 4));
	p = strchr(p, '\n');
	EXPECT_TRUE(p && p[1] == '\0') TH_LOG("not the last line:\n%s", r.err);
}

TEST_F(fake, guest_exit_status_and_output)
{
	ASSERT_EQ(0, fake_run(self->image,
			      "outs:0x3f8:hi from the UART\n;out:0xe9:1:0x21;out:0xe9:1:0xa;out:0xf4:4:7",
			      NONE, NULL, NULL));
	EXPECT_EQ(7, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("hi from the UART\n!\n", r.out);
	expect_line(_metadata, r.err, "fake: route 0xe9+1 -> debugcon");
	expect_line(_metadata, r.err, "fake: route 0xf4+1 -> exit");
	expect_summary(_metadata,
		       "minivmx: guest exited with status 7 after 4 exits (2 to userspace)");
}

TEST_F(fake, user_devices_give_the_same_output)
{
	ASSERT_EQ(0, fake_run(self->image,
			      "outs:0x3f8:hi from the UART\n;out:0xe9:1:0x21;out:0xe9:1:0xa;out:0xf4:4:7",
			      ARGS("--user-devices"), NULL, NULL));
	EXPECT_EQ(7, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("hi from the UART\n!\n", r.out);
	EXPECT_EQ(NULL, strstr(r.err, "fake: route"));
	expect_summary(_metadata,
		       "minivmx: guest exited with status 7 after 4 exits (4 to userspace)");
}

TEST_F(fake, status_is_truncated_to_a_byte)
{
	ASSERT_EQ(0, fake_run(self->image, "out:0xf4:4:0x1ff", NONE, NULL,
			      NULL));
	EXPECT_EQ(255, r.status);
	expect_summary(_metadata,
		       "minivmx: guest exited with status 511 after 1 exits (1 to userspace)");
	ASSERT_EQ(0, fake_run(self->image, "out:0xf4:2:0x100",
			      ARGS("--user-devices"), NULL, NULL));
	EXPECT_EQ(0, r.status);
	expect_summary(_metadata,
		       "minivmx: guest exited with status 256 after 1 exits (1 to userspace)");
}

TEST_F(fake, state_long)
{
	ASSERT_EQ(0, fake_run(self->image, "out:0xf4:1:0", NONE, "0x1008",
			      NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.err, "fake: region slot 0 gpa 0 size 0x200000");
	expect_line(_metadata, r.err,
		    "fake: sregs cs=0x8/0/0xffffffff type 11 l 1 db 0 ds=0x10 tr=0x18 type 11 gdt=0x1000/0x27 cr0=0x80000011 cr3=0x2000 cr4=0x20 efer=0x500");
	expect_line(_metadata, r.err, "fake: regs rip=0x10000 rsp=0x200000 rflags=0x2");
	expect_line(_metadata, r.err, "fake: peek 0x1008 = 0x00af9b000000ffff");
}

TEST_F(fake, state_protected_and_paged)
{
	ASSERT_EQ(0, fake_run(self->image, "out:0xf4:1:0",
			      ARGS("-m", "protected", "-M", "1M"), "0x1010", NULL));
	expect_line(_metadata, r.err, "fake: region slot 0 gpa 0 size 0x100000");
	expect_line(_metadata, r.err,
		    "fake: sregs cs=0x8/0/0xffffffff type 11 l 0 db 1 ds=0x10 tr=0x18 type 11 gdt=0x1000/0x1f cr0=0x11 cr3=0 cr4=0 efer=0");
	expect_line(_metadata, r.err, "fake: regs rip=0x10000 rsp=0x100000 rflags=0x2");
	expect_line(_metadata, r.err, "fake: peek 0x1010 = 0x00cf93000000ffff");
	ASSERT_EQ(0, fake_run(self->image, "out:0xf4:1:0",
			      ARGS("-m", "paged", "-e", "0x10002"), "0x8ff8", NULL));
	expect_line(_metadata, r.err,
		    "fake: sregs cs=0x8/0/0xffffffff type 11 l 0 db 1 ds=0x10 tr=0x18 type 11 gdt=0x1000/0x1f cr0=0x80000011 cr3=0x8000 cr4=0x10 efer=0");
	expect_line(_metadata, r.err, "fake: regs rip=0x10002 rsp=0x200000 rflags=0x2");
	expect_line(_metadata, r.err, "fake: peek 0x8ff8 = 0xffc00083ff800083");
}

TEST_F(fake, state_real_and_image_loaded)
{
	ASSERT_EQ(0, fake_run(self->image, "out:0xf4:1:0",
			      ARGS("--mode", "real", "--load", "0x7c00",
				   "--entry", "0x7c02"), "0x7c00", NULL));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	expect_line(_metadata, r.err,
		    "fake: sregs cs=0x7c0/0x7c00/0xffff type 11 l 0 db 0 ds=0x7c0 tr=0 type 11 gdt=0/0xffff cr0=0x10 cr3=0 cr4=0 efer=0");
	expect_line(_metadata, r.err, "fake: regs rip=0x2 rsp=0xfff0 rflags=0x2");
	expect_line(_metadata, r.err, "fake: peek 0x7c00 = 0x221100fdebf49090");
}

TEST_F(fake, uart_reads_stdin)
{
	ASSERT_EQ(0, fake_run(self->image,
			      "in:0x3fd:1;in:0x3f8:1;in:0x3fd:1;in:0x3f8:1;in:0x3fd:1;out:0xf4:1:0",
			      NONE, NULL, "ok"));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.err,
			       "fake: in 0x3fd -> 0x61\n"
			       "fake: in 0x3f8 -> 0x6f\n"
			       "fake: in 0x3fd -> 0x61\n"
			       "fake: in 0x3f8 -> 0x6b\n"
			       "fake: in 0x3fd -> 0x60\n")) TH_LOG("%s", r.err);
}

TEST_F(fake, open_bus_and_unclaimed_ports)
{
	ASSERT_EQ(0, fake_run(self->image,
			      "in:0x5c0:4;in:0xe9:1;mmior:0xe0000000:8;mmiow:0xe0000000:4:1;mmior:0xd0000000:2;out:0x80:1:0;out:0xf4:1:9",
			      NONE, NULL, NULL));
	EXPECT_EQ(9, r.status);
	expect_line(_metadata, r.err, "fake: in 0x5c0 -> 0xffffffff");
	expect_line(_metadata, r.err, "fake: in 0xe9 -> 0xff");
	expect_line(_metadata, r.err, "fake: mmio read 0xe0000000 -> 0xffffffffffffffff");
	expect_line(_metadata, r.err, "fake: mmio read 0xd0000000 -> 0xffff");
	EXPECT_STREQ("", r.out);
}

TEST_F(fake, hlt_resumes_and_hypercalls_answer)
{
	ASSERT_EQ(0, fake_run(self->image,
			      "hlt;hc:0x100:41;hlt;hc:0x123:1;out:0xf4:1:0",
			      NONE, NULL, NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.err, "fake: hypercall 0x100 -> 0x2a");
	expect_line(_metadata, r.err, "fake: hypercall 0x123 -> 0xffffffffffffffda");
	expect_summary(_metadata,
		       "minivmx: guest exited with status 0 after 5 exits (5 to userspace, 2 HLT)");
}

TEST_F(fake, full_console_ring_is_drained)
{
	ASSERT_EQ(0, fake_run(self->image,
			      "console:first;out:0xe9:1:0x2e;console:second;out:0xf4:1:0",
			      NONE, NULL, NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("first.second", r.out);
}

TEST_F(fake, triple_fault)
{
	ASSERT_EQ(0, fake_run(self->image, "outs:0x3f8:bye;shutdown", NONE,
			      NULL, NULL));
	EXPECT_EQ(3, r.status);
	EXPECT_STREQ("bye", r.out);
	expect_line(_metadata, r.err,
		    "minivmx: guest triple-faulted at rip 0x10000 (cr0=0x80000011 cr3=0x2000 cr4=0x20 efer=0x500)");
}

TEST_F(fake, failed_entry)
{
	ASSERT_EQ(0, fake_run(self->image, "fail:0:0:7", NONE, NULL, NULL));
	EXPECT_EQ(4, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: VM entry failed: VM-instruction error 7 (VM entry with invalid control field(s))");
	ASSERT_EQ(0, fake_run(self->image, "fail:0x80000021:4:0", NONE, NULL,
			      NULL));
	EXPECT_EQ(4, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: VM entry failed: invalid guest state (exit reason 33), qualification 4 (invalid VMCS link pointer)");
}

TEST_F(fake, internal_error)
{
	ASSERT_EQ(0, fake_run(self->image, "internal:2:0xe0000000:0xf4010783:0",
			      NONE, NULL, NULL));
	EXPECT_EQ(4, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: internal error: an MMIO instruction minivmx cannot emulate, at rip 0x10000 accessing gpa 0xe0000000; instruction bytes: 83 07 01 f4 00 00 00 00 00 00 00 00 00 00 00");
	ASSERT_EQ(0, fake_run(self->image, "internal:1:29:0x17:0", NONE, NULL,
			      NULL));
	EXPECT_EQ(4, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: internal error: a VM exit minivmx has no handler for: DR_ACCESS (exit reason 29), qualification 0x17, at rip 0x10000");
}

TEST_F(fake, timeout)
{
	ASSERT_EQ(0, fake_run(self->image, "hlt;spin", ARGS("--timeout", "0.2"),
			      NULL, NULL));
	EXPECT_EQ(124, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: timeout: the guest was still running after 0.2 s (1 exits, 1 to userspace, 1 HLT), stopped at rip 0x10000");
}

TEST_F(fake, run_errors)
{
	ASSERT_EQ(0, fake_run(self->image, "errno:5", NONE, NULL, NULL));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err, "minivmx: MINIVMX_RUN: Input/output error");
	ASSERT_EQ(0, fake_run(self->image, "", NONE, NULL, NULL));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: MINIVMX_RUN returned the unknown exit reason 0");
}

TEST_F(fake, trace_and_stats)
{
	ASSERT_EQ(0, fake_run(self->image, "out:0x3f8:1:0x41;hlt;out:0xf4:1:0",
			      ARGS("--trace", "--stats"), NULL, NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("A", r.out);
	expect_in(_metadata, r.err,
		  "minivmx: trace: IO out port=0x3f8 size=1 count=1 vmx=IO_INSTRUCTION rip=0x10000\n"
		  "minivmx: trace: HLT vmx=HLT rip=0x10000\n"
		  "minivmx: trace: GUEST_EXIT status=0 vmx=IO_INSTRUCTION rip=0x10000\n"
		  "minivmx: VM exits by reason (3 in all):\n"
		  "minivmx:    12 HLT                               1\n"
		  "minivmx:    30 IO_INSTRUCTION                    2\n"
		  "minivmx: exits to userspace (3 in all):\n"
		  "minivmx:       IO                                1\n"
		  "minivmx:       HLT                               1\n"
		  "minivmx:       GUEST_EXIT                        1\n"
		  "minivmx: guest exited with status 0 after 3 exits (3 to userspace, 1 HLT)");
}

/* The debugging options: the fake's step: and brk: stops. */

/* mov eax, 1; cpuid; out 0xf4, al */
#define STEP_CODE	"\xb8\x01\x00\x00\x00\x0f\xa2\xe6\xf4"

static int step_image(char *path)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/minivmx-step-XXXXXX");
	fd = mkstemp(path);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f)
		return -1;
	fwrite(STEP_CODE, 1, sizeof(STEP_CODE) - 1, f);
	return fclose(f) ? -1 : 0;
}

TEST_F(fake, step_prints_each_instruction)
{
	char image[64];

	ASSERT_EQ(0, step_image(image));
	ASSERT_EQ(0, fake_run(image,
			      "step:5:1;out:0x3f8:1:0x41;out:0xe9:1:0x42;step:2:0xd;out:0xf4:1:0",
			      ARGS("--step"), NULL, NULL));
	unlink(image);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("AB", r.out);
	expect_in(_metadata, r.err,
		  "fake: guest debug control=0x13 steps=1 exits=0xffffffdfffffffff,0xffff\n");
	expect_in(_metadata, r.err,
		  "minivmx: step 1 0x10000: b8 01 00 00 00       mov eax, 1\n"
		  "minivmx:   rax=0 -> 0x1\n"
		  "minivmx: step 2 0x10005: 0f a2                cpuid\n"
		  "minivmx:   exit: IO_INSTRUCTION (to userspace): OUT 1 byte to port 0x3f8\n");
	expect_in(_metadata, r.err,
		  "minivmx:   exit: IO_INSTRUCTION (in kernel)\n");
	expect_in(_metadata, r.err,
		  "minivmx:   rax=0x1 -> 0xd\n"
		  "minivmx: step 3 0x10007: e6 f4                out 0xf4, al\n");
	expect_in(_metadata, r.err,
		  "minivmx: stepped 3 instructions (the last one ended the run)\n");
}

TEST_F(fake, step_n_and_exit_breakpoints)
{
	char image[64];

	ASSERT_EQ(0, step_image(image));
	ASSERT_EQ(0, fake_run(image,
			      "step:5:1;brk:10:0;brk:28:0x304;out:0x3f8:1:0x41;step:2:0xd;out:0xf4:1:0",
			      ARGS("--step", "2", "--break-exit", "CPUID,CR,io"),
			      NULL, NULL));
	unlink(image);
	EXPECT_EQ(0, r.status);
	/* exit_bitmap: 10, 28 and 30 */
	expect_in(_metadata, r.err,
		  "fake: guest debug control=0x13 steps=2 exits=0x50000400,0\n");
	expect_in(_metadata, r.err,
		  "minivmx: stop 1 after 2 instructions (2 in all), next 0x10005: 0f a2                cpuid\n"
		  "minivmx:   rax=0 -> 0x1\n"
		  "minivmx: break: CPUID at rip 0x10005 (in kernel): CPUID, answered eax=0x1 ebx=0 ecx=0 edx=0\n"
		  "minivmx: break: CR_ACCESS at rip 0x10005 (in kernel): MOV to CR4 from RBX\n"
		  "minivmx: break: IO_INSTRUCTION at rip 0x10005 (to userspace): OUT 1 byte to port 0x3f8\n");
	expect_in(_metadata, r.err,
		  "minivmx: stop 2 after 2 instructions (4 in all), next 0x10007: e6 f4                out 0xf4, al\n");
	expect_in(_metadata, r.err,
		  "minivmx: 2 stops, 4 instructions up to the last one\n"
		  "minivmx: 4 exit breakpoint stops\n");
}

TEST_F(fake, vmcs_at_the_end)
{
	ASSERT_EQ(0, fake_run(self->image, "out:0x3f8:1:0x41;out:0xf4:1:0",
			      ARGS("--vmcs"), NULL, NULL));
	EXPECT_EQ(0, r.status);
	expect_line(_metadata, r.err, "Guest-state area (SDM Vol. 3C 25.4)");
	expect_line(_metadata, r.err,
		    "VM-execution control fields (SDM Vol. 3C 25.6)");
	expect_line(_metadata, r.err,
		    "VM-exit information fields (SDM Vol. 3C 25.9)");
	expect_line(_metadata, r.err,
		    "  GUEST_RIP                                 0x10000");
	expect_line(_metadata, r.err,
		    "  GUEST_CS_AR_BYTES                          0xa09b  code, execute/read, accessed; DPL 0, present, L=1 D/B=0 G=1 AVL=0");
	expect_line(_metadata, r.err,
		    "  VM_EXIT_REASON                               0x1e  IO_INSTRUCTION");
	expect_line(_metadata, r.err,
		    "  EXIT_QUALIFICATION                       0xf40000  OUT 1 byte to port 0xf4");
	expect_line(_metadata, r.err,
		    "(1 of the table's fields are not in this CPU's VMCS)");
	EXPECT_EQ(NULL, strstr(r.err, "TERTIARY_VM_EXEC_CONTROL"));
	EXPECT_EQ(NULL, strstr(r.err, "HOST_RIP"));
}

TEST_F(fake, module_that_cannot_step)
{
	static const char * const env[] = {
		"MINIVMX_DEVICE=/dev/null", "FAKE_MINIVMX_DEBUG_CAP=0x11",
		"FAKE_MINIVMX_SCRIPT=out:0xf4:1:0", NULL,
	};

	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("run", "--step", self->image), env,
			 NULL));
	EXPECT_EQ(1, r.status);
	expect_line(_metadata, r.err,
		    "minivmx: /dev/null: the loaded module cannot single-step guests (MINIVMX_CAP_GUEST_DEBUG answers 0x11)");
	/* exit breakpoints alone do not need SINGLESTEP */
	ASSERT_EQ(0, run(FAKEDEV_BIN, ARGS("run", "--break-exit", "HLT",
					   self->image), env, NULL));
	EXPECT_EQ(0, r.status);
}

TEST_HARNESS_MAIN
