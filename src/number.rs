//! Exact decimal numbers, for number facts (`days_overdue > 30`, `control_change >= 50.5`).
//!
//! A [`Number`] is a whole count of billionths, so that every constant a rule
//! writes and every value a question gives compare exactly: no binary fraction
//! ever stands between `0.1 + 0.2` and `0.3`.

use std::fmt;

/// A decimal with at most [`Number::MAX_FRACTION_DIGITS`] digits after the point
/// and at most [`Number::MAX_WHOLE_DIGITS`] before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(i128);

impl Number {
    /// Digits after the decimal point a number may have.
    pub const MAX_FRACTION_DIGITS: usize = 9;
    /// Digits before the decimal point a number may have.
    pub const MAX_WHOLE_DIGITS: usize = 18;
    const SCALE: i128 = 1_000_000_000;

    /// Parses `31`, `-2.5` or `0.125`, explaining what is wrong when the text is not such a number.
    ///
    /// ```
    /// use covenant::number::Number;
    /// assert!(Number::parse("0.1").unwrap() < Number::parse("0.10000001").unwrap());
    /// assert_eq!(Number::parse("2.50").unwrap().to_string(), "2.5");
    /// assert!(Number::parse("1e3").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Number, String> {
        let not_a_number = || {
            format!(
                "`{text}` is not a number; write digits with an optional `-` and decimal point, e.g. 30 or 2.5"
            )
        };
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(not_a_number());
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > Self::MAX_WHOLE_DIGITS {
            return Err(format!(
                "`{text}` is too large: numbers have at most {} digits before the point",
                Self::MAX_WHOLE_DIGITS
            ));
        }
        if fraction.len() > Self::MAX_FRACTION_DIGITS {
            return Err(format!(
                "`{text}` is too precise: numbers have at most {} digits after the point",
                Self::MAX_FRACTION_DIGITS
            ));
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| not_a_number())?
        };
        let mut scaled_fraction: i128 = 0;
        for (i, b) in fraction.bytes().enumerate() {
            scaled_fraction += i128::from(b - b'0') * 10i128.pow(8 - i as u32);
        }
        let magnitude = whole * Self::SCALE + scaled_fraction;
        Ok(Number(if negative { -magnitude } else { magnitude }))
    }

    /// `self + other`, saturating at the ends of the range.
    pub fn plus(self, other: Number) -> Number {
        Number(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating at the ends of the range.
    pub fn minus(self, other: Number) -> Number {
        Number(self.0.saturating_sub(other.0))
    }

    /// The number halfway between `self` and `other`, rounded towards `self`
    /// to the last digit a number holds.
    pub fn midpoint(self, other: Number) -> Number {
        Number(self.0 + (other.0 - self.0) / 2)
    }

    /// The whole number `n`.
    pub fn from_integer(n: i64) -> Number {
        Number(i128::from(n) * Self::SCALE)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let scale = Self::SCALE as u128;
        let (whole, fraction) = (magnitude / scale, magnitude % scale);
        if fraction == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{fraction:09}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints_exactly() {
        for (text, shown) in [
            ("0", "0"),
            ("-0", "0"),
            ("30", "30"),
            ("007", "7"),
            ("-2.5", "-2.5"),
            ("0.000000001", "0.000000001"),
            ("123456789012345678.5", "123456789012345678.5"),
        ] {
            assert_eq!(Number::parse(text).unwrap().to_string(), shown, "{text}");
        }
        for bad in [
            "",
            "-",
            "1.",
            ".5",
            "1e3",
            "1.2.3",
            "+1",
            "0x10",
            "1 000",
            "1.0000000001",
        ] {
            assert!(Number::parse(bad).is_err(), "{bad}");
        }
        assert!(Number::parse("1234567890123456789").is_err());
    }

    proptest! {
        #[test]
        fn order_is_the_order_of_the_values(a in -1_000_000i64..1_000_000, b in -1_000_000i64..1_000_000) {
            // a/1000 and b/1000 as decimals compare as the integers do.
            let text = |n: i64| format!("{}{}.{:03}", if n < 0 { "-" } else { "" }, n.abs() / 1000, n.abs() % 1000);
            let (x, y) = (Number::parse(&text(a)).unwrap(), Number::parse(&text(b)).unwrap());
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(Number::parse(&x.to_string()).unwrap(), x);
        }
    }
}
