/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running the minivmx tool from a test: a clean environment, stdin from a
 * string, stdout and stderr captured.
 */
#ifndef MINIVMX_TOOL_RUN_H
#define MINIVMX_TOOL_RUN_H

#include <stdbool.h>

#define TEXT_MAX	(64 * 1024)

/**
 * struct tool_result - how the last run_tool() went
 * @status: the exit code, or 128 + the signal
 * @out: what it wrote to stdout
 * @err: what it wrote to stderr
 */
struct tool_result {
	int status;
	char out[TEXT_MAX];
	char err[TEXT_MAX];
};

extern struct tool_result r;

#define ARGS(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define NONE		((const char *const[]){ NULL })
#define NO_ENV		NONE
#define NO_DEVICE	ARGS("MINIVMX_DEVICE=/nonexistent")
#define FAKE_DEVICE	ARGS("MINIVMX_DEVICE=/dev/null")

int run(const char *bin, const char *const *args, const char *const *env,
	const char *input);
bool has_line(const char *text, const char *line);

#endif /* MINIVMX_TOOL_RUN_H */
