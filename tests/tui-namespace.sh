#!/bin/sh
# tui-namespace.sh: the Messages view has a NAMESPACE column and shows the
# text of types no client knows (a summary); S narrows the view filter to
# the selected message's namespace and undoes; the Filters view lists the
# namespaces seen, checked here; --namespace-filter keeps only those
# namespaces, client side even with --server-filters all.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start ns 80 24
pub '[{"msg_type":"stf_gen","run_id":"1","sender":"daq-agent-alpha-1","namespace":"alpha","message":"m1"},
  {"msg_type":"stf_gen","run_id":"2","sender":"daq-agent-beta-1","namespace":"beta","message":"m2"},
  {"msg_type":"payload_log_ready","namespace":"prodops","ok":true,"status":"done","summary":"m3"},
  {"msg_type":"stf_ready","run_id":"1","sender":"data-agent-alpha-1","processed_by":"data-agent-alpha-1","namespace":"alpha","message":"m4"},
  {"msg_type":"sse_test","run_id":"test-run-001","processed_by":"sse_sender-agent","message":"m5"}]'
tui_expect ns ' m5$'

# shown: the messages listed, e.g. " m1 m4".
shown() {
	tmux_screen ns | grep -o ' m[0-9]$' | tr -d '\n'
}

# At 80 columns the namespace has its column; the production type with
# only a summary shows it as its text.
tui_expect ns '^TIME  *TYPE  *AGENT  *RUN  *NAMESPACE  *FILE / TEXT'
tui_expect ns 'stf_gen .* 1  *alpha  *m1$'
tui_expect ns 'payload_log_ready  .*prodops  *m3$'
[ "$(shown)" = " m1 m2 m3 m4 m5" ] || fail "all: $(shown)"
ok "namespace column, summary as text"

# Wider, so that the status bar shows whole filters.
"$TMUX_PROG" -S "$TMUX_SOCK" resize-window -t ns -x 140 -y 24 ||
    fail "resize-window"
tui_expect ns '^TIME  *TYPE  *AGENT  *RUN  *NAMESPACE  *FILE / TEXT'

tmux_keys ns k S			# m4: namespace alpha
tui_expect ns 'view: namespace=alpha'
tui_expect ns '2 of 5 shown'
[ "$(shown)" = " m1 m4" ] || fail "namespace alpha: $(shown)"
# Combined with another kind: AND.
tmux_keys ns A
tui_expect ns 'view: agent=data-agent-alpha-1 namespace=alpha  sub: all'
[ "$(shown)" = " m4" ] || fail "agent and namespace: $(shown)"
tmux_keys ns A S
tui_expect ns 'view: all'
[ "$(shown)" = " m1 m2 m3 m4 m5" ] || fail "undone: $(shown)"
tmux_keys ns G S			# m5 has no namespace
tui_expect ns 'this message has no namespace'
ok "S narrows to the namespace and undoes"

tmux_keys ns 4 /
tmux_keys ns -l alpha
tmux_keys ns Enter
tui_expect ns '^NAMESPACES   view: any   subscription: any (checked here)'
tui_expect ns '\[-\]   \[-\]   alpha  *2$'
tmux_keys ns Escape /
tmux_keys ns -l prod
tmux_keys ns Enter
tui_expect ns '\[-\]   \[-\]   prodops  *1$'
tmux_keys ns Escape /
tmux_keys ns -l beta
tmux_keys ns Enter
tui_expect ns '\[-\]   \[-\]   beta  *1$'
tmux_keys ns G Space
tui_expect ns 'view: namespace=beta'
tmux_keys ns Escape 1
tui_expect ns '1 of 5 shown'
[ "$(shown)" = " m2" ] || fail "filters view namespace: $(shown)"
tmux_keys ns x
ok "Filters view lists namespaces"
tui_quit ns
tui_wait_dead ns
tui_clean ns

# --namespace-filter: the client drops other namespaces before keeping
# them, even when agents and runs go to the server.
tui_start nsf 120 24 --namespace-filter 'beta, prodops' --server-filters all
tui_expect nsf 'sub: namespace=beta,prodops'
pub '[{"msg_type":"stf_gen","namespace":"alpha","message":"m1"},
  {"msg_type":"stf_gen","namespace":"beta","message":"m2"},
  {"msg_type":"payload_log_ready","namespace":"prodops","summary":"m3"},
  {"msg_type":"stf_gen","message":"m4"},
  {"msg_type":"stf_gen","namespace":"beta","message":"m5"}]'
tui_expect nsf ' m5$'
[ "$(tmux_screen nsf | grep -o ' m[0-9]$' | tr -d '\n')" = " m2 m3 m5" ] ||
    fail "--namespace-filter: $(tmux_screen nsf)"
# The server was never asked for a namespace.
sim_get /api/messages/stream/status/ | grep -q -i namespace &&
    fail "namespace sent to the server"
ok "--namespace-filter, client side"
tui_quit nsf
tui_wait_dead nsf
tui_clean nsf
