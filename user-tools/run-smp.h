/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `minivmx run --cpus N`: the application processors, vCPUs 1 to N - 1,
 * each run by a thread of its own (run-smp.c).  vCPU 0 stays with the
 * caller's loop.
 */
#ifndef MINIVMX_RUN_SMP_H
#define MINIVMX_RUN_SMP_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "libminivmx.h"

/*
 * Acts on one exit of vCPU @id (not HLT, not MINIVMX_EXIT_INTR).
 * Return: -1 to run again, else the tool's exit code: the run ends.
 */
typedef int (*run_smp_exit_fn)(void *opaque, unsigned int id,
			       struct minivmx_run *run);

struct run_smp;

/**
 * struct run_smp_ap - what an AP's thread is given
 * @s: the APs
 * @id: its vCPU id
 */
struct run_smp_ap {
	struct run_smp *s;
	unsigned int id;
};

/**
 * struct run_smp - the application processors of one run
 * @nr_cpus: vCPUs in all, vCPU 0 included
 * @fd: each AP's descriptor (index: vCPU id; 0 unused)
 * @run: each AP's run structure
 * @thread: each AP's thread
 * @args: each AP's thread's argument
 * @started: threads started, in id order from 1
 * @handle: acts on an AP's exits
 * @opaque: passed to @handle
 * @main: the thread that runs vCPU 0
 * @main_run: vCPU 0's run structure
 * @stop: the APs are to stop
 * @lock: protects @stop for the parked threads
 * @parked: broadcast when @stop is set
 * @code: the exit code of the first AP that ended the run, -1 if none
 * @failed_id: which AP that was
 */
struct run_smp {
	unsigned int nr_cpus;
	int fd[MINIVMX_MAX_VCPUS];
	struct minivmx_run *run[MINIVMX_MAX_VCPUS];
	pthread_t thread[MINIVMX_MAX_VCPUS];
	struct run_smp_ap args[MINIVMX_MAX_VCPUS];
	unsigned int started;
	run_smp_exit_fn handle;
	void *opaque;
	pthread_t main;
	struct minivmx_run *main_run;
	atomic_bool stop;
	pthread_mutex_t lock;
	pthread_cond_t parked;
	atomic_int code;
	unsigned int failed_id;
};

void run_smp_init(struct run_smp *s);
int run_smp_create(struct run_smp *s, int vm_fd, unsigned int nr_cpus);
int run_smp_start(struct run_smp *s, struct minivmx_run *main_run,
		  run_smp_exit_fn handle, void *opaque);
bool run_smp_ended(struct run_smp *s, int *code, unsigned int *id);
void run_smp_stop(struct run_smp *s);
void run_smp_destroy(struct run_smp *s);

#endif /* MINIVMX_RUN_SMP_H */
