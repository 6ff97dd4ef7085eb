//! The small expression language shared by queries, rule patterns and conditions.
//!
//! ```text
//! pattern    := party "." action [ "(" [ constraint { "," constraint } [","] ] ")" ]
//! constraint := name ( "=" | "==" | "!=" ) value
//!             | name [ "not" ] "in" "[" value { "," value } [","] "]"
//! condition  := literal { "and" literal }
//! literal    := [ "not" ] name | constraint
//! value      := word | "quoted text"
//! ```
//!
//! A query (`openai.host_models(cloud=aws)`) is a pattern whose constraints all use
//! `=`. A rule's action pattern may use every operator
//! (`openai.host_models(cloud != azure)`). A condition constrains facts
//! (`agi_achieved and not revenue_share_cap_reached`); a bare fact name means
//! `= true`. Parsing here only checks the shape; names are resolved against the
//! vocabulary by the caller, which keeps the spans to point at mistakes.

use std::ops::Range;

/// A name or value with the byte range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text, without quotes.
    pub text: String,
    /// Byte range in the parsed string.
    pub span: Range<usize>,
}

/// How a constraint compares a parameter or fact with its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `=` or `==`: equal to the one value.
    Equal,
    /// `!=`: anything but the one value.
    NotEqual,
    /// `in [..]`: one of the values.
    In,
    /// `not in [..]`: none of the values.
    NotIn,
}

/// `name op values`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    /// The parameter or fact constrained.
    pub name: Word,
    /// The comparison.
    pub operator: Operator,
    /// One value for `=`/`!=`, one or more for `in`/`not in`.
    pub values: Vec<Word>,
    /// The whole constraint's byte range.
    pub span: Range<usize>,
}

/// `party.action(constraints)`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The party, e.g. `openai`.
    pub party: Word,
    /// The action, e.g. `host_models`.
    pub action: Word,
    /// Constraints on parameters, in the order written.
    pub constraints: Vec<Constraint>,
}

impl Pattern {
    /// The byte range of `party.action`.
    pub fn action_span(&self) -> Range<usize> {
        self.party.span.start..self.action.span.end
    }

    /// `party.action`.
    pub fn action_name(&self) -> String {
        format!("{}.{}", self.party.text, self.action.text)
    }
}

/// Why an expression could not be parsed: what was found where, and what would have fitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Byte range of the offending text in the parsed string.
    pub span: Range<usize>,
    /// What to write instead.
    pub hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Dot,
    Comma,
    Open,
    Close,
    OpenList,
    CloseList,
    Equal,
    NotEqual,
    End,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Word(w) => format!("`{w}`"),
            Token::Quoted(q) => format!("\"{q}\""),
            Token::Dot => "`.`".into(),
            Token::Comma => "`,`".into(),
            Token::Open => "`(`".into(),
            Token::Close => "`)`".into(),
            Token::OpenList => "`[`".into(),
            Token::CloseList => "`]`".into(),
            Token::Equal => "`=`".into(),
            Token::NotEqual => "`!=`".into(),
            Token::End => "the end of the text".into(),
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn tokenize(text: &str) -> Result<Vec<(Token, Range<usize>)>, SyntaxError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let token = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'.' => Token::Dot,
            b',' => Token::Comma,
            b'(' => Token::Open,
            b')' => Token::Close,
            b'[' => Token::OpenList,
            b']' => Token::CloseList,
            b'=' => {
                if bytes.get(i + 1) == Some(&b'=') {
                    i += 1;
                }
                Token::Equal
            }
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                i += 1;
                Token::NotEqual
            }
            b'"' | b'\'' => {
                let close = text[i + 1..].find(b as char).ok_or_else(|| SyntaxError {
                    message: "this quoted value is never closed".into(),
                    span: start..text.len(),
                    hint: Some(format!("end it with {}", b as char)),
                })?;
                let inner = text[i + 1..i + 1 + close].to_string();
                i += close + 2;
                tokens.push((Token::Quoted(inner), start..i));
                continue;
            }
            _ if is_word_byte(b) => {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                tokens.push((Token::Word(text[start..i].to_string()), start..i));
                continue;
            }
            _ => {
                let ch = text[i..]
                    .chars()
                    .next()
                    .expect("i is a char boundary inside text");
                return Err(SyntaxError {
                    message: format!("unexpected character `{ch}`"),
                    span: i..i + ch.len_utf8(),
                    hint: Some(
                        "names and values are letters, digits, `_` and `-`; quote anything else"
                            .into(),
                    ),
                });
            }
        };
        i += 1;
        tokens.push((token, start..i));
    }
    tokens.push((Token::End, text.len()..text.len()));
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Token, Range<usize>)>,
    position: usize,
}

impl Parser {
    fn new(text: &str) -> Result<Parser, SyntaxError> {
        Ok(Parser {
            tokens: tokenize(text)?,
            position: 0,
        })
    }

    fn peek(&self) -> &(Token, Range<usize>) {
        &self.tokens[self.position.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> (Token, Range<usize>) {
        let token = self.peek().clone();
        if self.position < self.tokens.len() - 1 {
            self.position += 1;
        }
        token
    }

    fn unexpected(&self, expected: &str, hint: Option<String>) -> SyntaxError {
        let (token, span) = self.peek();
        SyntaxError {
            message: format!("expected {expected}, found {}", token.describe()),
            span: span.clone(),
            hint,
        }
    }

    fn expect(&mut self, wanted: Token, expected: &str) -> Result<Range<usize>, SyntaxError> {
        if self.peek().0 == wanted {
            Ok(self.next().1)
        } else {
            Err(self.unexpected(expected, None))
        }
    }

    fn name(&mut self, what: &str) -> Result<Word, SyntaxError> {
        match self.peek().clone() {
            (Token::Word(text), span) if !is_keyword(&text) => {
                self.next();
                Ok(Word { text, span })
            }
            _ => Err(self.unexpected(what, None)),
        }
    }

    fn value(&mut self) -> Result<Word, SyntaxError> {
        match self.peek().clone() {
            (Token::Word(text) | Token::Quoted(text), span) => {
                self.next();
                Ok(Word { text, span })
            }
            _ => Err(self.unexpected("a value", None)),
        }
    }

    fn is_word(&self, keyword: &str) -> bool {
        matches!(&self.peek().0, Token::Word(w) if w == keyword)
    }

    fn list(&mut self) -> Result<Vec<Word>, SyntaxError> {
        self.expect(Token::OpenList, "`[` to start a list of values")?;
        let mut values = vec![self.value()?];
        loop {
            match self.peek().0 {
                Token::Comma => {
                    self.next();
                    if self.peek().0 == Token::CloseList {
                        self.next();
                        return Ok(values);
                    }
                    values.push(self.value()?);
                }
                Token::CloseList => {
                    self.next();
                    return Ok(values);
                }
                _ => return Err(self.unexpected("`,` or `]`", None)),
            }
        }
    }

    /// `name op value(s)`, or, when `bare_is_true`, a bare `name` meaning `name = true`.
    fn constraint(&mut self, bare_is_true: bool) -> Result<Constraint, SyntaxError> {
        let negated_bare = bare_is_true
            && self.is_word("not")
            && {
                // `not fact` (condition) versus `fact not in [..]`: look one token ahead.
                matches!(&self.tokens.get(self.position + 1), Some((Token::Word(w), _)) if !is_keyword(w))
            };
        let start = self.peek().1.start;
        if negated_bare {
            self.next();
        }
        let name = self.name("a name")?;
        let (operator, values) = if negated_bare {
            (Operator::Equal, vec![synthetic("false", &name)])
        } else {
            match self.peek().0.clone() {
                Token::Equal => {
                    self.next();
                    (Operator::Equal, vec![self.value()?])
                }
                Token::NotEqual => {
                    self.next();
                    (Operator::NotEqual, vec![self.value()?])
                }
                Token::Word(w) if w == "in" => {
                    self.next();
                    (Operator::In, self.list()?)
                }
                Token::Word(w) if w == "not" => {
                    self.next();
                    if !self.is_word("in") {
                        return Err(self.unexpected("`in` after `not`", None));
                    }
                    self.next();
                    (Operator::NotIn, self.list()?)
                }
                _ if bare_is_true => (Operator::Equal, vec![synthetic("true", &name)]),
                _ => {
                    return Err(self.unexpected(
                        "`=`, `!=`, `in` or `not in` after the parameter name",
                        Some(format!("write `{}=VALUE`", name.text)),
                    ));
                }
            }
        };
        let end = self.tokens[self.position.saturating_sub(1)].1.end;
        Ok(Constraint {
            name,
            operator,
            values,
            span: start..end.max(start),
        })
    }

    fn end(&mut self, what: &str) -> Result<(), SyntaxError> {
        if self.peek().0 == Token::End {
            Ok(())
        } else {
            Err(self.unexpected(&format!("the end of the {what}"), None))
        }
    }
}

fn synthetic(text: &str, name: &Word) -> Word {
    Word {
        text: text.into(),
        span: name.span.clone(),
    }
}

fn is_keyword(word: &str) -> bool {
    matches!(word, "in" | "not" | "and")
}

/// Parses `party.action(constraints)`; see the module documentation for the grammar.
pub fn parse_pattern(text: &str) -> Result<Pattern, SyntaxError> {
    let mut parser = Parser::new(text)?;
    if parser.peek().0 == Token::End {
        return Err(SyntaxError {
            message: "the action is empty".into(),
            span: 0..text.len(),
            hint: Some(
                "write `party.action(param=value)`, e.g. `openai.host_models(cloud=aws)`".into(),
            ),
        });
    }
    let party = parser.name("a party name, as in `party.action(...)`")?;
    if parser.peek().0 != Token::Dot {
        return Err(parser.unexpected(
            "`.` between the party and the action",
            Some(format!("write `{}.ACTION(...)`", party.text)),
        ));
    }
    parser.next();
    let action = parser.name("an action name after the `.`")?;
    let mut constraints = Vec::new();
    if parser.peek().0 == Token::Open {
        parser.next();
        loop {
            if parser.peek().0 == Token::Close {
                parser.next();
                break;
            }
            constraints.push(parser.constraint(false)?);
            match parser.peek().0 {
                Token::Comma => {
                    parser.next();
                }
                Token::Close => {
                    parser.next();
                    break;
                }
                _ => return Err(parser.unexpected("`,` or `)`", None)),
            }
        }
    }
    parser.end("action")?;
    Ok(Pattern {
        party,
        action,
        constraints,
    })
}

/// Parses a condition on facts: constraints joined by `and`.
pub fn parse_condition(text: &str) -> Result<Vec<Constraint>, SyntaxError> {
    let mut parser = Parser::new(text)?;
    let mut constraints = vec![parser.constraint(true)?];
    while parser.is_word("and") {
        parser.next();
        constraints.push(parser.constraint(true)?);
    }
    if parser.is_word("or") {
        return Err(parser.unexpected(
            "`and` or the end of the condition",
            Some("a condition joins constraints with `and`; write one rule per alternative".into()),
        ));
    }
    parser.end("condition")?;
    Ok(constraints)
}

/// Parses `NAME=VALUE`, as given to `--fact` and `--reading`.
pub fn parse_assignment(text: &str) -> Result<(Word, Word), SyntaxError> {
    let mut parser = Parser::new(text)?;
    let name = parser.name("a name before `=`")?;
    if parser.peek().0 != Token::Equal {
        return Err(parser.unexpected("`=`", Some(format!("write `{}=VALUE`", name.text))));
    }
    parser.next();
    let value = parser.value()?;
    parser.end("assignment")?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn patterns_parse_every_operator() {
        let p = parse_pattern(
            r#"openai.host_models(cloud != "azure", x in [a, b,], y not in [c], z == d)"#,
        )
        .unwrap();
        assert_eq!(p.action_name(), "openai.host_models");
        let ops: Vec<Operator> = p.constraints.iter().map(|c| c.operator).collect();
        assert_eq!(
            ops,
            [
                Operator::NotEqual,
                Operator::In,
                Operator::NotIn,
                Operator::Equal
            ]
        );
        assert_eq!(p.constraints[1].values.len(), 2);
        assert_eq!(p.constraints[0].values[0].text, "azure");
    }

    #[test]
    fn conditions_accept_bare_and_negated_facts() {
        let c = parse_condition("agi_achieved and not cap_reached and stage in [a]").unwrap();
        assert_eq!(c[0].values[0].text, "true");
        assert_eq!(c[1].name.text, "cap_reached");
        assert_eq!(c[1].values[0].text, "false");
        assert_eq!(c[2].operator, Operator::In);
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let err = parse_pattern("openai.host_models(cloud aws)").unwrap_err();
        assert_eq!(
            err.message,
            "expected `=`, `!=`, `in` or `not in` after the parameter name, found `aws`"
        );
        assert_eq!(err.span, 25..28);
        let err = parse_pattern("openai host_models").unwrap_err();
        assert_eq!(err.span, 7..18);
        let err = parse_pattern("openai.host_models(cloud=aws").unwrap_err();
        assert!(
            err.message.contains("the end of the text"),
            "{}",
            err.message
        );
        assert!(parse_condition("a or b").unwrap_err().hint.is_some());
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics_and_errors_stay_inside_it(text in "\\PC{0,40}") {
            let errors = [parse_pattern(&text).err(), parse_condition(&text).err(), parse_assignment(&text).err()];
            for err in errors.into_iter().flatten() {
                prop_assert!(err.span.start <= err.span.end && err.span.end <= text.len());
            }
        }
    }
}
