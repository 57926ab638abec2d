"""Reads a JUnit XML file as CI systems do, with junitparser (Debian's python3-junitparser),
and prints what it found as one JSON object: each suite's counts, and each test case's name,
class name and results (failure, error, skipped) with their messages and texts.
Usage: read_junit.py FILE"""
import json
import sys

from junitparser import JUnitXml

suites = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    suites.append({
        "name": suite.name,
        "tests": suite.tests,
        "failures": suite.failures,
        "errors": suite.errors,
        "time": suite.time,
        "timestamp": suite.timestamp,
        "cases": [{
            "name": case.name,
            "classname": case.classname,
            "results": [{"kind": type(result).__name__.lower(), "message": result.message,
                         "text": result.text} for result in case.result],
        } for case in suite],
    })
print(json.dumps({"suites": suites}))
