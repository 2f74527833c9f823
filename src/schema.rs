//! Input schemas: generation from the `Args` types, the provider-safe normal form, and
//! validation that reports every problem with its JSON path.
//!
//! This is the only module that touches schemars settings. Schemas are generated as draft-07
//! with every subschema inlined, then normalised so that every model provider accepts them
//! (design §6, `spec/openclaw.md` §5): root `type: "object"` with `properties`; no `$ref`,
//! `$defs`, `anyOf`, `oneOf`, `allOf`, `null` types, `examples` or `$schema`; string enums
//! instead of unions. Constraints (ranges, patterns, lengths) stay, and are enforced again here
//! because some providers strip them.

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode, Problem};

/// Identifier rule shared by every path parameter: letters, digits, `.`, `_`, `:`, `-`, not
/// starting with a dot (so `.` and `..` can never become path segments).
pub const IDENTIFIER_PATTERN: &str = "^[A-Za-z0-9_:-][A-Za-z0-9._:-]*$";

/// Project id rule (`prj_…`).
pub const PROJECT_ID_PATTERN: &str = "^prj_[A-Za-z0-9_]+$";

/// Free text without control characters (C0 and DEL): the rule for opaque ids that may
/// contain `/` (sent as one encoded path segment) and other one-line values.
pub const NO_CONTROL_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F]*$";

/// The provider-safe input schema of `T`.
pub fn input_schema<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft07()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    normalize(&mut schema);
    if let Value::Object(root) = &mut schema {
        root.remove("title");
        root.remove("description");
        root.entry("properties").or_insert_with(|| json!({}));
    }
    schema
}

/// Rewrites what schemars emits into the provider-safe subset, recursively.
fn normalize(value: &mut Value) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(normalize);
        }
        return;
    };
    for key in ["$schema", "$id", "definitions", "$defs", "examples"] {
        map.remove(key);
    }
    // `Option<T>` → `T`: drop the `null` alternative.
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    if map.get("default").is_some_and(Value::is_null) {
        map.remove("default");
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = map.remove(key) {
            merge_union(map, key, variants);
        }
    }
    if let Some(constant) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![constant]));
    }
    // Non-standard numeric formats (`uint32`, `double`, …) are noise to providers.
    if map
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| !matches!(f, "uri" | "email" | "date-time" | "date" | "uuid"))
    {
        map.remove("format");
    }
    for (key, child) in map.iter_mut() {
        // Under `properties` the keys are argument names, not keywords: recurse into each.
        if key == "properties" {
            if let Value::Object(props) = child {
                props.values_mut().for_each(normalize);
            }
        } else {
            normalize(child);
        }
    }
}

/// Replaces a union by one schema: `[T, null]` becomes `T`, and a union of string constants
/// (an enum whose variants carry doc comments) becomes a string `enum`, the variant docs
/// folded into the description. Anything else is kept, and the provider-safety test fails.
fn merge_union(map: &mut Map<String, Value>, key: &str, variants: Vec<Value>) {
    let non_null: Vec<Value> = variants
        .iter()
        .filter(|v| v.get("type").and_then(Value::as_str) != Some("null"))
        .cloned()
        .collect();
    if let [single] = non_null.as_slice() {
        if let Value::Object(inner) = single {
            for (k, v) in inner {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        return;
    }
    let constants: Option<Vec<(Value, Option<String>)>> = non_null
        .iter()
        .map(|v| {
            let c = v.get("const").cloned().or_else(|| {
                v.get("enum")
                    .and_then(|e| e.as_array())
                    .filter(|e| e.len() == 1)
                    .map(|e| e[0].clone())
            })?;
            c.is_string().then(|| {
                (
                    c,
                    v.get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                )
            })
        })
        .collect();
    match constants {
        Some(constants) => {
            let docs: Vec<String> = constants
                .iter()
                .filter_map(|(c, d)| {
                    d.as_ref().map(|d| {
                        format!(
                            "`{}`: {}",
                            c.as_str().unwrap_or_default(),
                            d.trim_end_matches('.')
                        )
                    })
                })
                .collect();
            if !docs.is_empty() {
                let base = map
                    .get("description")
                    .and_then(Value::as_str)
                    .map(|d| format!("{d} "))
                    .unwrap_or_default();
                map.insert(
                    "description".into(),
                    Value::String(format!("{base}{}", docs.join("; "))),
                );
            }
            map.insert("type".into(), json!("string"));
            map.insert(
                "enum".into(),
                Value::Array(constants.into_iter().map(|(c, _)| c).collect()),
            );
        }
        None => {
            map.insert(key.to_owned(), Value::Array(variants));
        }
    }
}

/// Every way `schema` falls short of what model providers accept; empty when it is safe.
pub fn provider_safety_problems(schema: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if schema.get("type") != Some(&json!("object")) {
        problems.push("root is not `type: object`".to_owned());
    }
    if !schema.get("properties").is_some_and(Value::is_object) {
        problems.push("root has no `properties` object".to_owned());
    }
    walk_safety(schema, "", &mut problems);
    if !jsonschema::draft7::meta::is_valid(schema) {
        problems.push("not a valid draft-07 schema".to_owned());
    }
    if !jsonschema::draft202012::meta::is_valid(schema) {
        problems.push("not a valid draft 2020-12 schema".to_owned());
    }
    problems
}

fn walk_safety(value: &Value, path: &str, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for key in [
                "$ref",
                "$defs",
                "definitions",
                "anyOf",
                "oneOf",
                "allOf",
                "$schema",
                "examples",
                "nullable",
            ] {
                if map.contains_key(key) {
                    problems.push(format!("{path}: uses `{key}`"));
                }
            }
            let type_has_null = match map.get("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
                _ => false,
            };
            if type_has_null {
                problems.push(format!("{path}: has a `null` type"));
            }
            if map.get("required").is_some_and(|r| !r.is_array()) {
                problems.push(format!("{path}: `required` is not an array"));
            }
            for (key, child) in map {
                if key == "properties" {
                    if let Value::Object(props) = child {
                        for (name, prop) in props {
                            if name == "format" {
                                problems.push(format!("{path}: a property is named `format`"));
                            }
                            walk_safety(prop, &format!("{path}/{name}"), problems);
                        }
                    }
                } else {
                    walk_safety(child, &format!("{path}/{key}"), problems);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_safety(item, &format!("{path}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Whether every empty object is valid against `schema`, read from its top-level keywords
/// alone: an object schema whose only constraints are on properties that are present
/// (`properties`, `additionalProperties`, `patternProperties`, `propertyNames`) and whose
/// other keywords only annotate. A command called with `{}` under such a schema needs no
/// compiled validator, and a cold `run` of it (`setup`, `auth.capabilities`) skips building
/// jsonschema's draft-7 meta-schema validator, which is most of such a run's instructions
/// (bench/cold_start.py). Any other keyword (`required`, `minProperties`, `anyOf`, `not`,
/// `$ref`, …) answers `false`, and the validator decides.
pub fn accepts_every_empty_object(schema: &Value) -> bool {
    const ON_PRESENT_PROPERTIES: [&str; 4] = [
        "properties",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
    ];
    const ANNOTATIONS: [&str; 9] = [
        "$schema",
        "$id",
        "title",
        "description",
        "examples",
        "default",
        "definitions",
        "$defs",
        "$comment",
    ];
    let Some(map) = schema.as_object() else {
        return schema == &Value::Bool(true);
    };
    map.iter().all(|(keyword, value)| match keyword.as_str() {
        "type" => value == "object",
        "required" => value.as_array().is_some_and(Vec::is_empty),
        keyword => ON_PRESENT_PROPERTIES.contains(&keyword) || ANNOTATIONS.contains(&keyword),
    }) && map.get("type").is_some_and(|t| t == "object")
}

/// Compiles a validator for a generated schema.
pub fn compile(schema: &Value) -> Result<Validator, Error> {
    jsonschema::draft7::new(schema)
        .map_err(|e| Error::internal(format!("schema does not compile: {e}")))
}

/// Every problem in `args`, each with the JSON Pointer of the offending value. Missing
/// required fields point at the field itself and carry `MISSING_REQUIRED_FIELD`; other
/// problems carry the field-specific code `field_code` gives for their top-level argument.
pub fn problems(
    validator: &Validator,
    schema: &Value,
    args: &Value,
    field_code: &dyn Fn(&str) -> Option<ErrorCode>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for error in validator.iter_errors(args) {
        let at = error.instance_path().as_str().to_owned();
        match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                out.push(Problem {
                    path: format!("{at}/{}", escape_pointer(name)),
                    message: format!("`{name}` is required"),
                    code: Some(ErrorCode::MissingRequiredField),
                });
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = known_properties(schema, error.schema_path().as_str());
                for name in unexpected {
                    let suggestion = closest(name, &known)
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    out.push(Problem {
                        path: format!("{at}/{}", escape_pointer(name)),
                        message: format!("`{name}` is not an argument of this command{suggestion}"),
                        code: None,
                    });
                }
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|o| o.iter().map(|v| v.to_string()).collect())
                    .unwrap_or_default();
                out.push(Problem {
                    message: format!("must be one of {}", allowed.join(", ")),
                    code: field_code(top_field(&at)),
                    path: at,
                });
            }
            ValidationErrorKind::Pattern { pattern } if pattern == IDENTIFIER_PATTERN => out.push(Problem {
                message: "must contain only letters, numbers, dot, underscore, colon and hyphen, and not start with a dot".to_owned(),
                code: field_code(top_field(&at)),
                path: at,
            }),
            ValidationErrorKind::Pattern { pattern } if pattern == PROJECT_ID_PATTERN => out.push(Problem {
                message: "must look like prj_... (letters, digits and underscores)".to_owned(),
                code: field_code(top_field(&at)),
                path: at,
            }),
            ValidationErrorKind::Pattern { pattern } if pattern == NO_CONTROL_PATTERN => out.push(Problem {
                message: "must not contain control characters (newlines, tabs, …)".to_owned(),
                code: field_code(top_field(&at)),
                path: at,
            }),
            _ => out.push(Problem {
                message: error.masked().to_string(),
                code: field_code(top_field(&at)),
                path: at,
            }),
        }
    }
    out
}

fn top_field(pointer: &str) -> &str {
    pointer
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
}

fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The property names declared next to the `additionalProperties` keyword that failed.
fn known_properties(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    schema
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The most similar candidate, when one is similar enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    let normalized = |s: &str| s.to_ascii_lowercase().replace(['_', '-', '.'], "");
    let target = normalized(name);
    candidates
        .iter()
        .map(|c| (c, strsim::jaro_winkler(&target, &normalized(c))))
        .filter(|(_, score)| *score >= 0.85)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemars::JsonSchema;
    use serde::Deserialize;

    /// Polling mode.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Mode {
        /// Fast polling.
        Fast,
        /// Slow polling.
        Slow,
    }

    /// Options.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Options {
        /// Interval.
        #[schemars(range(min = 100, max = 60000))]
        interval_ms: Option<u32>,
    }

    /// Demo args.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Demo {
        /// Request id.
        #[schemars(regex(pattern = IDENTIFIER_PATTERN))]
        request_id: String,
        /// Optional mode.
        mode: Option<Mode>,
        /// Nested options.
        options: Option<Options>,
        /// Free-form payload.
        payload: Option<serde_json::Map<String, Value>>,
        /// Count.
        count: Option<u64>,
    }

    #[test]
    fn generated_schemas_are_provider_safe() {
        let schema = input_schema::<Demo>();
        assert_eq!(
            provider_safety_problems(&schema),
            Vec::<String>::new(),
            "{schema:#}"
        );
        assert_eq!(schema["properties"]["mode"]["type"], "string");
        assert_eq!(
            schema["properties"]["mode"]["enum"],
            json!(["fast", "slow"])
        );
        assert!(
            schema["properties"]["mode"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("`fast`: Fast polling; `slow`: Slow polling"))
        );
        assert_eq!(schema["properties"]["options"]["type"], "object");
        assert!(schema["properties"]["count"].get("format").is_none());
        assert!(schema.get("description").is_none());
    }

    #[test]
    fn safety_check_catches_unsafe_constructs() {
        let bad = json!({
            "type": "object",
            "properties": {
                "format": {"type": ["string", "null"]},
                "x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
            },
            "$defs": {}
        });
        let problems = provider_safety_problems(&bad);
        assert!(
            problems.iter().any(|p| p.contains("named `format`")),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("`null` type")));
        assert!(problems.iter().any(|p| p.contains("anyOf")));
        assert!(problems.iter().any(|p| p.contains("$defs")));
        assert!(!provider_safety_problems(&json!({"type": "string"})).is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let schema = input_schema::<Demo>();
        let validator = compile(&schema).unwrap();
        let args = json!({
            "mode": "warp",
            "options": {"intervalMs": 5, "extra": true},
            "request_id": "x"
        });
        let found = problems(&validator, &schema, &args, &|f| {
            (f == "options").then_some(ErrorCode::InvalidPollOptions)
        });
        let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"/requestId"), "{found:#?}");
        assert!(paths.contains(&"/request_id"), "{found:#?}");
        assert!(paths.contains(&"/mode"), "{found:#?}");
        assert!(paths.contains(&"/options/intervalMs"), "{found:#?}");
        assert!(paths.contains(&"/options/extra"), "{found:#?}");
        let missing = found.iter().find(|p| p.path == "/requestId").unwrap();
        assert_eq!(missing.code, Some(ErrorCode::MissingRequiredField));
        let typo = found.iter().find(|p| p.path == "/request_id").unwrap();
        assert!(
            typo.message.contains("did you mean `requestId`"),
            "{}",
            typo.message
        );
        let range = found
            .iter()
            .find(|p| p.path == "/options/intervalMs")
            .unwrap();
        assert_eq!(range.code, Some(ErrorCode::InvalidPollOptions));
        let mode = found.iter().find(|p| p.path == "/mode").unwrap();
        assert!(mode.message.contains("\"fast\""), "{}", mode.message);
    }

    #[test]
    fn identifier_pattern_refuses_dot_segments() {
        let schema = input_schema::<Demo>();
        let validator = compile(&schema).unwrap();
        for bad in ["..", ".", "a/b", "%2F", "", "a b"] {
            assert!(!validator.is_valid(&json!({"requestId": bad})), "{bad}");
        }
        for good in ["req_123", "a.b:c-d", "x..y"] {
            assert!(validator.is_valid(&json!({"requestId": good})), "{good}");
        }
    }

    #[test]
    fn only_schemas_that_accept_every_empty_object_skip_the_validator() {
        let accepting = [
            json!({"type": "object", "properties": {}, "additionalProperties": false}),
            json!({"type": "object", "description": "x", "properties": {"a": {"type": "string"}}, "required": []}),
            json!({"type": "object", "$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"d": {"required": ["x"]}}}),
        ];
        let refusing = [
            json!({"type": "object", "required": ["a"]}),
            json!({"type": "object", "minProperties": 1}),
            json!({"type": "object", "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
            json!({"type": "object", "not": {"maxProperties": 0}}),
            json!({"type": "object", "$ref": "#/definitions/d", "definitions": {"d": {"required": ["x"]}}}),
            json!({"type": "array"}),
            json!({"properties": {}}),
            json!(false),
        ];
        for schema in accepting {
            assert!(accepts_every_empty_object(&schema), "{schema}");
            assert!(compile(&schema).unwrap().is_valid(&json!({})), "{schema}");
        }
        for schema in refusing {
            assert!(!accepts_every_empty_object(&schema), "{schema}");
        }
    }
}
