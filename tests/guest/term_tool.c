// SPDX-License-Identifier: GPL-2.0-only
/*
 * `minivmx run` with a terminal on stdin, on VT-x (user-tools/term.c,
 * Documentation/linux.rst, "A shell on the console"): the tool runs in a
 * session of its own with a pseudo-terminal as its controlling terminal
 * and stdin.  Ctrl-A x stops a guest spinning in VMX non-root mode with
 * exit code 130; Ctrl-A h prints the keys, and a key typed after it
 * reaches the UART of a guest halted with --lapic (tests/guests/ioapic.c
 * waits for 'x'); the terminal is raw while the guest runs and as it was
 * afterwards.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ptylib.h"
#include "term.h"
#include "testlib.h"

#define TEXT_MAX	16384

FIXTURE(term) {
	struct pty p;
	FILE *out, *err;
	pid_t pid;
	int status;
	char out_text[TEXT_MAX];
	char err_text[TEXT_MAX];
};

FIXTURE_SETUP(term)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	if (pty_open(&self->p))
		SKIP(return, "no pseudo-terminal: %s", strerror(errno));
	self->out = tmpfile();
	self->err = tmpfile();
	ASSERT_TRUE(self->out && self->err);
}

FIXTURE_TEARDOWN(term)
{
	if (self->out)
		fclose(self->out);
	if (self->err)
		fclose(self->err);
	pty_close(&self->p);
	EXPECT_EQ(0, mvx_unload());
}

static void slurp(FILE *f, char *buf)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, TEXT_MAX - 1, f);
	buf[n] = '\0';
}

/* minivmx run --timeout 300 @opt GUEST-long.bin; true once raw. */
static bool start_guest(FIXTURE_DATA(term) * self, const char *guest,
			const char *opt)
{
	const char *dir = getenv("MINIVMX_GUESTS");
	const char *tool = getenv("MINIVMX_TOOL");
	static char image[256];
	char *argv[7];
	int n = 0;

	snprintf(image, sizeof(image), "%s/%s-long.bin",
		 dir ? dir : "/minivmx/guests", guest);
	argv[n++] = (char *)(tool ? tool : "minivmx");
	argv[n++] = "run";
	argv[n++] = "--timeout";
	argv[n++] = "300";
	if (opt)
		argv[n++] = (char *)opt;
	argv[n++] = image;
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	self->pid = pty_spawn(&self->p, argv, NULL, fileno(self->out),
			      fileno(self->err));
	return self->pid > 0 && pty_wait_raw(&self->p, 60000);
}

static void finish(FIXTURE_DATA(term) * self)
{
	if (waitpid(self->pid, &self->status, 0) != self->pid)
		self->status = -1;
	slurp(self->out, self->out_text);
	slurp(self->err, self->err_text);
}

/* Wait up to @ms milliseconds for @text on the guest's serial output. */
static bool wait_output(FIXTURE_DATA(term) * self, const char *text, int ms)
{
	for (; ms > 0; ms -= 10) {
		fflush(self->out);
		slurp(self->out, self->out_text);
		if (strstr(self->out_text, text))
			return true;
		usleep(10000);
	}
	return false;
}

TEST_F(term, ctrl_a_x_stops_a_running_guest)
{
	ASSERT_TRUE(start_guest(self, "loop", NULL));
	EXPECT_TRUE(wait_output(self, "spinning", 60000));
	ASSERT_EQ(2, write(self->p.master, "\001x", 2));
	finish(self);
	EXPECT_TRUE(WIFEXITED(self->status) && WEXITSTATUS(self->status) == 130)
		TH_LOG("status %#x: %s", self->status, self->err_text);
	EXPECT_NE(NULL, strstr(self->err_text, "minivmx: Ctrl-A x: the run ended after "))
		TH_LOG("%s", self->err_text);
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_F(term, a_key_wakes_a_halted_guest)
{
	ASSERT_TRUE(start_guest(self, "ioapic", "--lapic"));
	/* late, so that the guest waits in HLT (platform_tool.sh) */
	sleep(3);
	/* Ctrl-A h is the tool's: its line on stderr, then 'x' for RBR */
	ASSERT_EQ(3, write(self->p.master, "\001hx", 3));
	finish(self);
	EXPECT_TRUE(WIFEXITED(self->status) && WEXITSTATUS(self->status) == 0)
		TH_LOG("status %#x: %s", self->status, self->err_text);
	EXPECT_NE(NULL, strstr(self->err_text, TERM_HELP))
		TH_LOG("%s", self->err_text);
	EXPECT_NE(NULL, strstr(self->out_text, ", 0 failed"))
		TH_LOG("%s", self->out_text);
	EXPECT_EQ(NULL, strstr(self->out_text, "not ok"))
		TH_LOG("%s", self->out_text);
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_HARNESS_MAIN
