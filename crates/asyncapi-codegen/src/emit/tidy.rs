//! Nested conditions written flat, before printing.
//!
//! The emitters compose checks from uniform pieces (a format check inside a
//! presence test inside a property's match arm), so nesting is a by-product of
//! how the code is built, not something the code means. This pass rewrites the
//! syntax tree the way a careful hand (and clippy's `collapsible_if` and
//! `collapsible_match`) would:
//! - `if a { if b { .. } }` becomes `if a && b { .. }`;
//! - `if let Some(x) = v { if let Some(x) = x { .. } }` becomes
//!   `if let Some(Some(x)) = v { .. }`;
//! - in a `match` that ends in `_ => {}`, an arm for a literal whose body is
//!   one `if`, `"key" => { if c { .. } }`, becomes `"key" if c => { .. }`.
//!
//! Each rewrite only applies where the meaning cannot change: no `else`
//! anywhere, the inner `if` the outer one's only statement, the outer binding
//! shadowed by the inner pattern, and, for a guard, nothing after the arm that
//! would match its literal but `_ => {}`.

use std::collections::HashSet;

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Arm, BinOp, Block, Expr, ExprBinary, ExprBlock, ExprIf, ExprLet, ExprMatch, ExprParen, Pat, PatGuard,
    Stmt,
};

/// Flattens the nested conditions of `file` (see the module docs).
pub fn collapse(file: &mut syn::File) {
    Collapse.visit_file_mut(file);
}

struct Collapse;

impl VisitMut for Collapse {
    fn visit_expr_if_mut(&mut self, node: &mut ExprIf) {
        // Innermost first: by the time an `if` is looked at, its body is flat.
        visit_mut::visit_expr_if_mut(self, node);
        if node.else_branch.is_some() {
            return;
        }
        let Some(inner) = take_lone_if(&mut node.then_branch) else { return };
        let outer = std::mem::replace(&mut *node.cond, Expr::Verbatim(Default::default()));
        *node.cond = merged_pattern(&outer, &inner).unwrap_or_else(|| and(outer, *inner.cond));
        node.then_branch = inner.then_branch;
    }

    fn visit_expr_match_mut(&mut self, node: &mut ExprMatch) {
        visit_mut::visit_expr_match_mut(self, node);
        for index in falls_through_to_nothing(&node.arms) {
            guard(&mut node.arms[index]);
        }
    }
}

/// The `if` that is all of `block`, when it has no `else`.
fn lone_if(block: &Block) -> Option<&ExprIf> {
    match block.stmts.as_slice() {
        [Stmt::Expr(Expr::If(inner), _)] if inner.else_branch.is_none() && inner.attrs.is_empty() => {
            Some(inner)
        }
        _ => None,
    }
}

/// The `if` that is all of `block`, taken out of it, when it has no `else`.
fn take_lone_if(block: &mut Block) -> Option<ExprIf> {
    lone_if(block)?;
    match block.stmts.pop() {
        Some(Stmt::Expr(Expr::If(inner), _)) => Some(inner),
        _ => None,
    }
}

/// `let Some(x) = v` around `let P = x`, as `let Some(P) = v`, where `P`
/// binds `x` again: then nothing after can read the outer `x`.
fn merged_pattern(outer: &Expr, inner: &ExprIf) -> Option<Expr> {
    let (Expr::Let(outer_let), Expr::Let(inner_let)) = (outer, &*inner.cond) else { return None };
    let Pat::TupleStruct(wrapper) = &*outer_let.pat else { return None };
    let (1, Some(Pat::Ident(binding))) = (wrapper.elems.len(), wrapper.elems.first()) else { return None };
    if binding.by_ref.is_some() || binding.mutability.is_some() || binding.subpat.is_some() {
        return None;
    }
    let Expr::Path(scrutinee) = &*inner_let.expr else { return None };
    if !scrutinee.path.is_ident(&binding.ident) || !binds(&inner_let.pat, &binding.ident) {
        return None;
    }
    let mut wrapper = wrapper.clone();
    wrapper.elems[0] = (*inner_let.pat).clone();
    Some(Expr::Let(ExprLet { pat: Box::new(Pat::TupleStruct(wrapper)), ..(*outer_let).clone() }))
}

/// Whether `pattern` binds `name` (as a binding, not a field or path name).
fn binds(pattern: &Pat, name: &syn::Ident) -> bool {
    match pattern {
        Pat::Ident(binding) => {
            binding.ident == *name || binding.subpat.as_ref().is_some_and(|(_, inner)| binds(inner, name))
        }
        Pat::TupleStruct(tuple) => tuple.elems.iter().any(|elem| binds(elem, name)),
        Pat::Tuple(tuple) => tuple.elems.iter().any(|elem| binds(elem, name)),
        Pat::Slice(slice) => slice.elems.iter().any(|elem| binds(elem, name)),
        Pat::Struct(object) => object.fields.iter().any(|field| binds(&field.pat, name)),
        // Every case of an or-pattern binds the same names.
        Pat::Or(or) => or.cases.first().is_some_and(|case| binds(case, name)),
        Pat::Paren(paren) => binds(&paren.pat, name),
        Pat::Reference(reference) => binds(&reference.pat, name),
        _ => false,
    }
}

/// The arms for a literal on which a failed guard would do nothing: every
/// later arm is another literal, which cannot match, or a `_` that does
/// nothing, and there is such a `_`. One walk from the last arm back.
fn falls_through_to_nothing(arms: &[Arm]) -> Vec<usize> {
    let does_nothing = |body: &Expr| matches!(body, Expr::Block(block) if block.block.stmts.is_empty());
    let mut later_literals = HashSet::new();
    let mut catch_all = false;
    let mut found = Vec::new();
    for (index, arm) in arms.iter().enumerate().rev() {
        match &arm.pat {
            Pat::Wild(_) if does_nothing(&arm.body) => catch_all = true,
            Pat::Lit(literal) => {
                let literal = literal.to_token_stream().to_string();
                if catch_all && !later_literals.contains(&literal) {
                    found.push(index);
                }
                later_literals.insert(literal);
            }
            // Anything else may match what an earlier guard lets through.
            _ => break,
        }
    }
    found
}

/// `"key" => { if c { .. } }` as `"key" if c => { .. }`, when the arm's body
/// is a lone `if` without `else` whose condition holds no `let` (`if let`
/// guards are not stable at the crates' `rust-version`).
fn guard(arm: &mut Arm) {
    let body = match &mut *arm.body {
        Expr::Block(ExprBlock { attrs, label: None, block }) if attrs.is_empty() => block,
        _ => return,
    };
    if !arm.attrs.is_empty() || lone_if(body).is_none_or(|inner| has_let(&inner.cond)) {
        return;
    }
    let Some(inner) = take_lone_if(body) else { return };
    let pattern = std::mem::replace(&mut arm.pat, Pat::Verbatim(Default::default()));
    arm.pat = Pat::Guard(PatGuard {
        attrs: Vec::new(),
        pat: Box::new(pattern),
        if_token: inner.if_token,
        guard: inner.cond,
    });
    *arm.body = Expr::Block(ExprBlock { attrs: Vec::new(), label: None, block: inner.then_branch });
}

fn has_let(condition: &Expr) -> bool {
    match condition {
        Expr::Let(_) => true,
        Expr::Binary(binary) if matches!(binary.op, BinOp::And(_)) => {
            has_let(&binary.left) || has_let(&binary.right)
        }
        _ => false,
    }
}

/// `left && right`, chained to the left as the parser would read it, so that
/// `let` conditions stay a flat chain; an `||` side is parenthesized.
fn and(left: Expr, right: Expr) -> Expr {
    match right {
        Expr::Binary(chain) if matches!(chain.op, BinOp::And(_)) && chain.attrs.is_empty() => {
            and(and(left, *chain.left), *chain.right)
        }
        right => Expr::Binary(ExprBinary {
            attrs: Vec::new(),
            left: Box::new(operand(left)),
            op: BinOp::And(Default::default()),
            right: Box::new(operand(right)),
        }),
    }
}

/// An `&&` operand: binds at least as tightly as `&&`, or is parenthesized.
fn operand(expr: Expr) -> Expr {
    let loose = match &expr {
        Expr::Binary(binary) => matches!(binary.op, BinOp::Or(_)),
        Expr::Assign(_) | Expr::Closure(_) | Expr::Range(_) => true,
        _ => false,
    };
    if loose {
        Expr::Paren(ExprParen { attrs: Vec::new(), paren_token: Default::default(), expr: Box::new(expr) })
    } else {
        expr
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;

    fn tidy(tokens: TokenStream) -> String {
        let mut file: syn::File = syn::parse2(quote!(fn f() { #tokens })).unwrap();
        collapse(&mut file);
        let printed = prettyplease::unparse(&file);
        printed.lines().skip(1).take_while(|line| *line != "}").map(str::trim).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn nested_ifs_become_one_condition() {
        assert_eq!(
            tidy(quote!(if a {
                if b {
                    go();
                }
            })),
            "if a && b { go(); }"
        );
        assert_eq!(
            tidy(quote!(if passes(|out| check(out)) {
                if let Some(text) = value.as_str() {
                    length(text);
                }
            })),
            "if passes(|out| check(out)) && let Some(text) = value.as_str() { length(text); }"
        );
        // Three deep, and an inner chain, stay one flat chain.
        assert_eq!(
            tidy(quote!(if a {
                if b && c {
                    if d {
                        go();
                    }
                }
            })),
            "if a && b && c && d { go(); }"
        );
    }

    #[test]
    fn loose_operands_are_parenthesized() {
        assert_eq!(
            tidy(quote!(if a || b {
                if c {
                    go();
                }
            })),
            "if (a || b) && c { go(); }"
        );
        assert_eq!(
            tidy(quote!(if a {
                if b || c {
                    go();
                }
            })),
            "if a && (b || c) { go(); }"
        );
    }

    #[test]
    fn nesting_that_means_something_stays() {
        for kept in [
            quote!(if a {
                if b {
                    go();
                }
            } else {
                stop();
            }),
            quote!(if a {
                if b {
                    go();
                } else {
                    stop();
                }
            }),
            quote!(if a {
                if b {
                    go();
                }
                then();
            }),
            quote!(if a {
                let x = 1;
                if b {
                    go(x);
                }
            }),
        ] {
            let mut file: syn::File = syn::parse2(quote!(fn f() { #kept })).unwrap();
            let before = prettyplease::unparse(&file);
            collapse(&mut file);
            assert_eq!(prettyplease::unparse(&file), before, "{kept}");
        }
    }

    #[test]
    fn nested_options_become_one_pattern() {
        assert_eq!(
            tidy(quote!(if let Some(value) = value {
                if let Some(value) = value {
                    check(value);
                }
            })),
            "if let Some(Some(value)) = value { check(value); }"
        );
        assert_eq!(
            tidy(quote!(if let Some(x) = value {
                if let Ok(x) | Err(x) = x {
                    check(x);
                }
            })),
            "if let Some(Ok(x) | Err(x)) = value { check(x); }"
        );
        // The outer binding is not shadowed, so the body might read it: the
        // patterns stay apart, as a chain. A field called like it is no binding.
        assert_eq!(
            tidy(quote!(if let Some(v) = value {
                if let Some(x) = v {
                    check(x, v);
                }
            })),
            "if let Some(v) = value && let Some(x) = v { check(x, v); }"
        );
        assert_eq!(
            tidy(quote!(if let Some(value) = value {
                if let Wrapper { value: inner } = value {
                    check(format!("{value}"), inner);
                }
            })),
            "if let Some(value) = value && let Wrapper { value: inner } = value { check(format!(\"{value}\"), inner); }"
        );
    }

    #[test]
    fn a_literal_arm_that_is_one_if_takes_it_as_a_guard() {
        assert_eq!(
            tidy(quote!(match key {
                "a" => {
                    if x {
                        go();
                    }
                }
                "b" => {
                    if y {
                        go();
                    }
                }
                _ => {}
            })),
            "match key { \"a\" if x => { go(); } \"b\" if y => { go(); } _ => {} }"
        );
    }

    #[test]
    fn arms_that_would_fall_through_to_work_keep_their_if() {
        for kept in [
            // The `_` arm does something.
            quote!(match key {
                "a" => {
                    if x {
                        go();
                    }
                }
                _ => other(),
            }),
            // No `_` arm: a failed guard would leave the match unexhausted.
            quote!(match key {
                "a" => {
                    if x {
                        go();
                    }
                }
                "b" => {}
            }),
            // A later arm could match the same value.
            quote!(match key {
                "a" => {
                    if x {
                        go();
                    }
                }
                other => {}
                _ => {}
            }),
            // Not a literal, an `if let`, an `else`, a guard already.
            quote!(match key {
                Kind::A => {
                    if x {
                        go();
                    }
                }
                _ => {}
            }),
            quote!(match key {
                "a" => {
                    if let Some(v) = x {
                        go(v);
                    }
                }
                _ => {}
            }),
            quote!(match key {
                "a" => {
                    if x {
                        go();
                    } else {
                        stop();
                    }
                }
                _ => {}
            }),
            quote!(match key {
                "a" if y => {
                    if x {
                        go();
                    }
                }
                _ => {}
            }),
        ] {
            let mut file: syn::File = syn::parse2(quote!(fn f() { #kept })).unwrap();
            let before = prettyplease::unparse(&file);
            collapse(&mut file);
            assert_eq!(prettyplease::unparse(&file), before, "{kept}");
        }
    }
}
