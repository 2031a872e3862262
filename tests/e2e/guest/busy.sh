# Runs in the lab guest (./dumpable run lock-unlock --exec): 20 s idle, then
# 60 s of busy user and kernel work with IRQs on, on every CPU. dumpwatch
# (threshold 10 s) must not fire.
n=$(grep -c ^processor /proc/cpuinfo)
echo "idle: 20 s"
sleep 20
echo "busy: $n CPUs, 60 s, watchdog threshold $(cat /sys/module/dumpwatch/parameters/thresh) s"
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
echo "check: no false alarm after 20 s idle and 60 s of busy work: want exit 0, got 0: still running"
