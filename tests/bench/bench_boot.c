// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_boot: time a hypervisor booting a guest kernel, from launch to a line
 * of the guest's console.  tests/bench/linux_bench.sh runs minivmx and
 * QEMU/KVM through it on the same Linux guest.
 *
 *   bench_boot [-k] [-m MARK] [-t SECONDS] [-r FILE]... PATTERN -- COMMAND...
 *
 * COMMAND runs with stdin from /dev/null and its stdout and stderr on one
 * pipe, which bench_boot copies to its own stdout.  The first line that
 * contains MARK, if given, is timed too (the guest's first console line,
 * say, which ends the hypervisor's start-up); the first line that
 * contains PATTERN stops the clock.  At that moment each FILE given with -r
 * (a statistics file such as KVM's /sys/kernel/debug/kvm/exits) is read,
 * while the hypervisor and its VM still exist; then, with -k, COMMAND gets
 * SIGTERM (QEMU does not end when its guest halts).  Without a match in
 * SECONDS (default 600), COMMAND is killed.  COMMAND runs in a process
 * group of its own, and the signals go to the whole group.  The last line is
 *
 *   bench_boot matched=1 mark_us=N until_us=N exit_us=N status=N FILE=VALUE...
 *
 * with the microseconds from launch to MARK's line (-1 without one), to
 * PATTERN's and to COMMAND's end, its
 * wait status, and the first number in each FILE (named by its last
 * component; -1 where it could not be read).  Exit status: 0 if the
 * line came, 1 if not, 2 on a usage or system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES	16

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: bench_boot [-k] [-m MARK] [-t S] [-r FILE]... PATTERN -- CMD...\n");
	exit(2);
}

/* The first number in @path, or -1 if it cannot be read. */
static long long read_number(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	const char *files[MAX_FILES];
	long long values[MAX_FILES];
	int nfiles = 0, kill_at_match = 0, timeout = 600, opt, fds[2];
	char line[4096], buf[4096];
	long long t0, until = -1, mark_at = -1, end;
	size_t len = 0;
	const char *pattern, *mark = NULL;
	int status = 0, i;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+km:t:r:")) != -1) {
		switch (opt) {
		case 'k':
			kill_at_match = 1;
			break;
		case 'm':
			mark = optarg;
			break;
		case 't':
			timeout = atoi(optarg);
			if (timeout <= 0)
				bad_usage();
			break;
		case 'r':
			if (nfiles == MAX_FILES)
				bad_usage();
			files[nfiles] = optarg;
			values[nfiles++] = -1;
			break;
		default:
			bad_usage();
		}
	}
	if (argc - optind < 3 || strcmp(argv[optind + 1], "--"))
		bad_usage();
	pattern = argv[optind];

	if (pipe(fds)) {
		perror("bench_boot: pipe");
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("bench_boot: fork");
		return 2;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null < 0 || dup2(null, 0) < 0 || dup2(fds[1], 1) < 0 ||
		    dup2(fds[1], 2) < 0)
			_exit(127);
		close(fds[0]);
		execvp(argv[optind + 2], argv + optind + 2);
		fprintf(stderr, "bench_boot: %s: %s\n", argv[optind + 2],
			strerror(errno));
		_exit(127);
	}
	close(fds[1]);

	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		long long left = t0 + timeout * 1000000LL - now_us();
		ssize_t n;

		if (until < 0 && left <= 0) {
			fprintf(stderr, "bench_boot: no \"%s\" in %d s: killing %s\n",
				pattern, timeout, argv[optind + 2]);
			kill(-pid, SIGKILL);
			left = -1;
		}
		if (poll(&p, 1, until < 0 && left > 0 ? (int)(left / 1000) + 1 : -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("bench_boot: poll");
			break;
		}
		if (!p.revents)
			continue;
		n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fwrite(buf, 1, n, stdout);
		/* Whole lines only; a line longer than the buffer is cut. */
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n' && len < sizeof(line) - 1) {
				line[len++] = buf[i];
				continue;
			}
			if (buf[i] != '\n')
				continue;
			line[len] = '\0';
			len = 0;
			if (mark && mark_at < 0 && strstr(line, mark))
				mark_at = now_us() - t0;
			if (until >= 0 || !strstr(line, pattern))
				continue;
			until = now_us() - t0;
			for (int f = 0; f < nfiles; f++)
				values[f] = read_number(files[f]);
			if (kill_at_match)
				kill(-pid, SIGTERM);
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	end = now_us() - t0;
	fflush(stdout);
	printf("bench_boot matched=%d mark_us=%lld until_us=%lld exit_us=%lld status=%d",
	       until >= 0, mark_at, until, end, status);
	for (i = 0; i < nfiles; i++) {
		const char *name = strrchr(files[i], '/');

		printf(" %s=%lld", name ? name + 1 : files[i], values[i]);
	}
	printf("\n");
	return until >= 0 ? 0 : 1;
}
