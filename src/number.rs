//! Exact decimal numbers, for number facts (`days_overdue > 30`, `control_change >= 50.5`).
//!
//! A [`Number`] is a whole count of billionths, so that every constant a rule
//! writes and every value a question gives compare exactly: no binary fraction
//! ever stands between `0.1 + 0.2` and `0.3`.

use std::fmt;

/// A decimal, held as a whole count of ten-billionths.
///
/// A rule's constant has at most [`Number::CONSTANT_FRACTION_DIGITS`] digits
/// after the point and [`Number::CONSTANT_WHOLE_DIGITS`] before it; a
/// question's value one digit more each way. So between any two constants,
/// and beyond the largest and smallest, there is always a value a question
/// can give: every class of a number fact can be asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(i128);

impl Number {
    /// Digits after the decimal point a rule's constant may have.
    pub const CONSTANT_FRACTION_DIGITS: usize = 9;
    /// Digits before the decimal point a rule's constant may have.
    pub const CONSTANT_WHOLE_DIGITS: usize = 17;
    const SCALE: i128 = 10_000_000_000;

    /// Parses a rule's constant: at most 17 digits before the point and 9 after.
    pub fn parse_constant(text: &str) -> Result<Number, String> {
        Self::parse_within(
            text,
            Self::CONSTANT_WHOLE_DIGITS,
            Self::CONSTANT_FRACTION_DIGITS,
        )
    }

    /// Parses a question's value, `31`, `-2.5` or `0.125`, explaining what is
    /// wrong when the text is not such a number: at most 18 digits before the
    /// point and 10 after, one more each way than a constant.
    ///
    /// ```
    /// use covenant::number::Number;
    /// assert!(Number::parse("0.1").unwrap() < Number::parse("0.10000001").unwrap());
    /// assert_eq!(Number::parse("2.50").unwrap().to_string(), "2.5");
    /// assert!(Number::parse("1e3").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Number, String> {
        Self::parse_within(
            text,
            Self::CONSTANT_WHOLE_DIGITS + 1,
            Self::CONSTANT_FRACTION_DIGITS + 1,
        )
    }

    fn parse_within(
        text: &str,
        whole_digits: usize,
        fraction_digits: usize,
    ) -> Result<Number, String> {
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
        if whole.len() > whole_digits {
            return Err(format!(
                "`{text}` is too large: numbers here have at most {whole_digits} digits before the point"
            ));
        }
        if fraction.len() > fraction_digits {
            return Err(format!(
                "`{text}` is too precise: numbers here have at most {fraction_digits} digits after the point"
            ));
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| not_a_number())?
        };
        let mut scaled_fraction: i128 = 0;
        for (i, b) in fraction.bytes().enumerate() {
            scaled_fraction += i128::from(b - b'0') * 10i128.pow(9 - i as u32);
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

    /// The number halfway between `self` and `other`; exact, and strictly
    /// between them, for two different constants.
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
            let digits = format!("{fraction:010}");
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
            ("0.0000000001", "0.0000000001"),
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
            "1.00000000001",
        ] {
            assert!(Number::parse(bad).is_err(), "{bad}");
        }
        assert!(Number::parse("1234567890123456789").is_err());
        // A constant has one digit less each way than a question's value.
        assert!(Number::parse_constant("1.0000000001").is_err());
        assert!(Number::parse_constant("123456789012345678").is_err());
        assert!(Number::parse_constant("12345678901234567.123456789").is_ok());
    }

    proptest! {
        /// Between two different constants, and past the largest one, there is a
        /// value a question can give.
        #[test]
        fn every_class_between_constants_can_be_asked_about(a in -99_999i64..99_999, b in -99_999i64..99_999) {
            prop_assume!(a != b);
            let text = |n: i64| format!("{}0.{:09}", if n < 0 { "-" } else { "" }, n.unsigned_abs());
            let (x, y) = (Number::parse_constant(&text(a)).unwrap(), Number::parse_constant(&text(b)).unwrap());
            let (low, high) = (x.min(y), x.max(y));
            let middle = low.midpoint(high);
            prop_assert!(low < middle && middle < high);
            prop_assert_eq!(Number::parse(&middle.to_string()).unwrap(), middle);
            let largest = Number::parse_constant("99999999999999999.999999999").unwrap();
            let above = largest.plus(Number::from_integer(1));
            prop_assert_eq!(Number::parse(&above.to_string()).unwrap(), above);
            let below = largest.minus(Number::from_integer(1)).minus(largest).minus(largest);
            prop_assert_eq!(Number::parse(&below.to_string()).unwrap(), below);
        }
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
