// SPDX-License-Identifier: GPL-2.0-only
/*
 * The terminal of `minivmx run`.  When stdin is a terminal, the guest's
 * UART gets it the way QEMU's -serial stdio gives it: in raw mode, so that
 * each key goes to the guest as it is typed, unechoed (the guest echoes),
 * with Ctrl-C, Ctrl-Z and Ctrl-S for the guest instead of the tool.  A
 * thread reads the terminal and applies the escape, Ctrl-A (QEMU's):
 * Ctrl-A x ends the run, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h prints
 * the keys; any other key after Ctrl-A is dropped.  The rest goes into a
 * pipe that the UART reads as it read stdin.  The thread reads the
 * terminal whether or not the guest reads the UART, so that Ctrl-A x
 * works while the guest ignores its input.
 *
 * Output processing (OPOST) stays as it was, as QEMU leaves it: the
 * tool's own lines ("minivmx: ...\n") still start at the left margin
 * without each writer adding "\r", and a guest's "\r\n" becomes "\r\r\n",
 * which a terminal shows the same.
 *
 * The terminal is restored on every way out: term_stop(), exit() (an
 * atexit() handler), and the signals that end or stop the process, whose
 * handlers restore it and then raise the signal again with its default
 * action.  SIGKILL cannot be caught: after it, "stty sane" is the way
 * back.
 */
#define _GNU_SOURCE		/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "dev-uart.h"	/* write_all() */
#include "term.h"
#include "util.h"

/*
 * For the atexit() and signal handlers, which have no argument: the one
 * terminal in raw mode (-1: none) and its settings before.
 */
static int raw_fd = -1;
static struct termios saved_tio, raw_tio;

/* The signals whose default action ends the process, and their old actions. */
static const int fatal_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE,
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS,
};

static struct sigaction old_fatal[ARRAY_SIZE(fatal_signals)];
static struct sigaction old_tstp;

/* Async-signal-safe: tcsetattr() is. */
static void restore(void)
{
	if (raw_fd >= 0)
		tcsetattr(raw_fd, TCSANOW, &saved_tio);
}

static void restore_at_exit(void)
{
	restore();
	raw_fd = -1;
}

/*
 * SA_RESETHAND has put back the default action: the signal raised again
 * is delivered when the handler returns (a fault simply happens again).
 */
static void on_fatal(int sig)
{
	restore();
	raise(sig);
}

/* Ctrl-Z reaches the guest; a SIGTSTP from kill stops the tool cooked. */
static void on_tstp(int sig __always_unused)
{
	int saved_errno = errno;

	restore();
	raise(SIGSTOP);
	/* continued (fg): raw again */
	if (raw_fd >= 0)
		tcsetattr(raw_fd, TCSANOW, &raw_tio);
	errno = saved_errno;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_fatal,
				.sa_flags = SA_RESETHAND };
	static bool registered;
	size_t i;

	if (!registered && !atexit(restore_at_exit))
		registered = true;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, &old_fatal[i]);
	sa.sa_handler = on_tstp;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTSTP, &sa, &old_tstp);
}

static void release_signals(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		sigaction(fatal_signals[i], &old_fatal[i], NULL);
	sigaction(SIGTSTP, &old_tstp, NULL);
}

/**
 * term_key() - one key through the Ctrl-A escape
 * @escape: true while a Ctrl-A waits for its second key; updated
 * @c: the key
 *
 * Return: what to do with @c; %TERM_KEY_SEND sends @c itself (after
 * Ctrl-A Ctrl-A, the second Ctrl-A).
 */
enum term_key term_key(bool *escape, unsigned char c)
{
	if (!*escape) {
		*escape = c == TERM_ESCAPE;
		return *escape ? TERM_KEY_NONE : TERM_KEY_SEND;
	}
	*escape = false;
	switch (c) {
	case TERM_ESCAPE:
		return TERM_KEY_SEND;
	case 'x':
	case 'X':
		return TERM_KEY_QUIT;
	case 'h':
	case 'H':
	case '?':
		return TERM_KEY_HELP;
	default:
		return TERM_KEY_NONE;
	}
}

/* Apply the escape to @c.  Return: false once the user asked to quit. */
static bool term_input(struct term *t, unsigned char c)
{
	switch (term_key(&t->escape, c)) {
	case TERM_KEY_SEND:
		/*
		 * A full pipe drops the key, as a UART overruns: the guest
		 * has not read 64 KiB of input, and Ctrl-A x must still work.
		 */
		write_all(t->pipe_wr, &c, 1);
		return true;
	case TERM_KEY_QUIT:
		t->quit(t->opaque);
		return false;
	case TERM_KEY_HELP:
		write_all(STDERR_FILENO, TERM_HELP, strlen(TERM_HELP));
		return true;
	default:
		return true;
	}
}

static void *term_thread(void *opaque)
{
	struct term *t = opaque;
	struct pollfd pfd[2] = {
		{ .fd = t->tty_fd, .events = POLLIN },
		{ .fd = t->stop_fd, .events = POLLIN },
	};
	unsigned char buf[64];
	ssize_t n, i;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		n = read(t->tty_fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;		/* a hangup: the UART's input ends */
		for (i = 0; i < n; i++)
			if (!term_input(t, buf[i]))
				goto out;
	}
out:
	/* The UART sees the end of its input. */
	close(t->pipe_wr);
	t->pipe_wr = -1;
	return NULL;
}

/*
 * Raw input as cfmakeraw() makes it, without its output part: OPOST
 * stays as it was (see the top of the file).
 */
static void make_raw(struct termios *tio)
{
	tio->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
			  ICRNL | IXON);
	tio->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	tio->c_cflag &= ~(CSIZE | PARENB);
	tio->c_cflag |= CS8;
	tio->c_cc[VMIN] = 1;
	tio->c_cc[VTIME] = 0;
}

/*
 * A terminal whose settings are ours to change: not one we run in the
 * background of (tcsetattr() would stop us with SIGTTOU).  A terminal
 * that is not our controlling one has no foreground to ask.
 */
static bool is_our_terminal(int fd)
{
	pid_t fg;

	if (!isatty(fd))
		return false;
	fg = tcgetpgrp(fd);
	return fg < 0 || fg == getpgrp();
}

/**
 * term_init() - a terminal not yet started
 * @t: the terminal
 * @fd: the UART's input (stdin)
 */
void term_init(struct term *t, int fd)
{
	memset(t, 0, sizeof(*t));
	t->in_fd = fd;
	t->tty_fd = -1;
	t->pipe_wr = -1;
	t->stop_fd = -1;
}

/**
 * term_start() - raw mode and the escape, if the input is a terminal
 * @t: the terminal, from term_init()
 * @quit: called from the terminal's thread on Ctrl-A x
 * @opaque: passed to @quit
 *
 * If @t's input is a terminal in the foreground, put it in raw mode, start
 * the thread that reads it and make @t->in_fd the pipe it fills; else
 * change nothing.  Either way the UART reads @t->in_fd afterwards.
 *
 * Return: 0 or -errno, with the terminal as it was.
 */
int term_start(struct term *t, term_quit_fn quit, void *opaque)
{
	int fd = t->in_fd, pipefd[2], ret;
	sigset_t all, old;

	if (!is_our_terminal(fd))
		return 0;
	if (tcgetattr(fd, &saved_tio))
		return -errno;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	/* The thread never waits for the guest: see term_input(). */
	fcntl(pipefd[1], F_SETFL, O_NONBLOCK);
	t->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (t->stop_fd < 0) {
		ret = -errno;
		goto out_close_pipe;
	}
	raw_tio = saved_tio;
	make_raw(&raw_tio);
	raw_fd = fd;
	catch_signals();
	if (tcsetattr(fd, TCSANOW, &raw_tio)) {
		ret = -errno;
		goto out_release;
	}
	t->tty_fd = fd;
	t->in_fd = pipefd[0];
	t->pipe_wr = pipefd[1];
	t->quit = quit;
	t->opaque = opaque;
	/* Signals are for vCPU 0's thread: this one takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&t->thread, NULL, term_thread, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ret)
		return 0;
	t->in_fd = fd;
	t->tty_fd = -1;
	t->pipe_wr = -1;
	restore();
out_release:
	raw_fd = -1;
	release_signals();
	close(t->stop_fd);
	t->stop_fd = -1;
out_close_pipe:
	close(pipefd[0]);
	close(pipefd[1]);
	return ret;
}

/**
 * term_stop() - stop the thread and give the terminal its settings back
 * @t: the terminal; nothing happens unless term_start() made it raw
 *
 * Call it after the UART's reader has stopped: it closes the pipe, and
 * @t->in_fd is the terminal again.
 */
void term_stop(struct term *t)
{
	__u64 one = 1;

	if (t->tty_fd < 0)
		return;
	write_all(t->stop_fd, &one, sizeof(one));
	pthread_join(t->thread, NULL);
	close(t->stop_fd);
	if (t->pipe_wr >= 0)
		close(t->pipe_wr);
	close(t->in_fd);
	restore();
	raw_fd = -1;
	release_signals();
	t->in_fd = t->tty_fd;
	t->tty_fd = -1;
	t->pipe_wr = -1;
	t->stop_fd = -1;
}
