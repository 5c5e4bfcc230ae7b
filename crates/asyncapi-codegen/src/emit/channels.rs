//! `src/channels.rs`: a struct per channel with parameters, read from and
//! written to concrete addresses, each parameter checked against its schema.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{Scope, doc_lines, ident, type_tokens};
use super::validate::Validators;
use crate::ir::Ir;
use crate::ir::api::{AddressPart, ChannelDef};

pub fn emit(ir: &Ir, validators: &Validators<'_>) -> TokenStream {
    let structs: Vec<TokenStream> = ir
        .api
        .channels
        .iter()
        .filter(|c| c.parameters_type.is_some())
        .map(|c| channel(ir, validators, c))
        .collect();
    let types_import = super::rust::types_import(&quote!(#(#structs)*));
    quote! {
        //! The channels whose addresses hold parameters: a struct per channel, read
        //! from a concrete address (each parameter checked against its schema) and
        //! written back into one.

        use asyncapi_rt::channel::Part;
        use asyncapi_rt::violation::Violations;
        #types_import

        #(#structs)*
    }
}

fn channel(ir: &Ir, validators: &Validators<'_>, channel: &ChannelDef) -> TokenStream {
    let Some(name) = &channel.parameters_type else { return quote!() };
    let name = ident(name);
    let template = &channel.name;
    let doc = doc_lines(&format!(
        "The parameters of channel `{template}`.{}",
        channel.description.as_ref().map(|d| format!("\n\n{d}")).unwrap_or_default()
    ));
    let members: Vec<_> = channel.parameters.iter().map(|p| ident(&p.name)).collect();
    let fields = channel.parameters.iter().map(|parameter| {
        let member = ident(&parameter.name);
        let ty = type_tokens(&parameter.ty, &ir.types, Scope::Crate);
        let docs = doc_lines(parameter.description.as_deref().unwrap_or_default());
        quote!(#docs pub #member: #ty,)
    });
    let parts = channel.address.iter().map(|part| match part {
        AddressPart::Literal(text) => quote!(Part::Literal(#text)),
        AddressPart::Parameter(_) => quote!(Part::Parameter),
    });
    // The address parts give parameters in address order.
    let order: Vec<usize> = channel
        .address
        .iter()
        .filter_map(|part| match part {
            AddressPart::Parameter(index) => Some(*index),
            AddressPart::Literal(_) => None,
        })
        .collect();
    let bindings: Vec<_> = order.iter().map(|index| format_ident!("text_{}", index)).collect();
    let reads = channel.parameters.iter().enumerate().map(|(index, parameter)| {
        let member = ident(&parameter.name);
        let wire = &parameter.wire;
        let text = format_ident!("text_{}", index);
        let kind = match parameter.schema {
            Some(schema) => super::messages::text_kind(schema, ir),
            None => quote!(asyncapi_rt::message::HeaderKind::Text),
        };
        let check = match parameter.schema.and_then(|schema| validators.function(schema)) {
            Some(function) => quote!(crate::validate::#function),
            None => quote!(|_, _, _, _| {}),
        };
        quote! {
            let #member = asyncapi_rt::channel::parameter(#wire, #text, #kind, #check, &mut violations);
        }
    });
    // The address as a `format!` string: literal text with braces doubled,
    // `{}` for each parameter.
    let mut template_string = String::new();
    let mut written = Vec::new();
    for part in &channel.address {
        match part {
            AddressPart::Literal(text) => {
                template_string.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            AddressPart::Parameter(index) => {
                template_string.push_str("{}");
                let member = ident(&channel.parameters[*index].name);
                written.push(quote!(asyncapi_rt::channel::text_of(&self.#member)));
            }
        }
    }
    // Every declared parameter is in the address: the check refuses others.
    let address = if template_string == "{}" {
        // The whole address is one parameter.
        quote!(#(#written)*)
    } else {
        quote!(format!(#template_string, #(#written),*))
    };
    let arguments = (0..channel.parameters.len()).map(|index| format_ident!("text_{}", index));
    let text_params = (0..channel.parameters.len()).map(|index| {
        let text = format_ident!("text_{}", index);
        quote!(#text: &str)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The channel's address template.
            pub const TEMPLATE: &'static str = #template;

            /// Reads the parameters from a concrete address: `None` when the address
            /// is not this channel's, `Some(Err(_))` when a parameter breaks its schema.
            pub fn parse(address: &str) -> Option<Result<Self, Violations>> {
                let [#(#bindings),*] = asyncapi_rt::channel::match_template(address, &[#(#parts),*])?[..] else {
                    return None;
                };
                Some(Self::read(#(#arguments),*))
            }

            fn read(#(#text_params),*) -> Result<Self, Violations> {
                let mut violations = Violations::new();
                #(#reads)*
                match (#(#members,)*) {
                    (#(Some(#members),)*) => Ok(Self { #(#members),* }),
                    _ => Err(violations),
                }
            }

            /// The concrete address for these parameters.
            pub fn address(&self) -> String {
                #address
            }
        }
    }
}
