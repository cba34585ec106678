# kstat_delta (lib.sh): how much one of the kernel's counters moved
# between two snapshots of /proc/net/snmp, netstat and snmp6:
#   awk -v want=NAME -f kstatdelta.awk BEFORE AFTER
# The tables as snmpdelta.py reads them (a "Prefix: names" line and its
# "Prefix: values" line; snmp6's "Name value" lines), in awk because a
# guest starts awk in a tenth of python's time.  A counter missing from
# either snapshot is exit 2, never a zero.
FNR == 1 { f++; head = "" }
{
	if (head != "" && $1 == hp) {
		ok = 1
		for (i = 2; i <= NF; i++) if ($i !~ /^-?[0-9]+$/) ok = 0
		if (ok) {
			n = split(head, h)
			for (i = 2; i <= NF && i <= n; i++) v[f, substr(hp, 1, length(hp) - 1) h[i]] = $i
			head = ""
			next
		}
	}
	head = ""
	if ($1 ~ /:$/) { head = $0; hp = $1; next }
	if (NF == 2 && $2 ~ /^-?[0-9]+$/) v[f, $1] = $2
}
END {
	if (!((1, want) in v) || !((2, want) in v)) {
		print "kstat_delta: no counter " want > "/dev/stderr"
		exit 2
	}
	printf "%.0f\n", v[2, want] - v[1, want]
}
