"""Runs each method of Parsons' ActionBuilder connector against a live Groundwork server and checks what
it did through GraphQL. Prints one line per method (PASS or FAIL) and exits non-zero if any failed.

Environment: GW_URL (the server, e.g. http://127.0.0.1:18080), GW_EMAIL and GW_PASSWORD (a chapter admin).
"""

import os
import sys
import traceback

import requests
from parsons import ActionBuilder

BASE = os.environ["GW_URL"].rstrip("/")
CSRF = {"x-groundwork-csrf": "1"}


def sign_in_and_make_token():
    session = requests.Session()
    reply = session.post(
        f"{BASE}/auth/sign-in",
        json={"email": os.environ["GW_EMAIL"], "password": os.environ["GW_PASSWORD"]},
        headers=CSRF,
        timeout=30,
    )
    reply.raise_for_status()
    answer = session.post(
        f"{BASE}/graphql",
        json={"query": 'mutation { createApiToken(input: {name: "parsons", role: ADMIN}) { token } }'},
        headers=CSRF,
        timeout=30,
    ).json()
    return answer["data"]["createApiToken"]["token"]


TOKEN = sign_in_and_make_token()


def graphql(query, variables=None):
    answer = requests.post(
        f"{BASE}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"authorization": f"Bearer {TOKEN}"},
        timeout=30,
    ).json()
    if answer.get("errors"):
        raise AssertionError(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


def person(pid):
    return graphql(
        "query($id: ID!) { person(id: $id) { name status responses { responseId } "
        "connections { id targetId active } } }",
        {"id": pid},
    )["person"]


def people_names(campaign):
    data = graphql(
        "query($c: ID!) { people(campaignId: $c, first: 100) { edges { node { id name } } } }",
        {"c": campaign},
    )
    return sorted(edge["node"]["name"] for edge in data["people"]["edges"])


def bare(identifier):
    return identifier.split(":", 1)[1]


CAMPAIGN = graphql(
    'mutation { createCampaign(input: {name: "Parsons drive", goal: 10}) { id } }'
)["createCampaign"]["id"]
# A chapter's scripts start from a campaign that exists; the same caller's next GraphQL read waits until the
# new campaign is projected (read-your-writes), so the REST calls below find it.
assert graphql("query($c: ID!) { campaign(id: $c) { id } }", {"c": CAMPAIGN})["campaign"]["id"] == CAMPAIGN

ab = ActionBuilder(api_token=TOKEN, subdomain="unused", campaign=CAMPAIGN)
# Parsons builds https://{subdomain}.actionbuilder.org/api/rest/v1; point its connector at this server.
ab.api.uri = f"{BASE}/api/rest/v1/"

results = []
state = {}


def method(name):
    def wrap(check):
        try:
            check()
            results.append((name, "PASS", ""))
        except Exception as error:  # noqa: BLE001 - every failure is reported, the run goes on
            results.append((name, "FAIL", f"{type(error).__name__}: {error}"))
            traceback.print_exc(file=sys.stderr)
        return check

    return wrap


@method("insert_new_tag")
def _():
    leak = ab.insert_new_tag("Leak", "Issues", "Survey")
    ab.insert_new_tag("Mould", "Issues", "Survey")
    state["leak"] = bare(leak["identifiers"][0])
    assert leak["action_builder:field"] == "Issues", leak


@method("get_campaign_tags")
def _():
    tags = ab.get_campaign_tags(per_page=1)
    assert tags.num_rows == 2, tags.num_rows
    assert sorted(tags["name"]) == ["Leak", "Mould"], list(tags["name"])


@method("get_tag_by_name")
def _():
    tags = ab.get_tag_by_name("Leak")
    assert tags.num_rows == 1 and bare(tags["identifiers"][0][0]) == state["leak"]


@method("insert_entity_record")
def _():
    ada = ab.insert_entity_record("Person", data={"person": {"given_name": "Ada", "family_name": "Abbott"}})
    bea = ab.insert_entity_record("Person", data={"person": {"given_name": "Bea", "family_name": "Brown"}})
    state["ada"] = bare(ada["identifiers"][0])
    state["bea"] = bare(bea["identifiers"][0])
    assert people_names(CAMPAIGN) == ["Ada Abbott", "Bea Brown"]


@method("update_entity_record")
def _():
    ab.update_entity_record(state["ada"], {"person": {"given_name": "Adela", "family_name": "Abbott"}})
    assert person(state["ada"])["name"] == "Adela Abbott"
    assert people_names(CAMPAIGN) == ["Adela Abbott", "Bea Brown"], "updated, not inserted"


@method("_get_all_records (people, one a page)")
def _():
    people = ab._get_all_records(CAMPAIGN, "people", per_page=1)
    assert people.num_rows == 2, people.num_rows


@method("add_section_field_values_to_record")
def _():
    ab.add_section_field_values_to_record(state["ada"], "Survey", {"Issues": "Leak"})
    held = [r["responseId"] for r in person(state["ada"])["responses"]]
    assert held == [state["leak"]], held


@method("remove_tagging (tag_id + tagging_id)")
def _():
    ab.remove_tagging(tag_id=state["leak"], tagging_id=state["ada"])
    assert person(state["ada"])["responses"] == []


@method("remove_tagging (identifier + tag_name)")
def _():
    ab.add_section_field_values_to_record(state["ada"], "Survey", {"Issues": "Leak"})
    ab.remove_tagging(identifier=state["ada"], tag_name="Leak")
    assert person(state["ada"])["responses"] == []


@method("upsert_connection")
def _():
    made = ab.upsert_connection([f"action_builder:{state['ada']}", f"action_builder:{state['bea']}"])
    state["connection"] = bare(made["identifiers"][0])
    again = ab.upsert_connection([f"action_builder:{state['ada']}", f"action_builder:{state['bea']}"])
    assert bare(again["identifiers"][0]) == state["connection"]
    connections = person(state["ada"])["connections"]
    assert [(c["targetId"], c["active"]) for c in connections] == [(state["bea"], True)], connections


@method("deactivate_connection (connection_identifier)")
def _():
    ab.deactivate_connection(state["ada"], connection_identifier=state["connection"])
    assert [c["active"] for c in person(state["ada"])["connections"]] == [False]


@method("deactivate_connection (to_identifier)")
def _():
    ab.upsert_connection([f"action_builder:{state['ada']}", f"action_builder:{state['bea']}"])
    ab.deactivate_connection(state["ada"], to_identifier=f"action_builder:{state['bea']}")
    assert [c["active"] for c in person(state["ada"])["connections"]] == [False, False]


@method("remove_entity_record_from_campaign")
def _():
    ab.remove_entity_record_from_campaign(f"action_builder:{state['bea']}")
    assert people_names(CAMPAIGN) == ["Adela Abbott"]
    assert person(state["bea"])["status"] == "REMOVED"


for name, outcome, detail in results:
    print(f"{outcome} {name}" + (f" — {detail}" if detail else ""))
failed = [name for name, outcome, _ in results if outcome != "PASS"]
print(f"{len(results) - len(failed)} of {len(results)} Parsons ActionBuilder methods passed")
sys.exit(1 if failed else 0)
