//! The dumb oracle the class-based engine is checked against: every point of
//! the question space of a small agreement, one by one — every parameter value,
//! every combination of facts and readings, on given dates — each decided by
//! the evaluator on fully known facts.

use chrono::NaiveDate;
use covenant::eval::{self, Decision, Question};
use covenant::terms::{Terms, ValueSet};

/// One fully specified question.
#[derive(Debug, Clone)]
pub struct Point {
    pub action: usize,
    pub params: Vec<usize>,
    pub date: NaiveDate,
    pub facts: Vec<usize>,
    pub readings: Vec<usize>,
}

/// Every combination of values of dimensions of these sizes, the last fastest.
pub fn product(sizes: &[usize]) -> Vec<Vec<usize>> {
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

/// The first day of each year from 1999 to 2000 + `years`, and the day before
/// each: a date on every piece between the generator's rule boundaries.
pub fn boundary_dates(years: usize) -> Vec<NaiveDate> {
    (0..=years + 1)
        .flat_map(|n| {
            let first = NaiveDate::from_ymd_opt(1999 + n as i32, 1, 1).expect("a valid date");
            [first, first.pred_opt().expect("a valid date")]
        })
        .collect()
}

/// Every point of `action` on `dates`.
pub fn points_of(terms: &Terms, action: usize, dates: &[NaiveDate]) -> Vec<Point> {
    let vocabulary = &terms.vocabulary;
    let facts = product(
        &vocabulary
            .facts
            .iter()
            .map(|f| f.values.len())
            .collect::<Vec<_>>(),
    );
    let readings = product(
        &vocabulary
            .disputes
            .iter()
            .map(|d| d.readings.len())
            .collect::<Vec<_>>(),
    );
    let params = product(
        &vocabulary.actions[action]
            .params
            .iter()
            .map(|p| p.values.len())
            .collect::<Vec<_>>(),
    );
    let mut points = Vec::new();
    for p in &params {
        for &date in dates {
            for f in &facts {
                for r in &readings {
                    points.push(Point {
                        action,
                        params: p.clone(),
                        date,
                        facts: f.clone(),
                        readings: r.clone(),
                    });
                }
            }
        }
    }
    points
}

/// Every point of every action on `dates`.
pub fn every_point(terms: &Terms, dates: &[NaiveDate]) -> Vec<Point> {
    (0..terms.vocabulary.actions.len())
        .flat_map(|action| points_of(terms, action, dates))
        .collect()
}

/// The decision `version` gives `point`.
pub fn decide(terms: &Terms, version: usize, point: &Point) -> Decision {
    let known: Vec<ValueSet> = point.facts.iter().map(|&v| ValueSet::single(v)).collect();
    let question = Question {
        version,
        action: point.action,
        params: &point.params,
        date: point.date,
        facts: &known,
        readings: &point.readings,
    };
    eval::decide(terms, &question, &point.facts)
}
