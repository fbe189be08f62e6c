/*
 * t-loop.c: unit tests of the event loop: timer order, re-arming and
 * cancelling from callbacks, idle hooks, signals through the self-pipe,
 * watched descriptors, an early loop_exit(), loop_drain() with nothing
 * to drain, and workers: a worker that always has work gets slices
 * bounded by LOOP_SLICE_US, and timers, descriptors and signals are
 * served between them, on time.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "loop.h"
#include "t.h"

struct t_ctx {
	struct loop	*l;
	char		 order[32];
	size_t		 n;
	int		 idle;
	int		 sig;
	int		 readable;
	struct timer	 a, b, c, d, stop;
};

static void
t_mark(struct t_ctx *x, char ch)
{
	if (x->n < sizeof x->order - 1)
		x->order[x->n++] = ch;
}

static void
t_a(void *arg)
{
	struct t_ctx	*x = arg;

	t_mark(x, 'a');
	/* Cancelling a timer that is due later from a callback. */
	loop_timer_cancel(x->l, &x->c);
}

static void
t_b(void *arg)
{
	struct t_ctx	*x = arg;
	static int	 again;

	t_mark(x, 'b');
	/* Re-arming itself from its own callback. */
	if (!again++)
		loop_timer_arm(x->l, &x->b, 0.01);
}

static void
t_c(void *arg)
{
	t_mark(arg, 'c');
}

static void
t_d(void *arg)
{
	struct t_ctx	*x = arg;

	t_mark(x, 'd');
	raise(SIGUSR1);
}

static void
t_stop(void *arg)
{
	struct t_ctx	*x = arg;

	loop_exit(x->l, 42);
	/* Only the first exit counts. */
	loop_exit(x->l, 7);
}

static void
t_idle(void *arg)
{
	struct t_ctx	*x = arg;

	x->idle++;
}

static void
t_signal(int sig, void *arg)
{
	struct t_ctx	*x = arg;

	x->sig = sig;
	t_mark(x, 's');
}

static void
t_read(int fd, void *arg)
{
	struct t_ctx	*x = arg;
	char		 buf[16];

	if (read(fd, buf, sizeof buf) > 0)
		x->readable++;
	t_mark(x, 'r');
}

/* A worker that always has work: it busies itself until told to stop. */
struct t_work {
	struct loop	*l;
	int		 calls;
	int64_t		 budget;	/* most time a slice was given, us */
	int64_t		 late;		/* worst lateness of the timer, us */
	int		 after;		/* slices begun past its deadline */
	int		 after_max;
	int		 fired;
	int		 readable;
	int		 sig;
	struct timer	 t;
	struct timer	 stop;
};

static int
t_worker(void *arg, int64_t until)
{
	struct t_work	*w = arg;
	int64_t		 now;

	w->calls++;
	now = loop_now_mono_us();
	if (until - now > w->budget)
		w->budget = until - now;
	if (w->t.armed && now >= w->t.at)
		w->after++;
	/* Work until told to stop, looking at the clock as a worker must. */
	while ((now = loop_now_mono_us()) < until)
		;
	return (1);
}

static void
t_work_timer(void *arg)
{
	struct t_work	*w = arg;
	int64_t		 late = loop_now_mono_us() - w->t.at;

	if (late > w->late)
		w->late = late;
	if (w->after > w->after_max)
		w->after_max = w->after;
	w->after = 0;
	if (++w->fired < 10)
		loop_timer_arm(w->l, &w->t, 0.007);
	else
		loop_exit(w->l, 5);
}

static void
t_work_stop(void *arg)
{
	struct t_work	*w = arg;

	loop_exit(w->l, 5);
}

static void
t_work_read(int fd, void *arg)
{
	struct t_work	*w = arg;
	char		 buf[16];

	if (read(fd, buf, sizeof buf) > 0)
		w->readable++;
}

static void
t_work_signal(int sig, void *arg)
{
	struct t_work	*w = arg;

	w->sig = sig;
}

/* Slices, and timers, descriptors and signals between them. */
static void
t_workers(void)
{
	struct t_work	 w;
	int		 p[2];

	memset(&w, 0, sizeof w);
	w.l = loop_create();
	loop_timer_init(&w.t, t_work_timer, &w);
	loop_timer_init(&w.stop, t_work_stop, &w);
	loop_work(w.l, t_worker, &w);
	loop_signal(w.l, SIGUSR2, t_work_signal, &w);
	if (pipe(p) != 0)
		return;
	loop_watch(w.l, p[0], t_work_read, &w);
	loop_timer_arm(w.l, &w.t, 0.007);
	loop_timer_arm(w.l, &w.stop, 10.0);	/* a safety net */
	if (write(p[1], "x", 1) != 1 || raise(SIGUSR2) != 0)
		return;
	CHECK_INT(loop_run(w.l), 5);
	/* Slices, none given more than LOOP_SLICE_US. */
	CHECK(w.calls >= 1);
	CHECK(w.budget > 0 && w.budget <= LOOP_SLICE_US);
	/*
	 * Each timer fires although the worker never runs out of work: at
	 * most one slice begins once it is due (the one that was running
	 * counts too), however busy the machine is.
	 */
	CHECK_INT(w.fired, 10);
	CHECK(w.after_max <= 1);
	CHECK_INT(w.readable, 1);
	CHECK_INT(w.sig, SIGUSR2);
	fprintf(stderr, "t-loop: %d slices of at most %lld us, at most %d "
	    "begun past a deadline, worst timer lateness %lld us\n", w.calls,
	    (long long)w.budget, w.after_max, (long long)w.late);
	loop_unwork(w.l, t_worker, &w);
	loop_unwatch(w.l, p[0]);
	loop_signal(w.l, SIGUSR2, NULL, NULL);
	close(p[0]);
	close(p[1]);
	loop_free(w.l);
}

int
main(void)
{
	struct t_ctx	 x;
	int		 p[2];
	int64_t		 t0;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&x, 0, sizeof x);
	x.l = loop_create();
	loop_timer_init(&x.a, t_a, &x);
	loop_timer_init(&x.b, t_b, &x);
	loop_timer_init(&x.c, t_c, &x);
	loop_timer_init(&x.d, t_d, &x);
	loop_timer_init(&x.stop, t_stop, &x);

	loop_timer_arm(x.l, &x.c, 0.05);
	loop_timer_arm(x.l, &x.b, 0.02);
	loop_timer_arm(x.l, &x.a, 0.03);
	loop_timer_arm(x.l, &x.d, 0.1);
	loop_timer_arm(x.l, &x.stop, 0.3);
	CHECK(x.a.armed && x.b.armed && x.c.armed);
	/* Arming an armed timer moves it. */
	loop_timer_arm(x.l, &x.a, 0.01);

	loop_signal(x.l, SIGUSR1, t_signal, &x);
	if (pipe(p) != 0)
		return (1);
	loop_watch(x.l, p[0], t_read, &x);
	if (write(p[1], "x", 1) != 1)
		return (1);
	loop_idle(x.l, t_idle, &x);

	t0 = loop_now_mono_us();
	CHECK_INT(loop_run(x.l), 42);
	CHECK(loop_now_mono_us() - t0 >= 290000);
	/* r first (readable at once), then a b b, c cancelled, d, s. */
	CHECK_STR(x.order, "rabbds");
	CHECK_INT(x.sig, SIGUSR1);
	CHECK_INT(x.readable, 1);
	CHECK(x.idle >= 3);
	CHECK(!x.c.armed && !x.stop.armed);

	/* loop_exit() before loop_run() is kept. */
	loop_exit(x.l, 3);
	CHECK_INT(loop_run(x.l), 3);

	/* Nothing to drain: at once. */
	CHECK_INT(loop_busy(x.l), 0);
	CHECK_INT(loop_drain(x.l, 1.0), 0);

	loop_unidle(x.l, t_idle, &x);
	loop_unwatch(x.l, p[0]);
	close(p[0]);
	close(p[1]);
	loop_free(x.l);

	t_workers();
	curl_global_cleanup();
	return (t_done("t-loop"));
}
