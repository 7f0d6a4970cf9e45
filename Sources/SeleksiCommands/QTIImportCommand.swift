import ExamEngine
import Foundation

/// `seleksi bank import-qti`: QTI items into a bank, each whole or refused with its reason.
enum QTIImportCommand {
    static func run(
        source: String,
        bankDirectory: String,
        subtest: String,
        topic: String,
        difficulty: Int,
        idPrefix: String,
        idFrom: String = QTIIDSource.identifier.rawValue,
        rulesDirectory: String
    ) -> CommandResult {
        var result = CommandResult()
        func fail(_ lines: [String]) -> CommandResult {
            for line in lines { result.line(line) }
            result.status = 2
            return result
        }
        let manifest: BankManifest
        do {
            manifest = try BankLoader.manifest(folder: bankDirectory)
        } catch {
            return fail(["Bank tujuan tidak dapat dibaca:"] + error.problems.map { "  \($0)" })
        }
        guard let declared = manifest.subtest(subtest) else {
            return fail(["Subtes '\(subtest)' tidak ada di bank \(manifest.id) (yang ada: \(manifest.subtests.map(\.code).joined(separator: ", ")))"])
        }
        guard declared.hasTopic(topic) else {
            return fail(["Topik '\(topic)' tidak ada di subtes \(subtest) (yang ada: \(declared.topics.map(\.code).joined(separator: ", ")))"])
        }
        guard (1...3).contains(difficulty) else { return fail(["Tingkat kesulitan \(difficulty) di luar 1..3"]) }
        guard let idSource = QTIIDSource(rawValue: idFrom) else {
            return fail(["--id-from '\(idFrom)' tidak dikenal (pilih: \(QTIIDSource.allCases.map(\.rawValue).joined(separator: ", ")))"])
        }
        let rules = RuleSetLoader.loadAll(directory: rulesDirectory)
        guard rules.problems.isEmpty else { return fail(["Aturan bermasalah:"] + rules.problems.map { "  \($0)" }) }
        let existing: QuestionBank
        do {
            existing = try BankLoader.load(directory: bankDirectory, ruleSets: [])
        } catch {
            return fail(["Bank tujuan bermasalah; perbaiki dulu sebelum mengimpor:"] + error.problems.map { "  \($0)" })
        }

        let target = QTIImportTarget(
            subtest: subtest,
            topic: topic,
            difficulty: difficulty,
            idPrefix: idPrefix,
            optionCount: manifest.optionCount,
            idSource: idSource
        )
        let started = ContinuousClock.now
        let imported = QTIImporter.importPath(source, target: target)
        if imported.items.isEmpty, imported.refused.isEmpty {
            return fail(["Tidak ada berkas soal QTI (.xml) di \(source). Tidak ada yang ditulis."])
        }
        let elapsed = ContinuousClock.now - started
        let seconds = max(1e-6, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        var refused = imported.refused
        let users = rules.ruleSets.filter { $0.bankID == manifest.id }
        let unscorable = BankLoader.scoringProblems(imported.items, ruleSets: users)
        var accepted: [Item] = []
        for item in imported.items {
            if existing.item(item.id) != nil {
                refused.append(
                    BankProblem(
                        code: "duplicate-id",
                        file: item.origin.file,
                        line: item.origin.line,
                        itemID: item.id,
                        message: "ditolak: id sudah ada di bank \(manifest.id)"
                    )
                )
            } else if let problem = unscorable.first(where: { $0.itemID == item.id }) {
                refused.append(BankProblem(code: problem.code, file: problem.file, line: problem.line, itemID: item.id, message: "ditolak: " + problem.message))
            } else {
                accepted.append(item)
            }
        }

        let base = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        let output = BankLoader.join(bankDirectory, "qti-\(base).yaml")
        if !accepted.isEmpty, FileManager.default.fileExists(atPath: output) {
            return fail(["\(output) sudah ada; hapus atau ganti namanya dulu. Tidak ada yang ditulis."])
        }
        // The text is read back as the loader will before it enters the bank, so a written
        // file can never be one the bank refuses. An item the loader refuses is refused
        // under its own source file, and the others go on.
        // A scratch bank folder: the item file and the figures it shows, read as the bank will.
        let scratchFolder = NSTemporaryDirectory() + "seleksi-qti-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        let scratch = scratchFolder + "/qti.yaml"
        defer { try? FileManager.default.removeItem(atPath: scratchFolder) }
        do {
            try FileManager.default.createDirectory(atPath: scratchFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for path in Set(accepted.flatMap(\.images)) {
                guard let bytes = imported.figures[path] else { continue }
                try Self.write(bytes, to: BankLoader.join(scratchFolder, path))
            }
        } catch {
            return fail(["Folder sementara tidak dapat ditulis: \(error). Tidak ada yang ditulis."])
        }
        var text = ""
        while !accepted.isEmpty {
            do {
                text = try BankWriter.yaml(items: accepted)
                try Data(text.utf8).write(to: URL(fileURLWithPath: scratch))
                let reread = try BankLoader.items(inFile: scratch, manifest: manifest)
                let same = zip(reread, accepted).allSatisfy { read, item in Self.sameContent(read, item) }
                guard reread.count == accepted.count, same else {
                    return fail(["Hasil impor tidak terbaca ulang dengan sama; tidak ada yang ditulis."])
                }
                break
            } catch let problems as BankProblems {
                let byID = Dictionary(grouping: problems.problems, by: { $0.itemID ?? "" })
                guard byID[""] == nil, accepted.contains(where: { byID[$0.id] != nil }) else {
                    return fail(["Hasil impor ditolak pemeriksa bank; tidak ada yang ditulis:"] + problems.problems.map { "  \($0)" })
                }
                for item in accepted {
                    for problem in byID[item.id] ?? [] {
                        refused.append(
                            BankProblem(
                                code: problem.code,
                                file: item.origin.file,
                                line: item.origin.line,
                                itemID: item.id,
                                message: "ditolak: " + problem.message
                            )
                        )
                    }
                }
                accepted.removeAll { byID[$0.id] != nil }
            } catch {
                return fail(["\(output) tidak dapat ditulis: \(error). Tidak ada yang ditulis."])
            }
        }
        let read = imported.items.count + imported.refused.count
        result.line("\(read) soal dibaca dalam \(String(format: "%.2f", seconds)) s (\(String(format: "%.0f", Double(read) / seconds)) soal/s).")
        if !accepted.isEmpty {
            // The figures first (each under its content address, so one already there is the
            // same picture), then the items that show them.
            let figures = Set(accepted.flatMap(\.images)).sorted()
            // The same address is the same picture; anything else there is refused, never
            // replaced, before any figure is written.
            for path in figures {
                let destination = BankLoader.join(bankDirectory, path)
                if let present = FileManager.default.contents(atPath: destination), present != imported.figures[path] {
                    return fail(["\(destination) sudah ada dengan isi lain. Tidak ada yang ditulis."])
                }
            }
            var copied: [String] = []
            do {
                for path in figures {
                    let destination = BankLoader.join(bankDirectory, path)
                    guard let bytes = imported.figures[path], !FileManager.default.fileExists(atPath: destination) else { continue }
                    try Self.write(bytes, to: destination)
                    copied.append(destination)
                }
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                for file in copied { try? FileManager.default.removeItem(atPath: file) }
                return fail(["\(output) tidak dapat ditulis: \(error). Tidak ada yang ditulis."])
            }
            result.line("\(accepted.count) soal diimpor ke \(output): \(accepted.map(\.id).joined(separator: ", "))")
            if !figures.isEmpty { result.line("\(figures.count) gambar di \(BankLoader.join(bankDirectory, "figures/qti")) (\(copied.count) baru).") }
        } else {
            result.line("Tidak ada soal yang diimpor.")
        }
        if !refused.isEmpty {
            result.line("\(refused.count) berkas ditolak:")
            for problem in refused { result.line("  \(problem)") }
            result.status = 2
        }
        return result
    }

    static func write(_ bytes: Data, to destination: String) throws {
        try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try bytes.write(to: URL(fileURLWithPath: destination), options: .withoutOverwriting)
    }

    /// Everything of an item but where it was read from.
    static func sameContent(_ a: Item, _ b: Item) -> Bool {
        guard a.id == b.id, a.version == b.version, a.subtest == b.subtest, a.topic == b.topic else { return false }
        guard a.difficulty == b.difficulty, a.stem == b.stem, a.explanation == b.explanation else { return false }
        return a.options == b.options && a.key == b.key && a.markup == b.markup && a.images == b.images
    }
}
