// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 6's VMM (Documentation/labs/6-timer.rst): runs the lab's guest, a
 * small kernel that programs a periodic timer behind ports
 * LAB6_PORT..+0x17 and counts its ticks, idle in HLT and busy in loops
 * that never exit.  The student's lab_port() (handlers.c; the reference
 * is solution.c) is the timer, lab_deliver() its interrupt line, and
 * lab_deadline() says when the next tick is due.  The rest is given
 * (../common/labvmm.c), and here:
 *
 * - before each MINIVMX_RUN an alarm (a POSIX timer, SIGUSR1) is set
 *   for lab_deadline(): a guest that runs without exits is taken out of
 *   MINIVMX_RUN by the signal (-EINTR) when its tick is due;
 * - a HLT (there is no local APIC: each comes here) sleeps until
 *   lab_deadline(), or returns at once when no tick is to come.
 *
 *   vmm [--record TRACE] [GUEST]
 *
 * GUEST defaults to /minivmx/guests/lab6-long.bin.  Exit status 0 when
 * the guest ran to its end and passed every check.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "../common/labvmm.h"
#include "lab6.h"
#include "vmm.h"

uint64_t lab_t0;
static struct lab_vmm vmm;
static timer_t alarm_timer;

int lab_inject(uint8_t vector)
{
	return lab_vmm_inject(&vmm, vector);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){ ns / 1000000000ULL, ns % 1000000000ULL };
}

static void regs(struct lab_vmm *v, __u16 reg, __u32 *val, bool is_write)
{
	(void)v;
	lab_port(reg, val, is_write, now_ns());
}

/* Deliver, then set the alarm for the next tick (0: disarmed). */
static int entry(struct lab_vmm *v)
{
	struct itimerspec it = { 0 };
	uint64_t deadline;

	lab_deliver(v->run, now_ns());
	deadline = lab_deadline();
	if (deadline)
		it.it_value = ts_of(deadline);
	return timer_settime(alarm_timer, TIMER_ABSTIME, &it, NULL) ?
	       -errno : 0;
}

static int exits(struct lab_vmm *v)
{
	uint64_t deadline;
	struct timespec ts;

	switch (v->run->exit_reason) {
	case MINIVMX_EXIT_HLT:
		deadline = lab_deadline();
		if (!deadline)
			return 0;
		ts = ts_of(deadline);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		return 0;
	case MINIVMX_EXIT_IRQ_WINDOW_OPEN:	/* lab_deliver() injects */
		return 0;
	default:
		return -ENOENT;
	}
}

static void on_alarm(int sig)
{
	(void)sig;	/* only to end MINIVMX_RUN with -EINTR */
}

static int alarm_setup(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct sigevent sev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = SIGUSR1,
	};

	if (sigaction(SIGUSR1, &sa, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &sev, &alarm_timer))
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	int ret;

	lab_t0 = now_ns();
	ret = lab_vmm_start(&vmm, argc, argv, "/minivmx/guests/lab6-long.bin");
	if (ret)
		return ret;
	if (alarm_setup() ||
	    lab_vmm_add_regs32(&vmm, LAB6_PORT, LAB6_NR_PORTS, regs))
		return 2;
	vmm.entry_fn = entry;
	return lab_vmm_run(&vmm, exits);
}
