import ExamEngine
import Foundation
import Testing

@testable import SeleksiCommands

let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

private let banks = repositoryRoot + "/QuestionBanks"
private let rules = repositoryRoot + "/Config/rules"

/// A scratch copy of the SKB example bank, for commands that write.
private func scratchBank() throws -> String {
    let path = NSTemporaryDirectory() + "seleksi-cli-" + UUID().uuidString
    try FileManager.default.copyItem(atPath: banks + "/skb-pranata-komputer", toPath: path)
    return path
}

@Suite("Command line")
struct CommandTests {
    @Test("bank validate: the shipped banks are clean against every rule set (exit 0)")
    func validateShipped() {
        let result = BankReports.validate(directory: banks, rulesDirectory: rules)
        #expect(result.status == 0, "\(result.text)")
        #expect(result.text.contains("OK  bank skd-contoh"))
        #expect(result.text.contains("cukup untuk skd-2024"))
        #expect(result.text.contains("OK  bank skb-pranata-komputer-contoh"))
        #expect(result.text.contains("OK  rencana SKB skb-kemenkeu-contoh: CAT SKB 50%, Wawancara 30%, Tes praktik kerja 20%"))
    }

    @Test("bank validate: an SKB plan whose weights do not add up exits 2, naming the file and the key")
    func validateBrokenPlan() throws {
        let folder = NSTemporaryDirectory() + "seleksi-rules-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: rules, toPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/skb-kemenkeu-contoh.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "weight: 20", with: "weight: 25").write(toFile: file, atomically: true, encoding: .utf8)
        let result = BankReports.validate(directory: banks, rulesDirectory: folder)
        #expect(result.status == 2)
        #expect(result.text.contains("skb-kemenkeu-contoh.yaml:") && result.text.contains("components[].weight berjumlah 105, harus 100"), "\(result.text)")
    }

    @Test("bank validate: a broken bank exits 2 with the list of problems")
    func validateBroken() throws {
        let bank = try scratchBank()
        defer { try? FileManager.default.removeItem(atPath: bank) }
        let file = bank + "/teknis-jaringan.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "id: skb-jaringan-002", with: "id: skb-jaringan-001")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = BankReports.validate(directory: bank, rulesDirectory: rules)
        #expect(result.status == 2)
        #expect(result.text.contains("teknis-jaringan.yaml:"))
        #expect(result.text.contains("soal skb-jaringan-001: id ganda"))
    }

    @Test("bank stats: counts per subtest, topic and difficulty, and the supply per rule set")
    func stats() {
        let result = BankReports.stats(directory: banks, rulesDirectory: rules)
        #expect(result.status == 0, "\(result.text)")
        #expect(result.text.contains("TEKNIS Kompetensi teknis Pranata Komputer: 40 soal"))
        #expect(result.text.contains("aturan skb-pranata-komputer (TEKNIS 20, REGULASI 10): cukup"))
        #expect(result.text.contains("Aturan pppk-2024: bank 'pppk-contoh' tidak ada"))
    }

    @Test("bank stats: a shortfall is shown and exits 2")
    func statsShortfall() throws {
        let bank = try scratchBank()
        defer { try? FileManager.default.removeItem(atPath: bank) }
        try FileManager.default.removeItem(atPath: bank + "/teknis-jaringan.yaml")
        let result = BankReports.stats(directory: bank, rulesDirectory: rules)
        #expect(result.status == 2)
        #expect(result.text.contains("skb-pranata-komputer menarik 5 soal subtes TEKNIS topik jaringan, bank hanya punya 0 (kurang 5)"))
    }

    @Test("paper: prints the paper without the key unless asked; same seed, same fingerprint")
    func paper() {
        let file = rules + "/skb-pranata-komputer.yaml"
        let plain = PaperPrinter.run(rulesFile: file, seed: 9, bankDirectory: banks, withKey: false, json: false)
        #expect(plain.status == 0)
        #expect(!plain.text.contains("<- kunci"))
        #expect(plain.text.contains("30 soal, 45 menit"))
        let keyed = PaperPrinter.run(rulesFile: file, seed: 9, bankDirectory: banks, withKey: true, json: false)
        #expect(keyed.text.components(separatedBy: "<- kunci").count - 1 == 30)
        let fingerprint = { (text: String) in text.components(separatedBy: "\n").first { $0.hasPrefix("Sidik jari") } }
        #expect(fingerprint(plain.text) == fingerprint(keyed.text))
    }

    @Test("paper --json: key and weights only with --with-key")
    func paperJSON() throws {
        let file = rules + "/skb-pranata-komputer.yaml"
        let plain = PaperPrinter.run(rulesFile: file, seed: 1, bankDirectory: banks, withKey: false, json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plain.text.utf8)) as? [String: Any])
        #expect(object["rules"] as? String == "skb-pranata-komputer")
        #expect(!plain.text.contains("\"key\""))
        let keyed = PaperPrinter.run(rulesFile: file, seed: 1, bankDirectory: banks, withKey: true, json: true)
        #expect(keyed.text.contains("\"key\""))
    }

    @Test("paper: a missing rule file is a clear error, exit 2")
    func paperMissingRules() {
        let result = PaperPrinter.run(rulesFile: rules + "/nope.yaml", seed: 1, bankDirectory: banks, withKey: false, json: false)
        #expect(result.status == 2)
        #expect(result.text.contains("tidak dapat dibaca"))
    }

    @Test(
        "import-qti: an item's figures are copied into the bank under their content address and load with it; a figure outside, missing or remote refuses its item only"
    )
    func importQTIFigures() throws {
        let bank = try scratchBank()
        defer { try? FileManager.default.removeItem(atPath: bank) }
        let source = repositoryRoot + "/Tests/ExamEngineTests/Fixtures/qti-shapes/figures"
        let result = QTIImportCommand.run(
            source: source,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "jaringan",
            difficulty: 2,
            idPrefix: "qti-",
            rulesDirectory: rules
        )
        #expect(result.status == 2, "\(result.text)")
        #expect(result.text.contains("1 soal diimpor") && result.text.contains("5 gambar di") && result.text.contains("(5 baru)"), "\(result.text)")
        for refusal in ["tidak ada di folder soal", "hanya berkas di folder soal"] { #expect(result.text.contains(refusal), "\(refusal): \(result.text)") }
        #expect(result.text.contains("luar-situs.xml") && result.text.contains("keluar.xml") && result.text.contains("hilang.xml"))
        let reloaded = try BankLoader.load(directory: bank, ruleSets: [try RuleSetLoader.load(file: rules + "/skb-pranata-komputer.yaml")])
        let item = try #require(reloaded.item("qti-deret-titik"))
        #expect(item.markup && item.images.count == 5 && item.images.allSatisfy { $0.hasPrefix("figures/qti/") }, "\(item.images)")
        #expect(item.key == .correct(optionIndex: 2) && item.stem.contains(#"alt="Deret: satu titik, dua titik, tiga titik""#), "\(item.stem)")
        // The bytes are the source's, so the item's fingerprint covers the pictures themselves.
        let stemFigure = try #require(item.images.first)
        #expect(FileManager.default.contents(atPath: bank + "/" + stemFigure) == FileManager.default.contents(atPath: source + "/img/deret.svg"))
        #expect(item.options[3].text.contains(".png"))

        // Another import of the same pictures (from another folder) finds them there; one
        // whose address holds other bytes stops it before anything is written.
        let other = NSTemporaryDirectory() + "seleksi-qti-gambar-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: other) }
        try FileManager.default.copyItem(atPath: source, toPath: other)
        try Data("<svg/>".utf8).write(to: URL(fileURLWithPath: bank + "/" + stemFigure))
        let clash = QTIImportCommand.run(
            source: other,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "jaringan",
            difficulty: 2,
            idPrefix: "qti2-",
            rulesDirectory: rules
        )
        #expect(clash.status == 2 && clash.text.contains("sudah ada dengan isi lain"), "\(clash.text)")
        #expect(!FileManager.default.fileExists(atPath: bank + "/qti-\((other as NSString).lastPathComponent).yaml"))
    }

    @Test("import-qti: whole items are written and reload with the bank; refusals are listed (exit 2)")
    func importQTI() throws {
        let bank = try scratchBank()
        defer { try? FileManager.default.removeItem(atPath: bank) }
        let source = repositoryRoot + "/Tests/ExamEngineTests/Fixtures/qti"
        let result = QTIImportCommand.run(
            source: source,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "jaringan",
            difficulty: 2,
            idPrefix: "qti-",
            rulesDirectory: rules
        )
        #expect(result.status == 2)
        // The weighted item cannot join a right/wrong subtest: refused, not half-written.
        #expect(result.text.contains("2 soal diimpor"))
        #expect(result.text.contains("qti-antre: ditolak"))
        #expect(result.text.contains("9 soal dibaca dalam") && result.text.contains("soal/s"))
        let reloaded = try BankLoader.load(directory: bank, ruleSets: [try RuleSetLoader.load(file: rules + "/skb-pranata-komputer.yaml")])
        #expect(reloaded.item("qti-ibukota")?.key == .correct(optionIndex: 1))
        #expect(reloaded.item("qti-sila")?.options.count == 5)
        #expect(reloaded.item("qti-antre") == nil)

        // A second import of the same source writes nothing over the first.
        let again = QTIImportCommand.run(
            source: source,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "jaringan",
            difficulty: 2,
            idPrefix: "qti-",
            rulesDirectory: rules
        )
        #expect(again.status == 2)
        #expect(again.text.contains("id sudah ada"))
    }

    @Test(
        "import-qti: an item the bank's checker refuses is refused under its source file, and the others are still written; options kept in place read back as shuffle: false"
    )
    func importQTIOneBad() throws {
        let bank = try scratchBank()
        defer { try? FileManager.default.removeItem(atPath: bank) }
        let source = NSTemporaryDirectory() + "seleksi-qti-one-bad-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: source) }
        let shapes = repositoryRoot + "/Tests/ExamEngineTests/Fixtures/qti-shapes"
        for (from, to) in [("refused/same-options.xml", "kembar.xml"), ("tao/items/i101/qti.xml", "i101.xml"), ("tao/items/i102/qti.xml", "i102.xml")] {
            try FileManager.default.copyItem(atPath: shapes + "/" + from, toPath: source + "/" + to)
        }
        let result = QTIImportCommand.run(
            source: source,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "jaringan",
            difficulty: 2,
            idPrefix: "qti-",
            rulesDirectory: rules
        )
        #expect(result.status == 2)
        // Before: "Hasil impor ditolak pemeriksa bank; tidak ada yang ditulis", naming a temporary file.
        #expect(result.text.contains("2 soal diimpor"), "\(result.text)")
        #expect(result.text.contains("kembar.xml:2: soal qti-kembar: ditolak: dua opsi berisi teks yang sama"), "\(result.text)")
        #expect(!result.text.contains("seleksi-qti-\(ProcessInfo.processInfo.processIdentifier)"), "\(result.text)")
        let written = try String(contentsOfFile: bank + "/qti-\((source as NSString).lastPathComponent).yaml", encoding: .utf8)
        #expect(written.contains("shuffle: false"))
        let reloaded = try BankLoader.load(directory: bank, ruleSets: [try RuleSetLoader.load(file: rules + "/skb-pranata-komputer.yaml")])
        #expect(reloaded.item("qti-i102")?.options.allSatisfy { $0.fixed } == true)
        #expect(reloaded.item("qti-i101")?.options.map(\.fixed) == [false, false, false, true])
        let unknown = QTIImportCommand.run(
            source: source,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "jaringan",
            difficulty: 2,
            idPrefix: "qti-",
            idFrom: "judul",
            rulesDirectory: rules
        )
        #expect(unknown.status == 2 && unknown.text.contains("--id-from 'judul' tidak dikenal"))
        // A folder with no QTI file is no success.
        let empty = NSTemporaryDirectory() + "seleksi-bank-empty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let nothing = QTIImportCommand.run(
            source: empty,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "jaringan",
            difficulty: 2,
            idPrefix: "qti-",
            rulesDirectory: rules
        )
        #expect(nothing.status == 2 && nothing.text.contains("Tidak ada berkas soal QTI"), "\(nothing.text)")
    }

    @Test("import-qti: an unknown topic or subtest is refused before anything is read")
    func importQTIBadTarget() throws {
        let bank = try scratchBank()
        defer { try? FileManager.default.removeItem(atPath: bank) }
        let source = repositoryRoot + "/Tests/ExamEngineTests/Fixtures/qti"
        let result = QTIImportCommand.run(
            source: source,
            bankDirectory: bank,
            subtest: "TEKNIS",
            topic: "astronomi",
            difficulty: 2,
            idPrefix: "qti-",
            rulesDirectory: rules
        )
        #expect(result.status == 2)
        #expect(result.text.contains("Topik 'astronomi' tidak ada"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: bank).filter { $0.hasPrefix("qti-") }.isEmpty)
    }
}
