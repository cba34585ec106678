"""Tests of the bench's own logic: kernel-log scanning and KTAP parsing."""
import os
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))

import dmesg_check  # noqa: E402
import ktap  # noqa: E402

CLEAN_BOOT = """\
[    0.000000] Linux version 6.1.192 (root@host) #1 SMP
[    0.210000] kasan: KernelAddressSanitizer initialized (generic)
[    0.300000] kmemleak: Kernel memory leak detector disabled
[    1.000000] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    8.774957] netdrop: loading out-of-tree module taints kernel.
[    8.775466] netdrop: module verification failed: signature and/or required key missing - tainting kernel
"""

REPORTS = [
    "[   42.474654] BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274",
    "[   12.000000] WARNING: CPU: 1 PID: 200 at kmod/nd_main.c:100 nd_probe+0x10/0x20 [netdrop]",
    "[   13.000000] BUG: KASAN: slab-out-of-bounds in nd_decode+0x44/0x100 [netdrop]",
    "[   14.000000] WARNING: possible circular locking dependency detected",
    "[   15.000000] WARNING: suspicious RCU usage",
    "[   16.000000] unreferenced object 0xffff888003a4c000 (size 64):",
    "[   17.000000] Oops: 0000 [#1] PREEMPT SMP KASAN",
    "[   18.000000] general protection fault, probably for non-canonical address 0xdffffc0000000000",
    "[   19.000000] ================================",
    "[   19.000001] WARNING: inconsistent lock state",
    "[   20.000000] kernel BUG at net/core/skbuff.c:100!",
]


class DmesgCheckTest(unittest.TestCase):
    def test_clean_boot_has_no_reports(self):
        self.assertEqual(dmesg_check.find_reports(CLEAN_BOOT.splitlines()), [])

    def test_each_report_is_found(self):
        for line in REPORTS:
            if "=====" in line:
                continue
            with self.subTest(line=line):
                self.assertEqual(dmesg_check.find_reports([line]), [line])

    def test_exit_status(self):
        with tempfile.TemporaryDirectory() as d:
            clean = os.path.join(d, "clean")
            bad = os.path.join(d, "bad")
            with open(clean, "w") as f:
                f.write(CLEAN_BOOT)
            with open(bad, "w") as f:
                f.write(CLEAN_BOOT + REPORTS[1] + "\n")
            script = os.path.join(TOP, "scripts", "dmesg_check.py")
            self.assertEqual(subprocess.run([sys.executable, script, clean]).returncode, 0)
            r = subprocess.run([sys.executable, script, clean, bad], capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("nd_main.c:100", r.stdout)
            # A missing file (guest died before writing dmesg) is not a pass
            # by itself; vm-run fails on the missing rc file instead.
            self.assertEqual(subprocess.run([sys.executable, script, os.path.join(d, "none")]).returncode, 0)


KTAP_PASS_FAIL = """\
[   15.244069] KTAP version 1
[   15.244100] 1..2
[   42.410529]     KTAP version 1
[   42.412079]     # Subtest: netdrop_ring
[   42.412100]     1..3
[   42.435109]     ok 1 ring_reserve_commit
[   42.509995]     # ring_consumer_abuse: EXPECTATION FAILED at nd_kunit.c:116
[   42.584240]     not ok 2 ring_consumer_abuse
[   42.602017]     ok 3 ring_skipped # SKIP not on this kernel
[   42.603999] not ok 1 netdrop_ring
[   42.609397]     KTAP version 1
[   42.609962]     # Subtest: netdrop_filter
[   42.625519]     ok 1 filter_cidr_edges
[   42.652402] ok 2 netdrop_filter
"""

KTAP_CRASHED = """\
[   42.410529]     KTAP version 1
[   42.412079]     # Subtest: netdrop_decode
[   42.435109]     ok 1 decode_ipv4_udp
[   42.500000] BUG: KASAN: use-after-free in nd_decode+0x1/0x2
"""

KTAP_PARAMETERIZED = """\
[    1.0] KTAP version 1
[    1.0]     # Subtest: suite
[    1.0]         # Subtest: param_case
[    1.0]         ok 1 a
[    1.0]         not ok 2 b
[    1.0]     not ok 1 param_case
[    1.0] not ok 1 suite
"""


class KtapTest(unittest.TestCase):
    def test_pass_fail_skip(self):
        r = ktap.parse(KTAP_PASS_FAIL.splitlines())
        self.assertEqual(
            r,
            [
                ("netdrop_ring.ring_reserve_commit", "PASS"),
                ("netdrop_ring.ring_consumer_abuse", "FAIL"),
                ("netdrop_ring.ring_skipped", "SKIP"),
                ("netdrop_filter.filter_cidr_edges", "PASS"),
            ],
        )

    def test_plan_mismatch_fails(self):
        # A case that vanished: the plan says 3, two results follow.
        log = KTAP_PASS_FAIL.replace("[   42.602017]     ok 3 ring_skipped # SKIP not on this kernel\n", "")
        r = ktap.parse(log.splitlines())
        self.assertIn(("netdrop_ring.(plan 1..3, 2 results)", "FAIL"), r)

    def _run(self, text, *suites):
        with tempfile.NamedTemporaryFile("w", suffix=".log") as f:
            f.write(text)
            f.flush()
            script = os.path.join(TOP, "scripts", "ktap.py")
            return subprocess.run([sys.executable, script, f.name, *suites], capture_output=True, text=True)

    def test_skip_is_counted_and_fails(self):
        log = KTAP_PASS_FAIL.replace("not ok 2 ring_consumer_abuse", "ok 2 ring_consumer_abuse")
        log = log.replace("not ok 1 netdrop_ring", "ok 1 netdrop_ring")
        r = self._run(log)
        self.assertIn("SKIP netdrop_ring.ring_skipped", r.stdout)
        self.assertIn("3 passed, 0 failed, 1 skipped", r.stdout)
        self.assertEqual(r.returncode, 1)

    def test_missing_suite_fails(self):
        log = KTAP_PASS_FAIL.replace("not ok 2 ring_consumer_abuse", "ok 2 ring_consumer_abuse")
        log = log.replace("not ok 1 netdrop_ring", "ok 1 netdrop_ring").replace(" # SKIP not on this kernel", "")
        self.assertEqual(self._run(log, "netdrop_ring", "netdrop_filter").returncode, 0)
        r = self._run(log, "netdrop_ring", "netdrop_filter", "netdrop_hooks")
        self.assertIn("FAIL netdrop_hooks.(never ran)", r.stdout)
        self.assertEqual(r.returncode, 1)

    def test_suite_that_never_finished_fails(self):
        r = ktap.parse(KTAP_CRASHED.splitlines())
        self.assertIn(("netdrop_decode.decode_ipv4_udp", "PASS"), r)
        self.assertIn(("netdrop_decode.(did not finish)", "FAIL"), r)

    def test_nested_parameterized(self):
        r = ktap.parse(KTAP_PARAMETERIZED.splitlines())
        self.assertIn(("param_case.a", "PASS"), r)
        self.assertIn(("param_case.b", "FAIL"), r)
        self.assertTrue(all(name != "suite" for name, _ in r))

    def test_empty_log_fails(self):
        with tempfile.NamedTemporaryFile("w", suffix=".log") as f:
            f.write("[    0.0] Linux version\n")
            f.flush()
            script = os.path.join(TOP, "scripts", "ktap.py")
            r = subprocess.run([sys.executable, script, f.name], capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("0 passed, 1 failed, 0 skipped", r.stdout)


if __name__ == "__main__":
    unittest.main()


class BootOnlyTest(unittest.TestCase):
    START = "[    9.000000] " + dmesg_check.TESTS_START

    def test_report_before_start_only(self):
        lines = CLEAN_BOOT.splitlines() + [REPORTS[2], self.START, "[   10.0] netdrop: loaded"]
        self.assertTrue(dmesg_check.boot_only(lines))

    def test_report_after_start_is_not_boot_only(self):
        lines = [REPORTS[2], self.START, REPORTS[1]]
        self.assertFalse(dmesg_check.boot_only(lines))
        self.assertFalse(dmesg_check.boot_only([self.START, REPORTS[1]]))

    def test_no_start_marker_or_no_report(self):
        self.assertFalse(dmesg_check.boot_only([REPORTS[2]]))
        self.assertFalse(dmesg_check.boot_only([self.START]))


SNMP_BEFORE = """\
Ip: Forwarding DefaultTTL InReceives
Ip: 1 64 100
Udp: InDatagrams NoPorts InErrors
Udp: 5 7 0
TcpExt: SyncookiesSent TCPTimeouts
TcpExt: 0 3
Udp6NoPorts                     	2
"""
SNMP_AFTER = """\
Ip: Forwarding DefaultTTL InReceives
Ip: 1 64 5000000000
Udp: InDatagrams NoPorts InErrors
Udp: 5 19 0
TcpExt: SyncookiesSent TCPTimeouts
TcpExt: 0 4
Udp6NoPorts                     	9
"""


class KstatDeltaTest(unittest.TestCase):
    """The guests' kstat_delta (awk) reads counters as snmpdelta.py does."""

    def delta(self, tool, name, before=SNMP_BEFORE, after=SNMP_AFTER):
        with tempfile.TemporaryDirectory() as d:
            b, a = os.path.join(d, "b"), os.path.join(d, "a")
            for path, text in ((b, before), (a, after)):
                with open(path, "w") as f:
                    f.write(text)
            tools = os.path.join(TOP, "tests", "e2e", "tools")
            if tool == "awk":
                cmd = ["awk", "-v", f"want={name}", "-f", os.path.join(tools, "kstatdelta.awk"), b, a]
            else:
                cmd = [sys.executable, os.path.join(tools, "snmpdelta.py"), b, a, name]
            p = subprocess.run(cmd, capture_output=True, text=True)
            return p.returncode, p.stdout.strip()

    def test_agrees_with_snmpdelta(self):
        for name, want in (("UdpNoPorts", "12"), ("IpInReceives", "4999999900"),
                           ("TcpExtTCPTimeouts", "1"), ("Udp6NoPorts", "7")):
            with self.subTest(name=name):
                self.assertEqual(self.delta("awk", name), (0, want))
                self.assertEqual(self.delta("py", name), (0, want))

    def test_missing_counter_is_an_error(self):
        self.assertEqual(self.delta("awk", "UdpNoSuch")[0], 2)
        self.assertEqual(self.delta("awk", "UdpNoPorts", after="Ip: Forwarding\nIp: 1\n")[0], 2)
