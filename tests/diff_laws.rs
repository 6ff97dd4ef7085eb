//! Laws of `covenant diff` on generated agreements: the reported regions hold
//! exactly the questions whose verdicts differ, a version does not differ from
//! itself, and swapping the versions swaps the sides of the same regions.

mod common;

use chrono::NaiveDate;
use common::oracle;
use common::{generated, shapes};
use covenant::diff::{self, Diff, DiffRequest};
use covenant::interval::DateInterval;
use covenant::space::Budget;
use covenant::terms::Terms;
use proptest::prelude::*;

/// Compares `a` with `b` over all time, every fact and every reading varied.
fn full_diff(terms: &Terms, a: usize, b: usize) -> Diff {
    let request = DiffRequest {
        facts: vec![None; terms.vocabulary.facts.len()],
        readings: vec![None; terms.vocabulary.disputes.len()],
        ..DiffRequest::new(terms, a, b, DateInterval::ALWAYS)
    };
    diff::diff(terms, &request, &mut Budget::default())
        .expect("small generated terms fit the budget")
}

/// A point of the question space, drawn from raw numbers.
struct Point {
    action: usize,
    params: Vec<usize>,
    date: NaiveDate,
    facts: Vec<usize>,
    readings: Vec<usize>,
}

fn point(terms: &Terms, raw: &[u32]) -> Point {
    let vocabulary = &terms.vocabulary;
    let action = raw[0] as usize % vocabulary.actions.len();
    let params = vocabulary.actions[action]
        .params
        .iter()
        .map(|p| raw[1] as usize % p.values.len())
        .collect();
    // Dates from 1998 to 2010, around the generated rule boundaries (2000-01-01 + n years).
    let date = NaiveDate::from_ymd_opt(1998, 1, 1).unwrap()
        + chrono::Duration::days(i64::from(raw[2] % 4800));
    let facts = (0..vocabulary.facts.len())
        .map(|f| raw[3 + f % 4] as usize >> f & 1)
        .collect();
    let readings = vocabulary
        .disputes
        .iter()
        .enumerate()
        .map(|(d, dispute)| (raw[5 + d % 2] as usize >> d) % dispute.readings.len())
        .collect();
    Point {
        action,
        params,
        date,
        facts,
        readings,
    }
}

fn verdicts_differ(terms: &Terms, point: &Point, a: usize, b: usize) -> bool {
    let point = oracle::Point {
        action: point.action,
        params: point.params.clone(),
        date: point.date,
        facts: point.facts.clone(),
        readings: point.readings.clone(),
    };
    oracle::decide(terms, a, &point).verdict != oracle::decide(terms, b, &point).verdict
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_point_is_in_a_region_if_and_only_if_the_verdicts_differ_there(
        shape in shapes(5, 24, 6),
        raws in prop::collection::vec(prop::collection::vec(any::<u32>(), 7), 64),
    ) {
        let terms = generated(&shape);
        let diff = full_diff(&terms, 0, 1);
        for raw in &raws {
            let point = point(&terms, raw);
            let holding = diff
                .regions
                .iter()
                .filter(|r| r.action == point.action
                    && r.contains(&point.params, point.date, &point.facts, &point.readings))
                .count();
            let differ = verdicts_differ(&terms, &point, 0, 1);
            prop_assert!(holding <= 1, "regions overlap at a point");
            prop_assert_eq!(holding == 1, differ,
                "action {} params {:?} on {} facts {:?} readings {:?}",
                point.action, point.params, point.date, point.facts, point.readings);
        }
    }

    #[test]
    fn a_version_does_not_differ_from_itself(shape in shapes(5, 24, 6)) {
        let terms = generated(&shape);
        prop_assert!(full_diff(&terms, 0, 0).is_empty());
        prop_assert!(full_diff(&terms, 1, 1).is_empty());
    }

    #[test]
    fn swapping_the_versions_swaps_the_sides_of_the_same_regions(shape in shapes(5, 24, 6)) {
        let terms = generated(&shape);
        let forward = full_diff(&terms, 0, 1);
        let mut backward = full_diff(&terms, 1, 0);
        for region in &mut backward.regions {
            std::mem::swap(&mut region.old, &mut region.new);
        }
        prop_assert_eq!(forward, backward);
    }
}
