/// An interval in which a candidate's clock does not run: a session pause (a power
/// cut) or time the node itself was down. `to == nil` while it lasts.
public struct StoppedInterval: Sendable, Hashable, Codable {
    public let from: Int64
    public let to: Int64?

    public init(from: Int64, to: Int64?) {
        self.from = from
        self.to = to
    }
}

/// The time rule of one attempt, as a pure calculation: the candidate may work
/// `allowedMilliseconds` (duration + accommodations + proctor extensions), counted from
/// `startedAt`, and no stopped interval is charged.
public struct AttemptTiming: Sendable, Hashable {
    public let startedAt: Int64
    public let allowedMilliseconds: Int64
    public let stopped: [StoppedInterval]

    public init(startedAt: Int64, allowedMilliseconds: Int64, stopped: [StoppedInterval]) {
        self.startedAt = startedAt
        self.allowedMilliseconds = allowedMilliseconds
        self.stopped = stopped
    }

    /// Stopped time between the start and `now`. Overlapping intervals (a pause during
    /// which the node also went down) count once.
    public func stoppedMilliseconds(until now: Int64) -> Int64 {
        let clipped = stopped.map { (from: max($0.from, startedAt), to: min($0.to ?? now, now)) }
            .filter { $0.to > $0.from }
            .sorted { $0.from < $1.from }
        var total: Int64 = 0
        var reach = Int64.min
        for interval in clipped {
            let from = max(interval.from, reach)
            if interval.to > from { total += interval.to - from }
            reach = max(reach, interval.to)
        }
        return total
    }

    /// Whether the clock is stopped at `now` (a pause still open).
    public func isStopped(at now: Int64) -> Bool {
        stopped.contains { $0.from <= now && ($0.to.map { now < $0 } ?? true) }
    }

    /// Working time used at `now`.
    public func used(at now: Int64) -> Int64 {
        max(0, now - startedAt - stoppedMilliseconds(until: now))
    }

    /// Working time left at `now`, never negative.
    public func remaining(at now: Int64) -> Int64 {
        max(0, allowedMilliseconds - used(at: now))
    }

    /// Whether the attempt's time is over at `now`, allowing `grace` for answers in flight.
    public func isOver(at now: Int64, grace: Int64 = 0) -> Bool {
        used(at: now) > allowedMilliseconds + grace
    }
}
