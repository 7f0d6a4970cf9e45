/// How long the node's link waits before trying the portal again: the usual interval
/// while the link works, and after failures a doubling wait (from 1 s up to the interval,
/// never more than 5 minutes), so a venue coming back online is synced within seconds and
/// a portal that is down is not hammered by every venue at once.
public enum SyncBackoff {
    /// Milliseconds to wait after `failures` failures in a row (0: the last round worked).
    public static func delay(afterFailures failures: Int, intervalMilliseconds interval: Int64) -> Int64 {
        guard failures > 0 else { return interval }
        let ceiling = min(max(interval, 1_000), 300_000)
        let doubled = Int64(1_000) << Int64(min(failures - 1, 20))
        return min(doubled, ceiling)
    }
}
