/*
 * bench-tool.c: the measuring half of "make bench" (tests/bench/bench.sh).
 * Linux only: it reads /proc. Subcommands:
 *
 *   now
 *	print the wall clock, seconds since the epoch with microseconds
 *   run QUIET_MS TIMEOUT_S CMD...
 *	run CMD (through sh -c) in its own process group with stdout on
 *	/dev/null; once the group's bytes written (wchar) have grown and then
 *	stayed put for QUIET_MS, print "wall=S cpu=S wchar=N hwm_kb=N"
 *	(wall from the fork to the last growth, cpu and peak RSS summed over
 *	the group) and kill the group; exit 1 after TIMEOUT_S
 *   lat N
 *	read JSON lines on stdin; for the first N that have "sent_at", take
 *	now - sent_at; print "n=N p50_us=X p99_us=Y max_us=Z"
 *   cpu PID...
 *	print the CPU seconds used so far by the processes (all threads)
 *   keys SOCKET TARGET TRIALS TIMEOUT_S
 *	attach to the tmux session as a control client (no process per
 *	poll); TRIALS times, send "?" and poll the pane's screen until a line
 *	has "this help" (the help view), then send "q" and poll until one has
 *	"FILE / TEXT" (the messages view's header); print each keypress to
 *	screen time in seconds, one a line
 *   beats FILE SECONDS
 *	for SECONDS, read swf-sim's --registry-dump FILE every 5 ms and note
 *	each new "last_heartbeat" (the server's clock when a heartbeat came
 *	in; one agent in the registry); print "n=N gap_max_ms=X
 *	gap_mean_ms=Y", the spacing of consecutive heartbeats
 *   screen SOCKET TARGET PATTERN TIMEOUT_S [KEYS]
 *	optionally send KEYS (one tmux key name) to the tmux pane, then poll
 *	its screen until a line contains PATTERN (a leading '!' waits for
 *	PATTERN to be absent); print "at=WALL dt=S" (dt from just before the
 *	keys); exit 1 on timeout
 *
 * Every loop is bounded by a timeout.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_GROUP	64

static double
wall_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static double
mono_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static void
nap_ms(double ms)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - ts.tv_sec * 1000.0) * 1e6);
	nanosleep(&ts, NULL);
}

/* A number after "key" in /proc/PID/FILE, or -1. */
static long long
proc_field(pid_t pid, const char *file, const char *key)
{
	char		 path[64], line[256];
	FILE		*f;
	long long	 v = -1;
	size_t		 n = strlen(key);

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, n) == 0) {
			v = strtoll(line + n, NULL, 10);
			break;
		}
	}
	fclose(f);
	return (v);
}

/* CPU nanoseconds of every thread of pid (schedstat), else from stat. */
static long long
proc_cpu_ns(pid_t pid)
{
	char		 path[320], line[512], *p;
	DIR		*d;
	struct dirent	*e;
	FILE		*f;
	long long	 sum = 0, ut, st;
	int		 any = 0, i;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat",
			    (int)pid, e->d_name);
			if ((f = fopen(path, "r")) == NULL)
				continue;
			if (fgets(line, sizeof line, f) != NULL) {
				sum += strtoll(line, NULL, 10);
				any = 1;
			}
			fclose(f);
		}
		closedir(d);
	}
	if (any)
		return (sum);
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	if (fgets(line, sizeof line, f) == NULL || (p = strrchr(line, ')')) ==
	    NULL) {
		fclose(f);
		return (0);
	}
	fclose(f);
	for (i = 0; i < 12 && p != NULL; i++)	/* to field 14, utime */
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, "%lld %lld", &ut, &st) != 2)
		return (0);
	return ((ut + st) * (1000000000LL / sysconf(_SC_CLK_TCK)));
}

/* The processes of group pgid, into pids; returns how many. */
static int
group_members(pid_t pgid, pid_t *pids, int max)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[320], line[512], *p;
	FILE		*f;
	int		 n = 0, i, pg;

	if ((d = opendir("/proc")) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		p = fgets(line, sizeof line, f) != NULL ?
		    strrchr(line, ')') : NULL;
		fclose(f);
		for (i = 0; i < 3 && p != NULL; i++)	/* to field 5, pgrp */
			p = strchr(p + 1, ' ');
		if (p != NULL && sscanf(p, "%d", &pg) == 1 && pg == pgid)
			pids[n++] = atoi(e->d_name);
	}
	closedir(d);
	return (n);
}

static int
cmd_run(int argc, char **argv)
{
	pid_t		 pid, pids[MAX_GROUP];
	double		 quiet, limit, t0, m0, last, now;
	long long	 w, wsum, prev = -1, first = -1, cpu = 0, hwm = 0;
	int		 n = 0, i, status, grown = 0, polls = 0;

	if (argc < 5)
		return (2);
	quiet = atof(argv[2]) / 1000;
	limit = atof(argv[3]);
	t0 = wall_now();
	m0 = last = mono_now();
	if ((pid = fork()) == -1)
		return (2);
	if (pid == 0) {
		setpgid(0, 0);
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execl("/bin/sh", "sh", "-c", argv[4], (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	for (;;) {
		nap_ms(2);
		now = mono_now();
		if (now - m0 > limit)
			break;
		if (polls++ % 50 == 0)
			n = group_members(pid, pids, MAX_GROUP);
		for (wsum = 0, i = 0; i < n; i++) {
			if ((w = proc_field(pids[i], "io", "wchar: ")) > 0)
				wsum += w;
		}
		if (wsum != prev) {
			/* Startup messages on stderr are not output yet. */
			if (n > 0 && first == -1)
				first = wsum;
			if (first != -1 && wsum - first > 65536)
				grown = 1;
			prev = wsum;
			last = now;
		} else if (grown && now - last >= quiet)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "bench-tool: command exited\n");
			return (1);
		}
	}
	n = group_members(pid, pids, MAX_GROUP);
	for (i = 0; i < n; i++) {
		cpu += proc_cpu_ns(pids[i]);
		if ((w = proc_field(pids[i], "status", "VmHWM:")) > 0)
			hwm += w;
	}
	kill(-pid, SIGTERM);
	nap_ms(100);
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!grown || now - m0 > limit) {
		fprintf(stderr, "bench-tool: no output or timeout\n");
		return (1);
	}
	printf("wall=%.6f cpu=%.6f wchar=%lld hwm_kb=%lld start=%.6f\n",
	    last - m0, cpu / 1e9, prev, hwm, t0);
	return (0);
}

/* Parse "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+hh:mm)" to unix seconds. */
static int
parse_iso(const char *s, double *out)
{
	struct tm	tm;
	int		y, mo, d, h, mi, sec, n = 0, zh = 0, zm = 0;
	double		frac = 0, scale = 0.1;
	time_t		t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) != 6 || n == 0)
		return (-1);
	s += n;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			frac += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s == '+' || *s == '-') {
		if (sscanf(s + 1, "%2d:%2d", &zh, &zm) < 1)
			return (-1);
		if (*s == '-') {
			zh = -zh;
			zm = -zm;
		}
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (double)t + frac - zh * 3600 - zm * 60;
	return (0);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static int
cmd_lat(int argc, char **argv)
{
	char	*line = NULL, *p;
	size_t	 cap = 0, n = 0, want;
	double	*v, sent, now;

	if (argc < 3 || (want = strtoul(argv[2], NULL, 10)) == 0)
		return (2);
	if ((v = calloc(want, sizeof *v)) == NULL)
		return (2);
	while (n < want && getline(&line, &cap, stdin) != -1) {
		now = wall_now();
		if ((p = strstr(line, "\"sent_at\"")) == NULL ||
		    (p = strchr(p + 9, '"')) == NULL ||
		    parse_iso(p + 1, &sent) != 0)
			continue;
		v[n++] = (now - sent) * 1e6;
	}
	if (n == 0) {
		fprintf(stderr, "bench-tool: no samples\n");
		return (1);
	}
	qsort(v, n, sizeof *v, cmp_double);
	printf("n=%zu p50_us=%.0f p99_us=%.0f max_us=%.0f\n", n, v[n / 2],
	    v[(size_t)(n * 0.99) < n ? (size_t)(n * 0.99) : n - 1],
	    v[n - 1]);
	free(v);
	free(line);
	return (0);
}

static int
cmd_cpu(int argc, char **argv)
{
	long long	sum = 0;
	int		i;

	for (i = 2; i < argc; i++)
		sum += proc_cpu_ns((pid_t)atoi(argv[i]));
	printf("%.6f\n", sum / 1e9);
	return (0);
}

/* Whether the pane's screen has a line containing pat. */
static int
screen_has(const char *sock, const char *target, const char *pat)
{
	char	 cmd[1024], line[4096];
	FILE	*f;
	int	 found = 0;

	snprintf(cmd, sizeof cmd, "tmux -S '%s' capture-pane -p -t '%s'",
	    sock, target);
	if ((f = popen(cmd, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, pat) != NULL)
			found = 1;
	}
	pclose(f);
	return (found);
}

static int
cmd_screen(int argc, char **argv)
{
	const char	*pat;
	char		 cmd[1024];
	double		 limit, m0, w0;
	int		 absent;

	if (argc < 6)
		return (2);
	pat = argv[4];
	if ((absent = pat[0] == '!'))
		pat++;
	limit = atof(argv[5]);
	w0 = wall_now();
	m0 = mono_now();
	if (argc > 6) {
		snprintf(cmd, sizeof cmd, "tmux -S '%s' send-keys -t '%s' '%s'",
		    argv[2], argv[3], argv[6]);
		if (system(cmd) != 0)
			return (2);
	}
	while (mono_now() - m0 < limit) {
		if (screen_has(argv[2], argv[3], pat) == !absent) {
			printf("at=%.6f dt=%.6f\n", w0 + (mono_now() - m0),
			    mono_now() - m0);
			return (0);
		}
		nap_ms(1);
	}
	return (1);
}

/* A tmux control-mode client: its pipes and a line buffer. */
struct ctl {
	int	 in, out;
	char	 buf[65536];
	size_t	 len;
};

/* Read one line (without the newline) into line; -1 on timeout or EOF. */
static int
ctl_line(struct ctl *c, char *line, size_t size, double deadline)
{
	struct pollfd	 pfd;
	char		*nl;
	size_t		 n;
	ssize_t		 r;
	double		 left;

	for (;;) {
		if ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
			n = nl - c->buf;
			snprintf(line, size, "%.*s", (int)n, c->buf);
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return (0);
		}
		if (c->len == sizeof c->buf)
			c->len = 0;	/* an absurd line: drop it */
		if ((left = deadline - mono_now()) <= 0)
			return (-1);
		pfd.fd = c->out;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		r = read(c->out, c->buf + c->len, sizeof c->buf - c->len);
		if (r <= 0)
			return (-1);
		c->len += r;
	}
}

/*
 * Run one command; whether a line of its output contains pat (if pat is
 * not NULL). -1 on timeout or error.
 */
static int
ctl_cmd(struct ctl *c, const char *cmd, const char *pat, double deadline)
{
	char	line[8192];
	int	in = 0, found = 0;

	if (write(c->in, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		return (-1);
	while (ctl_line(c, line, sizeof line, deadline) == 0) {
		if (!in) {
			in = strncmp(line, "%begin", 6) == 0;
			continue;
		}
		if (strncmp(line, "%end", 4) == 0)
			return (found);
		if (strncmp(line, "%error", 6) == 0)
			return (-1);
		if (pat != NULL && strstr(line, pat) != NULL)
			found = 1;
	}
	return (-1);
}

/* Send key, then capture until pat shows (or, if absent, goes). */
static double
ctl_key(struct ctl *c, const char *target, const char *key, const char *pat,
    int absent, double limit)
{
	char	cmd[256], cap[256];
	double	t0 = mono_now();
	int	r;

	snprintf(cmd, sizeof cmd, "send-keys -t '%s' '%s'\n", target, key);
	snprintf(cap, sizeof cap, "capture-pane -p -t '%s'\n", target);
	if (ctl_cmd(c, cmd, NULL, t0 + limit) == -1)
		return (-1);
	for (;;) {
		if ((r = ctl_cmd(c, cap, pat, t0 + limit)) == -1)
			return (-1);
		if (r == !absent)
			return (mono_now() - t0);
	}
}

static int
cmd_keys(int argc, char **argv)
{
	struct ctl	 c;
	int		 in[2], out[2], i, trials, rc = 0;
	double		 limit, dt;
	pid_t		 pid;

	if (argc < 6)
		return (2);
	trials = atoi(argv[4]);
	limit = atof(argv[5]);
	if (pipe(in) == -1 || pipe(out) == -1 || (pid = fork()) == -1)
		return (2);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execlp("tmux", "tmux", "-S", argv[2], "-C", "attach-session",
		    "-f", "ignore-size,no-output", "-t", argv[3],
		    (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	memset(&c, 0, sizeof c);
	c.in = in[1];
	c.out = out[0];
	/* Let the attach settle: its own replies come first. */
	if (ctl_cmd(&c, "display-message -p sync\n", NULL, mono_now() +
	    limit) == -1)
		rc = 1;
	for (i = 0; i < trials && rc == 0; i++) {
		if ((dt = ctl_key(&c, argv[3], "?", "this help", 0,
		    limit)) < 0 || printf("%.6f\n", dt) < 0)
			rc = 1;
		nap_ms(300);
		if (rc == 0 && ((dt = ctl_key(&c, argv[3], "q", "FILE / TEXT",
		    0, limit)) < 0 || printf("%.6f\n", dt) < 0))
			rc = 1;
		fflush(stdout);
		nap_ms(300);
	}
	close(c.in);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	if (rc != 0)
		fprintf(stderr, "bench-tool: keys: timeout\n");
	return (rc);
}

/* The newest "last_heartbeat" of a registry dump, in seconds; -1 if none. */
static double
dump_heartbeat(const char *path)
{
	static const char	 key[] = "\"last_heartbeat\": \"";
	char			 buf[65536], *p;
	FILE			*f;
	size_t			 n;
	int			 y, mo, d, h, mi;
	double			 sec;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strstr(buf, key)) == NULL ||
	    sscanf(p + sizeof key - 1, "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h,
	    &mi, &sec) != 6)
		return (-1);
	/* Within one run, days do not matter but for midnight. */
	return (d * 86400.0 + h * 3600.0 + mi * 60.0 + sec);
}

static int
cmd_beats(int argc, char **argv)
{
	double	end, prev = -1, first = -1, last = -1, t, gap, max = 0;
	int	n = 0;

	if (argc < 4)
		return (2);
	end = mono_now() + atof(argv[3]);
	while (mono_now() < end) {
		t = dump_heartbeat(argv[2]);
		if (t > 0 && t != prev) {
			if (prev > 0) {
				gap = t - prev;
				if (gap > max)
					max = gap;
				n++;
				last = t;
			} else
				first = t;
			prev = t;
		}
		nap_ms(5);
	}
	if (n == 0)
		return (1);
	printf("n=%d gap_max_ms=%.1f gap_mean_ms=%.1f\n", n, max * 1000,
	    (last - first) / n * 1000);
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "now") == 0) {
		printf("%.6f\n", wall_now());
		return (0);
	}
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return (cmd_run(argc, argv));
	if (argc >= 2 && strcmp(argv[1], "lat") == 0)
		return (cmd_lat(argc, argv));
	if (argc >= 2 && strcmp(argv[1], "cpu") == 0)
		return (cmd_cpu(argc, argv));
	if (argc >= 2 && strcmp(argv[1], "beats") == 0)
		return (cmd_beats(argc, argv));
	if (argc >= 2 && strcmp(argv[1], "screen") == 0)
		return (cmd_screen(argc, argv));
	if (argc >= 2 && strcmp(argv[1], "keys") == 0)
		return (cmd_keys(argc, argv));
	fprintf(stderr, "usage: bench-tool now | run QUIET_MS TIMEOUT_S CMD | "
	    "lat N | cpu PID... | screen SOCK TARGET PATTERN TIMEOUT_S "
	    "[KEY] | keys SOCK TARGET TRIALS TIMEOUT_S\n");
	return (2);
}
