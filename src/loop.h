/*
 * loop.h: the one event loop of swf-dash. A single thread waits in
 * curl_multi_poll() on the network plus extra descriptors (stdin, the
 * signal self-pipe); its timeout is the nearest timer deadline, or zero
 * while work is left. libcurl's callbacks only store what arrived; the
 * work (parsing, decoding, the sinks) is done by workers in slices of at
 * most LOOP_SLICE_US, between keys, signals and timers.
 */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>

struct loop;

/* The longest slice of work between two looks at keys, signals, timers. */
#define LOOP_SLICE_US	5000

/* Monotonic and wall clocks in microseconds. */
int64_t	 loop_now_mono_us(void);
int64_t	 loop_now_wall_us(void);

/*
 * A timer owned (embedded) by its user; the loop only links it. Initialise
 * once with loop_timer_init(); arming an armed timer moves it.
 */
struct timer {
	int64_t		  at;		/* monotonic us deadline */
	void		(*fn)(void *);
	void		 *arg;
	int		  armed;
	const char	 *name;		/* for the lateness report, or NULL */
	struct timer	 *next;		/* loop's list, private */
};

void	 loop_timer_init(struct timer *, void (*)(void *), void *);
/*
 * Name a timer (a static string) for the lateness report: with
 * SWF_DASH_TIMER_STATS=FILE in the environment, loop_free() writes to FILE
 * how often each named timer fired and how late (worst and mean, us).
 */
void	 loop_timer_name(struct timer *, const char *);
void	 loop_timer_arm(struct loop *, struct timer *, double seconds);
void	 loop_timer_cancel(struct loop *, struct timer *);

/*
 * Create the loop and its CURLM (transfers are run with loop_transfer(),
 * declared in net.h with the rest of libcurl). Never NULL; free with
 * loop_free().
 */
struct loop *loop_create(void);
void	 loop_free(struct loop *);

/*
 * Watch fd for input; fn(fd, arg) runs from loop_run() whenever it is
 * readable (or hung up). One callback per fd.
 */
void	 loop_watch(struct loop *, int fd, void (*)(int, void *), void *);
void	 loop_unwatch(struct loop *, int fd);

/*
 * Catch a signal through the self-pipe; fn(sig, arg) runs from the loop,
 * never in the handler. fn NULL restores the default disposition.
 */
void	 loop_signal(struct loop *, int sig, void (*)(int, void *), void *);

/*
 * Register a worker: fn(arg, until) does some of its work, stopping soon
 * after the monotonic clock (loop_now_mono_us()) passes until, and returns 1
 * if work is left, 0 if it is idle. Each round of the loop runs every
 * worker once, after the network has been read; a worker with work left
 * keeps the loop from sleeping. fn may arm timers and start or cancel
 * transfers; it must not register or remove workers. loop_wake() tells
 * the loop that a worker has new work (e.g. from a libcurl callback).
 */
void	 loop_work(struct loop *, int (*)(void *, int64_t), void *);
void	 loop_unwork(struct loop *, int (*)(void *, int64_t), void *);
void	 loop_wake(struct loop *);

/*
 * Run fn(arg) each time the loop is about to sleep (after every batch of
 * network input), e.g. to flush output or redraw. loop_unidle removes it.
 */
void	 loop_idle(struct loop *, void (*)(void *), void *);
void	 loop_unidle(struct loop *, void (*)(void *), void *);

/*
 * Run until loop_exit(); returns the code given to it. The first
 * loop_exit() wins, even one called before loop_run().
 */
int	 loop_run(struct loop *);
void	 loop_exit(struct loop *, int code);

/* Whether any transfer is running. */
int	 loop_busy(const struct loop *);

/*
 * Run the loop until no transfer is left or the deadline passes (for the
 * last heartbeat on exit). Returns 0 if all finished, -1 on timeout.
 */
int	 loop_drain(struct loop *, double seconds);

#endif
