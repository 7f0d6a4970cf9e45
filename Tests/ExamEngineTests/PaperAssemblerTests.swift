import Crypto
import ExamEngine
import Foundation
import PropertyBased
import SeleksiCore
import Testing

@Suite("Paper assembly")
struct PaperAssemblerTests {
    let bank: QuestionBank
    let rules: RuleSet
    let assembler: PaperAssembler

    init() throws {
        (bank, rules) = try syntheticSKD()
        assembler = try PaperAssembler(bank: bank, ruleSet: rules)
    }

    @Test("the same bank version, rule set and seed give the same paper, byte for byte")
    func reproducible() {
        let first = assembler.paper(seed: 42)
        let again = assembler.paper(seed: 42)
        #expect(first == again)
        #expect(first.canonicalText == again.canonicalText)
        #expect(assembler.paper(seed: 43).fingerprint != first.fingerprint)
    }

    @Test("the fingerprint is the SHA-256 of the documented canonical text")
    func fingerprint() {
        let paper = assembler.paper(seed: 7)
        let digest = SHA256.hash(data: Data(paper.canonicalText.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(paper.fingerprint == digest)
        #expect(
            paper.canonicalText.hasPrefix("seleksi-paper/2\nrules:skd-2024\nbank:skd-contoh@synthetic-1\ncontent:\(bank.contentDigest)\nseed:7\nsubtest:TWK\n")
        )
    }

    @Test("subtests come in the rule set's order, with their counts, topic quotas and difficulty mix")
    func blueprint() {
        for seed in UInt64(0)..<200 {
            let paper = assembler.paper(seed: seed)
            #expect(paper.sections.map(\.subtest) == ["TWK", "TIU", "TKP"])
            for (section, rule) in zip(paper.sections, rules.subtests) {
                let items = section.items.map { bank.item($0.itemID)! }
                #expect(items.count == rule.items)
                for quota in rule.topicQuotas {
                    #expect(items.count { $0.topic == quota.topic } == quota.count)
                }
                let mix = (1...3).map { level in items.count { $0.difficulty == level } }
                #expect(mix == rule.difficultyTargets)
            }
        }
    }

    @Test("a fixed option keeps its place; the others move")
    func fixedOption() {
        var moved = false
        for seed in UInt64(0)..<50 {
            for item in assembler.paper(seed: seed).items {
                let bankItem = bank.item(item.itemID)!
                for (position, option) in bankItem.options.enumerated() where option.fixed {
                    #expect(item.optionOrder[position] == position)
                }
                if item.optionOrder != Array(0..<5) { moved = true }
            }
        }
        #expect(moved)
    }

    @Test("a session balances exposure: least used first")
    func exposure() {
        let session = assembler.session(seeds: (1...600).map(UInt64.init))
        #expect(session.papers.count == 600)
        var used: [String: Int] = [:]
        for paper in session.papers { for item in paper.items { used[item.itemID, default: 0] += 1 } }
        let never = bank.items.filter { used[$0.id] == nil }.map { "\($0.id)/\($0.difficulty)" }
        #expect(never == [])
        #expect(session.exposure.unused == 0)
        #expect(session.exposure.ratio < 1.35)
        // Without balancing, 600 random papers leave a far wider spread.
        var usage: [String: Int] = [:]
        for seed in UInt64(1)...600 {
            for item in assembler.paper(seed: seed).items { usage[item.itemID, default: 0] += 1 }
        }
        let random = Double(usage.values.max()!) / Double(max(usage.values.min()!, 1))
        #expect(session.exposure.ratio < random)
    }

    @Test("a session assembled a batch at a time (as a large roster loads) gives the same papers as all at once")
    func batches() {
        let seeds = (1...300).map(UInt64.init)
        let whole = assembler.session(seeds: seeds).papers.map(\.fingerprint)
        for size in [1, 7, 128, 300] {
            var run = PaperAssembler.SessionRun(assembler)
            let batched = stride(from: 0, to: seeds.count, by: size).flatMap { run.papers(seeds: seeds[$0..<min($0 + size, seeds.count)]) }
            #expect(batched.map(\.fingerprint) == whole, "batch of \(size)")
        }
    }

    @Test("a paper's stored JSON is the bytes JSONEncoder (sorted keys) writes, for any seed and for text that needs escaping")
    func storedJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for paper in assembler.session(seeds: (1...50).map(UInt64.init)).papers {
            #expect(paper.sortedJSON == String(decoding: try encoder.encode(paper), as: UTF8.self))
        }
        let odd = Paper(
            ruleSetID: "a/b \"c\" \\ \n\t\r\u{08}\u{0C}\u{01}\u{1F}",
            bankID: "bank-é-ü-日本",
            bankVersion: "2024.1",
            seed: UInt64.max,
            sections: [
                PaperSection(subtest: "TWK", items: [PaperItem(itemID: "x/1", itemVersion: 3, optionOrder: [4, 0, 2])]),
                PaperSection(subtest: "TIU", items: []),
            ],
            fingerprint: "ab"
        )
        #expect(odd.sortedJSON == String(decoding: try encoder.encode(odd), as: UTF8.self))
        #expect(try JSONDecoder().decode(Paper.self, from: Data(odd.sortedJSON.utf8)) == odd)
    }

    @Test("a rule set its bank cannot supply is refused with the shortfall")
    func shortfall() throws {
        let fewer = QuestionBank(manifest: bank.manifest, items: bank.items.filter { $0.topic != "pancasila" }, directory: "x")
        #expect(throws: AssemblyError.self) { try PaperAssembler(bank: fewer, ruleSet: rules) }
    }

    // MARK: - Properties, for any seed

    @Test("for any seed: right counts, no repeated item, a valid option permutation")
    func paperProperties() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            let paper = assembler.paper(seed: seed)
            let ids = paper.items.map(\.itemID)
            #expect(ids.count == rules.itemCount)
            #expect(Set(ids).count == ids.count)
            for (section, rule) in zip(paper.sections, rules.subtests) {
                #expect(section.items.count == rule.items)
                #expect(section.items.allSatisfy { bank.item($0.itemID)?.subtest == rule.code })
            }
            for item in paper.items {
                #expect(item.optionOrder.sorted() == Array(0..<bank.item(item.itemID)!.options.count))
            }
        }
    }

    @Test("for any seed and answers: the score is the same whatever the shuffle")
    func scoreIgnoresShuffle() async throws {
        let scorer = try Scorer(bank: bank, ruleSet: rules)
        await propertyCheck(count: 100, input: Gen.uint64(), Gen.uint64()) { seed, answerSeed in
            let paper = assembler.paper(seed: seed)
            // The candidate clicks screen positions; the answer is the option under the click.
            var random = SeededGenerator(seed: answerSeed)
            var answers: [String: String] = [:]
            for item in paper.items where random.below(6) > 0 {
                let position = random.below(item.optionOrder.count)
                answers[item.itemID] = ItemOption.letters[item.optionOrder[position]]
            }
            // The same items in another order, with the options in yet another order.
            let reshuffled = Paper(
                ruleSetID: paper.ruleSetID,
                bankID: paper.bankID,
                bankVersion: paper.bankVersion,
                seed: paper.seed,
                sections: paper.sections.map { section in
                    PaperSection(
                        subtest: section.subtest,
                        items: section.items.reversed().map {
                            PaperItem(itemID: $0.itemID, itemVersion: $0.itemVersion, optionOrder: $0.optionOrder.reversed())
                        }
                    )
                },
                fingerprint: ""
            )
            let original = try? scorer.score(paper, answers: answers, formationType: .general)
            let other = try? scorer.score(reshuffled, answers: answers, formationType: .general)
            #expect(original != nil)
            #expect(original == other)
        }
    }
}
