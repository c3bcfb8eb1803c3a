// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx help [COMMAND]: the tool's help, or a command's (as COMMAND --help).
 */
#include <string.h>

#include "cmd.h"

int cmd_help(int argc, char **argv)
{
	char help_opt[] = "--help";
	const struct cmd *cmd;
	char *args[3];

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cmd_print_list(stdout);
		return MV_EXIT_OK;
	}
	if (argc > 2)
		return usage_error("help", "expected at most one command");
	cmd = cmd_find(argv[1]);
	if (!cmd)
		return usage_error("help", "unknown command '%s'", argv[1]);
	if (cmd->fn == cmd_help) {
		cmd_print_list(stdout);
		return MV_EXIT_OK;
	}
	args[0] = argv[1];
	args[1] = help_opt;
	args[2] = NULL;
	return cmd->fn(2, args);
}
