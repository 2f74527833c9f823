//! The fake's characters (`spec/elizacloud.md` §6.9 and §10 rows 31–34): list with its query
//! validation and paging, create (200 with the bare character, secrets in clear, the quota
//! 403), get, PUT that replaces (omitted lists and maps reset, `name`/`bio` kept, `isPublic`
//! never changed), hard delete.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use wiremock::{Request, ResponseTemplate};

use super::{State, e1, ok_json};

const CATEGORIES: [&str; 3] = ["assistant", "support", "creative"];

/// The characters the fake starts with: the documents' own character.
pub fn seed() -> Vec<Value> {
    vec![json!({
        "id": "char_1", "name": "Docs", "username": "docs", "system": "You answer from the documents.",
        "bio": ["Knows the organization's documents."], "messageExamples": [], "postExamples": [],
        "topics": ["docs"], "adjectives": [], "knowledge": [], "plugins": [],
        "settings": {"model": "openai/gpt-4o-mini"}, "secrets": {"OPENAI_API_KEY": "sk-fake-character-secret", "WEBHOOK": "hook-fake-character-secret"},
        "style": {"all": ["Be brief."]}, "avatarUrl": null, "isPublic": false, "category": "assistant"
    })]
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404)
        .set_body_json(json!({"success": false, "error": "Character not found"}))
}

fn body_object(request: &Request) -> Result<Map<String, Value>, Box<ResponseTemplate>> {
    let refused =
        |error: &str| Box::new(ResponseTemplate::new(400).set_body_json(json!({"error": error})));
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(refused("Invalid request body")),
        Err(_) => Err(refused("Invalid JSON body")),
    }
}

/// `GET /api/my-agents/characters`.
pub fn list(state: &State, query: &HashMap<String, String>) -> ResponseTemplate {
    let get = |k: &str| query.get(k).map(String::as_str).filter(|v| !v.is_empty());
    if let Some(c) = get("category")
        && !CATEGORIES.contains(&c)
    {
        return ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid category"}));
    }
    let sort = get("sortBy").unwrap_or("newest");
    if !["newest", "popularity", "name", "updated"].contains(&sort) {
        return ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid sortBy"}));
    }
    let order = get("order").unwrap_or("desc");
    if !["asc", "desc"].contains(&order) {
        return ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid order"}));
    }
    let limit = get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 1000);
    let page = get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let search = get("search").map(str::to_lowercase);
    let mut found: Vec<&Value> = state
        .characters
        .iter()
        .filter(|c| get("category").is_none_or(|cat| c["category"] == cat))
        .filter(|c| {
            search.as_ref().is_none_or(|s| {
                c["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(s)
                    || c["bio"].to_string().to_lowercase().contains(s)
            })
        })
        .collect();
    if sort == "name" {
        found.sort_by_key(|c| c["name"].as_str().unwrap_or_default().to_owned());
        if order == "desc" {
            found.reverse();
        }
    }
    let total = found.len();
    let characters: Vec<Value> = found
        .into_iter()
        .skip((page - 1) * limit)
        .take(limit)
        .map(|c| json!({"id": c["id"], "name": c["name"], "bio": c["bio"], "avatarUrl": c["avatarUrl"], "category": c["category"], "isPublic": c["isPublic"], "tags": []}))
        .collect();
    let pages = total.div_ceil(limit);
    ok_json(
        json!({"success": true, "data": {"characters": characters, "pagination": {"page": page, "limit": limit, "totalPages": pages, "totalCount": total, "hasMore": page < pages}}}),
    )
}

const LISTS: [&str; 6] = [
    "messageExamples",
    "postExamples",
    "topics",
    "adjectives",
    "knowledge",
    "plugins",
];
const MAPS: [&str; 3] = ["settings", "secrets", "style"];

/// The stored character of a create or a replace: every field the server writes.
fn stored(id: &str, body: &Map<String, Value>, before: Option<&Value>) -> Value {
    let mut c = json!({"id": id});
    let keep = |k: &str| {
        body.get(k)
            .cloned()
            .or_else(|| before.map(|b| b[k].clone()))
    };
    c["name"] = keep("name").unwrap_or(Value::Null);
    c["bio"] = keep("bio").unwrap_or(json!([]));
    for k in LISTS {
        c[k] = body.get(k).cloned().unwrap_or(json!([]));
    }
    for k in MAPS {
        c[k] = body.get(k).cloned().unwrap_or(json!({}));
    }
    for k in ["username", "system", "avatarUrl"] {
        c[k] = body.get(k).cloned().unwrap_or(Value::Null);
    }
    c["isPublic"] = match before {
        Some(b) => b["isPublic"].clone(),
        None => body.get("isPublic").cloned().unwrap_or(json!(false)),
    };
    c["category"] = before.map_or(json!("assistant"), |b| b["category"].clone());
    c
}

/// `POST /api/my-agents/characters`.
pub fn create(state: &mut State, request: &Request) -> ResponseTemplate {
    let body = match body_object(request) {
        Ok(b) => b,
        Err(answer) => return *answer,
    };
    if state.characters.len() >= state.character_max {
        return ResponseTemplate::new(403).set_body_json(json!({"success": false, "error": "Agent limit reached", "code": "agent_quota_exceeded", "details": {"current": state.characters.len(), "max": state.character_max}}));
    }
    if !body.get("name").is_some_and(Value::is_string) {
        return e1(500, "An unexpected error occurred", "internal_error");
    }
    let n = state.next_id + 1;
    let id = format!("{n:08x}-0000-4000-8000-00000000c0de");
    state.next_id = n;
    let character = stored(&id, &body, None);
    state.characters.push(character.clone());
    ok_json(character)
}

/// `GET`, `PUT`, `DELETE /api/my-agents/characters/{id}`.
pub fn one(state: &mut State, method: &str, id: &str, request: &Request) -> ResponseTemplate {
    let position = state.characters.iter().position(|c| c["id"] == id);
    match (method, position) {
        ("GET", Some(at)) => {
            ok_json(json!({"success": true, "data": {"character": state.characters[at]}}))
        }
        ("PUT", Some(at)) => {
            let body = match body_object(request) {
                Ok(b) => b,
                Err(answer) => return *answer,
            };
            let replaced = stored(id, &body, Some(&state.characters[at]));
            state.characters[at] = replaced.clone();
            ok_json(replaced)
        }
        ("PUT", None) => e1(
            404,
            "Character not found or access denied",
            "resource_not_found",
        ),
        ("DELETE", Some(at)) => {
            state.characters.remove(at);
            ok_json(json!({"success": true, "data": {"message": "Character deleted successfully"}}))
        }
        ("DELETE", None) => ResponseTemplate::new(404).set_body_json(
            json!({"success": false, "error": "Character not found or access denied"}),
        ),
        _ => not_found(),
    }
}
