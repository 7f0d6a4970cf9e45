import Foundation
import PropertyBased
import SeleksiCore
import Testing

@Suite("Indonesia's three time zones")
struct TimeZoneTests {
    @Test("07.30 in Kupang (WITA) is 23.30 UTC the day before, and 06.30 WIB")
    func knownInstant() {
        let kupang = IndonesianTimeZone.wita.instant(localDay: 2027, 2, 12, hour: 7, minute: 30)
        #expect(kupang == 1_802_388_600_000)  // 2027-02-11T23:30:00Z
        #expect(IndonesianTimeZone.wib.local(kupang) == (2027, 2, 12, 6, 30))
        #expect(IndonesianTimeZone.wit.local(kupang) == (2027, 2, 12, 8, 30))
    }

    @Test("a local time survives the trip to an instant and back, in every zone, on any day including leap days")
    func roundTrip() async {
        await propertyCheck(count: 2_000, input: Gen.int(in: 1970...2100), Gen.int(in: 1...12), Gen.int(in: 1...31), Gen.int(in: 0...23), Gen.int(in: 0...59)) {
            year,
            month,
            day,
            hour,
            minute in
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            let day = min(day, days)
            for zone in IndonesianTimeZone.allCases {
                let local = zone.local(zone.instant(localDay: year, month, day, hour: hour, minute: minute))
                #expect(local == (year, month, day, hour, minute), "\(zone) \(year)-\(month)-\(day) \(hour):\(minute)")
            }
        }
    }

    @Test("the zone follows Foundation's calendar for instants across a century")
    func agreesWithFoundation() async {
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...4_102_444_800)) { seconds in
            for zone in IndonesianTimeZone.allCases {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(secondsFromGMT: Int(zone.offsetMilliseconds / 1000))!
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(seconds)))
                #expect(zone.local(Int64(seconds) * 1000) == (c.year!, c.month!, c.day!, c.hour!, c.minute!))
            }
        }
    }
}

@Suite("The server's clock within a process")
struct AnchoredClockTests {
    @Test("stepping the wall clock changes nothing; elapsed monotonic time is what moves it")
    func anchored() {
        let wall = ManualClock(1_800_000_000_000)
        let monotonic = ManualMonotonic()
        let clock = AnchoredClock(wall: wall, monotonic: monotonic)
        #expect(clock.nowMilliseconds() == 1_800_000_000_000)
        wall.advance(seconds: 3_600)
        #expect(clock.nowMilliseconds() == 1_800_000_000_000)
        wall.advance(seconds: -7_200)
        monotonic.advance(seconds: 10)
        #expect(clock.nowMilliseconds() == 1_800_000_010_000)
    }
}

@Suite("The short-lived cache")
struct TTLCacheTests {
    @Test("an entry lives for its lifetime on the injected clock, not the machine's")
    func lifetime() {
        let clock = ManualClock()
        let cache = TTLCache<Int>(clock: clock, lifetimeMilliseconds: 1_000)
        cache.set("periode", 1)
        clock.advance(seconds: 0.999)
        #expect(cache.get("periode") == 1)
        clock.advance(seconds: 0.001)
        #expect(cache.get("periode") == nil)
        cache.set("periode", 2)
        cache.clear()
        #expect(cache.get("periode") == nil)
    }
}

@Suite("Time zones at the edges")
struct TimeZoneEdgeTests {
    @Test("the largest and smallest instants are read without overflow (a timetable with Int64.max once crashed the portal)")
    func extremes() {
        for zone in IndonesianTimeZone.allCases {
            #expect((9999...10000).contains(zone.local(.max).year))
            #expect(zone.local(.min).year == 1)
        }
    }
}
