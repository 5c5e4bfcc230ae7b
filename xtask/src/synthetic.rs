//! A synthetic AsyncAPI document of any size, to measure how generation time
//! grows with the number of messages (`cargo xtask synthetic-spec`).
//!
//! Message `i` is a webhook event with a discriminator (`eventName`), a few
//! scalar properties with formats and bounds, an enum, and a nested object and
//! array of its own, so that each message adds several named types.

use serde_json::{Value, json};

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
    fn synthetic_documents_generate() {
        let text = super::document(3).to_string();
        let options = asyncapi_codegen::Options::new("synthetic.json");
        let generated = asyncapi_codegen::generate_from_text(&text, "synthetic.json", &options)
            .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
        assert_eq!(generated.stats.messages, 3);
        assert_eq!(generated.stats.received, 3);
    }
}
