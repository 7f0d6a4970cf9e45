import ExamEngine
import Foundation
import Testing

@Suite("QTI import")
struct QTIImporterTests {
    let target = QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, idPrefix: "qti-", optionCount: 4...5)

    private func item(_ name: String) throws -> Item {
        try QTIImporter.importFile(fixtures + "/qti/" + name, target: target).get()
    }

    private func refusal(_ name: String, target: QTIImportTarget? = nil) -> BankProblem? {
        if case .failure(let problem) = QTIImporter.importFile(fixtures + "/qti/" + name, target: target ?? self.target) { return problem }
        return nil
    }

    @Test("QTI 2.1 single choice with correctResponse: stem, prompt, options, key and fixed option")
    func qti21() throws {
        let item = try item("choice21.xml")
        #expect(item.id == "qti-choice21")
        #expect(item.stem == "Menurut UU 3/2022, ibu kota negara bernama Nusantara.\nDi pulau manakah Ibu Kota Nusantara?")
        #expect(item.options.map(\.text) == ["Jawa", "Kalimantan", "Sulawesi", "Tidak satu pun"])
        #expect(item.key == .correct(optionIndex: 1))
        #expect(item.options.map(\.fixed) == [false, false, false, true])
        #expect((item.subtest, item.topic, item.difficulty) == ("A", "x", 2))
    }

    @Test("QTI 3.0 single choice, and a QTI 3.0 mapping as TKP-style weights")
    func qti30() throws {
        let choice = try item("choice30.xml")
        #expect(choice.stem == "Sila ketiga Pancasila berbunyi ...")
        #expect(choice.key == .correct(optionIndex: 2))
        #expect(choice.options.count == 5)
        let weighted = try item("weighted30.xml")
        #expect(weighted.key == .weights([3, 5, 1, 4, 2]))
        #expect(weighted.options[1].weight == 5)
        #expect(weighted.stem.hasPrefix("Antrean di loket Anda panjang"))
    }

    @Test("everything but single choice is refused, each with its reason")
    func refusals() {
        #expect(refusal("multiple21.xml")?.code == "multiple-response")
        #expect(refusal("text-entry30.xml")?.code == "unsupported-interaction")
        #expect(refusal("text-entry30.xml")?.message.contains("isian singkat") == true)
        #expect(refusal("template21.xml")?.code == "template-driven")
        #expect(refusal("unscored30.xml")?.code == "unscored")
        #expect(refusal("image-no-alt21.xml")?.code == "image-without-alt")
        let broken = refusal("broken.xml")
        #expect(broken?.code == "xml-syntax")
        #expect(broken?.line != nil)
        let narrow = QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, optionCount: 5...5)
        #expect(refusal("choice21.xml", target: narrow)?.code == "option-count")
    }

    @Test("30,000 nested elements are refused at once, naming the depth; a normal item is not")
    func deepNesting() throws {
        let folder = NSTemporaryDirectory() + "seleksi-qti-deep-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let deep =
            "<assessmentItem><itemBody>" + String(repeating: "<div>", count: 30_000) + String(repeating: "</div>", count: 30_000)
            + "</itemBody></assessmentItem>"
        try deep.write(toFile: folder + "/deep.xml", atomically: true, encoding: .utf8)
        let started = ContinuousClock.now
        guard case .failure(let problem) = QTIImporter.importFile(folder + "/deep.xml", target: target) else {
            Issue.record("a 30,000-deep item was accepted")
            return
        }
        #expect(problem.code == "xml-syntax" && problem.message.contains("lebih dari 100 tingkat") && problem.line == 1, "\(problem)")
        // Refused as it is read (no tree 30,000 deep): well within a second even here.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(try item("choice21.xml").id == "qti-choice21")
    }

    @Test("powers, indices and entities the file declares are refused, never flattened")
    func markupRefused() throws {
        let folder = NSTemporaryDirectory() + "seleksi-qti-markup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plain = try String(contentsOfFile: fixtures + "/qti/choice21.xml", encoding: .utf8)
        let stem = try #require(plain.firstMatch(of: /<simpleChoice[^>]*>([^<]+)</)?.1)
        for (name, text) in [("sup", "2<sup>5</sup>"), ("sub", "H<sub>2</sub>O")] {
            try plain.replacingOccurrences(of: ">\(stem)<", with: ">\(text)<").write(toFile: folder + "/\(name).xml", atomically: true, encoding: .utf8)
            guard case .failure(let problem) = QTIImporter.importFile(folder + "/\(name).xml", target: target) else {
                Issue.record("\(name): accepted, flattened")
                continue
            }
            #expect(problem.code == "unsupported-markup" && problem.message.contains("<\(name)>"), "\(problem)")
        }
        let declared = plain.replacingOccurrences(of: "<assessmentItem", with: "<!DOCTYPE assessmentItem [<!ENTITY kali \"&#215;\">]>\n<assessmentItem")
            .replacingOccurrences(of: ">\(stem)<", with: ">3 &kali; 4<")
        try declared.write(toFile: folder + "/entity.xml", atomically: true, encoding: .utf8)
        // The parser would drop it ("3 4"): refused, with the line of the declaration.
        guard case .failure(let problem) = QTIImporter.importFile(folder + "/entity.xml", target: target) else {
            Issue.record("an item using a declared entity was accepted")
            return
        }
        #expect(problem.code == "xml-syntax" && problem.message.contains("&kali;") && problem.line == 2, "\(problem)")
    }

    @Test("two files whose names give one id are both refused, naming each other; nothing else changes")
    func sameID() throws {
        let folder = NSTemporaryDirectory() + "seleksi-qti-same-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["soal 1.xml", "soal-1.xml"] { try FileManager.default.copyItem(atPath: fixtures + "/qti/choice21.xml", toPath: folder + "/" + name) }
        try FileManager.default.copyItem(atPath: fixtures + "/qti/choice30.xml", toPath: folder + "/soal-2.xml")
        let result = QTIImporter.importPath(folder, target: target)
        #expect(result.items.map(\.id) == ["qti-soal-2"])
        #expect(result.refused.map(\.code) == ["duplicate-id", "duplicate-id"] && result.refused.allSatisfy { $0.itemID == "qti-soal-1" })
        #expect(result.refused.first?.message.contains("soal-1.xml") == true && result.refused.last?.message.contains("soal 1.xml") == true)
    }

    @Test("a folder gives whole items and refusals, never part of an item")
    func folder() {
        let result = QTIImporter.importPath(fixtures + "/qti", target: target)
        #expect(result.items.map(\.id).sorted() == ["qti-choice21", "qti-choice30", "qti-weighted30"])
        #expect(result.refused.count == 6)
        #expect(result.refused.allSatisfy { $0.message.hasPrefix("ditolak: ") || $0.code == "xml-syntax" })
    }

    /// The QTI 2.1 samples in `shared/qti-samples` (data beside the repository, not in it).
    @Test("the real QTI 2.1 samples: single choice imports, the rest is refused with its reason")
    func realSamples() throws {
        let samples = repositoryRoot + "/../shared/qti-samples/ims-2_1"
        guard FileManager.default.fileExists(atPath: samples) else {
            print("skipped: \(samples) is not on this machine")
            return
        }
        let wide = QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, optionCount: 2...5)
        let result = QTIImporter.importPath(samples, target: wide)
        let refused = Dictionary(uniqueKeysWithValues: result.refused.map { (($0.file as NSString).lastPathComponent, $0.code) })
        #expect(result.items.map(\.id).sorted() == ["qti-choice", "qti-choice_fixed"])
        #expect(
            refused == [
                "choice_multiple.xml": "multiple-response", "inline_choice.xml": "unsupported-interaction",
                "likert.xml": "unscored", "mc_calc3.xml": "template-driven", "order.xml": "unsupported-interaction",
                "orkney1.xml": "external-object", "text_entry.xml": "unsupported-interaction",
            ]
        )
        let choice = try #require(result.items.first { $0.id == "qti-choice" })
        #expect(choice.stem == "Look at the text in the picture.\n[Gambar: NEVER LEAVE LUGGAGE UNATTENDED]\nWhat does it say?")
        #expect(choice.key == .correct(optionIndex: 0))
        let fixed = try #require(result.items.first { $0.id == "qti-choice_fixed" })
        #expect(fixed.options.last?.fixed == true)
    }
}
