/// One candidate to be interviewed: who, for which formation, when they are already taken
/// (their CAT SKB session, and anything else fixed), and the interviewers they declared a
/// conflict of interest with (a relative, a superior, a former student).
public struct InterviewCandidate: Sendable, Hashable {
    public let participantNumber: String
    public let formationID: String
    /// Times they cannot be interviewed, each from its start to its end (milliseconds).
    public let busy: [Range<Int64>]
    /// Staff ids of interviewers they may not meet.
    public let conflicts: Set<String>

    public init(participantNumber: String, formationID: String, busy: [Range<Int64>] = [], conflicts: Set<String> = []) {
        self.participantNumber = participantNumber
        self.formationID = formationID
        self.busy = busy
        self.conflicts = conflicts
    }
}

/// Why a candidate could not be given a slot: a report the committee can act on (add a
/// panel, a day, another interviewer), so that nobody is silently dropped.
public enum UnplacedReason: String, Sendable, Hashable, Codable {
    /// No panel interviews for their formation.
    case noPanel = "no-panel"
    /// Every panel of their formation has an interviewer they declared a conflict with.
    case everyPanelConflicted = "every-panel-conflicted"
    /// Every slot they could have clashes with their CAT SKB session (or the gap around it).
    case everySlotClashes = "every-slot-clashes"
    /// Their panels' slots are all given to others: more candidates than slots.
    case full

    public var message: String {
        switch self {
        case .noPanel: "tidak ada panel wawancara untuk formasinya"
        case .everyPanelConflicted: "setiap panel formasinya memuat pewawancara yang berkonflik kepentingan dengannya"
        case .everySlotClashes: "setiap slot panelnya bentrok dengan sesi CAT SKB-nya (termasuk jedanya)"
        case .full: "slot panel formasinya sudah penuh: peserta lebih banyak daripada slot"
        }
    }
}

public struct InterviewPlacement: Sendable, Hashable {
    public let participantNumber: String
    public let slot: InterviewSlot
}

public struct InterviewSchedule: Sendable {
    /// In time order (then panel id).
    public let placed: [InterviewPlacement]
    /// In participant-number order, each with the reason.
    public let unplaced: [(participantNumber: String, reason: UnplacedReason)]
}

/// Interview scheduling (domain stage 6): every candidate who passed to the SKB gets one
/// slot of a panel that interviews for their formation, such that no slot holds two
/// candidates (no panel is double-booked) and no candidate holds two slots, no slot lies
/// within `gapMinutes` of a time the candidate is taken (their CAT SKB session), and no
/// candidate meets an interviewer they declared a conflict with.
///
/// As many candidates are placed as any schedule could place: the most constrained go
/// first, each to the earliest free slot among their panels, and then, for anyone left,
/// a search for a chain of moves that frees a slot (an augmenting path; a search that
/// fails is not repeated until a move succeeds). Pure and deterministic: the result
/// does not depend on the order of the input.
public enum InterviewScheduling {
    public static func schedule(
        _ candidates: [InterviewCandidate],
        panels: [InterviewPanel],
        gapMinutes: Int,
        taken: Set<InterviewSlot> = []
    ) throws(InterviewSchedulingError) -> InterviewSchedule {
        guard (0...1440).contains(gapMinutes) else { throw InterviewSchedulingError("gap", "jeda dengan sesi CAT SKB harus 0-1440 menit") }
        let panels = panels.sorted { $0.id < $1.id }
        let candidates = candidates.sorted { $0.participantNumber < $1.participantNumber }
        for (a, b) in zip(panels, panels.dropFirst()) where a.id == b.id {
            throw InterviewSchedulingError("panel-twice", "panel \(a.id) disebut dua kali")
        }
        for (a, b) in zip(candidates, candidates.dropFirst()) where a.participantNumber == b.participantNumber {
            throw InterviewSchedulingError("candidate-twice", "peserta \(a.participantNumber) disebut dua kali")
        }

        // Every slot, panel by panel; `ranges[p]` holds panel p's, in time order.
        var slots: [InterviewSlot] = []
        var ranges: [Range<Int>] = []
        for panel in panels {
            let own = try panel.slots()
            ranges.append(slots.count..<slots.count + own.count)
            slots.append(contentsOf: own)
        }
        var servesAll: [Int] = []
        var serving: [String: [Int]] = [:]
        for (index, panel) in panels.enumerated() {
            if panel.formations.isEmpty { servesAll.append(index) }
            for formation in panel.formations { serving[formation, default: []].append(index) }
        }
        let gap = Int64(gapMinutes) * 60_000

        var state = State(slots: slots, ranges: ranges, candidates: candidates, gap: gap)
        // Slots booked before this run (by those scheduled earlier) stay theirs.
        for (index, slot) in slots.enumerated() where taken.contains(slot) { state.occupant[index] = State.booked }
        var reasons: [Int: UnplacedReason] = [:]
        for (index, candidate) in candidates.enumerated() {
            let all = ((serving[candidate.formationID] ?? []) + servesAll).sorted()
            let free = all.filter { panels[$0].interviewers.allSatisfy { !candidate.conflicts.contains($0) } }
            state.eligible[index] = free
            if all.isEmpty { reasons[index] = .noPanel } else if free.isEmpty { reasons[index] = .everyPanelConflicted }
        }

        // The most constrained first: fewest slots to choose from, then by number.
        let capacity = state.eligible.map { $0.reduce(0) { $0 + ranges[$1].count } }
        let order = candidates.indices.sorted { capacity[$0] != capacity[$1] ? capacity[$0] < capacity[$1] : $0 < $1 }
        var left: [Int] = []
        for candidate in order where reasons[candidate] == nil {
            if let slot = state.earliestFree(candidate) { state.take(slot, candidate) } else { left.append(candidate) }
        }
        for candidate in left.sorted() where !state.augment(candidate) {
            reasons[candidate] = state.anySlot(candidate) ? .full : .everySlotClashes
        }

        var placed: [InterviewPlacement] = []
        for (slot, holder) in state.occupant.enumerated() where holder >= 0 {
            // (`State.booked` slots were someone else's already.)
            placed.append(InterviewPlacement(participantNumber: candidates[Int(holder)].participantNumber, slot: slots[slot]))
        }
        placed.sort { ($0.slot.start, $0.slot.panelID) < ($1.slot.start, $1.slot.panelID) }
        let unplaced = reasons.keys.sorted().map { (candidates[$0].participantNumber, reasons[$0]!) }
        return InterviewSchedule(placed: placed, unplaced: unplaced)
    }

    /// The matching of candidates to slots as it is built.
    struct State {
        let slots: [InterviewSlot]
        let ranges: [Range<Int>]
        let candidates: [InterviewCandidate]
        let gap: Int64
        /// Per candidate, the panels (indices) they may be interviewed by.
        var eligible: [[Int]]
        /// Per slot, the candidate holding it, -1 when free, `booked` when held from before.
        var occupant: [Int32]
        static let booked: Int32 = -2
        /// Per candidate, the slot they hold, or -1.
        var held: [Int32]
        /// Per panel, the first slot that may be free (every one before it is taken).
        var firstFree: [Int]
        /// Slots a failed search went through, by the search round that marked them.
        var seen: [Int32]
        var round: Int32 = 1

        init(slots: [InterviewSlot], ranges: [Range<Int>], candidates: [InterviewCandidate], gap: Int64) {
            self.slots = slots
            self.ranges = ranges
            self.candidates = candidates
            self.gap = gap
            eligible = Array(repeating: [], count: candidates.count)
            occupant = Array(repeating: -1, count: slots.count)
            held = Array(repeating: -1, count: candidates.count)
            firstFree = ranges.map(\.lowerBound)
            seen = Array(repeating: 0, count: slots.count)
        }

        func clashes(_ candidate: Int, _ slot: Int) -> Bool {
            let (start, end) = (slots[slot].start, slots[slot].end)
            return candidates[candidate].busy.contains { start < $0.upperBound + gap && $0.lowerBound - gap < end }
        }

        /// The earliest free slot among the candidate's panels that they can take (on a
        /// tie in time, the panel listed first).
        mutating func earliestFree(_ candidate: Int) -> Int? {
            var best: Int?
            for panel in eligible[candidate] {
                var slot = firstFree[panel]
                while slot < ranges[panel].upperBound, occupant[slot] != -1 { slot += 1 }
                firstFree[panel] = slot
                while slot < ranges[panel].upperBound, occupant[slot] != -1 || clashes(candidate, slot) { slot += 1 }
                guard slot < ranges[panel].upperBound else { continue }
                if best.map({ slots[slot].start < slots[$0].start }) ?? true { best = slot }
            }
            return best
        }

        /// Whether any slot of their panels avoids their busy times, free or not.
        func anySlot(_ candidate: Int) -> Bool {
            eligible[candidate].contains { panel in ranges[panel].contains { !clashes(candidate, $0) } }
        }

        mutating func take(_ slot: Int, _ candidate: Int) {
            occupant[slot] = Int32(candidate)
            held[candidate] = Int32(slot)
        }

        /// Places `root` by moving others along a chain: root takes a slot whose holder
        /// takes another slot … until one lands on a free slot. Depth-first, without
        /// recursion (a chain may be as long as the candidate list).
        mutating func augment(_ root: Int) -> Bool {
            struct Frame {
                let candidate: Int
                var panel = 0
                var slot = -1
                var chosen = -1
            }
            var stack = [Frame(candidate: root)]
            while !stack.isEmpty {
                let top = stack.count - 1
                let candidate = stack[top].candidate
                var next: Int?
                while next == nil, stack[top].panel < eligible[candidate].count {
                    let range = ranges[eligible[candidate][stack[top].panel]]
                    var slot = stack[top].slot < 0 ? range.lowerBound : stack[top].slot + 1
                    while slot < range.upperBound, seen[slot] == round || occupant[slot] == Self.booked || clashes(candidate, slot) { slot += 1 }
                    if slot < range.upperBound {
                        stack[top].slot = slot
                        next = slot
                    } else {
                        stack[top].panel += 1
                        stack[top].slot = -1
                    }
                }
                guard let slot = next else {
                    stack.removeLast()
                    continue
                }
                seen[slot] = round
                let holder = Int(occupant[slot])
                if holder < 0 {
                    // Free: everyone on the chain moves one step.
                    stack[top].chosen = slot
                    for frame in stack {
                        occupant[frame.chosen] = Int32(frame.candidate)
                        held[frame.candidate] = Int32(frame.chosen)
                    }
                    round += 1
                    return true
                }
                stack[top].chosen = slot
                stack.append(Frame(candidate: holder))
            }
            return false
        }
    }
}
