"""Runs percentiles.py, which content/stacks/performance/measuring.md includes, and checks
that it prints what the page says it prints (run by .ci/run)."""

import pathlib
import re
import subprocess
import sys
import unittest

SCRIPT = pathlib.Path(__file__).with_name("percentiles.py")


class PercentilesTest(unittest.TestCase):
    def test_prints_what_the_page_describes(self):
        out = subprocess.run(
            [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True
        ).stdout
        values = {m[1]: float(m[2]) for m in re.finditer(r"^(\w+)\s+([\d.]+) ms$", out, re.M)}
        self.assertEqual(list(values), ["mean", "p50", "p95", "p99", "max"])
        # "a mean of about 125 ms, a p50 of about 82 ms, a p95 of about 112 ms and a p99
        # above 1.7 seconds"
        self.assertAlmostEqual(values["mean"], 125, delta=1)
        self.assertAlmostEqual(values["p50"], 82, delta=1)
        self.assertAlmostEqual(values["p95"], 112, delta=1)
        self.assertGreater(values["p99"], 1700)


if __name__ == "__main__":
    unittest.main()
