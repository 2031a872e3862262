#!/usr/bin/python3
# LAVA's own Python pieces, for ./dumpable lava (docs/lava.md):
#   lava.py validate JOB.yaml...        each job through lava_common's schema
#                                       check (strict), one TAP line each
#   lava.py render DEVICE.jinja2 JOB.yaml TEMPLATES OUT.yaml
#                                       the device dictionary rendered with
#                                       LAVA's device-type templates and the
#                                       job's context, as lava-server does;
#                                       checked with lava_common's device schema
# Debian's python3 (lava-common, python3-jinja2, python3-yaml), not a
# virtualenv's: run as /usr/bin/python3.
import os
import sys

import jinja2
import yaml
from lava_common.schemas import validate as validate_job
from lava_common.schemas import device as device_schema


def validate(paths):
    print("1..%d" % len(paths))
    bad = 0
    for n, path in enumerate(paths, 1):
        name = os.path.basename(path)
        try:
            with open(path) as f:
                data = yaml.safe_load(f)
            validate_job(data, strict=True)
            print("ok %d - %s: LAVA's schema takes it (%s)" % (n, name, data["device_type"]))
        except Exception as exc:  # voluptuous.Invalid, yaml errors: all are a bad job
            bad += 1
            print("not ok %d - %s: %s" % (n, name, str(exc).replace("\n", " ")))
    return 1 if bad else 0


def render(device, job, templates, out):
    with open(job) as f:
        context = yaml.safe_load(f).get("context", {})
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([os.path.dirname(os.path.abspath(device)), templates]),
        trim_blocks=True,
        autoescape=False,
    )
    text = env.get_template(os.path.basename(device)).render(**context)
    data = yaml.safe_load(text)
    device_schema.validate(data)
    with open(out, "w") as f:
        f.write(text)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "validate":
        return validate(argv[1:])
    if len(argv) == 5 and argv[0] == "render":
        return render(*argv[1:])
    sys.stderr.write(
        "usage: lava.py validate JOB.yaml... | lava.py render DEVICE.jinja2 JOB.yaml TEMPLATES OUT.yaml\n"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
