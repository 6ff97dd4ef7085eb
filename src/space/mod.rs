//! The question space, as classes of questions no rule can tell apart.
//!
//! A question fixes an action's parameters, the facts and the reading of each
//! dispute: one value per *dimension*. The space of questions is their product,
//! and it grows fast: three parameters over 64 values and thirteen yes/no facts
//! make 2⁴⁴ points. covenant never walks them one by one. It splits the space
//! lazily, as a decision tree ([`explore`]): a node is a box of questions (one
//! [`ValueSet`](crate::terms::ValueSet) per dimension); a rule is *settled* at a node when it applies to
//! every question in the box or to none; a node whose rules are all settled is a
//! leaf, where every question gets the same answer. Otherwise the node splits
//! one dimension that an unsettled rule tests, into the classes of values the
//! unsettled rules treat alike. A rule that tests thirteen facts in conjunction
//! costs fourteen leaves, not 8,192; a parameter no rule constrains is never
//! split at all.
//!
//! Time is cut the same way ([`sweep`]): at the dates where a rule starts or
//! stops, with the rules valid on each piece kept up to date as the sweep moves
//! on, never recomputed from all rules.
//!
//! Every exhaustive walk is bounded by a [`Budget`] of cases, counted with
//! checked arithmetic: past it, the walk stops with [`Exhausted`], naming the
//! dimensions that made the space large, instead of running for hours.

mod action;
mod boxes;
mod sweep;
mod tree;

pub(crate) use action::ActionSpace;
pub use boxes::{Cube, Union, contains, intersection, join_alike, meet, merge, volume};
pub use sweep::sweep;
pub use tree::{Constraint, Leaf, classes_of, explore, walk};

use crate::terms::Terms;

/// How many cases an exhaustive command may visit unless told otherwise (`--max-cases`).
pub const DEFAULT_MAX_CASES: u64 = 10_000_000;

/// What each branch of an answer, span of a timeline or region of a diff
/// costs from the budget when it is reported.
pub const REPORTED_COST: u64 = 100;

/// The most deciding rules a diff region's side or a timeline span lists by
/// name; the rest are counted.
pub const LISTED_RULES: usize = 10;

/// How many machine words copied into waiting memory (a value set, an index)
/// a case pays for.
pub const WORDS_PER_CASE: usize = 8;

/// How many machine words read (a rule's constraint, an override followed) a
/// case pays for.
pub const READS_PER_CASE: usize = 64;

/// A count of the work an exhaustive command may still do.
///
/// A *case* is one box of questions visited (a node of the decision tree, or
/// one piece of time for one box), plus one for every 64 rules tested there, or
/// for every [`WORDS_PER_CASE`] words the walk reads or copies, so that the
/// count follows the time and memory spent; every branch, span or region a
/// report holds costs [`REPORTED_COST`] more, times its width.
#[derive(Debug, Clone)]
pub struct Budget {
    limit: u64,
    spent: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(DEFAULT_MAX_CASES)
    }
}

impl Budget {
    /// A budget of `limit` cases.
    pub fn new(limit: u64) -> Budget {
        Budget { limit, spent: 0 }
    }

    /// How many cases have been spent.
    pub fn spent(&self) -> u64 {
        self.spent
    }

    /// How many cases are left.
    pub fn remaining(&self) -> u64 {
        self.limit - self.spent
    }

    /// The most cases this budget allows.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Spends `cases`, or reports that the limit is passed.
    pub fn spend(&mut self, cases: u64) -> Result<(), Exhausted> {
        match self.spent.checked_add(cases) {
            Some(total) if total <= self.limit => {
                self.spent = total;
                Ok(())
            }
            _ => {
                self.spent = self.limit;
                Err(Exhausted {
                    limit: self.limit,
                    dimensions: Vec::new(),
                    reporting: false,
                })
            }
        }
    }

    /// Spends what reporting `items` branches, spans or regions costs: each is
    /// [`REPORTED_COST`] cases, so that a report stays a size a person can read
    /// and memory can hold.
    pub fn spend_reported(&mut self, items: usize) -> Result<(), Exhausted> {
        self.spend_reported_wide(items, 0)
    }

    /// [`Budget::spend_reported`] for items that each hold `width` value sets
    /// (one per dimension of the box they name): a wide item costs more, one
    /// [`REPORTED_COST`] for every 64 dimensions.
    pub fn spend_reported_wide(&mut self, items: usize, width: usize) -> Result<(), Exhausted> {
        let each = REPORTED_COST.saturating_mul(1 + (width / 64) as u64);
        self.spend((items as u64).saturating_mul(each))
            .map_err(|exhausted| Exhausted {
                reporting: true,
                ..exhausted
            })
    }

    /// Spends one case for work that copies `words` machine words (a value set,
    /// an index) into memory that waits: one case for every [`WORDS_PER_CASE`]
    /// of them, and at least one. This keeps memory in proportion to the budget
    /// however wide the boxes and rule lists are.
    pub fn spend_words(&mut self, words: usize) -> Result<(), Exhausted> {
        self.spend(1 + (words / WORDS_PER_CASE) as u64)
    }

    /// Spends one case for work that reads `words` machine words (a rule's
    /// constraint, an override followed): one case for every [`READS_PER_CASE`]
    /// of them, and at least one, so that time follows the budget.
    pub fn spend_reads(&mut self, words: usize) -> Result<(), Exhausted> {
        self.spend(1 + (words / READS_PER_CASE) as u64)
    }

    /// Spends one case for a box where `rules` rules were tested.
    pub fn spend_case(&mut self, rules: usize) -> Result<(), Exhausted> {
        self.spend(1 + (rules as u64) / 64)
    }
}

/// The budget ran out: the space is too large to walk exhaustively.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("more than {limit} cases to visit")]
pub struct Exhausted {
    /// The limit that was passed.
    pub limit: u64,
    /// The dimensions split most often when the budget ran out (indices into the
    /// walk's dimensions), most split first: what made the space large.
    pub dimensions: Vec<usize>,
    /// Whether it ran out on reporting branches, spans or regions rather than on walking.
    pub reporting: bool,
}

/// What a dimension of a walk stands for, so that a report can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    /// A parameter of the action (index into its parameters).
    Param(usize),
    /// A fact (index into the vocabulary's facts).
    Fact(usize),
    /// A dispute, whose values are its readings (index into the vocabulary's disputes).
    Dispute(usize),
}

impl Dimension {
    /// The dimension in words, e.g. `parameter `cloud` (5 values)`.
    pub fn describe(self, terms: &Terms, action: usize) -> String {
        let vocabulary = &terms.vocabulary;
        match self {
            Dimension::Param(p) => {
                let param = &vocabulary.actions[action].params[p];
                format!("parameter `{}` ({} values)", param.name, param.values.len())
            }
            Dimension::Fact(f) => {
                let fact = &vocabulary.facts[f];
                match fact.kind {
                    crate::terms::FactKind::Choice => {
                        format!("fact `{}` ({} values)", fact.name, fact.values.len())
                    }
                    crate::terms::FactKind::Number { .. } => format!(
                        "number `{}` ({} ranges the rules tell apart)",
                        fact.name,
                        fact.values.len()
                    ),
                    crate::terms::FactKind::Event { .. } => format!(
                        "event `{}` ({} stages the rules tell apart)",
                        fact.name,
                        fact.values.len()
                    ),
                }
            }
            Dimension::Dispute(d) => {
                let dispute = &vocabulary.disputes[d];
                format!(
                    "dispute `{}` ({} readings)",
                    dispute.id,
                    dispute.readings.len()
                )
            }
        }
    }
}

/// A command passed its budget of cases: what it was doing and what made it large.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TooLarge {
    /// The command, e.g. `check`.
    pub command: &'static str,
    /// The action whose questions were being walked.
    pub action: String,
    /// The dimensions that made it large, in words, most split first (at most ten).
    pub dimensions: Vec<String>,
    /// How many more dimensions had a part in it than `dimensions` lists.
    pub more_dimensions: usize,
    /// The budget that was passed.
    pub limit: u64,
    /// Whether the budget went on reporting branches, spans or regions rather
    /// than on walking: the answer itself is too large.
    pub reporting: bool,
    /// Ways to narrow the question that the command takes, e.g. `--fact f0=false`.
    pub narrowing: Vec<String>,
}

impl TooLarge {
    /// Names the action and the dimensions of an [`Exhausted`] walk.
    pub fn new(
        command: &'static str,
        terms: &Terms,
        action: usize,
        exhausted: &Exhausted,
        dimensions: &[Dimension],
    ) -> TooLarge {
        let named: Vec<Dimension> = exhausted
            .dimensions
            .iter()
            .filter_map(|&d| dimensions.get(d).copied())
            .collect();
        const LISTED: usize = 10;
        let vocabulary = &terms.vocabulary;
        let narrowing = named
            .iter()
            .filter_map(|d| match (*d, command) {
                (Dimension::Fact(f), "ask" | "timeline" | "diff") => {
                    let fact = &vocabulary.facts[f];
                    // A value `--fact` takes: a choice's first value, `false`
                    // for an event, a number in the first class.
                    let value = match &fact.kind {
                        crate::terms::FactKind::Choice => fact.values[0].clone(),
                        crate::terms::FactKind::Event { .. } => "false".to_string(),
                        kind => kind
                            .example_on(chrono::NaiveDate::MIN, 0)
                            .unwrap_or_else(|| "0".into()),
                    };
                    Some(format!("--fact {}={value}", fact.name))
                }
                (Dimension::Dispute(d), "ask" | "timeline" | "diff") => {
                    let dispute = &vocabulary.disputes[d];
                    Some(format!(
                        "--reading {}={}",
                        dispute.id, dispute.readings[0].id
                    ))
                }
                (Dimension::Param(p), "ask" | "timeline") => Some(format!(
                    "a value for `{}` in the query",
                    vocabulary.actions[action].params[p].name
                )),
                _ => None,
            })
            .take(2)
            .collect();
        TooLarge {
            command,
            action: vocabulary.actions[action].id.clone(),
            dimensions: named
                .iter()
                .take(LISTED)
                .map(|d| d.describe(terms, action))
                .collect(),
            more_dimensions: named.len().saturating_sub(LISTED),
            limit: exhausted.limit,
            reporting: exhausted.reporting,
            narrowing,
        }
    }

    /// What went wrong, in one line.
    pub fn message(&self) -> String {
        let cases = if self.limit == 1 { "case" } else { "cases" };
        if self.reporting {
            format!(
                "`covenant {}` stopped: the answer about `{}` has more branches, spans or regions than --max-cases {} lets it report (each costs {REPORTED_COST} cases)",
                self.command, self.action, self.limit
            )
        } else {
            format!(
                "`covenant {}` stopped: the questions about `{}` need more than {} {cases} to answer exactly",
                self.command, self.action, self.limit
            )
        }
    }

    /// What made the space large, how to narrow the question, and how to raise the limit.
    pub fn hint(&self) -> String {
        let mut parts = Vec::new();
        if self.dimensions.is_empty() && !self.reporting {
            parts.push(format!(
                "what made it large: the rules about `{}` themselves (how many there are, how their dates overlap, how they override each other)",
                self.action
            ));
        }
        if !self.dimensions.is_empty() {
            let more = if self.more_dimensions > 0 {
                format!(" and {} more", self.more_dimensions)
            } else {
                String::new()
            };
            parts.push(format!(
                "what made it large: {}{more}",
                self.dimensions.join(", ")
            ));
        }
        if !self.narrowing.is_empty() {
            parts.push(format!(
                "narrow the question, e.g. with {}",
                self.narrowing.join(" or ")
            ));
        }
        let raised = self.limit.saturating_mul(10).max(1_000_000);
        let raise = format!("raise the limit, e.g. --max-cases {raised}");
        if parts.len() > 1 || !self.narrowing.is_empty() {
            parts.push(format!("or {raise}"));
        } else {
            parts.push(raise);
        }
        parts.join("; ")
    }
}

/// Small helpers for the tests of the space's parts.
#[cfg(test)]
mod testing {
    use crate::terms::ValueSet;

    /// The set of the values at `indices`.
    pub fn set(indices: &[usize]) -> ValueSet {
        indices
            .iter()
            .fold(ValueSet::default(), |s, &i| s.union(ValueSet::single(i)))
    }

    /// Every point of a grid of `sizes`, the dumb way.
    pub fn grid(sizes: &[usize]) -> Vec<Vec<usize>> {
        let mut all = vec![Vec::new()];
        for &size in sizes {
            all = all
                .into_iter()
                .flat_map(|p: Vec<usize>| {
                    (0..size).map(move |v| {
                        let mut q = p.clone();
                        q.push(v);
                        q
                    })
                })
                .collect();
        }
        all
    }
}
