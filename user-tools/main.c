// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx - drive the minivmx hypervisor through /dev/minivmx.
 *
 * The command table below is the whole list of subcommands; each lives in
 * its own cmd-<name>.c (kvmtool's model).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "libminivmx.h"

static const struct cmd commands[] = {
	{ "help", cmd_help, "show the help of the tool or of a command" },
	{ "info", cmd_info, "explain this CPU's VMX capabilities and minivmx's per-CPU state" },
	{ "run", cmd_run, "run a flat binary in a new VM (real, protected, paged or long mode)" },
	{ "stat", cmd_stat, "a live table of every VM's exits by reason (debugfs)" },
	{ "trace", cmd_trace, "print the exits 'run --record' wrote, in words, with their cycles" },
};

const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cmd_print_list(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: minivmx [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"Drive the minivmx hypervisor through %s\n"
		"(environment variable %s names another device node).\n"
		"\n"
		"Commands:\n",
		MINIVMX_DEVICE_DEFAULT, MINIVMX_DEVICE_ENV);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-6s %s\n", commands[i].name, commands[i].help);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the version of the tool and of its ABI\n"
		"\n"
		"Run 'minivmx COMMAND --help' for the options of a command.\n"
		"Exit codes: 0 success, 1 runtime failure, 2 usage error.\n");
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	fputs("minivmx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * usage_error() - report a bad command line
 * @cmd: the subcommand, or NULL for the tool's own options
 * @fmt: what is wrong, printf-style
 *
 * Return: MV_EXIT_USAGE, for the caller to return.
 */
int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "minivmx%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'minivmx%s%s --help'.\n",
		cmd ? " " : "", cmd ? cmd : "");
	return MV_EXIT_USAGE;
}

/**
 * option_error() - report what getopt_long() did not accept
 * @cmd: the subcommand, or NULL for the tool's own options
 * @c: what getopt_long() returned: '?' (unknown option) or ':' (missing
 *	argument; the option string must start with ':' after any '+')
 * @argv: the argument vector getopt_long() scanned
 *
 * Return: MV_EXIT_USAGE.
 */
int option_error(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	const char *what = c == ':' ? "option '%s' needs an argument" :
				      "unknown option '%s'";
	char shortopt[3] = { '-', (char)optopt, 0 };

	if (strncmp(arg, "--", 2) && optopt)
		arg = shortopt;
	return usage_error(cmd, what, arg);
}

static void print_version(void)
{
	printf("minivmx %s (ABI version %d)\n", MINIVMX_VERSION,
	       MINIVMX_API_VERSION);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *cmd;
	int c;

	/* '+': stop at the command name, its options are its own. */
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_print_list(stdout);
			return MV_EXIT_OK;
		case 'V':
			print_version();
			return MV_EXIT_OK;
		default:
			return option_error(NULL, c, argv);
		}
	}
	if (optind >= argc) {
		cmd_print_list(stderr);
		return MV_EXIT_USAGE;
	}
	cmd = cmd_find(argv[optind]);
	if (!cmd)
		return usage_error(NULL, "unknown command '%s'", argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: restart getopt from scratch for the command */
	return cmd->fn(argc, argv);
}
