// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx info: this CPU's VMX capabilities in plain words, and minivmx's
 * state on each CPU.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "libminivmx.h"
#include "vmx-decode.h"
#include "vmx-msrs.h"

static const char info_usage[] =
	"usage: minivmx info [--raw] [--msrs FILE] [--no-cpus]\n"
	"\n"
	"Explain the VMX capability MSRs (as the module read them when it\n"
	"loaded) in plain words, and show minivmx's state on each CPU.\n"
	"\n"
	"  -r, --raw         print only the raw MSRs, one per line:\n"
	"                    IA32_VMX_BASIC (0x480) = 0x00d810000000002b\n"
	"  -m, --msrs FILE   decode a dump saved with --raw (\"-\": stdin)\n"
	"                    instead of asking the device; '#' lines are comments\n"
	"  -n, --no-cpus     leave out the per-CPU table\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit codes: 0 success, 1 device or dump unusable, 2 usage error.\n";

struct info_opts {
	bool raw;
	bool no_cpus;
	const char *msrs_file;
};

/* What MINIVMX_GET_VMX_INFO answered. */
struct device_state {
	struct minivmx_vmx_info info;
	struct minivmx_cpu_state *cpus;
};

/* Return: -1 to go on, else the exit code to return at once. */
static int parse_opts(int argc, char **argv, struct info_opts *o)
{
	static const struct option opts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "msrs", required_argument, NULL, 'm' },
		{ "no-cpus", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":rm:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->raw = true;
			break;
		case 'm':
			o->msrs_file = optarg;
			break;
		case 'n':
			o->no_cpus = true;
			break;
		case 'h':
			fputs(info_usage, stdout);
			return MV_EXIT_OK;
		default:
			return option_error("info", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("info", "unexpected argument '%s'",
				   argv[optind]);
	return -1;
}

static int load_dump(const char *path, struct vmx_caps *caps)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *in = is_stdin ? stdin : fopen(path, "r");
	int ret;

	if (!in) {
		pr_err("%s: cannot open the dump: %s", path, strerror(errno));
		return MV_EXIT_FAIL;
	}
	ret = vmx_caps_parse(caps, in, is_stdin ? "<stdin>" : path);
	if (!is_stdin)
		fclose(in);
	return ret ? MV_EXIT_FAIL : MV_EXIT_OK;
}

static int query_device(int fd, struct device_state *dev)
{
	const char *path = minivmx_device_path();
	int ret, has;

	ret = minivmx_check_cap(fd, MINIVMX_CAP_VMX_INFO, &has);
	if (!ret && !has) {
		pr_err("%s: the loaded module does not offer MINIVMX_GET_VMX_INFO",
		       path);
		return MV_EXIT_FAIL;
	}
	if (!ret)
		ret = minivmx_get_vmx_info(fd, &dev->info, &dev->cpus);
	if (ret < 0) {
		pr_err("%s: cannot read the VMX information: %s", path,
		       strerror(-ret));
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

static int load_device(struct vmx_caps *caps, struct device_state *dev)
{
	int fd, ret;

	ret = device_open(&fd);
	if (ret)
		return ret;
	ret = query_device(fd, dev);
	minivmx_close(fd);
	if (!ret)
		vmx_caps_from_msrs(caps, &dev->info.msrs);
	return ret;
}

static void print_cpu(const struct minivmx_cpu_state *cpu, FILE *out)
{
	if (!(cpu->flags & MINIVMX_CPU_ONLINE)) {
		fprintf(out, "  %3u  %-6s  %-5s  %-8s  %s\n", cpu->cpu, "no",
			"-", "-", "-");
		return;
	}
	fprintf(out, "  %3u  %-6s  %-5s  %-8u  0x%016llx (", cpu->cpu, "yes",
		cpu->flags & MINIVMX_CPU_VMXON ? "yes" : "no",
		(unsigned int)(cpu->cr4 >> 13) & 1, cpu->feature_control);
	vmx_print_feature_control_word(cpu->feature_control, out);
	fputs(")\n", out);
}

static void print_cpus(const struct device_state *dev, FILE *out)
{
	__u32 i;

	fprintf(out, "\nminivmx per-CPU state (%u possible CPUs)\n",
		dev->info.nr_cpus);
	fprintf(out, "  cpu  online  vmxon  CR4.VMXE  feature-control\n");
	for (i = 0; i < dev->info.nr_cpus; i++)
		print_cpu(&dev->cpus[i], out);
	fprintf(out, "VMX on: %u of %u online CPUs\n", dev->info.nr_vmxon,
		dev->info.nr_online);
	if (dev->info.nr_vmxon < dev->info.nr_online)
		fprintf(out,
			"(minivmx is not in VMX operation on every online CPU: dmesg says why)\n");
}

static void print_all(const struct info_opts *o, const struct vmx_caps *caps,
		      const struct device_state *dev, FILE *out)
{
	if (o->msrs_file)
		fprintf(out, "VMX capabilities decoded from the dump %s\n\n",
			o->msrs_file);
	else
		fprintf(out, "VMX capabilities from %s (minivmx %s, API %d)\n\n",
			minivmx_device_path(), MINIVMX_VERSION,
			MINIVMX_API_VERSION);
	vmx_print_decoded(caps, out);
	if (!o->msrs_file && !o->no_cpus)
		print_cpus(dev, out);
	fprintf(out,
		"\nRaw MSRs (save with 'minivmx info --raw', decode with 'minivmx info --msrs FILE')\n");
	vmx_caps_print_raw(caps, out);
}

int cmd_info(int argc, char **argv)
{
	struct device_state dev = { .cpus = NULL };
	struct info_opts o = { .raw = false };
	struct vmx_caps caps;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (o.msrs_file)
		ret = load_dump(o.msrs_file, &caps);
	else
		ret = load_device(&caps, &dev);
	if (ret)
		goto out_free;
	if (o.raw)
		vmx_caps_print_raw(&caps, stdout);
	else
		print_all(&o, &caps, &dev, stdout);
	if (fflush(stdout)) {
		pr_err("writing the output: %s", strerror(errno));
		ret = MV_EXIT_FAIL;
	}
out_free:
	free(dev.cpus);
	return ret;
}
