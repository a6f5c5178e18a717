//! Unix seconds to the UTC dates the output shows: git dates ("Last updated", `<lastmod>`) and
//! the feed's fallback date. The calendar arithmetic is `jiff`'s.

fn utc(secs: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// Unix seconds to the UTC calendar day, `YYYY-MM-DD`.
pub(crate) fn utc_day(secs: i64) -> String {
    utc(secs).strftime("%Y-%m-%d").to_string()
}

/// Unix seconds to an RFC 3339 UTC timestamp, `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn utc_timestamp(secs: i64) -> String {
    utc(secs).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc_day(0), "1970-01-01");
        assert_eq!(utc_day(20_413 * 86_400), "2025-11-21");
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(-1), "1969-12-31T23:59:59Z");
        assert_eq!(utc_day(1_746_566_999), "2025-05-06");
    }
}
