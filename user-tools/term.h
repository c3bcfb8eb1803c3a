/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal of `minivmx run`: when stdin is one, the guest's UART gets
 * it in raw mode, as QEMU's -serial stdio does, with Ctrl-A as the escape
 * to the tool (term.c).
 */
#ifndef MINIVMX_TERM_H
#define MINIVMX_TERM_H

#include <pthread.h>
#include <stdbool.h>

#define TERM_ESCAPE	0x01	/* Ctrl-A */

/* The one line Ctrl-A h prints on stderr. */
#define TERM_HELP \
	"minivmx: Ctrl-A x: end the run; Ctrl-A Ctrl-A: send Ctrl-A; Ctrl-A h: this help\n"

/**
 * enum term_key - what a key means after the escape is applied
 * @TERM_KEY_NONE: nothing to do (a Ctrl-A that starts an escape, or an
 *	unknown escape, which is dropped)
 * @TERM_KEY_SEND: send the key to the guest
 * @TERM_KEY_QUIT: Ctrl-A x: end the run
 * @TERM_KEY_HELP: Ctrl-A h: print %TERM_HELP
 */
enum term_key {
	TERM_KEY_NONE,
	TERM_KEY_SEND,
	TERM_KEY_QUIT,
	TERM_KEY_HELP,
};

/* Called from the terminal's thread when the user asks to end the run. */
typedef void (*term_quit_fn)(void *opaque);

/**
 * struct term - the terminal of one run
 * @in_fd: what the UART reads: the pipe @thread fills, or the caller's
 *	descriptor unchanged when it is not a terminal
 * @tty_fd: the terminal in raw mode, -1 if none
 * @pipe_wr: the pipe's write end, which @thread owns
 * @stop_fd: an eventfd that stops @thread
 * @escape: a Ctrl-A started an escape
 * @quit: called on Ctrl-A x
 * @opaque: passed to @quit
 * @thread: reads @tty_fd, applies the escape, writes the rest to the pipe
 */
struct term {
	int in_fd;
	int tty_fd;
	int pipe_wr;
	int stop_fd;
	bool escape;
	term_quit_fn quit;
	void *opaque;
	pthread_t thread;
};

enum term_key term_key(bool *escape, unsigned char c);
void term_init(struct term *t, int fd);
int term_start(struct term *t, term_quit_fn quit, void *opaque);
void term_stop(struct term *t);

#endif /* MINIVMX_TERM_H */
