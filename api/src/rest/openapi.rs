//! The OpenAPI 3.1 description of the REST API, served at `/api/rest/v1/openapi.json` and committed as
//! `docs/openapi.json` (a test fails when the two drift apart, as `schema.graphql` is checked). Written out
//! here beside the routes rather than derived, so that it says what Action Builder's clients rely on.

use serde_json::{json, Value};

/// The document.
pub fn document() -> Value {
    let id = |name: &str, what: &str| {
        json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"},
               "description": format!("{what}: `action_builder:<id>` or the bare id")})
    };
    let paging = json!([
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 25},
         "description": "At most 25; more is read as 25."},
        {"name": "filter", "in": "query", "schema": {"type": "string"},
         "description": "OData: `name eq '…'`, or `modified_date gt '…'` (people)."}
    ]);
    let with_paging = |mut parameters: Vec<Value>| {
        parameters.extend(paging.as_array().cloned().unwrap_or_default());
        Value::Array(parameters)
    };
    let page = |collection: &str| {
        json!({"description": format!("A page of `osdi:{collection}`; empty past the end."),
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}})
    };
    let object = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": {"type": "object"}}}})
    };
    let errors = json!({
        "400": {"$ref": "#/components/responses/Error"},
        "401": {"$ref": "#/components/responses/Error"},
        "403": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"}
    });
    let responses = |mut ok: serde_json::Map<String, Value>| {
        if let Some(errors) = errors.as_object() {
            ok.extend(errors.clone());
        }
        Value::Object(ok)
    };
    let ok = |status: &str, answer: Value| {
        let mut map = serde_json::Map::new();
        map.insert(status.to_string(), answer);
        map
    };
    let body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let campaign = id("campaign", "The campaign");
    let person = id("person", "The person");
    let tag = id("tag", "The tag (a field response)");
    let mut created_or_updated = ok("201", object("Created."));
    created_or_updated.insert("200".to_string(), object("Updated."));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Groundwork REST API (Action Builder–compatible)",
            "version": "1",
            "description": "The part of Action Builder's OSDI API that scripts use (docs/rest.md)."
        },
        "servers": [{"url": "/api/rest/v1"}],
        "security": [{"osdiApiToken": []}],
        "paths": {
            "/campaigns": {"get": {
                "summary": "The campaigns the caller works in",
                "parameters": paging,
                "responses": responses(ok("200", page("campaigns")))}},
            "/campaigns/{campaign}": {"get": {
                "summary": "One campaign",
                "parameters": [campaign],
                "responses": responses(ok("200", object("The campaign.")))}},
            "/campaigns/{campaign}/people": {
                "get": {
                    "summary": "The campaign's active people the caller may read",
                    "parameters": with_paging(vec![campaign.clone()]),
                    "responses": responses(ok("200", page("people")))},
                "post": {
                    "summary": "Person signup helper: update by identifier, else insert; add and remove tags",
                    "parameters": [campaign],
                    "requestBody": body("Signup"),
                    "responses": responses(created_or_updated.clone())}},
            "/campaigns/{campaign}/people/{person}": {"delete": {
                "summary": "Remove the person from the campaign",
                "parameters": [campaign, person],
                "responses": responses(ok("200", object("Removed.")))}},
            "/campaigns/{campaign}/people/{person}/connections": {"post": {
                "summary": "Connect to another person, or update (deactivate) the pair's connection",
                "parameters": [campaign, person],
                "requestBody": body("ConnectionUpsert"),
                "responses": responses(created_or_updated)}},
            "/campaigns/{campaign}/people/{person}/connections/{connection}": {"put": {
                "summary": "Deactivate a connection",
                "parameters": [campaign, person, id("connection", "The connection")],
                "requestBody": body("ConnectionChange"),
                "responses": responses(ok("200", object("The connection.")))}},
            "/campaigns/{campaign}/tags": {
                "get": {
                    "summary": "The campaign's tags (field responses)",
                    "parameters": with_paging(vec![campaign.clone()]),
                    "responses": responses(ok("200", page("tags")))},
                "post": {
                    "summary": "Add a tag (with its field and section when new)",
                    "parameters": [campaign],
                    "requestBody": body("NewTag"),
                    "responses": responses({
                        let mut map = ok("201", object("Created."));
                        map.insert("200".to_string(), object("The tag existed already."));
                        map
                    })}},
            "/campaigns/{campaign}/tags/{tag}/taggings": {"get": {
                "summary": "The people holding the tag",
                "parameters": with_paging(vec![campaign.clone(), tag.clone()]),
                "responses": responses(ok("200", page("taggings")))}},
            "/campaigns/{campaign}/tags/{tag}/taggings/{tagging}": {"delete": {
                "summary": "Take the tag off the person",
                "parameters": [campaign, tag, id("tagging", "The tagging (the person's id)")],
                "responses": responses(ok("200", object("Removed.")))}}
        },
        "components": {
            "securitySchemes": {
                "osdiApiToken": {"type": "apiKey", "in": "header", "name": "OSDI-API-Token",
                                 "description": "A Groundwork personal API token (gwt_…)."}
            },
            "responses": {
                "Error": {"description": "OSDI's error shape.",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
                "Page": {"type": "object", "required": ["page", "per_page", "total_pages", "total_records", "_embedded", "_links"],
                         "properties": {"page": {"type": "integer"}, "per_page": {"type": "integer"},
                                        "total_pages": {"type": "integer"}, "total_records": {"type": "integer"},
                                        "_embedded": {"type": "object"}, "_links": {"type": "object"}}},
                "TagRef": {"type": "object", "required": ["action_builder:section", "action_builder:field", "action_builder:name"],
                           "properties": {"action_builder:section": {"type": "string"},
                                          "action_builder:field": {"type": "string"},
                                          "action_builder:name": {"type": "string"}}},
                "Signup": {"type": "object", "required": ["person"],
                           "properties": {
                               "person": {"type": "object", "properties": {
                                   "identifiers": {"type": "array", "items": {"type": "string"}},
                                   "given_name": {"type": "string"}, "family_name": {"type": "string"},
                                   "name": {"type": "string"}, "action_builder:name": {"type": "string"},
                                   "action_builder:entity_type": {"type": "string", "enum": ["Person"]}}},
                               "add_tags": {"type": "array", "items": {"$ref": "#/components/schemas/TagRef"}},
                               "remove_tags": {"type": "array", "items": {"$ref": "#/components/schemas/TagRef"}}}},
                "NewTag": {"type": "object", "required": ["name", "action_builder:field", "action_builder:section"],
                           "properties": {"name": {"type": "string"}, "action_builder:field": {"type": "string"},
                                          "action_builder:section": {"type": "string"}}},
                "ConnectionUpsert": {"type": "object", "required": ["connection"],
                                     "properties": {"connection": {"type": "object", "properties": {
                                         "person_id": {"type": "string"}, "inactive": {"type": "boolean"}}}}},
                "ConnectionChange": {"type": "object", "properties": {"inactive": {"type": "boolean"}}},
                "Error": {"type": "object", "required": ["response_code", "resource_status"],
                          "properties": {"request_type": {"type": "string"}, "response_code": {"type": "integer"},
                                         "resource_status": {"type": "array"}, "error": {"type": "string"}}}
            }
        }
    })
}

/// The document as committed (`docs/openapi.json`): pretty-printed, with a final newline.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
