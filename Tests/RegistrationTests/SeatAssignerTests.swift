import PropertyBased
import SeleksiCore
import Testing

@testable import Registration

@Suite("Seat assignment, as a pure rule")
struct SeatAssignerTests {
    @Test("for any applicants and slots: no slot over capacity, each seat at the chosen location, numbers consecutive, earlier first")
    func properties() async {
        let locations = ["Kupang", "Jakarta", "Manokwari"]
        await propertyCheck(
            count: 300,
            input: Gen.int(in: 0...40),
            Gen.int(in: 0...6),
            Gen.int(in: 0...1_000_000),
            Gen.int(in: 1...500)
        ) { applicants, slotCount, seed, firstSerial in
            var random = seed
            func next(_ bound: Int) -> Int {
                random = (random &* 1_103_515_245 &+ 12_345) & 0x7FFF_FFFF
                return random % bound
            }
            let waiting = (0..<applicants).map { SeatAssigner.Waiting(applicationID: Int64($0), testLocation: locations[next(3)]) }
            let slots = (0..<slotCount).map {
                ExamSlot(
                    id: "s\($0)",
                    periodID: "p",
                    venue: "V",
                    location: locations[next(3)],
                    startsAt: Int64($0),
                    timeZone: .wib,
                    sessionNumber: 1,
                    capacity: 1 + next(5),
                    assigned: next(2)
                )
            }
            let outcome = SeatAssigner.assign(waiting: waiting, slots: slots, prefix: "26", nextSerial: firstSerial)
            #expect(outcome.placements.count + outcome.unplaced == applicants)
            #expect(outcome.nextSerial == firstSerial + outcome.placements.count)
            for slot in slots {
                #expect(slot.assigned + outcome.placements.count { $0.slotID == slot.id } <= max(slot.capacity, slot.assigned))
            }
            for placement in outcome.placements {
                let slot = slots.first { $0.id == placement.slotID }
                #expect(slot?.location == waiting[Int(placement.applicationID)].testLocation)
            }
            #expect(
                outcome.placements.map(\.participantNumber)
                    == (0..<outcome.placements.count).map { ParticipantNumber.make(prefix: "26", serial: firstSerial + $0) }
            )
            // Earlier applicants are never passed over for later ones at the same location.
            for location in locations {
                let placedAt = outcome.placements.filter { waiting[Int($0.applicationID)].testLocation == location }.map(\.applicationID)
                let wanting = waiting.filter { $0.testLocation == location }.map(\.applicationID)
                #expect(Array(wanting.prefix(placedAt.count)) == placedAt)
            }
        }
    }

    @Test("only MS applications without an open objection are seated, in the order registration was ended")
    func eligibility() {
        let submitted = [
            SeatAssigner.Submitted(applicationID: 4, result: .ms, objectionPending: false, submittedAt: 30, testLocation: "Kupang"),
            SeatAssigner.Submitted(applicationID: 1, result: .tms, objectionPending: false, submittedAt: 10, testLocation: "Kupang"),
            SeatAssigner.Submitted(applicationID: 2, result: nil, objectionPending: false, submittedAt: 11, testLocation: "Kupang"),
            SeatAssigner.Submitted(applicationID: 3, result: .ms, objectionPending: true, submittedAt: 12, testLocation: "Kupang"),
            SeatAssigner.Submitted(applicationID: 6, result: .ms, objectionPending: false, submittedAt: 20, testLocation: "Jakarta"),
            SeatAssigner.Submitted(applicationID: 5, result: .ms, objectionPending: false, submittedAt: 20, testLocation: "Kupang"),
        ]
        #expect(SeatAssigner.waiting(submitted).map(\.applicationID) == [5, 6, 4])
    }
}
