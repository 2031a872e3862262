# Shared by the lab's scripts (sourced, POSIX sh).
# Where expensive results live: outside the checkout, shared by clones.
CACHE=${DUMPABLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dumpable-kernel}
BUILD=${DUMPABLE_BUILD:-$ROOT/build}

log() { echo "[dumpable] $*" >&2; }

# pristine_src [SERIES]: the Debian source of the installed
# linux-source-SERIES (default 6.1), as build-kernel unpacks it (the
# directory may not exist yet).
pristine_src() {
	echo "$CACHE/kernel/pristine-$(dpkg-query -W -f '${Version}' "linux-source-${1:-6.1}" 2>/dev/null)/linux-source-${1:-6.1}"
}

# copy_pristine SRC DEST PATCH...: copies from SRC to DEST the files the
# patches change, each once, as they are before any patch.
copy_pristine() {
	_cp_src=$1 _cp_dest=$2
	shift 2
	for _cp_p in "$@"; do
		for _cp_f in $(sed -n 's|^+++ b/\([^	 ]*\).*|\1|p' "$_cp_p"); do
			if [ -f "$_cp_src/$_cp_f" ] && [ ! -f "$_cp_dest/$_cp_f" ]; then
				mkdir -p "$_cp_dest/$(dirname "$_cp_f")"
				cp "$_cp_src/$_cp_f" "$_cp_dest/$_cp_f"
			fi
		done
	done
}

# debian_mirror SUITE: the URI of the machine's own Debian mirror for SUITE,
# read from its apt sources (deb822 .sources first, then the one-line
# sources.list; disabled entries and deb-src skipped), so that no mirror's
# host name is ever written into the project. Prints nothing when there is
# none. APT_ETC (default /etc/apt) is where the sources are read.
debian_mirror() {
	_dm_etc=${APT_ETC:-/etc/apt}
	for _dm_f in "$_dm_etc"/sources.list.d/*.sources; do
		[ -f "$_dm_f" ] || continue
		awk -v suite="$1" 'BEGIN { RS = ""; FS = "\n" }
			{ u = ""; s = 0; deb = 0; en = 1
			  for (i = 1; i <= NF; i++) {
				n = split($i, w, /[ \t]+/)
				if (w[1] == "URIs:") u = w[2]
				if (w[1] == "Types:") for (j = 2; j <= n; j++) if (w[j] == "deb") deb = 1
				if (w[1] == "Suites:") for (j = 2; j <= n; j++) if (w[j] == suite) s = 1
				if (w[1] == "Enabled:" && w[2] == "no") en = 0 }
			  if (u != "" && s && deb && en) { print u; exit } }' "$_dm_f"
	done
	[ ! -f "$_dm_etc/sources.list" ] ||
		awk -v suite="$1" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) == suite) { print $i; exit } }' "$_dm_etc/sources.list"
}
