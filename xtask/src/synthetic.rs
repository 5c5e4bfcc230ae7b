//! A synthetic AsyncAPI document of any size, to measure how generation time
//! grows with the number of messages (`cargo xtask synthetic-spec`).
//!
//! Message `i` is a webhook event with a discriminator (`eventName`), a few
//! scalar properties with formats and bounds, an enum, and a nested object and
//! array of its own, so that each message adds several named types.

use serde_json::{Value, json};

/// How each synthetic message looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shape {
    /// Like the messages of `spec/gotowebinar-webhooks.asyncapi.yaml`, cycled.
    Gotowebinar,
    /// Richer: bounds, formats, an enum, a nested object and an array of
    /// objects per message (about seven types each).
    Rich,
}

/// A document of `messages` messages of `shape`.
pub fn generate(messages: usize, shape: Shape, gotowebinar: &str) -> Result<Value, String> {
    match shape {
        Shape::Rich => Ok(document(messages)),
        Shape::Gotowebinar => like(gotowebinar, messages),
    }
}

/// `messages` copies of the messages of `spec` (a YAML or JSON document whose
/// messages fix `eventName`), cycled, each with an event name of its own.
pub fn like(spec: &str, messages: usize) -> Result<Value, String> {
    let spec: Value = serde_json::from_str(spec)
        .or_else(|_| yaml_as_json(spec))
        .map_err(|error| format!("the document does not parse: {error}"))?;
    let originals: Vec<(String, Value)> = spec["components"]["messages"]
        .as_object()
        .ok_or("the document has no components.messages")?
        .iter()
        .map(|(name, message)| (name.clone(), message.clone()))
        .collect();
    if originals.is_empty() {
        return Err("the document has no messages".to_owned());
    }
    let mut channels = serde_json::Map::new();
    let mut components = serde_json::Map::new();
    for index in 0..messages {
        let (name, original) = &originals[index % originals.len()];
        let key = format!("{name}{index}");
        let event = format!("{}.{index}", original["name"].as_str().unwrap_or("event"));
        let mut message = original.clone();
        message["name"] = Value::String(event.clone());
        message["payload"]["properties"]["eventName"] = json!({"type": "string", "enum": [event.clone()]});
        components.insert(key.clone(), message);
        channels.insert(
            event.clone(),
            json!({
                "subscribe": {
                    "operationId": format!("on{key}"),
                    "message": {"$ref": format!("#/components/messages/{key}")},
                }
            }),
        );
    }
    let mut document = spec.clone();
    document["info"]["title"] = Value::String(format!("Synthetic {messages}"));
    document["channels"] = Value::Object(channels);
    document["components"]["messages"] = Value::Object(components);
    Ok(document)
}

/// The xtask reads YAML without a YAML parser of its own: through the
/// generator, which loads documents.
fn yaml_as_json(text: &str) -> Result<Value, String> {
    let sources = asyncapi_codegen::load::Sources::from_text(text, "spec.yaml").map_err(|d| d.message)?;
    Ok(sources.file_value(sources.root()).clone())
}

/// The document, as JSON (which is YAML too).
pub fn document(messages: usize) -> Value {
    let mut channels = serde_json::Map::new();
    let mut components = serde_json::Map::new();
    for index in 0..messages {
        let name = format!("Event{index}");
        channels.insert(
            format!("event.{index}"),
            json!({
                "subscribe": {
                    "operationId": format!("onEvent{index}"),
                    "summary": format!("Receive event {index}."),
                    "message": {"$ref": format!("#/components/messages/{name}")},
                }
            }),
        );
        components.insert(
            name.clone(),
            json!({
                "name": format!("event.{index}"),
                "title": format!("Event {index}"),
                "traits": [{"$ref": "#/components/messageTraits/Signed"}],
                "payload": {
                    "type": "object",
                    "required": ["eventName", "eventKey", "count"],
                    "properties": {
                        "eventName": {"type": "string", "enum": [format!("event.{index}")]},
                        "eventKey": {"type": "string", "format": "uuid"},
                        "count": {"type": "integer", "minimum": 0, "maximum": 1000},
                        "ratio": {"type": "number", "exclusiveMinimum": 0},
                        "email": {"type": "string", "format": "email"},
                        "at": {"type": "string", "format": "date-time"},
                        "state": {"type": "string", "enum": ["open", "closed", format!("state{index}")]},
                        "details": {
                            "type": "object",
                            "properties": {
                                "label": {"type": "string", "maxLength": 64},
                                "link": {"type": "string", "format": "uri"},
                            },
                        },
                        "items": {
                            "type": "array",
                            "maxItems": 10,
                            "items": {
                                "type": "object",
                                "required": ["id"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "weight": {"type": "number"},
                                    "tag": {"type": "string", "pattern": format!("^t{index}-[a-z]+$")},
                                },
                            },
                        },
                    },
                },
            }),
        );
    }
    json!({
        "asyncapi": "2.6.0",
        "info": {"title": format!("Synthetic {messages}"), "version": "1.0.0"},
        "channels": channels,
        "components": {
            "messages": components,
            "messageTraits": {
                "Signed": {
                    "headers": {
                        "type": "object",
                        "properties": {"X-Webhook-Signature": {"type": "string"}},
                    }
                }
            },
        },
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn gotowebinar_shaped_documents_generate() {
        let spec =
            std::fs::read_to_string(crate::workspace_root().join("spec/gotowebinar-webhooks.asyncapi.yaml"))
                .expect("the spec is readable");
        let text = super::like(&spec, 6).expect("builds").to_string();
        let options = asyncapi_codegen::Options::new("synthetic.json");
        let generated = asyncapi_codegen::generate_from_text(&text, "synthetic.json", &options)
            .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
        assert_eq!(generated.stats.received, 6);
    }

    #[test]
    fn synthetic_documents_generate() {
        let text = super::document(3).to_string();
        let options = asyncapi_codegen::Options::new("synthetic.json");
        let generated = asyncapi_codegen::generate_from_text(&text, "synthetic.json", &options)
            .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
        assert_eq!(generated.stats.messages, 3);
        assert_eq!(generated.stats.received, 3);
    }
}
