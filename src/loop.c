/*
 * loop.c: the one event loop. curl_multi_poll() waits on the transfers,
 * the watched descriptors and the signal self-pipe, for at most the time
 * to the nearest timer (not at all while work is left); then descriptors
 * (keys, signals) are dispatched, curl_multi_perform() moves the network
 * (libcurl's callbacks only store bytes), finished transfers are handed
 * back, one slice of work of at most LOOP_SLICE_US runs (the ingest), and
 * the timers that are due fire. The idle hooks run before every wait.
 * Nothing here runs inside a libcurl callback but those callbacks
 * themselves.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "log.h"
#include "loop.h"
#include "net.h"
#include "xmalloc.h"

#define LOOP_MAX_WATCH	8
#define LOOP_MAX_IDLE	8
#define LOOP_MAX_SIG	65
#define LOOP_MAX_WORK	4
#define LOOP_MAX_STATS	16

struct loop_watch {
	int		  fd;
	void		(*fn)(int, void *);
	void		 *arg;
};

struct loop_idle {
	void		(*fn)(void *);
	void		 *arg;
};

struct loop_work {
	int		(*fn)(void *, int64_t);
	void		 *arg;
};

/* How late the timers of one name fired. */
struct loop_stat {
	const char	*name;
	uint64_t	 fired;
	int64_t		 late_max;	/* us */
	int64_t		 late_sum;
};

struct loop_sig {
	void		(*fn)(int, void *);
	void		 *arg;
};

/* One transfer on the multi handle; found again through CURLINFO_PRIVATE. */
struct loop_xfer {
	CURL			 *easy;
	void			(*done)(CURL *, CURLcode, void *);
	void			 *arg;
	struct loop_xfer	 *next;
};

struct loop {
	CURLM			 *multi;
	struct timer		 *timers;	/* sorted by deadline */
	struct loop_watch	  watch[LOOP_MAX_WATCH];
	size_t			  nwatch;
	struct loop_idle	  idle[LOOP_MAX_IDLE];
	size_t			  nidle;
	struct loop_work	  work[LOOP_MAX_WORK];
	size_t			  nwork;
	size_t			  work_first;	/* turns, for fairness */
	int			  more;		/* work left: do not sleep */
	struct loop_sig		  sig[LOOP_MAX_SIG];
	int			  sigpipe[2];
	struct loop_xfer	 *xfers;
	size_t			  nxfers;
	struct loop_stat	  stats[LOOP_MAX_STATS];
	size_t			  nstats;
	int			  stats_on;	/* SWF_DASH_TIMER_STATS set */
	int64_t			  round_at;	/* this round began */
	int64_t			  round_cpu_at;
	int64_t			  round_wall;	/* worst round, us */
	int64_t			  round_cpu;
	uint64_t		  rounds;
	int			  done;
	int			  code;
};

/* The write end of the self-pipe, for the signal handler. */
static volatile sig_atomic_t	loop_sigfd = -1;

int64_t
loop_now_mono_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		fatal("clock_gettime");
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

int64_t
loop_now_wall_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		fatal("clock_gettime");
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

void
loop_timer_init(struct timer *t, void (*fn)(void *), void *arg)
{
	memset(t, 0, sizeof *t);
	t->fn = fn;
	t->arg = arg;
}

void
loop_timer_name(struct timer *t, const char *name)
{
	t->name = name;
}

/* Count a named timer's lateness. */
static void
loop_stat(struct loop *l, const struct timer *t, int64_t now)
{
	struct loop_stat	*st;
	size_t			 i;

	for (i = 0; i < l->nstats; i++) {
		if (strcmp(l->stats[i].name, t->name) == 0)
			break;
	}
	if (i == l->nstats) {
		if (l->nstats == LOOP_MAX_STATS)
			return;
		l->stats[l->nstats++].name = t->name;
	}
	st = &l->stats[i];
	st->fired++;
	st->late_sum += now - t->at;
	if (now - t->at > st->late_max)
		st->late_max = now - t->at;
}

/* CPU time of this thread, us. */
static int64_t
loop_cpu_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return (0);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/*
 * Write the lateness report to SWF_DASH_TIMER_STATS, if it is set: each
 * named timer, and the worst round (from the end of one wait to the
 * start of the next) in wall and in CPU time; a round far longer in wall
 * than in CPU time was kept waiting for the processor.
 */
static void
loop_stats_write(struct loop *l)
{
	const char	*path = getenv("SWF_DASH_TIMER_STATS");
	FILE		*f;
	size_t		 i;

	if (path == NULL || *path == '\0')
		return;
	if ((f = fopen(path, "we")) == NULL) {
		log_warn("%s: %s", path, strerror(errno));
		return;
	}
	for (i = 0; i < l->nstats; i++) {
		fprintf(f, "timer %s fired %llu worst_late_us %lld "
		    "mean_late_us %lld\n", l->stats[i].name,
		    (unsigned long long)l->stats[i].fired,
		    (long long)l->stats[i].late_max,
		    (long long)(l->stats[i].late_sum /
		    (int64_t)l->stats[i].fired));
	}
	fprintf(f, "round all %llu worst_wall_us %lld worst_cpu_us %lld\n",
	    (unsigned long long)l->rounds, (long long)l->round_wall,
	    (long long)l->round_cpu);
	fclose(f);
}

void
loop_timer_cancel(struct loop *l, struct timer *t)
{
	struct timer	**pp;

	if (!t->armed)
		return;
	for (pp = &l->timers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = 0;
}

void
loop_timer_arm(struct loop *l, struct timer *t, double seconds)
{
	struct timer	**pp;

	loop_timer_cancel(l, t);
	if (seconds < 0)
		seconds = 0;
	if (seconds > 86400.0 * 365)
		seconds = 86400.0 * 365;
	t->at = loop_now_mono_us() + (int64_t)(seconds * 1e6);
	for (pp = &l->timers; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->at > t->at)
			break;
	}
	t->next = *pp;
	*pp = t;
	t->armed = 1;
}

static void
loop_sighandler(int sig)
{
	int		saved = errno;
	unsigned char	c = sig;

	if (loop_sigfd != -1)
		(void)write(loop_sigfd, &c, 1);
	errno = saved;
}

static void
loop_sigread(int fd, void *arg)
{
	struct loop	*l = arg;
	unsigned char	 buf[64];
	ssize_t		 n, i;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] < LOOP_MAX_SIG && l->sig[buf[i]].fn != NULL)
				l->sig[buf[i]].fn(buf[i], l->sig[buf[i]].arg);
		}
	}
}

/* While draining at exit, signals only need to stop waking us up. */
static void
loop_sigdiscard(int fd)
{
	unsigned char	buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void
loop_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("fcntl");
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		fatal("fcntl");
}

struct loop *
loop_create(void)
{
	struct loop	*l;

	l = xcalloc(1, sizeof *l);
	l->stats_on = getenv("SWF_DASH_TIMER_STATS") != NULL;
	if ((l->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	if (pipe(l->sigpipe) == -1)
		fatal("pipe");
	loop_nonblock(l->sigpipe[0]);
	loop_nonblock(l->sigpipe[1]);
	loop_sigfd = l->sigpipe[1];
	loop_watch(l, l->sigpipe[0], loop_sigread, l);
	return (l);
}

void
loop_free(struct loop *l)
{
	struct loop_xfer	*x;
	int			 sig;

	if (l == NULL)
		return;
	loop_stats_write(l);
	for (sig = 1; sig < LOOP_MAX_SIG; sig++) {
		if (l->sig[sig].fn != NULL)
			loop_signal(l, sig, NULL, NULL);
	}
	while ((x = l->xfers) != NULL) {
		l->xfers = x->next;
		curl_multi_remove_handle(l->multi, x->easy);
		free(x);
	}
	curl_multi_cleanup(l->multi);
	loop_sigfd = -1;
	close(l->sigpipe[0]);
	close(l->sigpipe[1]);
	free(l);
}

void
loop_watch(struct loop *l, int fd, void (*fn)(int, void *), void *arg)
{
	size_t	i;

	for (i = 0; i < l->nwatch; i++) {
		if (l->watch[i].fd == fd)
			break;
	}
	if (i == l->nwatch) {
		if (l->nwatch == LOOP_MAX_WATCH)
			fatalx("loop_watch: too many descriptors");
		l->nwatch++;
	}
	l->watch[i].fd = fd;
	l->watch[i].fn = fn;
	l->watch[i].arg = arg;
}

void
loop_unwatch(struct loop *l, int fd)
{
	size_t	i;

	for (i = 0; i < l->nwatch; i++) {
		if (l->watch[i].fd == fd) {
			l->watch[i] = l->watch[--l->nwatch];
			return;
		}
	}
}

void
loop_idle(struct loop *l, void (*fn)(void *), void *arg)
{
	if (l->nidle == LOOP_MAX_IDLE)
		fatalx("loop_idle: too many hooks");
	l->idle[l->nidle].fn = fn;
	l->idle[l->nidle].arg = arg;
	l->nidle++;
}

void
loop_unidle(struct loop *l, void (*fn)(void *), void *arg)
{
	size_t	i;

	for (i = 0; i < l->nidle; i++) {
		if (l->idle[i].fn == fn && l->idle[i].arg == arg) {
			memmove(&l->idle[i], &l->idle[i + 1],
			    (l->nidle - i - 1) * sizeof l->idle[0]);
			l->nidle--;
			return;
		}
	}
}

void
loop_work(struct loop *l, int (*fn)(void *, int64_t), void *arg)
{
	if (l->nwork == LOOP_MAX_WORK)
		fatalx("loop_work: too many workers");
	l->work[l->nwork].fn = fn;
	l->work[l->nwork].arg = arg;
	l->nwork++;
	l->more = 1;
}

void
loop_unwork(struct loop *l, int (*fn)(void *, int64_t), void *arg)
{
	size_t	i;

	for (i = 0; i < l->nwork; i++) {
		if (l->work[i].fn == fn && l->work[i].arg == arg) {
			memmove(&l->work[i], &l->work[i + 1],
			    (l->nwork - i - 1) * sizeof l->work[0]);
			l->nwork--;
			return;
		}
	}
}

void
loop_wake(struct loop *l)
{
	l->more = 1;
}

void
loop_signal(struct loop *l, int sig, void (*fn)(int, void *), void *arg)
{
	struct sigaction	sa;

	if (sig <= 0 || sig >= LOOP_MAX_SIG)
		fatalx("loop_signal: bad signal %d", sig);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	if (fn == NULL)
		sa.sa_handler = SIG_DFL;
	else {
		sa.sa_handler = loop_sighandler;
		sa.sa_flags = SA_RESTART;
	}
	l->sig[sig].fn = fn;
	l->sig[sig].arg = arg;
	if (sigaction(sig, &sa, NULL) == -1)
		fatal("sigaction");
}

void
loop_transfer(struct loop *l, CURL *easy, void (*done)(CURL *, CURLcode,
    void *), void *arg)
{
	struct loop_xfer	*x;
	CURLMcode		 mc;

	x = xcalloc(1, sizeof *x);
	x->easy = easy;
	x->done = done;
	x->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
	l->nxfers++;
	if ((mc = curl_multi_add_handle(l->multi, easy)) != CURLM_OK)
		fatalx("curl_multi_add_handle: %s", curl_multi_strerror(mc));
	x->next = l->xfers;
	l->xfers = x;
}

/* Unlink and free the record of a transfer; 0 if it was not running. */
static int
loop_forget(struct loop *l, CURL *easy)
{
	struct loop_xfer	**pp, *x;
	CURLMcode		  mc;

	for (pp = &l->xfers; (x = *pp) != NULL; pp = &x->next) {
		if (x->easy == easy) {
			/* libcurl refuses this inside its own callbacks. */
			mc = curl_multi_remove_handle(l->multi, easy);
			if (mc != CURLM_OK)
				fatalx("curl_multi_remove_handle: %s",
				    curl_multi_strerror(mc));
			*pp = x->next;
			l->nxfers--;
			curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
			free(x);
			return (1);
		}
	}
	return (0);
}

void
loop_cancel(struct loop *l, CURL *easy)
{
	if (easy != NULL)
		loop_forget(l, easy);
}

void
loop_exit(struct loop *l, int code)
{
	if (!l->done) {
		l->done = 1;
		l->code = code;
	}
}

/* Run every timer whose deadline has passed, one at a time. */
static void
loop_timers(struct loop *l)
{
	struct timer	*t;
	int64_t		 now = loop_now_mono_us();

	while ((t = l->timers) != NULL && t->at <= now && !l->done) {
		if (t->name != NULL)
			loop_stat(l, t, loop_now_mono_us());
		l->timers = t->next;
		t->next = NULL;
		t->armed = 0;
		t->fn(t->arg);
	}
}

/* Milliseconds to the nearest timer, capped at a minute; 0 if work is left. */
static int
loop_timeout(struct loop *l)
{
	int64_t	d;

	if (l->more)
		return (0);
	if (l->timers == NULL)
		return (60000);
	d = l->timers->at - loop_now_mono_us();
	if (d <= 0)
		return (0);
	if (d > 60000000)
		return (60000);
	return ((int)((d + 999) / 1000));
}

/* Hand finished transfers to their done callbacks. */
static void
loop_finished(struct loop *l)
{
	struct loop_xfer	*x;
	CURLMsg			*m;
	CURL			*easy;
	CURLcode		 rc;
	void			(*done)(CURL *, CURLcode, void *);
	void			*arg;
	char			*priv;
	int			 left;

	while ((m = curl_multi_info_read(l->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		easy = m->easy_handle;
		rc = m->data.result;
		priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		if ((x = (struct loop_xfer *)priv) == NULL)
			continue;
		done = x->done;
		arg = x->arg;
		loop_forget(l, easy);
		if (done != NULL)
			done(easy, rc, arg);
	}
}

/*
 * One slice of work: every worker, starting with a different one each
 * round, until the shared deadline LOOP_SLICE_US from now. A worker that
 * starts late still gets to do a little, so none starves.
 */
static void
loop_slice(struct loop *l)
{
	int64_t	until;
	size_t	i, n = l->nwork, first;
	int	more = 0;

	l->more = 0;
	if (n == 0)
		return;
	until = loop_now_mono_us() + LOOP_SLICE_US;
	first = l->work_first++ % n;
	for (i = 0; i < n; i++)
		more |= l->work[(first + i) % n].fn(l->work[(first + i) % n].arg,
		    until);
	l->more |= more;
}

/*
 * One round: wait for the network, a descriptor or the nearest deadline,
 * then dispatch, and do one slice of work. With only_net, descriptors
 * other than the signal pipe, work and timers are left alone (used while
 * draining).
 */
static void
loop_once(struct loop *l, int timeout_ms, int only_net)
{
	struct curl_waitfd	 wfd[LOOP_MAX_WATCH];
	struct loop_watch	 fired[LOOP_MAX_WATCH];
	CURLMcode		 mc;
	size_t			 i, n, nf;
	int			 running;

	for (i = 0; i < l->nidle; i++)
		l->idle[i].fn(l->idle[i].arg);
	for (i = n = 0; i < l->nwatch; i++) {
		if (only_net && l->watch[i].fd != l->sigpipe[0])
			continue;
		wfd[n].fd = l->watch[i].fd;
		wfd[n].events = CURL_WAIT_POLLIN;
		wfd[n].revents = 0;
		n++;
	}
	mc = curl_multi_poll(l->multi, wfd, n, timeout_ms, NULL);
	if (mc != CURLM_OK)
		fatalx("curl_multi_poll: %s", curl_multi_strerror(mc));
	if (l->stats_on) {
		l->round_at = loop_now_mono_us();
		l->round_cpu_at = loop_cpu_us();
	}

	/* Callbacks may change the watch list: copy first. */
	for (i = nf = 0; i < n; i++) {
		if (wfd[i].revents == 0)
			continue;
		if (wfd[i].fd == l->sigpipe[0]) {
			if (!only_net)
				loop_sigread(wfd[i].fd, l);
			else
				loop_sigdiscard(wfd[i].fd);
			continue;
		}
		fired[nf].fd = wfd[i].fd;
		nf++;
	}
	for (i = 0; i < nf; i++) {
		for (n = 0; n < l->nwatch; n++) {
			if (l->watch[n].fd == fired[i].fd) {
				l->watch[n].fn(l->watch[n].fd,
				    l->watch[n].arg);
				break;
			}
		}
	}

	mc = curl_multi_perform(l->multi, &running);
	if (mc != CURLM_OK)
		fatalx("curl_multi_perform: %s", curl_multi_strerror(mc));
	loop_finished(l);
	if (!only_net && !l->done)
		loop_slice(l);
}

/* Count the round that just ended (see loop_stats_write). */
static void
loop_round_stat(struct loop *l)
{
	int64_t	wall = loop_now_mono_us() - l->round_at;
	int64_t	cpu = loop_cpu_us() - l->round_cpu_at;

	l->rounds++;
	if (wall > l->round_wall)
		l->round_wall = wall;
	if (cpu > l->round_cpu)
		l->round_cpu = cpu;
}

int
loop_run(struct loop *l)
{
	size_t	i;
	int	code;

	while (!l->done) {
		loop_timers(l);
		if (l->done)
			break;
		loop_once(l, loop_timeout(l), 0);
		loop_timers(l);
		if (l->stats_on)
			loop_round_stat(l);
	}
	for (i = 0; i < l->nidle; i++)
		l->idle[i].fn(l->idle[i].arg);
	code = l->code;
	l->done = 0;
	l->code = 0;
	return (code);
}

int
loop_drain(struct loop *l, double seconds)
{
	int64_t	end, left;

	end = loop_now_mono_us() + (int64_t)(seconds * 1e6);
	while (l->nxfers > 0) {
		if ((left = end - loop_now_mono_us()) <= 0)
			return (-1);
		loop_once(l, (int)((left + 999) / 1000), 1);
	}
	return (0);
}

int
loop_busy(const struct loop *l)
{
	return (l->nxfers > 0);
}
