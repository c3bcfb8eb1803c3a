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
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "term.h"

#define TEXT_MAX	8192

FIXTURE(pty) {
	int master;
	int slave;		/* without O_NOCTTY nowhere: never ours */
	char name[64];
	struct termios cooked;	/* what the pty starts with */
};

FIXTURE_SETUP(pty)
{
	self->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, self->master);
	ASSERT_EQ(0, grantpt(self->master));
	ASSERT_EQ(0, unlockpt(self->master));
	ASSERT_EQ(0, ptsname_r(self->master, self->name, sizeof(self->name)));
	self->slave = open(self->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, self->slave);
	ASSERT_EQ(0, tcgetattr(self->slave, &self->cooked));
	/* a pty starts cooked: the tests below would prove nothing else */
	ASSERT_TRUE(!!(self->cooked.c_lflag & ICANON));
	ASSERT_TRUE(!!(self->cooked.c_lflag & ECHO));
	ASSERT_TRUE(!!(self->cooked.c_lflag & ISIG));
	ASSERT_TRUE(!!(self->cooked.c_oflag & OPOST));
}

FIXTURE_TEARDOWN(pty)
{
	close(self->slave);
	close(self->master);
}

static bool same_settings(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

/* Raw input as term.c promises it: keys one at a time, no echo, no signals. */
static bool is_raw(int fd, const struct termios *cooked)
{
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return false;
	return !(tio.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)) &&
	       !(tio.c_iflag & (ICRNL | IXON | ISTRIP)) &&
	       (tio.c_cflag & CSIZE) == CS8 && tio.c_cc[VMIN] == 1 &&
	       tio.c_cc[VTIME] == 0 && tio.c_oflag == cooked->c_oflag;
}

static bool is_restored(int fd, const struct termios *cooked)
{
	struct termios tio;

	return !tcgetattr(fd, &tio) && same_settings(&tio, cooked);
}

/* Read what is there within @ms milliseconds, up to @len bytes. */
static ssize_t read_for(int fd, char *buf, size_t len, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n, got = 0;

	while (got < (ssize_t)len && poll(&pfd, 1, ms) > 0) {
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			break;
		got += n;
	}
	return got;
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
	EXPECT_TRUE(is_raw(self->slave, &self->cooked));
	term_stop(&t);
	EXPECT_EQ(self->slave, t.in_fd);
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
	term_stop(&t);		/* again: nothing */
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
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
	ASSERT_EQ((ssize_t)sizeof(keys) - 1, write(self->master, keys, sizeof(keys) - 1));
	ASSERT_EQ((ssize_t)sizeof(want) - 1,
		  read_for(t.in_fd, buf, sizeof(want) - 1, 2000));
	EXPECT_EQ(0, memcmp(buf, want, sizeof(want) - 1));
	/* nothing echoed by the host */
	EXPECT_EQ(0, read_for(self->master, buf, sizeof(buf), 100));
	EXPECT_EQ(0, atomic_load(&quits));
	ASSERT_EQ(2, write(self->master, "\x01x", 2));
	/* the quit closes the UART's input */
	EXPECT_EQ(0, read_for(t.in_fd, buf, sizeof(buf), 2000));
	EXPECT_EQ(1, atomic_load(&quits));
	term_stop(&t);
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
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
	ASSERT_EQ(3, write(self->master, "\x01hq", 3));
	ASSERT_EQ(1, read_for(t.in_fd, buf, 1, 2000));
	EXPECT_EQ('q', buf[0]);
	read_for(err[0], buf, strlen(TERM_HELP), 2000);
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
static int leave_raw(int fd, const struct termios *cooked, int how)
{
	struct term t;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		term_init(&t, fd);
		if (term_start(&t, count_quit, NULL) || !is_raw(fd, cooked))
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

	status = leave_raw(self->slave, &self->cooked, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7)
		TH_LOG("status %#x", status);
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		status = leave_raw(self->slave, &self->cooked, sigs[i]);
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i])
			TH_LOG("signal %d: status %#x", sigs[i], status);
		EXPECT_TRUE(is_restored(self->slave, &self->cooked))
			TH_LOG("signal %d", sigs[i]);
	}
}

/*
 * The whole tool through the fake device, the pty its controlling
 * terminal and stdin as in an interactive shell.
 */
struct tool_run {
	pid_t pid;
	FILE *out, *err;
	int status;
	char err_text[TEXT_MAX];
};

static int start_tool(struct tool_run *tr, const char *tty,
		      const char *image, const char *script,
		      const char *timeout)
{
	char script_env[512];
	int fd;

	snprintf(script_env, sizeof(script_env), "FAKE_MINIVMX_SCRIPT=%s",
		 script);
	tr->out = tmpfile();
	tr->err = tmpfile();
	if (!tr->out || !tr->err)
		return -1;
	fflush(stdout);
	fflush(stderr);
	tr->pid = fork();
	if (tr->pid)
		return tr->pid < 0 ? -1 : 0;
	/* A session of its own, the pty its controlling terminal. */
	setsid();
	fd = open(tty, O_RDWR);
	if (fd < 0)
		_exit(126);
	dup2(fd, STDIN_FILENO);
	dup2(fileno(tr->out), STDOUT_FILENO);
	dup2(fileno(tr->err), STDERR_FILENO);
	clearenv();
	setenv("LC_ALL", "C", 1);
	setenv("MINIVMX_DEVICE", "/dev/null", 1);
	setenv("FAKE_MINIVMX_LOG", "1", 1);
	putenv(script_env);
	execl(FAKEDEV_BIN, FAKEDEV_BIN, "run", "--timeout", timeout, image,
	      NULL);
	_exit(127);
}

static bool wait_raw(int fd, const struct termios *cooked)
{
	int i;

	for (i = 0; i < 5000; i++) {
		if (is_raw(fd, cooked))
			return true;
		usleep(1000);
	}
	return false;
}

static void finish_tool(struct tool_run *tr)
{
	size_t n;

	if (waitpid(tr->pid, &tr->status, 0) != tr->pid)
		tr->status = -1;
	rewind(tr->err);
	n = fread(tr->err_text, 1, sizeof(tr->err_text) - 1, tr->err);
	tr->err_text[n] = '\0';
	fclose(tr->out);
	fclose(tr->err);
}

FIXTURE(tool) {
	int master;
	int slave;
	char name[64];
	char image[64];
	struct termios cooked;
	struct tool_run tr;
};

FIXTURE_SETUP(tool)
{
	char zero[4096] = { 0 };
	int fd;

	self->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, self->master);
	ASSERT_EQ(0, grantpt(self->master));
	ASSERT_EQ(0, unlockpt(self->master));
	ASSERT_EQ(0, ptsname_r(self->master, self->name, sizeof(self->name)));
	self->slave = open(self->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, self->slave);
	ASSERT_EQ(0, tcgetattr(self->slave, &self->cooked));
	strcpy(self->image, "/tmp/minivmx-term-XXXXXX");
	fd = mkstemp(self->image);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(zero), write(fd, zero, sizeof(zero)));
	close(fd);
}

FIXTURE_TEARDOWN(tool)
{
	unlink(self->image);
	close(self->slave);
	close(self->master);
}

TEST_F(tool, ctrl_a_x_ends_the_run)
{
	struct tool_run *tr = &self->tr;

	ASSERT_EQ(0, start_tool(tr, self->name, self->image, "spin", "10"));
	EXPECT_TRUE(wait_raw(self->slave, &self->cooked));
	ASSERT_EQ(2, write(self->master, "\x01x", 2));
	finish_tool(tr);
	EXPECT_TRUE(WIFEXITED(tr->status) && WEXITSTATUS(tr->status) == 130)
		TH_LOG("status %#x: %s", tr->status, tr->err_text);
	EXPECT_NE(NULL, strstr(tr->err_text, "\nminivmx: Ctrl-A x: the run ended after "))
		TH_LOG("%s", tr->err_text);
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
}

TEST_F(tool, keys_reach_the_guest_as_bytes)
{
	struct tool_run *tr = &self->tr;

	ASSERT_EQ(0, start_tool(tr, self->name, self->image,
				"sleep:1000;in:0x3fd:1;in:0x3f8:1;in:0x3fd:1;in:0x3f8:1;in:0x3fd:1;out:0xf4:1:0",
				"10"));
	EXPECT_TRUE(wait_raw(self->slave, &self->cooked));
	/* Ctrl-A Ctrl-A, Ctrl-C: with ISIG on, SIGINT would end the tool */
	ASSERT_EQ(3, write(self->master, "\x01\x01\x03", 3));
	finish_tool(tr);
	EXPECT_TRUE(WIFEXITED(tr->status) && WEXITSTATUS(tr->status) == 0)
		TH_LOG("status %#x: %s", tr->status, tr->err_text);
	EXPECT_NE(NULL, strstr(tr->err_text,
			       "fake: in 0x3fd -> 0x61\n"
			       "fake: in 0x3f8 -> 0x1\n"
			       "fake: in 0x3fd -> 0x61\n"
			       "fake: in 0x3f8 -> 0x3\n"
			       "fake: in 0x3fd -> 0x60\n")) TH_LOG("%s", tr->err_text);
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
}

TEST_F(tool, timeout_restores_the_terminal)
{
	struct tool_run *tr = &self->tr;

	ASSERT_EQ(0, start_tool(tr, self->name, self->image, "spin", "0.5"));
	EXPECT_TRUE(wait_raw(self->slave, &self->cooked));
	finish_tool(tr);
	EXPECT_TRUE(WIFEXITED(tr->status) && WEXITSTATUS(tr->status) == 124)
		TH_LOG("status %#x: %s", tr->status, tr->err_text);
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
}

TEST_F(tool, sigterm_restores_the_terminal)
{
	struct tool_run *tr = &self->tr;

	ASSERT_EQ(0, start_tool(tr, self->name, self->image, "spin", "10"));
	EXPECT_TRUE(wait_raw(self->slave, &self->cooked));
	kill(tr->pid, SIGTERM);
	finish_tool(tr);
	EXPECT_TRUE(WIFSIGNALED(tr->status) && WTERMSIG(tr->status) == SIGTERM)
		TH_LOG("status %#x: %s", tr->status, tr->err_text);
	EXPECT_TRUE(is_restored(self->slave, &self->cooked));
}

TEST_HARNESS_MAIN
