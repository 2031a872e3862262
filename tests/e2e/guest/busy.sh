# Runs in the lab guest (./dumpable run lock-unlock --exec): dumpwatch at its
# lowest threshold (1 s), then 20 s idle and 60 s of busy user and kernel work
# with IRQs on, on every CPU. dumpwatch must not fire: its beat period follows
# the threshold, so a healthy CPU is never near it.
P=/sys/module/dumpwatch/parameters
n=$(grep -c ^processor /proc/cpuinfo)
if echo 1 >$P/thresh && [ "$(cat $P/thresh)" = 1 ]; then
	echo "check: dumpwatch threshold set to its lowest, 1 s: want exit 0, got 0: accepted"
else
	echo "check: dumpwatch threshold set to its lowest, 1 s: want exit 0, got 1: refused"
fi
echo "idle: 20 s"
sleep 20
echo "busy: $n CPUs, 60 s, watchdog threshold $(cat $P/thresh) s, NMI $(cat $P/nmi)"
pids=
i=0
while [ $i -lt "$n" ]; do
	# user space: a shell loop; kernel: copies, /proc and /sys walks
	sh -c 'while :; do :; done' & pids="$pids $!"
	sh -c 'while :; do dd if=/dev/zero of=/dev/null bs=1M count=64 2>/dev/null; cat /proc/kallsyms >/dev/null; done' & pids="$pids $!"
	i=$((i + 1))
done
sh -c 'while :; do find /sys -name uevent >/dev/null 2>&1; done' & pids="$pids $!"
sleep 60
kill $pids
wait 2>/dev/null
echo "check: no false alarm after 20 s idle and 60 s of busy work at threshold $(cat $P/thresh) s: want exit 0, got 0: still running"
