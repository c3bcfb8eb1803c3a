// SPDX-License-Identifier: GPL-2.0-only
/*
 * The terminal of `minivmx run` (user-tools/term.c) on a pseudo-terminal:
 * raw while the UART reads it and restored afterwards, by term_stop(),
 * exit() and fatal signals; the Ctrl-A escape; a descriptor that is no
 * terminal left alone.  Then the whole tool (linked against the fake
 * device) with the pseudo-terminal as its controlling terminal: Ctrl-A x
 * ends the run with 130, Ctrl-A Ctrl-A and Ctrl-C reach the guest as
 * bytes, and the timeout and SIGTERM give the terminal back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "term.h"
#include "../guest/ptylib.h"

#define TEXT_MAX	8192

FIXTURE(pty) {
	struct pty p;
	int slave;
};

FIXTURE_SETUP(pty)
{
	ASSERT_EQ(0, pty_open(&self->p));
	self->slave = self->p.slave;
	/* a pty starts cooked: the tests below would prove nothing else */
	ASSERT_TRUE(!!(self->p.cooked.c_lflag & ICANON));
	ASSERT_TRUE(!!(self->p.cooked.c_lflag & ECHO));
	ASSERT_TRUE(!!(self->p.cooked.c_lflag & ISIG));
	ASSERT_TRUE(!!(self->p.cooked.c_oflag & OPOST));
}

FIXTURE_TEARDOWN(pty)
{
	pty_close(&self->p);
}

static atomic_int quits;

static void count_quit(void *opaque)
{
	atomic_fetch_add(&quits, 1);
}

TEST(escape_keys)
{
	bool esc = false;

	EXPECT_EQ(TERM_KEY_SEND, (int)term_key(&esc, 'a'));
	EXPECT_EQ(TERM_KEY_SEND, (int)term_key(&esc, 0x03));	/* Ctrl-C */
	EXPECT_EQ(TERM_KEY_SEND, (int)term_key(&esc, 0x1a));	/* Ctrl-Z */
	EXPECT_EQ(TERM_KEY_NONE, (int)term_key(&esc, TERM_ESCAPE));
	EXPECT_TRUE(esc);
	EXPECT_EQ(TERM_KEY_SEND, (int)term_key(&esc, TERM_ESCAPE));
	EXPECT_FALSE(esc);
	EXPECT_EQ(TERM_KEY_NONE, (int)term_key(&esc, TERM_ESCAPE));
	EXPECT_EQ(TERM_KEY_QUIT, (int)term_key(&esc, 'x'));
	EXPECT_EQ(TERM_KEY_NONE, (int)term_key(&esc, TERM_ESCAPE));
	EXPECT_EQ(TERM_KEY_HELP, (int)term_key(&esc, 'h'));
	EXPECT_EQ(TERM_KEY_NONE, (int)term_key(&esc, TERM_ESCAPE));
	EXPECT_EQ(TERM_KEY_NONE, (int)term_key(&esc, 'z'));	/* dropped */
	EXPECT_FALSE(esc);
	EXPECT_EQ(TERM_KEY_SEND, (int)term_key(&esc, 'x'));
}

TEST_F(pty, raw_while_started_and_restored_by_stop)
{
	struct term t;

	term_init(&t, self->slave);
	ASSERT_EQ(0, term_start(&t, count_quit, NULL));
	EXPECT_NE(self->slave, t.in_fd);
	EXPECT_EQ(self->slave, t.tty_fd);
	EXPECT_TRUE(pty_is_raw(&self->p));
	term_stop(&t);
	EXPECT_EQ(self->slave, t.in_fd);
	EXPECT_TRUE(pty_is_restored(&self->p));
	term_stop(&t);		/* again: nothing */
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_F(pty, keys_go_through_the_escape)
{
	static const char keys[] = "a\003\032\r\001\001b\001zc";
	static const char want[] = "a\003\032\r\001bc";
	char buf[64];
	struct term t;

	atomic_store(&quits, 0);
	term_init(&t, self->slave);
	ASSERT_EQ(0, term_start(&t, count_quit, NULL));
	ASSERT_EQ((ssize_t)sizeof(keys) - 1, write(self->p.master, keys, sizeof(keys) - 1));
	ASSERT_EQ((ssize_t)sizeof(want) - 1,
		  pty_read_for(t.in_fd, buf, sizeof(want) - 1, 2000));
	EXPECT_EQ(0, memcmp(buf, want, sizeof(want) - 1));
	/* nothing echoed by the host */
	EXPECT_EQ(0, pty_read_for(self->p.master, buf, sizeof(buf), 100));
	EXPECT_EQ(0, atomic_load(&quits));
	ASSERT_EQ(2, write(self->p.master, "\x01x", 2));
	/* the quit closes the UART's input */
	EXPECT_EQ(0, pty_read_for(t.in_fd, buf, sizeof(buf), 2000));
	EXPECT_EQ(1, atomic_load(&quits));
	term_stop(&t);
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_F(pty, help_goes_to_stderr)
{
	char buf[256] = "";
	struct term t;
	int err[2];

	ASSERT_EQ(0, pipe(err));
	ASSERT_EQ(STDERR_FILENO, dup2(err[1], STDERR_FILENO));
	term_init(&t, self->slave);
	ASSERT_EQ(0, term_start(&t, count_quit, NULL));
	ASSERT_EQ(3, write(self->p.master, "\x01hq", 3));
	ASSERT_EQ(1, pty_read_for(t.in_fd, buf, 1, 2000));
	EXPECT_EQ('q', buf[0]);
	pty_read_for(err[0], buf, strlen(TERM_HELP), 2000);
	EXPECT_STREQ(TERM_HELP, buf);
	term_stop(&t);
}

TEST(no_terminal_is_left_alone)
{
	struct term t;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	term_init(&t, p[0]);
	ASSERT_EQ(0, term_start(&t, count_quit, NULL));
	EXPECT_EQ(p[0], t.in_fd);
	EXPECT_EQ(-1, t.tty_fd);
	term_stop(&t);
	EXPECT_EQ(p[0], t.in_fd);
	EXPECT_EQ(1, write(p[1], "k", 1));
	EXPECT_EQ(1, read(t.in_fd, &p[1], 1));	/* still ours to read */
}

/* In a child, start raw on @fd and leave by @how; return its status. */
static int leave_raw(const struct pty *p, int how)
{
	struct term t;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		term_init(&t, p->slave);
		if (term_start(&t, count_quit, NULL) || !pty_is_raw(p))
			_exit(99);
		if (how == SIGABRT)
			abort();
		if (how)
			raise(how);
		exit(7);	/* atexit() */
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

TEST_F(pty, restored_by_exit_and_fatal_signals)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGSEGV, SIGABRT };
	unsigned int i;
	int status;

	status = leave_raw(&self->p, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7)
		TH_LOG("status %#x", status);
	EXPECT_TRUE(pty_is_restored(&self->p));
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		status = leave_raw(&self->p, sigs[i]);
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i])
			TH_LOG("signal %d: status %#x", sigs[i], status);
		EXPECT_TRUE(pty_is_restored(&self->p))
			TH_LOG("signal %d", sigs[i]);
	}
}

/*
 * The whole tool through the fake device, the pty its controlling
 * terminal and stdin as in an interactive shell.
 */
struct tool_run {
	FILE *out, *err;
	pid_t pid;
	int status;
	char err_text[TEXT_MAX];
};

FIXTURE(tool) {
	struct pty p;
	char image[64];
	struct tool_run tr;
};

FIXTURE_SETUP(tool)
{
	char zero[4096] = { 0 };
	int fd;

	ASSERT_EQ(0, pty_open(&self->p));
	strcpy(self->image, "/tmp/minivmx-term-XXXXXX");
	fd = mkstemp(self->image);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(zero), write(fd, zero, sizeof(zero)));
	close(fd);
	self->tr.out = tmpfile();
	self->tr.err = tmpfile();
	ASSERT_TRUE(self->tr.out && self->tr.err);
}

FIXTURE_TEARDOWN(tool)
{
	unlink(self->image);
	fclose(self->tr.out);
	fclose(self->tr.err);
	pty_close(&self->p);
}

/*
 * minivmx-fakedev run --timeout @timeout @image with @script on @p.
 * Return: true once the terminal is raw.
 */
static bool start_tool(struct tool_run *tr, const struct pty *p,
		       char *image, const char *script, char *timeout)
{
	static char script_env[512];
	char *argv[6], *envp[5];

	snprintf(script_env, sizeof(script_env), "FAKE_MINIVMX_SCRIPT=%s",
		 script);
	argv[0] = FAKEDEV_BIN;
	argv[1] = "run";
	argv[2] = "--timeout";
	argv[3] = timeout;
	argv[4] = image;
	argv[5] = NULL;
	envp[0] = "LC_ALL=C";
	envp[1] = "MINIVMX_DEVICE=/dev/null";
	envp[2] = "FAKE_MINIVMX_LOG=1";
	envp[3] = script_env;
	envp[4] = NULL;
	fflush(stdout);
	fflush(stderr);
	tr->pid = pty_spawn(p, argv, envp, fileno(tr->out), fileno(tr->err));
	return tr->pid > 0 && pty_wait_raw(p, 5000);
}

static void finish_tool(struct tool_run *tr)
{
	size_t n;

	if (waitpid(tr->pid, &tr->status, 0) != tr->pid)
		tr->status = -1;
	rewind(tr->err);
	n = fread(tr->err_text, 1, sizeof(tr->err_text) - 1, tr->err);
	tr->err_text[n] = '\0';
}

TEST_F(tool, ctrl_a_x_ends_the_run)
{
	ASSERT_TRUE(start_tool(&self->tr, &self->p, self->image, "spin", "10"));
	ASSERT_EQ(2, write(self->p.master, "\x01x", 2));
	finish_tool(&self->tr);
	EXPECT_TRUE(WIFEXITED(self->tr.status) && WEXITSTATUS(self->tr.status) == 130)
		TH_LOG("status %#x: %s", self->tr.status, self->tr.err_text);
	EXPECT_NE(NULL, strstr(self->tr.err_text, "\nminivmx: Ctrl-A x: the run ended after "))
		TH_LOG("%s", self->tr.err_text);
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_F(tool, keys_reach_the_guest_as_bytes)
{
	ASSERT_TRUE(start_tool(&self->tr, &self->p, self->image,
			       "sleep:1000;in:0x3fd:1;in:0x3f8:1;in:0x3fd:1;in:0x3f8:1;in:0x3fd:1;out:0xf4:1:0",
			       "10"));
	/* Ctrl-A Ctrl-A, Ctrl-C: with ISIG on, SIGINT would end the tool */
	ASSERT_EQ(3, write(self->p.master, "\x01\x01\x03", 3));
	finish_tool(&self->tr);
	EXPECT_TRUE(WIFEXITED(self->tr.status) && WEXITSTATUS(self->tr.status) == 0)
		TH_LOG("status %#x: %s", self->tr.status, self->tr.err_text);
	EXPECT_NE(NULL, strstr(self->tr.err_text,
			       "fake: in 0x3fd -> 0x61\n"
			       "fake: in 0x3f8 -> 0x1\n"
			       "fake: in 0x3fd -> 0x61\n"
			       "fake: in 0x3f8 -> 0x3\n"
			       "fake: in 0x3fd -> 0x60\n")) TH_LOG("%s", self->tr.err_text);
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_F(tool, timeout_restores_the_terminal)
{
	ASSERT_TRUE(start_tool(&self->tr, &self->p, self->image, "spin", "0.5"));
	finish_tool(&self->tr);
	EXPECT_TRUE(WIFEXITED(self->tr.status) && WEXITSTATUS(self->tr.status) == 124)
		TH_LOG("status %#x: %s", self->tr.status, self->tr.err_text);
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_F(tool, sigterm_restores_the_terminal)
{
	ASSERT_TRUE(start_tool(&self->tr, &self->p, self->image, "spin", "10"));
	kill(self->tr.pid, SIGTERM);
	finish_tool(&self->tr);
	EXPECT_TRUE(WIFSIGNALED(self->tr.status) && WTERMSIG(self->tr.status) == SIGTERM)
		TH_LOG("status %#x: %s", self->tr.status, self->tr.err_text);
	EXPECT_TRUE(pty_is_restored(&self->p));
}

TEST_HARNESS_MAIN
