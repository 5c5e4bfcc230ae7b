//! Stage 4, IR: a language-neutral model of what to generate. Schemas become
//! validation nodes ([`schema`]) and named types ([`types`]); operations become
//! what the user receives and sends ([`api`]). Every name is decided here
//! ([`naming`]), so the emitter only spells things.

pub mod api;
pub mod bundle;
pub mod discriminator;
pub mod examples;
pub mod naming;
pub mod schema;
pub mod types;

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostics;
use crate::load::{Site, Sources};
use crate::resolve::Document;

pub use api::{Api, ApiOptions};
pub use schema::{SchemaArena, SchemaId};
pub use types::{TypeOptions, TypeSpace};

/// Everything the emitter needs.
#[derive(Debug)]
pub struct Ir {
    pub api: Api,
    pub types: TypeSpace,
    pub schemas: SchemaArena,
}

/// Builds the IR; warnings come back with it, errors instead of it.
pub fn build(
    document: &Document,
    sources: &Sources,
    type_options: &TypeOptions,
    api_options: &ApiOptions,
) -> Result<(Ir, Diagnostics), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut schemas = SchemaArena::default();
    let mut roots: BTreeMap<Site, SchemaId> = BTreeMap::new();
    let mut add = |site: &Site, schemas: &mut SchemaArena, diagnostics: &mut Diagnostics| {
        let id = schemas.add(sources, site, diagnostics);
        roots.insert(site.clone(), id);
    };
    for message in &document.messages {
        for site in message.payload.iter().chain(&message.headers) {
            add(site, &mut schemas, &mut diagnostics);
        }
    }
    for channel in &document.channels {
        for parameter in &channel.parameters {
            if let Some(site) = &parameter.schema {
                add(site, &mut schemas, &mut diagnostics);
            }
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }

    let mut builder = types::TypeBuilder::new(&schemas, sources, type_options);
    let api = api::build(document, sources, &schemas, &roots, &mut builder, api_options);
    let (types, type_diagnostics) = builder.finish();
    diagnostics.extend(type_diagnostics);
    let mut api = match api {
        Ok(api) => api,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(diagnostics);
        }
    };
    examples::check_messages(&mut api.messages, &schemas, sources, &mut diagnostics);
    examples::check_schemas(&schemas, sources, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok((Ir { api, types, schemas }, diagnostics))
}
