//! Stage 1b, schema formats: payloads written in another schema language than
//! JSON Schema, rewritten in place as the JSON Schema draft-07 every later
//! stage reads.
//!
//! AsyncAPI 2.6 lets a message say, in `schemaFormat`, what its payload is
//! written in, and names the formats tools may read beside its own. This
//! generator reads:
//!
//! - AsyncAPI schemas (the default) and JSON Schema draft-07, as they are;
//! - OpenAPI 3.0 Schema Objects ([`openapi`]): the few keywords that mean
//!   something else in draft-07 are rewritten;
//! - Avro 1.9 schemas ([`avro`]): translated into the JSON Schema of the JSON
//!   a message with that schema is written as.
//!
//! RAML data types and other formats are refused by the check stage.

mod avro;
mod openapi;

use serde_json::Value;

use crate::diagnostic::Diagnostics;
use crate::load::{Site, Sources};

/// A `schemaFormat` this generator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaFormat {
    /// An AsyncAPI 2.x schema or JSON Schema draft-07: read as written.
    JsonSchema,
    /// An OpenAPI 3.0 Schema Object.
    OpenApi,
    /// An Avro 1.x schema.
    Avro,
}

impl SchemaFormat {
    /// The format a `schemaFormat` value names (`application/vnd.apache.avro;version=1.9.0`),
    /// or `None` when this generator cannot read it. Media types are compared
    /// without regard to case or spaces; `+json`/`+yaml` say how the payload is
    /// written, which does not matter once it is loaded.
    pub fn parse(text: &str) -> Option<SchemaFormat> {
        let text = text.to_ascii_lowercase().replace(' ', "");
        let (media_type, version) = text.split_once(";version=")?;
        let media_type = media_type
            .strip_suffix("+json")
            .or_else(|| media_type.strip_suffix("+yaml"))
            .unwrap_or(media_type);
        match media_type {
            "application/vnd.aai.asyncapi" if version.starts_with("2.") => Some(SchemaFormat::JsonSchema),
            "application/schema" if version == "draft-07" => Some(SchemaFormat::JsonSchema),
            "application/vnd.oai.openapi" if version.starts_with("3.0.") => Some(SchemaFormat::OpenApi),
            "application/vnd.apache.avro" if version.starts_with("1.") => Some(SchemaFormat::Avro),
            _ => None,
        }
    }

    /// What the help of an "unsupported schemaFormat" error lists.
    pub const SUPPORTED: &str = "AsyncAPI schemas, JSON Schema draft-07 (`application/schema+json;version=draft-07`), \
        OpenAPI 3.0 Schema Objects (`application/vnd.oai.openapi;version=3.0.0`) and Avro 1.x schemas \
        (`application/vnd.apache.avro;version=1.9.0`)";
}

/// Rewrites every payload written as an OpenAPI 3.0 or Avro schema into JSON
/// Schema, in place. Errors say what in an Avro schema is wrong; a payload with
/// an unknown `schemaFormat` is left for the check stage to report.
pub fn translate(sources: &mut Sources) -> Diagnostics {
    // Every payload is found before any is rewritten: a translated Avro schema
    // holds a `$ref` of its own, which a later look would follow.
    let mut avro_schemas: Vec<Site> = Vec::new();
    let mut openapi_roots = Vec::new();
    for message in sources.message_sites() {
        let format = sources
            .member_after_traits(&message, "schemaFormat")
            .and_then(|site| sources.get(&site))
            .and_then(Value::as_str)
            .and_then(SchemaFormat::parse);
        let payload = message.join("payload");
        if sources.get(&payload).is_none() {
            continue;
        }
        match format {
            Some(SchemaFormat::OpenApi) => openapi_roots.push(payload),
            Some(SchemaFormat::Avro) => {
                // An Avro schema in another file, or shared, is translated once, where it is written.
                let schema = sources.follow_refs(&payload);
                if !avro_schemas.contains(&schema) {
                    avro_schemas.push(schema);
                }
            }
            Some(SchemaFormat::JsonSchema) | None => {}
        }
    }
    let mut diagnostics = Diagnostics::new();
    for schema in &avro_schemas {
        diagnostics.extend(avro::translate(sources, schema));
    }
    openapi::translate(sources, &openapi_roots);
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_each_payload_once_with_the_format_its_traits_give() {
        let avro = "'application/vnd.apache.avro;version=1.9.0'";
        let text = format!(
            "asyncapi: 2.6.0\ninfo: {{title: T, version: '1'}}\nchannels:\n  a:\n    subscribe:\n      message: {{$ref: '#/components/messages/viaTrait'}}\n  b:\n    subscribe:\n      message: {{schemaFormat: {avro}, payload: {{$ref: '#/components/schemas/User'}}}}\ncomponents:\n  messages:\n    viaTrait:\n      traits: [{{$ref: '#/components/messageTraits/avro'}}]\n      payload: {{$ref: '#/components/schemas/User'}}\n  messageTraits:\n    avro: {{schemaFormat: {avro}}}\n  schemas:\n    User: {{type: record, name: User, fields: [{{name: id, type: string}}]}}\n"
        );
        let mut sources = Sources::from_text(&text, "d.yaml").expect("valid YAML");
        // A second translation would read the JSON Schema as Avro, and fail.
        let diagnostics = translate(&mut sources);
        assert!(diagnostics.is_empty(), "{diagnostics}");
        let user = sources.get(&Site::new(sources.root(), "/components/schemas/User")).expect("User");
        assert_eq!(user["$ref"], "#/components/schemas/User/definitions/User");
        assert_eq!(user["definitions"]["User"]["required"], serde_json::json!(["id"]));
    }

    #[test]
    fn reads_the_formats_asyncapi_names() {
        use SchemaFormat::*;
        let cases = [
            ("application/vnd.aai.asyncapi;version=2.6.0", Some(JsonSchema)),
            ("application/vnd.aai.asyncapi+yaml;version=2.0.0", Some(JsonSchema)),
            ("application/schema+json;version=draft-07", Some(JsonSchema)),
            ("Application/Schema+YAML; version=draft-07", Some(JsonSchema)),
            ("application/vnd.oai.openapi;version=3.0.0", Some(OpenApi)),
            ("application/vnd.oai.openapi+json;version=3.0.3", Some(OpenApi)),
            ("application/vnd.apache.avro;version=1.9.0", Some(Avro)),
            ("application/vnd.apache.avro+yaml;version=1.11.1", Some(Avro)),
            ("application/schema+json;version=draft-2020-12", None),
            ("application/vnd.oai.openapi;version=3.1.0", None),
            ("application/raml+yaml;version=1.0", None),
            ("application/vnd.aai.asyncapi;version=3.0.0", None),
            ("application/vnd.apache.avro", None),
        ];
        for (text, expected) in cases {
            assert_eq!(SchemaFormat::parse(text), expected, "{text}");
        }
    }
}
