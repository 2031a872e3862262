# Helpers for the end-to-end tests (sourced, POSIX sh). Each check prints
# one TAP line; a check whose file is missing fails, it never passes.

t() {  # DESCRIPTION COMMAND...: ok when COMMAND succeeds
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then echo "ok - $d"; else echo "not ok - $d"; fi
}

# holds FILE TEXT: FILE exists and holds TEXT (an empty TEXT is an error in
# the test, not a match).
holds() {
	[ -n "$2" ] && [ -f "$1" ] && grep -qF -- "$2" "$1"
}

# lacks FILE TEXT: FILE exists and does not hold TEXT.
lacks() {
	[ -n "$2" ] && [ -f "$1" ] && ! grep -qF -- "$2" "$1"
}

# need FILE DESCRIPTION: ok to go on when FILE exists; otherwise a failed
# test that says what could not be checked.
need() {
	[ -f "$1" ] && return 0
	echo "not ok - $2: no ${1##*/}, nothing to check"
	return 1
}

# field FILE KEY: the first value of "KEY" in a JSON file, unquoted.
field() { grep -o "\"$2\": [^,}]*" "$1" 2>/dev/null | head -n 1 | sed 's/^[^:]*: //; s/"//g'; }

# run NAME ARGS...: ${DUMPABLE:-./dumpable} run ARGS. Sets RUN (the run's
# directory) and RES (its result.json); on failure both name nothing, so
# later checks cannot read an earlier run's files.
run() {
	name=$1
	shift
	RUN=/nonexistent RES=/nonexistent/result.json
	echo "# ./dumpable run $*"
	${DUMPABLE:-./dumpable} run "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	sed 's/^/#   /' "$OUT/$name.out" | grep -v '^#   *|' | grep -v '^#   $'
	r=$(sed -n 's/^result: *//p' "$OUT/$name.out" | tail -n 1)
	r=${r%/result.json}
	if [ -z "$r" ] || [ ! -f "$r/result.json" ]; then
		echo "not ok - $name: ./dumpable run $* wrote no result.json (exit $rc)"
		sed 's/^/#   /' "$OUT/$name.err" | tail -n 20
		return 1
	fi
	RUN=$r RES=$r/result.json
	froze_retry "$name" "$@" || return
	return 0
}

# froze_retry NAME ARGS...: after a run on the emulated Raspberry Pi 4 that
# did not match because the guest stopped for good (the runner read its
# CPUs' registers at its deadline, hang-registers.txt), says so with each
# CPU's PC and runs it again, once (run's RUN and RES then name the second
# run). QEMU's raspi4b can leave an idle guest waiting on an expired timer,
# which no watchdog in the guest can end; the runner wakes QEMU against it,
# this is the backstop (docs/raspberry-pi-4.md, "When the emulated board
# stops"). Any other mismatch, and a second stop, stay the test's failure.
froze_retry() {
	case " $* " in *" --board rpi4 "*) ;; *) return 0 ;; esac
	[ "${FROZE_RETRY:-}" != 1 ] && [ "$(field "$RES" match)" = false ] &&
		[ "$(field "$RES" hang_registers)" = hang-registers.txt ] || return 0
	echo "# $1: the emulated board stopped (outcome $(field "$RES" outcome), $RUN/hang-registers.txt):"
	register_pcs "$RUN/hang-registers.txt" | while read -r c pc; do echo "#   $c PC=$pc"; done
	echo "# $1: run again, once"
	FROZE_RETRY=1
	run "$@"
	set -- $?
	FROZE_RETRY=
	return "$1"
}

# register_pcs FILE: "CPU#N PC" for each CPU in QEMU's "info registers -a"
# output (PC in hex, as QEMU prints it).
register_pcs() {
	awk '/^CPU#/ { cpu = $1 } { for (i = 1; i <= NF; i++) if ($i ~ /^PC=/) print cpu, substr($i, 4) }' "$1"
}
