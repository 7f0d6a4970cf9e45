import Foundation
import Testing

@testable import ExamEngine

@Suite("Numeric templates")
struct TemplateTests {
    private func value(_ text: String, _ values: [String: Int] = [:]) throws -> Fraction {
        try TemplateExpression.parse(text).evaluate(values)
    }

    @Test("expressions follow precedence and stay exact")
    func arithmetic() throws {
        #expect(try value("2 + 3 * 4") == Fraction(14))
        #expect(try value("(2 + 3) * 4") == Fraction(20))
        #expect(try value("2 ^ 3 ^ 2") == Fraction(512))
        #expect(try value("-3 + 10") == Fraction(7))
        #expect(try value("a * (100 - d) / 100", ["a": 150_000, "d": 15]) == Fraction(127_500))
        #expect(try value("1 / 3 + 2 / 3") == Fraction(1))
        #expect(try value("7 / 2").wholeNumber == nil)
    }

    @Test("bad expressions say what is wrong")
    func failures() {
        #expect(throws: ExpressionFailure.divisionByZero) { try value("1 / (2 - 2)") }
        #expect(throws: ExpressionFailure.unknownParameter("b")) { try value("a + b", ["a": 1]) }
        #expect(throws: ExpressionFailure.self) { try TemplateExpression.parse("2 +") }
        #expect(throws: ExpressionFailure.self) { try TemplateExpression.parse("(2 + 3") }
        #expect(throws: ExpressionFailure.overflow) { try value("99999999999 * 99999999999") }
    }

    @Test("numbers print with Indonesian digit grouping")
    func grouping() {
        #expect(formatIndonesian(0) == "0")
        #expect(formatIndonesian(999) == "999")
        #expect(formatIndonesian(1_024) == "1.024")
        #expect(formatIndonesian(1_250_000) == "1.250.000")
        #expect(formatIndonesian(-4_500) == "-4.500")
    }

    private let template = """
        templates:
          - id: t-deret
            version: 1
            subtest: A
            topic: x
            difficulty: 1
            stem: "Lanjutkan: {a}, {a+d}, {a+2*d}, {a+3*d}, ..."
            answer: "a + 4*d"
            distractors: ["a + 4*d + 1", "a + 5*d", "a + 3*d + 1", "a + 4*d - 2"]
            explanation: "Selisih {d}."
            instances:
              - {a: 3, d: 4}
              - {a: 1000, d: 250}
          - id: t-banding
            version: 1
            subtest: A
            topic: y
            difficulty: 2
            stem: "P = {p} × {q}, Q = {p + q}"
            compare: ["p * q", "p + q"]
            instances:
              - {p: 2, q: 2}
              - {p: 3, q: 4}
              - {p: 1, q: 5}
        """

    @Test("template keys are computed: hand-checked instances")
    func instances() throws {
        let bank = try loadSmall(TemporaryFolder(), files: ["w.yaml": validSmallFiles()["w.yaml"]!, "t.yaml": template])
        let first = try #require(bank.item("t-deret-1"))
        #expect(first.stem == "Lanjutkan: 3, 7, 11, 15, ...")
        // a + 4d = 19; distractors 20, 23, 16, 17; shown sorted.
        #expect(first.options.map(\.text) == ["16", "17", "19", "20", "23"])
        #expect(first.key == .correct(optionIndex: 2))
        #expect(first.explanation == "Selisih 4.")
        #expect(first.templateID == "t-deret")
        let second = try #require(bank.item("t-deret-2"))
        #expect(second.stem == "Lanjutkan: 1.000, 1.250, 1.500, 1.750, ...")
        #expect(second.options[second.optionIndex(of: "A")!].text == "1.751")  // a+3d+1 is the smallest
        if case .correct(let index) = second.key { #expect(second.options[index].text == "2.000") }

        // 2×2 = 2+2, 3×4 > 3+4, 1×5 < 1+5
        #expect(bank.item("t-banding-1")?.key == .correct(optionIndex: 2))
        #expect(bank.item("t-banding-2")?.key == .correct(optionIndex: 0))
        #expect(bank.item("t-banding-3")?.key == .correct(optionIndex: 1))
        #expect(bank.item("t-banding-1")?.options.last?.fixed == true)
    }

    @Test("an instance whose distractor equals the answer, or whose value is a fraction, is refused with its line")
    func badInstances() {
        let clash = template.replacingOccurrences(of: "- {a: 1000, d: 250}", with: "- {a: 1000, d: 1}")
        let found = problems(TemporaryFolder(), files: ["w.yaml": validSmallFiles()["w.yaml"]!, "t.yaml": clash])
        // d = 1: a+5d = 1005 equals the distractor a+4d+1 before it.
        #expect(found.map(\.code) == ["duplicate-option"])
        #expect(found.first?.itemID == "t-deret-2")
        #expect(found.first?.line == 13)

        let fraction = template.replacingOccurrences(of: "answer: \"a + 4*d\"", with: "answer: \"a + 4*d / 3\"")
        let fractional = problems(TemporaryFolder(), files: ["w.yaml": validSmallFiles()["w.yaml"]!, "t.yaml": fraction])
        #expect(fractional.map(\.code).contains("not-whole-number"))

        let missing = template.replacingOccurrences(of: "- {a: 3, d: 4}", with: "- {a: 3}")
        #expect(problems(TemporaryFolder(), files: ["w.yaml": validSmallFiles()["w.yaml"]!, "t.yaml": missing]).map(\.code) == ["unknown-parameter"])

        let syntax = template.replacingOccurrences(of: "answer: \"a + 4*d\"", with: "answer: \"a + * d\"")
        // The refused template leaves subtest A short as well: both are reported.
        #expect(
            problems(TemporaryFolder(), files: ["w.yaml": validSmallFiles()["w.yaml"]!, "t.yaml": syntax]).map(\.code) == [
                "expression-syntax", "too-few-items",
            ]
        )
    }
}
