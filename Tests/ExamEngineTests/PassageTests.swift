import ExamEngine
import Foundation
import PropertyBased
import Testing

/// Passages: a stimulus (reading text, table, figure) several items share, shown with
/// each of them, and kept together on a paper when the rule set says so.
@Suite("Passages")
struct PassageTests {
    /// A right/wrong item of subtest A that names `passage`.
    private func passageItem(_ id: String, passage: String, subtest: String = "A", topic: String = "x", correct: Int = 0) -> String {
        rightWrongItem(id, topic: topic, correct: correct)
            .replacingOccurrences(of: "    version: 1\n", with: "    version: 1\n    passage: \(passage)\n")
            .replacingOccurrences(of: "    subtest: A\n", with: "    subtest: \(subtest)\n")
    }

    private static let passageFile = """
        passages:
          - id: bacaan-1
            version: 1
            text: |
              Bacaan yang dipakai tiga soal.

        """

    /// The small bank plus `p.yaml`: passage bacaan-1 and its items p-1, p-2, p-3, and
    /// items a-4 ... a-9 beside them, all of subtest A topic x.
    private func files(passages: String = passageFile, extra: String = "") -> [String: String] {
        var all = validSmallFiles()
        let grouped = ["p-1", "p-2", "p-3"].map { passageItem($0, passage: "bacaan-1") }
        let loose = (4...9).map { rightWrongItem("a-\($0)") }
        all["p.yaml"] = passages + "items:\n" + (grouped + loose).joined(separator: "\n") + extra
        return all
    }

    @Test("an item that names a passage is shown with it: its text in the item's fingerprint, its figures among the item's")
    func loads() throws {
        let folder = TemporaryFolder()
        let bank = try loadSmall(folder, files: files())
        let item = try #require(bank.item("p-2"))
        #expect(item.passage?.id == "bacaan-1")
        #expect(item.passage?.text == "Bacaan yang dipakai tiga soal.")
        #expect(bank.item("a-4")?.passage == nil)
        #expect(bank.passages.keys.sorted() == ["bacaan-1"])

        // The passage is written in another file than its items: still found.
        var split = files(passages: "")
        split["bacaan.yaml"] = Self.passageFile + "items: []\n"
        #expect(try loadSmall(TemporaryFolder(), files: split).item("p-1")?.passage?.id == "bacaan-1")

        // A changed passage changes the fingerprint of each of its items, and only theirs.
        let changed = try loadSmall(
            TemporaryFolder(),
            files: files(passages: Self.passageFile.replacingOccurrences(of: "tiga soal", with: "tiga soal lagi"))
        )
        #expect(changed.fingerprints["p-1"] != bank.fingerprints["p-1"])
        #expect(changed.fingerprints["p-3"] != bank.fingerprints["p-3"])
        #expect(changed.fingerprints["a-4"] == bank.fingerprints["a-4"])
        #expect(changed.contentDigest != bank.contentDigest)
    }

    @Test("a rich passage (a table, a figure) is checked like a rich stem, and its figures are its items'")
    func richPassage() throws {
        let folder = TemporaryFolder()
        folder.write("bank/figures/persegi.svg", ItemMarkupTests.square)
        let rich = """
            passages:
              - id: bacaan-1
                version: 1
                markup: true
                text: |
                  <table><tr><th>Bulan</th><th>Jumlah</th></tr><tr><td>Januari</td><td>2<sup>5</sup></td></tr></table>
                  <img src="figures/persegi.svg" alt="Persegi"/>

            """
        let bank = try loadSmall(folder, files: files(passages: rich))
        let item = try #require(bank.item("p-1"))
        #expect(item.passage?.markup == true)
        #expect(item.passage?.text.contains("<td>2<sup>5</sup></td>") == true)
        #expect(item.images == ["figures/persegi.svg"])
        #expect(item.markup == false)

        // Refused with file, line and the passage's id: an element outside the subset on
        // the text's third line, an image without alt text.
        let bad = rich.replacingOccurrences(of: "<img src=\"figures/persegi.svg\" alt=\"Persegi\"/>", with: "kalimat\n      <script>x</script>")
        let found = problems(TemporaryFolder(), files: files(passages: bad))
        #expect(found.map(\.code) == ["bad-markup"])
        #expect(found.first?.line == 8)
        #expect(found.first?.file.hasSuffix("bank/p.yaml") == true)
        #expect(found.first?.message.contains("bacaan bacaan-1") == true)
        let noAlt = rich.replacingOccurrences(of: " alt=\"Persegi\"", with: "")
        let withoutAlt = problems(folder, files: files(passages: noAlt))
        #expect(withoutAlt.map(\.code) == ["bad-markup"])
        #expect(withoutAlt.first?.message.contains("tanpa teks alt") == true)
    }

    @Test("refused: a passage no item names, a name no passage has, one id twice, one passage in two subtests, a bad field")
    func refusals() {
        func codes(_ files: [String: String]) -> [String] { problems(TemporaryFolder(), files: files).map(\.code) }

        let unknown = problems(TemporaryFolder(), files: files(extra: "\n" + passageItem("p-9", passage: "bacaan-lain")))
        #expect(unknown.map(\.code) == ["unknown-passage"])
        #expect(unknown.first?.itemID == "p-9")
        #expect(unknown.first?.message.contains("bacaan-lain") == true)

        let unused = Self.passageFile + "  - id: bacaan-2\n    version: 1\n    text: Tidak dipakai.\n"
        let found = problems(TemporaryFolder(), files: files(passages: unused))
        #expect(found.map(\.code) == ["unused-passage"])
        #expect(found.first?.line == 6)

        // Items refused for their own problem leave their passage unnamed, but it is not also "unused".
        let refusedItems = files().mapValues {
            $0.replacingOccurrences(of: "    difficulty: 1\n    stem: Soal p-", with: "    difficulty: 7\n    stem: Soal p-")
        }
        #expect(!codes(refusedItems).contains("unused-passage"))
        #expect(codes(refusedItems) == ["difficulty-out-of-range", "difficulty-out-of-range", "difficulty-out-of-range"])

        var twice = files()
        twice["q.yaml"] = Self.passageFile + "items: []\n"
        #expect(codes(twice) == ["duplicate-passage"])

        let across = problems(TemporaryFolder(), files: files(extra: "\n" + passageItem("p-w", passage: "bacaan-1", subtest: "W", topic: "z")))
        #expect(across.map(\.code).contains("passage-across-subtests"))

        #expect(
            codes(files(passages: Self.passageFile.replacingOccurrences(of: "    version: 1\n", with: "    version: 1\n    judul: x\n"))) == ["unknown-field"]
        )
        #expect(codes(files(passages: Self.passageFile.replacingOccurrences(of: "|\n      Bacaan yang dipakai tiga soal.", with: "''"))) == ["empty-field"])
        #expect(codes(files(passages: Self.passageFile.replacingOccurrences(of: "    version: 1\n", with: ""))) == ["missing-field"])
        #expect(codes(files(passages: Self.passageFile.replacingOccurrences(of: "id: bacaan-1", with: "id: bacaan 1"))).contains("bad-id"))
    }

    /// Rules drawing 6 of subtest A's 12 items (none per topic), passages as `order` says.
    private func rules(_ order: String?) -> String {
        smallRules.replacingOccurrences(of: "items: 2", with: "items: 6")
            .replacingOccurrences(of: "    topics: {x: 1}\n", with: order.map { "    passages: \($0)\n" } ?? "")
    }

    private func assembler(_ order: String?, files: [String: String]) throws -> PaperAssembler {
        let folder = TemporaryFolder()
        let paths = smallBank(folder, files: files, rules: rules(order))
        let ruleSet = try RuleSetLoader.load(file: paths.rules + "/kecil-1.yaml")
        return try PaperAssembler(bank: try BankLoader.load(directory: paths.bank, ruleSets: [ruleSet]), ruleSet: ruleSet)
    }

    @Test("passages: together: for any seed, the drawn items of a passage stand one after another, in the bank's order")
    func together() async throws {
        let assembler = try assembler("together", files: files())
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            let ids = assembler.paper(seed: seed).sections[0].items.map(\.itemID)
            let places = ids.indices.filter { ids[$0].hasPrefix("p-") }
            #expect(places == Array(places.first.map { $0..<($0 + places.count) } ?? 0..<0))
            let grouped = places.map { ids[$0] }
            #expect(grouped == grouped.sorted())
        }
        // And a whole session: the exposure rule does not break the blocks either.
        for paper in assembler.session(seeds: Array(1...60)).papers {
            let ids = paper.sections[0].items.map(\.itemID)
            let places = ids.indices.filter { ids[$0].hasPrefix("p-") }
            #expect(places.isEmpty || places.last! - places.first! == places.count - 1)
        }
    }

    @Test("without the rule a passage's items are shuffled like any other, and a bank without passages gives the same papers under either rule")
    func shuffledAndUnchanged() throws {
        let shuffled = try assembler(nil, files: files())
        let apart = (1...200).contains { seed in
            let ids = shuffled.paper(seed: UInt64(seed)).sections[0].items.map(\.itemID)
            let places = ids.indices.filter { ids[$0].hasPrefix("p-") }
            let grouped = places.map { ids[$0] }
            return places.count > 1 && (places.last! - places.first! != places.count - 1 || grouped != grouped.sorted())
        }
        #expect(apart)

        var plain = validSmallFiles()
        plain["p.yaml"] = "items:\n" + (4...12).map { rightWrongItem("a-\($0)") }.joined(separator: "\n")
        let before = try assembler("shuffled", files: plain)
        let after = try assembler("together", files: plain)
        for seed in UInt64(1)...100 { #expect(before.paper(seed: seed).fingerprint == after.paper(seed: seed).fingerprint) }
    }

    @Test("a rule set's passages is 'together' or 'shuffled'")
    func ruleValue() {
        let folder = TemporaryFolder()
        let file = folder.write("r.yaml", rules("berurutan"))
        #expect(throws: BankProblems.self) { try RuleSetLoader.load(file: file) }
        #expect((try? RuleSetLoader.load(file: folder.write("s.yaml", rules("together"))))?.subtests[0].passagesTogether == true)
    }
}
