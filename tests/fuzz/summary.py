"""Sums up a schemathesis NDJSON report: how many requests were sent, their HTTP statuses, the GraphQL error
codes they got back, and how many operations answered at least once without an error (the fuzzer got past
validation there). Usage: summary.py REPORT.ndjson
"""

import base64
import collections
import json
import sys


def body_of(response):
    content = response.get("content") or {}
    if "$base64" in content:
        raw = base64.b64decode(content["$base64"])
    else:
        raw = (content.get("text") or "").encode()
    try:
        return json.loads(raw)
    except ValueError:
        return None


def main(path):
    statuses = collections.Counter()
    codes = collections.Counter()
    operations = set()
    succeeded = set()
    requests = 0
    with open(path, encoding="utf-8") as report:
        for line in report:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            label = finished["recorder"]["label"]
            operations.add(label)
            for interaction in finished["recorder"].get("interactions", {}).values():
                response = interaction.get("response")
                if not response:
                    continue
                requests += 1
                status = response["status_code"]
                statuses[status] += 1
                body = body_of(response)
                errors = body.get("errors") if isinstance(body, dict) else None
                if isinstance(errors, list) and errors:
                    for error in errors:
                        extensions = error.get("extensions") if isinstance(error, dict) else None
                        codes[(extensions or {}).get("code", "(no code)")] += 1
                elif 200 <= status < 300:
                    succeeded.add(label)
    print(f"  requests recorded: {requests}")
    print("  HTTP statuses: " + ", ".join(f"{status} × {count}" for status, count in sorted(statuses.items())))
    if codes:
        print("  GraphQL error codes: " + ", ".join(f"{code} × {count}" for code, count in codes.most_common()))
    print(f"  operations answered without an error at least once: {len(succeeded)} of {len(operations)}")


main(sys.argv[1])
