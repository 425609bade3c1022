#!/bin/bash
# make's SHELL for `make bench` (render/bench_render.py): runs the recipe line as /bin/bash would,
# then appends one line to $GD_JOB_CLOCK, "<wall s> <CPU s> <the line>", the CPU being the user and
# system seconds of everything the line ran (bash's `times`, children's row). One write of a short
# line with >>, so jobs running side by side (make -jN) do not interleave. Without GD_JOB_CLOCK it
# only runs the line. The exit status is the line's.
start=$(date +%s.%N)
/bin/bash "$@"
status=$?
if [ -n "$GD_JOB_CLOCK" ]; then
    end=$(date +%s.%N)
    rows=$(mktemp)
    times > "$rows"  # a builtin, in this shell: its second row is the finished children's time
    cpu=$(sed -n 2p "$rows" | awk '{
        total = 0
        for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); total += p[1] * 60 + p[2] }
        printf "%.3f", total }')
    rm -f "$rows"
    line="${*: -1}"
    line="${line//$'\n'/ }"
    printf '%s %s %s\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" \
        "$cpu" "${line:0:300}" >> "$GD_JOB_CLOCK"
fi
exit $status
