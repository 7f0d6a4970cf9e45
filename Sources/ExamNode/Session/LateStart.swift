/// How late after the session opened a candidate may still start, and what a late start
/// costs. CAT practice, the default in `Config/exam-node.yaml`: the session's end is fixed,
/// so whoever starts late has that much less time; past the limit they may not start at all.
/// Lateness is working time since the opening: a pause or node downtime in between is not
/// counted against the candidate.
public struct LateStartRule: Sendable, Hashable {
    public var maximumMilliseconds: Int64
    public var shortensAttempt: Bool

    public init(maximumMilliseconds: Int64 = 30 * 60_000, shortensAttempt: Bool = true) {
        self.maximumMilliseconds = maximumMilliseconds
        self.shortensAttempt = shortensAttempt
    }

    /// The time allowed to a candidate starting at `now`, or the refusal.
    public func start(openedAt: Int64, allowed: Int64, stopped: [StoppedInterval], now: Int64) -> Result<Int64, ExamNodeError> {
        let lateness = AttemptTiming(startedAt: openedAt, allowedMilliseconds: 0, stopped: stopped).used(at: now)
        guard lateness <= maximumMilliseconds else { return .failure(.lateStart(limitMinutes: maximumMilliseconds / 60_000)) }
        guard shortensAttempt else { return .success(allowed) }
        let left = allowed - lateness
        guard left > 0 else { return .failure(.lateStart(limitMinutes: maximumMilliseconds / 60_000)) }
        return .success(left)
    }
}
