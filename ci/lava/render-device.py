#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Render a LAVA device dictionary into the device YAML lava-run reads.

render-device.py TEMPLATE_DIR DEVICE_DICT [JOB.yaml]
  TEMPLATE_DIR  the device-type templates (qemu.jinja2, base.jinja2), from
                lava-server's /usr/share/lava-server/device-types
  DEVICE_DICT   a device dictionary ({% extends 'qemu.jinja2' %} ...)
  JOB.yaml      its context is given to the template, as lava-server does
Prints the device YAML.
"""
import os
import sys

import jinja2
import yaml


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    tdir, ddict = argv[1], argv[2]
    context = {}
    if len(argv) == 4:
        with open(argv[3], encoding="utf-8") as f:
            context = (yaml.safe_load(f) or {}).get("context", {}) or {}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([os.path.dirname(os.path.abspath(ddict)), tdir]),
        trim_blocks=True, autoescape=False)
    out = env.get_template(os.path.basename(ddict)).render(**context)
    yaml.safe_load(out)  # refuse to print what lava-run could not read
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
