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
	return 0
}
