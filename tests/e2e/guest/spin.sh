# Runs in the emulated Raspberry Pi 4 (tests/e2e/spin) as /etc/dumpable/exec.sh,
# in every kernel of a kexec chain: the first kernel takes each secondary CPU
# offline and online again SPIN_HOTPLUG times; every kernel up to the
# SPIN_KEXECS-th packs its own root file system into the next kernel's
# initramfs and kexecs into the same Image; the last one crashes (p4ni9
# panic on CPU SPIN_CRASH_CPU) when SPIN_CRASH_CPU is set. The settings come
# from /etc/dumpable/spin.conf, the count of kexecs so far from
# /etc/dumpable/spin.boot, which travels in the packed root file system.
# Lines go to the kernel log (/dev/kmsg), which reaches the console at once.
. /etc/dumpable/spin.conf
say() { echo "spin: $*" >/dev/kmsg; }
boot=$(cat /etc/dumpable/spin.boot 2>/dev/null || echo 0)
on=/sys/devices/system/cpu/online
say "boot $boot: online $(cat $on), $(grep -c ^processor /proc/cpuinfo) CPUs"

if [ "$boot" = 0 ]; then
	for cpu in 1 2 3; do
		f=/sys/devices/system/cpu/cpu$cpu/online
		ok=0 i=0
		t0=$(cut -d' ' -f1 /proc/uptime)
		while [ $i -lt "$SPIN_HOTPLUG" ]; do
			i=$((i + 1))
			echo 0 >$f 2>/dev/null || { say "hotplug cpu$cpu: offline $i failed"; continue; }
			[ "$(cat $f)" = 0 ] || { say "hotplug cpu$cpu: still online after offline $i"; continue; }
			echo 1 >$f 2>/dev/null || { say "hotplug cpu$cpu: online $i failed"; continue; }
			[ "$(cat $f)" = 1 ] || { say "hotplug cpu$cpu: still offline after online $i"; continue; }
			ok=$((ok + 1))
		done
		say "hotplug cpu$cpu: $ok of $SPIN_HOTPLUG off and on, from uptime $t0 s to $(cut -d' ' -f1 /proc/uptime) s"
	done
	say "after hotplug: online $(cat $on)"
fi

if [ "$boot" -lt "$SPIN_KEXECS" ]; then
	echo $((boot + 1)) >/etc/dumpable/spin.boot
	# The next initramfs: this root file system, and a /dev/console (the
	# one here is under devtmpfs).
	rm -rf /tmp/next /tmp/next.cpio
	mkdir -p /tmp/next/dev
	mknod /tmp/next/dev/console c 5 1
	{
		cd / && find . -xdev ! -path './tmp/*' | cpio -o -H newc 2>/dev/null
		cd /tmp/next && printf 'dev\ndev/console\n' | cpio -o -H newc 2>/dev/null
	} >/tmp/next.cpio
	cd /
	if ! kexec -s -l /boot/Image --initrd=/tmp/next.cpio --command-line="$(cat /proc/cmdline)"; then
		say "kexec -l failed"
		exit 1
	fi
	rm -f /tmp/next.cpio
	say "kexec $((boot + 1)) of $SPIN_KEXECS: loaded, online $(cat $on), uptime $(cut -d' ' -f1 /proc/uptime) s"
	kexec -e
	say "kexec -e returned: $?"
	exit 1
fi

say "chain done: $boot kexecs, online $(cat $on)"
if [ -n "${SPIN_CRASH_CPU:-}" ]; then
	say "crash on CPU $SPIN_CRASH_CPU"
	p4ni9 arm panic
	taskset "$(printf %x $((1 << SPIN_CRASH_CPU)))" p4ni9 trigger panic --yes
fi
say "end"
