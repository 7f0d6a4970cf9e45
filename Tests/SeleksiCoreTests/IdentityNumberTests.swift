import Foundation
import PropertyBased
import SeleksiCore
import Testing

@Suite("NIK and participant numbers")
struct IdentityNumberTests {
    @Test("a NIK gives its province, birth date and sex (day + 40 for women)")
    func parsesNIK() throws {
        let woman = try NIK("3201014101990001")
        #expect(woman.provinceCode == 32 && woman.sex == .female && woman.birthDay == 1 && woman.birthMonth == 1 && woman.birthYearTwoDigits == 99)
        #expect(woman.agrees(year: 1999, month: 1, day: 1, sex: .female))
        #expect(!woman.agrees(year: 1999, month: 1, day: 1, sex: .male))
        #expect(!woman.agrees(year: 1998, month: 1, day: 1, sex: .female))
        let man = try NIK("9471010507980002")
        #expect(man.sex == .male && man.birthDay == 5 && man.birthMonth == 7 && NIK.papuaProvinces.contains(man.provinceCode))
    }

    @Test("bad NIKs are refused with the reason")
    func refusesNIK() {
        #expect(throws: NIK.Problem.notSixteenDigits) { try NIK("320101410199000") }
        #expect(throws: NIK.Problem.notSixteenDigits) { try NIK("３２０１０１４１０１９９０００１") }
        #expect(throws: NIK.Problem.unknownProvince(10)) { try NIK("1001014101990001") }
        #expect(throws: NIK.Problem.impossibleBirthDate) { try NIK("3201013102990001") }  // 31 February
        #expect(throws: NIK.Problem.impossibleBirthDate) { try NIK("3201017201990001") }  // day 32 for a woman
        #expect(throws: NIK.Problem.zeroSerial) { try NIK("3201014101990000") }
    }

    @Test("every real birth date and sex round-trips through a NIK")
    func roundTrip() async {
        await propertyCheck(count: 500, input: Gen.int(in: 1...12), Gen.int(in: 1...28), Gen.int(in: 0...99), Gen.bool) { month, day, year, female in
            let dd = day + (female ? 40 : 0)
            let text = "35" + "7801" + String(format: "%02d%02d%02d", dd, month, year) + "0042"
            let nik = try? NIK(text)
            #expect(nik?.agrees(year: 1900 + year, month: month, day: day, sex: female ? .female : .male) == true)
        }
    }

    @Test("the check digit catches every single-digit error and every swap of neighbours")
    func dammCatchesTypos() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...999_999), Gen.int(in: 0...6), Gen.int(in: 1...9)) { serial, position, delta in
            let number = ParticipantNumber.make(prefix: "26", serial: serial)
            #expect(ParticipantNumber.isValid(number))
            var digits = Array(number.utf8)
            let index = position % digits.count
            digits[index] = UInt8(48 + (Int(digits[index]) - 48 + delta) % 10)
            #expect(!ParticipantNumber.isValid(String(decoding: digits, as: UTF8.self)))
            var swapped = Array(number.utf8)
            if swapped[index] != swapped[index + 1] {
                swapped.swapAt(index, index + 1)
                #expect(!ParticipantNumber.isValid(String(decoding: swapped, as: UTF8.self)))
            }
        }
        #expect(ParticipantNumber.make(prefix: "26", serial: 1).count == 9)
        #expect(!ParticipantNumber.isValid("26000001x"))
    }
}
