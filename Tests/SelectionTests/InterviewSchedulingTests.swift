import PropertyBased
import SeleksiCore
import Testing

@testable import Selection

@Suite("Interview scheduling: panels, slots in the place's zone, no double booking, conflicts, a report for whoever is not placed")
struct InterviewSchedulingTests {
    /// Monday 18 January 2027 (1 January 2027 is a Friday).
    static let monday = LocalDate("2027-01-18")!

    static func panel(
        _ id: String,
        interviewers: [String] = ["pewawancara-1"],
        zone: IndonesianTimeZone = .wita,
        slot: Int = 30,
        buffer: Int = 10,
        days: Int = 1,
        opens: Int = 8 * 60,
        closes: Int = 12 * 60,
        formations: Set<String> = []
    ) -> InterviewPanel {
        InterviewPanel(
            id: id,
            interviewers: interviewers,
            place: "Aula BKD Kota Kupang",
            zone: zone,
            slotMinutes: slot,
            bufferMinutes: buffer,
            firstDay: monday,
            lastDay: LocalDate(daysSinceEpoch: monday.daysSinceEpoch + days - 1),
            opens: opens,
            closes: closes,
            formations: formations
        )
    }

    static func at(_ zone: IndonesianTimeZone, _ day: LocalDate, _ hour: Int, _ minute: Int = 0) -> Int64 {
        zone.instant(localDay: day.year, day.month, day.day, hour: hour, minute: minute)
    }

    @Test("a calendar day knows its weekday and refuses what is not a day")
    func localDate() {
        #expect(Self.monday.weekday == 1 && LocalDate("2027-01-24")!.weekday == 7 && LocalDate("1970-01-01")!.weekday == 4)
        #expect(LocalDate("2028-02-29") != nil && LocalDate("2027-02-29") == nil && LocalDate("2027-13-01") == nil && LocalDate("18-01-2027") == nil)
        #expect(LocalDate(daysSinceEpoch: Self.monday.daysSinceEpoch).description == "2027-01-18")
    }

    @Test("slots follow the panel's length and buffer, within its hours in its own zone, on working days only")
    func slots() throws {
        // 08.00-12.00 WITA, 30 minutes and 10 between: 08.00, 08.40, … 11.20 (ends 11.50).
        let panel = InterviewPanel(
            id: "P1",
            interviewers: ["a"],
            place: "Aula",
            zone: .wita,
            slotMinutes: 30,
            bufferMinutes: 10,
            firstDay: Self.monday,
            lastDay: LocalDate("2027-01-25")!,
            holidays: [LocalDate("2027-01-20")!],
            opens: 480,
            closes: 720
        )
        #expect(panel.workingDays.map(\.description) == ["2027-01-18", "2027-01-19", "2027-01-21", "2027-01-22", "2027-01-25"])
        let slots = try panel.slots()
        #expect(slots.count == 5 * 6)
        let first = slots.prefix(6).map { IndonesianTimeZone.wita.local($0.start) }
        #expect(first.map { $0.hour * 60 + $0.minute } == [480, 520, 560, 600, 640, 680])
        // 08.00 WITA is 00.00 UTC and 07.00 WIB: the instant, not a wall clock.
        #expect(slots[0].start == Self.at(.wib, Self.monday, 7) && slots[0].end - slots[0].start == 30 * 60_000)
        // A Jayapura panel's 08.00 is an hour before Makassar's.
        #expect(try Self.panel("P2", zone: .wit).slots()[0].start == slots[0].start - 3_600_000)
    }

    @Test("a panel that cannot work is refused by name: no interviewers, hours, slot length, buffer, days")
    func badPanels() {
        let cases: [(InterviewPanel, String)] = [
            (Self.panel("P", interviewers: []), "panel-no-interviewers"),
            (Self.panel("P", interviewers: [""]), "panel-no-interviewers"),
            (Self.panel("P", opens: 720, closes: 480), "panel-hours"),
            (Self.panel("P", opens: 480, closes: 1500), "panel-hours"),
            (Self.panel("P", slot: 300), "panel-slot-length"),
            (Self.panel("P", slot: 2), "panel-slot-length"),
            (Self.panel("P", buffer: -5), "panel-buffer"),
            (Self.panel("P", days: 0), "panel-days"),
            (
                InterviewPanel(
                    id: "P",
                    interviewers: ["a"],
                    place: "x",
                    zone: .wib,
                    slotMinutes: 30,
                    bufferMinutes: 0,
                    firstDay: LocalDate("2027-01-23")!,
                    lastDay: LocalDate("2027-01-24")!,
                    opens: 480,
                    closes: 720
                ),
                "panel-days"
            ),
        ]
        for (panel, code) in cases {
            #expect(throws: InterviewSchedulingError.self) { try panel.validate() }
            do {
                _ = try InterviewScheduling.schedule([InterviewCandidate(participantNumber: "1", formationID: "F")], panels: [panel], gapMinutes: 0)
                Issue.record("\(code): scheduled anyway")
            } catch { #expect(error.code == code, "\(error)") }
        }
        #expect(throws: InterviewSchedulingError.self) {
            try InterviewScheduling.schedule([], panels: [Self.panel("P"), Self.panel("P")], gapMinutes: 0)
        }
        #expect(throws: InterviewSchedulingError.self) {
            try InterviewScheduling.schedule(
                [InterviewCandidate(participantNumber: "1", formationID: "F"), InterviewCandidate(participantNumber: "1", formationID: "G")],
                panels: [Self.panel("P")],
                gapMinutes: 0
            )
        }
    }

    @Test("a slot outside the working hours or days, or off the panel's grid, is refused with the panel's hours in its zone")
    func slotChecks() throws {
        let panel = Self.panel("P1")
        let good = try panel.slots()[2]
        try panel.check(good)
        let cases: [(InterviewSlot, String)] = [
            (InterviewSlot(panelID: "P1", start: Self.at(.wita, Self.monday, 7), end: Self.at(.wita, Self.monday, 7, 30)), "slot-outside-hours"),
            (InterviewSlot(panelID: "P1", start: Self.at(.wita, Self.monday, 11, 40), end: Self.at(.wita, Self.monday, 12, 10)), "slot-outside-hours"),
            // 08.00 WIB is 09.00 WITA: inside the hours but not one of the panel's slots.
            (InterviewSlot(panelID: "P1", start: Self.at(.wib, Self.monday, 8), end: Self.at(.wib, Self.monday, 8, 30)), "slot-not-in-panel"),
            (
                InterviewSlot(panelID: "P1", start: Self.at(.wita, LocalDate("2027-01-19")!, 8), end: Self.at(.wita, LocalDate("2027-01-19")!, 8, 30)),
                "slot-outside-hours"
            ),
            (InterviewSlot(panelID: "P1", start: good.start, end: good.end + 60_000), "slot-not-in-panel"),
            (InterviewSlot(panelID: "P2", start: good.start, end: good.end), "slot-not-in-panel"),
        ]
        for (slot, code) in cases {
            do {
                try panel.check(slot)
                Issue.record("\(code): accepted")
            } catch { #expect(error.code == code, "\(error)") }
        }
        do { try panel.check(cases[0].0) } catch { #expect(error.message.contains("08.00-12.00 WITA"), "\(error.message)") }
    }

    @Test("more candidates than slots: every slot is filled and each one left over is reported as full, none silently dropped")
    func overCapacity() throws {
        let candidates = (1...10).map { InterviewCandidate(participantNumber: "N\($0 < 10 ? "0" : "")\($0)", formationID: "F") }
        let schedule = try InterviewScheduling.schedule(candidates, panels: [Self.panel("P1")], gapMinutes: 0)
        #expect(schedule.placed.count == 6)
        #expect(schedule.unplaced.count == 4 && schedule.unplaced.allSatisfy { $0.reason == .full })
        #expect(Set(schedule.placed.map(\.participantNumber) + schedule.unplaced.map(\.participantNumber)) == Set(candidates.map(\.participantNumber)))
        #expect(UnplacedReason.full.message.contains("penuh"))
    }

    @Test("an interviewer conflicted with everyone: that panel meets nobody, the other panel takes whom it can, the rest are told why")
    func conflictedWithEveryone() throws {
        let candidates = (1...4).map { InterviewCandidate(participantNumber: "N\($0)", formationID: "F", conflicts: ["kepala-bidang"]) }
        let panels = [Self.panel("P1", interviewers: ["kepala-bidang", "staf"]), Self.panel("P2", interviewers: ["staf-2"], slot: 60, buffer: 20)]
        // P2: 08.00, 09.20, 10.40 (ends 11.40): three slots for four candidates.
        let schedule = try InterviewScheduling.schedule(candidates, panels: panels, gapMinutes: 0)
        #expect(schedule.placed.allSatisfy { $0.slot.panelID == "P2" } && schedule.placed.count == 3)
        #expect(schedule.unplaced.map(\.reason) == [.full])
        // With P2 gone, every one of them is reported as conflicted, not as "full".
        let alone = try InterviewScheduling.schedule(candidates, panels: [panels[0]], gapMinutes: 0)
        #expect(alone.placed.isEmpty && alone.unplaced.count == 4 && alone.unplaced.allSatisfy { $0.reason == .everyPanelConflicted })
        // And a formation nobody interviews for.
        let other = try InterviewScheduling.schedule(
            [InterviewCandidate(participantNumber: "X", formationID: "G")],
            panels: [Self.panel("P1", formations: ["F"])],
            gapMinutes: 0
        )
        #expect(other.unplaced.map(\.reason) == [.noPanel])
    }

    @Test("the CAT SKB session and its gap are kept clear, across zones: a WIB session pushes a WITA interview past it")
    func catClash() throws {
        // CAT SKB 07.00-08.30 WIB = 08.00-09.30 WITA; a gap of 30 minutes: 10.00 WITA is the first slot clear of it.
        let busy = Self.at(.wib, Self.monday, 7)..<Self.at(.wib, Self.monday, 8, 30)
        let candidate = InterviewCandidate(participantNumber: "N1", formationID: "F", busy: [busy])
        let schedule = try InterviewScheduling.schedule([candidate], panels: [Self.panel("P1")], gapMinutes: 30)
        #expect(schedule.placed.map(\.slot.start) == [Self.at(.wita, Self.monday, 10)])
        // A session over the whole day: every slot clashes, and the report says so.
        let allDay = InterviewCandidate(participantNumber: "N2", formationID: "F", busy: [Self.at(.wita, Self.monday, 6)..<Self.at(.wita, Self.monday, 13)])
        let none = try InterviewScheduling.schedule([allDay], panels: [Self.panel("P1")], gapMinutes: 0)
        #expect(none.placed.isEmpty && none.unplaced.map(\.reason) == [.everySlotClashes])
    }

    @Test("the most constrained are not crowded out: a later choice is moved so that everyone fits")
    func augmenting() throws {
        // A can go to P1 or P2; B only to P1, which has one slot. Placing A first on P1
        // would leave B out; the schedule places both.
        let p1 = Self.panel("P1", slot: 240, formations: ["F", "G"])
        let p2 = Self.panel("P2", slot: 240, formations: ["F"])
        let a = InterviewCandidate(participantNumber: "A", formationID: "F")
        let b = InterviewCandidate(participantNumber: "B", formationID: "G")
        let schedule = try InterviewScheduling.schedule([a, b], panels: [p1, p2], gapMinutes: 0)
        #expect(schedule.unplaced.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: schedule.placed.map { ($0.participantNumber, $0.slot.panelID) }) == ["A": "P2", "B": "P1"])
    }

    /// A random small instance: up to 7 candidates over up to 3 panels of 1-3 slots each,
    /// with conflicts, CAT sessions and formations drawn so that they matter.
    struct Instance {
        var candidates: [InterviewCandidate]
        var panels: [InterviewPanel]
        var gap: Int
    }

    static func instance(_ seed: Int, _ size: Int) -> Instance {
        var random = UInt64(seed) &+ 7
        func next(_ bound: Int) -> Int {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((random >> 33) % UInt64(bound))
        }
        let interviewers = ["i1", "i2", "i3", "i4"]
        let formations = ["F", "G"]
        let panels = (0..<(1 + next(3))).map { index in
            panel(
                "P\(index)",
                interviewers: [interviewers[next(4)], interviewers[next(4)]],
                zone: IndonesianTimeZone.allCases[next(3)],
                slot: 60,
                buffer: next(2) * 30,
                closes: 8 * 60 + 60 * (1 + next(3)),
                formations: next(3) == 0 ? [] : [formations[next(2)]]
            )
        }
        let candidates = (0..<size).map { index in
            let start = at(.wib, monday, 5 + next(6))
            return InterviewCandidate(
                participantNumber: "N\(index)",
                formationID: formations[next(2)],
                busy: next(2) == 0 ? [] : [start..<start + Int64(30 + 30 * next(3)) * 60_000],
                conflicts: next(3) == 0 ? [interviewers[next(4)]] : []
            )
        }
        return Instance(candidates: candidates, panels: panels, gap: next(3) * 30)
    }

    /// Whether the candidate may take the slot, from the rules alone.
    static func allowed(_ candidate: InterviewCandidate, _ slot: InterviewSlot, _ panel: InterviewPanel, gap: Int) -> Bool {
        let gap = Int64(gap) * 60_000
        return (panel.formations.isEmpty || panel.formations.contains(candidate.formationID))
            && panel.interviewers.allSatisfy { !candidate.conflicts.contains($0) }
            && candidate.busy.allSatisfy { slot.start >= $0.upperBound + gap || slot.end <= $0.lowerBound - gap }
    }

    /// The most candidates any schedule places, by trying every assignment.
    static func bruteForce(_ instance: Instance) -> Int {
        let slots = instance.panels.flatMap { panel in ((try? panel.slots()) ?? []).map { (panel, $0) } }
        let options = instance.candidates.map { candidate in
            slots.indices.filter { allowed(candidate, slots[$0].1, slots[$0].0, gap: instance.gap) }
        }
        var used = Array(repeating: false, count: slots.count)
        var best = 0
        func search(_ index: Int, _ placed: Int) {
            best = max(best, placed)
            guard index < options.count, placed + options.count - index > best else { return }
            for slot in options[index] where !used[slot] {
                used[slot] = true
                search(index + 1, placed + 1)
                used[slot] = false
            }
            search(index + 1, placed)
        }
        search(0, 0)
        return best
    }

    @Test(
        "for any candidates and panels: no slot or candidate booked twice, conflicts and CAT gaps kept, as many placed as any schedule could, the rest reported, whatever the input order"
    )
    func properties() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...7), Gen.int(in: 0...1_000_000)) { size, seed in
            let instance = Self.instance(seed, size)
            guard let schedule = try? InterviewScheduling.schedule(instance.candidates, panels: instance.panels, gapMinutes: instance.gap) else {
                Issue.record("schedule failed")
                return
            }
            let panels = Dictionary(uniqueKeysWithValues: instance.panels.map { ($0.id, $0) })
            let candidates = Dictionary(uniqueKeysWithValues: instance.candidates.map { ($0.participantNumber, $0) })
            #expect(Set(schedule.placed.map(\.slot)).count == schedule.placed.count, "a slot booked twice")
            #expect(Set(schedule.placed.map(\.participantNumber)).count == schedule.placed.count, "a candidate booked twice")
            for placement in schedule.placed {
                let panel = panels[placement.slot.panelID]!
                #expect(Self.allowed(candidates[placement.participantNumber]!, placement.slot, panel, gap: instance.gap))
                #expect((try? panel.check(placement.slot)) != nil)
            }
            // Nobody silently dropped, and nobody left out while a schedule could have placed them.
            #expect(
                (schedule.placed.map(\.participantNumber) + schedule.unplaced.map(\.participantNumber)).sorted()
                    == instance.candidates.map(\.participantNumber).sorted()
            )
            #expect(schedule.placed.count == Self.bruteForce(instance), "seed \(seed)")
            let reversed = try? InterviewScheduling.schedule(
                instance.candidates.reversed(),
                panels: instance.panels.reversed(),
                gapMinutes: instance.gap
            )
            #expect(reversed?.placed == schedule.placed)
            #expect(reversed?.unplaced.map(\.participantNumber) == schedule.unplaced.map(\.participantNumber))
        }
    }
}

extension InterviewSchedulingTests {
    @Test("a second run keeps the slots booked in the first: newcomers get what is left, and are told when nothing is")
    func taken() throws {
        let panel = Self.panel("P1")
        let slots = try panel.slots()
        let earlier = Set(slots.prefix(5))
        let schedule = try InterviewScheduling.schedule(
            [InterviewCandidate(participantNumber: "B", formationID: "F"), InterviewCandidate(participantNumber: "A", formationID: "F")],
            panels: [panel],
            gapMinutes: 0,
            taken: earlier
        )
        #expect(schedule.placed.map(\.slot) == [slots[5]] && schedule.placed.map(\.participantNumber) == ["A"])
        #expect(schedule.unplaced.map(\.participantNumber) == ["B"] && schedule.unplaced.map(\.reason) == [.full])
    }
}
