"""Prepares a fuzzing run against a live Groundwork server with the demo data loaded.

Signs in as the chapter's admin, makes an admin API token, collects the ids of what the demo holds
(campaigns, people, units, tasks, structure tests, members, tags, connections) and writes, into the folder
given as the only argument:

- `token`: the API token, for `Authorization: Bearer …` (GraphQL) and `OSDI-API-Token` (REST);
- one libFuzzer dictionary per kind of id (`campaigns.dict`, `people.dict`, …);
- `graphql.toml` and `rest.toml`: schemathesis configurations that draw every id argument from the
  dictionary of its kind half the time (the other half stays random), so the fuzzer reaches real data instead
  of answering NOT_FOUND to random ids. The GraphQL bindings come from schema.graphql itself: every argument
  and input field of type ID, by its name. The token's owner is in no dictionary, and ids are never taken
  from answers, so the run cannot revoke its own token or remove its own admin.

Environment: GW_URL, GW_EMAIL, GW_PASSWORD.
"""

import os
import sys
from pathlib import Path

import graphql
import requests

BASE = os.environ["GW_URL"].rstrip("/")
OUT = Path(sys.argv[1])
ROOT = Path(__file__).resolve().parents[2]
# How often a bound argument takes a real id instead of a generated value.
PROBABILITY = 0.5


def sign_in_and_make_token():
    session = requests.Session()
    csrf = {"x-groundwork-csrf": "1"}
    reply = session.post(
        f"{BASE}/auth/sign-in",
        json={"email": os.environ["GW_EMAIL"], "password": os.environ["GW_PASSWORD"]},
        headers=csrf,
        timeout=30,
    )
    reply.raise_for_status()
    answer = session.post(
        f"{BASE}/graphql",
        json={"query": 'mutation { createApiToken(input: {name: "fuzz", role: ADMIN}) { token } }'},
        headers=csrf,
        timeout=30,
    ).json()
    if answer.get("errors"):
        raise SystemExit(f"createApiToken: {answer['errors']}")
    return answer["data"]["createApiToken"]["token"]


TOKEN = sign_in_and_make_token()


def query(text, variables=None):
    answer = requests.post(
        f"{BASE}/graphql",
        json={"query": text, "variables": variables or {}},
        headers={"authorization": f"Bearer {TOKEN}"},
        timeout=60,
    ).json()
    if answer.get("errors"):
        raise SystemExit(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


def rest(path):
    reply = requests.get(f"{BASE}/api/rest/v1/{path}", headers={"OSDI-API-Token": TOKEN}, timeout=60)
    reply.raise_for_status()
    return reply.json()


def collect():
    kinds = ["campaigns", "people", "units", "tasks", "tests", "users", "sections", "fields", "responses", "tags", "connections"]
    ids = {kind: set() for kind in kinds}
    # The token's own owner is left out: a fuzzer that removes or demotes them (after making someone else
    # admin) would revoke its own credential and test nothing but 401 from then on.
    me = query("{ me { userId } }")["me"]["userId"]
    for member in query("{ members { userId } }")["members"]:
        if member["userId"] != me:
            ids["users"].add(member["userId"])
    for task in query("{ tasks(first: 50) { edges { node { id } } } }")["tasks"]["edges"]:
        ids["tasks"].add(task["node"]["id"])
    campaigns = query("{ campaigns { id fieldSections { id fields { id responses { id } } } } }")["campaigns"]
    for campaign in campaigns:
        ids["campaigns"].add(campaign["id"])
        for section in campaign["fieldSections"]:
            ids["sections"].add(section["id"])
            for field in section["fields"]:
                ids["fields"].add(field["id"])
                ids["responses"].update(response["id"] for response in field["responses"])
        data = query(
            "query($c: ID!) { people(campaignId: $c, first: 40) { edges { node { id } } } "
            "wallChart(campaignId: $c) { units { id } } structureTests(campaignId: $c) { id } }",
            {"c": campaign["id"]},
        )
        people = [edge["node"]["id"] for edge in data["people"]["edges"]]
        ids["people"].update(people)
        for person in people[:10]:
            found = query("query($p: ID!) { person(id: $p) { connections { id } } }", {"p": person})["person"]
            ids["connections"].update(connection["id"] for connection in (found or {}).get("connections", []))
        if data["wallChart"]:
            ids["units"].update(unit["id"] for unit in data["wallChart"]["units"])
        ids["tests"].update(test["id"] for test in data["structureTests"])
        tags = rest(f"campaigns/{campaign['id']}/tags?per_page=25")["_embedded"]["osdi:tags"]
        for tag in tags:
            ids["tags"].update(
                identifier.split(":", 1)[1]
                for identifier in tag.get("identifiers", [])
                if identifier.startswith("action_builder:")
            )
    return ids


def kind_of(name):
    """The dictionary an id argument draws from, by its name; None for ids of things the demo has none of."""
    lowered = name.lower()
    for needle, kind in [
        ("structuretest", "tests"),
        ("campaign", "campaigns"),
        ("person", "people"),
        ("people", "people"),
        ("target", "people"),
        ("merge", "people"),
        ("survivor", "people"),
        ("duplicate", "people"),
        ("unit", "units"),
        ("parent", "units"),
        ("task", "tasks"),
        ("user", "users"),
        ("organizer", "users"),
        ("assignee", "users"),
        ("actor", "users"),
        ("section", "sections"),
        ("response", "responses"),
        ("field", "fields"),
        ("connection", "connections"),
    ]:
        if needle in lowered:
            return kind
    return "any" if lowered == "id" or lowered == "ids" else None


def is_id(type_):
    named = graphql.get_named_type(type_)
    return isinstance(named, graphql.GraphQLScalarType) and named.name == "ID"


def is_list(type_):
    return isinstance(graphql.get_nullable_type(type_), graphql.GraphQLList)


def graphql_bindings():
    schema = graphql.build_schema((ROOT / "schema.graphql").read_text())
    bindings = {}
    for root in [schema.query_type, schema.mutation_type]:
        for field_name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                paths = []
                if is_id(arg.type):
                    paths.append((arg_name, arg.type, arg_name))
                named = graphql.get_named_type(arg.type)
                if isinstance(named, graphql.GraphQLInputObjectType) and not is_list(arg.type):
                    for sub_name, sub in named.fields.items():
                        if is_id(sub.type):
                            paths.append((f"{arg_name}.{sub_name}", sub.type, sub_name))
                for path, type_, name in paths:
                    kind = kind_of(name)
                    if kind is None:
                        continue
                    key = f"{root.name}.{field_name}.{path}" + ("[*]" if is_list(type_) else "")
                    bindings[key] = kind
    return bindings


REST_BINDINGS = {
    "path.campaign": "campaigns",
    "path.person": "people",
    "path.tagging": "people",
    "path.tag": "tags",
    "path.connection": "connections",
}


def write_config(name, dictionaries, bindings):
    lines = [
        "# Written by tests/fuzz/prepare.py for one run; not kept.",
        "",
        # Ids come from the dictionaries only, never from earlier answers: schemathesis would otherwise pick
        # the token's own id out of `myApiTokens` and revoke it, or remove the admin it signs in as, and test
        # nothing but 401 from then on.
        "[phases.fuzzing.extra-data-sources]",
        "responses = false",
        "",
    ]
    for kind in sorted(dictionaries):
        lines.append(f'[dictionaries.{kind}]\nfrom-file = "{kind}.dict"\n')
    lines.append("[parameters]")
    for key, kind in sorted(bindings.items()):
        if kind in dictionaries:
            lines.append(f'"{key}" = {{ dictionary = "{kind}", probability = {PROBABILITY} }}')
    (OUT / name).write_text("\n".join(lines) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "token").write_text(TOKEN)
    ids = collect()
    ids["any"] = set().union(*ids.values())
    dictionaries = {}
    for kind, values in ids.items():
        if values:
            (OUT / f"{kind}.dict").write_text("".join(f'"{value}"\n' for value in sorted(values)))
            dictionaries[kind] = len(values)
    write_config("graphql.toml", dictionaries, graphql_bindings())
    write_config("rest.toml", dictionaries, REST_BINDINGS)
    print("ids for the fuzzer: " + ", ".join(f"{kind} {count}" for kind, count in sorted(dictionaries.items())))


main()
