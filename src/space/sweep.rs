//! Time cut where rules start and stop, with the rules valid on each piece
//! kept up to date as the sweep moves on.

use crate::interval::{DateInterval, partition};

/// Cuts `window` at every date where one of `intervals` starts or stops and
/// calls `visit` on each piece, in date order, with the indices of the
/// intervals valid on all of it (ascending). The valid set is kept up to date as
/// the sweep moves from piece to piece, never recomputed from every interval:
/// `n` intervals cost `O(n log n)` plus the size of the valid sets visited.
pub fn sweep(
    window: DateInterval,
    intervals: &[DateInterval],
    mut visit: impl FnMut(DateInterval, &[usize]),
) {
    let cuts = intervals
        .iter()
        .flat_map(|interval| interval.from().into_iter().chain(interval.until()));
    let pieces = partition(window, cuts);
    // Where each interval starts and stops, as (piece position, interval), in order.
    let piece_of =
        |date: chrono::NaiveDate| pieces.partition_point(|p| p.until().is_some_and(|u| u <= date));
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(intervals.len());
    let mut stops: Vec<(usize, usize)> = Vec::with_capacity(intervals.len());
    for (index, interval) in intervals.iter().enumerate() {
        let Some(clipped) = interval.intersect(&window) else {
            continue;
        };
        starts.push((clipped.from().map_or(0, piece_of), index));
        if let Some(until) = clipped.until() {
            stops.push((piece_of(until), index));
        }
    }
    starts.sort_unstable();
    stops.sort_unstable();
    let (mut next_start, mut next_stop) = (0, 0);
    // The intervals valid on the current piece, ascending.
    let mut valid: Vec<usize> = Vec::new();
    for (position, piece) in pieces.iter().enumerate() {
        while next_stop < stops.len() && stops[next_stop].0 == position {
            if let Ok(at) = valid.binary_search(&stops[next_stop].1) {
                valid.remove(at);
            }
            next_stop += 1;
        }
        while next_start < starts.len() && starts[next_start].0 == position {
            if let Err(at) = valid.binary_search(&starts[next_start].1) {
                valid.insert(at, starts[next_start].1);
            }
            next_start += 1;
        }
        visit(*piece, &valid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    #[test]
    fn the_sweep_keeps_the_valid_intervals_of_each_piece() {
        let day = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        let intervals = [
            DateInterval::new(Some(day(2020)), Some(day(2030))).unwrap(),
            DateInterval::new(None, Some(day(2025))).unwrap(),
            DateInterval::new(Some(day(2025)), None).unwrap(),
        ];
        let mut seen = Vec::new();
        sweep(DateInterval::ALWAYS, &intervals, |piece, valid| {
            seen.push((piece.from(), valid.to_vec()));
        });
        assert_eq!(
            seen,
            vec![
                (None, vec![1]),
                (Some(day(2020)), vec![0, 1]),
                (Some(day(2025)), vec![0, 2]),
                (Some(day(2030)), vec![2]),
            ]
        );
    }

    proptest! {
        #[test]
        fn the_sweep_agrees_with_testing_every_interval_on_every_piece(
            raw in prop::collection::vec((prop::option::of(0i64..40), prop::option::of(1i64..40)), 0..8),
            window_from in prop::option::of(0i64..40),
        ) {
            let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
            let at = |n: i64| base + chrono::Duration::days(n);
            let intervals: Vec<DateInterval> = raw.iter().map(|&(from, len)| {
                DateInterval::new(from.map(at), len.map(|l| at(from.unwrap_or(0) + l))).unwrap()
            }).collect();
            let window = DateInterval::new(window_from.map(at), None).unwrap();
            let mut covered = 0;
            sweep(window, &intervals, |piece, valid| {
                let date = piece.representative();
                let expected: Vec<usize> = (0..intervals.len()).filter(|&i| intervals[i].contains(date)).collect();
                assert_eq!(valid, expected.as_slice(), "piece {piece}");
                covered += 1;
            });
            prop_assert!(covered >= 1);
        }
    }
}
