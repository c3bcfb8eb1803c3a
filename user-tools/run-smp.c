// SPDX-License-Identifier: GPL-2.0-only
/*
 * The application processors of `minivmx run --cpus N`.  Each AP has a
 * thread running its own MINIVMX_RUN loop; the VM has local APICs, so an
 * AP's first MINIVMX_RUN waits in the kernel for INIT and a start-up IPI
 * from vCPU 0 (Documentation/interrupts.rst).  Exits that reach
 * userspace go to the caller's handler, which shares the devices (under
 * their lock) with vCPU 0.
 *
 * An AP that halts with interrupts off (HLT exit) is done: its thread
 * parks until the run ends, as Linux's APs do at power-off.  An AP whose
 * exit ends the run (a triple fault, a guest exit, an error) records its
 * code and kicks vCPU 0's thread, which ends the run.  Stopping is a
 * signal (SIGUSR1, no SA_RESTART: MINIVMX_RUN returns EINTR) plus
 * immediate_exit, which covers the signal arriving just before the ioctl.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "run-smp.h"

#define KICK_SIGNAL	SIGUSR1

static void on_kick(int sig __always_unused)
{
}

/* Only the kick reaches an AP's thread; SIGALRM is vCPU 0's. */
static void block_other_signals(void)
{
	sigset_t set;

	sigfillset(&set);
	sigdelset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
}

/**
 * run_smp_init() - no APs yet
 * @s: the APs
 */
void run_smp_init(struct run_smp *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < MINIVMX_MAX_VCPUS; i++)
		s->fd[i] = -1;
	s->nr_cpus = 1;
	atomic_init(&s->code, -1);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->parked, NULL);
}

/**
 * run_smp_create() - create vCPUs 1 to @nr_cpus - 1
 * @s: the APs, from run_smp_init()
 * @vm_fd: the VM, its local APICs and vCPU 0 created
 * @nr_cpus: vCPUs in all, 1 to MINIVMX_MAX_VCPUS
 *
 * Return: 0, or the MV_EXIT_* code after an explanation.
 */
int run_smp_create(struct run_smp *s, int vm_fd, unsigned int nr_cpus)
{
	unsigned int id;
	int ret;

	for (id = 1; id < nr_cpus; id++) {
		ret = minivmx_create_vcpu(vm_fd, id, &s->fd[id], &s->run[id]);
		if (ret) {
			pr_err("MINIVMX_CREATE_VCPU %u: %s", id, strerror(-ret));
			return MV_EXIT_FAIL;
		}
		s->nr_cpus = id + 1;
	}
	return MV_EXIT_OK;
}

/* The first AP to end the run tells vCPU 0's thread. */
static void end_run(struct run_smp *s, unsigned int id, int code)
{
	int none = -1;

	if (!atomic_compare_exchange_strong(&s->code, &none, code))
		return;
	s->failed_id = id;
	s->main_run->immediate_exit = 1;
	pthread_kill(s->main, KICK_SIGNAL);
}

static void park(struct run_smp *s)
{
	pthread_mutex_lock(&s->lock);
	while (!atomic_load(&s->stop))
		pthread_cond_wait(&s->parked, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

static void *ap_thread(void *opaque)
{
	struct run_smp_ap *arg = opaque;
	struct run_smp *s = arg->s;
	unsigned int id = arg->id;
	struct minivmx_run *run = s->run[id];
	int ret, code;

	while (!atomic_load(&s->stop)) {
		ret = minivmx_run(s->fd[id]);
		minivmx_console_drain(run, STDOUT_FILENO);
		if (ret == -EINTR ||
		    (!ret && run->exit_reason == MINIVMX_EXIT_INTR)) {
			if (!atomic_load(&s->stop))
				run->immediate_exit = 0;
			continue;
		}
		if (ret) {
			pr_err("vCPU %u: MINIVMX_RUN: %s", id, strerror(-ret));
			end_run(s, id, MV_EXIT_FAIL);
			break;
		}
		if (run->exit_reason == MINIVMX_EXIT_HLT) {
			park(s);
			break;
		}
		code = s->handle(s->opaque, id, run);
		if (code >= 0) {
			end_run(s, id, code);
			break;
		}
	}
	return NULL;
}

/**
 * run_smp_start() - start a thread per AP
 * @s: the APs, from run_smp_create()
 * @main_run: vCPU 0's run structure (its thread is the caller)
 * @handle: acts on the APs' exits, from their threads
 * @opaque: passed to @handle
 *
 * Return: 0, or MV_EXIT_FAIL after an explanation (the threads started
 * are stopped by run_smp_stop()).
 */
int run_smp_start(struct run_smp *s, struct minivmx_run *main_run,
		  run_smp_exit_fn handle, void *opaque)
{
	struct sigaction sa = { .sa_handler = on_kick };
	sigset_t old;
	unsigned int id;
	int ret;

	if (s->nr_cpus < 2)
		return MV_EXIT_OK;
	s->main = pthread_self();
	s->main_run = main_run;
	s->handle = handle;
	s->opaque = opaque;
	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIGNAL, &sa, NULL)) {
		pr_err("cannot handle SIGUSR1: %s", strerror(errno));
		return MV_EXIT_FAIL;
	}
	/* The threads inherit the mask; vCPU 0's thread keeps its own. */
	pthread_sigmask(SIG_SETMASK, NULL, &old);
	block_other_signals();
	for (id = 1; id < s->nr_cpus; id++) {
		s->args[id] = (struct run_smp_ap){ s, id };
		ret = pthread_create(&s->thread[id], NULL, ap_thread,
				     &s->args[id]);
		if (ret) {
			pr_err("cannot start vCPU %u's thread: %s", id,
			       strerror(ret));
			break;
		}
		s->started = id;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return s->started + 1 == s->nr_cpus ? MV_EXIT_OK : MV_EXIT_FAIL;
}

/**
 * run_smp_ended() - did an AP end the run?
 * @s: the APs
 * @code: out: the exit code it ended the run with
 * @id: out: which AP
 *
 * Return: true if one did.
 */
bool run_smp_ended(struct run_smp *s, int *code, unsigned int *id)
{
	int c = atomic_load(&s->code);

	if (c < 0)
		return false;
	*code = c;
	*id = s->failed_id;
	return true;
}

/**
 * run_smp_stop() - stop and join the APs' threads
 * @s: the APs
 */
void run_smp_stop(struct run_smp *s)
{
	unsigned int id;

	pthread_mutex_lock(&s->lock);
	atomic_store(&s->stop, true);
	pthread_cond_broadcast(&s->parked);
	pthread_mutex_unlock(&s->lock);
	for (id = 1; id <= s->started; id++) {
		s->run[id]->immediate_exit = 1;
		pthread_kill(s->thread[id], KICK_SIGNAL);
	}
	for (id = 1; id <= s->started; id++)
		pthread_join(s->thread[id], NULL);
	s->started = 0;
}

/**
 * run_smp_destroy() - close the APs' vCPUs
 * @s: the APs, their threads stopped
 */
void run_smp_destroy(struct run_smp *s)
{
	unsigned int id;

	for (id = 1; id < MINIVMX_MAX_VCPUS; id++) {
		if (s->fd[id] >= 0)
			minivmx_destroy_vcpu(s->fd[id], s->run[id]);
		s->fd[id] = -1;
		s->run[id] = NULL;
	}
}
