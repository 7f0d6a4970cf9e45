import ArgumentParser
import ExamEngine
import Foundation
import Selection
import SeleksiCore

/// `seleksi selection skd`: the SKD ranking on files, the same function the portal runs.
struct SelectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selection",
        abstract: "Aturan seleksi pada berkas: peringkat SKD menuju SKB.",
        subcommands: [SKD.self]
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
}

enum SelectionPrinter {
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
