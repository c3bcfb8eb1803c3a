/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The minivmx tool's internals: the command table, exit codes and the
 * helpers every subcommand shares.
 */
#ifndef MINIVMX_CMD_H
#define MINIVMX_CMD_H

#include <stdio.h>

#include "util.h"

/* Exit codes of the tool. */
enum {
	MV_EXIT_OK = 0,		/* the command did what was asked */
	MV_EXIT_FAIL = 1,	/* runtime failure: device, file, kernel */
	MV_EXIT_USAGE = 2,	/* bad command line */
	MV_EXIT_SHUTDOWN = 3,	/* run: the guest triple-faulted */
	MV_EXIT_INTERNAL = 4,	/* run: VM entry failed, internal error */
	MV_EXIT_DIFFER = 5,	/* trace --diff: the two runs' exits part */
	MV_EXIT_TIMEOUT = 124,	/* run: --timeout expired (as timeout(1)) */
	MV_EXIT_QUIT = 130,	/* run: Ctrl-A x (128 + SIGINT, as a shell says) */
};

/**
 * struct cmd - one subcommand
 * @name: what the user types
 * @fn: runs it with argv[0] == @name; returns an MV_EXIT_* code
 * @help: one line for the command list
 */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

const struct cmd *cmd_find(const char *name);
void cmd_print_list(FILE *out);

int cmd_help(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_trace(int argc, char **argv);

void pr_err(const char *fmt, ...) __printf(1, 2);
int usage_error(const char *cmd, const char *fmt, ...) __printf(2, 3);
int option_error(const char *cmd, int c, char **argv);
int device_open(int *fd);

#endif /* MINIVMX_CMD_H */
