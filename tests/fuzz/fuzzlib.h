/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two fuzzers share: a seeded PRNG, the command line, the set of
 * errnos an ioctl may answer, a per-thread timer that interrupts
 * MINIVMX_RUN, TAP output and the final health check (a fresh VM runs a
 * tiny guest to its HLT).
 */
#ifndef MINIVMX_FUZZLIB_H
#define MINIVMX_FUZZLIB_H

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "vmlib.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- PRNG: splitmix64 to seed, xorshift64* to draw ---- */

struct rng {
	uint64_t s;
};

static inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A stream of its own for each (seed, index): thread or program number. */
static inline void rng_init(struct rng *r, uint64_t seed, uint64_t index)
{
	r->s = splitmix64(seed ^ splitmix64(index + 1)) | 1;
}

static inline uint64_t rnd64(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); n > 0. */
static inline uint32_t rnd(struct rng *r, uint32_t n)
{
	return (uint32_t)((rnd64(r) >> 32) * n >> 32);
}

/* True with probability 1/n. */
static inline bool one_in(struct rng *r, uint32_t n)
{
	return rnd(r, n) == 0;
}

static inline void rnd_bytes(struct rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t v;

	for (; len >= 8; len -= 8, p += 8) {
		v = rnd64(r);
		memcpy(p, &v, 8);
	}
	v = rnd64(r);
	memcpy(p, &v, len);
}

/* Pick an index from @n weights. */
static inline unsigned int rnd_weighted(struct rng *r, const uint8_t *w,
					unsigned int n)
{
	unsigned int i, sum = 0, x;

	for (i = 0; i < n; i++)
		sum += w[i];
	x = rnd(r, sum);
	for (i = 0; x >= w[i]; i++)
		x -= w[i];
	return i;
}

/* ---- command line ---- */

/* Options beyond --seed and --count, for fuzz_parse()'s @allowed. */
#define OPT_THREADS		(1U << 0)	/* --threads N */
#define OPT_FIRST		(1U << 1)	/* --first N */
#define OPT_SKIP_CR8_WRITE	(1U << 2)	/* --skip-cr8-write */
#define OPT_SKIP_HUGE_REGIONS	(1U << 3)	/* --skip-huge-regions */

struct fuzz_opts {
	uint64_t flags;			/* OPT_SKIP_* given */
	uint64_t seed;
	uint64_t count;
	uint64_t first;
	uint64_t threads;
};

static const struct {
	const char *name;
	unsigned int opt;
	size_t off;			/* of the value; 0 for a flag */
} fuzz_options[] = {
	{ "--seed", 0, offsetof(struct fuzz_opts, seed) },
	{ "--count", 0, offsetof(struct fuzz_opts, count) },
	{ "--threads", OPT_THREADS, offsetof(struct fuzz_opts, threads) },
	{ "--first", OPT_FIRST, offsetof(struct fuzz_opts, first) },
	{ "--skip-cr8-write", OPT_SKIP_CR8_WRITE, 0 },
	{ "--skip-huge-regions", OPT_SKIP_HUGE_REGIONS, 0 },
};

static inline void fuzz_usage(const char *prog, unsigned int allowed)
{
	unsigned int i;

	fprintf(stderr, "usage: %s", prog);
	for (i = 0; i < ARRAY_SIZE(fuzz_options); i++) {
		if (fuzz_options[i].opt & ~allowed)
			continue;
		fprintf(stderr, " [%s%s]", fuzz_options[i].name,
			fuzz_options[i].off ? " N" : "");
	}
	fprintf(stderr, "\n");
	exit(2);
}

/*
 * Parse --seed, --count and the options in @allowed (OPT_*) into @o, whose
 * defaults the caller has set; the seed defaults to the time and the PID.
 */
static inline void fuzz_parse(int argc, char **argv, struct fuzz_opts *o,
			      unsigned int allowed)
{
	unsigned int j;
	int i;

	o->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	for (i = 1; i < argc; i++) {
		for (j = 0; j < ARRAY_SIZE(fuzz_options); j++)
			if (!strcmp(argv[i], fuzz_options[j].name) &&
			    !(fuzz_options[j].opt & ~allowed))
				break;
		if (j == ARRAY_SIZE(fuzz_options))
			fuzz_usage(argv[0], allowed);
		if (!fuzz_options[j].off) {
			o->flags |= fuzz_options[j].opt;
			continue;
		}
		if (++i == argc)
			fuzz_usage(argv[0], allowed);
		*(uint64_t *)((char *)o + fuzz_options[j].off) =
			strtoull(argv[i], NULL, 0);
	}
}

/* ---- errnos ---- */

/* What any minivmx ioctl may answer besides success. */
static inline bool errno_expected(int e)
{
	switch (e) {
	case EINVAL: case EFAULT: case ENOTTY: case EBUSY: case EEXIST:
	case ENOENT: case ENOMEM: case ENOSPC: case E2BIG: case EINTR:
	case EIO: case EBADF: case EPERM: case EACCES: case ENXIO:
		return true;
	default:
		return false;
	}
}

/* ---- TAP ---- */

struct tap {
	pthread_mutex_t lock;
	unsigned int n, passed, failed;
};

static inline void tap_result(struct tap *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t->lock);
	t->n++;
	if (ok)
		t->passed++;
	else
		t->failed++;
	printf("%sok %u ", ok ? "" : "not ", t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&t->lock);
}

static inline int tap_end(struct tap *t)
{
	printf("%u passed, %u failed\n", t->passed, t->failed);
	return t->failed ? 1 : 0;
}

/* ---- a timer that interrupts MINIVMX_RUN in the calling thread ---- */

static inline void on_timer(int sig)
{
}

static inline void timer_signal_setup(void)
{
	struct sigaction sa = { .sa_handler = on_timer };

	sigaction(SIGALRM, &sa, NULL);
}

/* A timer that signals only the calling thread. */
static inline int thread_timer_create(timer_t *t)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGALRM,
	};

	ev._sigev_un._tid = syscall(SYS_gettid);
	return timer_create(CLOCK_MONOTONIC, &ev, t);
}

/*
 * Signal the thread every @usec microseconds (0: stop).  Periodic, not
 * one-shot: a signal that arrives before the thread enters MINIVMX_RUN is
 * followed by another one that interrupts it.
 */
static inline void thread_timer_arm(timer_t t, long usec)
{
	struct itimerspec its = {
		.it_value.tv_sec = usec / 1000000,
		.it_value.tv_nsec = usec % 1000000 * 1000,
	};

	its.it_interval = its.it_value;

	timer_settime(t, 0, &its, NULL);
}

/* ---- the kernel log and the clock ---- */

/*
 * Print the kernel log lines since @mark that look like a warning, an
 * oops or a failed allocation; true if there are none.
 */
static inline bool kmsg_clean(const char *mark)
{
	static const char * const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection",
		"Call Trace", "allocation failure", "vmalloc error",
	};
	char *log = kmsg_since(mark), *line, *save;
	unsigned int i, shown = 0;

	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < ARRAY_SIZE(bad); i++)
			if (strstr(line, bad[i]))
				break;
		if (i < ARRAY_SIZE(bad) && shown++ < 20)
			printf("# kernel: %s\n", line);
	}
	free(log);
	return !shown;
}

/* Seconds on CLOCK_MONOTONIC: in the testbed, emulated-guest time. */
static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the health check ---- */

/*
 * A fresh VM with a real-mode guest that adds and halts: the result, the
 * exit and the RIP must be right.  Returns NULL or what was wrong.
 */
static inline const char *health_check(void)
{
	/* mov ax, 0x1234; add ax, 0x1111; hlt */
	static const uint8_t code[] = {
		0xb8, 0x34, 0x12, 0x05, 0x11, 0x11, 0xf4,
	};
	static char why[128];
	struct minivmx_regs r;
	struct tvm t;
	int ret;

	ret = tvm_create(&t);
	if (!ret)
		ret = tvm_setup(&t, 16, code, sizeof(code));
	if (!ret)
		ret = tvm_run(&t);
	if (ret) {
		snprintf(why, sizeof(why), "fresh VM: %s", strerror(-ret));
	} else if (t.run->exit_reason != MINIVMX_EXIT_HLT) {
		snprintf(why, sizeof(why), "exit reason %u, not HLT",
			 t.run->exit_reason);
	} else if (ioctl(t.vcpu, MINIVMX_GET_REGS, &r)) {
		snprintf(why, sizeof(why), "GET_REGS: %s", strerror(errno));
	} else if ((r.rax & 0xffff) != 0x2345 ||
		   t.run->guest_rip != sizeof(code) - 1) {
		snprintf(why, sizeof(why), "ax %#llx, HLT at %#llx",
			 (unsigned long long)r.rax,
			 (unsigned long long)t.run->guest_rip);
	} else {
		why[0] = '\0';
	}
	tvm_destroy(&t);
	return why[0] ? why : NULL;
}

#endif /* MINIVMX_FUZZLIB_H */
