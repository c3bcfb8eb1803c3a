// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running the minivmx tool from a test; see tool_run.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool_run.h"

struct tool_result r;		/* each test runs in its own child */

static void slurp(FILE *f, char *buf)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, TEXT_MAX - 1, f);
	buf[n] = '\0';
}

static void exec_child(const char *bin, const char *const *args,
		       const char *const *env, FILE *in, FILE *out, FILE *err)
{
	char *argv[32];
	int i;

	argv[0] = (char *)bin;
	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	clearenv();
	setenv("LC_ALL", "C", 1);
	for (i = 0; env[i]; i++)
		putenv((char *)env[i]);
	if (in)
		dup2(fileno(in), 0);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	execv(bin, argv);
	_exit(127);
}

/**
 * run() - run a program and wait for it
 * @bin: the program
 * @args: its arguments after argv[0], NULL-terminated
 * @env: "NAME=value" strings, NULL-terminated, added to a clean
 *	environment (only LC_ALL=C)
 * @input: its stdin, or NULL to inherit ours
 *
 * Return: 0 with @r filled, or -1 if it could not be run.
 */
int run(const char *bin, const char *const *args, const char *const *env,
	const char *input)
{
	FILE *in = NULL, *out = tmpfile(), *err = tmpfile();
	int status;
	pid_t pid;

	if (!out || !err)
		return -1;
	if (input) {
		in = tmpfile();
		if (!in)
			return -1;
		fputs(input, in);
		fflush(in);
		rewind(in);
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		exec_child(bin, args, env, in, out, err);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) :
				      128 + WTERMSIG(status);
	slurp(out, r.out);
	slurp(err, r.err);
	fclose(out);
	fclose(err);
	if (in)
		fclose(in);
	return 0;
}

/**
 * has_line() - is @line (without its newline) a whole line of @text?
 * @text: the text
 * @line: the line
 *
 * Return: true if it is.
 */
bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') &&
		    (p[len] == '\n' || p[len] == '\0'))
			return true;
	return false;
}

