//! The small expression language shared by queries, rule patterns and conditions.
//!
//! ```text
//! pattern    := party "." action [ "(" [ constraint { "," constraint } [","] ] ")" ]
//! constraint := name ( "=" | "==" | "!=" ) value
//!             | name [ "not" ] "in" "[" value { "," value } [","] "]"
//! condition  := any
//! any        := all { "or" all }
//! all        := unary { "and" unary }
//! unary      := "not" unary | "(" any ")" | name | constraint | comparison
//! comparison := name ( "<" | "<=" | ">" | ">=" ) number
//! value      := word | number | "quoted text"
//! number     := [ "-" ] digits [ "." digits ]
//! endpoint   := date | event [ ( "+" | "-" ) digits unit ]
//! unit       := "day" | "days" | "week" | "weeks" | "month" | "months" | "year" | "years"
//! ```
//!
//! A query (`openai.host_models(cloud=aws)`) is a pattern whose constraints all use
//! `=`. A rule's action pattern may use every operator
//! (`openai.host_models(cloud != azure)`). A condition constrains facts
//! (`agi_achieved and not revenue_share_cap_reached`); a bare fact name means
//! `= true` (an event: it has happened). `and` binds tighter than `or`. Parsing here only checks the shape; names are resolved against the
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

/// How a comparison orders a number fact against a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
}

impl Comparison {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Less => "<",
            Comparison::LessEqual => "<=",
            Comparison::Greater => ">",
            Comparison::GreaterEqual => ">=",
        }
    }
}

/// A condition as written, before its names are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `a and b and …`: every part holds.
    All(Vec<Condition>),
    /// `a or b or …`: at least one part holds.
    Any(Vec<Condition>),
    /// `not …`: the part does not hold. The range covers the whole negation.
    Not(Box<Condition>, Range<usize>),
    /// A bare name: a yes/no fact that is `true`, or an event that has happened.
    Holds(Word),
    /// `name = value`, `name != value`, `name in [..]`, `name not in [..]`.
    Test(Constraint),
    /// `name < number` and the other orderings, for number facts.
    Compare {
        /// The number fact.
        name: Word,
        /// The ordering.
        comparison: Comparison,
        /// The constant, as written.
        value: Word,
        /// The whole comparison's byte range.
        span: Range<usize>,
    },
}

/// A rule's `from` or `until` as written: a date, or an event moved by a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `YYYY-MM-DD`, not yet checked to be a real date.
    Date(Word),
    /// `event`, `event + 60 days`, `event - 1 month`.
    Event {
        /// The event's name.
        event: Word,
        /// The signed amount: `-30` for `- 30 days`; 0 for a bare event.
        amount: i64,
        /// The unit as written, singular: `day`, `week`, `month` or `year` (`day` for a bare event).
        unit: &'static str,
        /// The byte range of the duration, or of the name for a bare event.
        span: Range<usize>,
    },
}

/// The name of the event a duty's breach is: `breach(RULE_ID)`.
pub const BREACH: &str = "breach";

/// Parses a rule's `from` or `until`: `YYYY-MM-DD`, `event`, or `event ± N unit`.
pub fn parse_endpoint(text: &str) -> Result<Endpoint, SyntaxError> {
    let trimmed = text.trim_start();
    let offset = text.len() - trimmed.len();
    // A name may start with a digit (`2nd_notice`); a date has no letters,
    // or starts `YYYY-` (`2026-03-02 + 30 days` is a mistake about a date).
    let looks_like_a_date = trimmed.starts_with(|c: char| c.is_ascii_digit())
        && (!trimmed.contains(|c: char| c.is_ascii_alphabetic() || c == '_')
            || (trimmed.len() >= 5
                && trimmed.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && trimmed.as_bytes()[4] == b'-'));
    if looks_like_a_date {
        let end = trimmed.trim_end().len();
        return Ok(Endpoint::Date(Word {
            text: trimmed[..end].to_string(),
            span: offset..offset + end,
        }));
    }
    let mut parser = Parser::new(text)?;
    let event = parser.fact_name("a date (YYYY-MM-DD) or an event name")?;
    let sign = match &parser.peek().0 {
        Token::End => {
            let span = event.span.clone();
            return Ok(Endpoint::Event {
                event,
                amount: 0,
                unit: "day",
                span,
            });
        }
        Token::Word(w) if w == "-" => -1,
        Token::Word(w) if w == "+" => 1,
        _ => {
            return Err(parser.unexpected(
                "`+` or `-` and a duration after the event",
                Some(format!("write e.g. `{} + 60 days`", event.text)),
            ));
        }
    };
    let start = parser.next().1.start;
    let (amount, amount_span) = match parser.next() {
        (Token::Word(w), span) if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) => {
            match w.parse::<i64>() {
                Ok(n) => (n, span),
                _ => {
                    return Err(SyntaxError {
                        message: format!("`{w}` is too long a duration"),
                        span,
                        hint: Some(format!(
                            "durations run up to {MAX_AMOUNT} days, {} weeks, {} months or {} years",
                            MAX_AMOUNT / 7,
                            MAX_AMOUNT / 10,
                            MAX_AMOUNT / 100
                        )),
                    });
                }
            }
        }
        (token, span) => {
            return Err(SyntaxError {
                message: format!(
                    "expected a whole number of days, weeks, months or years, found {}",
                    token.describe()
                ),
                span,
                hint: Some(format!("write e.g. `{} + 60 days`", event.text)),
            });
        }
    };
    let (unit, unit_span) = match parser.next() {
        (Token::Word(w), span) => match unit_of(&w) {
            Some(unit) => (unit, span),
            None => {
                return Err(SyntaxError {
                    message: format!("`{w}` is not a unit of time"),
                    span,
                    hint: Some("write days, weeks, months or years".into()),
                });
            }
        },
        (token, span) => {
            return Err(SyntaxError {
                message: format!(
                    "expected a unit after `{amount}`, found {}",
                    token.describe()
                ),
                span,
                hint: Some("write days, weeks, months or years".into()),
            });
        }
    };
    // Every duration stays well inside the calendar from any date `YYYY-MM-DD`
    // can write, so date arithmetic on it never overflows.
    let limit = match unit {
        "day" => MAX_AMOUNT,
        "week" => MAX_AMOUNT / 7,
        "month" => MAX_AMOUNT / 10,
        _ => MAX_AMOUNT / 100,
    };
    if amount > limit {
        return Err(SyntaxError {
            message: format!("`{amount} {unit}s` is too long a duration"),
            span: amount_span.start..unit_span.end,
            hint: Some(format!(
                "durations run up to {MAX_AMOUNT} days, {} weeks, {} months or {} years",
                MAX_AMOUNT / 7,
                MAX_AMOUNT / 10,
                MAX_AMOUNT / 100
            )),
        });
    }
    parser.end("date")?;
    Ok(Endpoint::Event {
        event,
        amount: sign * amount,
        unit,
        span: start..unit_span.end,
    })
}

/// Parses a duration, `6 months` or `30 days`, into its amount and singular unit.
pub fn parse_duration(text: &str) -> Result<(i64, &'static str), SyntaxError> {
    let mut parser = Parser::new(text)?;
    let (amount, amount_span) = match parser.next() {
        (Token::Word(w), span) if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) => {
            match w.parse::<i64>() {
                Ok(n) if n <= MAX_AMOUNT / 100 => (n, span),
                _ => {
                    return Err(SyntaxError {
                        message: format!("`{w}` is too long a duration"),
                        span,
                        hint: Some(format!("a survival runs up to {} units", MAX_AMOUNT / 100)),
                    });
                }
            }
        }
        (token, span) => {
            return Err(SyntaxError {
                message: format!("expected a duration such as `6 months`, found {}", token.describe()),
                span,
                hint: Some("write `survives = true` (until the rule's own end) or a duration: `survives = \"6 months\"`".into()),
            });
        }
    };
    let unit = match parser.next() {
        (Token::Word(w), span) => unit_of(&w).ok_or_else(|| SyntaxError {
            message: format!("`{w}` is not a unit of time"),
            span,
            hint: Some("write days, weeks, months or years".into()),
        })?,
        (token, span) => {
            return Err(SyntaxError {
                message: format!(
                    "expected a unit after `{amount}`, found {}",
                    token.describe()
                ),
                span: amount_span.start..span.end,
                hint: Some("write days, weeks, months or years".into()),
            });
        }
    };
    parser.end("duration")?;
    Ok((amount, unit))
}

/// The longest duration an endpoint may give, in days (a tenth as many
/// months, a hundredth as many years): far past any date a contract names,
/// small enough that no arithmetic on it leaves the calendar.
pub const MAX_AMOUNT: i64 = 1_000_000;

fn unit_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "day" | "days" => "day",
        "week" | "weeks" => "week",
        "month" | "months" => "month",
        "year" | "years" => "year",
        _ => return None,
    })
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
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
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
            Token::Less => "`<`".into(),
            Token::LessEqual => "`<=`".into(),
            Token::Greater => "`>`".into(),
            Token::GreaterEqual => "`>=`".into(),
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
            b'+' => Token::Word("+".into()),
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
            b'<' | b'>' => {
                let or_equal = bytes.get(i + 1) == Some(&b'=');
                if or_equal {
                    i += 1;
                }
                match (b, or_equal) {
                    (b'<', false) => Token::Less,
                    (b'<', true) => Token::LessEqual,
                    (_, false) => Token::Greater,
                    (_, true) => Token::GreaterEqual,
                }
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

    /// A fact or event name; `breach(RULE_ID)`, the event of a duty's
    /// breach, is one name, written back without spaces.
    fn fact_name(&mut self, what: &str) -> Result<Word, SyntaxError> {
        let word = self.name(what)?;
        if word.text != BREACH || self.peek().0 != Token::Open {
            return Ok(word);
        }
        let open = self.next().1;
        let mut rule = String::new();
        loop {
            match self.next() {
                (Token::Word(w), _) => rule.push_str(&w),
                (Token::Dot, _) => rule.push('.'),
                (Token::Close, close) if !rule.is_empty() => {
                    return Ok(Word {
                        text: format!("{BREACH}({rule})"),
                        span: word.span.start..close.end,
                    });
                }
                (found, span) => {
                    return Err(SyntaxError {
                        message: format!(
                            "expected a rule id and `)` in `breach(…)`, found {}",
                            found.describe()
                        ),
                        span: if rule.is_empty() { open } else { span },
                        hint: Some("write the id of an `oblige` rule: `breach(payment)`".into()),
                    });
                }
            }
        }
    }

    fn value(&mut self) -> Result<Word, SyntaxError> {
        match self.peek().clone() {
            (Token::Word(text), span) => {
                self.next();
                Ok(self.decimal_tail(Word { text, span }))
            }
            (Token::Quoted(text), span) => {
                self.next();
                Ok(Word { text, span })
            }
            _ => Err(self.unexpected("a value", None)),
        }
    }

    /// `12` `.` `5` written without spaces is the one value `12.5`.
    fn decimal_tail(&mut self, word: Word) -> Word {
        let digits = |w: &str| {
            let w = w.strip_prefix('-').unwrap_or(w);
            !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(&word.text) {
            return word;
        }
        let (Some((Token::Dot, dot)), Some((Token::Word(fraction), end))) = (
            self.tokens.get(self.position),
            self.tokens.get(self.position + 1),
        ) else {
            return word;
        };
        if dot.start != word.span.end
            || end.start != dot.end
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return word;
        }
        let text = format!("{}.{fraction}", word.text);
        let span = word.span.start..end.end;
        self.position += 2;
        Word { text, span }
    }

    /// `all { "or" all }`.
    fn any(&mut self, depth: usize) -> Result<Condition, SyntaxError> {
        let mut parts = vec![self.all(depth)?];
        while self.is_word("or") {
            self.next();
            parts.push(self.all(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Condition::Any(parts)
        })
    }

    /// `unary { "and" unary }`.
    fn all(&mut self, depth: usize) -> Result<Condition, SyntaxError> {
        let mut parts = vec![self.unary(depth)?];
        while self.is_word("and") {
            self.next();
            parts.push(self.unary(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Condition::All(parts)
        })
    }

    /// `not unary`, `( any )`, or one test of a name.
    fn unary(&mut self, depth: usize) -> Result<Condition, SyntaxError> {
        if depth > MAX_NESTING {
            let span = self.peek().1.clone();
            return Err(SyntaxError {
                message: format!("this condition nests deeper than {MAX_NESTING} levels"),
                span,
                hint: Some("split it into several rules".into()),
            });
        }
        let start = self.peek().1.start;
        if self.is_word("not") {
            self.next();
            let inner = self.unary(depth + 1)?;
            let end = self.tokens[self.position.saturating_sub(1)].1.end;
            return Ok(Condition::Not(Box::new(inner), start..end.max(start)));
        }
        if self.peek().0 == Token::Open {
            let open = self.next().1;
            let inner = self.any(depth + 1)?;
            if self.peek().0 != Token::Close {
                let (found, _) = self.peek();
                return Err(SyntaxError {
                    message: format!(
                        "this `(` is never closed: found {} where `)` should be",
                        found.describe()
                    ),
                    span: open,
                    hint: Some("add the `)` that ends the group".into()),
                });
            }
            self.next();
            return Ok(inner);
        }
        let before_name = self.position;
        let name = self.fact_name("a fact or event name, `not` or `(`")?;
        let comparison = match self.peek().0 {
            Token::Less => Some(Comparison::Less),
            Token::LessEqual => Some(Comparison::LessEqual),
            Token::Greater => Some(Comparison::Greater),
            Token::GreaterEqual => Some(Comparison::GreaterEqual),
            _ => None,
        };
        if let Some(comparison) = comparison {
            self.next();
            let value = self.value()?;
            let span = start..value.span.end;
            return Ok(Condition::Compare {
                name,
                comparison,
                value,
                span,
            });
        }
        let tests = matches!(self.peek().0, Token::Equal | Token::NotEqual)
            || self.is_word("in")
            || (self.is_word("not")
                && matches!(self.tokens.get(self.position + 1), Some((Token::Word(w), _)) if w == "in"));
        if !tests {
            return Ok(Condition::Holds(name));
        }
        self.position = before_name;
        Ok(Condition::Test(self.constraint()?))
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

    /// `name op value(s)`.
    fn constraint(&mut self) -> Result<Constraint, SyntaxError> {
        let start = self.peek().1.start;
        let name = self.fact_name("a name")?;
        let (operator, values) = match self.peek().0.clone() {
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
            _ => {
                return Err(self.unexpected(
                    "`=`, `!=`, `in` or `not in` after the parameter name",
                    Some(format!("write `{}=VALUE`", name.text)),
                ));
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

fn is_keyword(word: &str) -> bool {
    matches!(word, "in" | "not" | "and" | "or")
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
            constraints.push(parser.constraint()?);
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

/// The deepest a condition may nest parentheses and `not`: deeper text is
/// refused rather than parsed, so that no condition can exhaust the stack.
pub const MAX_NESTING: usize = 32;

/// Parses a condition on facts, events and numbers; see the module documentation for the grammar.
pub fn parse_condition(text: &str) -> Result<Condition, SyntaxError> {
    let mut parser = Parser::new(text)?;
    let condition = parser.any(0)?;
    if parser.peek().0 == Token::Close {
        return Err(parser.unexpected(
            "the end of the condition",
            Some("this `)` closes no `(`: remove it, or add the `(` it closes".into()),
        ));
    }
    if matches!(&parser.peek().0, Token::Word(w) if w == "+" || w == "-") {
        return Err(parser.unexpected(
            "`and`, `or` or the end of the condition",
            Some("a condition tests whether an event has happened; count days from it in `from` or `until`: `from = \"e + 10 days\"`".into()),
        ));
    }
    if matches!(&parser.peek().0, Token::Word(_) | Token::Quoted(_)) {
        return Err(parser.unexpected(
            "`and`, `or` or the end of the condition",
            Some("join tests with `and` or `or`".into()),
        ));
    }
    parser.end("condition")?;
    Ok(condition)
}

/// Parses `NAME=VALUE`, as given to `--fact` and `--reading`.
pub fn parse_assignment(text: &str) -> Result<(Word, Word), SyntaxError> {
    let mut parser = Parser::new(text)?;
    let name = parser.fact_name("a name before `=`")?;
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
        let Condition::All(parts) =
            parse_condition("agi_achieved and not cap_reached and stage in [a]").unwrap()
        else {
            panic!("three parts joined by `and`");
        };
        assert!(matches!(&parts[0], Condition::Holds(w) if w.text == "agi_achieved"));
        assert!(
            matches!(&parts[1], Condition::Not(inner, _) if matches!(&**inner, Condition::Holds(w) if w.text == "cap_reached"))
        );
        assert!(matches!(&parts[2], Condition::Test(c) if c.operator == Operator::In));
    }

    #[test]
    fn or_binds_looser_than_and_and_parentheses_group() {
        let c = parse_condition("(late or breach) and not cured or x >= 2.5").unwrap();
        let Condition::Any(alternatives) = c else {
            panic!("`or` at the top")
        };
        assert_eq!(alternatives.len(), 2);
        let Condition::All(first) = &alternatives[0] else {
            panic!("`and` under `or`")
        };
        assert!(matches!(&first[0], Condition::Any(inner) if inner.len() == 2));
        assert!(matches!(&first[1], Condition::Not(..)));
        assert!(matches!(&alternatives[1],
            Condition::Compare { comparison: Comparison::GreaterEqual, value, .. } if value.text == "2.5"));
        assert!(parse_condition("x > -3").is_ok());
        assert!(parse_condition("not (a or b) and c not in [d]").is_ok());
    }

    #[test]
    fn nesting_is_bounded() {
        let at_limit = format!("{}a{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(parse_condition(&at_limit).is_ok());
        let deep = format!(
            "{}a{}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        let err = parse_condition(&deep).unwrap_err();
        assert!(err.message.contains("deeper than"), "{}", err.message);
        let nots = format!("{}a", "not ".repeat(10_000));
        assert!(parse_condition(&nots).is_err());
    }

    #[test]
    fn a_breach_is_one_event_name_wherever_an_event_is_written() {
        let Endpoint::Event { event, amount, .. } =
            parse_endpoint("breach( pay.monthly ) + 30 days").unwrap()
        else {
            panic!("an event")
        };
        assert_eq!((event.text.as_str(), amount), ("breach(pay.monthly)", 30));
        assert_eq!(event.span, 0..21);
        let Condition::All(parts) = parse_condition("breach(a) and not breach(b)").unwrap() else {
            panic!("a conjunction")
        };
        assert!(matches!(&parts[0], Condition::Holds(w) if w.text == "breach(a)"));
        assert!(
            matches!(&parts[1], Condition::Not(inner, _) if matches!(&**inner, Condition::Holds(w) if w.text == "breach(b)"))
        );
        let (name, value) = parse_assignment("breach(a.b)=2026-01-01").unwrap();
        assert_eq!(
            (name.text.as_str(), value.text.as_str()),
            ("breach(a.b)", "2026-01-01")
        );
        // A fact called `breach` is still a fact; `breach()` and an unclosed one are errors.
        assert!(
            matches!(parse_condition("breach").unwrap(), Condition::Holds(w) if w.text == "breach")
        );
        assert!(parse_condition("breach()").is_err());
        assert!(parse_endpoint("breach(a + 3 days").is_err());
    }

    #[test]
    fn endpoints_are_dates_or_events_with_durations() {
        assert!(
            matches!(parse_endpoint("2026-04-27").unwrap(), Endpoint::Date(w) if w.text == "2026-04-27")
        );
        assert!(matches!(
            parse_endpoint("agi").unwrap(),
            Endpoint::Event { amount: 0, .. }
        ));
        let Endpoint::Event {
            event,
            amount,
            unit,
            span,
        } = parse_endpoint("deletion_request + 60 days").unwrap()
        else {
            panic!("an event")
        };
        assert_eq!(
            (event.text.as_str(), amount, unit),
            ("deletion_request", 60, "day")
        );
        assert_eq!(span, 17..26);
        assert!(matches!(
            parse_endpoint("termination - 1 month").unwrap(),
            Endpoint::Event {
                amount: -1,
                unit: "month",
                ..
            }
        ));
        let err = parse_endpoint("e + 5 fortnights").unwrap_err();
        assert_eq!(err.span, 6..16);
        assert!(parse_endpoint("e + days").is_err());
        assert!(parse_endpoint("e + 99999999999 days").is_err());
        assert!(parse_endpoint("e + 1000000 days").is_ok());
        assert!(parse_endpoint("e + 10001 years").is_err());
        assert!(parse_endpoint("e - 100001 months").is_err());
        assert!(matches!(
            parse_endpoint("2nd_notice + 3 days").unwrap(),
            Endpoint::Event { .. }
        ));
        assert!(parse_endpoint("e 5 days").is_err());
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
        assert!(parse_condition("a or").is_err());
        assert!(
            parse_condition("(a or b")
                .unwrap_err()
                .message
                .contains("`)`")
        );
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics_and_errors_stay_inside_it(text in "\\PC{0,40}") {
            let errors = [parse_pattern(&text).err(), parse_condition(&text).err(), parse_assignment(&text).err(), parse_endpoint(&text).err()];
            for err in errors.into_iter().flatten() {
                prop_assert!(err.span.start <= err.span.end && err.span.end <= text.len());
            }
        }
    }
}
