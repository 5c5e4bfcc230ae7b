//! Nested conditions written flat, before printing.
//!
//! The emitters compose checks from uniform pieces (a format check inside a
//! presence test inside a match arm), so nesting is a by-product of how the
//! code is built, not something the code means. This pass rewrites the syntax
//! tree the way a careful hand (and clippy's `collapsible_if` and
//! `collapsible_match`) would:
//! - `if a { if b { .. } }` becomes `if a && b { .. }`;
//! - `if let Some(x) = v { if let Some(y) = x { .. } }` becomes
//!   `if let Some(Some(y)) = v { .. }`;
//! - a `match` whose last real arm is a lone `if`, followed only by `_ => {}`,
//!   takes that condition as the arm's guard.
//!
//! Each rewrite only applies where the meaning cannot change: no `else`
//! anywhere, a lone statement, and nothing after the guarded arm but arms
//! that do nothing.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{BinOp, Block, Expr, ExprBinary, ExprBlock, ExprIf, ExprLet, ExprMatch, Pat, PatGuard, Stmt};

use super::rust::uses_ident;

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
        guard_last_arm(node);
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

/// `let Some(x) = v` around `let P = x`, as `let Some(P) = v`, when `x` is
/// read nowhere else.
fn merged_pattern(outer: &Expr, inner: &ExprIf) -> Option<Expr> {
    let (Expr::Let(outer_let), Expr::Let(inner_let)) = (outer, &*inner.cond) else { return None };
    let Pat::TupleStruct(wrapper) = &*outer_let.pat else { return None };
    let [Pat::Ident(binding)] = wrapper.elems.iter().collect::<Vec<_>>().as_slice() else { return None };
    if binding.by_ref.is_some() || binding.mutability.is_some() || binding.subpat.is_some() {
        return None;
    }
    let Expr::Path(scrutinee) = &*inner_let.expr else { return None };
    if !scrutinee.path.is_ident(&binding.ident) {
        return None;
    }
    // The body may still read the outer binding, unless the inner pattern
    // shadows it.
    let name = binding.ident.to_string();
    let shadowed = uses_ident(&inner_let.pat.to_token_stream(), &name);
    if !shadowed && uses_ident(&inner.then_branch.to_token_stream(), &name) {
        return None;
    }
    let mut wrapper = wrapper.clone();
    wrapper.elems[0] = (*inner_let.pat).clone();
    Some(Expr::Let(ExprLet { pat: Box::new(Pat::TupleStruct(wrapper)), ..(*outer_let).clone() }))
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
    if loose { syn::parse2(quote::quote!((#expr))).expect("a parenthesized expression parses") } else { expr }
}

/// `"key" => { if c { .. } }` as `"key" if c => { .. }`, for the last arm
/// before `_` arms that do nothing: when `c` fails, the match
/// falls through to one of those, which is what the `if` did.
fn guard_last_arm(node: &mut ExprMatch) {
    let Some(last) = node.arms.iter().rposition(|arm| !matches!(arm.pat, Pat::Wild(_))) else { return };
    let rest = &node.arms[last + 1..];
    if rest.is_empty() || !rest.iter().all(|arm| does_nothing(&arm.body)) {
        return;
    }
    let arm = &mut node.arms[last];
    if matches!(arm.pat, Pat::Guard(_)) || !arm.attrs.is_empty() {
        return;
    }
    let inner = match &*arm.body {
        Expr::If(inner) if inner.else_branch.is_none() && inner.attrs.is_empty() => inner,
        Expr::Block(ExprBlock { attrs, label: None, block }) if attrs.is_empty() => match lone_if(block) {
            Some(inner) => inner,
            None => return,
        },
        _ => return,
    };
    // `if let` guards are not stable Rust yet.
    if has_let(&inner.cond) {
        return;
    }
    let body = std::mem::replace(&mut *arm.body, Expr::Verbatim(Default::default()));
    let inner = match body {
        Expr::If(inner) => inner,
        Expr::Block(mut block) => take_lone_if(&mut block.block).expect("checked above"),
        _ => unreachable!("checked above"),
    };
    let pattern = std::mem::replace(&mut arm.pat, Pat::Verbatim(Default::default()));
    arm.pat = Pat::Guard(PatGuard {
        attrs: Vec::new(),
        pat: Box::new(pattern),
        if_token: inner.if_token,
        guard: inner.cond,
    });
    *arm.body = Expr::Block(ExprBlock { attrs: Vec::new(), label: None, block: inner.then_branch });
}

fn does_nothing(body: &Expr) -> bool {
    match body {
        Expr::Block(ExprBlock { block, label: None, .. }) => block.stmts.is_empty(),
        Expr::Tuple(unit) => unit.elems.is_empty(),
        _ => false,
    }
}

fn has_let(condition: &Expr) -> bool {
    match condition {
        Expr::Let(_) => true,
        Expr::Binary(ExprBinary { op: BinOp::And(_), left, right, .. }) => has_let(left) || has_let(right),
        _ => false,
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
            tidy(quote!(if let Some(v) = value {
                if let Ok(x) | Err(x) = v {
                    check(x);
                }
            })),
            "if let Some(Ok(x) | Err(x)) = value { check(x); }"
        );
        // The outer binding is still read: the patterns stay apart, as a chain.
        assert_eq!(
            tidy(quote!(if let Some(v) = value {
                if let Some(x) = v {
                    check(x, v);
                }
            })),
            "if let Some(v) = value && let Some(x) = v { check(x, v); }"
        );
    }

    #[test]
    fn the_last_arm_before_do_nothing_arms_takes_a_guard() {
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
            "match key { \"a\" => { if x { go(); } } \"b\" if y => { go(); } _ => {} }"
        );
    }

    #[test]
    fn arms_that_would_fall_through_to_work_keep_their_if() {
        for kept in [
            quote!(match key {
                "a" => {
                    if x {
                        go();
                    }
                }
                _ => other(),
            }),
            quote!(match key {
                "a" => {
                    if x {
                        go();
                    }
                }
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
