//! `src/publish.rs`: what the user sends. One constructor per sent operation
//! and message: validated, serialized with its declared headers, signed when
//! the message declares a signature header.

use proc_macro2::TokenStream;
use quote::quote;

use super::messages::{parsed_headers, raw_check, typed_check_name};
use super::rust::{Scope, doc_lines, ident, type_tokens};
use super::validate::Validators;
use crate::ir::Ir;

pub fn emit(ir: &Ir, validators: &Validators<'_>) -> TokenStream {
    let functions: Vec<TokenStream> = ir.api.sends.iter().map(|send| {
        let message = &ir.api.messages[send.message];
        let channel = &ir.api.channels[send.channel];
        let function = ident(&send.function);
        let payload = type_tokens(&message.payload_type(), &ir.types, Scope::Crate);
        let check = typed_check_name(message);
        let raw = raw_check(message, validators);
        let mut text = send.summary.clone().unwrap_or_else(|| format!("Prepares `{}` to publish.", message.label));
        if let Some(description) = send.description.as_ref().or(message.description.as_ref()) {
            text = format!("{text}\n\n{description}");
        }
        text = format!(
            "{text}\n\nChannel `{}`{}. The message is validated first: every violation is returned at once.",
            channel.name,
            send.operation_id.as_ref().map(|id| format!(", operation `{id}`")).unwrap_or_default()
        );
        let (parameters_argument, address) = match &channel.parameters_type {
            Some(parameters) => {
                let parameters = ident(parameters);
                (quote!(parameters: &crate::channels::#parameters,), quote!(parameters.address()))
            }
            None => {
                let name = &channel.name;
                (quote!(), quote!(#name.to_owned()))
            }
        };
        let (signer_argument, signer) = match &send.signature_header {
            Some(header) => {
                text = format!("{text} Signed with `signer` (header `{header}`).");
                (quote!(signer: &asyncapi_rt::signature::Signer,), quote!(Some(signer)))
            }
            None => (quote!(), quote!(None)),
        };
        let content_type = &message.content_type;
        text = format!("{text} Sent as `{content_type}`");
        let (headers_argument, headers) = match parsed_headers(message, ir) {
            Some((def, _)) => {
                let name = ident(&def.name);
                text = format!(
                    "{text}, with `headers` (validated with the message) as its headers: their \
                     `Content-Type`, if they set one, wins{}.",
                    if send.signature_header.is_some() { "; the signature is the signer's" } else { "" }
                );
                (quote!(headers: &types::#name,), quote!(headers.to_headers()))
            }
            None => {
                match &message.headers {
                    Some((headers, _)) => {
                        let headers = type_tokens(headers, &ir.types, Scope::Crate).to_string().replace(' ', "");
                        text = format!(
                            "{text}. The headers the message declares (`{headers}`, no struct of named headers) \
                             are not set here{}: add them to the result's `headers`.",
                            if send.signature_header.is_some() { ", but for the signature" } else { "" }
                        );
                    }
                    None => text.push('.'),
                }
                (quote!(), quote!(Ok(asyncapi_rt::http::HeaderMap::new())))
            }
        };
        let docs = doc_lines(&text);
        quote! {
            #docs
            pub fn #function(
                #parameters_argument
                message: &#payload,
                #headers_argument
                #signer_argument
            ) -> Result<Outgoing, Violations> {
                asyncapi_rt::outgoing::prepare(
                    #address,
                    message,
                    crate::validate::#check,
                    #raw,
                    #headers,
                    #signer,
                    #content_type,
                )
            }
        }
    }).collect();
    let types_import = super::rust::types_import(&quote!(#(#functions)*));
    quote! {
        //! What you send this API: constructors that validate and serialize each
        //! message with its declared headers, and sign it where the document
        //! declares a signature header.

        pub use asyncapi_rt::outgoing::Outgoing;
        use asyncapi_rt::violation::Violations;
        #types_import

        #(#functions)*
    }
}
