import ArgumentParser
import ExamEngine
import Foundation
import Selection
import SeleksiCore

/// `seleksi selection skd` and `seleksi selection final`: the SKD ranking and the final
/// result on files, the same functions the portal runs.
struct SelectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selection",
        abstract: "Aturan seleksi pada berkas: peringkat SKD menuju SKB, dan hasil akhir setelah SKB.",
        subcommands: [SKD.self, Final.self]
    )

    struct SKD: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "skd",
            abstract: "Memeringkat hasil SKD per formasi (ambang batas, 3 × kuota, penentu TKP-TIU-TWK) dan mencetak peringkat dan kode tiap peserta."
        )

        @Option(help: "CSV formasi: formation_id,type,quota.")
        var formations: String

        @Option(help: "CSV nilai: participant_number,formation_id,twk,tiu,tkp,status[,reason] (status present, absent atau disqualified).")
        var scores: String

        @Option(help: "Berkas aturan.")
        var rules: String = Defaults.rulesDirectory + "/skd-2024.yaml"

        @Option(help: "Berkas kode hasil.")
        var codes: String = "Config/result-codes.yaml"

        @Flag(help: "Cetak sebagai JSON: [{participant_number, formation_id, total, rank, code}].")
        var json = false

        func run() throws {
            try SelectionPrinter.skd(formationsFile: formations, scoresFile: scores, rulesFile: rules, codesFile: codes, json: json).finish()
        }
    }

    struct Final: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "final",
            abstract:
                "Hasil akhir: nilai integrasi SKD dan SKB, peringkat per formasi (penentu: total SKD, TKP, TIU, TWK, IPK, usia) dan optimalisasi kursi kosong (L-1, L-2)."
        )

        @Option(help: "CSV formasi: formation_id,position,education,unit,type,quota.")
        var formations: String

        @Option(help: "CSV SKD: participant_number,formation_id,twk,tiu,tkp,status[,reason],gpa,birth_date (tanggal yyyy-mm-dd).")
        var skd: String

        @Option(help: "CSV SKB: participant_number,skb_percent,status (present, absent, disqualified atau tms).")
        var skb: String

        @Option(help: "Berkas aturan (bagian selection.final: bobot dan optimalisasi).")
        var rules: String = Defaults.rulesDirectory + "/skd-2024.yaml"

        @Option(help: "Berkas kode hasil.")
        var codes: String = "Config/result-codes.yaml"

        @Flag(help: "Cetak sebagai JSON: [{participant_number, formation_id, final_score, rank, code}], formation_id formasi penempatan.")
        var json = false

        func run() throws {
            try SelectionPrinter.final(formationsFile: formations, skdFile: skd, skbFile: skb, rulesFile: rules, codesFile: codes, json: json).finish()
        }
    }
}

enum SelectionPrinter {
    static func final(formationsFile: String, skdFile: String, skbFile: String, rulesFile: String, codesFile: String, json: Bool) -> CommandResult {
        var result = CommandResult()
        func fail(_ lines: [String]) -> CommandResult {
            var failure = CommandResult(status: 2)
            for line in lines { failure.line(line) }
            return failure
        }
        let ruleSet: RuleSet
        do {
            ruleSet = try RuleSetLoader.load(file: rulesFile)
        } catch {
            return fail(error.problems.map(\.description))
        }
        var texts: [String: String] = [:]
        for file in [formationsFile, skdFile, skbFile, codesFile] {
            guard let text = FileManager.default.contents(atPath: file).flatMap({ String(data: $0, encoding: .utf8) }) else {
                return fail(["\(file): berkas tidak dapat dibaca"])
            }
            texts[file] = text
        }
        let formations: [FinalFormation]
        switch FinalTables.formations(texts[formationsFile]!) {
        case .success(let read): formations = read
        case .failure(let problems): return fail(problems.lines.map { "\(formationsFile): \($0)" })
        }
        let candidates: [FinalCandidate]
        switch FinalTables.candidates(skd: texts[skdFile]!, skb: texts[skbFile]!, ruleSet: ruleSet, skdFile: skdFile, skbFile: skbFile) {
        case .success(let read): candidates = read
        case .failure(let problems): return fail(problems.lines)
        }
        let codes: ResultCodes
        let results: [FinalResult]
        do {
            codes = try ResultCodes.parse(texts[codesFile]!, file: codesFile)
            results = try FinalIntegration.integrate(candidates, formations: formations, ruleSet: ruleSet)
        } catch {
            return fail([error.message])
        }
        if json {
            let rows = results.map { r -> [String: Any] in
                [
                    "participant_number": r.participantNumber, "formation_id": r.appointedTo,
                    "final_score": r.finalScore.map { $0 as Any } ?? NSNull(), "rank": r.rank.map { $0 as Any } ?? NSNull(),
                    "code": codes.final(r.standing).code,
                ]
            }
            let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys, .prettyPrinted])) ?? Data("[]".utf8)
            result.line(String(decoding: data, as: UTF8.self))
            return result
        }
        var formation = ""
        for r in results {
            if r.formationID != formation {
                formation = r.formationID
                let about =
                    formations.first { $0.id == formation }.map { "\($0.position), \($0.education), \($0.unit), \($0.type.rawValue), kuota \($0.quota)" } ?? ""
                result.line("== \(formation) (\(about))")
            }
            let entry = codes.final(r.standing)
            let rank = r.rank.map { String(format: "%5d", $0) } ?? "    -"
            let score = r.finalScore.map { String(format: "%7.3f", $0) } ?? "      -"
            let moved = r.appointedTo != r.formationID ? " → \(r.appointedTo)" : ""
            result.line("\(rank)  \(r.participantNumber)  \(score)  \(entry.code)\(moved)  \(entry.label)")
        }
        return result
    }

    static func skd(formationsFile: String, scoresFile: String, rulesFile: String, codesFile: String, json: Bool) -> CommandResult {
        var result = CommandResult()
        func fail(_ lines: [String]) -> CommandResult {
            var failure = CommandResult(status: 2)
            for line in lines { failure.line(line) }
            return failure
        }
        func text(_ file: String) -> String? {
            FileManager.default.contents(atPath: file).flatMap { String(data: $0, encoding: .utf8) }
        }
        let ruleSet: RuleSet
        do {
            ruleSet = try RuleSetLoader.load(file: rulesFile)
        } catch {
            return fail(error.problems.map(\.description))
        }
        guard let formationText = text(formationsFile) else { return fail(["\(formationsFile): berkas tidak dapat dibaca"]) }
        guard let scoreText = text(scoresFile) else { return fail(["\(scoresFile): berkas tidak dapat dibaca"]) }
        guard let codeText = text(codesFile) else { return fail(["\(codesFile): berkas tidak dapat dibaca"]) }
        let formations: [SKDFormation]
        switch SKDTables.formations(formationText) {
        case .success(let read): formations = read
        case .failure(let problems): return fail(problems.lines.map { "\(formationsFile): \($0)" })
        }
        let candidates: [SKDCandidate]
        switch SKDTables.scores(scoreText, ruleSet: ruleSet) {
        case .success(let read): candidates = read
        case .failure(let problems): return fail(problems.lines.map { "\(scoresFile): \($0)" })
        }
        let codes: ResultCodes
        let results: [SKDResult]
        do {
            codes = try ResultCodes.parse(codeText, file: codesFile)
            results = try SKDRanking.rank(candidates, formations: formations, ruleSet: ruleSet)
        } catch {
            return fail([error.message])
        }
        if json {
            let rows = results.map { r -> [String: Any] in
                [
                    "participant_number": r.participantNumber, "formation_id": r.formationID, "total": r.total.map { $0 as Any } ?? NSNull(),
                    "rank": r.rank.map { $0 as Any } ?? NSNull(), "code": codes.skd(r.standing).code,
                ]
            }
            let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys, .prettyPrinted])) ?? Data("[]".utf8)
            result.line(String(decoding: data, as: UTF8.self))
            return result
        }
        var formation = ""
        for r in results {
            if r.formationID != formation {
                formation = r.formationID
                let quota = formations.first { $0.id == formation }.map { "kuota \($0.quota), \($0.type.rawValue)" } ?? ""
                result.line("== \(formation) (\(quota))")
            }
            let entry = codes.skd(r.standing)
            let rank = r.rank.map { String(format: "%5d", $0) } ?? "    -"
            let total = r.total.map { String(format: "%3d", $0) } ?? "  -"
            result.line("\(rank)  \(r.participantNumber)  \(total)  \(entry.code)  \(entry.label)\(r.reason.map { " (\($0))" } ?? "")")
        }
        return result
    }
}
