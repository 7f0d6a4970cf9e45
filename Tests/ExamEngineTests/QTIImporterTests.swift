import Foundation
import Testing
import ZIPFoundation

@testable import ExamEngine

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
        #expect(item.id == "qti-ibukota")
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
        #expect(try item("choice21.xml").id == "qti-ibukota")
    }

    @Test(
        "powers, indices, formulas and tables are kept as the bank's markup (a rich item), never flattened; spanning cells, MathML attributes and entities the file declares are refused"
    )
    func markupRefused() throws {
        let folder = NSTemporaryDirectory() + "seleksi-qti-markup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plain = try String(contentsOfFile: fixtures + "/qti/choice21.xml", encoding: .utf8)
        let stem = try #require(plain.firstMatch(of: /<simpleChoice[^>]*>([^<]+)</)?.1)
        // Before: 2<sup>5</sup> read 25 (then it was refused).
        let kept = [
            ("sup", "2<sup>5</sup>", "2<sup>5</sup>"), ("sub", "H<sub>2</sub>O", "H<sub>2</sub>O"),
            (
                "math", "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mfrac><mn>3</mn><mn>4</mn></mfrac></math>",
                "<math><mfrac><mn>3</mn><mn>4</mn></mfrac></math>"
            ),
            ("table", "<table><tbody><tr><td>2</td><td>5</td></tr></tbody></table>", "<table><tr><td>2</td><td>5</td></tr></table>"),
        ]
        for (name, text, written) in kept {
            try plain.replacingOccurrences(of: ">\(stem)<", with: ">\(text)<").write(toFile: folder + "/\(name).xml", atomically: true, encoding: .utf8)
            let item = try QTIImporter.importFile(folder + "/\(name).xml", target: target).get()
            #expect(item.markup && item.options[0].text == written, "\(name): \(item.options[0].text)")
            #expect(item.key == .correct(optionIndex: 1))
            // The emphasis of a rich item is kept too, and it reads back as the bank's markup.
            #expect(item.stem.contains("<strong>Nusantara</strong>") && (try? ItemMarkup.parse(item.stem).html()) == item.stem, "\(item.stem)")
        }
        for (name, text, says) in [
            ("span", "<table><tr><td colspan=\"2\">25</td></tr></table>", "colspan"),
            ("frac", "<math><mfrac linethickness=\"0\"><mn>3</mn><mn>4</mn></mfrac></math>", "linethickness"),
            ("style", "<math><mstyle><mn>3</mn></mstyle></math>", "<mstyle>"),
        ] {
            try plain.replacingOccurrences(of: ">\(stem)<", with: ">\(text)<").write(toFile: folder + "/\(name).xml", atomically: true, encoding: .utf8)
            guard case .failure(let problem) = QTIImporter.importFile(folder + "/\(name).xml", target: target) else {
                Issue.record("\(name): accepted")
                continue
            }
            #expect(problem.code == "unsupported-markup" && problem.message.contains(says), "\(problem)")
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

    @Test("two items that would get one id are both refused, naming each other: by identifier, and by file name (--id-from file)")
    func sameID() throws {
        let folder = NSTemporaryDirectory() + "seleksi-qti-same-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["soal 1.xml", "soal-1.xml"] { try FileManager.default.copyItem(atPath: fixtures + "/qti/choice21.xml", toPath: folder + "/" + name) }
        try FileManager.default.copyItem(atPath: fixtures + "/qti/choice30.xml", toPath: folder + "/soal-2.xml")
        // Both copies say identifier="ibukota".
        let byIdentifier = QTIImporter.importPath(folder, target: target)
        #expect(byIdentifier.items.map(\.id) == ["qti-sila"])
        #expect(byIdentifier.refused.map(\.code) == ["duplicate-id", "duplicate-id"] && byIdentifier.refused.allSatisfy { $0.itemID == "qti-ibukota" })
        #expect(byIdentifier.refused.first?.message.contains("--id-from file") == true)
        // By file name, "soal 1" and "soal-1" still give one id.
        let byFile = QTIImporter.importPath(folder, target: QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, idSource: .file))
        #expect(byFile.items.map(\.id) == ["qti-soal-2"])
        #expect(byFile.refused.map(\.code) == ["duplicate-id", "duplicate-id"] && byFile.refused.allSatisfy { $0.itemID == "qti-soal-1" })
        #expect(byFile.refused.first?.message.contains("soal-1.xml") == true && byFile.refused.last?.message.contains("soal 1.xml") == true)
    }

    private var shapes: String { fixtures + "/qti-shapes" }

    private func shape(_ path: String, idSource: QTIIDSource = .identifier) -> Result<Item, BankProblem> {
        QTIImporter.importFile(shapes + "/" + path, target: QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, idSource: idSource))
    }

    @Test(
        "an image beside the item travels with it as a figure (content-addressed, alt text kept); one outside the item's folder, missing or remote is refused"
    )
    func figures() throws {
        let result = QTIImporter.importPath(shapes + "/figures", target: target)
        #expect(result.items.map(\.id) == ["qti-deret-titik"])
        let item = try #require(result.items.first)
        #expect(item.markup && item.images.count == 5 && Set(item.images) == Set(result.figures.keys))
        // The stem's figure first, then the options' in their order, as the loader lists them.
        #expect(result.figures[item.images[0]] == FileManager.default.contents(atPath: shapes + "/figures/img/deret.svg"))
        #expect(
            result.figures[item.images[4]] == FileManager.default.contents(atPath: shapes + "/figures/img/lima titik.png") && item.images[4].hasSuffix(".png")
        )
        #expect(item.options.map(\.text).allSatisfy { $0.hasPrefix("<img src=\"figures/qti/") })
        #expect(result.refused.map(\.code).sorted() == ["image-missing", "image-outside", "image-outside"], "\(result.refused)")
        // Before: an image became the words "[Gambar: …]", and the picture was lost.
        #expect(!item.stem.contains("[Gambar"))
    }

    /// A zip of `entries` (path → bytes) written here, as a tool's export would be.
    private func zip(_ entries: [(String, Data)]) throws -> String {
        let path = NSTemporaryDirectory() + "seleksi-qti-" + UUID().uuidString + ".zip"
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, data) in entries {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return path
    }

    private func files(under folder: String) throws -> [(String, Data)] {
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder).sorted()
        return names.compactMap { name in FileManager.default.contents(atPath: folder + "/" + name).map { (name, $0) } }
    }

    @Test(
        "a zipped content package is read as it comes, named inside the .zip in every refusal; an entry outside it, or too much once inflated, refuses the whole package"
    )
    func zippedPackage() throws {
        let package = try zip(try files(under: shapes + "/package"))
        defer { try? FileManager.default.removeItem(atPath: package) }
        let result = QTIImporter.importPath(package, target: target)
        #expect(result.items.map(\.id) == ["qti-pkg-a", "qti-pkg-b"], "\(result.refused)")
        #expect(result.refused.map(\.code).sorted() == ["outside-package", "unreadable"], "\(result.refused)")
        // Named by the package, never by its scratch copy.
        #expect(result.refused.allSatisfy { $0.file == package + "/imsmanifest.xml" }, "\(result.refused)")
        #expect(result.items.allSatisfy { $0.origin.file.hasPrefix(package + "/") && !$0.origin.file.contains("seleksi-qti-zip-") })
        // With its figures: a zipped folder of items that show pictures.
        let pictures = try zip(try files(under: shapes + "/figures"))
        defer { try? FileManager.default.removeItem(atPath: pictures) }
        let figured = QTIImporter.importPath(pictures, target: target)
        #expect(figured.items.map(\.id) == ["qti-deret-titik"] && figured.figures.count == 5)

        // An entry that climbs out of the package: nothing of it is read.
        let climbing = try zip([("../lepas.xml", Data("<x/>".utf8))] + (try files(under: shapes + "/package")))
        defer { try? FileManager.default.removeItem(atPath: climbing) }
        let refused = QTIImporter.importPath(climbing, target: target)
        #expect(refused.items.isEmpty && refused.refused.map(\.code) == ["outside-package"] && refused.refused[0].file == climbing, "\(refused.refused)")
        // One path twice (a later entry would replace the first unseen): refused whole.
        let twice = try zip([("soal.xml", Data("<a/>".utf8)), ("./soal.xml", Data("<b/>".utf8))])
        defer { try? FileManager.default.removeItem(atPath: twice) }
        #expect(QTIImporter.importPath(twice, target: target).refused.map(\.code) == ["duplicate-entry"])
        // More than the limit once inflated (a small limit here; 512 MB in use): refused, whatever the headers say.
        let big = try zip([("besar.xml", Data(repeating: 0x20, count: 200_000))])
        defer { try? FileManager.default.removeItem(atPath: big) }
        let scratch = NSTemporaryDirectory() + "seleksi-qti-big-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(QTIZip.unpack(big, into: scratch, maximumBytes: 100_000)?.code == "zip-too-large")
    }

    @Test(
        "QTI 1.2 (Canvas, Moodle): every single-choice item of a quiz, its key from resprocessing (right/wrong or weights), HTML kept, pictures copied; the rest refused, each by itself"
    )
    func qti12() throws {
        let result = QTIImporter.importPath(shapes + "/qti12", target: target)
        let byID = Dictionary(uniqueKeysWithValues: result.items.map { ($0.id, $0) })
        #expect(byID.keys.sorted() == ["qti-g1", "qti-g2", "qti-tkp-1"], "\(result.refused)")
        let refused = Dictionary(uniqueKeysWithValues: result.refused.map { ($0.itemID ?? "?", $0.code) })
        #expect(
            refused == [
                "qti-g3": "multiple-response", "qti-g4": "unsupported-interaction", "qti-g5": "html-unreadable", "qti-tkp-2": "unsupported-scoring",
                "qti-tkp-3": "unsupported-scoring",
            ],
            "\(result.refused)"
        )
        #expect(result.refused.allSatisfy { $0.line != nil && $0.file.hasSuffix(".xml") })
        // Canvas: a plain item, its "other" feedback condition passed over, the first matching
        // condition ending processing (continue="No": the later one setting 0 is not read); options in place.
        let g1 = try #require(byID["qti-g1"])
        #expect(g1.stem == "Ibu kota Jawa Barat adalah ..." && g1.key == .correct(optionIndex: 1) && !g1.markup)
        #expect(g1.options.map(\.text) == ["Semarang", "Bandung", "Surabaya", "Serang"] && g1.options.allSatisfy(\.fixed))
        // HTML as Canvas writes it: 2<sup>5</sup> stays a power (read as text it would be 25, an option).
        let g2 = try #require(byID["qti-g2"])
        #expect(g2.markup && g2.stem.contains("2<sup>5</sup>") && g2.key == .correct(optionIndex: 2), "\(g2.stem)")
        #expect(g2.options.map(\.fixed) == [false, false, false, true])
        // Moodle-like: weights per option, a picture (matimage) copied with its label as alt text.
        let tkp = try #require(byID["qti-tkp-1"])
        #expect(tkp.key == .weights([1, 5, 4, 2, 3]) && tkp.images.count == 1 && tkp.stem.contains(#"alt="Denah loket pelayanan""#), "\(tkp.stem)")
        #expect(result.figures[tkp.images[0]] == FileManager.default.contents(atPath: shapes + "/qti12/img/peta.png"))
    }

    @Test("a TAO export (items/<id>/qti.xml) is read recursively, each item by its identifier or by its path")
    func taoFolder() throws {
        let result = QTIImporter.importPath(shapes + "/tao", target: target)
        #expect(result.refused.isEmpty, "\(result.refused)")
        #expect(result.items.map(\.id) == ["qti-i101", "qti-i102"])
        let byPath = QTIImporter.importPath(shapes + "/tao", target: QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, idSource: .file))
        #expect(byPath.items.map(\.id) == ["qti-items-i101-qti", "qti-items-i102-qti"])
    }

    @Test("a content package is read through its imsmanifest.xml: its item resources only, never a file outside it; a missing one is named")
    func contentPackage() throws {
        for path in [shapes + "/package", shapes + "/package/imsmanifest.xml"] {
            let result = QTIImporter.importPath(path, target: target)
            #expect(result.items.map(\.id) == ["qti-pkg-a", "qti-pkg-b"], "\(path)")
            let codes = result.refused.map(\.code).sorted()
            #expect(codes == ["outside-package", "unreadable"], "\(result.refused)")
            #expect(result.refused.allSatisfy { $0.file.hasSuffix("imsmanifest.xml") && $0.line != nil })
        }
        // Inside a larger folder, the package is still read through its manifest (not-listed.xml stays out).
        let whole = QTIImporter.importPath(shapes, target: target)
        #expect(whole.items.contains { $0.id == "qti-pkg-a" } && !whole.items.contains { $0.id == "qti-stray" })
    }

    @Test("the key follows the item's response processing: match_correct beats a mapping; written-out rules read as their template; anything else is refused")
    func responseProcessing() throws {
        // Before: the mapping won, and a right/wrong item became weights 1/0/0/0.
        #expect(try shape("scoring/mapping-but-match-correct.xml").get().key == .correct(optionIndex: 0))
        #expect(try shape("scoring/written-out-match-correct.xml").get().key == .correct(optionIndex: 2))
        guard case .failure(let missing) = shape("scoring/map-response-without-mapping.xml"), case .failure(let custom) = shape("scoring/custom.xml") else {
            Issue.record("accepted an item whose scoring cannot be read")
            return
        }
        #expect(missing.code == "unscored" && missing.message.contains("map_response"), "\(missing)")
        #expect(custom.code == "unsupported-scoring" && custom.line != nil, "\(custom)")
        #expect(try shape("scoring/written-out-map-response.xml").get().key == .weights([5, 1, 2, 4]))
        // Rules that use the template's elements but score otherwise are not the template.
        let refused = [
            "scoring/inverted.xml": "unsupported-scoring", "scoring/other-outcome.xml": "unsupported-scoring",
            "scoring/local-template.xml": "unsupported-scoring", "scoring/empty-processing.xml": "unscored",
            "scoring/bounded-mapping.xml": "unsupported-scoring", "scoring/huge-weight.xml": "weight-not-whole",
            "refused/same-identifier.xml": "bad-choice-identifier",
        ]
        for (path, code) in refused {
            guard case .failure(let problem) = shape(path) else {
                Issue.record("\(path) accepted: \(shape(path))")
                continue
            }
            #expect(problem.code == code, "\(path): \(problem)")
        }
    }

    @Test("options keep their order unless the interaction says shuffle=\"true\"; then fixed=\"1\" or \"true\" keeps one in place")
    func optionOrder() throws {
        #expect(try shape("tao/items/i101/qti.xml").get().options.map(\.fixed) == [false, false, false, true])
        #expect(try shape("tao/items/i102/qti.xml").get().options.map(\.fixed) == [true, true, true, true])
        #expect(try item("choice30.xml").options.allSatisfy { !$0.fixed })
    }

    @Test(
        "shared stimuli, xi:include, a .zip that is not one and entities XML does not know (&nbsp;, which the parser dropped) are refused with their reason, never dropped"
    )
    func refusedShapes() throws {
        let expected = [
            "refused/stimulus30.xml": "shared-stimulus", "refused/xinclude.xml": "external-include",
            "refused/html-entity.xml": "xml-syntax",
        ]
        for (path, code) in expected {
            guard case .failure(let problem) = shape(path) else {
                Issue.record("\(path) accepted")
                continue
            }
            #expect(problem.code == code && problem.line != nil && problem.file.hasSuffix(path), "\(path): \(problem)")
        }
        // A table is kept as a table (its cells ran together as text).
        #expect(try shape("refused/table.xml").get().stem.contains("<table><tr><td>2</td><td>5</td></tr></table>"))
        // In words, not "error 26".
        if case .failure(let problem) = shape("refused/html-entity.xml") {
            #expect(problem.message.contains("&nbsp; tidak dikenal XML") && problem.line == 10, "\(problem)")
        }
        let folder = NSTemporaryDirectory() + "seleksi-qti-zip-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("PK".utf8).write(to: URL(fileURLWithPath: folder + "/paket.zip"))
        #expect(QTIImporter.importPath(folder + "/paket.zip", target: target).refused.map(\.code) == ["bad-zip"])
        // A packed package inside a folder is named too (import the .zip itself).
        #expect(QTIImporter.importPath(folder, target: target).refused.map(\.code) == ["zip-package"])
        // Another encoding could hide an entity from the checks: UTF-8 only.
        let plain = try String(contentsOfFile: shapes + "/refused/html-entity.xml", encoding: .utf8)
        try plain.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"UTF-16\"").data(using: .utf16)!
            .write(to: URL(fileURLWithPath: folder + "/utf16.xml"))
        guard case .failure(let utf16) = QTIImporter.importFile(folder + "/utf16.xml", target: target) else {
            Issue.record("a UTF-16 file was accepted")
            return
        }
        #expect(utf16.code == "xml-syntax" && utf16.message.contains("UTF-8"), "\(utf16)")
    }

    @Test("a manifest cannot reach outside its package, through .. or a link; one file named twice is one item")
    func packageEscape() throws {
        let root = NSTemporaryDirectory() + "seleksi-qti-escape-" + UUID().uuidString
        let package = root + "/paket"
        try FileManager.default.createDirectory(atPath: package + "/items", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: shapes + "/package/items/a.xml", toPath: package + "/items/a.xml")
        try FileManager.default.copyItem(atPath: shapes + "/package/items/b.xml", toPath: root + "/luar.xml")
        try FileManager.default.createSymbolicLink(atPath: package + "/items/tautan.xml", withDestinationPath: root + "/luar.xml")
        let manifest = """
            <manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="m"><resources>
            <resource identifier="a" type="imsqti_item_xmlv2p1" href="items/a.xml"/>
            <resource identifier="a2" type="imsqti_item_xmlv2p1" href="./items/a.xml"/>
            <resource identifier="t" type="imsqti_item_xmlv2p1" href="items/tautan.xml"/>
            <resource identifier="w" type="imsqti_item_xmlv2p1" href="items\\..\\..\\luar.xml"/>
            </resources></manifest>
            """
        try manifest.write(toFile: package + "/imsmanifest.xml", atomically: true, encoding: .utf8)
        for idSource in QTIIDSource.allCases {
            let result = QTIImporter.importPath(package, target: QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, idSource: idSource))
            #expect(result.items.count == 1, "\(idSource): \(result.items.map(\.id))")
            #expect(result.refused.map(\.code) == ["outside-package", "outside-package"], "\(result.refused)")
        }
        // A manifest naming no item at all says so.
        try "<manifest identifier=\"m\"><resources><resource identifier=\"t\" type=\"imsqti_test_xmlv2p1\" href=\"t.xml\"/></resources></manifest>"
            .write(toFile: package + "/imsmanifest.xml", atomically: true, encoding: .utf8)
        #expect(QTIImporter.importPath(package, target: target).refused.map(\.code) == ["no-items"])
    }

    @Test("a folder gives whole items and refusals, never part of an item")
    func folder() {
        let result = QTIImporter.importPath(fixtures + "/qti", target: target)
        #expect(result.items.map(\.id).sorted() == ["qti-antre", "qti-ibukota", "qti-sila"])
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
        // As shipped, the samples lack the picture choice.xml shows (images/sign.png): refused, never imported as words.
        let bare = QTIImporter.importPath(samples, target: QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, optionCount: 2...5, idSource: .file))
        let missing = bare.refused.filter { $0.code == "image-missing" }
        #expect(missing.count == 2 && missing.allSatisfy { $0.message.contains("images/sign.png") }, "\(bare.refused)")
        // With the picture beside them (a copy of the folder, a small PNG written here):
        let folder = NSTemporaryDirectory() + "seleksi-qti-samples-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: samples, toPath: folder)
        try FileManager.default.createDirectory(atPath: folder + "/images", withIntermediateDirectories: true)
        let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!
        try png.write(to: URL(fileURLWithPath: folder + "/images/sign.png"))
        // choice.xml and choice_fixed.xml share identifier="choice": by identifier both are refused.
        let shared = QTIImporter.importPath(folder, target: QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, optionCount: 2...5))
        #expect(shared.refused.filter { $0.code == "duplicate-id" }.count == 2 && shared.items.isEmpty)
        let wide = QTIImportTarget(subtest: "A", topic: "x", difficulty: 2, optionCount: 2...5, idSource: .file)
        let result = QTIImporter.importPath(folder, target: wide)
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
        let sign = try #require(choice.images.first)
        #expect(choice.images == [sign] && result.figures[sign] == png)
        #expect(choice.markup && choice.stem.contains(#"<img src="\#(sign)" alt="NEVER LEAVE LUGGAGE UNATTENDED"/>"#), "\(choice.stem)")
        #expect(choice.stem.contains("Look at the text in the picture.") && choice.stem.contains("What does it say?"))
        #expect(choice.key == .correct(optionIndex: 0))
        // shuffle="false": its options keep their order.
        #expect(choice.options.allSatisfy { $0.fixed })
        let fixed = try #require(result.items.first { $0.id == "qti-choice_fixed" })
        #expect(fixed.options.map(\.fixed) == [false, false, false, true])
    }
}
