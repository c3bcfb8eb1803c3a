/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A pseudo-terminal for the tests of `minivmx run` on a terminal
 * (user-tools/term.c): tests/host/term_test.c on the host, with the fake
 * device, and tests/guest/term_tool.c in the testbed, with VT-x.
 */
#ifndef MINIVMX_PTYLIB_H
#define MINIVMX_PTYLIB_H

#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/**
 * struct pty - a pseudo-terminal pair
 * @master: the side a test types on
 * @slave: the terminal, opened with O_NOCTTY: never the test's own
 * @name: the slave's path, for a child to open as its terminal
 * @cooked: its settings as it came, which must come back
 */
struct pty {
	int master;
	int slave;
	char name[64];
	struct termios cooked;
};

/* Return: 0, or -1 with nothing left open. */
static inline int pty_open(struct pty *p)
{
	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return -1;
	if (grantpt(p->master) || unlockpt(p->master) ||
	    ptsname_r(p->master, p->name, sizeof(p->name)))
		goto fail;
	p->slave = open(p->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0 || tcgetattr(p->slave, &p->cooked))
		goto fail;
	return 0;
fail:
	if (p->slave >= 0)
		close(p->slave);
	close(p->master);
	return -1;
}

static inline void pty_close(struct pty *p)
{
	close(p->slave);
	close(p->master);
}

/*
 * Raw input as term.c makes it: keys one at a time, no echo, no signals,
 * no flow control; output processing as it was.
 */
static inline bool pty_is_raw(const struct pty *p)
{
	struct termios tio;

	if (tcgetattr(p->slave, &tio))
		return false;
	return !(tio.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)) &&
	       !(tio.c_iflag & (ICRNL | IXON | ISTRIP)) &&
	       (tio.c_cflag & CSIZE) == CS8 && tio.c_cc[VMIN] == 1 &&
	       tio.c_cc[VTIME] == 0 && tio.c_oflag == p->cooked.c_oflag;
}

static inline bool pty_is_restored(const struct pty *p)
{
	struct termios tio;

	return !tcgetattr(p->slave, &tio) &&
	       tio.c_iflag == p->cooked.c_iflag &&
	       tio.c_oflag == p->cooked.c_oflag &&
	       tio.c_cflag == p->cooked.c_cflag &&
	       tio.c_lflag == p->cooked.c_lflag &&
	       !memcmp(tio.c_cc, p->cooked.c_cc, sizeof(tio.c_cc));
}

/* Wait up to @ms milliseconds for raw mode.  Return: true if it came. */
static inline bool pty_wait_raw(const struct pty *p, int ms)
{
	for (; ms > 0; ms--) {
		if (pty_is_raw(p))
			return true;
		usleep(1000);
	}
	return pty_is_raw(p);
}

/*
 * Run @argv in a session of its own with the pty as its controlling
 * terminal and stdin, as an interactive shell runs it, stdout and stderr
 * to @out_fd and @err_fd; @envp NULL: ours, and @argv[0] found in PATH.
 * Return: the child's pid, or -1.
 */
static inline pid_t pty_spawn(const struct pty *p, char *const argv[],
			      char *const envp[], int out_fd, int err_fd)
{
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	setsid();
	fd = open(p->name, O_RDWR);	/* a session leader's first: its terminal */
	if (fd < 0)
		_exit(126);
	dup2(fd, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	if (envp)
		execve(argv[0], argv, envp);
	else
		execvp(argv[0], argv);
	_exit(127);
}

/* Read what comes within @ms milliseconds, up to @len bytes. */
static inline ssize_t pty_read_for(int fd, char *buf, size_t len, int ms)
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

#endif /* MINIVMX_PTYLIB_H */
