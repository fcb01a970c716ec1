#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Read a LAVA job log (lava-run's stdout, or `lavacli jobs logs --raw`).

joblog.py --lavacli-results FILE
  the same lines from `lavacli results JOB --yaml` (what the server stored).
joblog.py LOG [--reports DIR] [--prefix P]
  prints the lava-test-case results the job recorded for the daxstress test
  definition, one line each, as `daxstress lava` writes them:
    lava-test-case NAME --result R [--measurement S --units s]
  and with --reports writes every JSON report ci/lava/daxstress-lava.sh put
  into the log (between @@DAXSTRESS-REPORT lines) to DIR/P<fs>.json.
Exit: 0, 1 when the log has no results of the definition, 2 usage.
"""
import base64
import gzip
import os
import sys

import yaml


def entries(path):
    """The log's entries: one flow mapping a line, "- " before it in a
    YAML list (lavacli), bare in lava-run's output; other lines skipped."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("- {"):
                line = line[2:]
            if not line.startswith("{"):
                continue
            try:
                e = yaml.load(line, Loader=loader)
            except yaml.YAMLError:
                continue
            if isinstance(e, dict):
                out.append(e)
    return out


def case_line(msg):
    line = "lava-test-case %s --result %s" % (msg["case"], msg["result"])
    if msg.get("measurement") not in (None, "", "None"):
        line += " --measurement %.3f --units %s" % (float(msg["measurement"]), msg.get("units", ""))
    return line


def reports(log):
    """(fs, bytes of JSON) for each report between the markers."""
    cur, lines = None, []
    for e in log:
        if e.get("lvl") != "target" or not isinstance(e.get("msg"), str):
            continue
        text = e["msg"].strip()
        if text.startswith("@@DAXSTRESS-REPORT-BEGIN "):
            cur, lines = text.split()[1], []
        elif text.startswith("@@DAXSTRESS-REPORT-END ") and cur:
            yield cur, gzip.decompress(base64.b64decode("".join(lines)))
            cur = None
        elif cur:
            lines.append(text)


def lavacli_results(path):
    with open(path, encoding="utf-8") as f:
        res = yaml.safe_load(f) or []
    n = 0
    for r in res:
        suite = str(r.get("suite", r.get("definition", "")))
        if not suite.endswith("_daxstress"):
            continue
        msg = {"case": r.get("name", r.get("case")), "result": r.get("result"),
               "measurement": r.get("measurement"), "units": r.get("unit", r.get("units", ""))}
        print(case_line(msg))
        n += 1
    return 0 if n else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "--lavacli-results":
        return lavacli_results(argv[2])
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    outdir = prefix = None
    if "--reports" in argv:
        outdir = argv[argv.index("--reports") + 1]
    prefix = argv[argv.index("--prefix") + 1] if "--prefix" in argv else ""
    log = entries(argv[1])
    n = 0
    for e in log:
        msg = e.get("msg")
        if e.get("lvl") == "results" and isinstance(msg, dict) and \
                str(msg.get("definition", "")).endswith("_daxstress"):
            print(case_line(msg))
            n += 1
    if outdir:
        os.makedirs(outdir, exist_ok=True)
        for fs, data in reports(log):
            with open(os.path.join(outdir, "%s%s.json" % (prefix, fs)), "wb") as f:
                f.write(data)
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
