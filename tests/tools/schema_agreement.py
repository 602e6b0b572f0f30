#!/usr/bin/env python3
"""Checks that examples/trade-plan.schema.json agrees with the server's validator on every
example plan and on every plan under tests/data/plans (valid/ and invalid/)."""
import glob
import json
import os
import subprocess
import sys

import jsonschema

plan_check, root = sys.argv[1], sys.argv[2]
schema = json.load(open(os.path.join(root, "examples/trade-plan.schema.json")))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)

files = sorted(glob.glob(os.path.join(root, "examples/*.json")))
files = [f for f in files if not f.endswith("schema.json")]
files += sorted(glob.glob(os.path.join(root, "tests/data/plans/*/*.json")))
verdicts = dict(line.rsplit(" ", 1) for line in
                subprocess.check_output([plan_check] + files, text=True).splitlines())

passed = failed = 0
for f in files:
    doc = json.load(open(f))
    schema_valid = validator.is_valid(doc)
    server_valid = verdicts[f] == "valid"
    expected = None
    if "/valid/" in f or "/examples/" in f:
        expected = True
    if "/invalid/" in f:
        expected = False
    ok = schema_valid == server_valid and (expected is None or server_valid == expected)
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"DISAGREE {os.path.relpath(f, root)}: schema {schema_valid}, server {server_valid}, "
              f"expected {expected}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
