#!/bin/bash
# record writes raw records plus symbols and reasons; report reads them back
# with filters, as stream, summary and pcapng; tshark reads the pcapng.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c7 10.0.2.7
mk_client c8 10.0.2.8

"$ND_CTL" record -o /tmp/r.ndr --snaplen 64 --stack --dport 7400 2>/tmp/rec.err &
rp=$!
"$ND_CTL" stream --snaplen 128 --dport 7400 --pcapng /tmp/live.pcapng >/dev/null 2>&1 &
lp=$!
nd_wait_capturing 2
udp c8 10.0.0.3 7400 5 >/dev/null
udp c7 10.0.0.3 7400 3 >/dev/null
sleep 1
nd_stop $rp
nd_stop $lp
cat /tmp/rec.err
assert_contains /tmp/rec.err "8 records written" "record wrote 8 records"

"$ND_CTL" report /tmp/r.ndr --json >/tmp/all.json || fail "report"
assert_eq "$(json_count /tmp/all.json function=$(udp4_fn) reason=$(R NO_SOCKET) dport=7400)" 8 "report: all 8, symbolized from the file"
python3 - /tmp/all.json "$(udp4_fn)" <<'PY' || fail "report: stacks symbolized from the recording"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
# The first frame is the drop location's function, not netdrop's own.
assert all(r.get("stack") and r["stack"][0].startswith(sys.argv[2] + "+") for r in recs), recs[0]
PY
echo "ok: stacks symbolized from the recording"
"$ND_CTL" report /tmp/r.ndr --src 10.0.2.8 --json >/tmp/c8.json
assert_eq "$(json_count /tmp/c8.json)" 5 "report --src filters"
"$ND_CTL" report /tmp/r.ndr --summary --by src >/tmp/sum.txt
assert_contains /tmp/sum.txt "5 drops at 10.0.2.8" "report --summary --by src"
assert_contains /tmp/sum.txt "3 drops at 10.0.2.7" "report --summary --by src (2)"

"$ND_CTL" report /tmp/r.ndr --pcapng /tmp/r.pcapng >/dev/null
for f in /tmp/r.pcapng /tmp/live.pcapng; do
	tshark -r "$f" -T fields -e ip.src -e udp.dstport -e frame.comment >/tmp/pcap.txt 2>&1 || { cat /tmp/pcap.txt; fail "tshark -r $f"; }
	assert_eq "$(grep -c "7400.*$(udp4_fn)+0x[0-9a-f]*$(R ' NO_SOCKET')" /tmp/pcap.txt)" 8 "tshark reads 8 packets with comments from $f"
done
